//! A map deployed to a swarm as a stack, as `docker stack deploy` does: each
//! service becomes a swarm service `<stack>_<service>` from its Compose
//! `deploy:` section (replicas or global, placement, resources, update_config,
//! rollback_config, restart_policy, labels) and its container settings; its
//! networks become overlay networks, its secrets and configs the swarm's; all
//! of it carries the `com.docker.stack.namespace` label, by which
//! [`ContainerMap::remove_stack`] finds it again. A second deploy updates the
//! services in place (with their current version).

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Serialize;
use serde_json::{json, Map, Value};

use super::container_spec::{environment, healthcheck};
use super::model::{ContainerMap, DataRef, DataSpec, MountKind, Service};
use crate::client::Docker;
use crate::error::Error;
use crate::filters::Filters;
use crate::resources::networks::NetworkConfig;
use crate::resources::swarm_data::SwarmData;

/// The label every object of a stack carries, naming the stack.
pub const NAMESPACE: &str = "com.docker.stack.namespace";

/// What a deploy or a removal touched, by the swarm's names.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct StackReport {
    pub stack: String,
    /// Services created (or, on a removal, removed).
    pub services: Vec<String>,
    /// Services updated in place.
    pub updated: Vec<String>,
    pub networks: Vec<String>,
    pub secrets: Vec<String>,
    pub configs: Vec<String>,
    /// What the map has that a stack ignores (`depends_on`, `build`, …).
    pub warnings: Vec<String>,
}

impl ContainerMap {
    /// Deploys the map to the swarm `docker` manages, as the stack named after
    /// the map's project.
    pub async fn deploy_stack(&self, docker: &Docker) -> Result<StackReport, Error> {
        let stack = self.name.clone();
        let mut report = StackReport {
            stack: stack.clone(),
            ..Default::default()
        };

        // Networks: overlay, attachable when asked; those of the services only.
        let mut used: Vec<&str> = self
            .services
            .values()
            .flat_map(|s| self.networks_of(s))
            .collect();
        used.sort();
        used.dedup();
        let mut network_ids = Map::new();
        for key in used {
            let spec = self.networks.get(key).cloned().unwrap_or_default();
            let name = self.network_name(key);
            let existing = docker
                .networks()
                .list(Filters::new().add("name", name.clone()))
                .await?;
            let found = existing.iter().find(|n| n["Name"] == json!(name));
            let id = match (found, spec.external) {
                (Some(n), _) => n["Id"].as_str().unwrap_or(&name).to_string(),
                (None, true) => {
                    return Err(Error::NotFound {
                        message: format!("the external network {name} does not exist"),
                    })
                }
                (None, false) => {
                    let driver = spec.driver.as_deref().unwrap_or("overlay");
                    let mut config = NetworkConfig::new(name.clone())
                        .driver(driver)
                        .attachable(spec.attachable)
                        .internal(spec.internal)
                        .label(NAMESPACE, &stack);
                    for (k, v) in &spec.labels {
                        config = config.label(k, v);
                    }
                    let id = docker.networks().create(&config).await?;
                    report.networks.push(name.clone());
                    id
                }
            };
            network_ids.insert(key.to_string(), json!(id));
        }

        // Secrets and configs: made from their files once; a stack reuses what exists.
        let namespace = BTreeMap::from([(NAMESPACE.to_string(), stack.clone())]);
        let secret_ids = self
            .swarm_data(
                &docker.secrets(),
                "secret",
                &self.secrets,
                &namespace,
                &mut report.secrets,
            )
            .await?;
        let config_ids = self
            .swarm_data(
                &docker.configs(),
                "config",
                &self.configs,
                &namespace,
                &mut report.configs,
            )
            .await?;

        for (name, service) in &self.services {
            let spec = self.service_spec(
                name,
                service,
                &network_ids,
                &secret_ids,
                &config_ids,
                &mut report.warnings,
            )?;
            let full = format!("{stack}_{name}");
            match docker.services().inspect(&full).await {
                Ok(existing) => {
                    docker
                        .services()
                        .update(&existing.id, existing.version(), spec)
                        .await?;
                    report.updated.push(full);
                }
                Err(Error::NotFound { .. }) => {
                    docker.services().create(spec).await?;
                    report.services.push(full);
                }
                Err(e) => return Err(e),
            }
        }
        Ok(report)
    }

