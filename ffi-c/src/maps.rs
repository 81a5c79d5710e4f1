//! Container maps for C: a Compose (or JSON) document in, clients added by
//! name, and an action's events out through the stream callback as JSON
//! (`{"step": "create", "status": "done", "client": "", "service": "web",
//! "target": "demo_web_1"}`). `docker_map_run` blocks its thread until the
//! action ends, the callback returns non-zero, or a `docker_cancel` fires.

use std::ffi::{c_char, c_void};
use std::sync::Mutex;

use libdocker::blocking::{Docker, MapClients};
use libdocker::maps::{Action, ActionOptions, ContainerMap, LoadOptions};
use libdocker::{Cancel, Error, LogsOptions};
use serde::Deserialize;

use crate::error::{docker_result, fail};
use crate::ffi::{from_raw, into_raw};
use crate::stream::{docker_chunk_callback, Sink};
use crate::string::to_c_string;

/// A container map and the clients it is applied with, made by
/// `docker_map_new` or `docker_map_load`. Thread-safe.
pub struct docker_map {
    _private: [u8; 0],
}

/// What the handle holds.
struct Map {
    map: ContainerMap,
    /// By name; `""` is the default client.
    clients: Mutex<Vec<(String, Docker)>>,
}

impl Map {
    fn new(map: ContainerMap) -> Map {
        Map {
            map,
            clients: Mutex::new(Vec::new()),
        }
    }

    fn map_clients_lock(&self) -> std::sync::MutexGuard<'_, Vec<(String, Docker)>> {
        self.clients.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The clients as the core takes them (the default one is required).
    fn clients(&self) -> Result<MapClients, Error> {
        let clients = self.map_clients_lock();
        let Some((_, default)) = clients.iter().find(|(n, _)| n.is_empty()) else {
            return Err(Error::InvalidParams {
                message: "no default client: add one with docker_map_add_client(map, \"\", client)"
                    .into(),
                valid: Vec::new(),
            });
        };
        let mut all = MapClients::new(default)?;
        for (name, docker) in clients.iter().filter(|(n, _)| !n.is_empty()) {
            all.insert(name.clone(), docker);
        }
        Ok(all)
    }
}

/// `{"volumes": true, "timeout": 10}` (seconds); NULL or "" for the defaults.
fn options(json: Option<&str>) -> Result<ActionOptions, Error> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Options {
        #[serde(default)]
        volumes: bool,
        timeout: Option<f64>,
    }
    let Some(json) = json.filter(|j| !j.trim().is_empty()) else {
        return Ok(ActionOptions::default());
    };
    let o: Options = serde_json::from_str(json).map_err(|e| Error::InvalidParams {
        message: format!("options_json: {e}"),
        valid: vec!["volumes".into(), "timeout".into()],
    })?;
    let timeout = match o.timeout {
        None => None,
        Some(t) if t >= 0.0 && t.is_finite() => Some(std::time::Duration::from_secs_f64(t)),
        Some(t) => {
            return Err(Error::InvalidParams {
                message: format!("options_json: timeout must be seconds >= 0, not {t}"),
                valid: Vec::new(),
            })
        }
    };
    Ok(ActionOptions {
        volumes: o.volumes,
        timeout,
    })
}

fn action(name: &str) -> Result<Action, Error> {
    Action::parse(name).ok_or_else(|| Error::InvalidParams {
        message: format!("unknown map action `{name}`"),
        valid: [
            "up", "update", "down", "start", "stop", "restart", "pull", "build",
        ]
        .map(String::from)
        .to_vec(),
    })
}

fn made(out: &mut *mut docker_map, map: Result<ContainerMap, Error>) -> docker_result {
    match map {
        Ok(map) => {
            *out = into_raw::<Map, _>(Map::new(map));
            docker_result::Ok
        }
        Err(e) => fail(e),
    }
}

/// A map from `document`: Compose YAML, or the JSON form. Relative paths start
/// at `working_dir` (NULL: the current directory); `project` (NULL: the
/// document's `name:`) names the project. Errors (`DOCKER_RESULT_INVALID_MAP`)
/// name the line and key. Sets `*out`; release it with `docker_map_free`.
#[no_mangle]
pub extern "C" fn docker_map_new(
    document: *const c_char,
    working_dir: *const c_char,
    project: *const c_char,
    out: *mut *mut docker_map,
) -> docker_result {
    ffi_boundary! {
        let document = try_str!(document);
        let working_dir = try_opt_str!(working_dir);
        let project = try_opt_str!(project);
        let out = try_mut!(out);
        *out = std::ptr::null_mut();
        let dir = match working_dir {
            Some(d) => std::path::PathBuf::from(d),
            None => std::env::current_dir().unwrap_or_else(|_| ".".into()),
        };
        let options = LoadOptions { project: project.map(str::to_string), ..Default::default() };
        made(out, ContainerMap::from_yaml(document, dir, options))
    }
}

