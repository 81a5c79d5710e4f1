//! The operation table as data for C: every operation (or one category's), the
//! categories, and one operation's documentation, as JSON text.

use std::ffi::c_char;

use libdocker::api;
use libdocker::Error;

use crate::error::{docker_result, fail};
use crate::string::to_c_string;

/// Sets `*out_json` (release it with `docker_string_free`) to `value` as JSON.
fn hand_out<T: serde::Serialize>(value: Result<T, Error>, out: &mut *mut c_char) -> docker_result {
    match value.and_then(|v| {
        serde_json::to_string(&v).map_err(|e| Error::Decode {
            what: "the operation table".into(),
            reason: e.to_string(),
        })
    }) {
        Ok(text) => {
            *out = to_c_string(text);
            docker_result::Ok
        }
        Err(e) => fail(e),
    }
}

/// Sets `*out_json` to the operations as a JSON array, each as
/// `docker_doc_json` describes it (id, category, method, path, parameters, body,
/// answer, API version): all 108, or those of `category` (e.g. "Container", any
/// case) when it is not NULL. Release it with `docker_string_free`.
#[no_mangle]
pub extern "C" fn docker_operations_json(
    category: *const c_char,
    out_json: *mut *mut c_char,
) -> docker_result {
    ffi_boundary! {
        let category = try_opt_str!(category);
        let out = try_mut!(out_json);
        *out = std::ptr::null_mut();
        let ops = match category {
            None => Ok(api::operations().iter().collect::<Vec<_>>()),
            Some(c) => api::ops(c),
        };
        hand_out(ops.map(|ops| ops.into_iter().map(api::Doc::of).collect::<Vec<_>>()), out)
    }
}

/// Sets `*out_json` to the categories as a JSON array of names, in the spec's
/// order ("Container", "Image", …). Release it with `docker_string_free`.
#[no_mangle]
pub extern "C" fn docker_categories_json(out_json: *mut *mut c_char) -> docker_result {
    ffi_boundary! {
        let out = try_mut!(out_json);
        *out = std::ptr::null_mut();
        let names: Vec<&str> = api::categories().into_iter().map(|c| c.as_str()).collect();
        hand_out(Ok(names), out)
    }
}

/// Sets `*out_json` to what operation `op` takes and returns, as a JSON object:
/// `id`, `category`, `method`, `path`, `params` (each with `name`, `location`,
/// `type`, `required`, `since`), `body`, `body_name`, `body_required`,
/// `response`, `since`. Release it with `docker_string_free`.
#[no_mangle]
pub extern "C" fn docker_doc_json(op: *const c_char, out_json: *mut *mut c_char) -> docker_result {
    ffi_boundary! {
        let op = try_str!(op);
        let out = try_mut!(out_json);
        *out = std::ptr::null_mut();
        hand_out(api::doc(op), out)
    }
}