    /// Removes everything the stack of this map's name has on the swarm: its
    /// services, then (once their tasks are gone) its networks, secrets and configs.
    pub async fn remove_stack(&self, docker: &Docker) -> Result<StackReport, Error> {
        let stack = self.name.clone();
        let mut report = StackReport {
            stack: stack.clone(),
            ..Default::default()
        };
        let ours = Filters::new().add("label", format!("{NAMESPACE}={stack}"));
        for service in docker.services().list(ours.clone()).await? {
            match docker.services().remove(&service.id).await {
                Ok(()) | Err(Error::NotFound { .. }) => {
                    report.services.push(service.name().to_string())
                }
                Err(e) => return Err(e),
            }
        }
        // A network, secret or config stays in use until the tasks that used it
        // are gone: retried for a while, as the tasks stop.
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        loop {
            let mut busy = None;
            for net in docker.networks().list(ours.clone()).await? {
                let name = net["Name"].as_str().unwrap_or_default().to_string();
                match docker.networks().remove(&name).await {
                    Ok(()) | Err(Error::NotFound { .. }) => report.networks.push(name),
                    Err(e) => busy = Some(e),
                }
            }
            for (data, list) in [
                (docker.secrets(), &mut report.secrets),
                (docker.configs(), &mut report.configs),
            ] {
                for item in data.list(ours.clone()).await? {
                    match data.remove(&item.id).await {
                        Ok(()) | Err(Error::NotFound { .. }) => list.push(item.name().to_string()),
                        Err(e) => busy = Some(e),
                    }
                }
            }
            // A removed network can still be listed for a moment; gone means unlisted.
            if busy.is_none() && !docker.networks().list(ours.clone()).await?.is_empty() {
                busy = Some(Error::Conflict {
                    message: format!("the networks of stack {stack} are still there"),
                });
            }
            match busy {
                None => {
                    report.networks.sort();
                    report.networks.dedup();
                    return Ok(report);
                }
                Some(e) if tokio::time::Instant::now() >= deadline => return Err(e),
                Some(_) => tokio::time::sleep(Duration::from_millis(500)).await,
            }
        }
    }

    /// Creates the stack's secrets or configs that are missing; their ids and
    /// names by key.
    async fn swarm_data(
        &self,
        store: &SwarmData,
        kind: &str,
        all: &BTreeMap<String, DataSpec>,
        labels: &BTreeMap<String, String>,
        made: &mut Vec<String>,
    ) -> Result<Map<String, Value>, Error> {
        let mut ids = Map::new();
        for (key, spec) in all {
            let name = spec
                .name
                .clone()
                .unwrap_or_else(|| format!("{}_{key}", self.name));
            let existing = store
                .list(Filters::new().add("name", name.clone()))
                .await?
                .into_iter()
                .find(|s| s.name() == name)
                .map(|s| s.id);
            let id = match (existing, &spec.file) {
                (Some(id), _) => id,
                (None, _) if spec.external => {
                    return Err(Error::NotFound {
                        message: format!("the external {kind} {name} does not exist"),
                    })
                }
                (None, Some(file)) => {
                    let data =
                        std::fs::read(file).map_err(|e| Error::io(format!("reading {file}"), e))?;
                    let id = store.create(&name, &data, labels).await?;
                    made.push(name.clone());
                    id
                }
                (None, None) => unreachable!("the loader requires a file or external"),
            };
            ids.insert(key.clone(), json!({"id": id, "name": name}));
        }
        Ok(ids)
    }

