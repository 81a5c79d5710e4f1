//! Registry logins: the daemon checks the credentials with the registry and, when
//! it accepts them, the client remembers them for its later pushes, pulls and
//! builds (before any from the docker CLI's configuration).

use std::ffi::c_char;

use libdocker::blocking::Docker;
use libdocker::Credentials;

use crate::client::docker_client;
use crate::error::{docker_result, fail};

/// Logs in to `registry` (e.g. "localhost:5000"; "" for Docker Hub) as
/// `username` with `password`, and sets `*accepted`. Accepted credentials are
/// remembered by this client (never written to disk) and used by every later
/// call that needs them; a refusal is `DOCKER_RESULT_OK` with `*accepted` false,
/// and remembers nothing. All strings are copied.
#[no_mangle]
pub extern "C" fn docker_client_login(
    client: *const docker_client,
    registry: *const c_char,
    username: *const c_char,
    password: *const c_char,
    accepted: *mut bool,
) -> docker_result {
    ffi_boundary! {
        let docker = try_ref!(client as Docker);
        let registry = try_str!(registry);
        let username = try_str!(username);
        let password = try_str!(password);
        let accepted = try_mut!(accepted);
        *accepted = false;
        let credentials = Credentials::basic(registry, username, password);
        match docker.wait(docker.client().login(credentials)) {
            Ok(Ok(status)) => {
                *accepted = status.accepted;
                docker_result::Ok
            }
            Ok(Err(e)) | Err(e) => fail(e),
        }
    }
}

/// Forgets what `docker_client_login` remembered for `registry` (any spelling:
/// "localhost:5000" or "https://localhost:5000/v2/"); sets `*forgotten` to
/// whether there was anything. The string is copied.
#[no_mangle]
pub extern "C" fn docker_client_logout(
    client: *const docker_client,
    registry: *const c_char,
    forgotten: *mut bool,
) -> docker_result {
    ffi_boundary! {
        let docker = try_ref!(client as Docker);
        let registry = try_str!(registry);
        let forgotten = try_mut!(forgotten);
        *forgotten = docker.client().logout(registry);
        docker_result::Ok
    }
}
