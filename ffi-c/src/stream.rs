//! Streams to callbacks: any answer (log frames, JSON progress and events, tar
//! bytes, or a whole document) handed to a C callback piece by piece, on the
//! calling thread, until it ends or the callback asks to stop.

use std::ffi::c_void;

use libdocker::blocking::{Content, Output};
use libdocker::{Error, StdStream};

/// What a piece handed to a `docker_chunk_callback` is.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum docker_stream {
    /// Output written to stdin (attach echoes it), as the daemon frames it.
    Stdin = 0,
    /// The process's stdout (all output of a TTY).
    Stdout = 1,
    /// The process's stderr.
    Stderr = 2,
    /// One JSON document (an item of a JSON stream, or a whole JSON answer).
    Json = 3,
    /// Raw bytes (a tar archive, an export) or text.
    Bytes = 4,
}

impl From<StdStream> for docker_stream {
    fn from(s: StdStream) -> Self {
        match s {
            StdStream::Stdin => docker_stream::Stdin,
            StdStream::Stdout => docker_stream::Stdout,
            StdStream::Stderr => docker_stream::Stderr,
        }
    }
}

/// Receives a piece of a stream: `data` holds `len` bytes, valid only during the
/// call. Return 0 to go on, anything else to stop (the call then returns
/// `DOCKER_RESULT_OK`).
pub type docker_chunk_callback = Option<
    unsafe extern "C" fn(
        userdata: *mut c_void,
        stream: docker_stream,
        data: *const u8,
        len: usize,
    ) -> i32,
>;

/// A callback and its userdata; `deliver` says whether to go on.
pub(crate) struct Sink {
    pub callback: unsafe extern "C" fn(*mut c_void, docker_stream, *const u8, usize) -> i32,
    pub userdata: *mut c_void,
}

impl Sink {
    pub fn deliver(&self, stream: docker_stream, data: &[u8]) -> bool {
        // SAFETY: the caller promised a callable callback; `data` lives for the call.
        unsafe { (self.callback)(self.userdata, stream, data.as_ptr(), data.len()) == 0 }
    }

    /// Hands each item `next` gives to the callback as JSON, until the items
    /// end, the callback asks to stop (both `Ok`), or `next` fails.
    pub fn deliver_json<T: serde::Serialize>(
        &self,
        mut next: impl FnMut() -> Result<Option<T>, Error>,
    ) -> Result<(), Error> {
        while let Some(item) = next()? {
            let json = serde_json::to_string(&item).unwrap_or_default();
            if !self.deliver(docker_stream::Json, json.as_bytes()) {
                break;
            }
        }
        Ok(())
    }
}

/// Hands an answer to `sink`: a whole one in one piece, a stream item by item
/// until it ends, fails, or the sink asks to stop.
pub(crate) fn deliver_output(output: Output, sink: &Sink) -> Result<(), Error> {
    match output.into_content() {
        Content::Json(v) => {
            sink.deliver(docker_stream::Json, v.to_string().as_bytes());
            Ok(())
        }
        Content::Text(t) => {
            sink.deliver(docker_stream::Bytes, t.as_bytes());
            Ok(())
        }
        Content::Empty => Ok(()),
        Content::Logs(logs) => pump(logs, |c| sink.deliver(c.stream.into(), &c.bytes)),
        Content::JsonStream(values) => pump(values, |v| {
            sink.deliver(docker_stream::Json, v.to_string().as_bytes())
        }),
        Content::Bytes(pieces) => pump(pieces, |p| sink.deliver(docker_stream::Bytes, &p)),
        _ => Err(Error::WrongOutputKind {
            operation: "the call".into(),
            answers: "a hijacked connection".into(),
            wanted: "a stream".into(),
            hint: " (use docker_client_attach)".into(),
        }),
    }
}

/// Hands every item of `items` to `deliver` until the end, an error, or `deliver`
/// returning false.
fn pump<T>(
    items: impl Iterator<Item = Result<T, Error>>,
    mut deliver: impl FnMut(T) -> bool,
) -> Result<(), Error> {
    for item in items {
        if !deliver(item?) {
            break;
        }
    }
    Ok(())
}