    /// A service's swarm spec.
    fn service_spec(
        &self,
        name: &str,
        s: &Service,
        networks: &Map<String, Value>,
        secrets: &Map<String, Value>,
        configs: &Map<String, Value>,
        warnings: &mut Vec<String>,
    ) -> Result<Value, Error> {
        let stack = &self.name;
        let deploy = s.deploy.clone().unwrap_or(Value::Null);
        let bad = |key: &str, message: String| {
            let key = format!("services.{name}.deploy.{key}");
            let (file, line) = self.origin(&format!("services.{name}.deploy"));
            Error::InvalidMap {
                file,
                line,
                key,
                message,
            }
        };
        if !s.depends_on.is_empty() {
            warnings.push(format!(
                "{name}: depends_on is ignored by a stack (as by docker stack deploy)"
            ));
        }
        if s.image.is_none() {
            return Err(bad(
                "",
                format!("{name} has no image: a stack cannot build (build it and push it first)"),
            ));
        }

        let mut container = Map::new();
        container.insert("Image".into(), json!(self.image_of(name, s)));
        container.insert("Labels".into(), json!({ NAMESPACE: stack }));
        if let Some(e) = &s.entrypoint {
            container.insert("Command".into(), json!(e));
        }
        if let Some(c) = &s.command {
            container.insert("Args".into(), json!(c));
        }
        let env = environment(s);
        if !env.is_empty() {
            container.insert("Env".into(), json!(env));
        }
        for (key, value) in [
            ("Dir", &s.working_dir),
            ("User", &s.user),
            ("Hostname", &s.hostname),
            ("StopSignal", &s.stop_signal),
        ] {
            if let Some(v) = value {
                container.insert(key.into(), json!(v));
            }
        }
        if let Some(g) = s.stop_grace_period {
            container.insert("StopGracePeriod".into(), json!(g.as_nanos() as u64));
        }
        for (key, on) in [
            ("TTY", s.tty),
            ("OpenStdin", s.stdin_open),
            ("ReadOnly", s.read_only),
            ("Init", s.init),
        ] {
            if on {
                container.insert(key.into(), json!(true));
            }
        }
        if let Some(h) = &s.healthcheck {
            container.insert("Healthcheck".into(), healthcheck(h));
        }
        let mounts: Vec<Value> = s
            .volumes
            .iter()
            .map(|m| match (m.kind, &m.source) {
                (MountKind::Volume, Some(key)) => json!({
                    "Type": "volume", "Source": self.volume_name(key), "Target": m.target, "ReadOnly": m.read_only,
                    "VolumeOptions": {"Labels": { NAMESPACE: stack }},
                }),
                (MountKind::Volume, None) => json!({"Type": "volume", "Target": m.target, "ReadOnly": m.read_only}),
                (MountKind::Bind, source) => json!({"Type": "bind", "Source": source, "Target": m.target, "ReadOnly": m.read_only}),
                (MountKind::Tmpfs, _) => json!({"Type": "tmpfs", "Target": m.target}),
            })
            .collect();
        if !mounts.is_empty() {
            container.insert("Mounts".into(), json!(mounts));
        }
        let file_ref = |r: &DataRef, ids: &Map<String, Value>, key: &str| {
            let id = &ids[&r.source];
            let target = r.target.clone().unwrap_or_else(|| r.source.clone());
            json!({
                key: id["id"], "SecretName": id["name"], "ConfigName": id["name"],
                "File": {"Name": target, "UID": r.uid.clone().unwrap_or_else(|| "0".into()),
                         "GID": r.gid.clone().unwrap_or_else(|| "0".into()), "Mode": r.mode.unwrap_or(0o444)},
            })
        };
        let tidy = |mut v: Value, drop: &str| {
            if let Value::Object(m) = &mut v {
                m.remove(drop);
            }
            v
        };
        if !s.secrets.is_empty() {
            let list: Vec<Value> = s
                .secrets
                .iter()
                .map(|r| tidy(file_ref(r, secrets, "SecretID"), "ConfigName"))
                .collect();
            container.insert("Secrets".into(), json!(list));
        }
        if !s.configs.is_empty() {
            let list: Vec<Value> = s
                .configs
                .iter()
                .map(|r| tidy(file_ref(r, configs, "ConfigID"), "SecretName"))
                .collect();
            container.insert("Configs".into(), json!(list));
        }

        let mut task = json!({ "ContainerSpec": Value::Object(container) });
        // Resources: the service's limits (mem_limit, cpus, deploy.resources.limits), and reservations.
        let mut limits = Map::new();
        if let Some(m) = s.resources.memory {
            limits.insert("MemoryBytes".into(), json!(m));
        }
        if let Some(c) = s.resources.cpus {
            limits.insert("NanoCPUs".into(), json!((c * 1e9).round() as i64));
        }
        let mut resources = json!({});
        if !limits.is_empty() {
            resources["Limits"] = Value::Object(limits);
        }
        if let Some(r) = deploy["resources"]["reservations"].as_object() {
            let mut res = Map::new();
            if let Some(c) = r.get("cpus") {
                let cpus = c
                    .as_f64()
                    .or_else(|| c.as_str().and_then(|t| t.parse().ok()));
                let cpus = cpus.ok_or_else(|| {
                    bad(
                        "resources.reservations.cpus",
                        format!("{c} is not a number of CPUs"),
                    )
                })?;
                res.insert("NanoCPUs".into(), json!((cpus * 1e9).round() as i64));
            }
            if let Some(m) = r.get("memory") {
                let text = m
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| m.to_string());
                let bytes = super::units::parse_bytes(&text).ok_or_else(|| {
                    bad(
                        "resources.reservations.memory",
                        format!("{text} is not a size"),
                    )
                })?;
                res.insert("MemoryBytes".into(), json!(bytes));
            }
            resources["Reservations"] = Value::Object(res);
        }
        task["Resources"] = resources;
        let restart = &deploy["restart_policy"];
        if restart.is_object() {
            let mut policy = json!({"Condition": restart["condition"].as_str().unwrap_or("any")});
            for (key, field) in [("Delay", "delay"), ("Window", "window")] {
                if let Some(d) = restart[field].as_str() {
                    let d = super::units::parse_duration(d).ok_or_else(|| {
                        bad(
                            &format!("restart_policy.{field}"),
                            format!("{d} is not a duration"),
                        )
                    })?;
                    policy[key] = json!(d.as_nanos() as u64);
                }
            }
            if let Some(n) = restart["max_attempts"].as_u64() {
                policy["MaxAttempts"] = json!(n);
            }
            task["RestartPolicy"] = policy;
        } else if let Some(r) = &s.restart {
            let condition = match r.split(':').next() {
                Some("no") => "none",
                Some("on-failure") => "on-failure",
                _ => "any",
            };
            task["RestartPolicy"] = json!({"Condition": condition});
        }
        let placement = &deploy["placement"];
        if placement.is_object() {
            let mut p = json!({});
            if let Some(c) = placement["constraints"].as_array() {
                p["Constraints"] = json!(c);
            }
            if let Some(prefs) = placement["preferences"].as_array() {
                let prefs: Vec<Value> = prefs
                    .iter()
                    .filter_map(|p| p["spread"].as_str())
                    .map(|s| json!({"Spread": {"SpreadDescriptor": s}}))
                    .collect();
                p["Preferences"] = json!(prefs);
            }
            if let Some(n) = placement["max_replicas_per_node"].as_u64() {
                p["MaxReplicas"] = json!(n);
            }
            task["Placement"] = p;
        }
        let nets: Vec<Value> = self
            .networks_of(s)
            .into_iter()
            .map(|key| {
                let mut aliases = vec![name.to_string()];
                if let Some(a) = s.networks.get(key) {
                    aliases.extend(a.aliases.iter().cloned());
                }
                json!({"Target": networks[key], "Aliases": aliases})
            })
            .collect();
        if !nets.is_empty() {
            task["Networks"] = json!(nets);
        }

