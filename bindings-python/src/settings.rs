//! Client settings from Python keyword arguments, shared by `Docker` and
//! `AsyncDocker`: the same defaults as the docker CLI (DOCKER_HOST, contexts,
//! DOCKER_TLS_VERIFY, DOCKER_CERT_PATH, DOCKER_API_VERSION), each overridable.

use std::time::Duration;

use libdocker::{ApiVersion, DockerBuilder, TlsOptions};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::errors::{to_py, IntoPyResult};

/// What `Docker(...)` and `AsyncDocker(...)` accept.
#[derive(Default)]
pub struct Settings {
    pub host: Option<String>,
    pub api_version: Option<String>,
    pub timeout: Option<f64>,
    pub connect_timeout: Option<f64>,
    pub tls_ca: Option<String>,
    pub tls_cert: Option<String>,
    pub tls_key: Option<String>,
    /// `Some(true)`: TLS, verifying the daemon; `Some(false)`: TLS without
    /// verifying it (the CLI's `--tls`); `None`: as the files and environment say.
    pub tls_verify: Option<bool>,
    pub max_connections: Option<usize>,
    /// A docker CLI context by name.
    pub context: Option<String>,
    /// `DOCKER_*` variables (and `HOME`) to resolve from instead of the process's.
    pub environment: Option<std::collections::HashMap<String, String>>,
}

/// A time limit in seconds (`name` for the error), or None for none.
pub fn limit(name: &str, seconds: Option<f64>) -> PyResult<Option<Duration>> {
    match seconds {
        None => Ok(None),
        Some(s) if s.is_finite() && s > 0.0 => Ok(Some(Duration::from_secs_f64(s))),
        Some(s) => Err(PyValueError::new_err(format!(
            "{name} must be a positive number of seconds or None, not {s}"
        ))),
    }
}

impl Settings {
    pub fn builder(self) -> PyResult<DockerBuilder> {
        let mut b = DockerBuilder::new();
        if let Some(env) = self.environment {
            b = b.environment(libdocker::Environment::Map(env));
        }
        if let Some(name) = self.context {
            b = b.context(name);
        }
        if let Some(host) = self.host {
            b = b.host(host);
        }
        if let Some(v) = self.api_version {
            let v: ApiVersion = v.parse().map_err(libdocker::Error::from).py()?;
            b = b.api_version(v);
        }
        if let Some(t) = limit("timeout", self.timeout)? {
            b = b.request_timeout(Some(t));
        }
        if let Some(t) = limit("connect_timeout", self.connect_timeout)? {
            b = b.connect_timeout(Some(t));
        }
        if let Some(max) = self.max_connections {
            if max == 0 {
                return Err(PyValueError::new_err("max_connections must be at least 1"));
            }
            b = b.max_connections(max);
        }
        let tls_wanted = self.tls_ca.is_some()
            || self.tls_cert.is_some()
            || self.tls_key.is_some()
            || self.tls_verify.is_some();
        if tls_wanted {
            let mut tls = TlsOptions {
                ca: self.tls_ca.map(Into::into),
                cert: None,
                key: None,
                verify: self.tls_verify.unwrap_or(true),
            };
            match (self.tls_cert, self.tls_key) {
                (Some(cert), Some(key)) => tls = tls.client_auth(cert, key),
                (None, None) => {}
                _ => {
                    return Err(PyValueError::new_err(
                        "tls_cert and tls_key go together: give both or neither",
                    ))
                }
            }
            b = b.tls(tls);
        }
        Ok(b)
    }
}

/// Builds the async client (the blocking one wraps the same builder).
pub fn build_async(s: Settings) -> PyResult<libdocker::Docker> {
    s.builder()?.build().map_err(to_py)
}
