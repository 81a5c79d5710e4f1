//! The client and its builder, its ping and API version.

use std::ffi::c_char;
use std::time::Duration;

use libdocker::blocking::Docker;
use libdocker::{ApiVersion, DockerBuilder, TlsOptions};

use crate::error::{docker_result, fail, set_last_error};
use crate::ffi::{from_raw, into_raw};

/// Settings for a client, made by `docker_client_builder_new`. Not thread-safe.
pub struct docker_client_builder {
    _private: [u8; 0],
}

/// A client of one Docker daemon, made by `docker_client_new` or
/// `docker_client_builder_build`. Thread-safe: calls may come from many threads
/// at once. Each call blocks its thread until the answer (or a stream) is done.
pub struct docker_client {
    _private: [u8; 0],
}

/// The limit from milliseconds; 0 means none.
fn limit(ms: u64) -> Option<Duration> {
    (ms > 0).then(|| Duration::from_millis(ms))
}

/// A builder with the settings the docker CLI would use (DOCKER_HOST,
/// DOCKER_TLS_VERIFY, DOCKER_CERT_PATH, DOCKER_API_VERSION, contexts), each
/// overridable. Never NULL. Release it with `docker_client_builder_free` unless
/// it is passed to `docker_client_builder_build`.
#[no_mangle]
pub extern "C" fn docker_client_builder_new() -> *mut docker_client_builder {
    ffi_boundary! {
        into_raw::<DockerBuilder, _>(DockerBuilder::new())
    }
}

/// Releases a builder that was not built. NULL does nothing.
#[no_mangle]
pub extern "C" fn docker_client_builder_free(builder: *mut docker_client_builder) {
    ffi_boundary! {
        // SAFETY: from docker_client_builder_new, freed once.
        drop(unsafe { from_raw::<DockerBuilder, _>(builder) });
    }
}

/// The daemon's address: `unix:///path`, `tcp://host:port`, `https://…`.
/// `host` is copied.
#[no_mangle]
pub extern "C" fn docker_client_builder_set_host(
    builder: *mut docker_client_builder,
    host: *const c_char,
) -> docker_result {
    ffi_boundary! {
        let b = try_mut!(builder as DockerBuilder);
        let host = try_str!(host);
        *b = std::mem::take(b).host(host);
        docker_result::Ok
    }
}

/// TLS: `ca` (PEM file path) verifies the daemon; `cert` and `key` (both or
/// neither, may be NULL) authenticate the client. Paths are copied; files are
/// read by `docker_client_builder_build`.
#[no_mangle]
pub extern "C" fn docker_client_builder_set_tls(
    builder: *mut docker_client_builder,
    ca: *const c_char,
    cert: *const c_char,
    key: *const c_char,
) -> docker_result {
    ffi_boundary! {
        let b = try_mut!(builder as DockerBuilder);
        let ca = try_str!(ca);
        let cert = try_opt_str!(cert);
        let key = try_opt_str!(key);
        let mut tls = TlsOptions::with_ca(ca);
        match (cert, key) {
            (Some(cert), Some(key)) => tls = tls.client_auth(cert, key),
            (None, None) => {}
            _ => {
                set_last_error("`cert` and `key` go together: give both or neither".into());
                return docker_result::InvalidParams;
            }
        }
        *b = std::mem::take(b).tls(tls);
        docker_result::Ok
    }
}

/// Pins the API version (e.g. "1.41"): no negotiation, and operations newer
/// than it are refused before anything is sent.
#[no_mangle]
pub extern "C" fn docker_client_builder_set_api_version(
    builder: *mut docker_client_builder,
    version: *const c_char,
) -> docker_result {
    ffi_boundary! {
        let b = try_mut!(builder as DockerBuilder);
        let text = try_str!(version);
        let Ok(version) = text.parse::<ApiVersion>() else {
            set_last_error(format!("`{text}` is not an API version like 1.41"));
            return docker_result::InvalidParams;
        };
        *b = std::mem::take(b).api_version(version);
        docker_result::Ok
    }
}

/// Limits on connecting and on waiting for an answer, in milliseconds; 0 means
/// no limit. Streams are never cut by the answer limit once they flow.
#[no_mangle]
pub extern "C" fn docker_client_builder_set_timeouts(
    builder: *mut docker_client_builder,
    connect_ms: u64,
    request_ms: u64,
) -> docker_result {
    ffi_boundary! {
        let b = try_mut!(builder as DockerBuilder);
        *b = std::mem::take(b)
            .connect_timeout(limit(connect_ms))
            .request_timeout(limit(request_ms));
        docker_result::Ok
    }
}

/// Makes the client and sets `*out` to it (release it with
/// `docker_client_free`). Consumes `builder` whatever the outcome: do not use
/// or free it afterwards. Reads certificate files now; connects at the first call.
#[no_mangle]
pub extern "C" fn docker_client_builder_build(
    builder: *mut docker_client_builder,
    out: *mut *mut docker_client,
) -> docker_result {
    ffi_boundary! {
        let b = try_take!(builder as DockerBuilder);
        let out = try_mut!(out);
        *out = std::ptr::null_mut();
        match b.build_blocking() {
            Ok(docker) => {
                *out = into_raw::<Docker, _>(docker);
                docker_result::Ok
            }
            Err(e) => fail(e),
        }
    }
}

/// A client configured as the docker CLI would be; sets `*out` (release it
/// with `docker_client_free`).
#[no_mangle]
pub extern "C" fn docker_client_new(out: *mut *mut docker_client) -> docker_result {
    ffi_boundary! {
        let out = try_mut!(out);
        *out = std::ptr::null_mut();
        match Docker::connect() {
            Ok(docker) => {
                *out = into_raw::<Docker, _>(docker);
                docker_result::Ok
            }
            Err(e) => fail(e),
        }
    }
}

/// Releases a client. NULL does nothing. No call on it may be running.
#[no_mangle]
pub extern "C" fn docker_client_free(client: *mut docker_client) {
    ffi_boundary! {
        // SAFETY: from docker_client_new / _build, freed once.
        drop(unsafe { from_raw::<Docker, _>(client) });
    }
}

/// Closes the connections the client keeps open for reuse (as the Go SDK's
/// `Close`). Calls and streams under way go on, and the client stays usable: a
/// later call opens a new connection. Release the client with
/// `docker_client_free`.
#[no_mangle]
pub extern "C" fn docker_client_close(client: *const docker_client) -> docker_result {
    ffi_boundary! {
        let docker = try_ref!(client as Docker);
        docker.client().close();
        docker_result::Ok
    }
}

/// Pings the daemon (`GET /_ping`).
#[no_mangle]
pub extern "C" fn docker_client_ping(client: *const docker_client) -> docker_result {
    ffi_boundary! {
        let docker = try_ref!(client as Docker);
        crate::error::result(docker.ping().map(drop))
    }
}

/// The API version in use (pinned, or negotiated once with the daemon), as
/// `*major` and `*minor` (e.g. 1 and 41).
#[no_mangle]
pub extern "C" fn docker_client_api_version(
    client: *const docker_client,
    major: *mut u32,
    minor: *mut u32,
) -> docker_result {
    ffi_boundary! {
        let docker = try_ref!(client as Docker);
        let major = try_mut!(major);
        let minor = try_mut!(minor);
        match docker.api_version() {
            Ok(v) => {
                *major = u32::from(v.major());
                *minor = u32::from(v.minor());
                docker_result::Ok
            }
            Err(e) => fail(e),
        }
    }
}
