//! Cancelling from another thread: a `docker_cancel` handle, given to calls with
//! `docker_call_set_cancel`, ends them (and the streams they answer) with
//! `DOCKER_RESULT_CANCELLED` as soon as it fires, whatever the daemon is doing;
//! their connections are closed.

use libdocker::Cancel;

use crate::error::docker_result;
use crate::ffi::{from_raw, into_raw};

/// A cancel handle, made by `docker_cancel_new`. Thread-safe: fire it from any
/// thread. Calls given it keep what they need, so it may be freed at any time
/// (with `docker_cancel_free`); firing it afterwards is impossible, of course.
pub struct docker_cancel {
    _private: [u8; 0],
}

/// A new cancel handle, not fired. Never NULL; release it with `docker_cancel_free`.
#[no_mangle]
pub extern "C" fn docker_cancel_new() -> *mut docker_cancel {
    ffi_boundary! {
        into_raw::<Cancel, _>(Cancel::new())
    }
}

/// Fires the handle: every call and stream given it ends now with
/// `DOCKER_RESULT_CANCELLED`, on whatever thread it runs. Firing again does
/// nothing. Safe from any thread, and from inside a stream's callback.
#[no_mangle]
pub extern "C" fn docker_cancel_fire(cancel: *const docker_cancel) -> docker_result {
    ffi_boundary! {
        let cancel = try_ref!(cancel as Cancel);
        cancel.cancel();
        docker_result::Ok
    }
}

/// Whether the handle has fired (false for NULL).
#[no_mangle]
pub extern "C" fn docker_cancel_is_fired(cancel: *const docker_cancel) -> bool {
    ffi_boundary! {
        // SAFETY: NULL or a handle from docker_cancel_new, not freed.
        unsafe { cancel.cast::<Cancel>().as_ref() }.is_some_and(Cancel::is_cancelled)
    }
}

/// Releases a cancel handle. NULL does nothing. Calls given it are unaffected.
#[no_mangle]
pub extern "C" fn docker_cancel_free(cancel: *mut docker_cancel) {
    ffi_boundary! {
        // SAFETY: from docker_cancel_new, freed once.
        drop(unsafe { from_raw::<Cancel, _>(cancel) });
    }
}
