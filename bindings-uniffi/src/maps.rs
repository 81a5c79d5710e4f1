//! The core's container maps (`libdocker::maps`, after docker-map) for Swift and
//! Kotlin: a `ContainerMap` read from a Compose file (or its JSON form), the
//! `MapClients` it is applied to (a default client and named ones), and its
//! actions: `plan` (a dry run), `run` (the events as a pull stream), `run_to`
//! (a listener with a `TaskHandle`), `perform`/`up`/`update`/`down` (to the end,
//! a summary), `ps` and `logs` (every container's lines as one stream). A
//! failed action is `DockerError::MapFailed`, a wrong map `InvalidMap` (naming
//! the file, line and key).

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use futures_util::future::BoxFuture;
use libdocker::maps as core;

use crate::client::{Docker, DockerOptions};
use crate::containers::LogOptions;
use crate::error::{DockerError, Result};
use crate::streams::{
    items, listen, next_batch_of, next_of, pull_stream, Batch, Items, Source, StdStream,
};
use crate::task_handle::TaskHandle;

/// What a stack deploy made (or a removal removed), by the swarm's names.
#[derive(Debug, Clone, uniffi::Record)]
pub struct StackReport {
    pub stack: String,
    /// Services created (on a removal: removed).
    pub services: Vec<String>,
    /// Services updated in place.
    pub updated: Vec<String>,
    pub networks: Vec<String>,
    pub secrets: Vec<String>,
    pub configs: Vec<String>,
    /// What the map has that a stack ignores (`depends_on`).
    pub warnings: Vec<String>,
}

impl From<core::StackReport> for StackReport {
    fn from(r: core::StackReport) -> Self {
        StackReport {
            stack: r.stack,
            services: r.services,
            updated: r.updated,
            networks: r.networks,
            secrets: r.secrets,
            configs: r.configs,
            warnings: r.warnings,
        }
    }
}

/// What to do to a whole map.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum MapAction {
    /// Create the networks and volumes, then create, start (and recreate what
    /// changed) every service in dependency order, waiting for `depends_on`.
    Up,
    /// Recreate only the containers whose configuration changed; create new ones.
    Update,
    /// Stop and remove every container of the project (orphans too) in reverse
    /// dependency order, then its networks (and volumes, if asked).
    Down,
    Start,
    Stop,
    Restart,
    /// Pull the images of the services that are not built.
    Pull,
    /// Build the images of the services that have `build:`.
    Build,
}

impl From<MapAction> for core::Action {
    fn from(a: MapAction) -> Self {
        match a {
            MapAction::Up => core::Action::Up,
            MapAction::Update => core::Action::Update,
            MapAction::Down => core::Action::Down,
            MapAction::Start => core::Action::Start,
            MapAction::Stop => core::Action::Stop,
            MapAction::Restart => core::Action::Restart,
            MapAction::Pull => core::Action::Pull,
            MapAction::Build => core::Action::Build,
        }
    }
}

impl From<core::Action> for MapAction {
    fn from(a: core::Action) -> Self {
        match a {
            core::Action::Up => MapAction::Up,
            core::Action::Update => MapAction::Update,
            core::Action::Down => MapAction::Down,
            core::Action::Start => MapAction::Start,
            core::Action::Stop => MapAction::Stop,
            core::Action::Restart => MapAction::Restart,
            core::Action::Pull => MapAction::Pull,
            core::Action::Build => MapAction::Build,
        }
    }
}

/// How an action is done.
#[derive(Debug, Clone, Default, uniffi::Record)]
pub struct MapActionOptions {
    /// `down`: remove the map's named volumes and the containers' anonymous ones too.
    #[uniffi(default = false)]
    pub volumes: bool,
    /// `stop`, `restart`, `down` and recreations: seconds a container has to
    /// stop before it is killed (null: its `stop_grace_period`, else the
    /// daemon's default).
    #[uniffi(default = None)]
    pub timeout_secs: Option<u32>,
}

impl From<MapActionOptions> for core::ActionOptions {
    fn from(o: MapActionOptions) -> Self {
        core::ActionOptions {
            volumes: o.volumes,
            timeout: o
                .timeout_secs
                .map(|s| std::time::Duration::from_secs(s.into())),
        }
    }
}

