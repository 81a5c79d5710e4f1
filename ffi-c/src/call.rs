//! Calls: `docker_client_invoke` (a whole answer) and `_invoke_stream` (any
//! answer to a callback) for the common case, and `docker_call` for every option:
//! an operation or a request outside the table, its parameters, its body (bytes,
//! or a read callback for bodies that must not sit whole in memory), a time limit
//! and extra headers. All of them (and `docker_client_attach`) send through `Call`.

use std::ffi::{c_char, c_void};
use std::io;
use std::task::Poll;
use std::time::Duration;

use bytes::Bytes;
use libdocker::blocking::{Docker, Output};
use libdocker::{Body, CallOptions, Cancel, Delivery, Error};
use serde_json::Value;

use crate::cancel::docker_cancel;
use crate::client::docker_client;
use crate::error::{docker_result, fail, set_last_error};
use crate::ffi::{from_raw, into_raw};
use crate::stream::{deliver_output, docker_chunk_callback, Sink};
use crate::string::to_c_string;

/// A call being prepared, made by `docker_call_new` or `docker_call_new_raw`.
/// Not thread-safe. Sending it (`docker_client_call`, `docker_client_call_stream`)
/// consumes it; otherwise release it with `docker_call_free`.
pub struct docker_call {
    _private: [u8; 0],
}

/// Reads the next piece of a request body into `buf` (room for `len` bytes).
/// Returns how many bytes it wrote, 0 at the end of the body, or a negative
/// number to abort the call (which then fails with `DOCKER_RESULT_IO`). Called
/// on the thread that sends the call, while it runs.
pub type docker_read_callback =
    Option<unsafe extern "C" fn(userdata: *mut c_void, buf: *mut u8, len: usize) -> isize>;

pub(crate) struct Call {
    target: Target,
    params: Option<String>,
    body: CallBody,
    timeout: Option<Option<Duration>>,
    headers: Vec<(String, String)>,
    cancel: Option<Cancel>,
}

enum Target {
    Op(String),
    Raw {
        method: libdocker::http::Method,
        path: String,
    },
}

enum CallBody {
    None,
    Bytes(Vec<u8>),
    Reader(Reader),
}

/// A C read callback and its userdata.
struct Reader {
    callback: unsafe extern "C" fn(*mut c_void, *mut u8, usize) -> isize,
    userdata: *mut c_void,
}

// SAFETY: the callback and its userdata are used only while the call runs, on
// the thread that sends it, as the callback's documentation promises C.
unsafe impl Send for Reader {}

/// Pieces a read callback is asked for.
const READ_PIECE: usize = 64 * 1024;

impl Reader {
    /// Asks the callback for the next piece into `buf`.
    fn read(&self, buf: &mut [u8]) -> isize {
        // SAFETY: the callback may write `buf.len()` bytes at `buf`.
        unsafe { (self.callback)(self.userdata, buf.as_mut_ptr(), buf.len()) }
    }

    fn into_body(self) -> Body {
        let mut buf = vec![0u8; READ_PIECE];
        Body::from_stream(futures_util::stream::poll_fn(move |_| {
            let n = self.read(&mut buf);
            Poll::Ready(match n {
                0 => None,
                n if n < 0 => Some(Err(io::Error::other(format!(
                    "the body's read callback failed ({n})"
                )))),
                n => Some(Ok(Bytes::copy_from_slice(
                    &buf[..(n as usize).min(READ_PIECE)],
                ))),
            })
        }))
    }
}

impl Call {
    /// A call of operation `op` with `params` (JSON text) and `body` (copied; empty: none).
    pub fn op(op: &str, params: Option<&str>, body: &[u8]) -> Call {
        Call {
            target: Target::Op(op.to_string()),
            params: params.map(str::to_string),
            body: if body.is_empty() {
                CallBody::None
            } else {
                CallBody::Bytes(body.to_vec())
            },
            timeout: None,
            headers: Vec::new(),
            cancel: None,
        }
    }

    /// The same call, ended when `cancel` fires.
    pub fn cancelled_by(mut self, cancel: &Cancel) -> Call {
        self.cancel = Some(cancel.clone());
        self
    }

