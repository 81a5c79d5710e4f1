//! Networks: the 7 Network operations as typed methods over `invoke`.
//!
//! ```no_run
//! # async fn demo(docker: libdocker::Docker) -> Result<(), libdocker::Error> {
//! use libdocker::resources::networks::{ConnectOptions, NetworkConfig};
//! let nets = docker.networks();
//! let id = nets.create(&NetworkConfig::new("backend").subnet("10.99.0.0/24", Some("10.99.0.1"))).await?;
//! nets.connect(&id, "web", ConnectOptions { aliases: vec!["api".into()], ..Default::default() }).await?;
//! # Ok(()) }
//! ```

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::container_models::PruneReport;
use crate::client::Docker;
use crate::error::Error;
use crate::filters::Filters;

/// The networks of one daemon.
#[derive(Debug, Clone)]
pub struct Networks {
    docker: Docker,
}

impl Docker {
    /// Network operations.
    pub fn networks(&self) -> Networks {
        Networks {
            docker: self.clone(),
        }
    }
}

/// What a network is created with.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NetworkConfig {
    pub name: String,
    /// `bridge` (the default), `overlay`, `macvlan`, …
    pub driver: Option<String>,
    /// No access to the outside.
    pub internal: bool,
    /// Standalone containers may attach (swarm networks).
    pub attachable: bool,
    pub labels: BTreeMap<String, String>,
    /// Driver options, e.g. `com.docker.network.bridge.name`.
    pub options: BTreeMap<String, String>,
    /// IPAM pools: (subnet, gateway).
    pub subnets: Vec<(String, Option<String>)>,
}

impl NetworkConfig {
    pub fn new(name: impl Into<String>) -> Self {
        NetworkConfig {
            name: name.into(),
            ..Default::default()
        }
    }

    pub fn driver(mut self, driver: &str) -> Self {
        self.driver = Some(driver.to_string());
        self
    }

    pub fn internal(mut self, internal: bool) -> Self {
        self.internal = internal;
        self
    }

    pub fn attachable(mut self, attachable: bool) -> Self {
        self.attachable = attachable;
        self
    }

    pub fn label(mut self, key: &str, value: &str) -> Self {
        self.labels.insert(key.to_string(), value.to_string());
        self
    }

    pub fn option(mut self, key: &str, value: &str) -> Self {
        self.options.insert(key.to_string(), value.to_string());
        self
    }

    /// An IPAM pool, e.g. `subnet("10.99.0.0/24", Some("10.99.0.1"))`.
    pub fn subnet(mut self, subnet: &str, gateway: Option<&str>) -> Self {
        self.subnets
            .push((subnet.to_string(), gateway.map(str::to_string)));
        self
    }

    /// The create body as the daemon reads it.
    pub fn to_json(&self) -> Value {
        let mut body = json!({
            "Name": self.name,
            "Internal": self.internal,
            "Attachable": self.attachable,
            "Labels": self.labels,
            "Options": self.options,
        });
        if let Some(d) = &self.driver {
            body["Driver"] = json!(d);
        }
        if !self.subnets.is_empty() {
            let config: Vec<Value> = self
                .subnets
                .iter()
                .map(|(subnet, gw)| match gw {
                    Some(gw) => json!({"Subnet": subnet, "Gateway": gw}),
                    None => json!({"Subnet": subnet}),
                })
                .collect();
            body["IPAM"] = json!({"Driver": "default", "Config": config});
        }
        body
    }
}

/// How a container joins a network.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConnectOptions {
    /// Extra DNS names of the container on this network.
    pub aliases: Vec<String>,
    /// A fixed IPv4 address (the network needs a configured subnet).
    pub ipv4_address: Option<String>,
}

impl Networks {
    /// Networks as the daemon lists them (`name`, `driver`, `label`, … filters).
    pub async fn list(&self, filters: Filters) -> Result<Vec<Value>, Error> {
        self.docker
            .invoke("NetworkList", json!({ "filters": filters.to_json() }))
            .typed()
            .await
    }

    /// A network with its containers (`verbose` adds swarm service details).
    pub async fn inspect(&self, id: &str, verbose: bool) -> Result<Value, Error> {
        self.docker
            .invoke("NetworkInspect", json!({ "id": id, "verbose": verbose }))
            .await?
            .into_json()
    }

    /// Creates a network; returns its id.
    pub async fn create(&self, config: &NetworkConfig) -> Result<String, Error> {
        let v = self
            .docker
            .invoke(
                "NetworkCreate",
                json!({ "networkConfig": config.to_json() }),
            )
            .await?
            .into_json()?;
        v.get("Id")
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| Error::decode("the network create answer", "it has no Id"))
    }

    /// Connects a container.
    pub async fn connect(
        &self,
        network: &str,
        container: &str,
        options: ConnectOptions,
    ) -> Result<(), Error> {
        let mut endpoint = json!({});
        if !options.aliases.is_empty() {
            endpoint["Aliases"] = json!(options.aliases);
        }
        if let Some(ip) = &options.ipv4_address {
            endpoint["IPAMConfig"] = json!({ "IPv4Address": ip });
        }
        let body = json!({ "Container": container, "EndpointConfig": endpoint });
        self.docker
            .invoke(
                "NetworkConnect",
                json!({ "id": network, "container": body }),
            )
            .await
            .map(drop)
    }

    /// Disconnects a container (`force` even if it is not running).
    pub async fn disconnect(
        &self,
        network: &str,
        container: &str,
        force: bool,
    ) -> Result<(), Error> {
        let body = json!({ "Container": container, "Force": force });
        self.docker
            .invoke(
                "NetworkDisconnect",
                json!({ "id": network, "container": body }),
            )
            .await
            .map(drop)
    }

    pub async fn remove(&self, id: &str) -> Result<(), Error> {
        self.docker
            .invoke("NetworkDelete", json!({ "id": id }))
            .await
            .map(drop)
    }

    /// Removes unused networks matching `filters`.
    pub async fn prune(&self, filters: Filters) -> Result<PruneReport, Error> {
        let v = self
            .docker
            .invoke("NetworkPrune", json!({ "filters": filters.to_json() }))
            .await?
            .into_json()?;
        Ok(PruneReport::from_json(&v, "NetworksDeleted"))
    }
}
