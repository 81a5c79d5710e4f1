//! `Docker`: one client per daemon, cheap to clone and safe to share between tasks.
//! It holds what every call of the pipeline needs: the transport (with the
//! connection pool), the API version (pinned, or negotiated once by the pipeline),
//! the limits, and where the CLI's credential configuration is.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use rustls::pki_types::ServerName;

use crate::config::{self, Endpoint, Environment, TlsOptions};
use crate::error::Error;
use crate::transport::{Dialer, Transport, DEFAULT_MAX_CONNECTIONS};
use crate::version::ApiVersion;

/// Default limit on opening a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default limit on waiting for response headers (not applied to operations the
/// table marks slow, and never to reading a stream).
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// A client of one Docker daemon.
///
/// ```no_run
/// # async fn demo() -> Result<(), libdocker::Error> {
/// let docker = libdocker::Docker::connect()?;
/// println!("{}", docker.version().await?.version);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Docker {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub transport: Transport,
    pub endpoint: Endpoint,
    pub host_header: http::HeaderValue,
    pub pinned: Option<ApiVersion>,
    pub negotiated: OnceLock<ApiVersion>,
    pub request_timeout: Option<Duration>,
    /// Where the CLI configuration (credentials) is looked up.
    pub env: Environment,
    /// Credentials from this client's logins, used before the CLI's.
    pub logins: config::logins::Logins,
}

impl std::fmt::Debug for Docker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Docker")
            .field("endpoint", &self.inner.endpoint.to_string())
            .field(
                "api_version",
                &self
                    .inner
                    .pinned
                    .or_else(|| self.inner.negotiated.get().copied()),
            )
            .finish()
    }
}

impl Docker {
    /// Connects the way the docker CLI would (options from the environment and
    /// CLI configuration). Nothing is sent until the first call.
    pub fn connect() -> Result<Docker, Error> {
        DockerBuilder::new().build()
    }

    /// A builder for explicit settings.
    pub fn builder() -> DockerBuilder {
        DockerBuilder::new()
    }

    /// Where this client connects.
    pub fn endpoint(&self) -> &Endpoint {
        &self.inner.endpoint
    }

    /// The pinned API version, if any.
    pub fn pinned_api_version(&self) -> Option<ApiVersion> {
        self.inner.pinned
    }

    /// The docker CLI's credential configuration (`config.json`, helpers), read now.
    pub fn credential_store(&self) -> Result<config::CredentialStore, Error> {
        config::CredentialStore::load(&self.inner.env)
    }

    /// Idle keep-alive connections in the pool.
    pub fn idle_connections(&self) -> usize {
        self.inner.transport.idle_connections()
    }

    /// Connections open now: idle, answering, or carrying a stream.
    pub fn open_connections(&self) -> usize {
        self.inner.transport.open_connections()
    }

    /// The most connections this client keeps open at once (see
    /// [`DockerBuilder::max_connections`]).
    pub fn max_connections(&self) -> usize {
        self.inner.transport.max_connections()
    }

    /// Closes the connections kept open for reuse, as the Go SDK's `Close` and
    /// docker-py's `close` do. Calls and streams under way go on, and the client
    /// stays usable: a later call opens a new connection.
    pub fn close(&self) {
        self.inner.transport.close_idle();
    }
}

/// Settings for a [`Docker`] client; anything not set is resolved as the CLI does.
#[derive(Debug, Clone)]
pub struct DockerBuilder {
    explicit: config::Explicit,
    connect_timeout: Option<Duration>,
    request_timeout: Option<Duration>,
    max_connections: usize,
}

impl Default for DockerBuilder {
    fn default() -> Self {
        DockerBuilder::new()
    }
}

impl DockerBuilder {
    pub fn new() -> Self {
        DockerBuilder {
            explicit: config::Explicit::default(),
            connect_timeout: Some(DEFAULT_CONNECT_TIMEOUT),
            request_timeout: Some(DEFAULT_REQUEST_TIMEOUT),
            max_connections: DEFAULT_MAX_CONNECTIONS,
        }
    }

    /// The daemon's address: `unix:///path`, `tcp://host:port`, `http://…`, `https://…`.
    pub fn host(mut self, host: impl Into<String>) -> Self {
        self.explicit.host = Some(host.into());
        self
    }