    /// The call taken apart for a client's builder: its target, its parameters
    /// (checked; a request outside the table takes none), its body, and its
    /// per-call settings, with an operation not delivered in one of `accept`
    /// ways refused when sent, before anything goes out, with `hint` saying
    /// what to call instead.
    fn parts(
        self,
        accept: &[Delivery],
        hint: &str,
    ) -> Result<(Target, Value, CallBody, CallOptions), Error> {
        let params = match &self.target {
            Target::Op(_) => parse_params(self.params.as_deref())?,
            Target::Raw { path, .. } if self.params.is_some() => return Err(raw_with_params(path)),
            Target::Raw { .. } => Value::Null,
        };
        let options = CallOptions {
            timeout: self.timeout,
            headers: self.headers,
            accept: Some((accept.to_vec(), hint.to_string())),
            cancel: self.cancel,
            ..Default::default()
        };
        Ok((self.target, params, self.body, options))
    }

    /// The call for the blocking client; see [`parts`](Self::parts).
    fn prepare(self, docker: &Docker, accept: &[Delivery], hint: &str) -> Result<Prepared, Error> {
        let (target, params, body, options) = self.parts(accept, hint)?;
        let body = match body {
            CallBody::None => None,
            CallBody::Bytes(b) => Some(Body::from(b)),
            CallBody::Reader(r) => Some(r.into_body()),
        };
        Ok(match target {
            Target::Op(op) => {
                let mut call = docker.invoke(&op, params).options(options);
                if let Some(body) = body {
                    call = call.body(body);
                }
                Prepared::Op(call)
            }
            Target::Raw { method, path } => {
                let mut call = docker.request(method, path).options(options);
                if let Some(body) = body {
                    call = call.body(body);
                }
                Prepared::Raw(call, accept.to_vec(), hint.to_string())
            }
        })
    }

    /// The call on the async client, its answer read whole as text (as
    /// [`send_text`](Self::send_text) gives it), for a caller's own event loop
    /// (`pending.rs`): parameters are checked here, the rest when it is polled.
    /// A body read through a callback is refused: its callback would run on a
    /// runtime thread, not on the thread that sends the call, as it promises.
    pub(crate) fn into_whole_text(
        self,
        docker: &libdocker::Docker,
        hint: &str,
    ) -> Result<impl std::future::Future<Output = Result<String, Error>> + Send + 'static, Error>
    {
        if matches!(self.body, CallBody::Reader(_)) {
            return Err(Error::InvalidParams {
                message: "a body read through a callback is sent by docker_client_call \
                          or docker_client_call_stream, not by a call on the caller's loop"
                    .to_string(),
                valid: Vec::new(),
            });
        }
        let (target, params, body, options) = self.parts(&[Delivery::Whole], hint)?;
        let body = match body {
            CallBody::Bytes(b) => Some(Body::from(b)),
            // (a reader was refused above)
            CallBody::None | CallBody::Reader(_) => None,
        };
        let hint = hint.to_string();
        let answer = match target {
            Target::Op(op) => {
                let mut call = docker.invoke(&op, params).options(options);
                if let Some(body) = body {
                    call = call.body(body);
                }
                futures_util::future::Either::Left(call.send_json_text())
            }
            Target::Raw { method, path } => {
                let mut call = docker.request(method, path).options(options);
                if let Some(body) = body {
                    call = call.body(body);
                }
                futures_util::future::Either::Right(call.send_json_text())
            }
        };
        Ok(async move {
            match answer.await? {
                Ok(text) => Ok(text),
                // A request outside the table: its answer's kind is known only now.
                Err(output) if output.delivery() != Delivery::Whole => {
                    Err(wrong_kind(output.kind(), &hint))
                }
                Err(output) => output.into_text(),
            }
        })
    }

    /// Sends the call; see [`prepare`](Self::prepare).
    pub fn send(self, docker: &Docker, accept: &[Delivery], hint: &str) -> Result<Output, Error> {
        match self.prepare(docker, accept, hint)? {
            Prepared::Op(call) => call.send(),
            Prepared::Raw(call, accept, hint) => {
                let output = call.send()?;
                if accept.contains(&output.delivery()) {
                    return Ok(output);
                }
                Err(wrong_kind(output.kind(), &hint))
            }
        }
    }

