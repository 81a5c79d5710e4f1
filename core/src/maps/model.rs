//! The container map: services (each one container configuration, run as one
//! or more instances on one or more daemons), and the networks and volumes they
//! share on each daemon. Loaded from a Compose file or from this model's own
//! JSON form (what [`ContainerMap::to_json`] writes), both by `load.rs`.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use serde::Serialize;

/// A whole map: a Compose project. Its JSON form ([`ContainerMap::to_json`]) is
/// a Compose document in long syntax, with our keys under `x-libdocker`.
#[derive(Debug, Clone, PartialEq)]
pub struct ContainerMap {
    /// The project name: prefixes containers, networks and volumes, and labels them.
    pub name: String,
    pub services: BTreeMap<String, Service>,
    /// Networks the map declares (without the project prefix). Services that
    /// name none join `default`.
    pub networks: BTreeMap<String, NetworkSpec>,
    pub volumes: BTreeMap<String, VolumeSpec>,
    /// Secrets and configs the services name: files given to their containers
    /// (mounted under `/run/secrets/` and `/`), or a swarm's secrets and configs
    /// when the map is deployed as a stack.
    pub secrets: BTreeMap<String, DataSpec>,
    pub configs: BTreeMap<String, DataSpec>,
    /// Daemons by name (`x-libdocker: clients:`); how a client reaches its daemon
    /// is up to the caller, or given here as a host or CLI context.
    pub clients: BTreeMap<String, ClientSpec>,
    /// Where relative paths (build contexts, bind mounts) start.
    pub working_dir: PathBuf,
    /// The files the map was read from (a Compose label lists them).
    pub files: Vec<PathBuf>,
    /// Where each key was read: `services.web.depends_on` → file and line.
    pub(crate) origins: Origins,
    /// What was read but has no effect here (keys Compose ignores too).
    pub warnings: Vec<String>,
}

impl Serialize for ContainerMap {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        #[derive(Serialize)]
        struct Extension<'a> {
            #[serde(skip_serializing_if = "BTreeMap::is_empty")]
            clients: &'a BTreeMap<String, ClientSpec>,
            working_dir: &'a PathBuf,
        }
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("name", &self.name)?;
        m.serialize_entry("services", &self.services)?;
        m.serialize_entry("networks", &self.networks)?;
        m.serialize_entry("volumes", &self.volumes)?;
        if !self.secrets.is_empty() {
            m.serialize_entry("secrets", &self.secrets)?;
        }
        if !self.configs.is_empty() {
            m.serialize_entry("configs", &self.configs)?;
        }
        m.serialize_entry(
            "x-libdocker",
            &Extension {
                clients: &self.clients,
                working_dir: &self.working_dir,
            },
        )?;
        m.end()
    }
}

/// One service: a container configuration and where, and how many times, it runs.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Service {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub build: Option<BuildSpec>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub command: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entrypoint: Option<Vec<String>>,
    /// `None` takes the value from the environment of whoever applies the map.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub environment: BTreeMap<String, Option<String>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<PortSpec>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub expose: Vec<String>,
    /// Named volumes, bind mounts and tmpfs mounts.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub volumes: Vec<MountSpec>,
    /// The networks it joins (names as in the map), with their aliases.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub networks: BTreeMap<String, NetworkAttachment>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network_mode: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub secrets: Vec<DataRef>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub configs: Vec<DataRef>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub depends_on: BTreeMap<String, Dependency>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub healthcheck: Option<Healthcheck>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// `no`, `always`, `on-failure[:N]` or `unless-stopped`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restart: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub working_dir: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hostname: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container_name: Option<String>,
    #[serde(flatten)]
    pub resources: Resources,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stop_signal: Option<String>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "duration_text"
    )]
    pub stop_grace_period: Option<Duration>,
    #[serde(skip_serializing_if = "is_false")]
    pub tty: bool,
    #[serde(skip_serializing_if = "is_false")]
    pub stdin_open: bool,
    #[serde(skip_serializing_if = "is_false")]
    pub init: bool,
    #[serde(skip_serializing_if = "is_false")]
    pub privileged: bool,
    #[serde(skip_serializing_if = "is_false")]
    pub read_only: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cap_add: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cap_drop: Vec<String>,
    /// `host:ip` entries for /etc/hosts.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub extra_hosts: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dns: Vec<String>,
    pub pull_policy: PullPolicy,
    /// How many containers of this configuration run on each of its daemons
    /// (Compose's `scale`).
    #[serde(rename = "scale")]
    pub instances: u32,
    /// The daemons it runs on, by client name; empty means the default client.
    #[serde(
        rename = "x-libdocker",
        skip_serializing_if = "Vec::is_empty",
        serialize_with = "clients_extension"
    )]
    pub clients: Vec<String>,
    /// The Compose `deploy:` section as written: its replicas and resources are
    /// read into `instances` and `resources`; the rest is for a swarm.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deploy: Option<serde_json::Value>,
}

fn clients_extension<S: serde::Serializer>(clients: &[String], s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut m = s.serialize_map(Some(1))?;
    m.serialize_entry("clients", clients)?;
    m.end()
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// An image built for a service.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct BuildSpec {
    /// The context directory (relative to the map's working directory).
    pub context: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dockerfile: Option<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub args: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
}

/// A secret or config of the map: a local file, or one the swarm already has.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct DataSpec {
    /// The file holding it (absolute).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(skip_serializing_if = "is_false")]
    pub external: bool,
    /// The swarm's name for it (default: `<project>_<key>`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// A service's use of a secret or config.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct DataRef {
    pub source: String,
    /// The file name in the container (default: `source`); a config's may be a path.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uid: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gid: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<u32>,
}

