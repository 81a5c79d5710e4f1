//! Strings handed to C: NUL-terminated UTF-8, allocated by libdocker, released with
//! `docker_string_free`.

use std::ffi::{c_char, CString};

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
