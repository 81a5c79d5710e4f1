//! Opening a connection: unix socket, TCP, or TLS over TCP, in the event loop or
//! blocking. TLS, once asked for, is never skipped.

use std::io;
use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::ServerName;
use tokio::net::TcpStream;

use super::io::{Io, StdSocket};
use super::unix::UnixConn;
use crate::config::Endpoint;
use crate::error::Error;

/// Everything needed to open a connection to one daemon.
pub(crate) struct Dialer {
    pub endpoint: Endpoint,
    pub tls: Option<(Arc<rustls::ClientConfig>, ServerName<'static>)>,
    pub connect_timeout: Option<Duration>,
    /// Appended to connection errors: where the address came from.
    pub hint: String,
}

impl Dialer {
    pub fn address(&self) -> String {
        self.endpoint.to_string()
    }

    /// Opens a new connection within the connect timeout.
    pub async fn dial(&self) -> Result<Io, Error> {
        match self.connect_timeout {
            Some(limit) => tokio::time::timeout(limit, self.dial_now())
                .await
                .map_err(|_| Error::Timeout {
                    during: format!("connecting to {}", self.address()),
                    after: limit,
                })?,
            None => self.dial_now().await,
        }
    }

    async fn dial_now(&self) -> Result<Io, Error> {
        match &self.endpoint {
            Endpoint::Unix(path) => tokio::net::UnixStream::connect(path)
                .await
                .and_then(|s| UnixConn::new(s.into_std()?))
                .map(Io::Unix)
                .map_err(|e| self.connect_error(e)),
            Endpoint::Tcp { host, port, .. } => {
                let tcp = TcpStream::connect((host.as_str(), *port))
                    .await
                    .map_err(|e| self.connect_error(e))?;
                let _ = tcp.set_nodelay(true);
                match &self.tls {
                    None => Ok(Io::Tcp(tcp)),
                    Some((config, name)) => {
                        let connector = tokio_rustls::TlsConnector::from(config.clone());
                        let tls =
                            connector
                                .connect(name.clone(), tcp)
                                .await
                                .map_err(|e| Error::Tls {
                                    address: self.address(),
                                    reason: tls_reason(&e),
                                })?;
                        Ok(Io::Tls(Box::new(tls)))
                    }
                }
            }
        }
    }

    /// Whether blocking connections can be opened: unix sockets and plain TCP
    /// (TLS lives in the event loop).
    pub fn can_block(&self) -> bool {
        self.tls.is_none()
    }

    /// Opens a blocking connection within the connect timeout.
    pub fn dial_blocking(&self) -> Result<StdSocket, Error> {
        match &self.endpoint {
            Endpoint::Unix(path) => std::os::unix::net::UnixStream::connect(path)
                .map(StdSocket::Unix)
                .map_err(|e| self.connect_error(e)),
            Endpoint::Tcp { host, port, .. } => {
                use std::net::ToSocketAddrs;
                let addrs = (host.as_str(), *port)
                    .to_socket_addrs()
                    .map_err(|e| self.connect_error(e))?;
                let mut last = io::Error::new(io::ErrorKind::NotFound, "no address found");
                for addr in addrs {
                    let tcp = match self.connect_timeout {
                        Some(limit) => std::net::TcpStream::connect_timeout(&addr, limit),
                        None => std::net::TcpStream::connect(addr),
                    };
                    match tcp {
                        Ok(tcp) => {
                            let _ = tcp.set_nodelay(true);
                            return Ok(StdSocket::Tcp(tcp));
                        }
                        Err(e) if e.kind() == io::ErrorKind::TimedOut => {
                            return Err(Error::Timeout {
                                during: format!("connecting to {}", self.address()),
                                after: self.connect_timeout.unwrap_or_default(),
                            })
                        }
                        Err(e) => last = e,
                    }
                }
                Err(self.connect_error(last))
            }
        }
    }

    fn connect_error(&self, e: io::Error) -> Error {
        let reason = match (&self.endpoint, e.kind()) {
            (Endpoint::Unix(path), io::ErrorKind::NotFound) => {
                format!("the socket {} does not exist", path.display())
            }
            (Endpoint::Unix(path), io::ErrorKind::PermissionDenied) => format!(
                "permission denied on {} (run as root or join the socket's group)",
                path.display()
            ),
            (Endpoint::Unix(path), io::ErrorKind::ConnectionRefused) => {
                format!(
                    "nothing is listening on {} (is dockerd running?)",
                    path.display()
                )
            }
            (_, io::ErrorKind::ConnectionRefused) => {
                "connection refused (is dockerd listening there?)".to_string()
            }
            _ => e.to_string(),
        };
        Error::Connect {
            address: self.address(),
            reason,
            hint: self.hint.clone(),
        }
    }
}

/// The TLS failure in words, from rustls' error when there is one.
pub(crate) fn tls_reason(e: &io::Error) -> String {
    match e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
    {
        Some(rustls::Error::InvalidCertificate(c)) => {
            format!("the daemon's certificate was not accepted ({c:?}); check the CA file")
        }
        Some(rustls::Error::AlertReceived(a)) => {
            format!("the daemon refused the TLS session ({a:?}); check the client certificate")
        }
        Some(other) => other.to_string(),
        None => e.to_string(),
    }
}

/// An I/O error on an open connection: a TLS failure (a refused client
/// certificate shows up on the first read) or the daemon going away.
pub(crate) fn tls_or_closed(e: io::Error, address: &str, what: &str) -> Error {
    match find_tls_error(&e) {
        Some(reason) => Error::Tls {
            address: address.to_string(),
            reason,
        },
        None => Error::closed(format!("{address} {what}: {e}")),
    }
}

/// Finds a rustls error in an error's source chain (TLS alerts can surface only when
/// the first response is read, e.g. a refused client certificate under TLS 1.3).
pub(crate) fn find_tls_error(e: &(dyn std::error::Error + 'static)) -> Option<String> {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        if let Some(io) = err.downcast_ref::<io::Error>() {
            if io.get_ref().is_some_and(|i| i.is::<rustls::Error>()) {
                return Some(tls_reason(io));
            }
        }
        if let Some(r) = err.downcast_ref::<rustls::Error>() {
            return Some(r.to_string());
        }
        cur = err.source();
    }
    None
}
