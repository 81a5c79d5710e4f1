//! One daemon's watcher: connect, re-read its containers, follow its events
//! from where the last delivered one left off, and on any failure report the
//! daemon down and try again with backoff. Replayed events are dropped: those
//! older than the last delivered one, and those of its very nanosecond already
//! delivered.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use futures_util::StreamExt;
use tokio::task::JoinHandle;

use super::{MonitorEvent, Shared, WatchedContainer};
use crate::resources::containers::ListOptions;
use crate::resources::system::{Event, EventsOptions};
use crate::{Docker, Error};

/// A running watcher; dropping it stops the watcher and closes its connection.
pub(crate) struct Running(JoinHandle<()>);

impl Drop for Running {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Starts watching `docker` as `name`, delivering events from `since` (Unix ns).
pub(crate) fn start(
    runtime: &tokio::runtime::Handle,
    shared: Arc<Shared>,
    name: String,
    docker: Docker,
    since: i64,
) -> Running {
    Running(runtime.spawn(watch(shared, name, docker, since)))
}

/// Where the delivered events end: the newest time, and which events of that
/// nanosecond were delivered.
struct Cursor {
    time_nano: i64,
    seen: HashSet<String>,
}

impl Cursor {
    /// Whether `event` is new; if so it moves the cursor.
    fn admit(&mut self, event: &Event) -> bool {
        let key = format!(
            "{}/{}/{}/{}",
            event.kind,
            event.action,
            event.actor.id,
            event.scope.as_deref().unwrap_or("")
        );
        if event.time_nano < self.time_nano {
            return false;
        }
        if event.time_nano > self.time_nano {
            self.time_nano = event.time_nano;
            self.seen.clear();
        }
        self.seen.insert(key)
    }

    /// The daemon's `since` for a resumption: the cursor's second and
    /// nanoseconds.
    fn since(&self) -> String {
        format!(
            "{}.{:09}",
            self.time_nano / 1_000_000_000,
            self.time_nano % 1_000_000_000
        )
    }
}

async fn watch(shared: Arc<Shared>, name: String, docker: Docker, since: i64) {
    let mut cursor = Cursor {
        time_nano: since,
        seen: HashSet::new(),
    };
    let mut backoff = shared.options.backoff_min;
    let mut down_reported = false;
    loop {
        let mut reached = false;
        let outcome = follow(&shared, &name, &docker, &mut cursor, &mut reached).await;
        if reached {
            backoff = shared.options.backoff_min;
            down_reported = false;
        }
        if !down_reported {
            down_reported = true;
            let error = match outcome {
                Ok(()) => "the daemon ended its event stream".to_string(),
                Err(e) => e.to_string(),
            };
            shared.deliver(MonitorEvent::DaemonDown {
                daemon: name.clone(),
                error,
            });
        }
        // Connections to a daemon that went away are of no use now.
        docker.close();
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(shared.options.backoff_max);
    }
}

/// One connection's worth: the containers re-read, then the events followed
/// until the stream fails or ends.
async fn follow(
    shared: &Shared,
    name: &str,
    docker: &Docker,
    cursor: &mut Cursor,
    reached: &mut bool,
) -> Result<(), Error> {
    let mut events = docker
        .events(EventsOptions {
            since: Some(cursor.since()),
            until: None,
            filters: shared.options.filters.clone(),
        })
        .await?;
    // The containers the events cover: label filters select both.
    let list = ListOptions {
        all: true,
        filters: shared.options.filters.only("label"),
        ..Default::default()
    };
    let listed = docker.containers().list(list).await?;
    let containers: HashMap<String, WatchedContainer> = listed
        .iter()
        .map(|c| (c.id.clone(), WatchedContainer::from(c)))
        .collect();
    shared.reset_containers(name, containers);
    *reached = true;
    shared.deliver(MonitorEvent::DaemonUp {
        daemon: name.to_string(),
    });
    let follow = async {
        while let Some(event) = events.next().await {
            let event = event?;
            if cursor.admit(&event) {
                shared.deliver(MonitorEvent::Event {
                    daemon: name.to_string(),
                    event,
                });
            }
        }
        Ok(())
    };
    let stats = async {
        match shared.options.stats_every {
            Some(every) => match stats(shared, name, docker, every).await {},
            None => std::future::pending().await,
        }
    };
    let alive = async {
        match shared.options.liveness_every {
            Some(every) => alive(docker, every).await,
            None => std::future::pending().await,
        }
    };
    tokio::select! {
        done = follow => done,
        failed = alive => failed,
        () = stats => Ok(()),
    }
}

/// Pings the daemon every `every`: a stream that hangs says nothing, so this
/// is how a daemon gone silent is found. Ends with the ping's failure.
async fn alive(docker: &Docker, every: std::time::Duration) -> Result<(), Error> {
    loop {
        tokio::time::sleep(every).await;
        match tokio::time::timeout(every, docker.ping()).await {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => return Err(e),
            Err(_) => {
                return Err(Error::Timeout {
                    during: "the monitor's liveness ping".into(),
                    after: every,
                })
            }
        }
    }
}

/// Samples the running containers' stats every `every`, while the daemon is up.
async fn stats(
    shared: &Shared,
    name: &str,
    docker: &Docker,
    every: std::time::Duration,
) -> std::convert::Infallible {
    let mut last = super::stats::Last::new();
    let started = tokio::time::Instant::now();
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let ids = shared.running(name);
        let containers = docker.containers();
        let samples =
            futures_util::future::join_all(ids.iter().map(|id| containers.stats(id))).await;
        let now = started.elapsed().as_secs_f64();
        for (id, sample) in ids.iter().zip(samples) {
            // A container that stopped meanwhile has no stats: skip it.
            let Ok(sample) = sample else { continue };
            let previous = last.get(id).map(|(s, at)| (s, *at));
            let stats = super::stats::compute(id, &sample, previous, now);
            last.insert(id.clone(), (stats.clone(), now));
            shared.deliver(MonitorEvent::Stats {
                daemon: name.to_string(),
                stats,
            });
        }
        last.retain(|id, _| ids.contains(id));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::system::Actor;

    fn at(time_nano: i64, action: &str) -> Event {
        Event {
            kind: "container".into(),
            action: action.into(),
            actor: Actor {
                id: "c".into(),
                attributes: Default::default(),
            },
            scope: Some("local".into()),
            time: time_nano / 1_000_000_000,
            time_nano,
            extra: Default::default(),
        }
    }

    #[test]
    fn replayed_events_are_dropped_and_new_ones_admitted() {
        let mut c = Cursor {
            time_nano: 5_000_000_000,
            seen: HashSet::new(),
        };
        assert_eq!(c.since(), "5.000000000");
        assert!(
            !c.admit(&at(4_999_999_999, "create")),
            "older than the start"
        );
        assert!(c.admit(&at(5_000_000_007, "create")));
        assert!(
            c.admit(&at(5_000_000_007, "start")),
            "same nanosecond, another event"
        );
        assert!(!c.admit(&at(5_000_000_007, "create")), "replayed");
        assert_eq!(c.since(), "5.000000007");
        assert!(c.admit(&at(6_000_000_000, "die")));
        assert!(!c.admit(&at(5_000_000_007, "start")), "replayed, older");
    }
}
