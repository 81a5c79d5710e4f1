//! Reading a map: Compose's common subset from YAML (with `${VAR}` interpolation
//! and `.env`), or the model's own JSON form, through one reader. Every error
//! names the file, the line and the key; keys Compose ignores outside a swarm
//! become warnings; anything else unknown is an error. Checks across services
//! (dependencies, networks, volumes, clients) are `validate.rs`'s.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::interpolate::{interpolate, Variables};
use super::model::*;
use super::validate::validate;
use super::yaml::{self, Key, Node, Value};
use crate::error::Error;

/// How a map is read.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// The project name; default: the file's `name:`, `COMPOSE_PROJECT_NAME`, or
    /// the directory's name.
    pub project: Option<String>,
    /// Variables for `${VAR}`; default: the process environment over `.env`.
    pub variables: Option<Variables>,
}

impl ContainerMap {
    /// Reads a Compose file (or a JSON map), with the `.env` beside it.
    pub fn load(path: impl AsRef<Path>) -> Result<ContainerMap, Error> {
        ContainerMap::load_with(path, LoadOptions::default())
    }

    pub fn load_with(path: impl AsRef<Path>, options: LoadOptions) -> Result<ContainerMap, Error> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::io(format!("reading the map {}", path.display()), e))?;
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let dir = std::fs::canonicalize(&dir).unwrap_or(dir);
        let variables = match options.variables.clone() {
            Some(v) => v,
            None => {
                let dotenv = std::fs::read_to_string(dir.join(".env")).ok();
                Variables::from_env_and(dotenv.as_deref())
            }
        };
        let mut map = read(
            &text,
            &path.display().to_string(),
            &dir,
            &variables,
            &options,
        )?;
        map.files = vec![std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())];
        Ok(map)
    }

    /// Reads a map from YAML text; relative paths start at `working_dir`.
    pub fn from_yaml(
        text: &str,
        working_dir: impl AsRef<Path>,
        options: LoadOptions,
    ) -> Result<ContainerMap, Error> {
        let variables = options
            .variables
            .clone()
            .unwrap_or_else(|| Variables::from_env_and(None));
        read(text, "<yaml>", working_dir.as_ref(), &variables, &options)
    }

    /// Reads the JSON form (or a Compose document written as JSON). No
    /// interpolation: JSON maps are data, not files a person edits.
    pub fn from_json(text: &str) -> Result<ContainerMap, Error> {
        let here = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
        let options = LoadOptions::default();
        read(text, "<json>", &here, &Variables::default(), &options)
    }
}

fn read(
    text: &str,
    file: &str,
    dir: &Path,
    variables: &Variables,
    options: &LoadOptions,
) -> Result<ContainerMap, Error> {
    let mut root = yaml::parse(text).map_err(|e| Error::InvalidMap {
        file: file.into(),
        line: e.line,
        key: "(syntax)".into(),
        message: e.message,
    })?;
    interpolate(&mut root, variables).map_err(|e| Error::InvalidMap {
        file: file.into(),
        line: e.line,
        key: "(interpolation)".into(),
        message: e.message,
    })?;
    let mut reader = Reader {
        file: file.to_string(),
        dir: dir.to_path_buf(),
        lines: BTreeMap::new(),
        warnings: Vec::new(),
    };
    let mut map = reader.map(&root, options)?;
    map.origins = Origins {
        file: file.to_string(),
        lines: std::mem::take(&mut reader.lines),
    };
    map.warnings = reader.warnings;
    validate(&map)?;
    Ok(map)
}

struct Reader {
    file: String,
    dir: PathBuf,
    lines: BTreeMap<String, usize>,
    warnings: Vec<String>,
}

type Entries<'a> = &'a [(Key, Node)];

impl Reader {
    fn error(&self, line: usize, key: &str, message: impl Into<String>) -> Error {
        Error::InvalidMap {
            file: self.file.clone(),
            line,
            key: key.to_string(),
            message: message.into(),
        }
    }

    fn warn(&mut self, line: usize, key: &str, message: &str) {
        self.warnings
            .push(format!("{}:{line}: {key}: {message}", self.file));
    }

    fn unknown(&self, key: &Key, path: &str, known: &[&str]) -> Error {
        self.error(
            key.line,
            path,
            format!(
                "unknown key `{}`; known here: {}",
                key.name,
                known.join(", ")
            ),
        )
    }

