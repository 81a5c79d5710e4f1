//! The swarm itself: the 7 Swarm operations as typed methods over `invoke`.
//!
//! ```no_run
//! # async fn demo(manager: libdocker::Docker, worker: libdocker::Docker) -> Result<(), libdocker::Error> {
//! use libdocker::resources::swarm::{SwarmInit, SwarmJoin};
//! manager.swarm().init(&SwarmInit::advertise("10.0.0.1")).await?;
//! let tokens = manager.swarm().inspect().await?.join_tokens;
//! worker.swarm().join(&SwarmJoin::new("10.0.0.1:2377", &tokens.worker)).await?;
//! # Ok(()) }
//! ```

use serde_json::{json, Value};

use super::swarm_models::SwarmInfo;
use crate::client::Docker;
use crate::error::Error;

/// The swarm this daemon manages or belongs to.
#[derive(Debug, Clone)]
pub struct Swarm {
    docker: Docker,
}

impl Docker {
    /// Swarm operations (init, join, leave, inspect, update, unlock).
    pub fn swarm(&self) -> Swarm {
        Swarm {
            docker: self.clone(),
        }
    }
}

/// How a daemon starts a new swarm, as its first manager.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SwarmInit {
    /// Where managers listen (`0.0.0.0:2377` when `None`).
    pub listen_addr: Option<String>,
    /// The address other nodes reach this one at (an interface, an IP, `ip:port`).
    pub advertise_addr: Option<String>,
    /// Where the data path (VXLAN) listens.
    pub data_path_addr: Option<String>,
    /// Overlay subnets are taken from these pools (`10.0.0.0/8` when empty).
    pub default_addr_pool: Vec<String>,
    /// Start over from this node's state, dropping the other managers.
    pub force_new_cluster: bool,
    /// The swarm's spec (orchestration, raft, dispatcher, CA, encryption).
    pub spec: Option<Value>,
}

impl SwarmInit {
    /// Advertised at `addr`, listening on all interfaces.
    pub fn advertise(addr: &str) -> Self {
        SwarmInit {
            advertise_addr: Some(addr.to_string()),
            ..Default::default()
        }
    }

    fn to_json(&self) -> Value {
        let mut body = json!({
            "ListenAddr": self.listen_addr.as_deref().unwrap_or("0.0.0.0:2377"),
            "ForceNewCluster": self.force_new_cluster,
        });
        if let Some(a) = &self.advertise_addr {
            body["AdvertiseAddr"] = json!(a);
        }
        if let Some(a) = &self.data_path_addr {
            body["DataPathAddr"] = json!(a);
        }
        if !self.default_addr_pool.is_empty() {
            body["DefaultAddrPool"] = json!(self.default_addr_pool);
        }
        if let Some(spec) = &self.spec {
            body["Spec"] = spec.clone();
        }
        body
    }
}

/// How a daemon joins an existing swarm.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SwarmJoin {
    /// Managers to reach (`ip:port`).
    pub remote_addrs: Vec<String>,
    /// The worker or manager token (`SwarmInfo::join_tokens`); it decides the role.
    pub join_token: String,
    pub listen_addr: Option<String>,
    pub advertise_addr: Option<String>,
    pub data_path_addr: Option<String>,
}

impl SwarmJoin {
    pub fn new(manager: &str, token: &str) -> Self {
        SwarmJoin {
            remote_addrs: vec![manager.to_string()],
            join_token: token.to_string(),
            ..Default::default()
        }
    }

    fn to_json(&self) -> Value {
        let mut body = json!({
            "ListenAddr": self.listen_addr.as_deref().unwrap_or("0.0.0.0:2377"),
            "RemoteAddrs": self.remote_addrs,
            "JoinToken": self.join_token,
        });
        if let Some(a) = &self.advertise_addr {
            body["AdvertiseAddr"] = json!(a);
        }
        if let Some(a) = &self.data_path_addr {
            body["DataPathAddr"] = json!(a);
        }
        body
    }
}

/// What an update of the swarm rotates besides its new spec.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SwarmRotate {
    pub worker_token: bool,
    pub manager_token: bool,
    pub unlock_key: bool,
}

impl Swarm {
    /// Makes this daemon the first manager of a new swarm; returns its node id.
    pub async fn init(&self, init: &SwarmInit) -> Result<String, Error> {
        self.docker
            .invoke("SwarmInit", json!({ "body": init.to_json() }))
            .typed()
            .await
    }

    /// Joins an existing swarm as the token says (worker or manager).
    pub async fn join(&self, join: &SwarmJoin) -> Result<(), Error> {
        if join.remote_addrs.is_empty() {
            return Err(Error::invalid(
                "joining a swarm needs the address of a manager (remote_addrs is empty)",
            ));
        }
        self.docker
            .invoke("SwarmJoin", json!({ "body": join.to_json() }))
            .await
            .map(drop)
    }

    /// Leaves the swarm (`force`: even as a manager, even the last one).
    pub async fn leave(&self, force: bool) -> Result<(), Error> {
        self.docker
            .invoke("SwarmLeave", json!({ "force": force }))
            .await
            .map(drop)
    }

    /// The swarm as a manager sees it, with its join tokens.
    pub async fn inspect(&self) -> Result<SwarmInfo, Error> {
        self.docker.invoke("SwarmInspect", json!({})).typed().await
    }

    /// Replaces the swarm's spec; `version` is the one [`inspect`](Self::inspect)
    /// gave (an older one is [`Error::OutOfSequence`]).
    pub async fn update(
        &self,
        version: u64,
        spec: Value,
        rotate: SwarmRotate,
    ) -> Result<(), Error> {
        self.docker
            .invoke(
                "SwarmUpdate",
                json!({
                    "version": version,
                    "body": spec,
                    "rotateWorkerToken": rotate.worker_token,
                    "rotateManagerToken": rotate.manager_token,
                    "rotateManagerUnlockKey": rotate.unlock_key,
                }),
            )
            .await
            .map(drop)
    }

    /// The key that unlocks an autolocked swarm's managers after a restart.
    pub async fn unlock_key(&self) -> Result<String, Error> {
        let v = self
            .docker
            .invoke("SwarmUnlockkey", json!({}))
            .await?
            .into_json()?;
        v.get("UnlockKey")
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| Error::decode("the unlock key answer", "it has no UnlockKey"))
    }

    /// Unlocks a restarted manager of an autolocked swarm.
    pub async fn unlock(&self, key: &str) -> Result<(), Error> {
        self.docker
            .invoke("SwarmUnlock", json!({ "body": { "UnlockKey": key } }))
            .await
            .map(drop)
    }
}
