//! Tasks: the 3 Task operations as typed methods over `invoke`.

use serde_json::json;

use super::containers::LogsOptions;
use super::services::logs_params;
use super::swarm_models::Task;
use crate::client::Docker;
use crate::error::Error;
use crate::filters::Filters;
use crate::stream::LogStream;

/// The tasks of a swarm's services (ask a manager).
#[derive(Debug, Clone)]
pub struct Tasks {
    docker: Docker,
}

impl Docker {
    /// Task operations.
    pub fn tasks(&self) -> Tasks {
        Tasks {
            docker: self.clone(),
        }
    }
}

impl Tasks {
    /// Tasks matching `filters` (`service`, `node`, `desired-state`, `label`, …).
    pub async fn list(&self, filters: Filters) -> Result<Vec<Task>, Error> {
        self.docker
            .invoke("TaskList", json!({ "filters": filters.to_json() }))
            .typed()
            .await
    }

    /// The tasks of one service (its id or name), old ones included.
    pub async fn of_service(&self, service: &str) -> Result<Vec<Task>, Error> {
        self.list(Filters::new().add("service", service)).await
    }

    pub async fn inspect(&self, id: &str) -> Result<Task, Error> {
        self.docker
            .invoke("TaskInspect", json!({ "id": id }))
            .typed()
            .await
    }

    /// One task's logs, demultiplexed unless its service has a TTY.
    pub async fn logs(&self, id: &str, options: LogsOptions) -> Result<LogStream, Error> {
        self.docker
            .invoke("TaskLogs", logs_params(id, options)?)
            .await?
            .into_logs()
    }
}
