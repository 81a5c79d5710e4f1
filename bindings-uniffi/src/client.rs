//! The `Docker` object: made like the docker CLI's client or from options, many
//! at once; `ping`, `version`, `info`, `invoke` (every operation by name, JSON in
//! and out), `close`, registry logins, and the operation table.

use std::sync::Arc;
use std::time::Duration;

use libdocker::{ApiVersion, DockerBuilder, TlsOptions};
use serde_json::Value;

use crate::cancel_handle::CancelHandle;
use crate::error::{DockerError, Result};
use crate::runtime;

/// How to reach a daemon; anything left null is resolved as the docker CLI does
/// (`DOCKER_HOST`, `DOCKER_TLS_VERIFY`, `DOCKER_CERT_PATH`, contexts).
#[derive(Debug, Clone, Default, uniffi::Record)]
pub struct DockerOptions {
    /// `unix:///path`, `tcp://host:port`, `https://host:port`.
    #[uniffi(default = None)]
    pub host: Option<String>,
    /// A docker CLI context by name.
    #[uniffi(default = None)]
    pub context: Option<String>,
    /// PEM files: the CA that verifies the daemon, and the client's certificate and key.
    #[uniffi(default = None)]
    pub tls_ca: Option<String>,
    #[uniffi(default = None)]
    pub tls_cert: Option<String>,
    #[uniffi(default = None)]
    pub tls_key: Option<String>,
    /// False: TLS without verifying the daemon.
    #[uniffi(default = None)]
    pub tls_verify: Option<bool>,
    /// Pins the API version (e.g. `1.41`); negotiated once otherwise.
    #[uniffi(default = None)]
    pub api_version: Option<String>,
    #[uniffi(default = None)]
    pub connect_timeout_ms: Option<u64>,
    /// Limit on waiting for an answer's head (not for streams).
    #[uniffi(default = None)]
    pub request_timeout_ms: Option<u64>,
    /// The most connections kept open at once (100 by default).
    #[uniffi(default = None)]
    pub max_connections: Option<u32>,
}

/// The daemon's version.
#[derive(Debug, Clone, uniffi::Record)]
pub struct VersionInfo {
    pub version: String,
    pub api_version: String,
    pub min_api_version: String,
    pub os: String,
    pub arch: String,
    pub kernel_version: String,
}

/// A client of one Docker daemon; thread-safe, cheap to share.
#[derive(uniffi::Object)]
pub struct Docker {
    pub(crate) inner: libdocker::Docker,
    /// Ends every call of this client when it fires (`with_cancel`).
    cancel: Option<libdocker::Cancel>,
}

impl Docker {
    fn wrap(inner: libdocker::Docker) -> Arc<Self> {
        Arc::new(Docker {
            inner,
            cancel: None,
        })
    }

    /// The core client, for a task on the runtime.
    pub(crate) fn core(&self) -> libdocker::Docker {
        self.inner.clone()
    }

    /// Runs a call's `work` on the runtime (`runtime::run`); with a cancel
    /// handle, firing it ends the call with `Cancelled` and aborts the work.
    pub(crate) fn call<F, T>(
        &self,
        work: F,
    ) -> impl std::future::Future<Output = Result<T>> + Send + 'static
    where
        F: std::future::Future<Output = Result<T>> + Send + 'static,
        T: Send + 'static,
    {
        let cancel = self.cancel.clone();
        async move {
            match cancel {
                None => runtime::run(work).await,
                Some(cancel) => tokio::select! {
                    biased;
                    _ = cancel.cancelled() => Err(DockerError::Cancelled {
                        reason: "cancelled through its CancelHandle".into(),
                    }),
                    done = runtime::run(work) => done,
                },
            }
        }
    }
}

fn millis(ms: Option<u64>) -> Option<Duration> {
    ms.filter(|&m| m > 0).map(Duration::from_millis)
}

fn builder(options: DockerOptions) -> Result<DockerBuilder> {
    let mut b = DockerBuilder::new();
    if let Some(host) = options.host {
        b = b.host(host);
    }
    if let Some(name) = options.context {
        b = b.context(name);
    }
    if let Some(v) = options.api_version {
        let v: ApiVersion = v.parse().map_err(|_| {
            DockerError::invalid(format!(
                "api_version: `{v}` is not an API version like 1.41"
            ))
        })?;
        b = b.api_version(v);
    }
    if options.connect_timeout_ms.is_some() {
        b = b.connect_timeout(millis(options.connect_timeout_ms));
    }
    if options.request_timeout_ms.is_some() {
        b = b.request_timeout(millis(options.request_timeout_ms));
    }
    if let Some(max) = options.max_connections {
        if max == 0 {
            return Err(DockerError::invalid("max_connections must be at least 1"));
        }
        b = b.max_connections(max as usize);
    }
    let tls_wanted = options.tls_ca.is_some()
        || options.tls_cert.is_some()
        || options.tls_key.is_some()
        || options.tls_verify.is_some();
    if tls_wanted {
        let mut tls = TlsOptions {
            ca: options.tls_ca.map(Into::into),
            cert: None,
            key: None,
            verify: options.tls_verify.unwrap_or(true),
        };
        match (options.tls_cert, options.tls_key) {
            (Some(cert), Some(key)) => tls = tls.client_auth(cert, key),
            (None, None) => {}
            _ => {
                return Err(DockerError::invalid(
                    "tls_cert and tls_key go together: give both or neither",
                ))
            }
        }
        b = b.tls(tls);
    }
    Ok(b)
}

