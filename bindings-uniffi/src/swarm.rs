//! The swarm: services (create, inspect, list, update taking the version index,
//! scale, rollback, remove, logs, waiting for convergence), tasks, nodes
//! (availability, labels, remove), secrets and configs, and the swarm itself.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use crate::client::{params, Docker};
use crate::containers::LogOptions;
use crate::error::{DockerError, Result};
use crate::streams::LogStream;

/// What `create_service` makes: the common fields of a service's spec.
#[derive(Debug, Clone, uniffi::Record)]
pub struct ServiceSpec {
    pub name: String,
    /// Used as named (not resolved to a digest).
    pub image: String,
    #[uniffi(default = [])]
    pub command: Vec<String>,
    #[uniffi(default = [])]
    pub env: Vec<String>,
    #[uniffi(default)]
    pub labels: HashMap<String, String>,
    /// Replicated with this many tasks; null with `global`: one per node.
    #[uniffi(default = None)]
    pub replicas: Option<u64>,
    #[uniffi(default = false)]
    pub global: bool,
    /// `node.role==worker`, `node.labels.zone==a`, …
    #[uniffi(default = [])]
    pub constraints: Vec<String>,
    #[uniffi(default = [])]
    pub networks: Vec<String>,
    /// Secrets mounted under `/run/secrets/`.
    #[uniffi(default = [])]
    pub secrets: Vec<FileMount>,
    /// Configs mounted at their target path.
    #[uniffi(default = [])]
    pub configs: Vec<FileMount>,
    /// Seconds a task gets to stop before it is killed (null: the daemon's 10).
    #[uniffi(default = None)]
    pub stop_grace_seconds: Option<u64>,
}

/// A secret or config mounted as a file in the tasks.
#[derive(Debug, Clone, uniffi::Record)]
pub struct FileMount {
    pub id: String,
    pub name: String,
    pub target: String,
}

impl From<ServiceSpec> for libdocker::ServiceSpec {
    fn from(s: ServiceSpec) -> Self {
        let mount = |m: FileMount| libdocker::FileRef::new(&m.id, &m.name, &m.target);
        libdocker::ServiceSpec {
            name: s.name,
            image: s.image,
            command: s.command,
            env: s.env,
            labels: s.labels.into_iter().collect::<BTreeMap<_, _>>(),
            replicas: s.replicas,
            global: s.global,
            constraints: s.constraints,
            networks: s.networks,
            secrets: s.secrets.into_iter().map(mount).collect(),
            configs: s.configs.into_iter().map(mount).collect(),
            stop_grace_period: s.stop_grace_seconds.map(Duration::from_secs),
            ..Default::default()
        }
    }
}

/// A service, node, secret or config: id, name, version index, labels, and
/// the daemon's whole answer as JSON.
#[derive(Debug, Clone, uniffi::Record)]
pub struct SwarmObject {
    pub id: String,
    pub name: String,
    /// The version an update names.
    pub version: u64,
    pub labels: HashMap<String, String>,
    /// `Spec` as JSON text (edit it and give it to `update_service`).
    pub spec_json: String,
    /// The whole answer as JSON text.
    pub json: String,
}

impl From<libdocker::SwarmObject> for SwarmObject {
    fn from(o: libdocker::SwarmObject) -> Self {
        SwarmObject {
            name: o.name().to_string(),
            version: o.version(),
            labels: o.labels(),
            spec_json: o.spec.to_string(),
            json: serde_json::to_string(&o).unwrap_or_default(),
            id: o.id,
        }
    }
}

/// A task: one run of a service's container on a node.
#[derive(Debug, Clone, uniffi::Record)]
pub struct TaskInfo {
    pub id: String,
    pub service_id: String,
    pub node_id: String,
    pub slot: Option<u64>,
    /// `pending`, `preparing`, `running`, `failed`, `shutdown`, …
    pub state: String,
    pub desired_state: String,
    pub container_id: Option<String>,
    pub error: Option<String>,
}

