//! One JSON value after another (events, stats, progress messages), decoded as each
//! is complete: values may be split across chunks, several may share one, and they
//! may be separated by `\n`, `\r\n` or nothing. An item that reports a failure
//! (as the operation's rule says, `failures.rs`) ends the stream with an error.

use std::fmt;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Buf, BytesMut};
use futures_core::Stream;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::bytes::ByteStream;
use super::failures::Failures;
use crate::api::StreamErrors;
use crate::error::Error;

/// A stream of JSON values of type `T` (by default any [`Value`]).
pub struct JsonStream<T = Value> {
    source: ByteStream,
    buf: BytesMut,
    what: &'static str,
    ended: bool,
    failed: bool,
    /// Items that report a failure end the stream with an error.
    failures: Option<Failures>,
    _t: PhantomData<fn() -> T>,
}

impl<T: DeserializeOwned> JsonStream<T> {
    /// Decodes `source`; `what` names it in errors (e.g. `"the event stream"`).
    pub fn new(source: ByteStream, what: &'static str) -> Self {
        JsonStream {
            source,
            buf: BytesMut::new(),
            what,
            ended: false,
            failed: false,
            failures: None,
            _t: PhantomData,
        }
    }

    /// Ends the stream with an error at an item that reports a failure, as
    /// `rule` says (see [`StreamErrors`]).
    pub(crate) fn with_failures(mut self, rule: StreamErrors) -> Self {
        self.failures = Failures::new(rule);
        self
    }

    /// The same bytes decoded as another type.
    pub fn typed<U: DeserializeOwned>(self) -> JsonStream<U> {
        JsonStream {
            source: self.source,
            buf: self.buf,
            what: self.what,
            ended: self.ended,
            failed: self.failed,
            failures: self.failures,
            _t: PhantomData,
        }
    }

    /// Decodes the next complete value in the buffer, if there is one.
    fn next_buffered(&mut self) -> Option<Result<T, Error>> {
        let start = self.buf.iter().position(|b| !b.is_ascii_whitespace())?;
        let mut values = serde_json::Deserializer::from_slice(&self.buf[start..]).into_iter::<T>();
        match values.next()? {
            Ok(v) => {
                let used = start + values.byte_offset();
                let failure = self
                    .failures
                    .as_mut()
                    .and_then(|f| f.check(&self.buf[start..used]));
                self.buf.advance(used);
                Some(failure.map_or(Ok(v), Err))
            }
            Err(e) if e.is_eof() => None,
            Err(e) => {
                let shown =
                    String::from_utf8_lossy(&self.buf[start..self.buf.len().min(start + 80)])
                        .into_owned();
                Some(Err(Error::decode(
                    self.what,
                    format!("{e} (at: {shown:?})"),
                )))
            }
        }
    }
}

impl<T: DeserializeOwned> Stream for JsonStream<T> {
    type Item = Result<T, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if this.failed {
            return Poll::Ready(None);
        }
        loop {
            if let Some(item) = this.next_buffered() {
                this.failed = item.is_err();
                return Poll::Ready(Some(item));
            }
            if this.ended {
                this.failed = true;
                return if this.buf.iter().all(|b| b.is_ascii_whitespace()) {
                    Poll::Ready(None)
                } else {
                    Poll::Ready(Some(Err(Error::closed(format!(
                        "{} ended in the middle of a JSON value",
                        this.what
                    )))))
                };
            }
            match Pin::new(&mut this.source).poll_next(cx) {
                Poll::Ready(Some(Ok(bytes))) => this.buf.extend_from_slice(&bytes),
                Poll::Ready(Some(Err(e))) => {
                    this.failed = true;
                    return Poll::Ready(Some(Err(e)));
                }
                Poll::Ready(None) => this.ended = true,
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

impl<T> fmt::Debug for JsonStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JsonStream")
            .field("what", &self.what)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;
    use futures_util::StreamExt;
    use serde_json::json;

    fn stream_of(pieces: &[&[u8]]) -> JsonStream {
        let items: Vec<Result<Bytes, Error>> = pieces
            .iter()
            .map(|p| Ok(Bytes::copy_from_slice(p)))
            .collect();
        JsonStream::new(
            ByteStream::new(futures_util::stream::iter(items)),
            "test stream",
        )
    }

    #[tokio::test]
    async fn values_split_joined_and_crlf_separated() {
        let s = stream_of(&[
            b"{\"a\":1}\r\n{\"b\"",
            b":[1,2]}\n{\"c\":",
            b"3}{\"d\":4}",
            b"\r\n",
        ]);
        let values: Vec<Value> = s.map(|r| r.unwrap()).collect().await;
        assert_eq!(
            values,
            vec![
                json!({"a":1}),
                json!({"b":[1,2]}),
                json!({"c":3}),
                json!({"d":4})
            ]
        );
    }

    #[tokio::test]
    async fn garbage_is_a_decode_error_then_the_end() {
        let mut s = stream_of(&[b"{\"a\":1}\nnot json at all\n{\"b\":2}\n"]);
        assert_eq!(s.next().await.unwrap().unwrap(), json!({"a":1}));
        let err = s.next().await.unwrap().unwrap_err();
        assert!(matches!(err, Error::Decode { .. }), "{err}");
        assert!(err.to_string().contains("test stream"));
        assert!(s.next().await.is_none());
    }

    #[tokio::test]
    async fn a_value_cut_off_at_the_end_is_reported() {
        let mut s = stream_of(&[b"{\"a\":1}\n{\"b\":"]);
        assert!(s.next().await.unwrap().is_ok());
        let err = s.next().await.unwrap().unwrap_err();
        assert!(matches!(err, Error::StreamClosed { .. }), "{err}");
    }
}
