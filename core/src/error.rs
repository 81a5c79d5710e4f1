//! The one error type of the client.
//!
//! Daemon answers map to one variant per HTTP status (carrying the daemon's own
//! `message`); everything that goes wrong on our side has its own variant too.
//! `Display` is written to be shown to a user as is.

use std::fmt;
use std::time::Duration;

use crate::api::ApiVersion;

/// Result with the crate's [`enum@Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong talking to a Docker daemon.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// 304: the object is already in the requested state (e.g. starting a running container).
    #[error("nothing to do (304 Not Modified): {message}")]
    NotModified { message: String },
    /// 400: the daemon refused a parameter or body.
    #[error("the daemon refused the request as invalid (400): {message}")]
    BadParameter { message: String },
    /// 401: credentials are missing or wrong.
    #[error("not authorized (401): {message}")]
    Unauthorized { message: String },
    /// 403: the operation is not allowed.
    #[error("forbidden (403): {message}")]
    Forbidden { message: String },
    /// 404: no such object.
    #[error("not found (404): {message}")]
    NotFound { message: String },
    /// 406: not acceptable (e.g. the node is not a swarm manager).
    #[error("not acceptable (406): {message}")]
    NotAcceptable { message: String },
    /// 409: conflicts with the object's state (e.g. removing a running container).
    #[error("conflict (409): {message}")]
    Conflict { message: String },
    /// 500: the daemon failed.
    #[error("the daemon failed (500): {message}")]
    ServerError { message: String },
    /// 503: the daemon (or swarm) is unavailable.
    #[error("the daemon is unavailable (503): {message}")]
    Unavailable { message: String },
    /// Any other non-success status, kept with its number.
    #[error("the daemon answered {status}: {message}")]
    Status { status: u16, message: String },

    /// The daemon could not be reached.
    #[error("cannot connect to the Docker daemon at {address}: {reason}{hint}")]
    Connect {
        address: String,
        reason: String,
        /// Where the address came from, and how to change it (may be empty).
        hint: String,
    },
    /// The TLS handshake or TLS configuration failed; never retried in plaintext.
    #[error("TLS with {address} failed: {reason}")]
    Tls { address: String, reason: String },
    /// A connect or request deadline passed.
    #[error("timed out after {after:?} while {during}")]
    Timeout { during: String, after: Duration },
    /// Parameters given to an operation are wrong; `valid` lists what it accepts.
    #[error("{message}{}", valid_list(valid))]
    InvalidParams { message: String, valid: Vec<String> },
    /// An operation or parameter is newer than the API version in use; no request was sent.
    #[error("{what} needs API {required} but this client uses {using}; nothing was sent (use a newer daemon or pin a higher version)")]
    UnsupportedApiVersion {
        what: String,
        required: ApiVersion,
        using: ApiVersion,
    },
    /// The daemon's answer could not be decoded.
    #[error("could not decode {what}: {reason}")]
    Decode { what: String, reason: String },
    /// A stream or connection ended before it was complete.
    #[error("the stream ended early: {reason}")]
    StreamClosed { reason: String },
    /// A JSON progress stream (pull, push, load, build) reported a failure.
    #[error("{operation} failed: {message}")]
    Progress { operation: String, message: String },
    /// A build reported an error; `output` holds what the build printed before it.
    #[error("build failed: {message}")]
    BuildFailed { message: String, output: String },
    /// A container run by `run` exited with a non-zero code.
    #[error("container exited with code {exit_code}{}", stderr_tail(stderr))]
    ContainerFailed { exit_code: i64, stderr: String },
    /// Configuration (environment, context, certificates) could not be used.
    #[error("configuration error: {0}")]
    Config(String),
    /// A local I/O error (reading a file to upload, writing an archive).
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
}

fn valid_list(valid: &[String]) -> String {
    if valid.is_empty() {
        String::new()
    } else {
        format!("; valid parameters: {}", valid.join(", "))
    }
}

fn stderr_tail(stderr: &str) -> String {
    let trimmed = stderr.trim_end();
    if trimmed.is_empty() {
        return String::new();
    }
    // Keep the message short: the last line is what a user needs first.
    let last = trimmed.lines().last().unwrap_or_default();
    format!(": {last}")
}

impl Error {
    /// Builds the variant for a daemon answer with a non-success status.
    pub fn from_status(status: u16, message: String) -> Self {
        match status {
            304 => Error::NotModified { message },
            400 => Error::BadParameter { message },
            401 => Error::Unauthorized { message },
            403 => Error::Forbidden { message },
            404 => Error::NotFound { message },
            406 => Error::NotAcceptable { message },
            409 => Error::Conflict { message },
            500 => Error::ServerError { message },
            503 => Error::Unavailable { message },
            status => Error::Status { status, message },
        }
    }

