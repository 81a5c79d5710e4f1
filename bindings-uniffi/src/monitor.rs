//! The core's `Monitor` for Swift and Kotlin: events of many daemons as one
//! stream, tagged by daemon, with daemon-down and daemon-up, as a pull stream
//! (`subscribe`, then `next()` / the `Flow` / the `AsyncSequence`) or a
//! listener with a `TaskHandle` (`listen`). It runs while someone listens.

use std::collections::HashMap;
use std::sync::Arc;

use futures_util::StreamExt;

use crate::client::{params, Docker};
use crate::error::{DockerError, Result};
use crate::runtime;
use crate::streams::{
    items, listen, next_batch_of, next_of, pull_stream, Batch, DockerEvent, Items, Source,
};
use crate::task_handle::TaskHandle;

/// What a monitor reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum MonitorEventKind {
    /// An event of the daemon (`event`).
    Event,
    /// The daemon answers: at first contact and after each outage.
    DaemonUp,
    /// The daemon stopped answering (`error` says why); the monitor reconnects.
    DaemonDown,
    /// A running container's resource use (`stats`).
    Stats,
}

/// A container's resource use, computed as `docker stats` does.
#[derive(Debug, Clone, uniffi::Record)]
pub struct ContainerStats {
    pub id: String,
    pub name: String,
    /// Of one CPU: 200.0 is two CPUs busy.
    pub cpu_percent: f64,
    /// Bytes in use, without the page cache.
    pub memory_usage: u64,
    pub memory_limit: u64,
    pub memory_percent: f64,
    pub net_rx_bytes: u64,
    pub net_tx_bytes: u64,
    pub block_read_bytes: u64,
    pub block_write_bytes: u64,
    /// Bytes a second since the previous sample.
    pub net_rx_rate: f64,
    pub net_tx_rate: f64,
    pub block_read_rate: f64,
    pub block_write_rate: f64,
    pub pids: u64,
}

impl From<libdocker::MonitorStats> for ContainerStats {
    fn from(s: libdocker::MonitorStats) -> Self {
        ContainerStats {
            id: s.id,
            name: s.name,
            cpu_percent: s.cpu_percent,
            memory_usage: s.memory_usage,
            memory_limit: s.memory_limit,
            memory_percent: s.memory_percent,
            net_rx_bytes: s.net_rx_bytes,
            net_tx_bytes: s.net_tx_bytes,
            block_read_bytes: s.block_read_bytes,
            block_write_bytes: s.block_write_bytes,
            net_rx_rate: s.net_rx_rate,
            net_tx_rate: s.net_tx_rate,
            block_read_rate: s.block_read_rate,
            block_write_rate: s.block_write_rate,
            pids: s.pids,
        }
    }
}

/// One report of a monitor.
#[derive(Debug, Clone, uniffi::Record)]
pub struct MonitorEvent {
    /// The name the daemon was added under.
    pub daemon: String,
    pub kind: MonitorEventKind,
    pub event: Option<DockerEvent>,
    pub error: Option<String>,
    pub stats: Option<ContainerStats>,
}

impl From<libdocker::MonitorEvent> for MonitorEvent {
    fn from(e: libdocker::MonitorEvent) -> Self {
        match e {
            libdocker::MonitorEvent::Event { daemon, event } => MonitorEvent {
                daemon,
                kind: MonitorEventKind::Event,
                event: Some(event.into()),
                error: None,
                stats: None,
            },
            libdocker::MonitorEvent::DaemonUp { daemon } => MonitorEvent {
                daemon,
                kind: MonitorEventKind::DaemonUp,
                event: None,
                error: None,
                stats: None,
            },
            libdocker::MonitorEvent::DaemonDown { daemon, error } => MonitorEvent {
                daemon,
                kind: MonitorEventKind::DaemonDown,
                event: None,
                error: Some(error),
                stats: None,
            },
            libdocker::MonitorEvent::Stats { daemon, stats } => MonitorEvent {
                daemon,
                kind: MonitorEventKind::Stats,
                event: None,
                error: None,
                stats: Some(stats.into()),
            },
        }
    }
}

impl Batch for MonitorEvent {}

