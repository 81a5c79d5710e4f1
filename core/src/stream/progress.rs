//! Progress messages of pull, push, load, import and build, typed, and what a
//! finished stream established (image id, digest, layers, output). A failure
//! reported inside the stream ends it with an error (`failures.rs`).

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::json::JsonStream;
use crate::error::Error;

/// One progress message.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    /// The layer (or other object) the message is about.
    #[serde(default)]
    pub id: Option<String>,
    /// e.g. `Downloading`, `Pushed`, `Digest: sha256:…`.
    #[serde(default)]
    pub status: Option<String>,
    /// A rendered progress bar, as the CLI would print it.
    #[serde(default)]
    pub progress: Option<String>,
    #[serde(rename = "progressDetail", default)]
    pub detail: Option<ProgressDetail>,
    /// Build output text.
    #[serde(default)]
    pub stream: Option<String>,
    /// Structured results (the built image's id, a push's digest and size).
    #[serde(default)]
    pub aux: Option<Value>,
    #[serde(default)]
    pub error: Option<String>,
    #[serde(rename = "errorDetail", default)]
    pub error_detail: Option<Value>,
}

/// Bytes done and expected for one layer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgressDetail {
    #[serde(default)]
    pub current: Option<u64>,
    #[serde(default)]
    pub total: Option<u64>,
}

impl Progress {
    /// The error this message reports, if it is one.
    pub fn error_message(&self) -> Option<String> {
        self.error.clone().or_else(|| {
            self.error_detail
                .as_ref()
                .and_then(|d| d.get("message"))
                .and_then(Value::as_str)
                .map(str::to_string)
        })
    }
}

/// What a finished progress stream established.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ProgressSummary {
    /// The image id: a build's `aux.ID`, a load's `Loaded image ID`, an import's status.
    pub image_id: Option<String>,
    /// The digest reported by a pull (`Digest: …`) or a push (`aux.Digest`).
    pub digest: Option<String>,
    /// The layers named along the way, in first-seen order.
    pub layers: Vec<String>,
    /// All build output text.
    pub output: String,
    /// The last status line.
    pub last_status: Option<String>,
}

/// Progress messages, typed. A failure reported inside the stream is its last
/// item, as an error (the operation's rule, applied by the JSON stream beneath).
pub struct ProgressStream {
    inner: JsonStream<Progress>,
}

impl ProgressStream {
    pub fn new(inner: JsonStream<Progress>) -> Self {
        ProgressStream { inner }
    }

    /// Reads to the end and sums up what happened.
    pub async fn finish(mut self) -> Result<ProgressSummary, Error> {
        let mut summary = ProgressSummary::default();
        while let Some(msg) = self.next().await {
            summary.absorb(&msg?);
        }
        Ok(summary)
    }
}

impl ProgressSummary {
    /// Takes in one message.
    pub fn absorb(&mut self, msg: &Progress) {
        if let Some(id) = &msg.id {
            let is_layer = msg.status.as_deref().is_some_and(|s| {
                !s.starts_with("Pulling from")
                    && !s.starts_with("Digest:")
                    && !s.starts_with("Status:")
            });
            if is_layer && !self.layers.contains(id) {
                self.layers.push(id.clone());
            }
        }
        if let Some(text) = &msg.stream {
            self.output.push_str(text);
            if let Some(id) = text.trim().strip_prefix("Loaded image ID: ") {
                self.image_id = Some(id.to_string());
            }
        }
        if let Some(status) = &msg.status {
            if let Some(d) = status.strip_prefix("Digest: ") {
                self.digest = Some(d.trim().to_string());
            }
            if let Some(id) = status.strip_prefix("Loaded image ID: ") {
                self.image_id = Some(id.trim().to_string());
            }
            if status.starts_with("sha256:") && msg.id.is_none() {
                self.image_id = Some(status.trim().to_string());
            }
            self.last_status = Some(status.clone());
        }
        if let Some(aux) = &msg.aux {
            if let Some(id) = aux.get("ID").and_then(Value::as_str) {
                self.image_id = Some(id.to_string());
            }
            if let Some(d) = aux.get("Digest").and_then(Value::as_str) {
                self.digest = Some(d.to_string());
            }
        }
    }
}

impl Stream for ProgressStream {
    type Item = Result<Progress, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        Pin::new(&mut self.inner).poll_next(cx)
    }
}

impl fmt::Debug for ProgressStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProgressStream").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::StreamErrors;
    use crate::stream::ByteStream;
    use bytes::Bytes;

    fn stream(lines: &str, rule: StreamErrors) -> ProgressStream {
        let source = ByteStream::new(futures_util::stream::iter(vec![Ok(Bytes::from(
            lines.to_string(),
        ))]));
        ProgressStream::new(JsonStream::new(source, "progress").with_failures(rule))
    }

    #[tokio::test]
    async fn an_error_inside_a_200_stream_ends_it_as_an_error() {
        let s = stream(
            "{\"status\":\"Preparing\",\"id\":\"abc\"}\r\n{\"errorDetail\":{\"message\":\"disk full\"},\"error\":\"disk full\"}\r\n{\"status\":\"never seen\"}\r\n",
            StreamErrors::Progress("push"),
        );
        let items: Vec<_> = s.collect().await;
        assert_eq!(items.len(), 2);
        assert!(items[0].is_ok());
        let err = items[1].as_ref().unwrap_err();
        assert!(
            matches!(err, Error::Progress { message, .. } if message == "disk full"),
            "{err:?}"
        );
    }

    #[tokio::test]
    async fn a_failed_build_carries_the_failing_steps_output() {
        let s = stream(
            concat!(
                "{\"stream\":\"Step 1/2 : FROM x\\n\"}\n",
                "{\"stream\":\" ---\\u003e abc\\n\"}\n",
                "{\"stream\":\"Step 2/2 : RUN false\\n\"}\n",
                "{\"stream\":\"about to fail\\n\"}\n",
                "{\"errorDetail\":{\"code\":1,\"message\":\"returned a non-zero code: 1\"},\"error\":\"returned a non-zero code: 1\"}\n"
            ),
            StreamErrors::Build,
        );
        match s.finish().await.unwrap_err() {
            Error::BuildFailed { message, output } => {
                assert_eq!(message, "returned a non-zero code: 1");
                assert_eq!(output, "Step 2/2 : RUN false\nabout to fail\n");
            }
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn the_summary_has_the_digest_layers_and_id() {
        let s = stream(
            concat!(
                "{\"status\":\"Pulling from a/b\",\"id\":\"1\"}\n",
                "{\"status\":\"Downloading\",\"progressDetail\":{\"current\":5,\"total\":10},\"id\":\"l1\"}\n",
                "{\"status\":\"Pull complete\",\"id\":\"l2\"}\n",
                "{\"status\":\"Digest: sha256:abc\"}\n",
                "{\"status\":\"Status: Downloaded newer image for a/b:1\"}\n"
            ),
            StreamErrors::Progress("pull"),
        );
        let sum = s.finish().await.unwrap();
        assert_eq!(sum.digest.as_deref(), Some("sha256:abc"));
        assert_eq!(sum.layers, vec!["l1", "l2"]);
    }
}
