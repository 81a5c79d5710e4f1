//! What a call returns, by response kind, and the reading of daemon errors.

use base64::Engine as _;
use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;
use serde_json::Value;

use super::json;
use super::operation::ResponseKind;
use super::ApiVersion;
use crate::error::Error;
use crate::stream::{Attached, ByteStream, JsonStream, LogStream};
use crate::transport::{Response, Upgraded};

/// Largest error body read from a failed response.
const MAX_ERROR_BODY: usize = 1 << 20;

const MULTIPLEXED: &str = "application/vnd.docker.multiplexed-stream";
const RAW_STREAM: &str = "application/vnd.docker.raw-stream";

/// The result of a call, shaped by the operation's response kind.
#[derive(Debug)]
#[non_exhaustive]
pub enum Output {
    /// One JSON document.
    Json(Value),
    /// No body.
    Empty,
    /// A short text.
    Text(String),
    /// One JSON value after another.
    JsonStream(JsonStream),
    /// stdout/stderr chunks (demultiplexed unless TTY).
    Logs(LogStream),
    /// Raw bytes (tar, export, or a body of unknown kind).
    Bytes(ByteStream),
    /// A hijacked attach/exec connection: output stream and stdin writer.
    Attached(Attached),
    /// Any other upgraded connection (session, websocket), raw.
    Upgraded(Upgraded),
}

impl Output {
    /// The kind's name, for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Output::Json(_) => "JSON",
            Output::Empty => "empty",
            Output::Text(_) => "text",
            Output::JsonStream(_) => "a JSON stream",
            Output::Logs(_) => "an output stream",
            Output::Bytes(_) => "a byte stream",
            Output::Attached(_) => "an attached connection",
            Output::Upgraded(_) => "an upgraded connection",
        }
    }

    fn mismatch(self, wanted: &str) -> Error {
        Error::decode(
            "the response",
            format!("expected {wanted}, but it is {}", self.kind()),
        )
    }

    /// The JSON document (`Empty` gives `null`; a text that is JSON is parsed).
    pub fn into_json(self) -> Result<Value, Error> {
        match self {
            Output::Json(v) => Ok(v),
            Output::Empty => Ok(Value::Null),
            Output::Text(t) => {
                serde_json::from_str(&t).map_err(|e| Error::decode("the response", e))
            }
            other => Err(other.mismatch("JSON")),
        }
    }

    /// The JSON document decoded as `T`.
    pub fn into_typed<T: serde::de::DeserializeOwned>(self) -> Result<T, Error> {
        serde_json::from_value(self.into_json()?).map_err(|e| Error::decode("the response", e))
    }

    pub fn into_text(self) -> Result<String, Error> {
        match self {
            Output::Text(t) => Ok(t),
            Output::Empty => Ok(String::new()),
            Output::Json(v) => Ok(v.to_string()),
            other => Err(other.mismatch("text")),
        }
    }

    pub fn into_json_stream(self) -> Result<JsonStream, Error> {
        match self {
            Output::JsonStream(s) => Ok(s),
            other => Err(other.mismatch("a JSON stream")),
        }
    }

    pub fn into_logs(self) -> Result<LogStream, Error> {
        match self {
            Output::Logs(s) => Ok(s),
            other => Err(other.mismatch("an output stream")),
        }
    }

    pub fn into_bytes(self) -> Result<ByteStream, Error> {
        match self {
            Output::Bytes(s) => Ok(s),
            other => Err(other.mismatch("a byte stream")),
        }
    }

    pub fn into_attached(self) -> Result<Attached, Error> {
        match self {
            Output::Attached(a) => Ok(a),
            other => Err(other.mismatch("an attached connection")),
        }
    }

    pub fn into_upgraded(self) -> Result<Upgraded, Error> {
        match self {
            Output::Upgraded(u) => Ok(u),
            other => Err(other.mismatch("an upgraded connection")),
        }
    }

    /// A whole answer as text: JSON written out, a text as is, `""` for none;
    /// any other output is handed back.
    #[allow(clippy::result_large_err)] // moved back once, not propagated with `?`
    pub(crate) fn into_whole_text(self) -> Result<String, Output> {
        match self {
            Output::Json(v) => Ok(v.to_string()),
            Output::Text(t) => Ok(t),
            Output::Empty => Ok(String::new()),
            other => Err(other),
        }
    }
}

