//! Waiting for a service to converge, as `docker service create --detach=false`
//! does: until as many tasks of its current spec run as it wants (and a rolling
//! update or rollback has finished), reporting progress on the way.
//!
//! ```no_run
//! # async fn demo(docker: libdocker::Docker) -> Result<(), libdocker::Error> {
//! use libdocker::resources::convergence::ConvergeOptions;
//! let done = docker
//!     .services()
//!     .wait_converged("web", ConvergeOptions::default(), |p| println!("{}", p.summary()))
//!     .await?;
//! assert_eq!(done.running, done.desired);
//! # Ok(()) }
//! ```

use std::pin::Pin;
use std::time::{Duration, Instant};

use futures_core::Stream;
use futures_util::StreamExt;
use serde_json::Value;

use super::services::Services;
use super::swarm_models::{Service, Task};
use crate::error::Error;

/// How long to wait, and how often to look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConvergeOptions {
    /// Give up after this long with [`Error::Timeout`] (2 minutes by default).
    pub timeout: Duration,
    /// The pause between two looks (500 ms by default).
    pub poll: Duration,
}

impl Default for ConvergeOptions {
    fn default() -> Self {
        ConvergeOptions {
            timeout: Duration::from_secs(120),
            poll: Duration::from_millis(500),
        }
    }
}

/// Where a service is on its way to the state it wants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Convergence {
    pub service: String,
    /// The tasks it wants running (replicas; for a global service, the nodes
    /// it has a task for).
    pub desired: u64,
    /// Tasks of its current spec that run.
    pub running: u64,
    /// The tasks meant to run, by slot (or node).
    pub tasks: Vec<TaskProgress>,
    /// The state of its last update (`updating`, `completed`, `paused`,
    /// `rollback_started`, `rollback_completed`, …), if it had one.
    pub update_state: Option<String>,
    /// Everything it wants runs, and no update is under way.
    pub converged: bool,
}

/// One task on the way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskProgress {
    pub id: String,
    pub slot: Option<u64>,
    pub node_id: String,
    /// `pending`, `preparing`, `starting`, `running`, `failed`, …
    pub state: String,
    /// Made from the service's current spec (not one an update replaces).
    pub current: bool,
    /// Why it failed, if it did.
    pub error: Option<String>,
}

impl Convergence {
    /// The progress a service and its tasks (as `TaskList` gives them) show.
    pub fn of(service: &Service, tasks: &[Task]) -> Convergence {
        let template = service
            .spec
            .get("TaskTemplate")
            .cloned()
            .unwrap_or(Value::Null);
        let mut wanted: Vec<TaskProgress> = tasks
            .iter()
            .filter(|t| t.desired_state == "running")
            .map(|t| TaskProgress {
                id: t.id.clone(),
                slot: t.slot,
                node_id: t.node_id.clone(),
                state: t.status.state.clone(),
                current: made_from(&t.spec, &template),
                error: t.status.err.clone().filter(|e| !e.is_empty()),
            })
            .collect();
        wanted.sort_by(|a, b| (a.slot, &a.node_id).cmp(&(b.slot, &b.node_id)));
        let desired = match service.spec.pointer("/Mode/Replicated/Replicas") {
            Some(n) => n.as_u64().unwrap_or(0),
            None => {
                let mut nodes: Vec<&str> = wanted.iter().map(|t| t.node_id.as_str()).collect();
                nodes.sort_unstable();
                nodes.dedup();
                nodes.len() as u64
            }
        };
        let running = wanted
            .iter()
            .filter(|t| t.current && t.state == "running")
            .count() as u64;
        let update_state = service
            .get("/UpdateStatus/State")
            .and_then(Value::as_str)
            .map(str::to_string);
        let updating = matches!(
            update_state.as_deref(),
            Some("updating" | "rollback_started" | "paused" | "rollback_paused")
        );
        Convergence {
            service: service.id.clone(),
            desired,
            running,
            converged: running == desired && wanted.len() as u64 == desired && !updating,
            tasks: wanted,
            update_state,
        }
    }