    /// A mapping's entries (nothing is an empty mapping).
    fn entries<'a>(&self, node: &'a Node, path: &str) -> Result<Entries<'a>, Error> {
        match &node.value {
            Value::Map(m) => Ok(m),
            Value::Null => Ok(&[]),
            _ => Err(self.error(
                node.line,
                path,
                format!("must be a mapping, not {}", node.kind()),
            )),
        }
    }

    fn text(&self, node: &Node, path: &str) -> Result<String, Error> {
        node.as_text().ok_or_else(|| {
            self.error(
                node.line,
                path,
                format!("must be text, not {}", node.kind()),
            )
        })
    }

    fn boolean(&self, node: &Node, path: &str) -> Result<bool, Error> {
        match &node.value {
            Value::Bool(b) => Ok(*b),
            Value::Str(s) if s == "true" || s == "false" => Ok(s == "true"),
            _ => Err(self.error(
                node.line,
                path,
                format!("must be true or false, not {}", node.kind()),
            )),
        }
    }

    fn count(&self, node: &Node, path: &str) -> Result<u32, Error> {
        let text = self.text(node, path)?;
        text.trim().parse::<u32>().map_err(|_| {
            self.error(
                node.line,
                path,
                format!("must be a whole number, not {text:?}"),
            )
        })
    }

    /// A list of text; a lone string is split as a shell would (`split`) or is one item.
    fn words(&self, node: &Node, path: &str, split: bool) -> Result<Vec<String>, Error> {
        match &node.value {
            Value::Seq(items) => items.iter().map(|n| self.text(n, path)).collect(),
            Value::Null => Ok(Vec::new()),
            _ => {
                let text = self.text(node, path)?;
                if split {
                    shell_words(&text).map_err(|m| self.error(node.line, path, m))
                } else {
                    Ok(vec![text])
                }
            }
        }
    }

    /// `{K: V}` or `["K=V", "K"]`; a missing value is `None`.
    fn pairs(&self, node: &Node, path: &str) -> Result<BTreeMap<String, Option<String>>, Error> {
        let mut out = BTreeMap::new();
        match &node.value {
            Value::Map(entries) => {
                for (k, v) in entries {
                    let value = match v.value {
                        Value::Null => None,
                        _ => Some(self.text(v, &format!("{path}.{}", k.name))?),
                    };
                    out.insert(k.name.clone(), value);
                }
            }
            Value::Seq(items) => {
                for item in items {
                    let text = self.text(item, path)?;
                    match text.split_once('=') {
                        Some((k, v)) => out.insert(k.to_string(), Some(v.to_string())),
                        None => out.insert(text, None),
                    };
                }
            }
            Value::Null => {}
            _ => {
                return Err(self.error(
                    node.line,
                    path,
                    format!(
                        "must be a mapping or a list of KEY=VALUE, not {}",
                        node.kind()
                    ),
                ))
            }
        }
        Ok(out)
    }

    fn labels(&self, node: &Node, path: &str) -> Result<BTreeMap<String, String>, Error> {
        Ok(self
            .pairs(node, path)?
            .into_iter()
            .map(|(k, v)| (k, v.unwrap_or_default()))
            .collect())
    }

    fn duration(&self, node: &Node, path: &str) -> Result<Duration, Error> {
        let text = self.text(node, path)?;
        parse_duration(&text).ok_or_else(|| {
            self.error(
                node.line,
                path,
                format!("{text:?} is not a duration such as 30s, 1m30s or 500ms"),
            )
        })
    }

    fn bytes(&self, node: &Node, path: &str) -> Result<i64, Error> {
        let text = self.text(node, path)?;
        parse_bytes(&text).ok_or_else(|| {
            self.error(
                node.line,
                path,
                format!("{text:?} is not a size such as 512m or 1g"),
            )
        })
    }

    fn map(&mut self, root: &Node, options: &LoadOptions) -> Result<ContainerMap, Error> {
        const KNOWN: &[&str] = &[
            "name",
            "services",
            "networks",
            "volumes",
            "secrets",
            "configs",
            "version",
            "x-libdocker",
            "x-…",
        ];
        let mut name = None;
        let mut services = BTreeMap::new();
        let mut networks = BTreeMap::new();
        let mut volumes = BTreeMap::new();
        let mut clients = BTreeMap::new();
        let mut saw_services = false;
        let mut working_dir = None;
        let mut secrets = BTreeMap::new();
        let mut configs = BTreeMap::new();
        let top = self.entries(root, "(top)")?;
        if let Some((_, ext)) = top.iter().find(|(k, _)| k.name == "x-libdocker") {
            (clients, working_dir) = self.top_extension(ext)?;
        }
        for (key, value) in top {
            self.lines.insert(key.name.clone(), key.line);
            match key.name.as_str() {
                "name" => name = Some(self.text(value, "name")?),
                "version" => self.warn(
                    key.line,
                    "version",
                    "is obsolete and ignored, as Compose does",
                ),
                "services" => {
                    saw_services = true;
                    for (k, v) in self.entries(value, "services")? {
                        let path = format!("services.{}", k.name);
                        self.lines.insert(path.clone(), k.line);
                        services.insert(k.name.clone(), self.service(v, &path)?);
                    }
                }
                "networks" => {
                    for (k, v) in self.entries(value, "networks")? {
                        let path = format!("networks.{}", k.name);
                        self.lines.insert(path.clone(), k.line);
                        networks.insert(k.name.clone(), self.network(v, &path)?);
                    }
                }
                "volumes" => {
                    for (k, v) in self.entries(value, "volumes")? {
                        let path = format!("volumes.{}", k.name);
                        self.lines.insert(path.clone(), k.line);
                        volumes.insert(k.name.clone(), self.volume(v, &path)?);
                    }
                }
                // Read first (below): its working directory anchors relative paths.
                "x-libdocker" => {}
                "secrets" | "configs" => {
                    let mut all = BTreeMap::new();
                    for (k, v) in self.entries(value, &key.name)? {
                        let path = format!("{}.{}", key.name, k.name);
                        self.lines.insert(path.clone(), k.line);
                        all.insert(k.name.clone(), self.data(v, &path)?);
                    }
                    if key.name == "secrets" {
                        secrets = all;
                    } else {
                        configs = all;
                    }
                }
                "include" => {
                    return Err(self.error(
                        key.line,
                        &key.name,
                        "is not supported by container maps (yet)",
                    ))
                }
                other if other.starts_with("x-") => {}
                _ => return Err(self.unknown(key, &key.name, KNOWN)),
            }
        }
        if !saw_services {
            return Err(self.error(root.line, "services", "a map needs `services:`"));
        }
        let name = options
            .project
            .clone()
            .or(name)
            .or_else(|| std::env::var("COMPOSE_PROJECT_NAME").ok())
            .unwrap_or_else(|| {
                // As Compose does: the directory's name without what a project
                // name may not hold (`my.app` is `myapp`).
                let dir = self
                    .dir
                    .file_name()
                    .map(|n| n.to_string_lossy().to_lowercase())
                    .unwrap_or_default();
                let kept: String = dir
                    .chars()
                    .filter(|c| {
                        c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-' || *c == '_'
                    })
                    .collect();
                let kept = kept.trim_start_matches(['-', '_']).to_string();
                if kept.is_empty() {
                    "default".into()
                } else {
                    kept
                }
            });
        let name = project_name(&name).ok_or_else(|| {
            self.error(
                *self.lines.get("name").unwrap_or(&0),
                "name",
                format!(
                    "{name:?} is not a project name: use lowercase letters, digits, `-` and `_`"
                ),
            )
        })?;
        // Services that join no network join `default`, as in Compose.
        if !networks.contains_key("default") {
            let uses_default = services
                .values()
                .any(|s: &Service| s.network_mode.is_none() && s.networks.is_empty());
            if uses_default {
                networks.insert("default".to_string(), NetworkSpec::default());
            }
        }
        Ok(ContainerMap {
            name,
            services,
            networks,
            volumes,
            secrets,
            configs,
            clients,
            working_dir: working_dir.unwrap_or_else(|| self.dir.clone()),
            files: Vec::new(),
            origins: Origins::default(),
            warnings: Vec::new(),
        })
    }

    fn top_extension(
        &mut self,
        node: &Node,
    ) -> Result<(BTreeMap<String, ClientSpec>, Option<PathBuf>), Error> {
        let mut clients = BTreeMap::new();
        let mut working_dir = None;
        for (key, value) in self.entries(node, "x-libdocker")? {
            match key.name.as_str() {
                "clients" => {
                    self.lines.insert("x-libdocker.clients".into(), key.line);
                    for (k, v) in self.entries(value, "x-libdocker.clients")? {
                        let path = format!("x-libdocker.clients.{}", k.name);
                        self.lines.insert(path.clone(), k.line);
                        let mut spec = ClientSpec::default();
                        for (field, fv) in self.entries(v, &path)? {
                            let fpath = format!("{path}.{}", field.name);
                            match field.name.as_str() {
                                "host" => spec.host = Some(self.text(fv, &fpath)?),
                                "context" => spec.context = Some(self.text(fv, &fpath)?),
                                _ => return Err(self.unknown(field, &path, &["host", "context"])),
                            }
                        }
                        clients.insert(k.name.clone(), spec);
                    }
                }
                "working_dir" => {
                    let dir = PathBuf::from(self.text(value, "x-libdocker.working_dir")?);
                    self.dir = if dir.is_absolute() {
                        dir
                    } else {
                        self.dir.join(dir)
                    };
                    working_dir = Some(self.dir.clone());
                }
                _ => return Err(self.unknown(key, "x-libdocker", &["clients", "working_dir"])),
            }
        }
        Ok((clients, working_dir))
    }

    fn service(&mut self, node: &Node, path: &str) -> Result<Service, Error> {
        const KNOWN: &[&str] = &[
            "secrets",
            "configs",
            "image",
            "build",
            "command",
            "entrypoint",
            "environment",
            "env_file",
            "ports",
            "expose",
            "volumes",
            "tmpfs",
            "networks",
            "network_mode",
            "depends_on",
            "healthcheck",
            "labels",
            "restart",
            "user",
            "working_dir",
            "hostname",
            "container_name",
            "mem_limit",
            "cpus",
            "deploy",
            "scale",
            "stop_signal",
            "stop_grace_period",
            "tty",
            "stdin_open",
            "init",
            "privileged",
            "read_only",
            "cap_add",
            "cap_drop",
            "extra_hosts",
            "dns",
            "pull_policy",
            "x-libdocker",
        ];
        let mut s = Service::default();
        let mut scale = None;
        let mut env_files = Vec::new();
        let mut environment = BTreeMap::new();
        for (key, value) in self.entries(node, path)? {
            let kp = format!("{path}.{}", key.name);
            self.lines.insert(kp.clone(), key.line);
            match key.name.as_str() {
                "image" => s.image = Some(self.text(value, &kp)?),
                "build" => s.build = Some(self.build(value, &kp)?),
                "command" => s.command = Some(self.words(value, &kp, true)?),
                "entrypoint" => s.entrypoint = Some(self.words(value, &kp, true)?),
                "environment" => environment = self.pairs(value, &kp)?,
                "env_file" => {
                    env_files = self
                        .words(value, &kp, false)?
                        .into_iter()
                        .map(|f| (f, value.line))
                        .collect()
                }
                "ports" => {
                    for item in self.list(value, &kp)? {
                        s.ports.extend(self.port(item, &kp)?);
                    }
                }
                "expose" => s.expose = self.words(value, &kp, false)?,
                "volumes" => {
                    for item in self.list(value, &kp)? {
                        s.volumes.push(self.mount(item, &kp)?);
                    }
                }
                "tmpfs" => {
                    for target in self.words(value, &kp, false)? {
                        let target = target.split(':').next().unwrap_or_default().to_string();
                        s.volumes.push(MountSpec {
                            kind: MountKind::Tmpfs,
                            source: None,
                            target,
                            read_only: false,
                        });
                    }
                }
                "networks" => s.networks = self.attachments(value, &kp)?,
                "network_mode" => s.network_mode = Some(self.text(value, &kp)?),
                "depends_on" => s.depends_on = self.dependencies(value, &kp)?,
                "healthcheck" => s.healthcheck = self.healthcheck(value, &kp)?,
                "labels" => s.labels = self.labels(value, &kp)?,
                "restart" => {
                    let policy = self.text(value, &kp)?;
                    let name = policy.split(':').next().unwrap_or_default();
                    let retries_ok = match policy.split_once(':') {
                        None => true,
                        Some((_, n)) => name == "on-failure" && n.parse::<u32>().is_ok(),
                    };
                    if !["no", "always", "on-failure", "unless-stopped"].contains(&name)
                        || !retries_ok
                    {
                        return Err(self.error(value.line, &kp, format!("{policy:?} is not a restart policy: no, always, on-failure[:N] or unless-stopped")));
                    }
                    s.restart = Some(policy);
                }
                "user" => s.user = Some(self.text(value, &kp)?),
                "working_dir" => s.working_dir = Some(self.text(value, &kp)?),
                "hostname" => s.hostname = Some(self.text(value, &kp)?),
                "container_name" => s.container_name = Some(self.text(value, &kp)?),
                "mem_limit" => s.resources.memory = Some(self.bytes(value, &kp)?),
                "cpus" => s.resources.cpus = Some(self.cpus(value, &kp)?),
                "deploy" => {
                    let (replicas, deploy) = self.deploy(value, &kp, &mut s.resources)?;
                    if replicas.is_some() && scale.is_none() {
                        scale = replicas;
                    }
                    s.deploy = Some(deploy);
                }
                "scale" => scale = Some(self.count(value, &kp)?),
                "stop_signal" => s.stop_signal = Some(self.text(value, &kp)?),
                "stop_grace_period" => s.stop_grace_period = Some(self.duration(value, &kp)?),
                "tty" => s.tty = self.boolean(value, &kp)?,
                "stdin_open" => s.stdin_open = self.boolean(value, &kp)?,
                "init" => s.init = self.boolean(value, &kp)?,
                "privileged" => s.privileged = self.boolean(value, &kp)?,
                "read_only" => s.read_only = self.boolean(value, &kp)?,
                "cap_add" => s.cap_add = self.words(value, &kp, false)?,
                "cap_drop" => s.cap_drop = self.words(value, &kp, false)?,
                "extra_hosts" => {
                    s.extra_hosts = match &value.value {
                        Value::Map(_) => self
                            .pairs(value, &kp)?
                            .into_iter()
                            .map(|(h, ip)| format!("{h}:{}", ip.unwrap_or_default()))
                            .collect(),
                        _ => self.words(value, &kp, false)?,
                    }
                }
                "dns" => s.dns = self.words(value, &kp, false)?,
                "pull_policy" => {
                    let text = self.text(value, &kp)?;
                    s.pull_policy = match text.as_str() {
                        "missing" | "if_not_present" => PullPolicy::Missing,
                        "always" => PullPolicy::Always,
                        "never" => PullPolicy::Never,
                        "build" => PullPolicy::Build,
                        _ => {
                            return Err(self.error(
                                value.line,
                                &kp,
                                format!(
                                "{text:?} is not a pull policy: missing, always, never or build"
                            ),
                            ))
                        }
                    };
                }
                "x-libdocker" => {
                    for (k, v) in self.entries(value, &kp)? {
                        let p = format!("{kp}.{}", k.name);
                        self.lines.insert(p.clone(), k.line);
                        match k.name.as_str() {
                            "clients" => s.clients = self.words(v, &p, false)?,
                            _ => return Err(self.unknown(k, &kp, &["clients"])),
                        }
                    }
                }
                "secrets" | "configs" => {
                    let mut refs = Vec::new();
                    for item in self.list(value, &kp)? {
                        refs.push(self.data_ref(item, &kp)?);
                    }
                    if key.name == "secrets" {
                        s.secrets = refs;
                    } else {
                        s.configs = refs;
                    }
                }
                "platform" | "profiles" | "links" | "extends" | "ipc" | "pid" | "devices"
                | "ulimits" | "sysctls" | "logging" => {
                    return Err(self.error(
                        key.line,
                        &kp,
                        "is not supported by container maps (yet)",
                    ));
                }
                other if other.starts_with("x-") => {}
                _ => return Err(self.unknown(key, path, KNOWN)),
            }
        }
        // env_file values first; `environment` overrides them, as in Compose.
        for (file, line) in env_files {
            let full = self.dir.join(&file);
            let text = std::fs::read_to_string(&full).map_err(|e| {
                self.error(
                    line,
                    &format!("{path}.env_file"),
                    format!("cannot read {}: {e}", full.display()),
                )
            })?;
            for (k, v) in super::interpolate::parse_dotenv(&text) {
                s.environment.insert(k, Some(v));
            }
        }
        s.environment.extend(environment);
        if s.build.is_some() && s.image.is_none() && s.pull_policy == PullPolicy::Missing {
            s.pull_policy = PullPolicy::Build;
        }
        s.instances = scale.unwrap_or(1);
        if s.image.is_none() && s.build.is_none() {
            return Err(self.error(node.line, path, "a service needs `image` or `build`"));
        }
        if s.container_name.is_some() && s.instances > 1 {
            return Err(self.error(
                node.line,
                path,
                "`container_name` names one container: it cannot have more than one instance",
            ));
        }
        Ok(s)
    }

    fn list<'a>(&self, node: &'a Node, path: &str) -> Result<&'a [Node], Error> {
        match &node.value {
            Value::Seq(items) => Ok(items),
            Value::Null => Ok(&[]),
            _ => Err(self.error(
                node.line,
                path,
                format!("must be a list, not {}", node.kind()),
            )),
        }
    }

    fn cpus(&self, node: &Node, path: &str) -> Result<f64, Error> {
        let text = self.text(node, path)?;
        match text.trim().parse::<f64>() {
            Ok(c) if c > 0.0 && c.is_finite() => Ok(c),
            _ => Err(self.error(
                node.line,
                path,
                format!("{text:?} is not a number of CPUs such as 0.5"),
            )),
        }
    }

    fn build(&mut self, node: &Node, path: &str) -> Result<BuildSpec, Error> {
        if let Some(context) = node.as_text() {
            return Ok(BuildSpec {
                context,
                ..Default::default()
            });
        }
        let mut b = BuildSpec {
            context: ".".into(),
            ..Default::default()
        };
        for (key, value) in self.entries(node, path)? {
            let kp = format!("{path}.{}", key.name);
            match key.name.as_str() {
                "context" => b.context = self.text(value, &kp)?,
                "dockerfile" => b.dockerfile = Some(self.text(value, &kp)?),
                "args" => b.args = self.labels(value, &kp)?,
                "target" => b.target = Some(self.text(value, &kp)?),
                "labels" => b.labels = self.labels(value, &kp)?,
                other if other.starts_with("x-") => {}
                _ => {
                    return Err(self.unknown(
                        key,
                        path,
                        &["context", "dockerfile", "args", "target", "labels"],
                    ))
                }
            }
        }
        Ok(b)
    }

    /// One `ports:` item: short syntax (`[ip:][host:]container[/proto]`, ranges
    /// allowed) or the long mapping.
    fn port(&self, node: &Node, path: &str) -> Result<Vec<PortSpec>, Error> {
        let bad = |what: &str| {
            self.error(
                node.line,
                path,
                format!("{what} is not a port such as 8080:80, 127.0.0.1:8080:80/udp or 80"),
            )
        };
        if let Value::Map(entries) = &node.value {
            let mut target = None;
            let mut published = None;
            let mut host_ip = None;
            let mut protocol = "tcp".to_string();
            for (key, value) in entries {
                let kp = format!("{path}.{}", key.name);
                match key.name.as_str() {
                    "target" => target = Some(self.text(value, &kp)?),
                    "published" => published = Some(self.text(value, &kp)?),
                    "host_ip" => host_ip = Some(self.text(value, &kp)?),
                    "protocol" => protocol = self.text(value, &kp)?,
                    "mode" | "name" | "app_protocol" => {}
                    _ => {
                        return Err(self.unknown(
                            key,
                            path,
                            &["target", "published", "host_ip", "protocol", "mode"],
                        ))
                    }
                }
            }
            let target =
                target.ok_or_else(|| self.error(node.line, path, "a port needs `target`"))?;
            let target: u16 = target.parse().map_err(|_| bad(&target))?;
            let published = match published {
                None => None,
                Some(p) => Some(p.parse::<u16>().map_err(|_| bad(&p))?),
            };
            return Ok(vec![PortSpec {
                target,
                published,
                host_ip,
                protocol,
            }]);
        }
        let text = self.text(node, path)?;
        let (spec, protocol) = match text.rsplit_once('/') {
            Some((s, p)) => (s, p.to_string()),
            None => (text.as_str(), "tcp".to_string()),
        };
        if !["tcp", "udp", "sctp"].contains(&protocol.as_str()) {
            return Err(bad(&text));
        }
        // The container's port is after the last colon; an IPv6 host address is bracketed.
        let (front, container) = match spec.rsplit_once(':') {
            Some((f, c)) => (Some(f), c),
            None => (None, spec),
        };
        let (host_ip, host) = match front {
            None => (None, None),
            Some(f) => match f.rsplit_once(':') {
                Some((ip, h)) => (
                    Some(ip.trim_matches(|c| c == '[' || c == ']').to_string()),
                    Some(h),
                ),
                None => (None, Some(f)),
            },
        };
        let range = |r: &str| -> Option<(u16, u16)> {
            match r.split_once('-') {
                Some((a, b)) => Some((a.parse().ok()?, b.parse().ok()?)),
                None => {
                    let p = r.parse().ok()?;
                    Some((p, p))
                }
            }
        };
        let (c0, c1) = range(container).ok_or_else(|| bad(&text))?;
        let host = match host {
            None | Some("") => None,
            Some(h) => Some(range(h).ok_or_else(|| bad(&text))?),
        };
        if c1 < c0 || host.is_some_and(|(h0, h1)| h1 - h0 != c1 - c0 && h0 != h1) {
            return Err(bad(&text));
        }
        Ok((c0..=c1)
            .enumerate()
            .map(|(i, target)| PortSpec {
                target,
                published: host.map(|(h0, h1)| if h0 == h1 { h0 } else { h0 + i as u16 }),
                host_ip: host_ip.clone().filter(|ip| !ip.is_empty()),
                protocol: protocol.clone(),
            })
            .collect())
    }

    /// One `volumes:` item of a service.
    fn mount(&self, node: &Node, path: &str) -> Result<MountSpec, Error> {
        if let Value::Map(entries) = &node.value {
            let mut kind = None;
            let mut source = None;
            let mut target = None;
            let mut read_only = false;
            for (key, value) in entries {
                let kp = format!("{path}.{}", key.name);
                match key.name.as_str() {
                    "type" => {
                        let t = self.text(value, &kp)?;
                        kind = Some(match t.as_str() {
                            "volume" => MountKind::Volume,
                            "bind" => MountKind::Bind,
                            "tmpfs" => MountKind::Tmpfs,
                            _ => {
                                return Err(self.error(
                                    value.line,
                                    &kp,
                                    format!("{t:?} is not a mount type: volume, bind or tmpfs"),
                                ))
                            }
                        })
                    }
                    "source" => source = Some(self.text(value, &kp)?),
                    "target" => target = Some(self.text(value, &kp)?),
                    "read_only" => read_only = self.boolean(value, &kp)?,
                    "bind" | "volume" | "tmpfs" | "consistency" => {}
                    _ => {
                        return Err(self.unknown(
                            key,
                            path,
                            &["type", "source", "target", "read_only"],
                        ))
                    }
                }
            }
            let kind = kind.ok_or_else(|| self.error(node.line, path, "a mount needs `type`"))?;
            let target =
                target.ok_or_else(|| self.error(node.line, path, "a mount needs `target`"))?;
            if kind == MountKind::Bind {
                let Some(s) = source.as_deref() else {
                    return Err(self.error(node.line, path, "a bind mount needs `source`"));
                };
                source = Some(self.host_path(s));
            }
            return Ok(MountSpec {
                kind,
                source,
                target,
                read_only,
            });
        }
        let text = self.text(node, path)?;
        let parts: Vec<&str> = text.split(':').collect();
        let (source, target, mode) = match parts.as_slice() {
            [t] => (None, *t, ""),
            [s, t] => (Some(*s), *t, ""),
            [s, t, m] => (Some(*s), *t, *m),
            _ => {
                return Err(self.error(
                    node.line,
                    path,
                    format!(
                    "{text:?} is not a volume such as data:/var/lib/data, ./src:/src:ro or /cache"
                ),
                ))
            }
        };
        if !target.starts_with('/') {
            return Err(self.error(
                node.line,
                path,
                format!("{text:?}: the container path must be absolute"),
            ));
        }
        let read_only = mode.split(',').any(|m| m == "ro");
        Ok(match source {
            None => MountSpec {
                kind: MountKind::Volume,
                source: None,
                target: target.into(),
                read_only,
            },
            Some(s) if s.starts_with('/') || s.starts_with('.') || s.starts_with('~') => {
                MountSpec {
                    kind: MountKind::Bind,
                    source: Some(self.host_path(s)),
                    target: target.into(),
                    read_only,
                }
            }
            Some(s) => MountSpec {
                kind: MountKind::Volume,
                source: Some(s.into()),
                target: target.into(),
                read_only,
            },
        })
    }

    /// A host path as the daemon needs it: absolute.
    fn host_path(&self, path: &str) -> String {
        if let Some(rest) = path.strip_prefix("~/") {
            if let Some(home) = std::env::var_os("HOME") {
                return Path::new(&home).join(rest).display().to_string();
            }
        }
        let p = Path::new(path);
        if p.is_absolute() {
            return path.to_string();
        }
        let joined = self.dir.join(p);
        // Tidy `./`; the daemon resolves the rest.
        joined
            .components()
            .filter(|c| !matches!(c, std::path::Component::CurDir))
            .collect::<PathBuf>()
            .display()
            .to_string()
    }

    fn attachments(
        &self,
        node: &Node,
        path: &str,
    ) -> Result<BTreeMap<String, NetworkAttachment>, Error> {
        let mut out = BTreeMap::new();
        match &node.value {
            Value::Seq(_) => {
                for name in self.words(node, path, false)? {
                    out.insert(name, NetworkAttachment::default());
                }
            }
            _ => {
                for (key, value) in self.entries(node, path)? {
                    let kp = format!("{path}.{}", key.name);
                    let mut attachment = NetworkAttachment::default();
                    for (k, v) in self.entries(value, &kp)? {
                        match k.name.as_str() {
                            "aliases" => {
                                attachment.aliases =
                                    self.words(v, &format!("{kp}.aliases"), false)?
                            }
                            _ => return Err(self.unknown(k, &kp, &["aliases"])),
                        }
                    }
                    out.insert(key.name.clone(), attachment);
                }
            }
        }
        Ok(out)
    }

    fn dependencies(
        &mut self,
        node: &Node,
        path: &str,
    ) -> Result<BTreeMap<String, Dependency>, Error> {
        let mut out = BTreeMap::new();
        if let Value::Seq(items) = &node.value {
            for item in items {
                let name = self.text(item, path)?;
                self.lines.insert(format!("{path}.{name}"), item.line);
                out.insert(
                    name,
                    Dependency {
                        condition: Condition::ServiceStarted,
                        required: true,
                    },
                );
            }
            return Ok(out);
        }
        for (key, value) in self.entries(node, path)? {
            let kp = format!("{path}.{}", key.name);
            self.lines.insert(kp.clone(), key.line);
            let mut dep = Dependency {
                condition: Condition::ServiceStarted,
                required: true,
            };
            for (k, v) in self.entries(value, &kp)? {
                let p = format!("{kp}.{}", k.name);
                match k.name.as_str() {
                    "condition" => {
                        let c = self.text(v, &p)?;
                        dep.condition = match c.as_str() {
                            "service_started" => Condition::ServiceStarted,
                            "service_healthy" => Condition::ServiceHealthy,
                            "service_completed_successfully" => Condition::ServiceCompletedSuccessfully,
                            _ => return Err(self.error(v.line, &p, format!("{c:?} is not a condition: service_started, service_healthy or service_completed_successfully"))),
                        };
                    }
                    "required" => dep.required = self.boolean(v, &p)?,
                    "restart" => {
                        self.boolean(v, &p)?;
                    }
                    _ => return Err(self.unknown(k, &kp, &["condition", "required", "restart"])),
                }
            }
            out.insert(key.name.clone(), dep);
        }
        Ok(out)
    }

    fn healthcheck(&self, node: &Node, path: &str) -> Result<Option<Healthcheck>, Error> {
        let mut h = Healthcheck::default();
        let mut disable = false;
        for (key, value) in self.entries(node, path)? {
            let kp = format!("{path}.{}", key.name);
            match key.name.as_str() {
                "test" => {
                    h.test = match &value.value {
                        Value::Seq(_) => self.words(value, &kp, false)?,
                        _ => vec!["CMD-SHELL".to_string(), self.text(value, &kp)?],
                    };
                    let first = h.test.first().map(String::as_str);
                    if !matches!(first, Some("CMD" | "CMD-SHELL" | "NONE")) {
                        return Err(self.error(
                            value.line,
                            &kp,
                            "a test list starts with CMD, CMD-SHELL or NONE",
                        ));
                    }
                }
                "interval" => h.interval = Some(self.duration(value, &kp)?),
                "timeout" => h.timeout = Some(self.duration(value, &kp)?),
                "start_period" => h.start_period = Some(self.duration(value, &kp)?),
                "start_interval" => {
                    self.duration(value, &kp)?;
                }
                "retries" => h.retries = Some(self.count(value, &kp)?),
                "disable" => disable = self.boolean(value, &kp)?,
                _ => {
                    return Err(self.unknown(
                        key,
                        path,
                        &[
                            "test",
                            "interval",
                            "timeout",
                            "start_period",
                            "retries",
                            "disable",
                        ],
                    ))
                }
            }
        }
        if disable {
            h.test = vec!["NONE".into()];
        }
        Ok(Some(h))
    }

    /// Compose's `deploy:` outside a swarm: replicas and resource limits count;
    /// the rest is kept for a swarm and warned about.
    fn deploy(
        &mut self,
        node: &Node,
        path: &str,
        resources: &mut Resources,
    ) -> Result<(Option<u32>, serde_json::Value), Error> {
        let mut replicas = None;
        for (key, value) in self.entries(node, path)? {
            let kp = format!("{path}.{}", key.name);
            match key.name.as_str() {
                "replicas" => replicas = Some(self.count(value, &kp)?),
                "resources" => {
                    for (k, v) in self.entries(value, &kp)? {
                        let p = format!("{kp}.{}", k.name);
                        match k.name.as_str() {
                            "limits" => {
                                for (lk, lv) in self.entries(v, &p)? {
                                    let lp = format!("{p}.{}", lk.name);
                                    match lk.name.as_str() {
                                        "cpus" => resources.cpus = Some(self.cpus(lv, &lp)?),
                                        "memory" => resources.memory = Some(self.bytes(lv, &lp)?),
                                        "pids" => {}
                                        _ => {
                                            return Err(self.unknown(
                                                lk,
                                                &p,
                                                &["cpus", "memory", "pids"],
                                            ))
                                        }
                                    }
                                }
                            }
                            "reservations" => {
                                self.warn(k.line, &p, "is used by a swarm only; ignored here")
                            }
                            _ => return Err(self.unknown(k, &kp, &["limits", "reservations"])),
                        }
                    }
                }
                "mode" | "placement" | "update_config" | "rollback_config" | "restart_policy"
                | "labels" | "endpoint_mode" => {
                    self.warn(key.line, &kp, "is used by a swarm only; ignored here");
                }
                _ => {
                    return Err(self.unknown(
                        key,
                        path,
                        &[
                            "replicas",
                            "resources",
                            "mode",
                            "placement",
                            "update_config",
                            "rollback_config",
                            "restart_policy",
                            "labels",
                            "endpoint_mode",
                        ],
                    ))
                }
            }
        }
        Ok((replicas, to_json(node)))
    }

    fn network(&mut self, node: &Node, path: &str) -> Result<NetworkSpec, Error> {
        let mut n = NetworkSpec::default();
        for (key, value) in self.entries(node, path)? {
            let kp = format!("{path}.{}", key.name);
            match key.name.as_str() {
                "driver" => n.driver = Some(self.text(value, &kp)?),
                "internal" => n.internal = self.boolean(value, &kp)?,
                "attachable" => n.attachable = self.boolean(value, &kp)?,
                "external" => n.external = self.external(value, &kp, &mut n.name)?,
                "name" => n.name = Some(self.text(value, &kp)?),
                "labels" => n.labels = self.labels(value, &kp)?,
                "driver_opts" | "ipam" | "enable_ipv6" => {
                    return Err(self.error(
                        key.line,
                        &kp,
                        "is not supported by container maps (yet)",
                    ))
                }
                other if other.starts_with("x-") => {}
                _ => {
                    return Err(self.unknown(
                        key,
                        path,
                        &[
                            "driver",
                            "internal",
                            "attachable",
                            "external",
                            "name",
                            "labels",
                        ],
                    ))
                }
            }
        }
        Ok(n)
    }

    fn volume(&mut self, node: &Node, path: &str) -> Result<VolumeSpec, Error> {
        let mut v = VolumeSpec::default();
        for (key, value) in self.entries(node, path)? {
            let kp = format!("{path}.{}", key.name);
            match key.name.as_str() {
                "driver" => v.driver = Some(self.text(value, &kp)?),
                "external" => v.external = self.external(value, &kp, &mut v.name)?,
                "name" => v.name = Some(self.text(value, &kp)?),
                "labels" => v.labels = self.labels(value, &kp)?,
                "driver_opts" => {
                    return Err(self.error(
                        key.line,
                        &kp,
                        "is not supported by container maps (yet)",
                    ))
                }
                other if other.starts_with("x-") => {}
                _ => {
                    return Err(self.unknown(key, path, &["driver", "external", "name", "labels"]))
                }
            }
        }
        Ok(v)
    }

    /// A top-level secret or config: `file:` (relative to the map), or `external:`.
    fn data(&mut self, node: &Node, path: &str) -> Result<DataSpec, Error> {
        let mut d = DataSpec::default();
        for (key, value) in self.entries(node, path)? {
            let kp = format!("{path}.{}", key.name);
            match key.name.as_str() {
                "file" => d.file = Some(self.host_path(&self.text(value, &kp)?)),
                "external" => d.external = self.external(value, &kp, &mut d.name)?,
                "name" => d.name = Some(self.text(value, &kp)?),
                "environment" | "content" | "template_driver" => {
                    return Err(self.error(
                        key.line,
                        &kp,
                        "is not supported by container maps (yet): use `file`",
                    ))
                }
                other if other.starts_with("x-") => {}
                _ => return Err(self.unknown(key, path, &["file", "external", "name"])),
            }
        }
        if d.file.is_none() && !d.external {
            return Err(self.error(node.line, path, "needs `file:` (or `external: true`)"));
        }
        Ok(d)
    }

    /// A service's `secrets:` / `configs:` item: a name, or `{source, target, uid, gid, mode}`.
    fn data_ref(&self, node: &Node, path: &str) -> Result<DataRef, Error> {
        if let Some(source) = node.as_text() {
            return Ok(DataRef {
                source,
                ..Default::default()
            });
        }
        let mut r = DataRef::default();
        for (key, value) in self.entries(node, path)? {
            let kp = format!("{path}.{}", key.name);
            match key.name.as_str() {
                "source" => r.source = self.text(value, &kp)?,
                "target" => r.target = Some(self.text(value, &kp)?),
                "uid" => r.uid = Some(self.text(value, &kp)?),
                "gid" => r.gid = Some(self.text(value, &kp)?),
                "mode" => {
                    // Octal as Compose writes it (0440), or its decimal value.
                    let text = self.text(value, &kp)?;
                    let mode = match &value.value {
                        Value::Int(i) if !text.starts_with('0') => u32::try_from(*i).ok(),
                        _ => u32::from_str_radix(text.trim_start_matches("0o"), 8).ok(),
                    };
                    r.mode = Some(mode.ok_or_else(|| {
                        self.error(
                            value.line,
                            &kp,
                            format!("{text:?} is not a file mode such as 0440"),
                        )
                    })?);
                }
                _ => {
                    return Err(self.unknown(
                        key,
                        path,
                        &["source", "target", "uid", "gid", "mode"],
                    ))
                }
            }
        }
        if r.source.is_empty() {
            return Err(self.error(node.line, path, "needs `source`"));
        }
        Ok(r)
    }

    /// `external: true`, or the old `external: {name: x}`.
    fn external(&self, node: &Node, path: &str, name: &mut Option<String>) -> Result<bool, Error> {
        if let Value::Map(entries) = &node.value {
            for (k, v) in entries {
                match k.name.as_str() {
                    "name" => *name = Some(self.text(v, &format!("{path}.name"))?),
                    _ => return Err(self.unknown(k, path, &["name"])),
                }
            }
            return Ok(true);
        }
        self.boolean(node, path)
    }
}

