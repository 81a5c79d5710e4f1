//! The [`crate::Monitor`] for blocking code: the same monitor, its reports as
//! an iterator. Its watchers run on a runtime of its own.

use std::sync::Arc;

use futures_util::StreamExt;

use super::Docker;
use crate::{Error, MonitorEvent, MonitorOptions, Subscription, WatchedContainer};

/// Many daemons watched at once; cheap to clone (clones share it).
#[derive(Clone)]
pub struct Monitor {
    inner: crate::Monitor,
    runtime: Arc<tokio::runtime::Runtime>,
}

impl Monitor {
    pub fn new(options: MonitorOptions) -> Result<Monitor, Error> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("libdocker-monitor")
            .enable_all()
            .build()
            .map_err(|source| Error::Io {
                context: "starting the monitor's runtime".into(),
                source,
            })?;
        Ok(Monitor {
            inner: crate::Monitor::new(options),
            runtime: Arc::new(runtime),
        })
    }

    /// Watches `docker`'s daemon as `name`.
    pub fn add(&self, name: impl Into<String>, docker: &Docker) {
        self.inner.add(name, docker.client().clone());
    }

    /// Stops watching `name`; whether it was watched.
    pub fn remove(&self, name: &str) -> bool {
        self.inner.remove(name)
    }

    pub fn daemons(&self) -> Vec<String> {
        self.inner.daemons()
    }

    /// The containers of `daemon` as the monitor knows them (while it runs).
    pub fn containers(&self, daemon: &str) -> Vec<WatchedContainer> {
        self.inner.containers(daemon)
    }

    /// The reports from now on, as a blocking iterator that never ends by
    /// itself; dropping the last one stops the monitor.
    pub fn subscribe(&self) -> Result<Reports, Error> {
        let _runtime = self.runtime.enter();
        Ok(Reports {
            subscription: self.inner.subscribe()?,
            runtime: self.runtime.clone(),
        })
    }
}

/// A monitor's reports, read by blocking the thread.
pub struct Reports {
    subscription: Subscription,
    runtime: Arc<tokio::runtime::Runtime>,
}

impl Reports {
    /// The next report, or `Cancelled` once `cancel` fires (from any thread)
    /// while it waits.
    pub fn next_or_cancelled(
        &mut self,
        cancel: &crate::Cancel,
    ) -> Result<Option<MonitorEvent>, Error> {
        let next = self.subscription.next();
        let fired = cancel.cancelled();
        self.runtime.block_on(async {
            tokio::select! {
                biased;
                () = fired => Err(Error::Cancelled { what: "waiting for the monitor's next report".into() }),
                report = next => Ok(report),
            }
        })
    }

    /// The next report, or None if none comes within `timeout`.
    pub fn next_timeout(&mut self, timeout: std::time::Duration) -> Option<MonitorEvent> {
        let next = self.subscription.next();
        self.runtime
            .block_on(async { tokio::time::timeout(timeout, next).await.ok().flatten() })
    }
}

impl Iterator for Reports {
    type Item = MonitorEvent;

    fn next(&mut self) -> Option<MonitorEvent> {
        self.runtime.block_on(self.subscription.next())
    }
}