    /// A line for people: `2/3 running (updating)`.
    pub fn summary(&self) -> String {
        let mut s = format!("{}/{} running", self.running, self.desired);
        if let Some(u) = &self.update_state {
            s.push_str(&format!(" ({u})"));
        }
        if self.converged {
            s.push_str(", converged");
        }
        s
    }
}

/// Whether a task's spec is the service's task template: every field the
/// template's container spec sets is the task's, and the force-update counter agrees.
fn made_from(task_spec: &Value, template: &Value) -> bool {
    let (Some(want), Some(have)) = (
        template.get("ContainerSpec").and_then(Value::as_object),
        task_spec.get("ContainerSpec"),
    ) else {
        return false;
    };
    let force = |v: &Value| v.get("ForceUpdate").and_then(Value::as_u64).unwrap_or(0);
    force(task_spec) == force(template) && want.iter().all(|(k, v)| have.get(k) == Some(v))
}

/// Progress reports until the service converges (the last report has
/// `converged`), or an error: the update paused on failures, the time ran out.
pub type ConvergeStream = Pin<Box<dyn Stream<Item = Result<Convergence, Error>> + Send>>;

struct Watch {
    services: Services,
    id: String,
    options: ConvergeOptions,
    deadline: Instant,
    last: Option<Convergence>,
    done: bool,
}

impl Services {
    /// Watches the service converge: a report each time its progress changes.
    pub fn converge(&self, id: &str, options: ConvergeOptions) -> ConvergeStream {
        let watch = Watch {
            services: self.clone(),
            id: id.to_string(),
            options,
            deadline: Instant::now() + options.timeout,
            last: None,
            done: false,
        };
        Box::pin(futures_util::stream::unfold(watch, |mut w| async move {
            if w.done {
                return None;
            }
            let item = w.next().await;
            w.done = !matches!(&item, Ok(c) if !c.converged);
            Some((item, w))
        }))
    }

    /// Waits until the service converges, `on_progress` hearing each change;
    /// returns the last report.
    pub async fn wait_converged(
        &self,
        id: &str,
        options: ConvergeOptions,
        mut on_progress: impl FnMut(&Convergence),
    ) -> Result<Convergence, Error> {
        let mut reports = self.converge(id, options);
        let mut last = None;
        while let Some(report) = reports.next().await {
            let report = report?;
            on_progress(&report);
            last = Some(report);
        }
        last.ok_or_else(|| Error::closed("the convergence watch ended without a report"))
    }
}

impl Watch {
    /// The next report that differs from the last one.
    async fn next(&mut self) -> Result<Convergence, Error> {
        loop {
            let service = self.services.inspect(&self.id).await?;
            let tasks = self
                .services
                .docker()
                .tasks()
                .of_service(&service.id)
                .await?;
            let now = Convergence::of(&service, &tasks);
            if matches!(
                now.update_state.as_deref(),
                Some("paused" | "rollback_paused")
            ) {
                let why = service
                    .get("/UpdateStatus/Message")
                    .and_then(Value::as_str)
                    .unwrap_or("no reason given");
                return Err(Error::Progress {
                    operation: format!("the update of service {}", self.id),
                    message: format!(
                        "{} ({why})",
                        now.update_state.as_deref().unwrap_or_default()
                    ),
                });
            }
            if now.converged || self.last.as_ref() != Some(&now) {
                self.last = Some(now.clone());
                return Ok(now);
            }
            if Instant::now() >= self.deadline {
                return Err(Error::Timeout {
                    during: format!(
                        "waiting for service {} to converge ({})",
                        self.id,
                        now.summary()
                    ),
                    after: self.options.timeout,
                });
            }
            tokio::time::sleep(self.options.poll).await;
        }
    }
}