/// Turns a non-success response into the matching error, reading the daemon's message.
pub(crate) async fn check_status(resp: Response) -> Result<Response, Error> {
    let status = resp.status();
    if status.is_success() {
        return Ok(resp);
    }
    let (_, mut body) = resp.into_parts();
    let mut buf = BytesMut::new();
    while let Some(chunk) = body.next().await {
        match chunk {
            Ok(c) => {
                buf.extend_from_slice(&c);
                if buf.len() > MAX_ERROR_BODY {
                    break;
                }
            }
            Err(_) => break,
        }
    }
    Err(status_error(status, &buf))
}

/// The error for a non-success `status` whose body is `body`.
pub(crate) fn status_error(status: http::StatusCode, body: &[u8]) -> Error {
    let mut message = error_message(body);
    if message.is_empty() {
        message = status
            .canonical_reason()
            .unwrap_or("no message")
            .to_string();
    }
    Error::from_status(status.as_u16(), message)
}

/// The daemon's message from an error body: `{"message": …}`, or the text itself.
pub(crate) fn error_message(body: &[u8]) -> String {
    if let Ok(v) = serde_json::from_slice::<Value>(body) {
        if let Some(m) = v.get("message").and_then(Value::as_str) {
            return m.to_string();
        }
    }
    String::from_utf8_lossy(body).trim().to_string()
}

/// How to read one response.
pub(crate) struct Shape<'a> {
    pub kind: ResponseKind,
    /// Names what was asked for in decode errors (the operation id or the path).
    pub what: &'a str,
    /// Whether raw-stream output is a TTY's, as known from the container or exec.
    pub tty: bool,
    pub version: Option<ApiVersion>,
}

/// Whether a response of `kind` is read whole before the call returns.
pub(crate) fn is_whole(kind: ResponseKind) -> bool {
    matches!(
        kind,
        ResponseKind::Json | ResponseKind::Empty | ResponseKind::Text | ResponseKind::PathStat
    )
}

/// Reads a (successful) response as its kind says.
pub(crate) async fn decode(resp: Response, shape: Shape<'_>) -> Result<Output, Error> {
    if is_whole(shape.kind) {
        let (parts, body) = read_whole(resp).await?;
        return decode_whole(&parts.headers, &body, &shape);
    }
    let resp = check_status(resp).await?;
    let content_type = content_type(resp.headers());
    match shape.kind {
        ResponseKind::JsonStream => Ok(Output::JsonStream(JsonStream::new(
            ByteStream::new(resp.into_body()),
            "the JSON stream",
        ))),
        ResponseKind::Multiplexed => {
            let tty = is_tty(&content_type, shape.version, shape.tty);
            Ok(Output::Logs(LogStream::new(
                ByteStream::new(resp.into_body()),
                tty,
            )))
        }
        ResponseKind::Tar | ResponseKind::Bytes | ResponseKind::Upgrade => {
            Ok(Output::Bytes(ByteStream::new(resp.into_body())))
        }
        ResponseKind::Json | ResponseKind::Empty | ResponseKind::Text | ResponseKind::PathStat => {
            unreachable!("whole responses are decoded above")
        }
    }
}

