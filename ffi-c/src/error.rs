//! Result codes and error messages. Codes are stable: every kind of
//! `libdocker::Error` has the number and name `libdocker::ErrorKind` declares
//! (daemon answers keep their HTTP status: 404, 409, …); the C layer's own codes
//! are below 100. The enum is written out for cbindgen, and a test holds it to
//! the core's list. The message of the last failure on a thread is kept for
//! `docker_error_message`.

use std::cell::RefCell;
use std::ffi::c_char;

use libdocker::{Error, ErrorKind};

/// The outcome of a call: `DOCKER_RESULT_OK`, or why it failed.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum docker_result {
    Ok = 0,
    /// A pointer parameter that must not be NULL was NULL.
    NullParameter = 1,
    /// A string parameter was not valid UTF-8.
    InvalidUtf8 = 2,
    /// libdocker panicked (a bug); the call had no effect it could report.
    Panic = 3,
    /// The operation answers another way than the function reads (e.g. a stream
    /// passed to `docker_client_invoke`); refused before anything was sent.
    WrongOutputKind = 4,
    /// A buffer given to fill was too small; the size needed was reported.
    BufferTooSmall = 5,
    /// Not a failure: a call driven by the caller's loop (`docker_pending_poll`)
    /// has not ended yet; wait as told and poll it again.
    Pending = 6,
    NotModified = 304,
    BadParameter = 400,
    Unauthorized = 401,
    Forbidden = 403,
    NotFound = 404,
    NotAcceptable = 406,
    Conflict = 409,
    ServerError = 500,
    Unavailable = 503,
    /// Another HTTP status from the daemon (the message has it).
    Status = 599,
    Connect = 1001,
    Tls = 1002,
    Timeout = 1003,
    /// Parameters given to an operation are wrong (unknown, mistyped, missing).
    InvalidParams = 1004,
    UnsupportedApiVersion = 1005,
    Decode = 1006,
    /// A stream or connection ended before it was complete.
    StreamClosed = 1007,
    Progress = 1008,
    BuildFailed = 1009,
    ContainerFailed = 1010,
    Config = 1011,
    Io = 1012,
    /// The call was cancelled (a fired `docker_cancel`); its connection was closed.
    Cancelled = 1013,
    /// A container map is wrong (the message names its file, line and key).
    InvalidMap = 1014,
    /// A map action failed for some services (the message names them).
    MapFailed = 1015,
    /// An update named a version of a swarm object that is no longer its current
    /// one; the message names both versions.
    OutOfSequence = 1016,
    /// A failure this version of the header has no code for.
    Other = 9999,
}

impl From<ErrorKind> for docker_result {
    fn from(kind: ErrorKind) -> Self {
        match kind {
            ErrorKind::NotModified => docker_result::NotModified,
            ErrorKind::BadParameter => docker_result::BadParameter,
            ErrorKind::Unauthorized => docker_result::Unauthorized,
            ErrorKind::Forbidden => docker_result::Forbidden,
            ErrorKind::NotFound => docker_result::NotFound,
            ErrorKind::NotAcceptable => docker_result::NotAcceptable,
            ErrorKind::Conflict => docker_result::Conflict,
            ErrorKind::ServerError => docker_result::ServerError,
            ErrorKind::Unavailable => docker_result::Unavailable,
            ErrorKind::Status => docker_result::Status,
            ErrorKind::Connect => docker_result::Connect,
            ErrorKind::Tls => docker_result::Tls,
            ErrorKind::Timeout => docker_result::Timeout,
            ErrorKind::InvalidParams => docker_result::InvalidParams,
            ErrorKind::UnsupportedApiVersion => docker_result::UnsupportedApiVersion,
            ErrorKind::Decode => docker_result::Decode,
            ErrorKind::StreamClosed => docker_result::StreamClosed,
            ErrorKind::Progress => docker_result::Progress,
            ErrorKind::BuildFailed => docker_result::BuildFailed,
            ErrorKind::ContainerFailed => docker_result::ContainerFailed,
            ErrorKind::Config => docker_result::Config,
            ErrorKind::Io => docker_result::Io,
            ErrorKind::WrongOutputKind => docker_result::WrongOutputKind,
            ErrorKind::Cancelled => docker_result::Cancelled,
            ErrorKind::InvalidMap => docker_result::InvalidMap,
            ErrorKind::MapFailed => docker_result::MapFailed,
            ErrorKind::OutOfSequence => docker_result::OutOfSequence,
            _ => docker_result::Other,
        }
    }
}

