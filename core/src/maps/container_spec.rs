//! A service as the Engine's container-create body: what every container of the
//! service shares (hashed for `update`), then each instance's labels and name.

use serde_json::{json, Map, Value};

use super::labels;
use super::model::{ContainerMap, Healthcheck, MountKind, Service};

/// The body shared by the service's containers, before their own labels.
/// Environment entries without a value take it from this process's environment.
pub fn service_body(map: &ContainerMap, name: &str, service: &Service) -> Value {
    let mut config = Map::new();
    config.insert("Image".into(), json!(map.image_of(name, service)));
    if let Some(cmd) = &service.command {
        config.insert("Cmd".into(), json!(cmd));
    }
    if let Some(entrypoint) = &service.entrypoint {
        config.insert("Entrypoint".into(), json!(entrypoint));
    }
    let env = environment(service);
    if !env.is_empty() {
        config.insert("Env".into(), json!(env));
    }
    config.insert("Labels".into(), json!(service.labels));
    for (key, value) in [
        ("WorkingDir", &service.working_dir),
        ("User", &service.user),
        ("Hostname", &service.hostname),
        ("StopSignal", &service.stop_signal),
    ] {
        if let Some(v) = value {
            config.insert(key.into(), json!(v));
        }
    }
    if service.tty {
        config.insert("Tty".into(), json!(true));
    }
    if service.stdin_open {
        config.insert("OpenStdin".into(), json!(true));
    }
    if let Some(grace) = service.stop_grace_period {
        config.insert("StopTimeout".into(), json!(grace.as_secs()));
    }
    if let Some(h) = &service.healthcheck {
        config.insert("Healthcheck".into(), healthcheck(h));
    }

    let mut exposed = Map::new();
    let mut bindings = Map::new();
    for port in &service.expose {
        let key = if port.contains('/') {
            port.clone()
        } else {
            format!("{port}/tcp")
        };
        exposed.insert(key, json!({}));
    }
    for p in &service.ports {
        let key = format!("{}/{}", p.target, p.protocol);
        exposed.insert(key.clone(), json!({}));
        let binding = json!({
            "HostIp": p.host_ip.clone().unwrap_or_default(),
            "HostPort": p.published.map(|h| h.to_string()).unwrap_or_default(),
        });
        match bindings.entry(key).or_insert_with(|| json!([])) {
            Value::Array(list) => list.push(binding),
            _ => unreachable!("port bindings are lists"),
        }
    }
    if !exposed.is_empty() {
        config.insert("ExposedPorts".into(), Value::Object(exposed));
    }

    let mut host = Map::new();
    if !bindings.is_empty() {
        host.insert("PortBindings".into(), Value::Object(bindings));
    }
    let mut mounts: Vec<Value> = service
        .volumes
        .iter()
        .map(|m| {
            let mut mount = json!({"Type": match m.kind {
                MountKind::Volume => "volume",
                MountKind::Bind => "bind",
                MountKind::Tmpfs => "tmpfs",
            }, "Target": m.target});
            let source = match (m.kind, &m.source) {
                (MountKind::Volume, Some(key)) => Some(map.volume_name(key)),
                (MountKind::Bind, Some(path)) => Some(path.clone()),
                _ => None,
            };
            if let Some(source) = source {
                mount["Source"] = json!(source);
            }
            if m.read_only {
                mount["ReadOnly"] = json!(true);
            }
            mount
        })
        .collect();
    // Outside a swarm, a secret or config is its file, mounted read-only where
    // a swarm would put it (as Compose does).
    for (refs, declared, dir) in [
        (&service.secrets, &map.secrets, "/run/secrets/"),
        (&service.configs, &map.configs, "/"),
    ] {
        for r in refs {
            if let Some(file) = declared.get(&r.source).and_then(|d| d.file.as_ref()) {
                let target = r.target.clone().unwrap_or_else(|| r.source.clone());
                let target = if target.starts_with('/') {
                    target
                } else {
                    format!("{dir}{target}")
                };
                mounts.push(
                    json!({"Type": "bind", "Source": file, "Target": target, "ReadOnly": true}),
                );
            }
        }
    }
    if !mounts.is_empty() {
        host.insert("Mounts".into(), json!(mounts));
    }
    if let Some(policy) = &service.restart {
        let (name, retries) = match policy.split_once(':') {
            Some((n, r)) => (n, r.parse::<i64>().unwrap_or(0)),
            None => (policy.as_str(), 0),
        };
        let name = if name == "no" { "" } else { name };
        host.insert(
            "RestartPolicy".into(),
            json!({"Name": name, "MaximumRetryCount": retries}),
        );
    }
    if let Some(memory) = service.resources.memory {
        host.insert("Memory".into(), json!(memory));
    }
    if let Some(cpus) = service.resources.cpus {
        host.insert("NanoCpus".into(), json!((cpus * 1e9).round() as i64));
    }
    for (key, on) in [
        ("Init", service.init),
        ("Privileged", service.privileged),
        ("ReadonlyRootfs", service.read_only),
    ] {
        if on {
            host.insert(key.into(), json!(true));
        }
    }
    for (key, list) in [
        ("CapAdd", &service.cap_add),
        ("CapDrop", &service.cap_drop),
        ("ExtraHosts", &service.extra_hosts),
        ("Dns", &service.dns),
    ] {
        if !list.is_empty() {
            host.insert(key.into(), json!(list));
        }
    }
    let networks = map.networks_of(service);
    match (&service.network_mode, networks.first()) {
        (Some(mode), _) => {
            host.insert("NetworkMode".into(), json!(mode));
        }
        (None, Some(first)) => {
            host.insert("NetworkMode".into(), json!(map.network_name(first)));
            config.insert(
                "NetworkingConfig".into(),
                json!({"EndpointsConfig": {map.network_name(first): {"Aliases": aliases(name, service, first)}}}),
            );
        }
        (None, None) => {}
    }
    config.insert("HostConfig".into(), Value::Object(host));
    Value::Object(config)
}

