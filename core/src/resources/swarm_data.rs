//! Secrets and configs: data the swarm keeps and mounts into tasks as files. The
//! 5 operations of each kind as typed methods over `invoke`, written once here
//! (the two differ only in their operations' names and in that a secret's data
//! is never given back).
//!
//! ```no_run
//! # async fn demo(docker: libdocker::Docker) -> Result<(), libdocker::Error> {
//! let id = docker.secrets().create("db-password", b"s3cret", &Default::default()).await?;
//! let cfg = docker.configs().create("app.conf", b"port=80\n", &Default::default()).await?;
//! # Ok(()) }
//! ```

use std::collections::BTreeMap;

use base64::Engine;
use serde_json::{json, Value};

use super::swarm_models::SwarmObject;
use crate::client::Docker;
use crate::error::Error;
use crate::filters::Filters;

/// Secrets or configs of a swarm (ask a manager).
#[derive(Debug, Clone)]
pub struct SwarmData {
    docker: Docker,
    /// `Secret` or `Config`: the prefix of the operations' names.
    kind: &'static str,
}

/// The secrets of a swarm.
pub type Secrets = SwarmData;
/// The configs of a swarm.
pub type Configs = SwarmData;

impl Docker {
    /// Secret operations.
    pub fn secrets(&self) -> Secrets {
        SwarmData {
            docker: self.clone(),
            kind: "Secret",
        }
    }

    /// Config operations.
    pub fn configs(&self) -> Configs {
        SwarmData {
            docker: self.clone(),
            kind: "Config",
        }
    }
}

impl SwarmData {
    fn op(&self, action: &str) -> String {
        format!("{}{action}", self.kind)
    }

    /// Stores `data` under `name`; returns the id.
    pub async fn create(
        &self,
        name: &str,
        data: &[u8],
        labels: &BTreeMap<String, String>,
    ) -> Result<String, Error> {
        let body = json!({
            "Name": name,
            "Labels": labels,
            "Data": base64::engine::general_purpose::STANDARD.encode(data),
        });
        let v = self
            .docker
            .invoke(&self.op("Create"), json!({ "body": body }))
            .await?
            .into_json()?;
        v.get("ID")
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| {
                Error::decode(format!("the {} create answer", self.kind), "it has no ID")
            })
    }

    /// Those matching `filters` (`id`, `name`, `label`, `names`).
    pub async fn list(&self, filters: Filters) -> Result<Vec<SwarmObject>, Error> {
        self.docker
            .invoke(&self.op("List"), json!({ "filters": filters.to_json() }))
            .typed()
            .await
    }

    /// One by id or name (a config's `Spec.Data` holds its data, base64).
    pub async fn inspect(&self, id: &str) -> Result<SwarmObject, Error> {
        self.docker
            .invoke(&self.op("Inspect"), json!({ "id": id }))
            .typed()
            .await
    }

    /// Removes one (refused while a service uses it).
    pub async fn remove(&self, id: &str) -> Result<(), Error> {
        self.docker
            .invoke(&self.op("Delete"), json!({ "id": id }))
            .await
            .map(drop)
    }

    /// Replaces the spec; only the labels may change. `version` is the one it
    /// was read at (an older one is [`Error::OutOfSequence`]).
    pub async fn update(&self, id: &str, version: u64, spec: Value) -> Result<(), Error> {
        self.docker
            .invoke(
                &self.op("Update"),
                json!({ "id": id, "version": version, "body": spec }),
            )
            .await
            .map(drop)
    }
}
