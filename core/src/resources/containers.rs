//! Containers: all 25 operations of the Container category as typed methods over
//! `invoke`.
//!
//! ```no_run
//! # async fn demo(docker: libdocker::Docker) -> Result<(), libdocker::Error> {
//! use libdocker::resources::container_config::ContainerConfig;
//! let containers = docker.containers();
//! let c = containers.create(&ContainerConfig::new("busybox").cmd(["echo", "hi"]), None).await?;
//! containers.start(&c.id).await?;
//! let exit = containers.wait(&c.id, Default::default()).await?;
//! containers.remove(&c.id, Default::default()).await?;
//! # Ok(()) }
//! ```

use std::time::Duration;

use serde_json::{json, Value};

use super::container_config::ContainerConfig;
use super::container_models::{Change, ContainerInspect, Created, PruneReport, Top, WaitResult};
use super::container_summary::ContainerSummary;
use super::warnings::warnings;
use crate::client::Docker;
use crate::error::Error;
use crate::filters::Filters;
use crate::stream::{Attached, ByteStream, JsonStream, LogStream};

/// The containers of one daemon.
#[derive(Debug, Clone)]
pub struct Containers {
    docker: Docker,
}

impl Docker {
    /// Container operations.
    pub fn containers(&self) -> Containers {
        Containers {
            docker: self.clone(),
        }
    }
}

/// Which containers `list` returns.
#[derive(Debug, Clone, Default)]
pub struct ListOptions {
    /// Stopped ones too.
    pub all: bool,
    /// The most recently created `limit` only.
    pub limit: Option<i64>,
    /// Report sizes (slow).
    pub size: bool,
    pub filters: Filters,
}

/// What `logs` returns.
#[derive(Debug, Clone)]
pub struct LogsOptions {
    /// Keep streaming until the container stops.
    pub follow: bool,
    pub stdout: bool,
    pub stderr: bool,
    /// Only since this Unix time (seconds, may be fractional) or duration (`10m`).
    pub since: Option<String>,
    /// Only until this time.
    pub until: Option<String>,
    /// Prefix each line with an RFC 3339 timestamp.
    pub timestamps: bool,
    /// Only the last `n` lines.
    pub tail: Option<u64>,
}

impl Default for LogsOptions {
    fn default() -> Self {
        LogsOptions {
            follow: false,
            stdout: true,
            stderr: true,
            since: None,
            until: None,
            timestamps: false,
            tail: None,
        }
    }
}

/// How `stop` and `restart` end the process.
#[derive(Debug, Clone, Default)]
pub struct StopOptions {
    /// Seconds to wait before killing (the container's own default when `None`).
    pub timeout: Option<i64>,
    /// Signal to send first (API 1.42+; the container's `StopSignal` otherwise).
    pub signal: Option<String>,
}

/// How `remove` removes.
#[derive(Debug, Clone, Default)]
pub struct RemoveOptions {
    /// Kill it first if it runs.
    pub force: bool,
    /// Remove its anonymous volumes.
    pub volumes: bool,
    /// Remove a legacy link instead of the container.
    pub link: bool,
}

/// What `wait` waits for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum WaitCondition {
    /// Until it is not running (returns at once if it is not).
    #[default]
    NotRunning,
    /// Until it next exits.
    NextExit,
    /// Until it is removed.
    Removed,
}

impl WaitCondition {
    pub fn as_str(self) -> &'static str {
        match self {
            WaitCondition::NotRunning => "not-running",
            WaitCondition::NextExit => "next-exit",
            WaitCondition::Removed => "removed",
        }
    }
}

/// What `attach` connects to.
#[derive(Debug, Clone)]
pub struct AttachOptions {
    pub stdin: bool,
    pub stdout: bool,
    pub stderr: bool,
    /// Replay the output so far first.
    pub logs: bool,
    /// Stream from now on.
    pub stream: bool,
    /// Keys that detach, e.g. `ctrl-p,ctrl-q`.
    pub detach_keys: Option<String>,
}

impl Default for AttachOptions {
    fn default() -> Self {
        AttachOptions {
            stdin: false,
            stdout: true,
            stderr: true,
            logs: false,
            stream: true,
            detach_keys: None,
        }
    }
}

impl Containers {
    /// The client these methods use.
    pub fn docker(&self) -> &Docker {
        &self.docker
    }

