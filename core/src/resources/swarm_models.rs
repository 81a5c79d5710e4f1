//! What the swarm keeps, as the daemon answers it: services, nodes, secrets and
//! configs share one shape ([`SwarmObject`]: an id, a version, a spec), tasks
//! have their own ([`Task`]), and the swarm itself is a [`SwarmInfo`].

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::null_default::null_default;

/// The version of a swarm object: the index an update must name.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ObjectVersion {
    #[serde(default)]
    pub index: u64,
}

/// A service, node, secret or config: its id, version and spec; the rest of
/// the daemon's answer (`Endpoint`, `Status`, `UpdateStatus`, …) is in `extra`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SwarmObject {
    #[serde(rename = "ID")]
    pub id: String,
    #[serde(default)]
    pub version: ObjectVersion,
    #[serde(default)]
    pub created_at: String,
    #[serde(default)]
    pub updated_at: String,
    /// What the object was created or last updated with.
    #[serde(default, deserialize_with = "null_default")]
    pub spec: Value,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A service.
pub type Service = SwarmObject;
/// A node.
pub type Node = SwarmObject;
/// A secret (the daemon never gives its data back).
pub type Secret = SwarmObject;
/// A config.
pub type Config = SwarmObject;

impl SwarmObject {
    /// The version index an update of this object names.
    pub fn version(&self) -> u64 {
        self.version.index
    }

    /// `Spec.Name` (empty for a node, whose name is its hostname).
    pub fn name(&self) -> &str {
        self.spec
            .get("Name")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    /// `Spec.Labels`.
    pub fn labels(&self) -> HashMap<String, String> {
        self.spec
            .get("Labels")
            .and_then(|l| serde_json::from_value(l.clone()).ok())
            .unwrap_or_default()
    }

    /// A field of the answer outside the spec, by JSON pointer (`/Status/State`).
    pub fn get(&self, pointer: &str) -> Option<&Value> {
        let (first, rest) = pointer
            .trim_start_matches('/')
            .split_once('/')
            .map_or((pointer.trim_start_matches('/'), ""), |(a, b)| (a, b));
        let top = self.extra.get(first)?;
        if rest.is_empty() {
            Some(top)
        } else {
            top.pointer(&format!("/{rest}"))
        }
    }
}

/// A task: one run of a service's container on a node.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Task {
    #[serde(rename = "ID")]
    pub id: String,
    #[serde(default)]
    pub version: ObjectVersion,
    #[serde(rename = "ServiceID", default)]
    pub service_id: String,
    /// Empty until the task is scheduled.
    #[serde(rename = "NodeID", default)]
    pub node_id: String,
    /// Its replica's number (replicated services).
    #[serde(default)]
    pub slot: Option<u64>,
    /// `running`, `shutdown`, … what the orchestrator wants of it.
    #[serde(default)]
    pub desired_state: String,
    #[serde(default)]
    pub status: TaskStatus,
    /// The service's task template as it was when the task was made.
    #[serde(default, deserialize_with = "null_default")]
    pub spec: Value,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Where a task is in its life.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TaskStatus {
    /// `new`, `pending`, `assigned`, `preparing`, `starting`, `running`,
    /// `complete`, `failed`, `rejected`, `shutdown`, …
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub message: String,
    /// Why it failed, if it did.
    #[serde(default)]
    pub err: Option<String>,
    #[serde(default)]
    pub container_status: Option<TaskContainer>,
}

/// The container a task runs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TaskContainer {
    #[serde(rename = "ContainerID", default)]
    pub container_id: String,
    #[serde(rename = "PID", default)]
    pub pid: i64,
    #[serde(default)]
    pub exit_code: Option<i64>,
}

impl Task {
    /// The id of the task's container, once it has one.
    pub fn container_id(&self) -> Option<&str> {
        self.status
            .container_status
            .as_ref()
            .map(|c| c.container_id.as_str())
            .filter(|id| !id.is_empty())
    }
}

/// The swarm as a manager describes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SwarmInfo {
    #[serde(rename = "ID")]
    pub id: String,
    #[serde(default)]
    pub version: ObjectVersion,
    #[serde(default, deserialize_with = "null_default")]
    pub spec: Value,
    #[serde(default)]
    pub join_tokens: JoinTokens,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The tokens a node joins with, as a worker or as a manager.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct JoinTokens {
    #[serde(default)]
    pub worker: String,
    #[serde(default)]
    pub manager: String,
}
