//! What a call returns, shaped by the operation's response kind.

use serde_json::Value;

use crate::error::Error;
use crate::stream::{Attached, ByteStream, JsonStream, LogStream};
use crate::transport::Upgraded;

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

    /// How it is delivered: whole, as a stream, or as a hijacked connection.
    pub fn delivery(&self) -> crate::pipeline::Delivery {
        use crate::pipeline::Delivery;
        match self {
            Output::Json(_) | Output::Empty | Output::Text(_) => Delivery::Whole,
            Output::JsonStream(_) | Output::Logs(_) | Output::Bytes(_) => Delivery::Stream,
            Output::Attached(_) | Output::Upgraded(_) => Delivery::Connection,
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
