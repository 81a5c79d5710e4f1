//! What an action would do, step by step, given what the daemons hold now: the
//! dry run (`plan`), and the list the executor carries out. Each action's rule
//! is here in one place; how a step is done is `steps.rs`'s.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Serialize;

use super::container_spec::service_body;
use super::labels;
use super::model::{ContainerMap, PullPolicy};
use super::state::{used_clients, State};

/// The things a map can be asked to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Create what is missing, start what is stopped, recreate what changed.
    Up,
    /// Recreate only the containers whose configuration changed (and create new ones).
    Update,
    /// Stop and remove the containers, then the networks (and volumes, if asked).
    Down,
    Start,
    Stop,
    Restart,
    /// Pull the images of the services that are not built.
    Pull,
    /// Build the images of the services that have `build:`.
    Build,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Up => "up",
            Action::Update => "update",
            Action::Down => "down",
            Action::Start => "start",
            Action::Stop => "stop",
            Action::Restart => "restart",
            Action::Pull => "pull",
            Action::Build => "build",
        }
    }

    /// The action named `name` (`up`, `down`, …).
    pub fn parse(name: &str) -> Option<Action> {
        [
            Action::Up,
            Action::Update,
            Action::Down,
            Action::Start,
            Action::Stop,
            Action::Restart,
            Action::Pull,
            Action::Build,
        ]
        .into_iter()
        .find(|a| a.as_str() == name)
    }

    /// Whether services go after their dependents (stopping) rather than before.
    pub(crate) fn reversed(self) -> bool {
        matches!(self, Action::Down | Action::Stop)
    }

    /// Whether dependents wait for their dependencies' conditions.
    pub(crate) fn waits_for_conditions(self) -> bool {
        matches!(
            self,
            Action::Up | Action::Update | Action::Start | Action::Restart
        )
    }
}

/// How an action is done.
#[derive(Debug, Clone, Default)]
pub struct ActionOptions {
    /// `down`: remove the map's named volumes and containers' anonymous ones too.
    pub volumes: bool,
    /// `stop`, `restart`, `down`, and recreations: how long a container has to
    /// stop before it is killed (its own `stop_grace_period`, else the daemon's default).
    pub timeout: Option<Duration>,
}

/// One thing to do on one daemon.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    CreateNetwork,
    CreateVolume,
    Pull,
    Build,
    /// Create a container (not started yet).
    Create,
    /// Stop, remove, create and start a container whose configuration changed.
    Recreate,
    Start,
    Stop,
    Restart,
    /// Stop and remove a container.
    Remove,
    RemoveNetwork,
    RemoveVolume,
}

impl StepKind {
    pub fn as_str(self) -> &'static str {
        match self {
            StepKind::CreateNetwork => "create_network",
            StepKind::CreateVolume => "create_volume",
            StepKind::Pull => "pull",
            StepKind::Build => "build",
            StepKind::Create => "create",
            StepKind::Recreate => "recreate",
            StepKind::Start => "start",
            StepKind::Stop => "stop",
            StepKind::Restart => "restart",
            StepKind::Remove => "remove",
            StepKind::RemoveNetwork => "remove_network",
            StepKind::RemoveVolume => "remove_volume",
        }
    }

    /// Networks and volumes: made before the services, removed after them.
    pub(crate) fn is_shared(self) -> bool {
        matches!(
            self,
            StepKind::CreateNetwork
                | StepKind::CreateVolume
                | StepKind::RemoveNetwork
                | StepKind::RemoveVolume
        )
    }
}

/// One step: what, on which client, for which service, to which object.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Step {
    pub step: StepKind,
    /// The client's name (`""`: the default client).
    pub client: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// The container, network, volume or image.
    pub target: String,
    /// Why, when it is not plain (`configuration changed`, `scaled down`).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub reason: String,
    /// The container's number within its service (0 for other steps).
    #[serde(skip_serializing_if = "is_zero")]
    pub number: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// The steps of one action, in an order that could be carried out one by one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    pub action: Action,
    pub steps: Vec<Step>,
}

/// What each service's containers should be made from, and its hash.
#[derive(Debug, Clone, Default)]
pub struct Desired {
    pub bodies: BTreeMap<String, (serde_json::Value, String)>,
}

impl Desired {
    pub fn of(map: &ContainerMap) -> Desired {
        Desired {
            bodies: map
                .services
                .iter()
                .map(|(name, service)| {
                    let body = service_body(map, name, service);
                    let hash = labels::config_hash(&body);
                    (name.clone(), (body, hash))
                })
                .collect(),
        }
    }
}

