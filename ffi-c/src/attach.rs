//! Hijacked connections (attach, exec start): the process's output to a callback,
//! its stdin from C. Output and input are apart, so one thread can read while
//! another writes (full duplex: any amount of input flows through a process that
//! echoes it), and a third can cancel a read that waits.

use std::ffi::{c_char, c_void};
use std::sync::Mutex;

use libdocker::blocking::{AttachInput, Docker, Iter};
use libdocker::{Cancel, Delivery, LogStream};

use crate::call::Call;
use crate::client::docker_client;
use crate::error::{docker_result, fail, result};
use crate::ffi::{from_raw, into_raw};
use crate::stream::{docker_chunk_callback, Sink};

/// An attached process, made by `docker_client_attach`: read its output with
/// `docker_attach_read`, write its stdin with `docker_attach_write`. One thread
/// may read while another writes, and any thread may cancel
/// (`docker_attach_cancel`); two reads (or two writes) at once wait for each
/// other. Release it with `docker_attach_free`, once no call on it runs.
pub struct docker_attach {
    _private: [u8; 0],
}

/// What a `docker_attach` holds.
struct Attach {
    output: Mutex<Iter<LogStream>>,
    input: Mutex<AttachInput>,
    cancel: Cancel,
}

/// Calls an operation that hijacks the connection ("ContainerAttach" with
/// `stream`, or "ExecStart" not detached) and sets `*out` to the attached
/// process (release it with `docker_attach_free`). Any other operation is
/// refused with `DOCKER_RESULT_WRONG_OUTPUT_KIND` before anything is sent.
#[no_mangle]
pub extern "C" fn docker_client_attach(
    client: *const docker_client,
    op: *const c_char,
    params_json: *const c_char,
    out: *mut *mut docker_attach,
) -> docker_result {
    ffi_boundary! {
        let docker = try_ref!(client as Docker);
        let op = try_str!(op);
        let params = try_opt_str!(params_json);
        let out = try_mut!(out);
        *out = std::ptr::null_mut();
        let cancel = Cancel::new();
        let attached = Call::op(op, params, &[])
            .cancelled_by(&cancel)
            .send(docker, &[Delivery::Connection], "use docker_client_invoke_stream")
            .and_then(|output| output.into_attached());
        match attached {
            Ok(a) => {
                *out = into_raw::<Attach, _>(Attach {
                    output: Mutex::new(a.output),
                    input: Mutex::new(a.input),
                    cancel,
                });
                docker_result::Ok
            }
            Err(e) => fail(e),
        }
    }
}

/// Sends `len` bytes at `data` to the process's stdin, waiting while the
/// process does not take them (its output must be read meanwhile, on another
/// thread, if it echoes).
#[no_mangle]
pub extern "C" fn docker_attach_write(
    attach: *const docker_attach,
    data: *const u8,
    len: usize,
) -> docker_result {
    ffi_boundary! {
        let a = try_ref!(attach as Attach);
        let data = try_slice!(data, len);
        result(lock(&a.input).write(data))
    }
}

/// Closes the process's stdin (it reads EOF); its output keeps arriving.
/// Closing again does nothing.
#[no_mangle]
pub extern "C" fn docker_attach_close_stdin(attach: *const docker_attach) -> docker_result {
    ffi_boundary! {
        let a = try_ref!(attach as Attach);
        result(lock(&a.input).close())
    }
}

/// Hands the process's output to `callback` (stdout/stderr chunks) until it
/// ends (`DOCKER_RESULT_OK`), the callback returns non-zero (`DOCKER_RESULT_OK`;
/// call again to go on), or `docker_attach_cancel` is called
/// (`DOCKER_RESULT_CANCELLED`; the connection is closed).
#[no_mangle]
pub extern "C" fn docker_attach_read(
    attach: *const docker_attach,
    callback: docker_chunk_callback,
    userdata: *mut c_void,
) -> docker_result {
    ffi_boundary! {
        let a = try_ref!(attach as Attach);
        let Some(callback) = callback else {
            return crate::ffi::null_parameter("callback");
        };
        let sink = Sink { callback, userdata };
        for chunk in lock(&a.output).by_ref() {
            match chunk {
                Ok(c) => {
                    if !sink.deliver(c.stream.into(), &c.bytes) {
                        break;
                    }
                }
                Err(e) => return fail(e),
            }
        }
        docker_result::Ok
    }
}

/// Ends a read waiting on the process (from any thread, or from the read's own
/// callback) with `DOCKER_RESULT_CANCELLED`, and hangs up. Later reads and writes
/// fail; cancelling again does nothing. The handle must still be freed.
#[no_mangle]
pub extern "C" fn docker_attach_cancel(attach: *const docker_attach) -> docker_result {
    ffi_boundary! {
        let a = try_ref!(attach as Attach);
        a.cancel.cancel();
        docker_result::Ok
    }
}

/// Closes the connection and releases the attached process. NULL does nothing.
/// No call on it may be running (cancel a waiting read first).
#[no_mangle]
pub extern "C" fn docker_attach_free(attach: *mut docker_attach) {
    ffi_boundary! {
        // SAFETY: from docker_client_attach, freed once.
        drop(unsafe { from_raw::<Attach, _>(attach) });
    }
}

/// A half of the connection; one that a panicking call left poisoned is still usable.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}