/// Compose's rule for project names: lowercase letters, digits, `-` and `_`,
/// starting with a letter or digit. Upper case is lowered, as Compose does.
fn project_name(name: &str) -> Option<String> {
    let lowered = name.to_lowercase();
    let ok = lowered
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        && lowered
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric());
    ok.then_some(lowered)
}

fn to_json(node: &Node) -> serde_json::Value {
    use serde_json::Value as J;
    match &node.value {
        Value::Null => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Int(i) => J::from(*i),
        Value::Float(f) => J::from(*f),
        Value::Str(s) => J::String(s.clone()),
        Value::Seq(items) => J::Array(items.iter().map(to_json).collect()),
        Value::Map(entries) => J::Object(
            entries
                .iter()
                .map(|(k, v)| (k.name.clone(), to_json(v)))
                .collect(),
        ),
    }
}

/// `30s`, `1m30s`, `1h`, `500ms`, `10us`; a bare number is seconds.
pub fn parse_duration(text: &str) -> Option<Duration> {
    let text = text.trim();
    if let Ok(secs) = text.parse::<f64>() {
        return (secs >= 0.0 && secs.is_finite()).then(|| Duration::from_secs_f64(secs));
    }
    let mut total = Duration::ZERO;
    let mut rest = text;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if digits == 0 {
            return None;
        }
        let number: f64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let scale = match &rest[..unit_len] {
            "h" => 3600.0,
            "m" => 60.0,
            "s" => 1.0,
            "ms" => 1e-3,
            "us" | "µs" => 1e-6,
            "ns" => 1e-9,
            _ => return None,
        };
        rest = &rest[unit_len..];
        total += Duration::from_secs_f64(number * scale);
    }
    Some(total)
}