impl From<libdocker::Task> for TaskInfo {
    fn from(t: libdocker::Task) -> Self {
        TaskInfo {
            container_id: t.container_id().map(str::to_string),
            id: t.id,
            service_id: t.service_id,
            node_id: t.node_id,
            slot: t.slot,
            state: t.status.state,
            desired_state: t.desired_state,
            error: t.status.err.filter(|e| !e.is_empty()),
        }
    }
}

/// A node of the swarm.
#[derive(Debug, Clone, uniffi::Record)]
pub struct NodeInfo {
    pub id: String,
    pub hostname: String,
    /// `manager` or `worker`.
    pub role: String,
    /// `active`, `pause` or `drain`.
    pub availability: String,
    /// `ready`, `down`, …
    pub state: String,
    pub version: u64,
    pub labels: HashMap<String, String>,
}

impl From<libdocker::Node> for NodeInfo {
    fn from(n: libdocker::Node) -> Self {
        let text = |v: Option<&Value>| v.and_then(Value::as_str).unwrap_or_default().to_string();
        NodeInfo {
            hostname: text(n.get("/Description/Hostname")),
            role: text(n.spec.get("Role")),
            availability: text(n.spec.get("Availability")),
            state: text(n.get("/Status/State")),
            version: n.version(),
            labels: n.labels(),
            id: n.id,
        }
    }
}

/// Where a service is on its way to the state it wants.
#[derive(Debug, Clone, uniffi::Record)]
pub struct Convergence {
    pub desired: u64,
    pub running: u64,
    /// `updating`, `completed`, `rollback_completed`, … (null: never updated).
    pub update_state: Option<String>,
    pub converged: bool,
    /// The tasks meant to run.
    pub tasks: Vec<TaskProgress>,
}

/// One task on the way.
#[derive(Debug, Clone, uniffi::Record)]
pub struct TaskProgress {
    pub id: String,
    pub node_id: String,
    pub state: String,
    /// Made from the service's current spec.
    pub current: bool,
    pub error: Option<String>,
}

impl From<libdocker::Convergence> for Convergence {
    fn from(c: libdocker::Convergence) -> Self {
        Convergence {
            desired: c.desired,
            running: c.running,
            update_state: c.update_state,
            converged: c.converged,
            tasks: c
                .tasks
                .into_iter()
                .map(|t| TaskProgress {
                    id: t.id,
                    node_id: t.node_id,
                    state: t.state,
                    current: t.current,
                    error: t.error,
                })
                .collect(),
        }
    }
}

/// Hears each change of a service's progress.
#[uniffi::export(with_foreign)]
pub trait ConvergenceListener: Send + Sync {
    fn on_progress(&self, progress: Convergence);
}

/// The swarm as a manager sees it.
#[derive(Debug, Clone, uniffi::Record)]
pub struct SwarmSummary {
    pub id: String,
    pub version: u64,
    pub worker_token: String,
    pub manager_token: String,
}

fn filters(filters_json: &str) -> Result<libdocker::Filters> {
    let v = params(filters_json)?;
    if v.is_null() {
        return Ok(libdocker::Filters::new());
    }
    Ok(libdocker::Filters::from_json(&v)?)
}

fn spec_of(spec_json: &str) -> Result<Value> {
    serde_json::from_str(spec_json)
        .map_err(|e| DockerError::invalid(format!("spec_json is not JSON: {e}")))
}

