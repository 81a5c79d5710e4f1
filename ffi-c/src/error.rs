//! Result codes and error messages. Codes are stable: daemon answers keep their
//! HTTP status (404, 409, …) and client-side failures the numbers of
//! `libdocker::ErrorKind`; codes of the C layer itself are below 100. The message
//! of the last failure on a thread is kept for `docker_error_message`.

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
    /// The output of the operation is of another kind than the function reads
    /// (e.g. a stream passed to `docker_client_invoke`).
    WrongOutputKind = 4,
    /// A buffer given to fill was too small; the size needed was reported.
    BufferTooSmall = 5,
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

/// Copies `text` (without NUL) into `buf` of `len` bytes, NUL-terminated, and sets
/// `*out_n` to its length; `BufferTooSmall` if it does not fit (`*out_n` then says
/// how much room the text needs, without the NUL).
pub(crate) fn copy_out(
    text: &str,
    buf: *mut c_char,
    len: usize,
    out_n: *mut usize,
) -> docker_result {
    crate::ffi::set_out(out_n, text.len());
    if buf.is_null() || len <= text.len() {
        return docker_result::BufferTooSmall;
    }
    // SAFETY: the caller gives `len` writable bytes at `buf`, and len > text.len().
    unsafe {
        std::ptr::copy_nonoverlapping(text.as_ptr(), buf.cast::<u8>(), text.len());
        *buf.add(text.len()) = 0;
    }
    docker_result::Ok
}

/// Copies the message of the last failure on the calling thread into `buf`
/// (`len` bytes, NUL-terminated) and sets `*out_n` (may be NULL) to its length.
/// Returns `DOCKER_RESULT_BUFFER_TOO_SMALL` when it does not fit; `*out_n` then
/// says how long it is. The message stays until the thread's next failure.
#[no_mangle]
pub extern "C" fn docker_error_message(
    buf: *mut c_char,
    len: usize,
    out_n: *mut usize,
) -> docker_result {
    ffi_boundary! {
        LAST_ERROR.with(|m| copy_out(&m.borrow(), buf, len, out_n))
    }
}

/// A static name for a result code, e.g. "not found" for DOCKER_RESULT_NOT_FOUND.
/// Never NULL; owned by the library (do not free).
#[no_mangle]
pub extern "C" fn docker_result_name(result: docker_result) -> *const c_char {
    ffi_boundary! {
        result_name(result).as_ptr().cast()
    }
}

fn result_name(result: docker_result) -> &'static str {
    match result {
        docker_result::Ok => "ok\0",
        docker_result::NullParameter => "null parameter\0",
        docker_result::InvalidUtf8 => "invalid UTF-8\0",
        docker_result::Panic => "panic\0",
        docker_result::WrongOutputKind => "wrong output kind\0",
        docker_result::BufferTooSmall => "buffer too small\0",
        docker_result::NotModified => "not modified\0",
        docker_result::BadParameter => "bad parameter\0",
        docker_result::Unauthorized => "unauthorized\0",
        docker_result::Forbidden => "forbidden\0",
        docker_result::NotFound => "not found\0",
        docker_result::NotAcceptable => "not acceptable\0",
        docker_result::Conflict => "conflict\0",
        docker_result::ServerError => "server error\0",
        docker_result::Unavailable => "unavailable\0",
        docker_result::Status => "daemon status\0",
        docker_result::Connect => "cannot connect\0",
        docker_result::Tls => "TLS failure\0",
        docker_result::Timeout => "timeout\0",
        docker_result::InvalidParams => "invalid parameters\0",
        docker_result::UnsupportedApiVersion => "unsupported API version\0",
        docker_result::Decode => "decode error\0",
        docker_result::StreamClosed => "stream closed\0",
        docker_result::Progress => "progress error\0",
        docker_result::BuildFailed => "build failed\0",
        docker_result::ContainerFailed => "container failed\0",
        docker_result::Config => "configuration error\0",
        docker_result::Io => "I/O error\0",
        docker_result::Other => "other error\0",
    }
}
