//! The one error type of the client.
//!
//! Daemon answers map to one variant per HTTP status (carrying the daemon's own
//! `message`); everything that goes wrong on our side has its own variant too.
//! `Display` is written to be shown to a user as is.

use std::fmt;
use std::time::Duration;

use crate::version::ApiVersion;

impl From<crate::version::InvalidApiVersion> for Error {
    fn from(e: crate::version::InvalidApiVersion) -> Self {
        Error::Config(e.to_string())
    }
}

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
    /// An update named a version of a swarm object (service, node, secret, config,
    /// the swarm, a cluster volume) that is not its current one: someone changed it
    /// since it was read. Read it again and apply the change to `current`.
    #[error("the update of {object} names version {given}, but {object} is at version {} now: read it again and retry (the daemon said: {message})", current.map_or_else(|| "another".to_string(), |v| v.to_string()))]
    OutOfSequence {
        /// What was updated, e.g. `service 3f1c…`.
        object: String,
        /// The version the update named.
        given: u64,
        /// The object's version when the refusal came (`None` if it could not be read).
        current: Option<u64>,
        /// The daemon's message (`update out of sequence`).
        message: String,
    },
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
    /// The call reads its answer in a way the operation does not answer (e.g. a
    /// whole answer asked of a stream); refused before anything was sent.
    #[error("{operation} answers {answers}, not {wanted}{hint}; nothing was sent")]
    WrongOutputKind {
        operation: String,
        answers: String,
        wanted: String,
        /// What to call instead (may be empty).
        hint: String,
    },
    /// The call was cancelled by its caller (a fired [`crate::Cancel`], an
    /// interrupted blocking call); its connection was closed.
    #[error("{what} was cancelled")]
    Cancelled { what: String },
    /// A container map (a Compose file or its JSON form) is wrong: `file`, `line`
    /// (0 when unknown) and the `key` say where. Found before any daemon is touched.
    #[error("{file}{}: {key}: {message}", at_line(*line))]
    InvalidMap {
        file: String,
        line: usize,
        key: String,
        message: String,
    },
    /// A map action could not do everything: `failed` says what failed and why,
    /// `skipped` which services were not touched because what they depend on failed.
    #[error("{action} failed: {}{}", failed.join("; "), skipped_list(skipped))]
    MapFailed {
        action: String,
        failed: Vec<String>,
        skipped: Vec<String>,
    },
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

/// The daemon's message from an error body: `{"message": …}`, or the text itself.
fn daemon_message(body: &[u8]) -> String {
    #[derive(serde::Deserialize)]
    struct Message {
        message: String,
    }
    match serde_json::from_slice::<Message>(body) {
        Ok(m) => m.message,
        Err(_) => String::from_utf8_lossy(body).trim().to_string(),
    }
}

fn at_line(line: usize) -> String {
    if line == 0 {
        String::new()
    } else {
        format!(":{line}")
    }
}