    async fn json(&self, op: &str, params: Value) -> Result<Value, Error> {
        self.docker.invoke(op, params).await?.into_json()
    }

    async fn call(&self, op: &str, params: Value) -> Result<(), Error> {
        self.docker.invoke(op, params).await.map(drop)
    }

    /// Lists containers.
    pub async fn list(&self, options: ListOptions) -> Result<Vec<ContainerSummary>, Error> {
        let params = json!({
            "all": options.all,
            "limit": options.limit,
            "size": options.size,
            "filters": options.filters.to_json(),
        });
        self.docker.invoke("ContainerList", params).typed().await
    }

    /// Creates a container (not started), named `name` or by the daemon.
    pub async fn create(
        &self,
        config: &ContainerConfig,
        name: Option<&str>,
    ) -> Result<Created, Error> {
        let params = json!({ "name": name, "body": config.to_json() });
        self.docker.invoke("ContainerCreate", params).typed().await
    }

    /// Inspects a container (`size` reports its sizes, slowly).
    pub async fn inspect(&self, id: &str, size: bool) -> Result<ContainerInspect, Error> {
        let params = json!({ "id": id, "size": size });
        self.docker.invoke("ContainerInspect", params).typed().await
    }

    /// Processes running in it (`ps_args` as for `ps`, default `-ef`).
    pub async fn top(&self, id: &str, ps_args: Option<&str>) -> Result<Top, Error> {
        let params = json!({ "id": id, "ps_args": ps_args });
        self.docker.invoke("ContainerTop", params).typed().await
    }

    /// Its output, demultiplexed (or one stream for a TTY container).
    pub async fn logs(&self, id: &str, options: LogsOptions) -> Result<LogStream, Error> {
        let params = json!({
            "id": id,
            "follow": options.follow,
            "stdout": options.stdout,
            "stderr": options.stderr,
            "since": options.since,
            "until": options.until,
            "timestamps": options.timestamps,
            "tail": options.tail.map(|t| t.to_string()),
        });
        self.docker
            .invoke("ContainerLogs", params)
            .await?
            .into_logs()
    }

    /// Files changed in its filesystem.
    pub async fn changes(&self, id: &str) -> Result<Vec<Change>, Error> {
        let v = self.json("ContainerChanges", json!({ "id": id })).await?;
        if v.is_null() {
            return Ok(Vec::new());
        }
        serde_json::from_value(v).map_err(|e| Error::decode("the changes", e))
    }

    /// Its filesystem as a tar stream.
    pub async fn export(&self, id: &str) -> Result<ByteStream, Error> {
        self.docker
            .invoke("ContainerExport", json!({ "id": id }))
            .await?
            .into_bytes()
    }

    /// One resource-usage sample (takes about a second: the daemon measures CPU).
    pub async fn stats(&self, id: &str) -> Result<Value, Error> {
        self.json("ContainerStats", json!({ "id": id, "stream": false }))
            .await
    }

    /// Resource usage every second, until dropped or the container stops.
    pub async fn stats_stream(&self, id: &str) -> Result<JsonStream, Error> {
        self.docker
            .invoke("ContainerStats", json!({ "id": id, "stream": true }))
            .await?
            .into_json_stream()
    }

    /// Resizes its TTY.
    pub async fn resize(&self, id: &str, height: u32, width: u32) -> Result<(), Error> {
        self.call(
            "ContainerResize",
            json!({ "id": id, "h": height, "w": width }),
        )
        .await
    }

    /// Starts it; starting a running container is not an error.
    pub async fn start(&self, id: &str) -> Result<(), Error> {
        already_ok(self.call("ContainerStart", json!({ "id": id })).await)
    }

    /// Stops it; stopping a stopped container is not an error.
    pub async fn stop(&self, id: &str, options: StopOptions) -> Result<(), Error> {
        let params = json!({ "id": id, "t": options.timeout, "signal": options.signal });
        already_ok(self.call("ContainerStop", params).await)
    }

    /// Restarts it.
    pub async fn restart(&self, id: &str, options: StopOptions) -> Result<(), Error> {
        let params = json!({ "id": id, "t": options.timeout, "signal": options.signal });
        self.call("ContainerRestart", params).await
    }

