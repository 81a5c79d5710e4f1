//! System operations, typed: version, info, disk usage, registry login check, and
//! the event stream (the ping is the pipeline's own: `pipeline/ping.rs`).

use std::collections::HashMap;
use std::time::Duration;

use super::null_default::null_default;
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::client::Docker;
use crate::config::Credentials;
use crate::error::Error;
use crate::filters::Filters;
use crate::stream::JsonStream;

/// `GET /version`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Version {
    pub version: String,
    #[serde(rename = "ApiVersion")]
    pub api_version: String,
    #[serde(rename = "MinAPIVersion", default)]
    pub min_api_version: Option<String>,
    #[serde(default)]
    pub git_commit: String,
    #[serde(default)]
    pub go_version: String,
    #[serde(default)]
    pub os: String,
    #[serde(default)]
    pub arch: String,
    #[serde(default)]
    pub kernel_version: Option<String>,
    #[serde(default)]
    pub experimental: Option<bool>,
    #[serde(default)]
    pub build_time: Option<String>,
    /// Every other field, as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `GET /info` (the common fields; the rest in `extra`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Info {
    #[serde(rename = "ID", default)]
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub server_version: String,
    #[serde(default)]
    pub containers: i64,
    #[serde(default)]
    pub containers_running: i64,
    #[serde(default)]
    pub containers_paused: i64,
    #[serde(default)]
    pub containers_stopped: i64,
    #[serde(default)]
    pub images: i64,
    #[serde(default)]
    pub driver: String,
    #[serde(default)]
    pub docker_root_dir: String,
    #[serde(default)]
    pub operating_system: String,
    #[serde(rename = "OSType", default)]
    pub os_type: String,
    #[serde(default)]
    pub architecture: String,
    #[serde(rename = "NCPU", default)]
    pub ncpu: i64,
    #[serde(default)]
    pub mem_total: i64,
    #[serde(default)]
    pub kernel_version: String,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `GET /system/df`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DiskUsage {
    #[serde(default)]
    pub layers_size: i64,
    #[serde(default, deserialize_with = "null_default")]
    pub images: Vec<Value>,
    #[serde(default, deserialize_with = "null_default")]
    pub containers: Vec<Value>,
    #[serde(default, deserialize_with = "null_default")]
    pub volumes: Vec<Value>,
    #[serde(default, deserialize_with = "null_default")]
    pub build_cache: Vec<Value>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The outcome of a login check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuthStatus {
    /// The registry accepted the credentials.
    pub accepted: bool,
    /// The daemon's status or refusal message.
    pub status: String,
    /// A token to use instead of the password from now on, if the registry gave one.
    pub identity_token: Option<String>,
}

/// One event from `/events`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// `container`, `image`, `network`, `volume`, …
    #[serde(rename = "Type", default)]
    pub kind: String,
    /// `create`, `start`, `die`, …
    #[serde(rename = "Action", default)]
    pub action: String,
    #[serde(rename = "Actor", default)]
    pub actor: Actor,
    #[serde(default)]
    pub scope: Option<String>,
    /// Unix seconds.
    #[serde(default)]
    pub time: i64,
    /// Unix nanoseconds.
    #[serde(rename = "timeNano", default)]
    pub time_nano: i64,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The object an [`Event`] is about.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    #[serde(rename = "ID", default)]
    pub id: String,
    #[serde(rename = "Attributes", default)]
    pub attributes: HashMap<String, String>,
}

/// Which events to receive.
#[derive(Debug, Clone, Default)]
pub struct EventsOptions {
    /// Start from this Unix time (or a duration such as `10m`); past events are replayed.
    pub since: Option<String>,
    /// End at this time; without it the stream goes on until dropped.
    pub until: Option<String>,
    pub filters: Filters,
}

/// Events as they happen.
pub type EventStream = JsonStream<Event>;

impl Docker {
    /// The daemon's version and build.
    pub async fn version(&self) -> Result<Version, Error> {
        self.invoke("SystemVersion", Value::Null).typed().await
    }

    /// System-wide information.
    pub async fn info(&self) -> Result<Info, Error> {
        self.invoke("SystemInfo", Value::Null).typed().await
    }

    /// Disk usage of images, containers, volumes and build cache.
    pub async fn df(&self) -> Result<DiskUsage, Error> {
        self.invoke("SystemDataUsage", Value::Null).typed().await
    }

    /// Checks credentials against a registry (as `docker login` does).
    pub async fn auth(&self, credentials: &Credentials) -> Result<AuthStatus, Error> {
        let answer = self
            .invoke("SystemAuth", json!({ "authConfig": credentials.to_json() }))
            .timeout(Duration::from_secs(120))
            .await;
        // The daemon reports a refused login as a 500 naming the registry's 401.
        match answer {
            Ok(out) => {
                let v = out.into_json()?;
                Ok(AuthStatus {
                    accepted: true,
                    status: v
                        .get("Status")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string(),
                    identity_token: v
                        .get("IdentityToken")
                        .and_then(Value::as_str)
                        .filter(|t| !t.is_empty())
                        .map(str::to_string),
                })
            }
            Err(Error::Unauthorized { message }) => Ok(AuthStatus {
                accepted: false,
                status: message,
                identity_token: None,
            }),
            Err(e) => Err(e),
        }
    }

    /// Logs in to a registry (as `docker login` does, checked by the daemon) and,
    /// when the registry accepts, remembers the credentials on this client (and
    /// its clones) for later pulls, pushes and builds, before any from the CLI's
    /// configuration. An identity token the registry hands out replaces the
    /// password. A refusal is `accepted: false`, not an error.
    pub async fn login(&self, credentials: Credentials) -> Result<AuthStatus, Error> {
        let status = self.auth(&credentials).await?;
        if status.accepted {
            let mut kept = credentials;
            if let Some(token) = &status.identity_token {
                kept.identity_token = Some(token.clone());
                kept.password = None;
            }
            self.inner.logins.remember(kept);
        }
        Ok(status)
    }

    /// Forgets the credentials a [`login`](Self::login) remembered for `registry`
    /// (any spelling: `localhost:5000`, `https://localhost:5000/v2/`; empty for
    /// Docker Hub); whether there were any.
    pub fn logout(&self, registry: &str) -> bool {
        self.inner.logins.forget(registry)
    }

    /// Events as they happen (and past ones from `since`).
    pub async fn events(&self, options: EventsOptions) -> Result<EventStream, Error> {
        let params = json!({
            "since": options.since,
            "until": options.until,
            "filters": options.filters.to_json(),
        });
        let stream = self
            .invoke("SystemEvents", params)
            .await?
            .into_json_stream()?;
        Ok(stream.typed())
    }

    /// Waits for the first event matching `filters` (e.g. to synchronise with a start).
    pub async fn next_event(&self, filters: Filters) -> Result<Event, Error> {
        let mut events = self
            .events(EventsOptions {
                filters,
                ..Default::default()
            })
            .await?;
        match events.next().await {
            Some(e) => e,
            None => Err(Error::closed(
                "the event stream ended before a matching event",
            )),
        }
    }
}
