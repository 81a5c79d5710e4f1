//! Crossing the boundary: checked conversions of the pointers C hands us. Each
//! macro returns early from the entry point with `DOCKER_RESULT_NULL_PARAMETER` or
//! `DOCKER_RESULT_INVALID_UTF8`, naming the parameter in the error message.

use std::ffi::{c_char, CStr};

use crate::error::{docker_result, set_last_error};

/// `&mut T` from a pointer C gave us, or an early `NullParameter`.
macro_rules! try_mut {
    ($ptr:ident) => {{
        match unsafe { $ptr.as_mut() } {
            Some(r) => r,
            None => return $crate::ffi::null_parameter(stringify!($ptr)),
        }
    }};
    // An opaque handle: `&mut T` behind a pointer made by `into_raw::<T, _>`.
    ($ptr:ident as $ty:ty) => {{
        // SAFETY: a non-null handle of this type came from `into_raw::<$ty, _>`.
        match unsafe { $ptr.cast::<$ty>().as_mut() } {
            Some(r) => r,
            None => return $crate::ffi::null_parameter(stringify!($ptr)),
        }
    }};
}

/// `&T` behind an opaque handle made by `into_raw::<T, _>`: `NullParameter` if null.
macro_rules! try_ref {
    ($ptr:ident as $ty:ty) => {{
        // SAFETY: a non-null handle of this type came from `into_raw::<$ty, _>`.
        match unsafe { $ptr.cast::<$ty>().as_ref() } {
            Some(r) => r,
            None => return $crate::ffi::null_parameter(stringify!($ptr)),
        }
    }};
}

/// The value behind an opaque handle made by `into_raw::<T, _>`, taken back (the
/// handle is consumed: freed when the value is dropped): `NullParameter` if null.
macro_rules! try_take {
    ($ptr:ident as $ty:ty) => {{
        // SAFETY: a non-null handle of this type came from `into_raw::<$ty, _>`
        // and is taken (freed) here once, as the entry point's contract says.
        match unsafe { $crate::ffi::from_raw::<$ty, _>($ptr) } {
            Some(b) => b,
            None => return $crate::ffi::null_parameter(stringify!($ptr)),
        }
    }};
}

/// `&str` from a NUL-terminated C string: `NullParameter` or `InvalidUtf8`.
macro_rules! try_str {
    ($ptr:ident) => {{
        match unsafe { $crate::ffi::c_str($ptr, stringify!($ptr)) } {
            Ok(Some(s)) => s,
            Ok(None) => return $crate::ffi::null_parameter(stringify!($ptr)),
            Err(e) => return e,
        }
    }};
}

/// `Option<&str>` from a C string that may be null.
macro_rules! try_opt_str {
    ($ptr:ident) => {{
        match unsafe { $crate::ffi::c_str($ptr, stringify!($ptr)) } {
            Ok(s) => s,
            Err(e) => return e,
        }
    }};
}

/// `&[u8]` from a pointer and a length (null is allowed only with length 0).
macro_rules! try_slice {
    ($ptr:ident, $len:ident) => {{
        if $ptr.is_null() {
            if $len != 0 {
                return $crate::ffi::null_parameter(stringify!($ptr));
            }
            &[][..]
        } else {
            unsafe { std::slice::from_raw_parts($ptr, $len) }
        }
    }};
}

/// Records that parameter `name` was null.
pub(crate) fn null_parameter(name: &str) -> docker_result {
    set_last_error(format!("the parameter `{name}` must not be NULL"));
    docker_result::NullParameter
}

/// A C string as UTF-8; `None` for null.
///
/// # Safety
/// `ptr` is null or points to a NUL-terminated string valid for the call.
pub(crate) unsafe fn c_str<'a>(
    ptr: *const c_char,
    name: &str,
) -> Result<Option<&'a str>, docker_result> {
    if ptr.is_null() {
        return Ok(None);
    }
    match CStr::from_ptr(ptr).to_str() {
        Ok(s) => Ok(Some(s)),
        Err(e) => {
            set_last_error(format!(
                "the parameter `{name}` is not valid UTF-8 (at byte {})",
                e.valid_up_to()
            ));
            Err(docker_result::InvalidUtf8)
        }
    }
}

/// Hands an owned Rust value to C as an opaque pointer.
pub(crate) fn into_raw<T, C>(value: T) -> *mut C {
    Box::into_raw(Box::new(value)).cast()
}

/// Takes back a value handed out by [`into_raw`]; null gives `None`.
///
/// # Safety
/// `ptr` is null or came from `into_raw::<T, C>` and was not freed since.
pub(crate) unsafe fn from_raw<T, C>(ptr: *mut C) -> Option<Box<T>> {
    (!ptr.is_null()).then(|| Box::from_raw(ptr.cast::<T>()))
}

/// Writes `value` through `out` if `out` is not null.
pub(crate) fn set_out<T>(out: *mut T, value: T) {
    if let Some(slot) = unsafe { out.as_mut() } {
        *slot = value;
    }
}