/// `1024`, `512k`, `512m`, `1g`, `1gb`: bytes.
pub fn parse_bytes(text: &str) -> Option<i64> {
    let t = text.trim().to_lowercase();
    let t = t
        .strip_suffix('b')
        .filter(|s| !s.is_empty() && !s.ends_with(|c: char| c.is_ascii_digit()))
        .unwrap_or(&t)
        .to_string();
    let (digits, unit) = t.split_at(
        t.find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(t.len()),
    );
    let n: f64 = digits.parse().ok()?;
    let scale: f64 = match unit {
        "" | "b" => 1.0,
        "k" => 1024.0,
        "m" => 1024.0 * 1024.0,
        "g" => 1024.0 * 1024.0 * 1024.0,
        _ => return None,
    };
    Some((n * scale) as i64)
}

/// A command line split as a POSIX shell would (quotes and backslashes).
pub fn shell_words(text: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => word.push(c),
                        None => return Err(format!("unclosed ' in {text:?}")),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\' | '$' | '`')) => word.push(c),
                            Some(c) => {
                                word.push('\\');
                                word.push(c);
                            }
                            None => return Err(format!("unclosed \" in {text:?}")),
                        },
                        Some(c) => word.push(c),
                        None => return Err(format!("unclosed \" in {text:?}")),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(c) = chars.next() {
                    word.push(c);
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<ContainerMap, Error> {
        let vars = Variables::from_pairs([("TAG", "1.2"), ("PORT", "8080")]);
        ContainerMap::from_yaml(
            text,
            "/srv/app",
            LoadOptions {
                project: Some("demo".into()),
                variables: Some(vars),
            },
        )
    }

    fn invalid(text: &str) -> (usize, String, String) {
        match load(text) {
            Err(Error::InvalidMap {
                line, key, message, ..
            }) => (line, key, message),
            other => panic!("expected InvalidMap, got {other:?}"),
        }
    }

    #[test]
    fn compose_short_and_long_forms() {
        let map = load(
            "services:\n  web:\n    image: busybox:${TAG}\n    command: sh -c 'echo \"hi there\"'\n    ports: [\"${PORT}:80\", \"127.0.0.1:9000-9001:9000-9001/udp\", 53]\n    environment: [A=1, B]\n    volumes: [data:/data:ro, ./src:/src, /anon]\n    depends_on:\n      db: {condition: service_healthy}\n    deploy: {replicas: 2, resources: {limits: {memory: 64m, cpus: '0.5'}}, placement: {constraints: []}}\n  db:\n    image: busybox\n    healthcheck: {test: true, interval: 1s, retries: 3}\n    x-libdocker: {clients: [tls]}\nvolumes:\n  data:\n",
        )
        .unwrap();
        let web = &map.services["web"];
        assert_eq!(web.image.as_deref(), Some("busybox:1.2"));
        assert_eq!(
            web.command.as_ref().unwrap(),
            &["sh", "-c", "echo \"hi there\""]
        );
        assert_eq!(web.ports.len(), 4);
        assert_eq!(web.ports[0].published, Some(8080));
        assert_eq!(web.ports[2].target, 9001);
        assert_eq!(web.ports[2].published, Some(9001));
        assert_eq!(web.ports[2].host_ip.as_deref(), Some("127.0.0.1"));
        assert_eq!(web.ports[2].protocol, "udp");
        assert_eq!(web.ports[3].published, None);
        assert_eq!(web.environment["B"], None);
        assert_eq!(web.volumes[0].kind, MountKind::Volume);
        assert!(web.volumes[0].read_only);
        assert_eq!(web.volumes[1].source.as_deref(), Some("/srv/app/src"));
        assert_eq!(web.volumes[2].source, None);
        assert_eq!(web.instances, 2);
        assert_eq!(web.resources.memory, Some(64 << 20));
        assert_eq!(web.depends_on["db"].condition, Condition::ServiceHealthy);
        assert!(
            map.warnings.iter().any(|w| w.contains("deploy.placement")),
            "{:?}",
            map.warnings
        );
        let db = &map.services["db"];
        assert_eq!(db.healthcheck.as_ref().unwrap().test, ["CMD-SHELL", "true"]);
        assert_eq!(db.clients, ["tls"]);
        assert!(map.networks.contains_key("default"));
        assert_eq!(map.network_name("default"), "demo_default");
    }

    #[test]
    fn json_form_reads_back_the_same() {
        let map = load("services:\n  a:\n    image: x\n    healthcheck: {test: [CMD, 'true'], interval: 90s}\n    ports: ['1000:10']\n    restart: on-failure:3\n").unwrap();
        let json = map.to_json().to_string();
        let again = ContainerMap::from_json(&json).unwrap();
        assert_eq!(again.services, map.services);
        assert_eq!(again.networks, map.networks);
    }

    #[test]
    fn errors_name_the_line_and_key() {
        let (line, key, message) = invalid("services:\n  a:\n    image: x\n    imag: y\n");
        assert_eq!((line, key.as_str()), (4, "services.a"));
        assert!(message.contains("unknown key `imag`"), "{message}");
        let (line, key, _) = invalid("services:\n  a:\n    image: x\n    ports: ['80:http']\n");
        assert_eq!((line, key.as_str()), (4, "services.a.ports"));
        let (line, key, _) =
            invalid("services:\n  a:\n    image: x\n    volumes: ['data:relative']\n");
        assert_eq!((line, key.as_str()), (4, "services.a.volumes"));
        let (line, key, _) = invalid("services:\n  a:\n    image: x\n    restart: sometimes\n");
        assert_eq!((line, key.as_str()), (4, "services.a.restart"));
        let (line, key, message) = invalid("services:\n  a:\n    image: ${MISSING:?set it}\n");
        assert_eq!((line, key.as_str()), (3, "(interpolation)"));
        assert!(message.contains("MISSING"));
        let (_, _, message) = invalid("services:\n  a:\n    command: x\n");
        assert!(message.contains("`image` or `build`"));
    }

    #[test]
    fn checks_across_services_name_the_line() {
        let (line, key, message) = invalid(
            "services:\n  a:\n    image: x\n    depends_on: [b]\n  b:\n    image: x\n    depends_on:\n      c: {condition: service_healthy}\n  c:\n    image: x\n    depends_on: [a]\n",
        );
        assert_eq!(key, "services.a.depends_on");
        assert_eq!(line, 4);
        assert!(message.contains("a → b → c → a"), "{message}");
        let (line, key, message) =
            invalid("services:\n  a:\n    image: x\n    depends_on:\n      - nope\n");
        assert_eq!((line, key.as_str()), (5, "services.a.depends_on.nope"));
        assert!(message.contains("`nope` is not a service"), "{message}");
        let (line, key, _) = invalid("services:\n  a:\n    image: x\n    networks: [front]\n");
        assert_eq!((line, key.as_str()), (4, "services.a.networks"));
        let (line, key, message) = invalid(
            "x-libdocker:\n  clients:\n    edge: {host: 'tcp://edge:2376'}\nservices:\n  a:\n    image: x\n    x-libdocker:\n      clients: [egde]\n",
        );
        assert_eq!((line, key.as_str()), (8, "services.a.x-libdocker.clients"));
        assert!(message.contains("`egde` is not a client"), "{message}");
    }

    #[test]
    fn units() {
        assert_eq!(parse_duration("1m30s"), Some(Duration::from_secs(90)));
        assert_eq!(parse_duration("500ms"), Some(Duration::from_millis(500)));
        assert_eq!(parse_duration("2"), Some(Duration::from_secs(2)));
        assert_eq!(parse_duration("soon"), None);
        assert_eq!(parse_bytes("512m"), Some(512 << 20));
        assert_eq!(parse_bytes("1gb"), Some(1 << 30));
        assert_eq!(parse_bytes("100"), Some(100));
        assert_eq!(parse_bytes("lots"), None);
        assert_eq!(
            shell_words("a 'b c' \"d\\\"e\" f\\ g").unwrap(),
            ["a", "b c", "d\"e", "f g"]
        );
    }
}
