//! Container maps ([`crate::maps`]) for blocking code: the same actions, on a
//! runtime of their own, their events as an iterator.

use std::sync::Arc;

use futures_util::StreamExt;

use super::Docker;
use crate::maps::{
    Action, ActionOptions, ContainerMap, Existing, LogLine, MapEvent, MapLogs, MapRun, Plan,
    Summary,
};
use crate::{Error, LogsOptions};

/// The daemons a map is applied to (a default client and named ones), and the
/// runtime its actions run on. Cheap to clone.
#[derive(Clone)]
pub struct MapClients {
    clients: crate::maps::Clients,
    runtime: Arc<tokio::runtime::Runtime>,
}

impl MapClients {
    /// Clients with `default` for the services that name none.
    pub fn new(default: &Docker) -> Result<MapClients, Error> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("libdocker-maps")
            .enable_all()
            .build()
            .map_err(|source| Error::Io {
                context: "starting the maps' runtime".into(),
                source,
            })?;
        Ok(MapClients {
            clients: crate::maps::Clients::new(default.client().clone()),
            runtime: Arc::new(runtime),
        })
    }

    /// Adds the client called `name`.
    pub fn with(mut self, name: impl Into<String>, docker: &Docker) -> MapClients {
        self.insert(name, docker);
        self
    }

    pub fn insert(&mut self, name: impl Into<String>, docker: &Docker) {
        self.clients.insert(name, docker.client().clone());
    }

    /// The async clients underneath.
    pub fn clients(&self) -> &crate::maps::Clients {
        &self.clients
    }

    /// What `action` would do now.
    pub fn plan(
        &self,
        map: &ContainerMap,
        action: Action,
        options: &ActionOptions,
    ) -> Result<Plan, Error> {
        self.runtime
            .block_on(map.plan(&self.clients, action, options))
    }

    /// Runs `action`; its events as they come, the last item its error if it failed.
    pub fn run(&self, map: &ContainerMap, action: Action, options: ActionOptions) -> MapEvents {
        MapEvents {
            run: map.run(&self.clients, action, options),
            runtime: self.runtime.clone(),
        }
    }

    pub fn up(&self, map: &ContainerMap) -> Result<Summary, Error> {
        self.run(map, Action::Up, ActionOptions::default()).finish()
    }

    pub fn update(&self, map: &ContainerMap) -> Result<Summary, Error> {
        self.run(map, Action::Update, ActionOptions::default())
            .finish()
    }

    pub fn down(&self, map: &ContainerMap) -> Result<Summary, Error> {
        self.run(map, Action::Down, ActionOptions::default())
            .finish()
    }

    pub fn ps(&self, map: &ContainerMap) -> Result<Vec<Existing>, Error> {
        self.runtime.block_on(map.ps(&self.clients))
    }

    /// Every container's logs, merged, one line at a time.
    pub fn logs(&self, map: &ContainerMap, options: LogsOptions) -> Result<MapLogLines, Error> {
        let logs = self.runtime.block_on(map.logs(&self.clients, options))?;
        Ok(MapLogLines {
            logs,
            runtime: self.runtime.clone(),
        })
    }
}

/// A running map action's events; dropping it cancels the action.
pub struct MapEvents {
    run: MapRun,
    runtime: Arc<tokio::runtime::Runtime>,
}

impl MapEvents {
    /// Runs the action to its end; its summary, or its error.
    pub fn finish(self) -> Result<Summary, Error> {
        self.runtime.block_on(self.run.finish())
    }

    /// The next event, or `Cancelled` once `cancel` fires (from any thread)
    /// while it waits; the action is then cancelled when this is dropped.
    pub fn next_or_cancelled(&mut self, cancel: &crate::Cancel) -> Result<Option<MapEvent>, Error> {
        next_or_cancelled(&self.runtime, &mut self.run, cancel, "the map action")
    }

    /// The summary, once the events have ended without an error.
    pub fn summary(&self) -> Option<&Summary> {
        self.run.summary()
    }
}

impl Iterator for MapEvents {
    type Item = Result<MapEvent, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        self.runtime.block_on(self.run.next())
    }
}

/// A map's merged logs.
pub struct MapLogLines {
    logs: MapLogs,
    runtime: Arc<tokio::runtime::Runtime>,
}

impl MapLogLines {
    /// The next line, or `Cancelled` once `cancel` fires while it waits.
    pub fn next_or_cancelled(&mut self, cancel: &crate::Cancel) -> Result<Option<LogLine>, Error> {
        next_or_cancelled(&self.runtime, &mut self.logs, cancel, "the map's logs")
    }
}

impl Iterator for MapLogLines {
    type Item = Result<LogLine, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        self.runtime.block_on(self.logs.next())
    }
}

fn next_or_cancelled<S, T>(
    runtime: &tokio::runtime::Runtime,
    stream: &mut S,
    cancel: &crate::Cancel,
    what: &str,
) -> Result<Option<T>, Error>
where
    S: futures_core::Stream<Item = Result<T, Error>> + Unpin,
{
    let fired = cancel.cancelled();
    runtime.block_on(async {
        tokio::select! {
            biased;
            () = fired => Err(Error::Cancelled { what: what.to_string() }),
            item = stream.next() => item.transpose(),
        }
    })
}

impl Docker {
    /// Deploys `map` to the swarm this client's daemon manages, as a stack
    /// ([`ContainerMap::deploy_stack`]).
    pub fn deploy_stack(&self, map: &ContainerMap) -> Result<crate::maps::StackReport, Error> {
        self.wait(map.deploy_stack(self.client()))?
    }

    /// Removes the stack of `map`'s name ([`ContainerMap::remove_stack`]).
    pub fn remove_stack(&self, map: &ContainerMap) -> Result<crate::maps::StackReport, Error> {
        self.wait(map.remove_stack(self.client()))?
    }
}
