//! Where the daemon is and how to talk to it, resolved the way the docker CLI does:
//! explicit options, then `DOCKER_HOST` / `DOCKER_TLS_VERIFY` / `DOCKER_CERT_PATH` /
//! `DOCKER_API_VERSION`, then the selected CLI context, then the default socket.

pub mod context;
pub mod credential_store;
pub mod credentials;
mod endpoint;
pub mod env;
pub(crate) mod logins;
mod tls;

pub use credential_store::CredentialStore;
pub use credentials::Credentials;
pub use endpoint::Endpoint;
pub use env::Environment;
pub use tls::TlsOptions;

use std::path::PathBuf;

use crate::error::Error;
use crate::version::ApiVersion;

/// The default daemon address.
pub const DEFAULT_HOST: &str = "unix:///var/run/docker.sock";

/// What the caller set explicitly; anything `None` is looked up.
#[derive(Debug, Clone, Default)]
pub(crate) struct Explicit {
    pub host: Option<String>,
    pub tls: Option<TlsOptions>,
    pub api_version: Option<ApiVersion>,
    pub context: Option<String>,
    pub env: Environment,
}

/// The outcome of resolution.
#[derive(Debug, Clone)]
pub(crate) struct Resolved {
    pub endpoint: Endpoint,
    pub tls: Option<TlsOptions>,
    pub api_version: Option<ApiVersion>,
    /// How the address was chosen, for error messages.
    pub source: String,
}

pub(crate) fn resolve(x: &Explicit) -> Result<Resolved, Error> {
    let env = &x.env;
    let api_version = match x.api_version {
        Some(v) => Some(v),
        None => env
            .get("DOCKER_API_VERSION")
            .map(|v| {
                v.parse::<ApiVersion>().map_err(|_| {
                    Error::Config(format!(
                        "DOCKER_API_VERSION=`{v}` is not an API version such as 1.41"
                    ))
                })
            })
            .transpose()?,
    };
    if let Some(v) = api_version {
        if !v.is_known() {
            return Err(Error::Config(format!(
                "API version {v} is outside what this client speaks ({} to {})",
                ApiVersion::MIN,
                ApiVersion::MAX
            )));
        }
    }

    let (host, source, context_tls) = if let Some(h) = &x.host {
        (h.clone(), "the host option".to_string(), None)
    } else if let Some(h) = env.get("DOCKER_HOST") {
        (h, "DOCKER_HOST".to_string(), None)
    } else {
        let selected = match &x.context {
            Some(c) => Some((c.clone(), "the context option")),
            None => context::selected_context(env)?,
        };
        match selected {
            Some((name, how)) if name != "default" => {
                let ctx = context::load(env, &name)?;
                let tls = (ctx.ca.is_some() || ctx.cert.is_some()).then(|| TlsOptions {
                    ca: ctx.ca.clone(),
                    cert: ctx.cert.clone(),
                    key: ctx.key.clone(),
                    verify: !ctx.skip_tls_verify,
                });
                (ctx.host, format!("context `{name}` (from {how})"), tls)
            }
            _ => (
                DEFAULT_HOST.to_string(),
                "the default address".to_string(),
                None,
            ),
        }
    };

    let mut endpoint = Endpoint::parse(&host)?;
    let tls = match &endpoint {
        Endpoint::Unix(_) => None,
        Endpoint::Tcp { tls: https, .. } => x
            .tls
            .clone()
            .or(context_tls)
            .or_else(|| env_tls(env))
            .or_else(|| https.then(|| TlsOptions::from_dir(cert_dir(env), true))),
    };
    if let (Endpoint::Tcp { tls: flag, .. }, Some(_)) = (&mut endpoint, &tls) {
        *flag = true;
    }
    Ok(Resolved {
        endpoint,
        tls,
        api_version,
        source,
    })
}

/// TLS from `DOCKER_TLS_VERIFY` (verify) or `DOCKER_TLS` (encrypt, don't verify).
fn env_tls(env: &Environment) -> Option<TlsOptions> {
    let verify = env.get("DOCKER_TLS_VERIFY").is_some();
    let tls = env.get("DOCKER_TLS").is_some();
    (verify || tls).then(|| TlsOptions::from_dir(cert_dir(env), verify))
}

/// `DOCKER_CERT_PATH`, else the CLI's configuration directory (`~/.docker`).
fn cert_dir(env: &Environment) -> PathBuf {
    env.get("DOCKER_CERT_PATH")
        .map(PathBuf::from)
        .or_else(|| env.config_dir())
        .unwrap_or_else(|| PathBuf::from(".docker"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve_env(pairs: &[(&str, &str)]) -> Result<Resolved, Error> {
        resolve(&Explicit {
            env: Environment::from_pairs(pairs.iter().copied()),
            ..Default::default()
        })
    }

    #[test]
    fn default_is_the_unix_socket() {
        let r = resolve_env(&[]).unwrap();
        assert_eq!(r.endpoint, Endpoint::Unix("/var/run/docker.sock".into()));
        assert!(r.tls.is_none() && r.api_version.is_none());
    }

    #[test]
    fn docker_host_and_tls_variables() {
        let r = resolve_env(&[
            ("DOCKER_HOST", "tcp://10.0.0.1:2376"),
            ("DOCKER_TLS_VERIFY", "1"),
            ("DOCKER_CERT_PATH", "/certs"),
            ("DOCKER_API_VERSION", "1.40"),
        ])
        .unwrap();
        assert_eq!(
            r.endpoint,
            Endpoint::Tcp {
                host: "10.0.0.1".into(),
                port: 2376,
                tls: true
            }
        );
        let tls = r.tls.unwrap();
        assert!(tls.verify);
        assert_eq!(r.api_version, Some(ApiVersion::v1(40)));
        assert_eq!(r.source, "DOCKER_HOST");
    }

    #[test]
    fn explicit_options_win_over_the_environment() {
        let r = resolve(&Explicit {
            host: Some("unix:///tmp/x.sock".into()),
            api_version: Some(ApiVersion::v1(41)),
            env: Environment::from_pairs([
                ("DOCKER_HOST", "tcp://1.2.3.4:1"),
                ("DOCKER_API_VERSION", "1.30"),
            ]),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(r.endpoint, Endpoint::Unix("/tmp/x.sock".into()));
        assert_eq!(r.api_version, Some(ApiVersion::v1(41)));
    }

    #[test]
    fn bad_versions_are_named() {
        let err = resolve_env(&[("DOCKER_API_VERSION", "banana")])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("DOCKER_API_VERSION") && err.contains("banana"),
            "{err}"
        );
        let err = resolve_env(&[("DOCKER_API_VERSION", "1.12")])
            .unwrap_err()
            .to_string();
        assert!(err.contains("1.12") && err.contains("1.25"), "{err}");
    }
}