    /// Sends a call whose answer is read whole: the JSON text as the daemon
    /// wrote it (checked, not decoded), other text as is, `""` for none.
    pub fn send_text(self, docker: &Docker, hint: &str) -> Result<String, Error> {
        let answer = match self.prepare(docker, &[Delivery::Whole], hint)? {
            Prepared::Op(call) => call.send_text()?,
            Prepared::Raw(call, ..) => call.send_text()?,
        };
        answer.map_err(|output| wrong_kind(output.kind(), hint))
    }
}

/// A call ready for the blocking client.
enum Prepared {
    Op(libdocker::blocking::Invoke),
    /// A request outside the table: its answer's kind is known only once it came.
    Raw(libdocker::blocking::RawRequest, Vec<Delivery>, String),
}

/// The error for params given to a request outside the table.
fn raw_with_params(path: &str) -> Error {
    Error::InvalidParams {
        message: format!(
            "a request outside the table takes its query in the path, not params: {path}"
        ),
        valid: Vec::new(),
    }
}

/// The error for an answer read another way than it came.
fn wrong_kind(answers: &str, hint: &str) -> Error {
    Error::WrongOutputKind {
        operation: "the request".into(),
        answers: answers.into(),
        wanted: "another kind".into(),
        hint: format!(" ({hint})"),
    }
}

/// The params argument of a call: a JSON object, or NULL for none.
pub(crate) fn parse_params(json: Option<&str>) -> Result<Value, Error> {
    match json {
        None => Ok(Value::Null),
        Some(text) => serde_json::from_str(text).map_err(|e| Error::InvalidParams {
            message: format!("`params_json` is not valid JSON: {e}"),
            valid: Vec::new(),
        }),
    }
}

/// Calls operation `op` (an operationId of the Engine API, e.g.
/// "ContainerList") with `params_json` (a JSON object of its parameters by
/// name, or NULL) and an optional request body (`body`/`body_len`, copied; NULL
/// and 0 for none). Sets `*out_json` to the answer: JSON text, plain text, or ""
/// when the answer is empty; release it with `docker_string_free`. Operations
/// that answer a stream or a hijacked connection are refused with
/// `DOCKER_RESULT_WRONG_OUTPUT_KIND` before anything is sent: use
/// `docker_client_invoke_stream` or `docker_client_attach`. For a streamed body,
/// a time limit or extra headers, use a `docker_call`.
#[no_mangle]
pub extern "C" fn docker_client_invoke(
    client: *const docker_client,
    op: *const c_char,
    params_json: *const c_char,
    body: *const u8,
    body_len: usize,
    out_json: *mut *mut c_char,
) -> docker_result {
    ffi_boundary! {
        let docker = try_ref!(client as Docker);
        let op = try_str!(op);
        let params = try_opt_str!(params_json);
        let body = try_slice!(body, body_len);
        let out = try_mut!(out_json);
        *out = std::ptr::null_mut();
        // The daemon's JSON text is handed out as it came (checked, not decoded).
        match Call::op(op, params, body).send_text(docker, "read it with docker_client_invoke_stream") {
            Ok(text) => {
                *out = to_c_string(text);
                docker_result::Ok
            }
            Err(e) => fail(e),
        }
    }
}

