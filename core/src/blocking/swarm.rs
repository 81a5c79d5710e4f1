//! The swarm's typed methods for blocking code: services, tasks, nodes, secrets,
//! configs and the swarm itself, each the async method (`resources/`) waited for
//! on the blocking client (interruptible like every blocking call); logs come
//! back as an iterator.
//!
//! ```no_run
//! # fn demo() -> Result<(), libdocker::Error> {
//! use libdocker::{ConvergeOptions, ServiceSpec};
//! let docker = libdocker::blocking::Docker::connect()?;
//! let id = docker.services().create(&ServiceSpec::new("web", "busybox").replicas(2))?;
//! let done = docker.services().wait_converged(&id, ConvergeOptions::default(), |p| println!("{}", p.summary()))?;
//! # let _ = done; Ok(()) }
//! ```

use std::collections::BTreeMap;

use serde_json::Value;

use super::output::Iter;
use super::Docker;
use crate::error::Error;
use crate::filters::Filters;
use crate::resources::containers::LogsOptions;
use crate::resources::convergence::{ConvergeOptions, Convergence};
use crate::resources::nodes::Availability;
use crate::resources::swarm::{SwarmInit, SwarmJoin, SwarmRotate};
use crate::resources::swarm_models::{Node, Service, SwarmInfo, SwarmObject, Task};
use crate::stream::LogStream;

/// A swarm's services, blocking.
#[derive(Debug, Clone)]
pub struct Services {
    docker: Docker,
}

/// A swarm's tasks, blocking.
#[derive(Debug, Clone)]
pub struct Tasks {
    docker: Docker,
}

/// A swarm's nodes, blocking.
#[derive(Debug, Clone)]
pub struct Nodes {
    docker: Docker,
}

/// A swarm's secrets or configs, blocking.
#[derive(Debug, Clone)]
pub struct SwarmData {
    docker: Docker,
    secrets: bool,
}

/// The swarm itself, blocking.
#[derive(Debug, Clone)]
pub struct Swarm {
    docker: Docker,
}

impl Docker {
    pub fn services(&self) -> Services {
        Services {
            docker: self.clone(),
        }
    }

    pub fn tasks(&self) -> Tasks {
        Tasks {
            docker: self.clone(),
        }
    }

    pub fn nodes(&self) -> Nodes {
        Nodes {
            docker: self.clone(),
        }
    }

    pub fn secrets(&self) -> SwarmData {
        SwarmData {
            docker: self.clone(),
            secrets: true,
        }
    }

    pub fn configs(&self) -> SwarmData {
        SwarmData {
            docker: self.clone(),
            secrets: false,
        }
    }

    pub fn swarm(&self) -> Swarm {
        Swarm {
            docker: self.clone(),
        }
    }
}

impl Services {
    fn core(&self) -> crate::resources::services::Services {
        self.docker.client().services()
    }

    pub fn create(&self, spec: impl Into<Value>) -> Result<String, Error> {
        self.docker.wait(self.core().create(spec))?
    }

    pub fn list(&self, filters: Filters) -> Result<Vec<Service>, Error> {
        self.docker.wait(self.core().list(filters))?
    }

    pub fn inspect(&self, id: &str) -> Result<Service, Error> {
        self.docker.wait(self.core().inspect(id))?
    }

    pub fn remove(&self, id: &str) -> Result<(), Error> {
        self.docker.wait(self.core().remove(id))?
    }

    /// An update of the spec read at `version` (an older one is `Error::OutOfSequence`).
    pub fn update(
        &self,
        id: &str,
        version: u64,
        spec: impl Into<Value>,
    ) -> Result<Vec<String>, Error> {
        self.docker.wait(self.core().update(id, version, spec))?
    }

    pub fn scale(&self, id: &str, replicas: u64) -> Result<(), Error> {
        self.docker.wait(self.core().scale(id, replicas))?
    }

    pub fn rollback(&self, id: &str) -> Result<(), Error> {
        self.docker.wait(self.core().rollback(id))?
    }

    /// The logs of all its tasks, as an iterator of stdout/stderr chunks.
    pub fn logs(&self, id: &str, options: LogsOptions) -> Result<Iter<LogStream>, Error> {
        let stream = self.docker.wait(self.core().logs(id, options))??;
        Ok(Iter::new(stream, self.docker.clone()))
    }

