//! What a service is created with: [`ServiceSpec`], the common fields of the
//! daemon's `ServiceSpec` as a builder; `to_json` gives the body, which may be
//! edited further for anything not covered here.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::{json, Value};

/// A service's spec: image, command, replicas (or global), networks, secrets,
/// configs, placement, update and restart policies.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServiceSpec {
    pub name: String,
    /// Used as given: the image is not resolved to a digest here (no registry
    /// needed); pin a digest in the name to run exactly one image everywhere.
    pub image: String,
    /// Replaces the image's entrypoint.
    pub command: Vec<String>,
    /// Arguments to the command.
    pub args: Vec<String>,
    /// `KEY=value`.
    pub env: Vec<String>,
    pub labels: BTreeMap<String, String>,
    /// Labels of the containers the tasks run.
    pub container_labels: BTreeMap<String, String>,
    /// Replicated with this many tasks (1 when neither this nor `global`).
    pub replicas: Option<u64>,
    /// One task on every node.
    pub global: bool,
    pub tty: bool,
    /// Networks (names or ids) the tasks join.
    pub networks: Vec<String>,
    /// `node.role==worker`, `node.labels.zone==a`, …
    pub constraints: Vec<String>,
    pub secrets: Vec<FileRef>,
    pub configs: Vec<FileRef>,
    /// `vip` (the default) or `dnsrr`.
    pub endpoint_mode: Option<String>,
    /// `none`, `on-failure` or `any` (the default).
    pub restart_condition: Option<String>,
    /// How an update rolls over the tasks.
    pub update: Option<UpdatePolicy>,
    /// Seconds the container gets to stop before it is killed.
    pub stop_grace_period: Option<Duration>,
}

/// A secret or config mounted as a file in the tasks' containers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileRef {
    /// The secret's or config's id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// The file: a name under `/run/secrets/` for a secret, an absolute path
    /// (or a name under `/`) for a config.
    pub target: String,
    /// File mode (0o444 when `None`).
    pub mode: Option<u32>,
}

impl FileRef {
    pub fn new(id: &str, name: &str, target: &str) -> Self {
        FileRef {
            id: id.to_string(),
            name: name.to_string(),
            target: target.to_string(),
            mode: None,
        }
    }

    fn to_json(&self, kind: &str) -> Value {
        json!({
            "File": {"Name": self.target, "UID": "0", "GID": "0", "Mode": self.mode.unwrap_or(0o444)},
            format!("{kind}ID"): self.id,
            format!("{kind}Name"): self.name,
        })
    }
}

/// How an update replaces the tasks.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UpdatePolicy {
    /// Tasks updated at once (0: all).
    pub parallelism: u64,
    /// Pause between batches.
    pub delay: Duration,
    /// `pause` (the default), `continue` or `rollback`.
    pub failure_action: Option<String>,
    /// `stop-first` (the default) or `start-first`.
    pub order: Option<String>,
    /// How long each task is watched for failure after it starts.
    pub monitor: Option<Duration>,
}

impl ServiceSpec {
    pub fn new(name: &str, image: &str) -> Self {
        ServiceSpec {
            name: name.to_string(),
            image: image.to_string(),
            ..Default::default()
        }
    }

    /// The command, e.g. `["sh", "-c", "echo hi; sleep 600"]`.
    pub fn command<S: AsRef<str>>(mut self, command: &[S]) -> Self {
        self.command = command.iter().map(|s| s.as_ref().to_string()).collect();
        self
    }

    pub fn env(mut self, entry: &str) -> Self {
        self.env.push(entry.to_string());
        self
    }

    pub fn label(mut self, key: &str, value: &str) -> Self {
        self.labels.insert(key.to_string(), value.to_string());
        self
    }

    pub fn replicas(mut self, n: u64) -> Self {
        self.replicas = Some(n);
        self.global = false;
        self
    }

    pub fn global(mut self) -> Self {
        self.global = true;
        self.replicas = None;
        self
    }

    pub fn network(mut self, network: &str) -> Self {
        self.networks.push(network.to_string());
        self
    }

    pub fn constraint(mut self, constraint: &str) -> Self {
        self.constraints.push(constraint.to_string());
        self
    }

    pub fn secret(mut self, secret: FileRef) -> Self {
        self.secrets.push(secret);
        self
    }

    pub fn config(mut self, config: FileRef) -> Self {
        self.configs.push(config);
        self
    }

    pub fn endpoint_mode(mut self, mode: &str) -> Self {
        self.endpoint_mode = Some(mode.to_string());
        self
    }

    pub fn restart_condition(mut self, condition: &str) -> Self {
        self.restart_condition = Some(condition.to_string());
        self
    }

    pub fn update_policy(mut self, policy: UpdatePolicy) -> Self {
        self.update = Some(policy);
        self
    }

    /// The body `ServiceCreate` and `ServiceUpdate` take.
    pub fn to_json(&self) -> Value {
        let mut container = json!({ "Image": self.image, "TTY": self.tty });
        if !self.command.is_empty() {
            container["Command"] = json!(self.command);
        }
        if !self.args.is_empty() {
            container["Args"] = json!(self.args);
        }
        if !self.env.is_empty() {
            container["Env"] = json!(self.env);
        }
        if !self.container_labels.is_empty() {
            container["Labels"] = json!(self.container_labels);
        }
        if !self.secrets.is_empty() {
            container["Secrets"] = self.secrets.iter().map(|s| s.to_json("Secret")).collect();
        }
        if !self.configs.is_empty() {
            container["Configs"] = self.configs.iter().map(|c| c.to_json("Config")).collect();
        }
        if let Some(grace) = self.stop_grace_period {
            container["StopGracePeriod"] = json!(grace.as_nanos() as u64);
        }
        let mut task = json!({ "ContainerSpec": container });
        if !self.constraints.is_empty() {
            task["Placement"] = json!({ "Constraints": self.constraints });
        }
        if let Some(c) = &self.restart_condition {
            task["RestartPolicy"] = json!({ "Condition": c });
        }
        if !self.networks.is_empty() {
            let targets: Vec<Value> = self
                .networks
                .iter()
                .map(|n| json!({ "Target": n }))
                .collect();
            task["Networks"] = json!(targets);
        }
        let mode = if self.global {
            json!({ "Global": {} })
        } else {
            json!({ "Replicated": { "Replicas": self.replicas.unwrap_or(1) } })
        };
        let mut spec = json!({
            "Name": self.name,
            "Labels": self.labels,
            "TaskTemplate": task,
            "Mode": mode,
        });
        if let Some(m) = &self.endpoint_mode {
            spec["EndpointSpec"] = json!({ "Mode": m });
        }
        if let Some(u) = &self.update {
            let mut policy = json!({
                "Parallelism": u.parallelism,
                "Delay": u.delay.as_nanos() as u64,
            });
            if let Some(a) = &u.failure_action {
                policy["FailureAction"] = json!(a);
            }
            if let Some(o) = &u.order {
                policy["Order"] = json!(o);
            }
            if let Some(m) = u.monitor {
                policy["Monitor"] = json!(m.as_nanos() as u64);
            }
            spec["UpdateConfig"] = policy;
        }
        spec
    }
}

impl From<&ServiceSpec> for Value {
    fn from(spec: &ServiceSpec) -> Value {
        spec.to_json()
    }
}
