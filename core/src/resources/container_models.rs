//! What the daemon returns about one container, typed where users reach for a field;
//! every other field is kept in `extra`. List entries are in `container_summary`.

use std::collections::HashMap;

use super::null_default::null_default;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// `ContainerInspect`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ContainerInspect {
    #[serde(rename = "Id")]
    pub id: String,
    /// With its leading `/`.
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub created: String,
    #[serde(default)]
    pub image: String,
    #[serde(default)]
    pub state: ContainerState,
    #[serde(default)]
    pub config: ContainerConfigView,
    /// As sent (limits, mounts, network mode, …).
    #[serde(default)]
    pub host_config: Value,
    #[serde(default)]
    pub network_settings: Value,
    #[serde(default)]
    pub size_rw: Option<i64>,
    #[serde(default)]
    pub size_root_fs: Option<i64>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `State` of an inspected container.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ContainerState {
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub running: bool,
    #[serde(default)]
    pub paused: bool,
    #[serde(default)]
    pub restarting: bool,
    #[serde(rename = "OOMKilled", default)]
    pub oom_killed: bool,
    #[serde(default)]
    pub dead: bool,
    #[serde(default)]
    pub pid: i64,
    #[serde(default)]
    pub exit_code: i64,
    #[serde(default)]
    pub error: String,
    #[serde(default)]
    pub started_at: String,
    #[serde(default)]
    pub finished_at: String,
}

/// `Config` of an inspected container (the fields that decide how to talk to it).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ContainerConfigView {
    #[serde(default)]
    pub image: String,
    #[serde(default)]
    pub tty: bool,
    #[serde(default)]
    pub open_stdin: bool,
    #[serde(default)]
    pub stdin_once: bool,
    #[serde(default, deserialize_with = "null_default")]
    pub cmd: Vec<String>,
    #[serde(default, deserialize_with = "null_default")]
    pub env: Vec<String>,
    #[serde(default, deserialize_with = "null_default")]
    pub labels: HashMap<String, String>,
    #[serde(default)]
    pub working_dir: String,
    #[serde(default)]
    pub user: String,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The answer to `ContainerCreate`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Created {
    #[serde(rename = "Id")]
    pub id: String,
    #[serde(default, deserialize_with = "null_default")]
    pub warnings: Vec<String>,
}

/// How a waited-for container ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WaitResult {
    pub status_code: i64,
    /// Why waiting failed, if the daemon says.
    pub error: Option<String>,
}

/// Processes of a container (`ContainerTop`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Top {
    #[serde(default, deserialize_with = "null_default")]
    pub titles: Vec<String>,
    #[serde(default, deserialize_with = "null_default")]
    pub processes: Vec<Vec<String>>,
}

/// A filesystem change (`ContainerChanges`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Change {
    pub path: String,
    /// 0 modified, 1 added, 2 deleted.
    pub kind: u8,
}

impl Change {
    pub const MODIFIED: u8 = 0;
    pub const ADDED: u8 = 1;
    pub const DELETED: u8 = 2;
}

/// The stat of a path in a container (`ContainerArchiveInfo`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PathStat {
    pub name: String,
    pub size: i64,
    /// Go's `os.FileMode` bits: permissions in the low 9 bits, type flags above.
    pub mode: u32,
    pub mtime: String,
    #[serde(rename = "linkTarget", default)]
    pub link_target: String,
}

impl PathStat {
    /// Whether the path is a directory (Go's `ModeDir` bit).
    pub fn is_dir(&self) -> bool {
        self.mode & (1 << 31) != 0
    }

    /// The permission bits (`0o755`, …).
    pub fn permissions(&self) -> u32 {
        self.mode & 0o777
    }
}

/// What a prune removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PruneReport {
    /// Ids (or names) removed.
    pub deleted: Vec<String>,
    pub space_reclaimed: u64,
}

impl PruneReport {
    pub(crate) fn from_json(v: &Value, list_key: &str) -> PruneReport {
        let deleted = v
            .get(list_key)
            .and_then(Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .filter_map(|i| match i {
                        Value::String(s) => Some(s.clone()),
                        // ImagesDeleted: [{"Untagged": …} | {"Deleted": …}]
                        Value::Object(o) => o
                            .values()
                            .next()
                            .and_then(Value::as_str)
                            .map(str::to_string),
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default();
        PruneReport {
            deleted,
            space_reclaimed: v.get("SpaceReclaimed").and_then(Value::as_u64).unwrap_or(0),
        }
    }
}