    /// Waits until it converges, `on_progress` hearing each change.
    pub fn wait_converged(
        &self,
        id: &str,
        options: ConvergeOptions,
        on_progress: impl FnMut(&Convergence),
    ) -> Result<Convergence, Error> {
        self.docker
            .wait(self.core().wait_converged(id, options, on_progress))?
    }
}

impl Tasks {
    pub fn list(&self, filters: Filters) -> Result<Vec<Task>, Error> {
        self.docker
            .wait(self.docker.client().tasks().list(filters))?
    }

    pub fn inspect(&self, id: &str) -> Result<Task, Error> {
        self.docker.wait(self.docker.client().tasks().inspect(id))?
    }

    pub fn logs(&self, id: &str, options: LogsOptions) -> Result<Iter<LogStream>, Error> {
        let stream = self
            .docker
            .wait(self.docker.client().tasks().logs(id, options))??;
        Ok(Iter::new(stream, self.docker.clone()))
    }
}

impl Nodes {
    fn core(&self) -> crate::resources::nodes::Nodes {
        self.docker.client().nodes()
    }

    pub fn list(&self, filters: Filters) -> Result<Vec<Node>, Error> {
        self.docker.wait(self.core().list(filters))?
    }

    pub fn inspect(&self, id: &str) -> Result<Node, Error> {
        self.docker.wait(self.core().inspect(id))?
    }

    pub fn update(&self, id: &str, version: u64, spec: Value) -> Result<(), Error> {
        self.docker.wait(self.core().update(id, version, spec))?
    }

    pub fn set_availability(&self, id: &str, availability: Availability) -> Result<(), Error> {
        self.docker
            .wait(self.core().set_availability(id, availability))?
    }

    pub fn set_labels(&self, id: &str, labels: &BTreeMap<String, String>) -> Result<(), Error> {
        self.docker.wait(self.core().set_labels(id, labels))?
    }

    pub fn remove(&self, id: &str, force: bool) -> Result<(), Error> {
        self.docker.wait(self.core().remove(id, force))?
    }
}

impl SwarmData {
    fn core(&self) -> crate::resources::swarm_data::SwarmData {
        let client = self.docker.client();
        if self.secrets {
            client.secrets()
        } else {
            client.configs()
        }
    }

    pub fn create(
        &self,
        name: &str,
        data: &[u8],
        labels: &BTreeMap<String, String>,
    ) -> Result<String, Error> {
        self.docker.wait(self.core().create(name, data, labels))?
    }

    pub fn list(&self, filters: Filters) -> Result<Vec<SwarmObject>, Error> {
        self.docker.wait(self.core().list(filters))?
    }

    pub fn inspect(&self, id: &str) -> Result<SwarmObject, Error> {
        self.docker.wait(self.core().inspect(id))?
    }

    pub fn remove(&self, id: &str) -> Result<(), Error> {
        self.docker.wait(self.core().remove(id))?
    }

    pub fn update(&self, id: &str, version: u64, spec: Value) -> Result<(), Error> {
        self.docker.wait(self.core().update(id, version, spec))?
    }
}

impl Swarm {
    fn core(&self) -> crate::resources::swarm::Swarm {
        self.docker.client().swarm()
    }

    pub fn init(&self, init: &SwarmInit) -> Result<String, Error> {
        self.docker.wait(self.core().init(init))?
    }

    pub fn join(&self, join: &SwarmJoin) -> Result<(), Error> {
        self.docker.wait(self.core().join(join))?
    }

    pub fn leave(&self, force: bool) -> Result<(), Error> {
        self.docker.wait(self.core().leave(force))?
    }

    pub fn inspect(&self) -> Result<SwarmInfo, Error> {
        self.docker.wait(self.core().inspect())?
    }

    pub fn update(&self, version: u64, spec: Value, rotate: SwarmRotate) -> Result<(), Error> {
        self.docker
            .wait(self.core().update(version, spec, rotate))?
    }

    pub fn unlock_key(&self) -> Result<String, Error> {
        self.docker.wait(self.core().unlock_key())?
    }

    pub fn unlock(&self, key: &str) -> Result<(), Error> {
        self.docker.wait(self.core().unlock(key))?
    }
}
