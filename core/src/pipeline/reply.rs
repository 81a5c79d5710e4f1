//! Reading an answer as its kind says: a whole answer decoded as JSON (into
//! values, into a type, or checked and kept as text), text or nothing; a stream
//! opened as log frames, JSON values (with the operation's failure rule) or bytes;
//! a hijacked connection as an attached process. Every way of reading is written
//! here once, for the async and the blocking client alike.

use std::borrow::Cow;

use base64::Engine as _;
use bytes::Bytes;
use serde_json::Value;

use super::json;
use super::output::Output;
use crate::api::{ResponseKind, StreamErrors};
use crate::error::Error;
use crate::stream::{Attached, ByteStream, JsonStream, LogStream};
use crate::transport::{Answer, Cancel, ResponseBody, Upgraded};
use crate::version::ApiVersion;

const MULTIPLEXED: &str = "application/vnd.docker.multiplexed-stream";
const RAW_STREAM: &str = "application/vnd.docker.raw-stream";

/// How to read one answer.
#[derive(Debug, Clone)]
pub(crate) struct Reading {
    /// The answer's kind; `None`: judged by its content type (raw requests).
    pub kind: Option<ResponseKind>,
    /// Names what was asked for in messages (the operation id or the path).
    pub what: Cow<'static, str>,
    /// Whether raw-stream output is a TTY's, as known from the container, exec,
    /// service or task.
    pub tty: bool,
    pub version: Option<ApiVersion>,
    /// Which items of a JSON stream are failures.
    pub stream_errors: StreamErrors,
    /// For an upgraded connection: the protocol.
    pub upgrade: &'static str,
    /// The caller reads whole answers only: an answer of unknown kind that is
    /// JSON is one document, even when it comes chunked.
    pub whole_only: bool,
    /// Ends a stream the answer opens when fired.
    pub cancel: Option<Cancel>,
}

/// A successful answer, not yet read as the caller wants it.
pub(crate) enum Reply {
    /// Read whole.
    Whole {
        head: http::response::Parts,
        body: Bytes,
        reading: Reading,
    },
    /// A stream or a hijacked connection, ready to read.
    Open(Output),
}

/// Whether an answer of `kind` is read whole before the call returns.
pub(crate) fn is_whole(kind: ResponseKind) -> bool {
    matches!(
        kind,
        ResponseKind::Json | ResponseKind::Empty | ResponseKind::Text | ResponseKind::PathStat
    )
}

impl Reply {
    /// The answer from the transport, read as `reading` says; a failure status is
    /// the matching error, with the daemon's message.
    pub async fn new(answer: Answer, reading: Reading) -> Result<Reply, Error> {
        match answer {
            Answer::Whole { head, body } if !head.status.is_success() => {
                Err(Error::from_answer(head.status, &body))
            }
            Answer::Whole { head, body } => Ok(Reply::Whole {
                head,
                body,
                reading,
            }),
            Answer::Stream { head, body } => {
                let kind = match reading.kind {
                    Some(kind) => kind,
                    None => kind_by_content_type(&head, reading.whole_only),
                };
                if is_whole(kind) {
                    // A raw request whose answer turned out to be a document.
                    let body = ByteStream::new(*body).collect().await?;
                    let reading = Reading {
                        kind: Some(kind),
                        ..reading
                    };
                    return Ok(Reply::Whole {
                        head,
                        body,
                        reading,
                    });
                }
                Ok(Reply::Open(open_stream(&head, *body, kind, &reading)))
            }
            Answer::Upgraded { head, io } => Ok(Reply::Open(attached(&head, io, &reading))),
        }
    }

    /// The head of a whole answer (a ping reads its headers).
    pub fn head(&self) -> Option<(&http::response::Parts, &Bytes)> {
        match self {
            Reply::Whole { head, body, .. } => Some((head, body)),
            Reply::Open(_) => None,
        }
    }

    /// The answer as its kind's [`Output`].
    pub fn into_output(self) -> Result<Output, Error> {
        match self {
            Reply::Whole {
                head,
                body,
                reading,
            } => decode_whole(&head.headers, &body, &reading),
            Reply::Open(output) => Ok(output),
        }
    }

    /// A JSON document as the daemon's text, checked but not decoded (for callers
    /// that decode it their own way or hand it on); any other answer as its
    /// [`Output`].
    #[allow(clippy::result_large_err)] // moved back once, not propagated with `?`
    pub fn into_json_text(self) -> Result<Result<String, Output>, Error> {
        match self {
            Reply::Whole {
                body, ref reading, ..
            } if reading.kind == Some(ResponseKind::Json)
                && !body.iter().all(u8::is_ascii_whitespace) =>
            {
                json::check(&body, &reading.what).map(|text| Ok(text.to_owned()))
            }
            other => other.into_output().map(Err),
        }
    }

