//! A service's keys, as the Compose specification writes them: short and long
//! forms of ports, volumes, networks, `depends_on`, healthchecks, `deploy:`,
//! secrets and configs; each error names its line and key.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::super::model::*;
use super::super::yaml::{Node, Value};
use super::Reader;
use crate::error::Error;

impl Reader {
    pub(super) fn service(&mut self, node: &Node, path: &str) -> Result<Service, Error> {
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
            for (k, v) in super::super::interpolate::parse_dotenv(&text) {
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

    pub(super) fn list<'a>(&self, node: &'a Node, path: &str) -> Result<&'a [Node], Error> {
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

    pub(super) fn cpus(&self, node: &Node, path: &str) -> Result<f64, Error> {
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

    pub(super) fn build(&mut self, node: &Node, path: &str) -> Result<BuildSpec, Error> {
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
    pub(super) fn port(&self, node: &Node, path: &str) -> Result<Vec<PortSpec>, Error> {
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
    pub(super) fn mount(&self, node: &Node, path: &str) -> Result<MountSpec, Error> {
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
    pub(super) fn host_path(&self, path: &str) -> String {
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

    pub(super) fn attachments(
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

    pub(super) fn dependencies(
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

    pub(super) fn healthcheck(
        &self,
        node: &Node,
        path: &str,
    ) -> Result<Option<Healthcheck>, Error> {
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
    pub(super) fn deploy(
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
        Ok((replicas, super::to_json(node)))
    }

    /// A service's `secrets:` / `configs:` item: a name, or `{source, target, uid, gid, mode}`.
    pub(super) fn data_ref(&self, node: &Node, path: &str) -> Result<DataRef, Error> {
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
}
