//! Nodes: the 4 Node operations as typed methods over `invoke`, with
//! `set_availability` and `set_labels` (an inspect, then an update of that version).
//!
//! ```no_run
//! # async fn demo(docker: libdocker::Docker) -> Result<(), libdocker::Error> {
//! use libdocker::resources::nodes::Availability;
//! docker.nodes().set_availability("worker-1", Availability::Drain).await?; // its tasks move
//! # Ok(()) }
//! ```

use std::collections::BTreeMap;
use std::fmt;

use serde_json::{json, Value};

use super::swarm_models::Node;
use crate::client::Docker;
use crate::error::Error;
use crate::filters::Filters;

/// The nodes of a swarm (ask a manager).
#[derive(Debug, Clone)]
pub struct Nodes {
    docker: Docker,
}

impl Docker {
    /// Node operations.
    pub fn nodes(&self) -> Nodes {
        Nodes {
            docker: self.clone(),
        }
    }
}

/// Whether the scheduler gives a node tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Availability {
    /// It takes new tasks.
    Active,
    /// It keeps its tasks but takes no new ones.
    Pause,
    /// Its tasks move to other nodes.
    Drain,
}

impl Availability {
    pub fn as_str(self) -> &'static str {
        match self {
            Availability::Active => "active",
            Availability::Pause => "pause",
            Availability::Drain => "drain",
        }
    }

    /// `active`, `pause` or `drain`.
    pub fn parse(name: &str) -> Result<Availability, Error> {
        match name {
            "active" => Ok(Availability::Active),
            "pause" => Ok(Availability::Pause),
            "drain" => Ok(Availability::Drain),
            other => Err(Error::invalid(format!(
                "unknown node availability {other:?}: expected active, pause or drain"
            ))),
        }
    }
}

impl fmt::Display for Availability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Nodes {
    /// Nodes matching `filters` (`id`, `name`, `role`, `membership`, `label`, …).
    pub async fn list(&self, filters: Filters) -> Result<Vec<Node>, Error> {
        self.docker
            .invoke("NodeList", json!({ "filters": filters.to_json() }))
            .typed()
            .await
    }

    /// A node by id or hostname (`self` is the node asked).
    pub async fn inspect(&self, id: &str) -> Result<Node, Error> {
        self.docker
            .invoke("NodeInspect", json!({ "id": id }))
            .typed()
            .await
    }

    /// Replaces the node's spec (`Role`, `Availability`, `Labels`, `Name`);
    /// `version` is the one it was read at (an older one is [`Error::OutOfSequence`]).
    pub async fn update(&self, id: &str, version: u64, spec: Value) -> Result<(), Error> {
        self.docker
            .invoke(
                "NodeUpdate",
                json!({ "id": id, "version": version, "body": spec }),
            )
            .await
            .map(drop)
    }

    /// Makes the node active, paused or drained.
    pub async fn set_availability(
        &self,
        id: &str,
        availability: Availability,
    ) -> Result<(), Error> {
        self.edit(id, |spec| {
            spec["Availability"] = json!(availability.as_str())
        })
        .await
    }

    /// Replaces the node's labels (what placement constraints `node.labels.*` read).
    pub async fn set_labels(
        &self,
        id: &str,
        labels: &BTreeMap<String, String>,
    ) -> Result<(), Error> {
        self.edit(id, |spec| spec["Labels"] = json!(labels)).await
    }

    /// Removes a node from the swarm (`force`: even one that is not down).
    pub async fn remove(&self, id: &str, force: bool) -> Result<(), Error> {
        self.docker
            .invoke("NodeDelete", json!({ "id": id, "force": force }))
            .await
            .map(drop)
    }

    async fn edit(&self, id: &str, change: impl FnOnce(&mut Value)) -> Result<(), Error> {
        let node = self.inspect(id).await?;
        let mut spec = node.spec.clone();
        if !spec.is_object() {
            spec = json!({});
        }
        change(&mut spec);
        self.update(&node.id, node.version(), spec).await
    }
}