/// Calls operation `op` like `docker_client_invoke` and hands its answer to
/// `callback` (with `userdata` first) as it arrives: stdout/stderr chunks of
/// logs and exec output, each JSON document of a progress or event stream, the
/// bytes of a tar archive, or the whole answer of a plain call in one piece.
/// Blocks until the answer ends, fails, or the callback returns non-zero. A
/// failure the daemon reports inside the stream (a failed build step, a refused
/// push) ends it with its error: `DOCKER_RESULT_BUILD_FAILED`,
/// `DOCKER_RESULT_PROGRESS`, `DOCKER_RESULT_UNAUTHORIZED`, … Hijacked connections
/// (attach, exec start) are refused with `DOCKER_RESULT_WRONG_OUTPUT_KIND`
/// before anything is sent: use `docker_client_attach`.
#[no_mangle]
pub extern "C" fn docker_client_invoke_stream(
    client: *const docker_client,
    op: *const c_char,
    params_json: *const c_char,
    body: *const u8,
    body_len: usize,
    callback: docker_chunk_callback,
    userdata: *mut c_void,
) -> docker_result {
    ffi_boundary! {
        let docker = try_ref!(client as Docker);
        let op = try_str!(op);
        let params = try_opt_str!(params_json);
        let body = try_slice!(body, body_len);
        let Some(callback) = callback else {
            return crate::ffi::null_parameter("callback");
        };
        let sink = Sink { callback, userdata };
        let output = Call::op(op, params, body).send(
            docker,
            &[Delivery::Whole, Delivery::Stream],
            "use docker_client_attach",
        );
        crate::error::result(output.and_then(|o| deliver_output(o, &sink)))
    }
}

/// A call of operation `op` (an operationId, e.g. "ImageBuild"); sets `*out`
/// (send it, or release it with `docker_call_free`). `op` is copied; an unknown
/// operation is reported when the call is sent.
#[no_mangle]
pub extern "C" fn docker_call_new(op: *const c_char, out: *mut *mut docker_call) -> docker_result {
    ffi_boundary! {
        let op = try_str!(op);
        let out = try_mut!(out);
        *out = into_raw::<Call, _>(Call::op(op, None, &[]));
        docker_result::Ok
    }
}

/// A request outside the operation table: `method` ("GET", "POST", …) and
/// `path` (e.g. "/containers/web/checkpoints?dir=x", query included), prefixed
/// with the API version. Its answer is judged by its content type. Sets `*out`;
/// both strings are copied.
#[no_mangle]
pub extern "C" fn docker_call_new_raw(
    method: *const c_char,
    path: *const c_char,
    out: *mut *mut docker_call,
) -> docker_result {
    ffi_boundary! {
        let method_text = try_str!(method);
        let path = try_str!(path);
        let out = try_mut!(out);
        *out = std::ptr::null_mut();
        let Ok(method) = libdocker::http::Method::from_bytes(method_text.as_bytes()) else {
            set_last_error(format!("`{method_text}` is not an HTTP method"));
            return docker_result::InvalidParams;
        };
        let call = Call {
            target: Target::Raw { method, path: path.to_string() },
            params: None,
            body: CallBody::None,
            timeout: None,
            headers: Vec::new(),
            cancel: None,
        };
        *out = into_raw::<Call, _>(call);
        docker_result::Ok
    }
}

/// Releases a call that was not sent. NULL does nothing.
#[no_mangle]
pub extern "C" fn docker_call_free(call: *mut docker_call) {
    ffi_boundary! {
        // SAFETY: from docker_call_new(_raw), freed once.
        drop(unsafe { from_raw::<Call, _>(call) });
    }
}

/// The call's parameters: a JSON object by name (path, query, header and JSON
/// body parameters alike), copied. Checked when the call is sent.
#[no_mangle]
pub extern "C" fn docker_call_set_params(
    call: *mut docker_call,
    params_json: *const c_char,
) -> docker_result {
    ffi_boundary! {
        let call = try_mut!(call as Call);
        let params = try_str!(params_json);
        call.params = Some(params.to_string());
        docker_result::Ok
    }
}

/// The request body: `len` bytes at `body`, copied (NULL and 0: none).
#[no_mangle]
pub extern "C" fn docker_call_set_body(
    call: *mut docker_call,
    body: *const u8,
    len: usize,
) -> docker_result {
    ffi_boundary! {
        let call = try_mut!(call as Call);
        let body = try_slice!(body, len);
        call.body = if body.is_empty() { CallBody::None } else { CallBody::Bytes(body.to_vec()) };
        docker_result::Ok
    }
}

