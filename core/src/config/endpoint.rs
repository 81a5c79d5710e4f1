//! Daemon addresses: `unix:///path`, `tcp://host:port`, `http://host:port`, `https://host:port`.

use std::fmt;
use std::path::PathBuf;

use crate::error::Error;

/// Where the daemon listens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    /// A unix socket.
    Unix(PathBuf),
    /// A TCP address; `tls` says whether TLS is asked for by the address itself (`https://`).
    Tcp { host: String, port: u16, tls: bool },
}

impl Endpoint {
    /// Parses a `DOCKER_HOST`-style address. `tcp://` and `http://` are plaintext unless
    /// TLS is configured; `https://` always uses TLS.
    pub fn parse(address: &str) -> Result<Endpoint, Error> {
        let a = address.trim();
        if a.is_empty() {
            return Err(Error::Config("the daemon address is empty".into()));
        }
        let (scheme, rest) = match a.split_once("://") {
            Some((s, r)) => (s.to_ascii_lowercase(), r),
            None if a.starts_with('/') => ("unix".to_string(), a),
            None => ("tcp".to_string(), a),
        };
        match scheme.as_str() {
            "unix" => {
                if rest.is_empty() || !rest.starts_with('/') {
                    return Err(Error::Config(format!(
                        "`{address}`: a unix address needs an absolute path, as in unix:///var/run/docker.sock"
                    )));
                }
                Ok(Endpoint::Unix(PathBuf::from(rest)))
            }
            "tcp" | "http" | "https" => {
                let tls = scheme == "https";
                let hostport = rest.split('/').next().unwrap_or_default();
                let (host, port) = split_host_port(hostport, address)?;
                let port = port.unwrap_or(if tls { 2376 } else { 2375 });
                if host.is_empty() {
                    return Err(Error::Config(format!("`{address}` has no host")));
                }
                Ok(Endpoint::Tcp { host, port, tls })
            }
            "ssh" => Err(Error::Config(format!(
                "`{address}`: ssh:// endpoints are not supported; forward the socket (ssh -L) and use unix:// or tcp://"
            ))),
            "npipe" => Err(Error::Config(format!(
                "`{address}`: Windows named pipes are not supported on this platform"
            ))),
            other => Err(Error::Config(format!(
                "`{address}`: unknown scheme `{other}` (use unix://, tcp://, http:// or https://)"
            ))),
        }
    }

    /// The `Host` header a request carries.
    pub(crate) fn host_header(&self) -> String {
        match self {
            Endpoint::Unix(_) => "docker".to_string(),
            Endpoint::Tcp { host, port, .. } if host.contains(':') => format!("[{host}]:{port}"),
            Endpoint::Tcp { host, port, .. } => format!("{host}:{port}"),
        }
    }
}

fn split_host_port(s: &str, address: &str) -> Result<(String, Option<u16>), Error> {
    let bad_port = || Error::Config(format!("`{address}` has an invalid port"));
    if let Some(rest) = s.strip_prefix('[') {
        // [ipv6]:port
        let (host, after) = rest
            .split_once(']')
            .ok_or_else(|| Error::Config(format!("`{address}`: unclosed [ in the host")))?;
        let port = match after.strip_prefix(':') {
            Some(p) => Some(p.parse().map_err(|_| bad_port())?),
            None => None,
        };
        return Ok((host.to_string(), port));
    }
    match s.rsplit_once(':') {
        Some((host, port)) => Ok((
            host.to_string(),
            Some(port.parse().map_err(|_| bad_port())?),
        )),
        None => Ok((s.to_string(), None)),
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Endpoint::Unix(p) => write!(f, "unix://{}", p.display()),
            Endpoint::Tcp { tls: true, .. } => write!(f, "https://{}", self.host_header()),
            Endpoint::Tcp { .. } => write!(f, "tcp://{}", self.host_header()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_scheme() {
        assert_eq!(
            Endpoint::parse("unix:///var/run/docker.sock").unwrap(),
            Endpoint::Unix("/var/run/docker.sock".into())
        );
        assert_eq!(
            Endpoint::parse("tcp://127.0.0.1:2376").unwrap(),
            Endpoint::Tcp {
                host: "127.0.0.1".into(),
                port: 2376,
                tls: false
            }
        );
        assert_eq!(
            Endpoint::parse("https://docker.example").unwrap(),
            Endpoint::Tcp {
                host: "docker.example".into(),
                port: 2376,
                tls: true
            }
        );
        assert_eq!(
            Endpoint::parse("http://[::1]:80/").unwrap(),
            Endpoint::Tcp {
                host: "::1".into(),
                port: 80,
                tls: false
            }
        );
        assert_eq!(
            Endpoint::parse("localhost:2375").unwrap(),
            Endpoint::Tcp {
                host: "localhost".into(),
                port: 2375,
                tls: false
            }
        );
    }

    #[test]
    fn refuses_what_it_cannot_use_and_says_why() {
        for (addr, says) in [
            ("ssh://me@host", "ssh://"),
            ("unix://relative", "absolute path"),
            ("tcp://host:notaport", "invalid port"),
            ("gopher://x", "unknown scheme"),
            ("", "empty"),
        ] {
            let err = Endpoint::parse(addr).unwrap_err().to_string();
            assert!(err.contains(says), "{addr}: {err}");
        }
    }
}