    /// The HTTP status when the error is a daemon answer.
    pub fn status(&self) -> Option<u16> {
        Some(match self {
            Error::NotModified { .. } => 304,
            Error::BadParameter { .. } => 400,
            Error::Unauthorized { .. } => 401,
            Error::Forbidden { .. } => 403,
            Error::NotFound { .. } => 404,
            Error::NotAcceptable { .. } => 406,
            Error::Conflict { .. } => 409,
            Error::ServerError { .. } => 500,
            Error::Unavailable { .. } => 503,
            Error::Status { status, .. } => *status,
            _ => return None,
        })
    }

    /// The daemon's own message when the error is a daemon answer.
    pub fn daemon_message(&self) -> Option<&str> {
        match self {
            Error::NotModified { message }
            | Error::BadParameter { message }
            | Error::Unauthorized { message }
            | Error::Forbidden { message }
            | Error::NotFound { message }
            | Error::NotAcceptable { message }
            | Error::Conflict { message }
            | Error::ServerError { message }
            | Error::Unavailable { message }
            | Error::Status { message, .. } => Some(message),
            _ => None,
        }
    }

    /// A short stable name of the variant, for bindings and logs.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::NotModified { .. } => ErrorKind::NotModified,
            Error::BadParameter { .. } => ErrorKind::BadParameter,
            Error::Unauthorized { .. } => ErrorKind::Unauthorized,
            Error::Forbidden { .. } => ErrorKind::Forbidden,
            Error::NotFound { .. } => ErrorKind::NotFound,
            Error::NotAcceptable { .. } => ErrorKind::NotAcceptable,
            Error::Conflict { .. } => ErrorKind::Conflict,
            Error::ServerError { .. } => ErrorKind::ServerError,
            Error::Unavailable { .. } => ErrorKind::Unavailable,
            Error::Status { .. } => ErrorKind::Status,
            Error::Connect { .. } => ErrorKind::Connect,
            Error::Tls { .. } => ErrorKind::Tls,
            Error::Timeout { .. } => ErrorKind::Timeout,
            Error::InvalidParams { .. } => ErrorKind::InvalidParams,
            Error::UnsupportedApiVersion { .. } => ErrorKind::UnsupportedApiVersion,
            Error::Decode { .. } => ErrorKind::Decode,
            Error::StreamClosed { .. } => ErrorKind::StreamClosed,
            Error::Progress { .. } => ErrorKind::Progress,
            Error::BuildFailed { .. } => ErrorKind::BuildFailed,
            Error::ContainerFailed { .. } => ErrorKind::ContainerFailed,
            Error::Config(_) => ErrorKind::Config,
            Error::Io { .. } => ErrorKind::Io,
        }
    }

    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Error::InvalidParams {
            message: message.into(),
            valid: Vec::new(),
        }
    }

    pub(crate) fn decode(what: impl Into<String>, reason: impl fmt::Display) -> Self {
        Error::Decode {
            what: what.into(),
            reason: reason.to_string(),
        }
    }

    pub(crate) fn closed(reason: impl Into<String>) -> Self {
        Error::StreamClosed {
            reason: reason.into(),
        }
    }

    pub(crate) fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io {
            context: context.into(),
            source,
        }
    }
}

/// The variant of an [`enum@Error`] without its data: stable numbering for the bindings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
#[repr(u16)]
pub enum ErrorKind {
    NotModified = 304,
    BadParameter = 400,
    Unauthorized = 401,
    Forbidden = 403,
    NotFound = 404,
    NotAcceptable = 406,
    Conflict = 409,
    ServerError = 500,
    Unavailable = 503,
    Status = 599,
    Connect = 1001,
    Tls = 1002,
    Timeout = 1003,
    InvalidParams = 1004,
    UnsupportedApiVersion = 1005,
    Decode = 1006,
    StreamClosed = 1007,
    Progress = 1008,
    BuildFailed = 1009,
    ContainerFailed = 1010,
    Config = 1011,
    Io = 1012,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_map_to_variants_and_back() {
        for status in [304u16, 400, 401, 403, 404, 406, 409, 500, 503, 418] {
            let e = Error::from_status(status, "m".into());
            assert_eq!(e.status(), Some(status));
            assert_eq!(e.daemon_message(), Some("m"));
        }
        assert!(matches!(
            Error::from_status(418, "x".into()),
            Error::Status { status: 418, .. }
        ));
    }

    #[test]
    fn display_reads_like_a_sentence() {
        let e = Error::from_status(404, "No such container: x".into());
        assert_eq!(e.to_string(), "not found (404): No such container: x");
        let e = Error::InvalidParams {
            message: "ContainerList has no parameter `alll`".into(),
            valid: vec!["all".into(), "limit".into()],
        };
        assert_eq!(
            e.to_string(),
            "ContainerList has no parameter `alll`; valid parameters: all, limit"
        );
        let e = Error::ContainerFailed {
            exit_code: 3,
            stderr: "first\nboom\n".into(),
        };
        assert_eq!(e.to_string(), "container exited with code 3: boom");
    }
}
