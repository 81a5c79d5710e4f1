//! Checks across a map's parts, made when it is loaded, before any daemon is
//! touched: dependencies name services and have no cycle; networks, volumes and
//! clients that services name are declared.

use super::graph;
use super::model::{ContainerMap, MountKind};
use crate::error::Error;

pub fn validate(map: &ContainerMap) -> Result<(), Error> {
    let error = |key: String, message: String| {
        let (file, line) = map.origin(&key);
        Error::InvalidMap {
            file,
            line,
            key,
            message,
        }
    };
    for (name, service) in &map.services {
        for dep in service.depends_on.keys() {
            if !map.services.contains_key(dep) {
                let key = format!("services.{name}.depends_on.{dep}");
                let key = if map.origins.lines.contains_key(&key) {
                    key
                } else {
                    format!("services.{name}.depends_on")
                };
                return Err(error(key, format!("`{dep}` is not a service of this map")));
            }
        }
        for net in service.networks.keys() {
            if !map.networks.contains_key(net) {
                return Err(error(
                    format!("services.{name}.networks"),
                    format!("the network `{net}` is not declared under the top-level `networks:`"),
                ));
            }
        }
        for mount in &service.volumes {
            if let (MountKind::Volume, Some(source)) = (mount.kind, &mount.source) {
                if !map.volumes.contains_key(source) {
                    return Err(error(
                        format!("services.{name}.volumes"),
                        format!(
                            "the volume `{source}` is not declared under the top-level `volumes:`"
                        ),
                    ));
                }
            }
        }
        for (kind, refs, declared) in [
            ("secret", &service.secrets, &map.secrets),
            ("config", &service.configs, &map.configs),
        ] {
            for r in refs {
                if !declared.contains_key(&r.source) {
                    return Err(error(
                        format!("services.{name}.{kind}s"),
                        format!(
                            "the {kind} `{}` is not declared under the top-level `{kind}s:`",
                            r.source
                        ),
                    ));
                }
            }
        }
        if !map.clients.is_empty() {
            for client in &service.clients {
                if !map.clients.contains_key(client) {
                    let known: Vec<&str> = map.clients.keys().map(String::as_str).collect();
                    return Err(error(
                        format!("services.{name}.x-libdocker.clients"),
                        format!(
                            "`{client}` is not a client of this map; it has: {}",
                            known.join(", ")
                        ),
                    ));
                }
            }
        }
    }
    if let Err(cycle) = graph::order(map) {
        return Err(error(
            format!("services.{}.depends_on", cycle[0]),
            format!(
                "the services depend on each other in a cycle: {}",
                cycle.join(" → ")
            ),
        ));
    }
    Ok(())
}