/// A published port.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PortSpec {
    /// The container's port.
    pub target: u16,
    /// The host's port; `None` lets the daemon choose.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host_ip: Option<String>,
    /// `tcp`, `udp` or `sctp`.
    pub protocol: String,
}

/// A mount: `type` is `volume` (a named volume of the map, or an anonymous one
/// without `source`), `bind` (a host path) or `tmpfs`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MountSpec {
    #[serde(rename = "type")]
    pub kind: MountKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    pub target: String,
    #[serde(skip_serializing_if = "is_false")]
    pub read_only: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MountKind {
    Volume,
    Bind,
    Tmpfs,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct NetworkAttachment {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
}

/// What a dependent waits for before it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    /// The dependency's containers are running.
    ServiceStarted,
    /// Their healthchecks pass.
    ServiceHealthy,
    /// They ran and exited with code 0.
    ServiceCompletedSuccessfully,
}

impl Condition {
    pub fn as_str(self) -> &'static str {
        match self {
            Condition::ServiceStarted => "service_started",
            Condition::ServiceHealthy => "service_healthy",
            Condition::ServiceCompletedSuccessfully => "service_completed_successfully",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Dependency {
    pub condition: Condition,
    /// A dependency that is not required may be missing or fail.
    pub required: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Healthcheck {
    /// As the Engine takes it: `["CMD", …]`, `["CMD-SHELL", "…"]` or `["NONE"]`.
    pub test: Vec<String>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "duration_text"
    )]
    pub interval: Option<Duration>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "duration_text"
    )]
    pub timeout: Option<Duration>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "duration_text"
    )]
    pub start_period: Option<Duration>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retries: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Resources {
    /// Memory limit in bytes.
    #[serde(rename = "mem_limit", skip_serializing_if = "Option::is_none")]
    pub memory: Option<i64>,
    /// CPUs, as `docker run --cpus` takes them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpus: Option<f64>,
}

impl Resources {
    pub fn is_empty(&self) -> bool {
        self.memory.is_none() && self.cpus.is_none()
    }
}

/// When a service's image is pulled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PullPolicy {
    /// When the daemon does not have it (Compose's default).
    #[default]
    Missing,
    Always,
    Never,
    /// Built from `build:` rather than pulled.
    Build,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct NetworkSpec {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub driver: Option<String>,
    #[serde(skip_serializing_if = "is_false")]
    pub internal: bool,
    #[serde(skip_serializing_if = "is_false")]
    pub attachable: bool,
    /// A network made outside the map, used as is and never removed.
    #[serde(skip_serializing_if = "is_false")]
    pub external: bool,
    /// The daemon's name for it (default: `<project>_<key>`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct VolumeSpec {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub driver: Option<String>,
    #[serde(skip_serializing_if = "is_false")]
    pub external: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
}

/// A named daemon as the map file may describe it (both optional: a caller
/// can hand in its own client under the name instead).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct ClientSpec {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
}

/// Where keys were read, for messages about them after loading.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Origins {
    pub file: String,
    pub lines: BTreeMap<String, usize>,
}

impl ContainerMap {
    /// The map in its JSON form, which [`ContainerMap::from_json`] reads back.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).expect("a map is plain data")
    }

    /// The daemon's name of a network of the map.
    pub fn network_name(&self, key: &str) -> String {
        match self.networks.get(key).and_then(|n| n.name.clone()) {
            Some(name) => name,
            None => format!("{}_{key}", self.name),
        }
    }

    /// The daemon's name of a volume of the map.
    pub fn volume_name(&self, key: &str) -> String {
        match self.volumes.get(key).and_then(|v| v.name.clone()) {
            Some(name) => name,
            None => format!("{}_{key}", self.name),
        }
    }

    /// The networks a service joins: those it names, or the map's `default`.
    pub fn networks_of<'a>(&'a self, service: &'a Service) -> Vec<&'a str> {
        if service.network_mode.is_some() {
            return Vec::new();
        }
        if service.networks.is_empty() {
            vec!["default"]
        } else {
            service.networks.keys().map(String::as_str).collect()
        }
    }

    /// The image a service runs: its `image`, or `<project>-<service>` when built.
    pub fn image_of(&self, service_name: &str, service: &Service) -> String {
        match &service.image {
            Some(image) => image.clone(),
            None => format!("{}-{service_name}", self.name),
        }
    }

    /// The client names a service runs on (the default client is `""`).
    pub fn clients_of<'a>(&self, service: &'a Service) -> Vec<&'a str> {
        if service.clients.is_empty() {
            vec![""]
        } else {
            service.clients.iter().map(String::as_str).collect()
        }
    }

    /// The file and line a key was read from, for a message.
    pub(crate) fn origin(&self, key: &str) -> (String, usize) {
        (
            self.origins.file.clone(),
            self.origins.lines.get(key).copied().unwrap_or(0),
        )
    }
}

/// A duration as Compose writes it: `1m30s`, `500ms`.
pub fn format_duration(d: Duration) -> String {
    let ms = d.as_millis();
    if ms == 0 {
        return format!("{}us", d.as_micros());
    }
    if ms % 1000 != 0 {
        return format!("{ms}ms");
    }
    let mut s = (ms / 1000) as u64;
    let mut out = String::new();
    for (unit, size) in [("h", 3600), ("m", 60)] {
        if s >= size {
            out.push_str(&format!("{}{unit}", s / size));
            s %= size;
        }
    }
    if s > 0 || out.is_empty() {
        out.push_str(&format!("{s}s"));
    }
    out
}

fn duration_text<S: serde::Serializer>(d: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.serialize_str(&format_duration(*d)),
        None => s.serialize_none(),
    }
}