        let mode = match deploy["mode"].as_str() {
            Some("global") => json!({"Global": {}}),
            None | Some("replicated") => json!({"Replicated": {"Replicas": s.instances}}),
            Some(other) => {
                return Err(bad(
                    "mode",
                    format!("{other:?} is not a mode: replicated or global"),
                ))
            }
        };
        let mut labels = json!({ NAMESPACE: stack });
        if let Some(l) = deploy["labels"].as_object() {
            for (k, v) in l {
                labels[k] = json!(v
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| v.to_string()));
            }
        }
        let mut spec = json!({
            "Name": format!("{stack}_{name}"),
            "Labels": labels,
            "TaskTemplate": task,
            "Mode": mode,
        });
        for (key, field) in [
            ("UpdateConfig", "update_config"),
            ("RollbackConfig", "rollback_config"),
        ] {
            let c = &deploy[field];
            if c.is_object() {
                let mut out = json!({});
                if let Some(n) = c["parallelism"].as_u64() {
                    out["Parallelism"] = json!(n);
                }
                for (k, f) in [("Delay", "delay"), ("Monitor", "monitor")] {
                    if let Some(d) = c[f].as_str() {
                        let d = super::units::parse_duration(d).ok_or_else(|| {
                            bad(&format!("{field}.{f}"), format!("{d} is not a duration"))
                        })?;
                        out[k] = json!(d.as_nanos() as u64);
                    }
                }
                if let Some(a) = c["failure_action"].as_str() {
                    out["FailureAction"] = json!(a);
                }
                if let Some(r) = c["max_failure_ratio"].as_f64() {
                    out["MaxFailureRatio"] = json!(r);
                }
                if let Some(o) = c["order"].as_str() {
                    out["Order"] = json!(o);
                }
                spec[key] = out;
            }
        }
        if !s.ports.is_empty() {
            let ports: Vec<Value> = s
                .ports
                .iter()
                .map(|p| {
                    let mut port = json!({"TargetPort": p.target, "Protocol": p.protocol, "PublishMode": "ingress"});
                    if let Some(h) = p.published {
                        port["PublishedPort"] = json!(h);
                    }
                    port
                })
                .collect();
            spec["EndpointSpec"] = json!({"Ports": ports});
        }
        if deploy["endpoint_mode"].as_str() == Some("dnsrr") {
            spec["EndpointSpec"]["Mode"] = json!("dnsrr");
        }
        Ok(spec)
    }
}
