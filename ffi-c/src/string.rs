//! Strings handed to C: NUL-terminated UTF-8, allocated by libdocker, released with
//! `docker_string_free`.

use std::ffi::{c_char, CString};

use crate::error::docker_result;

/// Hands `text` to C; an interior NUL (impossible in JSON text) is cut there.
pub(crate) fn to_c_string(text: String) -> *mut c_char {
    let c = CString::new(text).unwrap_or_else(|e| {
        let end = e.nul_position();
        let mut bytes = e.into_vec();
        bytes.truncate(end);
        CString::new(bytes).unwrap_or_default()
    });
    c.into_raw()
}

/// Releases a string returned by libdocker (e.g. by `docker_client_invoke`).
/// NULL is allowed and does nothing.
#[no_mangle]
pub extern "C" fn docker_string_free(s: *mut c_char) {
    ffi_boundary! {
        if !s.is_null() {
            // SAFETY: `s` came from `to_c_string` (CString::into_raw) and is freed once.
            drop(unsafe { CString::from_raw(s) });
        }
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
        crate::error::with_last_error(|m| copy_out(m, buf, len, out_n))
    }
}