    /// A JSON document decoded straight into `T` (no `serde_json::Value` between).
    pub fn into_typed<T: serde::de::DeserializeOwned>(self) -> Result<T, Error> {
        match self {
            Reply::Whole {
                body, ref reading, ..
            } if reading.kind == Some(ResponseKind::Json) => json::from_body(&body, &reading.what),
            other => other.into_output()?.into_typed(),
        }
    }
}

/// Decodes a successful answer read whole.
fn decode_whole(
    headers: &http::HeaderMap,
    body: &[u8],
    reading: &Reading,
) -> Result<Output, Error> {
    match reading.kind {
        Some(ResponseKind::Json) => {
            if body.iter().all(u8::is_ascii_whitespace) {
                return Ok(Output::Empty);
            }
            json::from_body(body, &reading.what).map(Output::Json)
        }
        Some(ResponseKind::Empty) => {
            // Some "empty" answers do carry JSON (e.g. warnings): keep it.
            if content_type(headers).starts_with("application/json")
                && !body.iter().all(u8::is_ascii_whitespace)
            {
                if let Ok(v) = serde_json::from_slice(body) {
                    return Ok(Output::Json(v));
                }
            }
            Ok(Output::Empty)
        }
        Some(ResponseKind::Text) => Ok(Output::Text(String::from_utf8_lossy(body).into_owned())),
        Some(ResponseKind::PathStat) => path_stat(headers).map(Output::Json),
        other => Err(Error::decode(
            format!("the answer to {}", reading.what),
            format!("a {other:?} answer cannot be read whole"),
        )),
    }
}

/// A streamed answer as its kind's output.
fn open_stream(
    head: &http::response::Parts,
    body: ResponseBody,
    kind: ResponseKind,
    reading: &Reading,
) -> Output {
    let bytes = ByteStream::new(body).until_cancelled(reading.cancel.as_ref());
    match kind {
        ResponseKind::JsonStream => Output::JsonStream(
            JsonStream::new(bytes, "the JSON stream").with_failures(reading.stream_errors),
        ),
        ResponseKind::Multiplexed => {
            let tty = is_tty(&content_type(&head.headers), reading.version, reading.tty);
            Output::Logs(LogStream::new(bytes, tty))
        }
        _ => Output::Bytes(bytes),
    }
}

/// A hijacked connection: attach/exec streams over `tcp` or `websocket`, anything
/// else (a BuildKit session) raw.
fn attached(head: &http::response::Parts, upgraded: Upgraded, reading: &Reading) -> Output {
    match reading.upgrade {
        "tcp" => {
            let tty = is_tty(&content_type(&head.headers), reading.version, reading.tty);
            Output::Attached(Attached::open(upgraded, tty, reading.cancel.as_ref()))
        }
        "websocket" => Output::Attached(Attached::websocket(upgraded, reading.cancel.as_ref())),
        _ => Output::Upgraded(upgraded),
    }
}

/// The kind of an answer to a raw request, by its content type. JSON with a
/// length is one document; chunked, a stream of them, unless the caller reads
/// whole answers only.
fn kind_by_content_type(head: &http::response::Parts, whole_only: bool) -> ResponseKind {
    let ct = content_type(&head.headers);
    if ct.starts_with("application/json") {
        if whole_only || head.headers.contains_key(http::header::CONTENT_LENGTH) {
            ResponseKind::Json
        } else {
            ResponseKind::JsonStream
        }
    } else if ct == MULTIPLEXED || ct == RAW_STREAM {
        ResponseKind::Multiplexed
    } else if ct.starts_with("text/") {
        ResponseKind::Text
    } else if ct.is_empty()
        && head
            .headers
            .get(http::header::CONTENT_LENGTH)
            .is_some_and(|v| v == "0")
    {
        ResponseKind::Empty
    } else {
        ResponseKind::Bytes
    }
}

/// TTY or not: from API 1.42 the content type says; before, the container's
/// (exec's, service's, task's) configuration does.
fn is_tty(content_type: &str, version: Option<ApiVersion>, known: bool) -> bool {
    if content_type == MULTIPLEXED {
        return false;
    }
    if content_type == RAW_STREAM && version.is_some_and(|v| v >= ApiVersion::v1(42)) {
        return true;
    }
    known
}

fn content_type(headers: &http::HeaderMap) -> String {
    headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .unwrap_or_default()
}

/// Decodes the `X-Docker-Container-Path-Stat` header (base64 JSON).
fn path_stat(headers: &http::HeaderMap) -> Result<Value, Error> {
    let raw = headers.get("x-docker-container-path-stat").ok_or_else(|| {
        Error::decode(
            "the path stat",
            "the daemon sent no X-Docker-Container-Path-Stat header",
        )
    })?;
    let bytes: Bytes = base64::engine::general_purpose::STANDARD
        .decode(raw.as_bytes())
        .or_else(|_| base64::engine::general_purpose::URL_SAFE.decode(raw.as_bytes()))
        .map_err(|e| Error::decode("the path stat header", e))?
        .into();
    serde_json::from_slice(&bytes).map_err(|e| Error::decode("the path stat header", e))
}