/// A request body read while it is sent: `callback` is asked for 64 KiB at a
/// time (with `userdata` first) until it returns 0, so a build context or an
/// image tarball never sits whole in memory. `userdata` must stay valid until
/// the call returns.
#[no_mangle]
pub extern "C" fn docker_call_set_body_reader(
    call: *mut docker_call,
    callback: docker_read_callback,
    userdata: *mut c_void,
) -> docker_result {
    ffi_boundary! {
        let call = try_mut!(call as Call);
        let Some(callback) = callback else {
            return crate::ffi::null_parameter("callback");
        };
        call.body = CallBody::Reader(Reader { callback, userdata });
        docker_result::Ok
    }
}

/// Limits the wait for the answer (for a stream: for its start) to
/// `timeout_ms` milliseconds for this call; 0 means no limit, even for
/// operations the client's default limit applies to.
#[no_mangle]
pub extern "C" fn docker_call_set_timeout(
    call: *mut docker_call,
    timeout_ms: u64,
) -> docker_result {
    ffi_boundary! {
        let call = try_mut!(call as Call);
        call.timeout = Some((timeout_ms > 0).then(|| Duration::from_millis(timeout_ms)));
        docker_result::Ok
    }
}

/// Ends the call, and the stream it answers, with `DOCKER_RESULT_CANCELLED` when
/// `cancel` fires (from any thread). The call keeps its own reference: `cancel`
/// may be freed before the call is sent.
#[no_mangle]
pub extern "C" fn docker_call_set_cancel(
    call: *mut docker_call,
    cancel: *const docker_cancel,
) -> docker_result {
    ffi_boundary! {
        let call = try_mut!(call as Call);
        let cancel = try_ref!(cancel as Cancel);
        call.cancel = Some(cancel.clone());
        docker_result::Ok
    }
}

/// Adds a header to the request (`name` and `value` copied), e.g. an explicit
/// `X-Registry-Auth`.
#[no_mangle]
pub extern "C" fn docker_call_add_header(
    call: *mut docker_call,
    name: *const c_char,
    value: *const c_char,
) -> docker_result {
    ffi_boundary! {
        let call = try_mut!(call as Call);
        let name = try_str!(name);
        let value = try_str!(value);
        call.headers.push((name.to_string(), value.to_string()));
        docker_result::Ok
    }
}

/// Sends `call` and sets `*out_text` to its whole answer: JSON text, plain text,
/// or "" when empty (release it with `docker_string_free`). Consumes `call`
/// whatever the outcome. An operation that answers a stream or a hijacked
/// connection is refused with `DOCKER_RESULT_WRONG_OUTPUT_KIND` before anything
/// is sent.
#[no_mangle]
pub extern "C" fn docker_client_call(
    client: *const docker_client,
    call: *mut docker_call,
    out_text: *mut *mut c_char,
) -> docker_result {
    ffi_boundary! {
        let call = try_take!(call as Call);
        let docker = try_ref!(client as Docker);
        let out = try_mut!(out_text);
        *out = std::ptr::null_mut();
        match call.send_text(docker, "read it with docker_client_call_stream") {
            Ok(text) => {
                *out = to_c_string(text);
                docker_result::Ok
            }
            Err(e) => fail(e),
        }
    }
}

/// Sends `call` and hands its answer to `callback` as it arrives, as
/// `docker_client_invoke_stream` does. Consumes `call` whatever the outcome.
/// A hijacked connection is refused with `DOCKER_RESULT_WRONG_OUTPUT_KIND`
/// before anything is sent.
#[no_mangle]
pub extern "C" fn docker_client_call_stream(
    client: *const docker_client,
    call: *mut docker_call,
    callback: docker_chunk_callback,
    userdata: *mut c_void,
) -> docker_result {
    ffi_boundary! {
        let call = try_take!(call as Call);
        let docker = try_ref!(client as Docker);
        let Some(callback) = callback else {
            return crate::ffi::null_parameter("callback");
        };
        let sink = Sink { callback, userdata };
        let output = call.send(
            docker,
            &[Delivery::Whole, Delivery::Stream],
            "use docker_client_attach",
        );
        crate::error::result(output.and_then(|o| deliver_output(o, &sink)))
    }
}