/// One step of a plan: what, on which client, for which service, to which object.
#[derive(Debug, Clone, uniffi::Record)]
pub struct MapStep {
    /// `create_network`, `create_volume`, `pull`, `build`, `create`, `recreate`,
    /// `start`, `stop`, `restart`, `remove`, `remove_network` or `remove_volume`.
    pub step: String,
    /// The client's name (`""`: the default client).
    pub client: String,
    pub service: Option<String>,
    /// The container, network, volume or image.
    pub target: String,
    /// Why, when it is not plain (`configuration changed`, `scaled down`); may be empty.
    pub reason: String,
    /// The container's number within its service (0 for other steps).
    pub number: u32,
}

impl From<core::Step> for MapStep {
    fn from(s: core::Step) -> Self {
        MapStep {
            step: s.step.as_str().to_string(),
            client: s.client,
            service: s.service,
            target: s.target,
            reason: s.reason,
            number: s.number,
        }
    }
}

/// Where a step is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum MapStatus {
    /// Begun (for a dependent: waiting for its dependencies).
    Working,
    /// A message while it works (pull or build output).
    Progress,
    Done,
    Failed,
    /// Not done because something it depends on failed.
    Skipped,
}

impl From<core::Status> for MapStatus {
    fn from(s: core::Status) -> Self {
        match s {
            core::Status::Working => MapStatus::Working,
            core::Status::Progress => MapStatus::Progress,
            core::Status::Done => MapStatus::Done,
            core::Status::Failed => MapStatus::Failed,
            core::Status::Skipped => MapStatus::Skipped,
        }
    }
}

/// One report of a running action.
#[derive(Debug, Clone, uniffi::Record)]
pub struct MapEvent {
    /// The step (`create`, `start`, `pull`, …, as `MapStep.step`) or `wait` (for
    /// a dependency's condition; its `message` names the condition when done).
    pub step: String,
    pub status: MapStatus,
    /// The client's name (`""`: the default client).
    pub client: String,
    pub service: Option<String>,
    /// The container, network, volume or image.
    pub target: String,
    pub message: Option<String>,
    /// The event as a line for people: `[tls] create demo_db_1 done`.
    pub line: String,
}

impl From<core::MapEvent> for MapEvent {
    fn from(e: core::MapEvent) -> Self {
        MapEvent {
            line: e.line(),
            step: e.step,
            status: e.status.into(),
            client: e.client,
            service: e.service,
            target: e.target,
            message: e.message,
        }
    }
}

impl Batch for MapEvent {}

pull_stream!(
    /// A map action's events (`ContainerMap.run`). The action runs while the
    /// stream is read: a failure is thrown after the last event
    /// (`MapFailed`, or the error that stopped it), and `cancel()` (or freeing
    /// it) stops the action where it is; `up` again resumes from there.
    MapEventStream,
    MapEvent
);

/// How an action ended when everything it tried worked.
#[derive(Debug, Clone, uniffi::Record)]
pub struct MapSummary {
    pub action: MapAction,
    /// Steps carried out (0: there was nothing to do).
    pub done: u64,
}

/// One container of the project on one daemon (`ContainerMap.ps`).
#[derive(Debug, Clone, uniffi::Record)]
pub struct MapContainer {
    /// The client's name (`""`: the default client).
    pub client: String,
    pub id: String,
    pub name: String,
    pub service: String,
    /// Its number within its service.
    pub number: u32,
    /// The configuration hash it was made with (empty when it has none).
    pub config_hash: String,
    /// `created`, `running`, `exited`, `paused`, …
    pub state: String,
    /// The daemon's words: `Up 3 minutes (healthy)`.
    pub status: String,
    pub image: String,
    /// Running, paused or restarting.
    pub running: bool,
}

impl From<core::Existing> for MapContainer {
    fn from(c: core::Existing) -> Self {
        MapContainer {
            running: c.is_running(),
            client: c.client,
            id: c.id,
            name: c.name,
            service: c.service,
            number: c.number,
            config_hash: c.hash,
            state: c.state,
            status: c.status,
            image: c.image,
        }
    }
}

/// One line of a container's output (`ContainerMap.logs`).
#[derive(Debug, Clone, uniffi::Record)]
pub struct MapLogLine {
    pub client: String,
    pub service: String,
    /// The container's name.
    pub container: String,
    /// `Stdout` or `Stderr`.
    pub stream: StdStream,
    /// The line without its newline, as text (bytes that are not UTF-8 become U+FFFD).
    pub line: String,
}

impl From<core::LogLine> for MapLogLine {
    fn from(l: core::LogLine) -> Self {
        MapLogLine {
            client: l.client,
            service: l.service,
            container: l.container,
            stream: if l.stream == "stderr" {
                StdStream::Stderr
            } else {
                StdStream::Stdout
            },
            line: String::from_utf8_lossy(&l.line).into_owned(),
        }
    }
}