/// Parameters as JSON text: an object, or empty for none.
pub(crate) fn params(json: &str) -> Result<Value> {
    if json.trim().is_empty() {
        return Ok(Value::Null);
    }
    let value: Value = serde_json::from_str(json)
        .map_err(|e| DockerError::invalid(format!("params are not JSON: {e}")))?;
    match value {
        Value::Object(_) | Value::Null => Ok(value),
        _ => Err(DockerError::invalid("params must be a JSON object")),
    }
}

#[uniffi::export]
impl Docker {
    /// A client configured as the docker CLI would be. Nothing is sent yet.
    #[uniffi::constructor]
    pub fn connect() -> Result<Arc<Self>> {
        Ok(Docker::wrap(libdocker::Docker::connect()?))
    }

    /// A client from options (anything null as the CLI would resolve it).
    #[uniffi::constructor]
    pub fn new(options: DockerOptions) -> Result<Arc<Self>> {
        Ok(Docker::wrap(builder(options)?.build()?))
    }

    /// The same client (same connections, same logins) whose calls all end
    /// with `Cancelled` once `handle` fires: Swift's way to stop a long call
    /// (`Task.cancel()` does not reach Rust). Streams it opens go on until their
    /// own `cancel()`.
    pub fn with_cancel(&self, handle: Arc<CancelHandle>) -> Arc<Docker> {
        Arc::new(Docker {
            inner: self.inner.clone(),
            cancel: Some(handle.cancel.clone()),
        })
    }

    /// Where it connects, e.g. `unix:///var/run/docker.sock`.
    pub fn host(&self) -> String {
        self.inner.endpoint().to_string()
    }

    /// Closes the connections kept for reuse; the client stays usable.
    pub fn close_idle(&self) {
        self.inner.close();
    }

    /// Connections open right now (idle, answering or streaming).
    pub fn open_connections(&self) -> u32 {
        self.inner.open_connections() as u32
    }

    /// Forgets the credentials a `login` remembered; whether there were any.
    pub fn logout(&self, registry: String) -> bool {
        self.inner.logout(&registry)
    }
}

export_async! {
    impl Docker {
        /// `GET /_ping`: true when the daemon answers.
        pub async fn ping(&self) -> Result<bool> {
            let d = self.core();
            self.call(async move { Ok(d.ping().await.map(|_| true)?) }).await
        }

        /// The API version in use: pinned, or negotiated with the daemon once.
        pub async fn api_version(&self) -> Result<String> {
            let d = self.core();
            self.call(async move { Ok(d.api_version().await?.to_string()) }).await
        }

        pub async fn version(&self) -> Result<VersionInfo> {
            let d = self.core();
            self.call(async move {
                let v = d.version().await?;
                Ok(VersionInfo {
                    version: v.version,
                    api_version: v.api_version,
                    min_api_version: v.min_api_version.unwrap_or_default(),
                    os: v.os,
                    arch: v.arch,
                    kernel_version: v.kernel_version.unwrap_or_default(),
                })
            })
            .await
        }

        /// `SystemInfo` as JSON text.
        pub async fn info(&self) -> Result<String> {
            self.invoke("SystemInfo".into(), String::new()).await
        }

        /// Calls any operation by its id (see `operations()`), with its parameters
        /// as a JSON object (path, query, header and body parameters by name; empty
        /// for none). Gives the answer as JSON text ("" for none). Operations that
        /// answer a stream or take over the connection are refused here, before
        /// anything is sent, with `WrongOutputKind`: use their typed methods.
        pub async fn invoke(&self, op: String, params_json: String) -> Result<String> {
            let params = params(&params_json)?;
            let d = self.core();
            self.call(async move {
                let whole_only = libdocker::CallOptions {
                    accept: Some((
                        vec![libdocker::Delivery::Whole],
                        "use its typed method (logs, pull, events, exec, attach)".to_string(),
                    )),
                    ..Default::default()
                };
                match d.invoke(&op, params).options(whole_only).send_json_text().await? {
                    Ok(text) => Ok(text),
                    Err(output) => Ok(output.into_text().map_err(DockerError::from)?),
                }
            })
            .await
        }

        /// Logs in to a registry (Docker Hub when `registry` is empty); true when it
        /// accepts, and the client then uses these credentials for its pulls,
        /// pushes and builds.
        pub async fn login(&self, registry: String, username: String, password: String) -> Result<bool> {
            let d = self.core();
            self.call(async move {
                let status = d
                    .login(libdocker::Credentials::basic(registry, username, password))
                    .await?;
                Ok(status.accepted)
            })
            .await
        }
    }
}

/// The ids of every operation, or of one category's.
#[uniffi::export]
pub fn operations(category: Option<String>) -> Result<Vec<String>> {
    Ok(match category {
        None => libdocker::api::operations()
            .iter()
            .map(|o| o.id.to_string())
            .collect(),
        Some(c) => libdocker::api::ops(&c)?
            .into_iter()
            .map(|o| o.id.to_string())
            .collect(),
    })
}

/// The categories of operations (`Container`, `Image`, ...).
#[uniffi::export]
pub fn categories() -> Vec<String> {
    libdocker::api::categories()
        .iter()
        .map(|c| c.to_string())
        .collect()
}

/// An operation's method, path, parameters, body and answer, as text.
#[uniffi::export]
pub fn doc(op: String) -> Result<String> {
    Ok(libdocker::api::doc(&op)?.to_string())
}
