//! A long-running monitor of many daemons at once (nkdocker's
//! `nkdocker_monitor`): one merged stream of events, each tagged with its
//! daemon; daemons added and removed while it runs; reconnection with backoff,
//! with `DaemonDown` / `DaemonUp` in the stream; resumption from the last event
//! delivered, so no event is lost or doubled across an outage; and a cache of
//! each daemon's containers and their state, kept from the events and re-read
//! after each reconnect.
//!
//! As in the seed, the monitor runs while someone listens: the first
//! [`Monitor::subscribe`] starts a watcher per daemon, and dropping the last
//! [`Subscription`] stops them and closes their connections.
//!
//! `watcher.rs` is one daemon's loop (connect, re-read, follow, back off);
//! `cache.rs` the container states.

mod cache;
mod stats;
mod watcher;

use std::collections::HashMap;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures_util::Stream;
use tokio::sync::mpsc;

pub use cache::WatchedContainer;
pub use stats::ContainerStats;

use crate::resources::system::Event;
use crate::{Docker, Error, Filters};

/// What a [`Monitor`] reports. As JSON (the bindings' form):
/// `{"kind": "event", "daemon": …, "event": {…the daemon's event…}}`,
/// `{"kind": "daemon_up", "daemon": …}`, `{"kind": "daemon_down", "daemon": …, "error": …}`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MonitorEvent {
    /// An event of `daemon`, in that daemon's order.
    Event { daemon: String, event: Event },
    /// `daemon` answers: at first contact and after each outage. Its
    /// containers have been re-read when this arrives.
    DaemonUp { daemon: String },
    /// `daemon` stopped answering (or could not be reached); the monitor
    /// reconnects with backoff and resumes where it stopped.
    DaemonDown { daemon: String, error: String },
    /// A running container's resource use (with `MonitorOptions::stats_every`).
    Stats {
        daemon: String,
        stats: ContainerStats,
    },
}

impl MonitorEvent {
    /// The daemon it is about.
    pub fn daemon(&self) -> &str {
        match self {
            MonitorEvent::Event { daemon, .. }
            | MonitorEvent::DaemonUp { daemon }
            | MonitorEvent::DaemonDown { daemon, .. }
            | MonitorEvent::Stats { daemon, .. } => daemon,
        }
    }
}

/// How a [`Monitor`] watches.
#[derive(Debug, Clone)]
pub struct MonitorOptions {
    /// Which events to follow (the daemon's event filters), on every daemon.
    /// Its `label` filters also select the containers the cache holds.
    pub filters: Filters,
    /// The first wait before reconnecting; it doubles up to `backoff_max`.
    pub backoff_min: Duration,
    pub backoff_max: Duration,
    /// Stats of each running container the cache holds, this often (None: no
    /// stats), computed as `docker stats` does.
    pub stats_every: Option<Duration>,
    /// How often a daemon is pinged while its stream is quiet or hung; a ping
    /// that fails or takes longer than this reports it down (None: never).
    pub liveness_every: Option<Duration>,
}

impl Default for MonitorOptions {
    fn default() -> Self {
        MonitorOptions {
            filters: Filters::new(),
            backoff_min: Duration::from_millis(100),
            backoff_max: Duration::from_secs(5),
            stats_every: None,
            liveness_every: Some(Duration::from_secs(5)),
        }
    }
}

/// Events of many daemons as one stream; cheap to clone (clones share it).
#[derive(Clone)]
pub struct Monitor {
    shared: Arc<Shared>,
}

pub(crate) struct Shared {
    options: MonitorOptions,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    daemons: HashMap<String, Daemon>,
    subscribers: Vec<mpsc::UnboundedSender<MonitorEvent>>,
    /// Each daemon's containers, by id.
    containers: HashMap<String, HashMap<String, WatchedContainer>>,
    /// Where the current run started (Unix ns): events from then on are delivered.
    started_at: Option<i64>,
    /// The runtime the watchers run on (the first subscriber's).
    runtime: Option<tokio::runtime::Handle>,
}

struct Daemon {
    docker: Docker,
    /// Its watcher while the monitor runs (aborted when dropped).
    watcher: Option<watcher::Running>,
}

impl Monitor {
    pub fn new(options: MonitorOptions) -> Monitor {
        Monitor {
            shared: Arc::new(Shared {
                options,
                state: Mutex::new(State::default()),
            }),
        }
    }

