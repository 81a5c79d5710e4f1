//! What the daemons hold of a map now: its containers (found by the project
//! label, whoever made them: us or Compose), and which of its networks, volumes
//! and images exist. Plans are made against this.

use std::collections::{BTreeMap, BTreeSet};

use futures_util::future::try_join_all;
use serde::Serialize;

use super::clients::Clients;
use super::labels;
use super::model::ContainerMap;
use crate::error::Error;
use crate::filters::Filters;
use crate::resources::containers::ListOptions;

/// One container of the project on one daemon.
#[derive(Debug, Clone, Serialize)]
pub struct Existing {
    pub client: String,
    pub id: String,
    pub name: String,
    pub service: String,
    pub number: u32,
    /// The config hash it was made with (empty when it has none).
    pub hash: String,
    /// `created`, `running`, `exited`, `paused`, …
    pub state: String,
    /// The daemon's words: `Up 3 minutes (healthy)`.
    pub status: String,
    pub image: String,
}

impl Existing {
    pub fn is_running(&self) -> bool {
        self.state == "running" || self.state == "paused" || self.state == "restarting"
    }
}

/// One daemon's part.
#[derive(Debug, Clone, Default)]
pub struct ClientState {
    pub containers: Vec<Existing>,
    pub networks: BTreeSet<String>,
    pub volumes: BTreeSet<String>,
    /// The images the map needs that the daemon has.
    pub images: BTreeSet<String>,
}

/// Every daemon's part, by client name.
#[derive(Debug, Clone, Default)]
pub struct State {
    pub clients: BTreeMap<String, ClientState>,
}

impl State {
    pub fn client(&self, name: &str) -> &ClientState {
        static EMPTY: std::sync::OnceLock<ClientState> = std::sync::OnceLock::new();
        self.clients
            .get(name)
            .unwrap_or_else(|| EMPTY.get_or_init(ClientState::default))
    }
}

/// The clients the map's services run on, in name order.
pub fn used_clients(map: &ContainerMap) -> Vec<String> {
    let set: BTreeSet<&str> = map
        .services
        .values()
        .flat_map(|s| map.clients_of(s))
        .collect();
    set.into_iter().map(str::to_string).collect()
}

/// Reads the state of every daemon the map uses, all at once.
pub async fn observe(map: &ContainerMap, clients: &Clients) -> Result<State, Error> {
    let names = used_clients(map);
    let parts = try_join_all(names.iter().map(|name| observe_one(map, clients, name))).await?;
    Ok(State {
        clients: names.into_iter().zip(parts).collect(),
    })
}

/// The project's containers on one daemon.
pub async fn containers(
    map: &ContainerMap,
    clients: &Clients,
    client: &str,
) -> Result<Vec<Existing>, Error> {
    let docker = clients.get(client).expect("clients are checked before use");
    let filters = Filters::new().add("label", format!("{}={}", labels::PROJECT, map.name));
    let list = docker
        .containers()
        .list(ListOptions {
            all: true,
            filters,
            ..Default::default()
        })
        .await?;
    let mut out: Vec<Existing> = list
        .into_iter()
        .filter(|c| c.labels.get(labels::ONEOFF).map(String::as_str) != Some("True"))
        .map(|c| Existing {
            client: client.to_string(),
            name: c
                .names
                .first()
                .map(|n| n.trim_start_matches('/').to_string())
                .unwrap_or_default(),
            service: c.labels.get(labels::SERVICE).cloned().unwrap_or_default(),
            number: c
                .labels
                .get(labels::NUMBER)
                .and_then(|n| n.parse().ok())
                .unwrap_or(0),
            hash: c
                .labels
                .get(labels::CONFIG_HASH)
                .cloned()
                .unwrap_or_default(),
            id: c.id,
            state: c.state,
            status: c.status,
            image: c.image,
        })
        .collect();
    out.sort_by(|a, b| (&a.service, a.number).cmp(&(&b.service, b.number)));
    Ok(out)
}

async fn observe_one(
    map: &ContainerMap,
    clients: &Clients,
    client: &str,
) -> Result<ClientState, Error> {
    let docker = clients.get(client).expect("clients are checked before use");
    let containers = containers(map, clients, client);
    let (network_api, volume_api) = (docker.networks(), docker.volumes());
    let networks = network_api.list(Filters::new());
    let volumes = volume_api.list(Filters::new());
    let images: BTreeSet<String> = map
        .services
        .iter()
        .filter(|(_, s)| map.clients_of(s).contains(&client))
        .map(|(n, s)| map.image_of(n, s))
        .collect();
    let present = try_join_all(images.into_iter().map(|image| async move {
        match docker.images().inspect(&image).await {
            Ok(_) => Ok(Some(image)),
            Err(Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }));
    let (containers, networks, volumes, present) =
        tokio::try_join!(containers, networks, volumes, present)?;
    Ok(ClientState {
        containers,
        networks: networks
            .iter()
            .filter_map(|n| n["Name"].as_str().map(str::to_string))
            .collect(),
        volumes: volumes.into_iter().map(|v| v.name).collect(),
        images: present.into_iter().flatten().collect(),
    })
}
