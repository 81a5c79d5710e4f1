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
use super::units::{parse_bytes, parse_duration, shell_words};

mod service;
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
}
