//! Hijacked connections (attach, exec start): the process's output to a callback,
//! its stdin from C.

use std::ffi::{c_char, c_void};

use libdocker::blocking::{Attached, Docker};
use libdocker::Delivery;

use crate::call::Call;
use crate::client::docker_client;
use crate::error::{docker_result, fail, result};
use crate::ffi::{from_raw, into_raw};
use crate::stream::{docker_chunk_callback, Sink};

/// An attached process, made by `docker_client_attach`: read its output with
/// `docker_attach_read`, write its stdin with `docker_attach_write`. Not
/// thread-safe; release it with `docker_attach_free`.
pub struct docker_attach {
    _private: [u8; 0],
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
        let attached = Call::op(op, params, &[])
            .send(docker, &[Delivery::Connection], "use docker_client_invoke_stream")
            .and_then(|output| output.into_attached());
        match attached {
            Ok(a) => {
                *out = into_raw::<Attached, _>(a);
                docker_result::Ok
            }
            Err(e) => fail(e),
        }
    }
}

/// Sends `len` bytes at `data` to the process's stdin.
#[no_mangle]
pub extern "C" fn docker_attach_write(
    attach: *mut docker_attach,
    data: *const u8,
    len: usize,
) -> docker_result {
    ffi_boundary! {
        let a = try_mut!(attach as Attached);
        let data = try_slice!(data, len);
        result(a.input.write(data))
    }
}

/// Closes the process's stdin (it reads EOF); its output keeps arriving.
#[no_mangle]
pub extern "C" fn docker_attach_close_stdin(attach: *mut docker_attach) -> docker_result {
    ffi_boundary! {
        let a = try_mut!(attach as Attached);
        result(a.input.close())
    }
}

/// Hands the process's output to `callback` (stdout/stderr chunks) until it
/// ends or the callback returns non-zero; may be called again to go on after
/// a stop.
#[no_mangle]
pub extern "C" fn docker_attach_read(
    attach: *mut docker_attach,
    callback: docker_chunk_callback,
    userdata: *mut c_void,
) -> docker_result {
    ffi_boundary! {
        let a = try_mut!(attach as Attached);
        let Some(callback) = callback else {
            return crate::ffi::null_parameter("callback");
        };
        let sink = Sink { callback, userdata };
        for chunk in a.output.by_ref() {
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

/// Closes the connection and releases the attached process. NULL does nothing.
#[no_mangle]
pub extern "C" fn docker_attach_free(attach: *mut docker_attach) {
    ffi_boundary! {
        // SAFETY: from docker_client_attach, freed once.
        drop(unsafe { from_raw::<Attached, _>(attach) });
    }
}