export_async! {
    impl Docker {
        /// Creates a service (ask a manager); its id.
        pub async fn create_service(&self, spec: ServiceSpec) -> Result<String> {
            let d = self.core();
            let spec = libdocker::ServiceSpec::from(spec);
            self.call(async move { Ok(d.services().create(&spec).await?) }).await
        }

        pub async fn inspect_service(&self, id: String) -> Result<SwarmObject> {
            let d = self.core();
            self.call(async move { Ok(d.services().inspect(&id).await?.into()) }).await
        }

        /// Services; `filters_json` as the Engine takes them (empty for none).
        #[uniffi::method(default(filters_json = ""))]
        pub async fn list_services(&self, filters_json: String) -> Result<Vec<SwarmObject>> {
            let f = filters(&filters_json)?;
            let d = self.core();
            self.call(async move { Ok(d.services().list(f).await?.into_iter().map(Into::into).collect()) }).await
        }

        /// Replaces the service's spec (`spec_json`, e.g. an edited `SwarmObject.spec_json`);
        /// `version` is the one it was read at: an older one is `OutOfSequence`, naming both.
        pub async fn update_service(&self, id: String, version: u64, spec_json: String) -> Result<()> {
            let spec = spec_of(&spec_json)?;
            let d = self.core();
            self.call(async move { d.services().update(&id, version, spec).await.map(drop).map_err(Into::into) }).await
        }

        pub async fn scale_service(&self, id: String, replicas: u64) -> Result<()> {
            let d = self.core();
            self.call(async move { Ok(d.services().scale(&id, replicas).await?) }).await
        }

        /// Back to the spec before its last update.
        pub async fn rollback_service(&self, id: String) -> Result<()> {
            let d = self.core();
            self.call(async move { Ok(d.services().rollback(&id).await?) }).await
        }

        pub async fn remove_service(&self, id: String) -> Result<()> {
            let d = self.core();
            self.call(async move { Ok(d.services().remove(&id).await?) }).await
        }

        /// The output of all its tasks, on every node, stdout and stderr apart.
        pub async fn service_logs(&self, id: String, options: LogOptions) -> Result<Arc<LogStream>> {
            let d = self.core();
            self.call(async move { Ok(LogStream::new(d.services().logs(&id, options.into()).await?)) }).await
        }

        /// Waits until its tasks run as its spec wants (and an update has ended):
        /// `Timeout` after `timeout_ms`; `listener` (if any) hears each change.
        #[uniffi::method(default(timeout_ms = 120000, listener = None))]
        pub async fn wait_service_converged(
            &self,
            id: String,
            timeout_ms: u64,
            listener: Option<Arc<dyn ConvergenceListener>>,
        ) -> Result<Convergence> {
            let d = self.core();
            self.call(async move {
                let options = libdocker::ConvergeOptions { timeout: Duration::from_millis(timeout_ms), ..Default::default() };
                let done = d
                    .services()
                    .wait_converged(&id, options, |p| {
                        if let Some(l) = &listener {
                            l.on_progress(p.clone().into());
                        }
                    })
                    .await?;
                Ok(done.into())
            })
            .await
        }

        /// Tasks; `filters_json` as the Engine takes them (`{"service": ["web"]}`).
        #[uniffi::method(default(filters_json = ""))]
        pub async fn list_tasks(&self, filters_json: String) -> Result<Vec<TaskInfo>> {
            let f = filters(&filters_json)?;
            let d = self.core();
            self.call(async move { Ok(d.tasks().list(f).await?.into_iter().map(Into::into).collect()) }).await
        }

        #[uniffi::method(default(filters_json = ""))]
        pub async fn list_nodes(&self, filters_json: String) -> Result<Vec<NodeInfo>> {
            let f = filters(&filters_json)?;
            let d = self.core();
            self.call(async move { Ok(d.nodes().list(f).await?.into_iter().map(Into::into).collect()) }).await
        }

        pub async fn inspect_node(&self, id: String) -> Result<NodeInfo> {
            let d = self.core();
            self.call(async move { Ok(d.nodes().inspect(&id).await?.into()) }).await
        }

        /// `active`, `pause` or `drain` (its tasks move to other nodes).
        pub async fn set_node_availability(&self, id: String, availability: String) -> Result<()> {
            let a = libdocker::Availability::parse(&availability)?;
            let d = self.core();
            self.call(async move { Ok(d.nodes().set_availability(&id, a).await?) }).await
        }

        /// Replaces the node's labels.
        pub async fn set_node_labels(&self, id: String, labels: HashMap<String, String>) -> Result<()> {
            let labels: BTreeMap<String, String> = labels.into_iter().collect();
            let d = self.core();
            self.call(async move { Ok(d.nodes().set_labels(&id, &labels).await?) }).await
        }

        #[uniffi::method(default(force = false))]
        pub async fn remove_node(&self, id: String, force: bool) -> Result<()> {
            let d = self.core();
            self.call(async move { Ok(d.nodes().remove(&id, force).await?) }).await
        }

        /// Stores a secret; its id.
        #[uniffi::method(default(labels))]
        pub async fn create_secret(&self, name: String, data: Vec<u8>, labels: HashMap<String, String>) -> Result<String> {
            let labels: BTreeMap<String, String> = labels.into_iter().collect();
            let d = self.core();
            self.call(async move { Ok(d.secrets().create(&name, &data, &labels).await?) }).await
        }

        pub async fn inspect_secret(&self, id: String) -> Result<SwarmObject> {
            let d = self.core();
            self.call(async move { Ok(d.secrets().inspect(&id).await?.into()) }).await
        }

        pub async fn remove_secret(&self, id: String) -> Result<()> {
            let d = self.core();
            self.call(async move { Ok(d.secrets().remove(&id).await?) }).await
        }

        /// Stores a config; its id.
        #[uniffi::method(default(labels))]
        pub async fn create_config(&self, name: String, data: Vec<u8>, labels: HashMap<String, String>) -> Result<String> {
            let labels: BTreeMap<String, String> = labels.into_iter().collect();
            let d = self.core();
            self.call(async move { Ok(d.configs().create(&name, &data, &labels).await?) }).await
        }

        pub async fn inspect_config(&self, id: String) -> Result<SwarmObject> {
            let d = self.core();
            self.call(async move { Ok(d.configs().inspect(&id).await?.into()) }).await
        }

        pub async fn remove_config(&self, id: String) -> Result<()> {
            let d = self.core();
            self.call(async move { Ok(d.configs().remove(&id).await?) }).await
        }

        /// The swarm this daemon manages, with its join tokens.
        pub async fn inspect_swarm(&self) -> Result<SwarmSummary> {
            let d = self.core();
            self.call(async move {
                let s = d.swarm().inspect().await?;
                Ok(SwarmSummary { id: s.id, version: s.version.index, worker_token: s.join_tokens.worker, manager_token: s.join_tokens.manager })
            })
            .await
        }

        /// Makes this daemon the first manager of a new swarm; its node id.
        #[uniffi::method(default(listen_addr = None))]
        pub async fn init_swarm(&self, advertise_addr: String, listen_addr: Option<String>) -> Result<String> {
            let d = self.core();
            self.call(async move {
                let init = libdocker::SwarmInit { listen_addr, ..libdocker::SwarmInit::advertise(&advertise_addr) };
                Ok(d.swarm().init(&init).await?)
            })
            .await
        }

        /// Joins the swarm of `manager_addr` (`ip:port`) as `token` says.
        #[uniffi::method(default(advertise_addr = None))]
        pub async fn join_swarm(&self, manager_addr: String, token: String, advertise_addr: Option<String>) -> Result<()> {
            let d = self.core();
            self.call(async move {
                let join = libdocker::SwarmJoin { advertise_addr, ..libdocker::SwarmJoin::new(&manager_addr, &token) };
                Ok(d.swarm().join(&join).await?)
            })
            .await
        }

        #[uniffi::method(default(force = false))]
        pub async fn leave_swarm(&self, force: bool) -> Result<()> {
            let d = self.core();
            self.call(async move { Ok(d.swarm().leave(force).await?) }).await
        }
    }
}