fn skipped_list(skipped: &[String]) -> String {
    if skipped.is_empty() {
        String::new()
    } else {
        format!("; not done because of it: {}", skipped.join(", "))
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

    /// The error for a daemon answer with a non-success `status` whose body is
    /// `body`: its `{"message": …}`, or the text itself.
    pub fn from_answer(status: http::StatusCode, body: &[u8]) -> Self {
        let mut message = daemon_message(body);
        if message.is_empty() {
            message = status
                .canonical_reason()
                .unwrap_or("no message")
                .to_string();
        }
        Error::from_status(status.as_u16(), message)
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
            | Error::Status { message, .. }
            | Error::OutOfSequence { message, .. } => Some(message),
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
            Error::OutOfSequence { .. } => ErrorKind::OutOfSequence,
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
            Error::WrongOutputKind { .. } => ErrorKind::WrongOutputKind,
            Error::Cancelled { .. } => ErrorKind::Cancelled,
            Error::InvalidMap { .. } => ErrorKind::InvalidMap,
            Error::MapFailed { .. } => ErrorKind::MapFailed,
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

/// Declares the error kinds once, with what every binding derives from them: a
/// stable number (the C result code; daemon answers keep their HTTP status), a
/// short name (C's `docker_result_name`), and the Python exception class with its
/// parent. The C enum, the Python classes and the stubs are held to this list
/// by tests that fail when a kind is added in one place only.
macro_rules! error_kinds {
    ($($(#[$doc:meta])* $kind:ident = $code:literal, $name:literal, $py:literal < $parent:literal;)*) => {
        /// The variant of an [`enum@Error`] without its data: stable numbering for
        /// the bindings.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        #[repr(u16)]
        pub enum ErrorKind {
            $($(#[$doc])* $kind = $code,)*
        }

        impl ErrorKind {
            /// Every kind, in the order declared.
            pub const ALL: &'static [ErrorKind] = &[$(ErrorKind::$kind),*];

            /// The stable number: a daemon answer's HTTP status, or 1000+ for
            /// failures on our side (4: a call of the wrong shape).
            pub const fn code(self) -> u16 {
                self as u16
            }

            /// The variant's name, e.g. `NotFound`.
            pub const fn id(self) -> &'static str {
                match self {
                    $(ErrorKind::$kind => stringify!($kind),)*
                }
            }

            /// A short name for people, e.g. `not found`.
            pub const fn name(self) -> &'static str {
                match self {
                    $(ErrorKind::$kind => $name,)*
                }
            }

            /// The same name as a C string.
            pub const fn c_name(self) -> &'static std::ffi::CStr {
                match self {
                    $(ErrorKind::$kind => match std::ffi::CStr::from_bytes_with_nul(
                        concat!($name, "\0").as_bytes(),
                    ) {
                        Ok(c) => c,
                        Err(_) => panic!("an error kind's name holds a NUL"),
                    },)*
                }
            }

            /// The Python exception class raised for it, and that class's parent.
            pub const fn python_class(self) -> (&'static str, &'static str) {
                match self {
                    $(ErrorKind::$kind => ($py, $parent),)*
                }
            }

            /// The kind with this number.
            pub fn from_code(code: u16) -> Option<ErrorKind> {
                ErrorKind::ALL.iter().copied().find(|k| k.code() == code)
            }
        }
    };
}

/// The single list of error kinds: number, name for people, Python class and
/// its parent. It hands the list to the macro `$callback`, so the core's
/// [`ErrorKind`] and the bindings' enums (UniFFI's `DockerError`) are made
/// from it rather than written again.
#[doc(hidden)]
#[macro_export]
macro_rules! for_each_error_kind {
    ($callback:path) => {
        $callback! {
            NotModified = 304, "not modified", "NotModified" < "ApiError";
            BadParameter = 400, "bad parameter", "BadParameter" < "ApiError";
            Unauthorized = 401, "unauthorized", "Unauthorized" < "ApiError";
            Forbidden = 403, "forbidden", "Forbidden" < "ApiError";
            NotFound = 404, "not found", "NotFound" < "ApiError";
            NotAcceptable = 406, "not acceptable", "NotAcceptable" < "ApiError";
            Conflict = 409, "conflict", "Conflict" < "ApiError";
            ServerError = 500, "server error", "ServerError" < "ApiError";
            Unavailable = 503, "unavailable", "Unavailable" < "ApiError";
            /// Any other status of the daemon (the message has it).
            Status = 599, "daemon status", "ApiError" < "DockerError";
            Connect = 1001, "cannot connect", "ConnectError" < "DockerError";
            Tls = 1002, "TLS failure", "TlsError" < "ConnectError";
            Timeout = 1003, "timeout", "Timeout" < "DockerError";
            InvalidParams = 1004, "invalid parameters", "InvalidParams" < "DockerError";
            UnsupportedApiVersion = 1005, "unsupported API version", "UnsupportedApiVersion" < "DockerError";
            Decode = 1006, "decode error", "DecodeError" < "DockerError";
            StreamClosed = 1007, "stream closed", "StreamClosed" < "DockerError";
            Progress = 1008, "progress error", "ProgressError" < "DockerError";
            BuildFailed = 1009, "build failed", "BuildFailed" < "DockerError";
            ContainerFailed = 1010, "container failed", "ContainerFailed" < "DockerError";
            Config = 1011, "configuration error", "ConfigError" < "DockerError";
            Io = 1012, "I/O error", "IoError" < "DockerError";
            /// A call that reads the answer another way than the operation answers.
            WrongOutputKind = 4, "wrong output kind", "WrongOutputKind" < "DockerError";
            Cancelled = 1013, "cancelled", "Cancelled" < "DockerError";
            InvalidMap = 1014, "invalid map", "InvalidMap" < "DockerError";
            MapFailed = 1015, "map action failed", "MapFailed" < "DockerError";
            /// An update that names a version of the object older than its current one.
            OutOfSequence = 1016, "update out of sequence", "OutOfSequence" < "ApiError";
        }
    };
}

for_each_error_kind!(error_kinds);

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