    /// Watches `docker` as `name` (replacing a daemon of that name). While the
    /// monitor runs, its watcher starts at once.
    pub fn add(&self, name: impl Into<String>, docker: Docker) {
        let name = name.into();
        let mut state = self.shared.lock();
        let watcher = match (state.started_at, &state.runtime) {
            (Some(since), Some(runtime)) => Some(watcher::start(
                runtime,
                self.shared.clone(),
                name.clone(),
                docker.clone(),
                since,
            )),
            _ => None,
        };
        state.daemons.insert(name, Daemon { docker, watcher });
    }

    /// Stops watching `name` and forgets its containers; whether it was there.
    pub fn remove(&self, name: &str) -> bool {
        let mut state = self.shared.lock();
        state.containers.remove(name);
        state.daemons.remove(name).is_some()
    }

    /// The daemons' names.
    pub fn daemons(&self) -> Vec<String> {
        let mut names: Vec<String> = self.shared.lock().daemons.keys().cloned().collect();
        names.sort();
        names
    }

    /// The containers of `daemon` as the monitor knows them now (empty when it
    /// is not running or the daemon is unknown), sorted by id.
    pub fn containers(&self, daemon: &str) -> Vec<WatchedContainer> {
        let state = self.shared.lock();
        let mut list: Vec<WatchedContainer> = state
            .containers
            .get(daemon)
            .map(|m| m.values().cloned().collect())
            .unwrap_or_default();
        list.sort_by(|a, b| a.id.cmp(&b.id));
        list
    }

    /// Listens: every event from now on (and the daemons' ups and downs). The
    /// first subscription starts the monitor, whose watchers run on the tokio
    /// runtime it is called from (an error outside one); dropping the last
    /// subscription stops it.
    pub fn subscribe(&self) -> Result<Subscription, Error> {
        let (tx, rx) = mpsc::unbounded_channel();
        let mut state = self.shared.lock();
        state.subscribers.retain(|s| !s.is_closed());
        if state.started_at.is_none() {
            let runtime = tokio::runtime::Handle::try_current().map_err(|_| {
                Error::Config("Monitor::subscribe needs a tokio runtime to run its watchers on: call it inside one".into())
            })?;
            let since = now_nanos();
            state.started_at = Some(since);
            let shared = self.shared.clone();
            for (name, daemon) in state.daemons.iter_mut() {
                daemon.watcher = Some(watcher::start(
                    &runtime,
                    shared.clone(),
                    name.clone(),
                    daemon.docker.clone(),
                    since,
                ));
            }
            state.runtime = Some(runtime);
        }
        state.subscribers.push(tx);
        Ok(Subscription {
            rx,
            shared: self.shared.clone(),
        })
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Hands `event` to every subscriber, and keeps the container cache.
    pub(crate) fn deliver(&self, event: MonitorEvent) {
        let mut state = self.lock();
        if let MonitorEvent::Event { daemon, event: e } = &event {
            if let Some(containers) = state.containers.get_mut(daemon) {
                cache::apply(containers, e);
            }
        }
        state.subscribers.retain(|s| s.send(event.clone()).is_ok());
    }

    /// The ids of `daemon`'s running containers, as the cache has them.
    pub(crate) fn running(&self, daemon: &str) -> Vec<String> {
        let state = self.lock();
        state
            .containers
            .get(daemon)
            .map(|cs| {
                cs.values()
                    .filter(|c| c.state == "running")
                    .map(|c| c.id.clone())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Replaces `daemon`'s containers (after a reconnect).
    pub(crate) fn reset_containers(
        &self,
        daemon: &str,
        containers: HashMap<String, WatchedContainer>,
    ) {
        let mut state = self.lock();
        if state.daemons.contains_key(daemon) {
            state.containers.insert(daemon.to_string(), containers);
        }
    }

    /// Stops every watcher once no one listens.
    fn unsubscribed(&self) {
        let mut state = self.lock();
        state.subscribers.retain(|s| !s.is_closed());
        if state.subscribers.is_empty() && state.started_at.is_some() {
            state.started_at = None;
            state.runtime = None;
            state.containers.clear();
            for daemon in state.daemons.values_mut() {
                daemon.watcher = None;
            }
        }
    }
}

/// A listener of a [`Monitor`]: a stream of [`MonitorEvent`]s that never ends
/// by itself. Dropping the last one stops the monitor.
pub struct Subscription {
    rx: mpsc::UnboundedReceiver<MonitorEvent>,
    shared: Arc<Shared>,
}

impl Stream for Subscription {
    type Item = MonitorEvent;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<MonitorEvent>> {
        self.rx.poll_recv(cx)
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.rx.close();
        self.shared.unsubscribed();
    }
}

fn now_nanos() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as i64)
}