impl Batch for MapLogLine {}

pull_stream!(
    /// Every container's lines, merged as they come (`ContainerMap.logs`).
    MapLogStream,
    MapLogLine
);

/// Hears a map action's events (`ContainerMap.run_to`): return true to stop
/// the action where it is.
#[uniffi::export(with_foreign)]
pub trait MapListener: Send + Sync {
    fn on_event(&self, event: MapEvent) -> std::result::Result<bool, DockerError>;
    /// Once, at the end: null when every step worked (or the listener stopped
    /// it), else why not (`MapFailed`, `Cancelled`, …).
    fn on_end(&self, error: Option<DockerError>);
}

/// The daemons a map is applied to: the default client (for services that name
/// none) and clients by name (`x-libdocker: clients: [name]` in the map). A
/// client made with `Docker.with_cancel` ends the map's calls (`plan`,
/// `perform`, `up`, …, `ps`, opening `logs`) when its handle fires; streams
/// (`run`, `logs`) end by their own `cancel()`, listeners by their `TaskHandle`.
#[derive(uniffi::Object)]
pub struct MapClients {
    by_name: Mutex<BTreeMap<String, Arc<Docker>>>,
}

impl MapClients {
    fn of(by_name: BTreeMap<String, Arc<Docker>>) -> Arc<Self> {
        Arc::new(MapClients {
            by_name: Mutex::new(by_name),
        })
    }

    fn all(&self) -> BTreeMap<String, Arc<Docker>> {
        self.by_name
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// The core's clients, for a task on the runtime.
    fn core(&self) -> core::Clients {
        self.all()
            .into_iter()
            .fold(core::Clients::default(), |clients, (name, d)| {
                clients.with(name, d.core())
            })
    }

    /// Runs `work` on the runtime through every client's `call`: a client made
    /// with `Docker.with_cancel` ends it with `Cancelled` when its handle fires.
    fn call<F, T>(&self, work: F) -> BoxFuture<'static, Result<T>>
    where
        F: std::future::Future<Output = Result<T>> + Send + 'static,
        T: Send + 'static,
    {
        let work: BoxFuture<'static, Result<T>> = Box::pin(work);
        self.all()
            .into_values()
            .fold(work, |work, d| Box::pin(d.call(work)))
    }
}

#[uniffi::export]
impl MapClients {
    /// Clients with `default_client` for the services that name none.
    #[uniffi::constructor]
    pub fn new(default_client: Arc<Docker>) -> Arc<Self> {
        MapClients::of(BTreeMap::from([(String::new(), default_client)]))
    }

    /// The default client as the docker CLI would connect, and each client the
    /// map describes with a host or a CLI context (`x-libdocker: clients:
    /// {edge: {host: tcp://edge:2376}}`); add the others.
    #[uniffi::constructor]
    pub fn from_map(map: Arc<ContainerMap>) -> Result<Arc<Self>> {
        let mut by_name = BTreeMap::from([(String::new(), Docker::connect()?)]);
        for (name, spec) in &map.inner.clients {
            let options = match (&spec.host, &spec.context) {
                (Some(host), _) => DockerOptions {
                    host: Some(host.clone()),
                    ..Default::default()
                },
                (None, Some(context)) => DockerOptions {
                    context: Some(context.clone()),
                    ..Default::default()
                },
                (None, None) => continue,
            };
            by_name.insert(name.clone(), Docker::new(options)?);
        }
        Ok(MapClients::of(by_name))
    }

    /// Adds (or replaces) the client called `name` (`""`: the default client).
    pub fn add(&self, name: String, docker: Arc<Docker>) {
        self.by_name
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(name, docker);
    }

    /// Every client's name, sorted; the default client as `""`.
    pub fn names(&self) -> Vec<String> {
        self.all().into_keys().collect()
    }
}

/// A container map: a Compose project's services (with their dependencies),
/// networks and volumes, placed on one or more daemons. Reading it checks it
/// whole; nothing is sent until an action runs.
#[derive(uniffi::Object)]
pub struct ContainerMap {
    inner: core::ContainerMap,
}

fn load_options(
    project: Option<String>,
    variables: Option<HashMap<String, String>>,
) -> core::LoadOptions {
    core::LoadOptions {
        project,
        variables: variables.map(core::Variables::from_pairs),
    }
}

impl ContainerMap {
    fn wrap(inner: core::ContainerMap) -> Arc<Self> {
        Arc::new(ContainerMap { inner })
    }