thread_local! {
    static LAST_ERROR: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Records the message of a failure on this thread.
pub(crate) fn set_last_error(message: String) {
    LAST_ERROR.with(|m| *m.borrow_mut() = message);
}

/// Records `e` and returns its code.
pub(crate) fn fail(e: Error) -> docker_result {
    let code = docker_result::from(e.kind());
    set_last_error(e.to_string());
    code
}

/// `Ok(())` as `DOCKER_RESULT_OK`, an error recorded with [`fail`].
pub(crate) fn result(r: Result<(), Error>) -> docker_result {
    match r {
        Ok(()) => docker_result::Ok,
        Err(e) => fail(e),
    }
}

/// Runs `f` on the message of the last failure on the calling thread.
pub(crate) fn with_last_error<R>(f: impl FnOnce(&str) -> R) -> R {
    LAST_ERROR.with(|m| f(&m.borrow()))
}

/// A static name for a result code, e.g. "not found" for DOCKER_RESULT_NOT_FOUND.
/// Never NULL; owned by the library (do not free).
#[no_mangle]
pub extern "C" fn docker_result_name(result: docker_result) -> *const c_char {
    ffi_boundary! {
        result_name(result).as_ptr().cast()
    }
}

impl docker_result {
    /// Every code, the C layer's own first.
    pub const ALL: [docker_result; 34] = [
        docker_result::Ok,
        docker_result::NullParameter,
        docker_result::InvalidUtf8,
        docker_result::Panic,
        docker_result::WrongOutputKind,
        docker_result::BufferTooSmall,
        docker_result::Pending,
        docker_result::NotModified,
        docker_result::BadParameter,
        docker_result::Unauthorized,
        docker_result::Forbidden,
        docker_result::NotFound,
        docker_result::NotAcceptable,
        docker_result::Conflict,
        docker_result::ServerError,
        docker_result::Unavailable,
        docker_result::Status,
        docker_result::Connect,
        docker_result::Tls,
        docker_result::Timeout,
        docker_result::InvalidParams,
        docker_result::UnsupportedApiVersion,
        docker_result::Decode,
        docker_result::StreamClosed,
        docker_result::Progress,
        docker_result::BuildFailed,
        docker_result::ContainerFailed,
        docker_result::Config,
        docker_result::Io,
        docker_result::Cancelled,
        docker_result::InvalidMap,
        docker_result::MapFailed,
        docker_result::OutOfSequence,
        docker_result::Other,
    ];
}

/// The core's error kind with this code, if it is one.
fn kind_of(result: docker_result) -> Option<ErrorKind> {
    u16::try_from(result as u32)
        .ok()
        .and_then(ErrorKind::from_code)
}

/// The name of a code: the core's name for its error kinds, ours for the rest.
fn result_name(result: docker_result) -> &'static std::ffi::CStr {
    if let Some(kind) = kind_of(result) {
        return kind.c_name();
    }
    match result {
        docker_result::Ok => c"ok",
        docker_result::NullParameter => c"null parameter",
        docker_result::InvalidUtf8 => c"invalid UTF-8",
        docker_result::Panic => c"panic",
        docker_result::BufferTooSmall => c"buffer too small",
        docker_result::Pending => c"pending",
        _ => c"other error",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fails when an error kind is added to the core's list and not here, or
    /// here and not there: every kind has its own code, with its number and name.
    #[test]
    fn the_result_codes_are_the_cores_error_kinds_and_the_c_layers_own() {
        for &kind in ErrorKind::ALL {
            let code = docker_result::from(kind);
            assert_ne!(code, docker_result::Other, "{kind:?} has no docker_result");
            assert_eq!(code as u32, u32::from(kind.code()), "{kind:?}");
            assert_eq!(result_name(code), kind.c_name(), "{kind:?}");
        }
        let own = [
            docker_result::Ok,
            docker_result::NullParameter,
            docker_result::InvalidUtf8,
            docker_result::Panic,
            docker_result::BufferTooSmall,
            docker_result::Pending,
            docker_result::Other,
        ];
        for code in docker_result::ALL {
            let kind = kind_of(code);
            assert!(
                kind.is_some() != own.contains(&code),
                "{code:?} is neither an error kind of the core nor the C layer's own"
            );
        }
        assert_eq!(
            docker_result::ALL.len(),
            ErrorKind::ALL.len() + own.len(),
            "docker_result::ALL lists every code once"
        );
    }
}