/// A map read from the Compose file at `path` (with the `.env` beside it).
/// Sets `*out`; release it with `docker_map_free`.
#[no_mangle]
pub extern "C" fn docker_map_load(
    path: *const c_char,
    project: *const c_char,
    out: *mut *mut docker_map,
) -> docker_result {
    ffi_boundary! {
        let path = try_str!(path);
        let project = try_opt_str!(project);
        let out = try_mut!(out);
        *out = std::ptr::null_mut();
        let options = LoadOptions { project: project.map(str::to_string), ..Default::default() };
        made(out, ContainerMap::load_with(path, options))
    }
}

/// Applies the map's services placed on client `name` with `client` (`""`:
/// the default client, required before a run). The map keeps what it needs of
/// `client`, which may be freed.
#[no_mangle]
pub extern "C" fn docker_map_add_client(
    map: *const docker_map,
    name: *const c_char,
    client: *const crate::client::docker_client,
) -> docker_result {
    ffi_boundary! {
        let map = try_ref!(map as Map);
        let name = try_str!(name);
        let client = try_ref!(client as Docker);
        let mut clients = map.map_clients_lock();
        clients.retain(|(n, _)| n != name);
        clients.push((name.to_string(), client.clone()));
        docker_result::Ok
    }
}

/// The map in its JSON form (a Compose document in long syntax). Sets `*out`
/// (release it with `docker_string_free`).
#[no_mangle]
pub extern "C" fn docker_map_to_json(
    map: *const docker_map,
    out: *mut *mut c_char,
) -> docker_result {
    ffi_boundary! {
        let map = try_ref!(map as Map);
        let out = try_mut!(out);
        *out = to_c_string(map.map.to_json().to_string());
        docker_result::Ok
    }
}

/// What `action` (`up`, `update`, `down`, `start`, `stop`, `restart`, `pull`,
/// `build`) would do now, as a JSON array of steps (`{"step", "client",
/// "service", "target", "reason"}`); nothing is changed. Sets `*out` (release
/// it with `docker_string_free`).
#[no_mangle]
pub extern "C" fn docker_map_plan(
    map: *const docker_map,
    action_name: *const c_char,
    options_json: *const c_char,
    out: *mut *mut c_char,
) -> docker_result {
    ffi_boundary! {
        let map = try_ref!(map as Map);
        let action_name = try_str!(action_name);
        let options_json = try_opt_str!(options_json);
        let out = try_mut!(out);
        *out = std::ptr::null_mut();
        let planned = action(action_name)
            .and_then(|a| Ok((a, options(options_json)?)))
            .and_then(|(a, o)| map.clients()?.plan(&map.map, a, &o));
        match planned {
            Ok(plan) => {
                *out = to_c_string(serde_json::to_string(&plan.steps).unwrap_or_default());
                docker_result::Ok
            }
            Err(e) => fail(e),
        }
    }
}

/// Runs `action` on the calling thread. Each event goes to `callback` (with
/// `userdata`, `DOCKER_STREAM_JSON` and the event's JSON) as it happens. Returns
/// `DOCKER_RESULT_OK` when every step was done; `DOCKER_RESULT_MAP_FAILED`
/// when some failed (the last error names them and the services skipped
/// because of them); `DOCKER_RESULT_CANCELLED` when `cancel` (may be NULL)
/// fired. A callback returning non-zero stops the action where it is (then
/// `DOCKER_RESULT_OK`); running `up` again resumes it. `options_json`: NULL,
/// or `{"volumes": true}` (down removes the volumes), `{"timeout": 10}`.
#[no_mangle]
pub extern "C" fn docker_map_run(
    map: *const docker_map,
    action_name: *const c_char,
    options_json: *const c_char,
    cancel: *const crate::cancel::docker_cancel,
    callback: docker_chunk_callback,
    userdata: *mut c_void,
) -> docker_result {
    ffi_boundary! {
        let map = try_ref!(map as Map);
        let action_name = try_str!(action_name);
        let options_json = try_opt_str!(options_json);
        // SAFETY: NULL or a handle from docker_cancel_new, not freed.
        let cancel = unsafe { cancel.cast::<Cancel>().as_ref() }.cloned();
        let Some(callback) = callback else {
            return crate::ffi::null_parameter("callback");
        };
        let sink = Sink { callback, userdata };
        let (action, options) = match action(action_name).and_then(|a| Ok((a, options(options_json)?))) {
            Ok(x) => x,
            Err(e) => return fail(e),
        };
        let clients = match map.clients() {
            Ok(c) => c,
            Err(e) => return fail(e),
        };
        let mut events = clients.run(&map.map, action, options);
        let never = Cancel::new();
        let cancel = cancel.as_ref().unwrap_or(&never);
        let outcome = sink.deliver_json(|| events.next_or_cancelled(cancel));
        drop(events);
        crate::error::result(outcome)
    }
}