    /// The events of `action` as a core stream (nothing runs until it is read).
    fn start(
        &self,
        clients: &MapClients,
        action: MapAction,
        options: MapActionOptions,
    ) -> core::MapRun {
        self.inner
            .run(&clients.core(), action.into(), options.into())
    }
}

#[uniffi::export]
impl ContainerMap {
    /// Reads a Compose file (or a JSON map) with the `.env` beside it. `project`
    /// names the project (default: the file's `name:`, `COMPOSE_PROJECT_NAME` or
    /// the directory's name); `variables` are what `${VAR}` reads (default: the
    /// process environment over `.env`). A wrong map is `InvalidMap`, naming the
    /// file, line and key.
    #[uniffi::constructor(default(project = None, variables = None))]
    pub fn load(
        path: String,
        project: Option<String>,
        variables: Option<HashMap<String, String>>,
    ) -> Result<Arc<Self>> {
        let options = load_options(project, variables);
        Ok(ContainerMap::wrap(core::ContainerMap::load_with(
            path, options,
        )?))
    }

    /// Reads a map from Compose YAML text; relative paths (build contexts, bind
    /// mounts) start at `working_dir`. `variables` default to the process
    /// environment.
    #[uniffi::constructor(default(project = None, variables = None))]
    pub fn from_yaml(
        text: String,
        working_dir: String,
        project: Option<String>,
        variables: Option<HashMap<String, String>>,
    ) -> Result<Arc<Self>> {
        let options = load_options(project, variables);
        Ok(ContainerMap::wrap(core::ContainerMap::from_yaml(
            &text,
            working_dir,
            options,
        )?))
    }

    /// Reads the JSON form (what `to_json` writes, or Compose written as JSON);
    /// no interpolation.
    #[uniffi::constructor]
    pub fn from_json(text: String) -> Result<Arc<Self>> {
        Ok(ContainerMap::wrap(core::ContainerMap::from_json(&text)?))
    }

    /// The project name: it prefixes the containers, networks and volumes, and labels them.
    pub fn name(&self) -> String {
        self.inner.name.clone()
    }

    /// The services' names, sorted.
    pub fn services(&self) -> Vec<String> {
        self.inner.services.keys().cloned().collect()
    }

    /// What was read but has no effect here (keys Compose ignores too).
    pub fn warnings(&self) -> Vec<String> {
        self.inner.warnings.clone()
    }

    /// Where relative paths start.
    pub fn working_dir(&self) -> String {
        self.inner.working_dir.display().to_string()
    }

    /// The map in its JSON form (a Compose document in long syntax), which
    /// `from_json` reads back.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&self.inner.to_json()).expect("JSON values print")
    }

    /// Starts `action`: its events as a pull stream. Nothing happens until the
    /// stream is read; cancelling it stops the action.
    #[uniffi::method(default(options))]
    pub fn run(
        &self,
        clients: Arc<MapClients>,
        action: MapAction,
        options: MapActionOptions,
    ) -> Arc<MapEventStream> {
        MapEventStream::new(self.start(&clients, action, options))
    }

    /// Runs `action`, telling `listener` each event, until it ends, the listener
    /// returns true or the handle is cancelled or dropped (each of which stops
    /// the action where it is).
    #[uniffi::method(default(options))]
    pub fn run_to(
        &self,
        listener: Arc<dyn MapListener>,
        clients: Arc<MapClients>,
        action: MapAction,
        options: MapActionOptions,
    ) -> Arc<TaskHandle> {
        let run = self.start(&clients, action, options);
        let end = listener.clone();
        listen(
            async move { Ok::<_, libdocker::Error>(run) },
            move |e| listener.on_event(e),
            move |e| end.on_end(e),
        )
    }
}

