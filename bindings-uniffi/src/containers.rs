//! Containers: create, start, stop, kill, wait, remove, inspect, list, run; logs
//! (a stream or a listener); files in and out; stats.

use std::collections::HashMap;
use std::sync::Arc;

use libdocker::{
    ContainerConfig, LogsOptions, RemoveOptions, RunOptions, StopOptions, WaitCondition,
};
use serde_json::json;

use crate::client::Docker;
use crate::error::{DockerError, Result};
use crate::streams::{listen, JsonStream, LogListener, LogStream};
use crate::task_handle::TaskHandle;

/// What a new container is: the image and the common settings. `extra_json`
/// is any further part of the Engine's create body, merged in (e.g.
/// `{"HostConfig": {"Memory": 67108864}}`).
#[derive(Debug, Clone, Default, uniffi::Record)]
pub struct ContainerSpec {
    pub image: String,
    /// The command (empty: the image's).
    #[uniffi(default = [])]
    pub cmd: Vec<String>,
    #[uniffi(default = None)]
    pub name: Option<String>,
    /// `KEY=value` entries.
    #[uniffi(default = [])]
    pub env: Vec<String>,
    #[uniffi(default)]
    pub labels: HashMap<String, String>,
    #[uniffi(default = None)]
    pub working_dir: Option<String>,
    #[uniffi(default = None)]
    pub user: Option<String>,
    #[uniffi(default = false)]
    pub tty: bool,
    /// Keep stdin open for `attach` (and close it for the process when the
    /// attached writer closes).
    #[uniffi(default = false)]
    pub open_stdin: bool,
    /// Bind mounts, `host:container[:ro]`.
    #[uniffi(default = [])]
    pub binds: Vec<String>,
    /// Published ports, as `docker run -p`: `8080:80`, `127.0.0.1::80/udp`.
    #[uniffi(default = [])]
    pub ports: Vec<String>,
    #[uniffi(default = None)]
    pub network: Option<String>,
    #[uniffi(default = false)]
    pub auto_remove: bool,
    #[uniffi(default = None)]
    pub extra_json: Option<String>,
}

/// A container as `list_containers` sees it.
#[derive(Debug, Clone, uniffi::Record)]
pub struct ContainerListing {
    pub id: String,
    /// Without the leading `/`.
    pub names: Vec<String>,
    pub image: String,
    /// `created`, `running`, `exited`, ...
    pub state: String,
    /// e.g. `Up 2 minutes`.
    pub status: String,
    pub labels: HashMap<String, String>,
}

/// A container as `inspect_container` sees it; `json` has all of it.
#[derive(Debug, Clone, uniffi::Record)]
pub struct ContainerDetails {
    pub id: String,
    pub name: String,
    pub image: String,
    pub status: String,
    pub running: bool,
    pub exit_code: i64,
    pub labels: HashMap<String, String>,
    pub json: String,
}