    /// Sends a signal (`SIGKILL` when `None`).
    pub async fn kill(&self, id: &str, signal: Option<&str>) -> Result<(), Error> {
        self.call("ContainerKill", json!({ "id": id, "signal": signal }))
            .await
    }

    /// Changes its resources (e.g. `{"Memory": 67108864, "MemorySwap": -1}`); returns the daemon's warnings.
    pub async fn update(&self, id: &str, resources: Value) -> Result<Vec<String>, Error> {
        let v = self
            .json("ContainerUpdate", json!({ "id": id, "update": resources }))
            .await?;
        Ok(warnings(&v))
    }

    pub async fn rename(&self, id: &str, new_name: &str) -> Result<(), Error> {
        self.call("ContainerRename", json!({ "id": id, "name": new_name }))
            .await
    }

    pub async fn pause(&self, id: &str) -> Result<(), Error> {
        self.call("ContainerPause", json!({ "id": id })).await
    }

    pub async fn unpause(&self, id: &str) -> Result<(), Error> {
        self.call("ContainerUnpause", json!({ "id": id })).await
    }

    /// Attaches to its stdin/stdout/stderr over a hijacked connection.
    pub async fn attach(&self, id: &str, options: AttachOptions) -> Result<Attached, Error> {
        let params = json!({
            "id": id,
            "stdin": options.stdin,
            "stdout": options.stdout,
            "stderr": options.stderr,
            "logs": options.logs,
            "stream": options.stream,
            "detachKeys": options.detach_keys,
        });
        self.docker
            .invoke("ContainerAttach", params)
            .await?
            .into_attached()
    }

    /// Attaches over a WebSocket (`/attach/ws`): output arrives unframed (stdout and
    /// stderr together), stdin is sent as binary messages.
    pub async fn attach_websocket(
        &self,
        id: &str,
        options: AttachOptions,
    ) -> Result<Attached, Error> {
        let version = self.docker.api_version().await?;
        // Before 1.42 the daemon ignores the stream choice and attaches all three.
        let pick = version >= crate::version::ApiVersion::v1(42);
        let params = json!({
            "id": id,
            "stdin": pick.then_some(options.stdin),
            "stdout": pick.then_some(options.stdout),
            "stderr": pick.then_some(options.stderr),
            "logs": options.logs,
            "stream": options.stream,
            "detachKeys": options.detach_keys,
        });
        self.docker
            .invoke("ContainerAttachWebsocket", params)
            .await?
            .into_attached()
    }

    /// Waits for the condition and returns the exit code.
    pub async fn wait(&self, id: &str, condition: WaitCondition) -> Result<WaitResult, Error> {
        let v = self
            .json(
                "ContainerWait",
                json!({ "id": id, "condition": condition.as_str() }),
            )
            .await?;
        Ok(WaitResult {
            status_code: v.get("StatusCode").and_then(Value::as_i64).unwrap_or(-1),
            error: v
                .pointer("/Error/Message")
                .and_then(Value::as_str)
                .filter(|m| !m.is_empty())
                .map(str::to_string),
        })
    }

    /// Waits at most `limit`.
    pub async fn wait_timeout(
        &self,
        id: &str,
        condition: WaitCondition,
        limit: Duration,
    ) -> Result<WaitResult, Error> {
        tokio::time::timeout(limit, self.wait(id, condition))
            .await
            .map_err(|_| Error::Timeout {
                during: format!("waiting for container {id} ({})", condition.as_str()),
                after: limit,
            })?
    }

    /// Removes it.
    pub async fn remove(&self, id: &str, options: RemoveOptions) -> Result<(), Error> {
        let params =
            json!({ "id": id, "force": options.force, "v": options.volumes, "link": options.link });
        self.call("ContainerDelete", params).await
    }

    /// Removes stopped containers matching `filters`.
    pub async fn prune(&self, filters: Filters) -> Result<PruneReport, Error> {
        let v = self
            .json("ContainerPrune", json!({ "filters": filters.to_json() }))
            .await?;
        Ok(PruneReport::from_json(&v, "ContainersDeleted"))
    }
}

/// 304 "already started/stopped" is success for start and stop, as in the CLI.
fn already_ok(result: Result<(), Error>) -> Result<(), Error> {
    match result {
        Err(Error::NotModified { .. }) => Ok(()),
        other => other,
    }
}