export_async! {
    impl ContainerMap {
        /// What `action` would do now, step by step; nothing is changed.
        #[uniffi::method(default(options))]
        pub async fn plan(&self, clients: Arc<MapClients>, action: MapAction, options: MapActionOptions) -> Result<Vec<MapStep>> {
            let (map, core_clients) = (self.inner.clone(), clients.core());
            clients
                .call(async move {
                    let plan = map.plan(&core_clients, action.into(), &options.into()).await?;
                    Ok(plan.steps.into_iter().map(MapStep::from).collect())
                })
                .await
        }

        /// Runs `action` to its end without its events: its summary, or
        /// `MapFailed` naming what failed and what was skipped.
        #[uniffi::method(default(options))]
        pub async fn perform(&self, clients: Arc<MapClients>, action: MapAction, options: MapActionOptions) -> Result<MapSummary> {
            let run = self.start(&clients, action, options);
            clients
                .call(async move {
                    let summary = run.finish().await?;
                    Ok(MapSummary {
                        action: summary.action.map_or(action, MapAction::from),
                        done: summary.done as u64,
                    })
                })
                .await
        }

        /// `perform(clients, MapAction.Up)`.
        pub async fn up(&self, clients: Arc<MapClients>) -> Result<MapSummary> {
            self.perform(clients, MapAction::Up, MapActionOptions::default()).await
        }

        /// `perform(clients, MapAction.Update)`.
        pub async fn update(&self, clients: Arc<MapClients>) -> Result<MapSummary> {
            self.perform(clients, MapAction::Update, MapActionOptions::default()).await
        }

        /// `perform(clients, MapAction.Down)`; `volumes` removes the volumes too.
        #[uniffi::method(default(volumes = false))]
        pub async fn down(&self, clients: Arc<MapClients>, volumes: bool) -> Result<MapSummary> {
            let options = MapActionOptions { volumes, ..Default::default() };
            self.perform(clients, MapAction::Down, options).await
        }

        /// Deploys the map to the swarm `docker` manages, as the stack named
        /// after its project (`docker stack deploy`): each service's `deploy:`
        /// section becomes its service spec, networks are overlay, secrets and
        /// configs the swarm's. A second deploy updates the services in place.
        pub async fn deploy_stack(&self, docker: Arc<Docker>) -> Result<StackReport> {
            let map = self.inner.clone();
            let core = docker.core();
            docker.call(async move { Ok(map.deploy_stack(&core).await?.into()) }).await
        }

        /// Removes the stack of the map's name: its services, then its networks,
        /// secrets and configs.
        pub async fn remove_stack(&self, docker: Arc<Docker>) -> Result<StackReport> {
            let map = self.inner.clone();
            let core = docker.core();
            docker.call(async move { Ok(map.remove_stack(&core).await?.into()) }).await
        }

        /// The project's containers on every daemon the map uses (whoever made
        /// them: this map or `docker compose`), by service and number.
        pub async fn ps(&self, clients: Arc<MapClients>) -> Result<Vec<MapContainer>> {
            let (map, core_clients) = (self.inner.clone(), clients.core());
            clients
                .call(async move {
                    Ok(map.ps(&core_clients).await?.into_iter().map(MapContainer::from).collect())
                })
                .await
        }

        /// Every container's output as one stream of lines (`follow` keeps it
        /// open while they run).
        pub async fn logs(&self, clients: Arc<MapClients>, options: LogOptions) -> Result<Arc<MapLogStream>> {
            let (map, core_clients) = (self.inner.clone(), clients.core());
            clients
                .call(async move { Ok(MapLogStream::new(map.logs(&core_clients, options.into()).await?)) })
                .await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CYCLE: &str = "
name: cycle
services:
  a:
    image: busybox
    depends_on: [b]
  b:
    image: busybox
    depends_on: [a]
";

    #[test]
    fn a_wrong_map_is_invalid_map_naming_the_line() {
        let e = ContainerMap::from_yaml(CYCLE.into(), "/tmp".into(), None, None)
            .err()
            .expect("a cycle is refused");
        assert!(
            matches!(&e, DockerError::InvalidMap { reason } if reason.contains("<yaml>:")),
            "{e:?}"
        );
    }

    #[test]
    fn a_map_reads_back_from_its_json() {
        let text = "name: demo\nservices:\n  web:\n    image: busybox\n    stop_grace_period: 1s\n";
        let map = ContainerMap::from_yaml(text.into(), "/tmp".into(), None, None).unwrap();
        assert_eq!(
            (map.name(), map.services()),
            ("demo".into(), vec!["web".into()])
        );
        let again = ContainerMap::from_json(map.to_json()).unwrap();
        assert_eq!(again.inner.services, map.inner.services);
    }

    #[test]
    fn a_missing_client_is_refused_before_anything_is_sent() {
        let text = "name: demo\nservices:\n  web:\n    image: busybox\n    x-libdocker: {clients: [edge]}\n";
        let map = ContainerMap::from_yaml(text.into(), "/tmp".into(), None, None).unwrap();
        let clients = MapClients::new(
            Docker::new(DockerOptions {
                host: Some("tcp://127.0.0.1:9".into()),
                ..Default::default()
            })
            .unwrap(),
        );
        // Refused on the runtime before any connection is tried.
        let e = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(map.ps(clients));
        assert!(matches!(e, Err(DockerError::InvalidMap { .. })), "{e:?}");
    }
}
