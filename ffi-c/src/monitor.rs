//! Many daemons' events to a C callback: the core's `Monitor`. Add clients
//! with `docker_monitor_add`, then `docker_monitor_listen` blocks its thread and
//! hands each report to the callback as JSON (`{"kind": "event", "daemon": …,
//! "event": {…}}`, `{"kind": "daemon_up", …}`, `{"kind": "daemon_down", …,
//! "error": …}`) until the callback returns non-zero or a `docker_cancel` fires.
//! The monitor runs while a listen runs.

use std::ffi::{c_char, c_void};

use libdocker::blocking::{Docker, Monitor};
use libdocker::{Cancel, Error, Filters, MonitorOptions};

use crate::error::{docker_result, fail};
use crate::ffi::{from_raw, into_raw};
use crate::stream::{docker_chunk_callback, Sink};
use crate::string::to_c_string;

/// A monitor of several daemons, made by `docker_monitor_new`. Thread-safe:
/// listen on several threads, add and remove daemons from any thread.
pub struct docker_monitor {
    _private: [u8; 0],
}

/// Filters from the Engine's JSON (`{"label": ["a=b"]}`); NULL or "" for none.
fn filters(json: Option<&str>) -> Result<Filters, Error> {
    let Some(json) = json.filter(|j| !j.trim().is_empty()) else {
        return Ok(Filters::new());
    };
    let value = serde_json::from_str(json).map_err(|e| Error::InvalidParams {
        message: format!("filters_json is not JSON: {e}"),
        valid: Vec::new(),
    })?;
    Filters::from_json(&value)
}

/// A new monitor of the events `filters_json` selects (the Engine's filters;
/// NULL or "" for all; their `label` part also selects the containers of
/// `docker_monitor_containers`). With `stats_every_ms` > 0 it also reports the
/// running containers' stats that often (`{"kind": "stats", "daemon": …,
/// "stats": {"cpu_percent": …, "memory_usage": …, …}}`, as `docker stats`
/// computes them). Sets `*out`; release it with `docker_monitor_free`.
#[no_mangle]
pub extern "C" fn docker_monitor_new(
    filters_json: *const c_char,
    stats_every_ms: u64,
    out: *mut *mut docker_monitor,
) -> docker_result {
    ffi_boundary! {
        let json = try_opt_str!(filters_json);
        let out = try_mut!(out);
        *out = std::ptr::null_mut();
        let filters = match filters(json) {
            Ok(f) => f,
            Err(e) => return fail(e),
        };
        let stats_every = (stats_every_ms > 0).then(|| std::time::Duration::from_millis(stats_every_ms));
        match Monitor::new(MonitorOptions { filters, stats_every, ..Default::default() }) {
            Ok(monitor) => *out = into_raw::<Monitor, _>(monitor),
            Err(e) => return fail(e),
        }
        docker_result::Ok
    }
}

/// Watches `client`'s daemon under `name` (copied; a daemon of that name is
/// replaced). The monitor keeps what it needs of `client`, which may be freed.
#[no_mangle]
pub extern "C" fn docker_monitor_add(
    monitor: *const docker_monitor,
    name: *const c_char,
    client: *const crate::client::docker_client,
) -> docker_result {
    ffi_boundary! {
        let monitor = try_ref!(monitor as Monitor);
        let name = try_str!(name);
        let client = try_ref!(client as Docker);
        monitor.add(name, client);
        docker_result::Ok
    }
}

/// Stops watching `name`; sets `*removed` (may be NULL) to whether it was watched.
#[no_mangle]
pub extern "C" fn docker_monitor_remove(
    monitor: *const docker_monitor,
    name: *const c_char,
    removed: *mut bool,
) -> docker_result {
    ffi_boundary! {
        let monitor = try_ref!(monitor as Monitor);
        let name = try_str!(name);
        let was = monitor.remove(name);
        if !removed.is_null() {
            // SAFETY: non-NULL, and the caller gave a place for a bool.
            unsafe { *removed = was };
        }
        docker_result::Ok
    }
}

/// The containers of daemon `name` as the monitor knows them while it listens,
/// as a JSON array of `{"id", "name", "image", "state", "labels"}`. Sets `*out`
/// (release it with `docker_string_free`).
#[no_mangle]
pub extern "C" fn docker_monitor_containers(
    monitor: *const docker_monitor,
    name: *const c_char,
    out: *mut *mut c_char,
) -> docker_result {
    ffi_boundary! {
        let monitor = try_ref!(monitor as Monitor);
        let name = try_str!(name);
        let out = try_mut!(out);
        *out = to_c_string(serde_json::json!(monitor.containers(name)).to_string());
        docker_result::Ok
    }
}

/// Listens on the calling thread: each report goes to `callback` (with
/// `userdata` first, `DOCKER_STREAM_JSON`, the report's JSON) until the callback
/// returns non-zero (then `DOCKER_RESULT_OK`) or `cancel` (may be NULL) fires
/// (then `DOCKER_RESULT_CANCELLED`). The monitor runs while a listen runs; when
/// the last one returns, its connections are closed.
#[no_mangle]
pub extern "C" fn docker_monitor_listen(
    monitor: *const docker_monitor,
    cancel: *const crate::cancel::docker_cancel,
    callback: docker_chunk_callback,
    userdata: *mut c_void,
) -> docker_result {
    ffi_boundary! {
        let monitor = try_ref!(monitor as Monitor);
        // SAFETY: NULL or a handle from docker_cancel_new, not freed.
        let cancel = unsafe { cancel.cast::<Cancel>().as_ref() }.cloned();
        let Some(callback) = callback else {
            return crate::ffi::null_parameter("callback");
        };
        let sink = Sink { callback, userdata };
        let mut reports = match monitor.subscribe() {
            Ok(r) => r,
            Err(e) => return fail(e),
        };
        let never = Cancel::new();
        let cancel = cancel.as_ref().unwrap_or(&never);
        let outcome = sink.deliver_json(|| reports.next_or_cancelled(cancel));
        drop(reports);
        crate::error::result(outcome)
    }
}

/// Releases a monitor. NULL does nothing. No listen may be running on it.
#[no_mangle]
pub extern "C" fn docker_monitor_free(monitor: *mut docker_monitor) {
    ffi_boundary! {
        // SAFETY: from docker_monitor_new, freed once.
        drop(unsafe { from_raw::<Monitor, _>(monitor) });
    }
}