    /// TLS settings (CA, client certificate and key).
    pub fn tls(mut self, tls: TlsOptions) -> Self {
        self.explicit.tls = Some(tls);
        self
    }

    /// Pins the API version: no negotiation, every path carries it.
    pub fn api_version(mut self, version: ApiVersion) -> Self {
        self.explicit.api_version = Some(version);
        self
    }

    /// Uses a docker CLI context by name.
    pub fn context(mut self, name: impl Into<String>) -> Self {
        self.explicit.context = Some(name.into());
        self
    }

    /// Reads `DOCKER_*` variables (and `HOME`) from `env` instead of the process.
    pub fn environment(mut self, env: Environment) -> Self {
        self.explicit.env = env;
        self
    }

    /// Limit on opening a connection (`None`: no limit).
    pub fn connect_timeout(mut self, limit: Option<Duration>) -> Self {
        self.connect_timeout = limit;
        self
    }

    /// Default limit on waiting for response headers (`None`: no limit).
    pub fn request_timeout(mut self, limit: Option<Duration>) -> Self {
        self.request_timeout = limit;
        self
    }

    /// The most connections the client keeps open to its daemon at once
    /// ([`DEFAULT_MAX_CONNECTIONS`] unless set; at least 1). A call past it waits
    /// for a connection to come back. Each stream holds its connection until it
    /// is read to the end or dropped, so a program keeping more streams open
    /// than this (followed logs, events) must raise it.
    pub fn max_connections(mut self, max: usize) -> Self {
        self.max_connections = max.max(1);
        self
    }

    /// Resolves the settings and creates the client. Reads certificate files now;
    /// does not connect.
    pub fn build(self) -> Result<Docker, Error> {
        let resolved = config::resolve(&self.explicit)?;
        let tls = match (&resolved.endpoint, &resolved.tls) {
            (Endpoint::Tcp { host, .. }, Some(opts)) => {
                let name = ServerName::try_from(host.clone()).map_err(|_| {
                    Error::Config(format!("`{host}` is not a valid TLS server name"))
                })?;
                Some((opts.client_config()?, name))
            }
            (
                Endpoint::Tcp {
                    tls: true, host, ..
                },
                None,
            ) => {
                // https:// without any TLS settings: verify against the system roots.
                let name = ServerName::try_from(host.clone()).map_err(|_| {
                    Error::Config(format!("`{host}` is not a valid TLS server name"))
                })?;
                let opts = TlsOptions {
                    ca: None,
                    cert: None,
                    key: None,
                    verify: true,
                };
                Some((opts.client_config()?, name))
            }
            _ => None,
        };
        let hint = format!(
            " (address from {}; environment: {})",
            resolved.source,
            self.explicit.env.describe()
        );
        let host = resolved.endpoint.host_header();
        let host_header = http::HeaderValue::from_str(&host)
            .map_err(|_| Error::invalid(format!("`{host}` is not a valid Host header")))?;
        let dialer = Dialer {
            endpoint: resolved.endpoint.clone(),
            tls,
            connect_timeout: self.connect_timeout,
            hint,
        };
        Ok(Docker {
            inner: Arc::new(Inner {
                transport: Transport::new(dialer, self.max_connections),
                endpoint: resolved.endpoint,
                host_header,
                pinned: resolved.api_version,
                negotiated: OnceLock::new(),
                request_timeout: self.request_timeout,
                env: self.explicit.env.clone(),
                logins: Default::default(),
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shareable<T: Clone + Send + Sync + 'static>(_: &T) {}
    fn sendable<T: Send + 'static>(_: &T) {}

    #[test]
    fn the_client_and_its_futures_and_streams_cross_threads() {
        let docker = Docker::builder()
            .host("unix:///nonexistent.sock")
            .build()
            .unwrap();
        shareable(&docker);
        // Futures own a clone of the client: they can be spawned anywhere.
        sendable(&std::future::IntoFuture::into_future(
            docker.invoke("SystemPing", serde_json::Value::Null),
        ));
        let containers = docker.containers();
        sendable(&async move { containers.logs("x", Default::default()).await });
        fn stream_is_send<S: Send + Sync + 'static>() {}
        stream_is_send::<crate::LogStream>();
        stream_is_send::<crate::JsonStream>();
        stream_is_send::<crate::ByteStream>();
        stream_is_send::<crate::Attached>();
    }
}