/// The project's containers on every daemon the map uses, as a JSON array of
/// `{"client", "id", "name", "service", "number", "state", "status", "image",
/// "hash"}`. Sets `*out` (release it with `docker_string_free`).
#[no_mangle]
pub extern "C" fn docker_map_ps(map: *const docker_map, out: *mut *mut c_char) -> docker_result {
    ffi_boundary! {
        let map = try_ref!(map as Map);
        let out = try_mut!(out);
        *out = std::ptr::null_mut();
        match map.clients().and_then(|c| c.ps(&map.map)) {
            Ok(rows) => {
                *out = to_c_string(serde_json::to_string(&rows).unwrap_or_default());
                docker_result::Ok
            }
            Err(e) => fail(e),
        }
    }
}

/// Every container's logs merged, one line per callback (`DOCKER_STREAM_JSON`,
/// `{"client", "service", "container", "stream", "line"}`), until they end
/// (`follow` false), the callback returns non-zero, or `cancel` fires.
#[no_mangle]
pub extern "C" fn docker_map_logs(
    map: *const docker_map,
    follow: bool,
    cancel: *const crate::cancel::docker_cancel,
    callback: docker_chunk_callback,
    userdata: *mut c_void,
) -> docker_result {
    ffi_boundary! {
        let map = try_ref!(map as Map);
        // SAFETY: NULL or a handle from docker_cancel_new, not freed.
        let cancel = unsafe { cancel.cast::<Cancel>().as_ref() }.cloned();
        let Some(callback) = callback else {
            return crate::ffi::null_parameter("callback");
        };
        let sink = Sink { callback, userdata };
        let options = LogsOptions { follow, ..LogsOptions::default() };
        let mut lines = match map.clients().and_then(|c| c.logs(&map.map, options)) {
            Ok(l) => l,
            Err(e) => return fail(e),
        };
        let never = Cancel::new();
        let cancel = cancel.as_ref().unwrap_or(&never);
        let outcome = sink.deliver_json(|| lines.next_or_cancelled(cancel));
        crate::error::result(outcome)
    }
}

/// The default client, the one a stack is deployed with.
fn default_client(map: &Map) -> Result<Docker, Error> {
    let clients = map.map_clients_lock();
    clients
        .iter()
        .find(|(n, _)| n.is_empty())
        .map(|(_, d)| d.clone())
        .ok_or_else(|| Error::InvalidParams {
            message: "no default client: add the swarm manager with docker_map_add_client(map, \"\", client)".into(),
            valid: Vec::new(),
        })
}

fn stack_call(
    map: &Map,
    out: &mut *mut c_char,
    call: impl FnOnce(&Docker, &ContainerMap) -> Result<libdocker::maps::StackReport, Error>,
) -> docker_result {
    *out = std::ptr::null_mut();
    match default_client(map).and_then(|d| call(&d, &map.map)) {
        Ok(report) => {
            *out = to_c_string(serde_json::to_string(&report).unwrap_or_default());
            docker_result::Ok
        }
        Err(e) => fail(e),
    }
}

/// Deploys the map as a stack to the swarm the default client's daemon
/// manages (`docker stack deploy`): each service's `deploy:` section becomes
/// its service spec, networks are overlay, secrets and configs the swarm's. A
/// second deploy updates the services in place. Sets `*out` to a JSON report
/// (`{"stack", "services", "updated", "networks", "secrets", "configs",
/// "warnings"}`; release it with `docker_string_free`).
#[no_mangle]
pub extern "C" fn docker_map_deploy_stack(
    map: *const docker_map,
    out: *mut *mut c_char,
) -> docker_result {
    ffi_boundary! {
        let map = try_ref!(map as Map);
        let out = try_mut!(out);
        stack_call(map, out, |d, m| d.deploy_stack(m))
    }
}

/// Removes the stack of the map's name: its services, then its networks,
/// secrets and configs. Sets `*out` to a JSON report of what was removed
/// (release it with `docker_string_free`).
#[no_mangle]
pub extern "C" fn docker_map_remove_stack(
    map: *const docker_map,
    out: *mut *mut c_char,
) -> docker_result {
    ffi_boundary! {
        let map = try_ref!(map as Map);
        let out = try_mut!(out);
        stack_call(map, out, |d, m| d.remove_stack(m))
    }
}

/// Releases a map. NULL does nothing. No run may be going on with it.
#[no_mangle]
pub extern "C" fn docker_map_free(map: *mut docker_map) {
    ffi_boundary! {
        // SAFETY: from docker_map_new or docker_map_load, freed once.
        drop(unsafe { from_raw::<Map, _>(map) });
    }
}
