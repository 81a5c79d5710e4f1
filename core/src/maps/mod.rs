//! Container maps, after docker-map: services with their dependencies, applied
//! to one or more daemons at once. A map is read from a Compose file (or its
//! JSON form) and acted on as a whole: `plan` (a dry run), `up`, `update`,
//! `down`, `start`, `stop`, `restart`, `pull`, `build`, `ps` and `logs`; or it
//! is deployed to a swarm as a stack (`deploy_stack`, `remove_stack`).
//! Containers carry Compose's labels, so `docker compose ps` lists ours and we
//! list its.
//!
//! ```no_run
//! # async fn demo() -> Result<(), libdocker::Error> {
//! use libdocker::maps::{Clients, ContainerMap};
//! let map = ContainerMap::load("compose.yaml")?;
//! let clients = Clients::new(libdocker::Docker::connect()?)
//!     .with("edge", libdocker::Docker::builder().host("tcp://edge:2376").build()?);
//! map.up(&clients).for_each(|event| println!("{}", event.line())).await?;
//! map.down(&clients).finish().await?;
//! # Ok(()) }
//! ```
//!
//! From the bottom up: `yaml`, `interpolate` and `units` read text; `model` is the map;
//! `load` fills it and `validate` (with `graph`) checks it; `labels` and
//! `container_spec` turn a service into the Engine's bodies; `clients` and
//! `state` say where things run and what is there; `plan` says what to do;
//! `steps` does one thing, `execute` does them in order; `events` reports;
//! `ps` reads back; `stack` deploys the map to a swarm instead.

mod clients;
mod container_spec;
mod events;
mod execute;
mod graph;
mod interpolate;
mod labels;
mod load;
mod model;
mod plan;
mod ps;
mod stack;
mod state;
mod steps;
mod units;
mod validate;
mod yaml;

pub use clients::Clients;
pub use events::{MapEvent, MapRun, Status, Summary};
pub use interpolate::Variables;
pub use load::LoadOptions;
pub use model::{
    BuildSpec, ClientSpec, Condition, ContainerMap, DataRef, DataSpec, Dependency, Healthcheck,
    MountKind, MountSpec, NetworkAttachment, NetworkSpec, PortSpec, PullPolicy, Resources, Service,
    VolumeSpec,
};
pub use plan::{Action, ActionOptions, Plan, Step, StepKind};
pub use ps::{LogLine, MapLogs};
pub use stack::{StackReport, NAMESPACE as STACK_NAMESPACE};
pub use state::Existing;

/// The Compose label names, for code that reads containers made by maps.
pub mod label {
    pub use super::labels::{CLIENT, CONFIG_HASH, NUMBER, ONEOFF, PROJECT, SERVICE};
}

use crate::error::Error;
use crate::resources::containers::LogsOptions;

impl ContainerMap {
    /// What `action` would do now, step by step; nothing is changed.
    pub async fn plan(
        &self,
        clients: &Clients,
        action: Action,
        options: &ActionOptions,
    ) -> Result<Plan, Error> {
        clients.check(self)?;
        let desired = plan::Desired::of(self);
        let state = state::observe(self, clients).await?;
        Ok(plan::plan(self, &desired, &state, action, options))
    }

    /// Starts `action`: its events as a stream, whose last item is the error if
    /// any step failed. Nothing happens until the stream is read; dropping it
    /// cancels the action (running `up` again resumes).
    pub fn run(&self, clients: &Clients, action: Action, options: ActionOptions) -> MapRun {
        let map = self.clone();
        let clients = clients.clone();
        MapRun::new(move |sink| async move {
            clients.check(&map)?;
            let desired = plan::Desired::of(&map);
            let state = state::observe(&map, &clients).await?;
            let plan = plan::plan(&map, &desired, &state, action, &options);
            let cx = steps::Context {
                map: &map,
                desired: &desired,
                options: &options,
                sink: &sink,
            };
            execute::execute(&cx, &clients, &plan).await
        })
    }

    /// Creates the networks and volumes, then creates, starts (and recreates what
    /// changed) every service in dependency order, waiting for `depends_on`.
    pub fn up(&self, clients: &Clients) -> MapRun {
        self.run(clients, Action::Up, ActionOptions::default())
    }

    /// Recreates only the containers whose configuration changed, and creates new ones.
    pub fn update(&self, clients: &Clients) -> MapRun {
        self.run(clients, Action::Update, ActionOptions::default())
    }

    /// Stops and removes every container of the project (orphans too) in reverse
    /// dependency order, then its networks; `volumes` removes its volumes too.
    pub fn down(&self, clients: &Clients) -> MapRun {
        self.run(clients, Action::Down, ActionOptions::default())
    }

    /// The project's containers on every daemon the map uses.
    pub async fn ps(&self, clients: &Clients) -> Result<Vec<Existing>, Error> {
        ps::ps(self, clients).await
    }

    /// Every container's logs, merged, one line at a time.
    pub async fn logs(&self, clients: &Clients, options: LogsOptions) -> Result<MapLogs, Error> {
        ps::logs(self, clients, options).await
    }
}
