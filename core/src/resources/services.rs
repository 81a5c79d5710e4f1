//! Services: the 6 Service operations as typed methods over `invoke`, with
//! `scale` and `rollback` (an inspect, then an update of that version). Waiting
//! for a service to converge is `convergence.rs`.
//!
//! ```no_run
//! # async fn demo(docker: libdocker::Docker) -> Result<(), libdocker::Error> {
//! use libdocker::resources::service_spec::ServiceSpec;
//! let services = docker.services();
//! let id = services
//!     .create(&ServiceSpec::new("web", "busybox").command(&["httpd", "-f"]).replicas(3))
//!     .await?;
//! services.scale(&id, 5).await?;
//! let service = services.inspect(&id).await?;
//! let mut spec = service.spec.clone();
//! spec["TaskTemplate"]["ContainerSpec"]["Env"] = serde_json::json!(["MODE=blue"]);
//! services.update(&id, service.version(), spec).await?; // a stale version: Error::OutOfSequence
//! # Ok(()) }
//! ```
//!
//! Registry credentials for the service's image come from the client's logins,
//! else the docker CLI's configuration (`X-Registry-Auth`, as the operation table
//! says for `ServiceCreate` and `ServiceUpdate`, so `invoke` sends them too).

use serde_json::{json, Value};

use super::containers::LogsOptions;
use super::swarm_models::Service;
use super::warnings::warnings;
use crate::client::Docker;
use crate::error::Error;
use crate::filters::Filters;
use crate::stream::LogStream;

/// The services of a swarm (ask a manager).
#[derive(Debug, Clone)]
pub struct Services {
    docker: Docker,
}

impl Docker {
    /// Service operations.
    pub fn services(&self) -> Services {
        Services {
            docker: self.clone(),
        }
    }
}

impl Services {
    pub(crate) fn docker(&self) -> &Docker {
        &self.docker
    }

    /// Creates a service from a [`ServiceSpec`](super::service_spec::ServiceSpec)
    /// (or the daemon's JSON spec); returns its id.
    pub async fn create(&self, spec: impl Into<Value>) -> Result<String, Error> {
        let v = self
            .docker
            .invoke("ServiceCreate", json!({ "body": spec.into() }))
            .await?
            .into_json()?;
        v.get("ID")
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| Error::decode("the service create answer", "it has no ID"))
    }

    /// Services matching `filters` (`id`, `name`, `label`, `mode`).
    pub async fn list(&self, filters: Filters) -> Result<Vec<Service>, Error> {
        self.docker
            .invoke("ServiceList", json!({ "filters": filters.to_json() }))
            .typed()
            .await
    }

    /// A service by id or name, with its version and spec.
    pub async fn inspect(&self, id: &str) -> Result<Service, Error> {
        self.docker
            .invoke("ServiceInspect", json!({ "id": id }))
            .typed()
            .await
    }

    pub async fn remove(&self, id: &str) -> Result<(), Error> {
        self.docker
            .invoke("ServiceDelete", json!({ "id": id }))
            .await
            .map(drop)
    }

    /// Replaces the service's spec. `version` is the one the spec was read at
    /// ([`Service::version`](super::swarm_models::SwarmObject::version)); if the
    /// service changed since, the daemon refuses and the error is
    /// [`Error::OutOfSequence`], naming both versions. Returns the daemon's warnings.
    pub async fn update(
        &self,
        id: &str,
        version: u64,
        spec: impl Into<Value>,
    ) -> Result<Vec<String>, Error> {
        let v = self
            .docker
            .invoke(
                "ServiceUpdate",
                json!({ "id": id, "version": version, "body": spec.into() }),
            )
            .await?
            .into_json()?;
        Ok(warnings(&v))
    }

    /// Sets a replicated service's number of tasks.
    pub async fn scale(&self, id: &str, replicas: u64) -> Result<(), Error> {
        let service = self.inspect(id).await?;
        let mut spec = service.spec.clone();
        match spec.pointer_mut("/Mode/Replicated") {
            Some(replicated) => replicated["Replicas"] = json!(replicas),
            None => {
                return Err(Error::invalid(format!(
                "service {id} is not replicated (its mode is {}): only a replicated service scales",
                spec.get("Mode").map_or("unknown".into(), Value::to_string)
            )))
            }
        }
        self.update(id, service.version(), spec).await.map(drop)
    }

    /// Goes back to the spec the service had before its last update.
    pub async fn rollback(&self, id: &str) -> Result<(), Error> {
        let service = self.inspect(id).await?;
        self.docker
            .invoke(
                "ServiceUpdate",
                json!({ "id": id, "version": service.version(), "rollback": "previous", "body": service.spec }),
            )
            .await
            .map(drop)
    }

    /// The logs of all the service's tasks, on every node, as stdout and stderr
    /// chunks (raw when the service has a TTY; below API 1.42 the pipeline asks
    /// the service). `until` is not supported by service logs.
    pub async fn logs(&self, id: &str, options: LogsOptions) -> Result<LogStream, Error> {
        self.docker
            .invoke("ServiceLogs", logs_params(id, options)?)
            .await?
            .into_logs()
    }
}

/// The parameters of `ServiceLogs` and `TaskLogs`.
pub(crate) fn logs_params(id: &str, options: LogsOptions) -> Result<Value, Error> {
    if options.until.is_some() {
        return Err(Error::invalid(
            "service and task logs take no `until` (only containers' logs do)",
        ));
    }
    Ok(json!({
        "id": id,
        "follow": options.follow,
        "stdout": options.stdout,
        "stderr": options.stderr,
        "since": options.since,
        "timestamps": options.timestamps,
        "tail": options.tail.map(|t| t.to_string()),
    }))
}
