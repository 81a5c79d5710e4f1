//! The ping, and the API version every other call uses: pinned, or negotiated
//! once with the daemon from its ping (min(1.55, the daemon's)).

use serde::Serialize;
use serde_json::Value;

use super::plan::{CallOptions, Planned};
use crate::api::{self, ApiVersion};
use crate::client::Docker;
use crate::error::Error;
use crate::transport::Mode;

/// What `/_ping` reports in its headers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ping {
    /// The daemon's newest API version (`Api-Version`).
    pub api_version: Option<ApiVersion>,
    /// `linux` or `windows` (`OSType`).
    pub os_type: Option<String>,
    pub experimental: bool,
    /// `1` (classic) or `2` (BuildKit) (`Builder-Version`).
    pub builder_version: Option<String>,
    /// Swarm status, e.g. `inactive` (`Swarm`).
    pub swarm: Option<String>,
    /// The body, `OK`.
    pub status: String,
}

impl Ping {
    /// Reads a ping's answer: its headers say most.
    pub(crate) fn from_answer(headers: &http::HeaderMap, body: &[u8]) -> Ping {
        use http::HeaderName;
        const API_VERSION: HeaderName = HeaderName::from_static("api-version");
        const OS_TYPE: HeaderName = HeaderName::from_static("ostype");
        const EXPERIMENTAL: HeaderName = HeaderName::from_static("docker-experimental");
        const BUILDER_VERSION: HeaderName = HeaderName::from_static("builder-version");
        const SWARM: HeaderName = HeaderName::from_static("swarm");
        let header = |name: &HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
        Ping {
            api_version: header(&API_VERSION).and_then(|v| v.parse().ok()),
            os_type: header(&OS_TYPE).map(str::to_string),
            experimental: header(&EXPERIMENTAL) == Some("true"),
            builder_version: header(&BUILDER_VERSION).map(str::to_string),
            swarm: header(&SWARM).map(str::to_string),
            status: String::from_utf8_lossy(body).into_owned(),
        }
    }
}

impl Docker {
    /// Pings the daemon (`GET /_ping`; unversioned until the version is known,
    /// since negotiation asks it).
    pub async fn ping(&self) -> Result<Ping, Error> {
        self.ping_in(Mode::Async).await
    }

    pub(crate) async fn ping_in(&self, mode: Mode) -> Result<Ping, Error> {
        static SYSTEM_PING: std::sync::OnceLock<&'static api::Operation> =
            std::sync::OnceLock::new();
        let op = match SYSTEM_PING.get() {
            Some(op) => op,
            None => SYSTEM_PING.get_or_init(|| api::find("SystemPing").expect("in the table")),
        };
        // Prepared with what is known: the ping is how the version is learnt.
        let call = Planned::operation(self.clone(), op, Value::Null, None, CallOptions::default())?;
        let reply = call
            .prepare(self.known_api_version(), false)?
            .exchange(mode)
            .await?;
        let (head, body) = reply
            .head()
            .ok_or_else(|| Error::decode("the ping", "it answered a stream"))?;
        Ok(Ping::from_answer(&head.headers, body))
    }

    /// The API version requests use: the pinned one, or the one negotiated (once)
    /// with the daemon: min(1.55, the daemon's).
    pub async fn api_version(&self) -> Result<ApiVersion, Error> {
        self.api_version_in(Mode::Async).await
    }

    pub(crate) async fn api_version_in(&self, mode: Mode) -> Result<ApiVersion, Error> {
        if let Some(v) = self.known_api_version() {
            return Ok(v);
        }
        let version = negotiate(self.ping_in(mode).await?.api_version)?;
        // Another call may have negotiated meanwhile: the same answer.
        let _ = self.inner.negotiated.set(version);
        Ok(version)
    }
}

impl Docker {
    /// The API version if it is known without asking: pinned, or negotiated already.
    pub(crate) fn known_api_version(&self) -> Option<ApiVersion> {
        self.inner
            .pinned
            .or_else(|| self.inner.negotiated.get().copied())
    }
}

/// The version to use with a daemon whose newest is `daemon`: min(1.55, the
/// daemon's), refused below 1.25; 1.55 when the daemon does not say.
fn negotiate(daemon: Option<ApiVersion>) -> Result<ApiVersion, Error> {
    match daemon {
        Some(v) if v < ApiVersion::MIN => Err(Error::UnsupportedApiVersion {
            what: "this client".into(),
            required: ApiVersion::MIN,
            using: v,
        }),
        Some(v) => Ok(v.min(ApiVersion::MAX)),
        None => Ok(ApiVersion::MAX),
    }
}