/// Decodes a successful response read whole (see [`is_whole`]).
pub(crate) fn decode_whole(
    headers: &http::HeaderMap,
    body: &[u8],
    shape: &Shape<'_>,
) -> Result<Output, Error> {
    match shape.kind {
        ResponseKind::Json => {
            if body.iter().all(u8::is_ascii_whitespace) {
                return Ok(Output::Empty);
            }
            json::from_body(body, shape.what).map(Output::Json)
        }
        ResponseKind::Empty => {
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
        ResponseKind::Text => Ok(Output::Text(String::from_utf8_lossy(body).into_owned())),
        ResponseKind::PathStat => path_stat(headers).map(Output::Json),
        other => Err(Error::decode(
            format!("the answer to {}", shape.what),
            format!("a {other:?} response cannot be read whole"),
        )),
    }
}

/// A whole answer whose kind is JSON as the daemon's text, checked but not decoded
/// (for callers that decode it themselves or hand it on); any other answer as
/// `decode_whole` reads it.
#[allow(clippy::result_large_err)] // moved back once, not propagated with `?`
pub(crate) fn whole_json_text(
    headers: &http::HeaderMap,
    body: &[u8],
    shape: &Shape<'_>,
) -> Result<Result<String, Output>, Error> {
    if shape.kind == ResponseKind::Json && !body.iter().all(u8::is_ascii_whitespace) {
        return json::check(body, shape.what).map(|text| Ok(text.to_owned()));
    }
    decode_whole(headers, body, shape).map(Err)
}

/// Reads a JSON answer straight into `T`.
pub(crate) async fn decode_json<T: serde::de::DeserializeOwned>(
    resp: Response,
    what: &str,
) -> Result<T, Error> {
    let (_, body) = read_whole(resp).await?;
    json::from_body(&body, what)
}

/// Reads a JSON answer as its text, checked (see [`whole_json_text`]).
#[allow(clippy::result_large_err)] // moved back once, not propagated with `?`
pub(crate) async fn decode_json_text(
    resp: Response,
    shape: Shape<'_>,
) -> Result<Result<String, Output>, Error> {
    let (parts, body) = read_whole(resp).await?;
    whole_json_text(&parts.headers, &body, &shape)
}

/// A successful response's head and whole body; any other becomes its error.
async fn read_whole(resp: Response) -> Result<(http::response::Parts, Bytes), Error> {
    let (parts, body) = check_status(resp).await?.into_parts();
    Ok((parts, ByteStream::new(body).collect().await?))
}

/// Reads a response of unknown kind by its content type (raw requests).
pub(crate) async fn decode_auto(resp: Response, what: &str, tty: bool) -> Result<Output, Error> {
    let ct = content_type(resp.headers());
    let kind = if ct.starts_with("application/json") {
        if resp.headers().contains_key(http::header::CONTENT_LENGTH) {
            ResponseKind::Json
        } else {
            ResponseKind::JsonStream
        }
    } else if ct == MULTIPLEXED || ct == RAW_STREAM {
        ResponseKind::Multiplexed
    } else if ct.starts_with("text/") {
        ResponseKind::Text
    } else if ct.is_empty()
        && resp
            .headers()
            .get(http::header::CONTENT_LENGTH)
            .is_some_and(|v| v == "0")
    {
        ResponseKind::Empty
    } else {
        ResponseKind::Bytes
    };
    decode(
        resp,
        Shape {
            kind,
            what,
            tty,
            version: None,
        },
    )
    .await
}

/// Output of an upgraded connection: attach/exec streams over `tcp` or `websocket`,
/// anything else (a BuildKit session) raw.
pub(crate) fn upgraded(
    parts: &http::response::Parts,
    upgraded: Upgraded,
    protocol: &str,
    shape: Shape<'_>,
) -> Output {
    match protocol {
        "tcp" => {
            let tty = is_tty(&content_type(&parts.headers), shape.version, shape.tty);
            Output::Attached(Attached::new(upgraded, tty))
        }
        "websocket" => Output::Attached(Attached::websocket(upgraded)),
        _ => Output::Upgraded(upgraded),
    }
}

/// TTY or not: from API 1.42 the content type says; before, the container's config does.
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
pub(crate) fn path_stat(headers: &http::HeaderMap) -> Result<Value, Error> {
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