/// What a finished `run` printed and returned.
#[derive(Debug, Clone, uniffi::Record)]
pub struct RunOutput {
    pub container_id: String,
    pub exit_code: i64,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

/// Which output `logs` gives.
#[derive(Debug, Clone, uniffi::Record)]
pub struct LogOptions {
    #[uniffi(default = true)]
    pub stdout: bool,
    #[uniffi(default = true)]
    pub stderr: bool,
    /// Keep streaming until the container stops.
    #[uniffi(default = false)]
    pub follow: bool,
    /// Only the last lines.
    #[uniffi(default = None)]
    pub tail: Option<u64>,
    /// Unix seconds (or the daemon's text, e.g. `10m`).
    #[uniffi(default = None)]
    pub since: Option<String>,
    #[uniffi(default = None)]
    pub until: Option<String>,
    #[uniffi(default = false)]
    pub timestamps: bool,
}

impl From<LogOptions> for LogsOptions {
    fn from(o: LogOptions) -> Self {
        LogsOptions {
            follow: o.follow,
            stdout: o.stdout,
            stderr: o.stderr,
            since: o.since,
            until: o.until,
            timestamps: o.timestamps,
            tail: o.tail,
        }
    }
}

fn config_of(spec: &ContainerSpec) -> Result<ContainerConfig> {
    let mut c = ContainerConfig::new(spec.image.clone())
        .tty(spec.tty)
        .auto_remove(spec.auto_remove);
    if !spec.cmd.is_empty() {
        c = c.cmd(spec.cmd.iter().cloned());
    }
    for e in &spec.env {
        let (k, v) = e.split_once('=').unwrap_or((e.as_str(), ""));
        c = c.env(k, v);
    }
    for (k, v) in &spec.labels {
        c = c.label(k, v);
    }
    if let Some(d) = &spec.working_dir {
        c = c.working_dir(d);
    }
    if let Some(u) = &spec.user {
        c = c.user(u);
    }
    if spec.open_stdin {
        c = c.stdin(true, true);
    }
    for b in &spec.binds {
        c = c.bind(b);
    }
    for p in &spec.ports {
        c = publish(c, p)?;
    }
    if let Some(n) = &spec.network {
        c = c.network_mode(n);
    }
    if let Some(extra) = &spec.extra_json {
        let extra: serde_json::Value = serde_json::from_str(extra)
            .map_err(|e| DockerError::invalid(format!("extra_json is not JSON: {e}")))?;
        let mut body = c.to_json();
        merge(&mut body, extra);
        c = ContainerConfig::from_json(body)?;
    }
    Ok(c)
}

/// `[ip:]host:container[/proto]` or `[ip:]:container` (`docker run -p`).
fn publish(c: ContainerConfig, spec: &str) -> Result<ContainerConfig> {
    let bad = || {
        DockerError::invalid(format!(
            "ports: `{spec}` is not like 8080:80, 127.0.0.1:8080:80 or 127.0.0.1::80/udp"
        ))
    };
    let parts: Vec<&str> = spec.split(':').collect();
    let (ip, host, container) = match parts.as_slice() {
        [host, container] => ("", *host, *container),
        [ip, host, container] => (*ip, *host, *container),
        _ => return Err(bad()),
    };
    let host_port: u16 = if host.is_empty() {
        0
    } else {
        host.parse().map_err(|_| bad())?
    };
    let container = if container.contains('/') {
        container.to_string()
    } else {
        format!("{container}/tcp")
    };
    Ok(c.publish(&container, ip, host_port))
}

fn merge(into: &mut serde_json::Value, from: serde_json::Value) {
    match (into, from) {
        (serde_json::Value::Object(a), serde_json::Value::Object(b)) => {
            for (k, v) in b {
                merge(a.entry(k).or_insert(serde_json::Value::Null), v);
            }
        }
        (slot, v) => *slot = v,
    }
}

export_async! {
    impl Docker {
        /// Creates a container; its id.
        pub async fn create_container(&self, spec: ContainerSpec) -> Result<String> {
            let config = config_of(&spec)?;
            let d = self.core();
            self.call(async move { Ok(d.containers().create(&config, spec.name.as_deref()).await?.id) }).await
        }

        pub async fn start_container(&self, id: String) -> Result<()> {
            let d = self.core();
            self.call(async move { Ok(d.containers().start(&id).await?) }).await
        }

        /// Stops it: SIGTERM, then SIGKILL after `timeout_secs` (its own default if null).
        #[uniffi::method(default(timeout_secs = None))]
        pub async fn stop_container(&self, id: String, timeout_secs: Option<i64>) -> Result<()> {
            let d = self.core();
            let options = StopOptions { timeout: timeout_secs, signal: None };
            self.call(async move { Ok(d.containers().stop(&id, options).await?) }).await
        }

        #[uniffi::method(default(signal = None))]
        pub async fn kill_container(&self, id: String, signal: Option<String>) -> Result<()> {
            let d = self.core();
            self.call(async move { Ok(d.containers().kill(&id, signal.as_deref()).await?) }).await
        }

        /// Waits until it stops; its exit code.
        pub async fn wait_container(&self, id: String) -> Result<i64> {
            let d = self.core();
            self.call(async move { Ok(d.containers().wait(&id, WaitCondition::NotRunning).await?.status_code) }).await
        }

        #[uniffi::method(default(force = false, volumes = false))]
        pub async fn remove_container(&self, id: String, force: bool, volumes: bool) -> Result<()> {
            let d = self.core();
            self.call(async move { Ok(d.containers().remove(&id, RemoveOptions { force, volumes, ..Default::default() }).await?) }).await
        }

        pub async fn inspect_container(&self, id: String) -> Result<ContainerDetails> {
            let d = self.core();
            self.call(async move {
                let json = d.invoke("ContainerInspect", json!({ "id": id })).await?.into_json()?;
                let text = |p: &str| json.pointer(p).and_then(|v| v.as_str()).unwrap_or("").to_string();
                Ok(ContainerDetails {
                    id: text("/Id"),
                    name: text("/Name").trim_start_matches('/').to_string(),
                    image: text("/Config/Image"),
                    status: text("/State/Status"),
                    running: json.pointer("/State/Running").and_then(|v| v.as_bool()).unwrap_or(false),
                    exit_code: json.pointer("/State/ExitCode").and_then(|v| v.as_i64()).unwrap_or(0),
                    labels: serde_json::from_value(json.pointer("/Config/Labels").cloned().unwrap_or_default()).unwrap_or_default(),
                    json: json.to_string(),
                })
            })
            .await
        }

        /// Containers (running ones unless `all`); `filters_json` as the Engine
        /// takes them, e.g. `{"label": ["app=web"]}` (empty for none).
        #[uniffi::method(default(all = false, filters_json = ""))]
        pub async fn list_containers(&self, all: bool, filters_json: String) -> Result<Vec<ContainerListing>> {
            let filters = crate::client::params(&filters_json)?;
            let d = self.core();
            self.call(async move {
                let mut p = json!({ "all": all });
                if !filters.is_null() {
                    p["filters"] = filters;
                }
                let listed: Vec<libdocker::ContainerSummary> = d.invoke("ContainerList", p).typed().await?;
                Ok(listed
                    .into_iter()
                    .map(|c| ContainerListing {
                        id: c.id,
                        names: c.names.iter().map(|n| n.trim_start_matches('/').to_string()).collect(),
                        image: c.image,
                        state: c.state,
                        status: c.status,
                        labels: c.labels,
                    })
                    .collect())
            })
            .await
        }

        /// `docker run`: creates, starts and waits for a container, gives its
        /// output and removes it. A non-zero exit is `ContainerFailed` unless
        /// `allow_failure`.
        #[uniffi::method(default(allow_failure = false))]
        pub async fn run(&self, spec: ContainerSpec, allow_failure: bool) -> Result<RunOutput> {
            let config = config_of(&spec)?;
            let d = self.core();
            self.call(async move {
                let options = RunOptions { config: Some(config), name: spec.name.clone(), keep: false };
                let cmd: Vec<String> = spec.cmd.clone();
                let out = if allow_failure {
                    d.run_unchecked(&spec.image, cmd, options).await?
                } else {
                    d.run(&spec.image, cmd, options).await?
                };
                Ok(RunOutput { container_id: out.container_id, exit_code: out.exit_code, stdout: out.stdout, stderr: out.stderr })
            })
            .await
        }

        /// Its output as a stream of chunks, stdout and stderr apart.
        pub async fn logs(&self, id: String, options: LogOptions) -> Result<Arc<LogStream>> {
            let d = self.core();
            self.call(async move { Ok(LogStream::new(d.containers().logs(&id, options.into()).await?)) }).await
        }

        /// A stream of its resource use (one JSON sample a second).
        pub async fn stats(&self, id: String) -> Result<Arc<JsonStream>> {
            let d = self.core();
            self.call(async move {
                let samples = d.containers().stats_stream(&id).await?;
                Ok(JsonStream::new(futures_util::StreamExt::map(samples, |s| s.map(|v| v.to_string()))))
            })
            .await
        }

        /// Copies a local file or directory into the container's directory `dest_dir`.
        pub async fn copy_to(&self, id: String, local_path: String, dest_dir: String) -> Result<()> {
            let d = self.core();
            self.call(async move { Ok(d.containers().copy_to(&id, &local_path, &dest_dir).await?) }).await
        }

        /// Copies `path` from the container into the local directory `local_dir`.
        pub async fn copy_from(&self, id: String, path: String, local_dir: String) -> Result<()> {
            let d = self.core();
            self.call(async move { Ok(d.containers().copy_from(&id, &path, &local_dir).await?) }).await
        }
    }
}

#[uniffi::export]
impl Docker {
    /// Its output, heard by `listener` (return true from `on_chunk` to stop);
    /// the handle stops it too.
    pub fn logs_to(
        &self,
        id: String,
        options: LogOptions,
        listener: Arc<dyn LogListener>,
    ) -> Arc<TaskHandle> {
        let d = self.core();
        let end = listener.clone();
        listen(
            async move { d.containers().logs(&id, options.into()).await },
            move |chunk| listener.on_chunk(chunk),
            move |error| end.on_end(error),
        )
    }
}