pull_stream!(
    /// A monitor's reports (`Monitor.subscribe`).
    MonitorStream,
    MonitorEvent
);

/// A container as a monitor last saw it.
#[derive(Debug, Clone, uniffi::Record)]
pub struct WatchedContainer {
    pub id: String,
    pub name: String,
    pub image: String,
    /// `created`, `running`, `paused`, `exited`, …
    pub state: String,
    pub labels: HashMap<String, String>,
}

/// Many daemons watched at once.
#[derive(uniffi::Object)]
pub struct Monitor {
    inner: libdocker::Monitor,
}

/// The core's filters from the Engine's JSON form (`{"label": ["a=b"]}`).
fn filters(json: &str) -> Result<libdocker::Filters> {
    Ok(libdocker::Filters::from_json(&params(json)?)?)
}

#[uniffi::export]
impl Monitor {
    /// A monitor of the events `filters_json` selects (the Engine's form; empty
    /// for all), on every daemon added; with `stats_every_ms`, also the stats of
    /// each running container it holds, that often.
    #[uniffi::constructor(default(filters_json = "", stats_every_ms = None))]
    pub fn new(filters_json: String, stats_every_ms: Option<u64>) -> Result<Arc<Self>> {
        let options = libdocker::MonitorOptions {
            filters: filters(&filters_json)?,
            stats_every: stats_every_ms
                .filter(|&ms| ms > 0)
                .map(std::time::Duration::from_millis),
            ..Default::default()
        };
        Ok(Arc::new(Monitor {
            inner: libdocker::Monitor::new(options),
        }))
    }

    /// Watches `docker` as `name` (replacing one of that name).
    pub fn add(&self, name: String, docker: Arc<Docker>) {
        self.inner.add(name, docker.core());
    }

    /// Stops watching `name`; whether it was watched.
    pub fn remove(&self, name: String) -> bool {
        self.inner.remove(&name)
    }

    /// The daemons' names, sorted.
    pub fn daemons(&self) -> Vec<String> {
        self.inner.daemons()
    }

    /// The containers of `daemon` as the monitor knows them (while it runs).
    pub fn containers(&self, daemon: String) -> Vec<WatchedContainer> {
        self.inner
            .containers(&daemon)
            .into_iter()
            .map(|c| WatchedContainer {
                id: c.id,
                name: c.name,
                image: c.image,
                state: c.state,
                labels: c.labels,
            })
            .collect()
    }

    /// Reports to `listener` until its handle is cancelled or dropped, or the
    /// listener returns true.
    pub fn listen(&self, listener: Arc<dyn MonitorListener>) -> Arc<TaskHandle> {
        let monitor = self.inner.clone();
        let end = listener.clone();
        listen(
            async move {
                monitor
                    .subscribe()
                    .map(|s| s.map(Ok::<_, libdocker::Error>))
            },
            move |e| listener.on_event(e),
            move |e| end.on_end(e),
        )
    }
}

export_async! {
    impl Monitor {
        /// Starts listening: the reports from now on, as a pull stream. The
        /// monitor runs while a stream or a listener is open.
        pub async fn subscribe(&self) -> Result<Arc<MonitorStream>> {
            let monitor = self.inner.clone();
            runtime::run(async move {
                let sub = monitor.subscribe()?;
                Ok(MonitorStream::new(sub.map(Ok::<_, libdocker::Error>)))
            })
            .await
        }
    }
}

/// Hears a monitor's reports (`Monitor.listen`): return true to stop.
#[uniffi::export(with_foreign)]
pub trait MonitorListener: Send + Sync {
    fn on_event(&self, event: MonitorEvent) -> std::result::Result<bool, DockerError>;
    fn on_end(&self, error: Option<DockerError>);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_from_the_engines_json() {
        let f = filters(r#"{"label": ["a=b", "c"], "type": ["container"]}"#).unwrap();
        assert_eq!(
            f.to_json(),
            serde_json::json!({"label": ["a=b", "c"], "type": ["container"]})
        );
        assert!(filters("").unwrap().is_empty());
        assert!(matches!(
            filters(r#"{"label": "a"}"#),
            Err(DockerError::InvalidParams { .. })
        ));
    }
}