/// The service's environment as `KEY=value`; an entry without a value takes it
/// from this process's environment, and is left out where that has none.
pub fn environment(service: &Service) -> Vec<String> {
    service
        .environment
        .iter()
        .filter_map(|(k, v)| match v {
            Some(v) => Some(format!("{k}={v}")),
            None => std::env::var(k).ok().map(|v| format!("{k}={v}")),
        })
        .collect()
}

/// A healthcheck as the Engine takes it (containers and swarm services alike).
pub fn healthcheck(h: &Healthcheck) -> Value {
    let mut check = Map::new();
    check.insert("Test".into(), json!(h.test));
    for (key, d) in [
        ("Interval", h.interval),
        ("Timeout", h.timeout),
        ("StartPeriod", h.start_period),
    ] {
        if let Some(d) = d {
            check.insert(key.into(), json!(d.as_nanos() as u64));
        }
    }
    if let Some(r) = h.retries {
        check.insert("Retries".into(), json!(r));
    }
    Value::Object(check)
}

/// A network's aliases for the service: its name, and those the map gives.
pub fn aliases(name: &str, service: &Service, network: &str) -> Vec<String> {
    let mut all = vec![name.to_string()];
    if let Some(a) = service.networks.get(network) {
        all.extend(a.aliases.iter().cloned());
    }
    all
}

/// The networks a container joins after it is created (the API creates it in one).
pub fn later_networks<'a>(map: &'a ContainerMap, service: &'a Service) -> Vec<&'a str> {
    map.networks_of(service).into_iter().skip(1).collect()
}

/// One container's body: the service's, with the labels Compose sets.
pub fn instance_body(
    map: &ContainerMap,
    service_name: &str,
    shared: &Value,
    hash: &str,
    number: u32,
    client: &str,
) -> Value {
    let mut body = shared.clone();
    let mut extra = vec![
        (labels::PROJECT, map.name.clone()),
        (labels::SERVICE, service_name.to_string()),
        (labels::NUMBER, number.to_string()),
        (labels::ONEOFF, "False".to_string()),
        (labels::CONFIG_HASH, hash.to_string()),
        (labels::WORKING_DIR, map.working_dir.display().to_string()),
        (labels::VERSION, labels::COMPOSE_VERSION.to_string()),
        (labels::CLIENT, client.to_string()),
    ];
    if !map.files.is_empty() {
        let files: Vec<String> = map.files.iter().map(|f| f.display().to_string()).collect();
        extra.push((labels::CONFIG_FILES, files.join(",")));
    }
    if let Value::Object(l) = &mut body["Labels"] {
        for (k, v) in extra {
            l.insert(k.to_string(), json!(v));
        }
    }
    body
}
