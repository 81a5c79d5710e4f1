//! Many daemons' events to a C callback: the core's `Monitor`. Add clients
//! with `docker_monitor_add`, then `docker_monitor_listen` blocks its thread and
//! hands each report to the callback as JSON (`{"kind": "event", "daemon": …,
//! "event": {…}}`, `{"kind": "daemon_up", …}`, `{"kind": "daemon_down", …,
//! "error": …}`) until the callback returns non-zero or a `docker_cancel` fires.
//! The monitor runs while a listen runs.

use std::ffi::{c_char, c_void};

use futures_util::StreamExt;
use libdocker::blocking::Docker;
use libdocker::{Cancel, Error, Filters, Monitor, MonitorOptions};

use crate::error::{docker_result, fail};
use crate::ffi::{from_raw, into_raw};
use crate::stream::{docker_chunk_callback, docker_stream, Sink};
use crate::string::to_c_string;

/// A monitor of several daemons, made by `docker_monitor_new`. Thread-safe:
/// listen on several threads, add and remove daemons from any thread.
pub struct docker_monitor {
    _private: [u8; 0],
}

/// The monitor and the runtime its watchers run on.
struct Watching {
    monitor: Monitor,
    runtime: tokio::runtime::Runtime,
}

/// Filters from the Engine's JSON (`{"label": ["a=b"]}`).
fn filters(json: Option<&str>) -> Result<Filters, Error> {
    let invalid = |message: String| Error::InvalidParams {
        message,
        valid: Vec::new(),
    };
    let mut f = Filters::new();
    let Some(json) = json.filter(|j| !j.trim().is_empty()) else {
        return Ok(f);
    };
    let value: serde_json::Value = serde_json::from_str(json)
        .map_err(|e| invalid(format!("filters_json is not JSON: {e}")))?;
    let map = value.as_object().ok_or_else(|| {
        invalid("filters_json must be an object such as {\"label\": [\"app=web\"]}".into())
    })?;
    for (key, values) in map {
        let values = values
            .as_array()
            .ok_or_else(|| invalid(format!("filters_json: `{key}` must be a list of strings")))?;
        for v in values {
            let v = v.as_str().ok_or_else(|| {
                invalid(format!("filters_json: `{key}` must be a list of strings"))
            })?;
            f = f.add(key.clone(), v);
        }
    }
    Ok(f)
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
        let runtime = match tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("libdocker-monitor")
            .enable_all()
            .build()
        {
            Ok(r) => r,
            Err(e) => return fail(Error::Io { context: "starting the monitor's runtime".into(), source: e }),
        };
        let stats_every = (stats_every_ms > 0).then(|| std::time::Duration::from_millis(stats_every_ms));
        let monitor = Monitor::new(MonitorOptions { filters, stats_every, ..Default::default() });
        *out = into_raw::<Watching, _>(Watching { monitor, runtime });
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
        let watching = try_ref!(monitor as Watching);
        let name = try_str!(name);
        let client = try_ref!(client as Docker);
        watching.monitor.add(name, client.client().clone());
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
        let watching = try_ref!(monitor as Watching);
        let name = try_str!(name);
        let was = watching.monitor.remove(name);
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
        let watching = try_ref!(monitor as Watching);
        let name = try_str!(name);
        let out = try_mut!(out);
        let list: Vec<serde_json::Value> = watching
            .monitor
            .containers(name)
            .into_iter()
            .map(|c| serde_json::json!({"id": c.id, "name": c.name, "image": c.image, "state": c.state, "labels": c.labels}))
            .collect();
        *out = to_c_string(serde_json::Value::Array(list).to_string());
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
        let watching = try_ref!(monitor as Watching);
        // SAFETY: NULL or a handle from docker_cancel_new, not freed.
        let cancel = unsafe { cancel.cast::<Cancel>().as_ref() }.cloned();
        let Some(callback) = callback else {
            return crate::ffi::null_parameter("callback");
        };
        let sink = Sink { callback, userdata };
        let mut reports = {
            let _runtime = watching.runtime.enter();
            match watching.monitor.subscribe() {
                Ok(s) => s,
                Err(e) => return fail(e),
            }
        };
        let fired = cancel.as_ref().map(Cancel::cancelled);
        let outcome = watching.runtime.block_on(async {
            let fired = async {
                match fired {
                    Some(f) => f.await,
                    None => std::future::pending().await,
                }
            };
            tokio::pin!(fired);
            loop {
                let report = tokio::select! {
                    biased;
                    () = &mut fired => return Err(Error::Cancelled { what: "docker_monitor_listen".into() }),
                    report = reports.next() => report,
                };
                let Some(report) = report else { return Ok(()) };
                let json = serde_json::to_string(&report).unwrap_or_default();
                if !sink.deliver(docker_stream::Json, json.as_bytes()) {
                    return Ok(());
                }
            }
        });
        drop(reports);
        crate::error::result(outcome)
    }
}

/// Releases a monitor. NULL does nothing. No listen may be running on it.
#[no_mangle]
pub extern "C" fn docker_monitor_free(monitor: *mut docker_monitor) {
    ffi_boundary! {
        // SAFETY: from docker_monitor_new, freed once.
        drop(unsafe { from_raw::<Watching, _>(monitor) });
    }
}