/// The plan of `action` against `state`.
pub fn plan(
    map: &ContainerMap,
    desired: &Desired,
    state: &State,
    action: Action,
    options: &ActionOptions,
) -> Plan {
    let mut steps = Vec::new();
    let step =
        |step, client: &str, service: Option<&str>, target: String, reason: &str, number| Step {
            step,
            client: client.to_string(),
            service: service.map(str::to_string),
            target,
            reason: reason.to_string(),
            number,
        };
    let clients = used_clients(map);
    match action {
        Action::Up | Action::Update => {
            for client in &clients {
                let have = state.client(client);
                let mut nets = std::collections::BTreeSet::new();
                let mut vols = std::collections::BTreeSet::new();
                for service in map
                    .services
                    .values()
                    .filter(|s| map.clients_of(s).contains(&client.as_str()))
                {
                    nets.extend(map.networks_of(service));
                    vols.extend(service.volumes.iter().filter_map(|m| {
                        m.source.as_deref().filter(|s| map.volumes.contains_key(*s))
                    }));
                }
                for key in nets {
                    let name = map.network_name(key);
                    if !map.networks[key].external && !have.networks.contains(&name) {
                        steps.push(step(StepKind::CreateNetwork, client, None, name, "", 0));
                    }
                }
                for key in vols {
                    let name = map.volume_name(key);
                    if !map.volumes[key].external && !have.volumes.contains(&name) {
                        steps.push(step(StepKind::CreateVolume, client, None, name, "", 0));
                    }
                }
            }
            for (name, service) in &map.services {
                let (_, hash) = &desired.bodies[name];
                for client in map.clients_of(service) {
                    let have = state.client(client);
                    let image = map.image_of(name, service);
                    let missing = !have.images.contains(&image);
                    match service.pull_policy {
                        PullPolicy::Build if missing => steps.push(step(
                            StepKind::Build,
                            client,
                            Some(name),
                            image,
                            "image missing",
                            0,
                        )),
                        PullPolicy::Missing if missing && service.build.is_some() => {
                            steps.push(step(
                                StepKind::Build,
                                client,
                                Some(name),
                                image,
                                "image missing",
                                0,
                            ))
                        }
                        PullPolicy::Missing if missing => steps.push(step(
                            StepKind::Pull,
                            client,
                            Some(name),
                            image,
                            "image missing",
                            0,
                        )),
                        PullPolicy::Always => steps.push(step(
                            StepKind::Pull,
                            client,
                            Some(name),
                            image,
                            "pull_policy: always",
                            0,
                        )),
                        _ => {}
                    }
                    let existing: Vec<_> = have
                        .containers
                        .iter()
                        .filter(|c| &c.service == name)
                        .collect();
                    for number in 1..=service.instances {
                        let container = existing.iter().find(|c| c.number == number);
                        let wanted = service
                            .container_name
                            .clone()
                            .unwrap_or_else(|| labels::container_name(&map.name, name, number));
                        match container {
                            None => {
                                steps.push(step(
                                    StepKind::Create,
                                    client,
                                    Some(name),
                                    wanted.clone(),
                                    "",
                                    number,
                                ));
                                steps.push(step(
                                    StepKind::Start,
                                    client,
                                    Some(name),
                                    wanted,
                                    "",
                                    number,
                                ));
                            }
                            Some(c) if &c.hash != hash => steps.push(step(
                                StepKind::Recreate,
                                client,
                                Some(name),
                                c.name.clone(),
                                "configuration changed",
                                number,
                            )),
                            Some(c) if action == Action::Up && !c.is_running() => steps.push(step(
                                StepKind::Start,
                                client,
                                Some(name),
                                c.name.clone(),
                                "",
                                number,
                            )),
                            Some(_) => {}
                        }
                    }
                    for extra in existing
                        .iter()
                        .filter(|c| c.number > service.instances || c.number == 0)
                    {
                        steps.push(step(
                            StepKind::Remove,
                            client,
                            Some(name),
                            extra.name.clone(),
                            "scaled down",
                            extra.number,
                        ));
                    }
                }
            }
        }
        Action::Down => {
            for client in &clients {
                let have = state.client(client);
                for c in &have.containers {
                    let reason = if map.services.contains_key(&c.service) {
                        ""
                    } else {
                        "not in the map (orphan)"
                    };
                    steps.push(step(
                        StepKind::Remove,
                        client,
                        Some(&c.service),
                        c.name.clone(),
                        reason,
                        c.number,
                    ));
                }
                for (key, spec) in &map.networks {
                    let name = map.network_name(key);
                    if !spec.external && have.networks.contains(&name) {
                        steps.push(step(StepKind::RemoveNetwork, client, None, name, "", 0));
                    }
                }
                if options.volumes {
                    for (key, spec) in &map.volumes {
                        let name = map.volume_name(key);
                        if !spec.external && have.volumes.contains(&name) {
                            steps.push(step(StepKind::RemoveVolume, client, None, name, "", 0));
                        }
                    }
                }
            }
        }
        Action::Start | Action::Stop | Action::Restart => {
            for client in &clients {
                for c in &state.client(client).containers {
                    if !map.services.contains_key(&c.service) {
                        continue;
                    }
                    let kind = match action {
                        Action::Start if !c.is_running() => StepKind::Start,
                        Action::Stop if c.is_running() => StepKind::Stop,
                        Action::Restart => StepKind::Restart,
                        _ => continue,
                    };
                    steps.push(step(
                        kind,
                        client,
                        Some(&c.service),
                        c.name.clone(),
                        "",
                        c.number,
                    ));
                }
            }
        }
        Action::Pull | Action::Build => {
            for (name, service) in &map.services {
                let builds = service.build.is_some();
                let wanted = match action {
                    Action::Pull => {
                        !builds
                            || service.image.is_some() && service.pull_policy != PullPolicy::Build
                    }
                    _ => builds,
                };
                if !wanted {
                    continue;
                }
                let kind = if action == Action::Pull {
                    StepKind::Pull
                } else {
                    StepKind::Build
                };
                for client in map.clients_of(service) {
                    steps.push(step(
                        kind,
                        client,
                        Some(name),
                        map.image_of(name, service),
                        "",
                        0,
                    ));
                }
            }
        }
    }
    Plan { action, steps }
}
