//! The daemons a map is applied to: a default client and named ones, as in
//! docker-map. A map's services name the clients they run on; the caller hands
//! the clients in, or lets the map's `x-libdocker: clients:` say how to reach them.

use std::collections::BTreeMap;

use super::model::ContainerMap;
use crate::client::Docker;
use crate::error::Error;

/// Clients by name; the default client answers to `""`.
#[derive(Clone, Default)]
pub struct Clients {
    by_name: BTreeMap<String, Docker>,
}

impl Clients {
    /// Clients with `default` for the services that name none.
    pub fn new(default: Docker) -> Clients {
        Clients::default().with("", default)
    }

    /// Adds (or replaces) the client called `name`.
    pub fn with(mut self, name: impl Into<String>, docker: Docker) -> Clients {
        self.insert(name, docker);
        self
    }

    pub fn insert(&mut self, name: impl Into<String>, docker: Docker) {
        self.by_name.insert(name.into(), docker);
    }

    /// The client called `name` (`""`: the default).
    pub fn get(&self, name: &str) -> Option<&Docker> {
        self.by_name.get(name)
    }

    /// Every client's name, the default as `""`.
    pub fn names(&self) -> Vec<String> {
        self.by_name.keys().cloned().collect()
    }

    /// The default client as the docker CLI would connect, and each client the
    /// map describes with a host or CLI context.
    pub fn from_map(map: &ContainerMap) -> Result<Clients, Error> {
        let mut clients = Clients::new(Docker::connect()?);
        for (name, spec) in &map.clients {
            let mut builder = Docker::builder();
            match (&spec.host, &spec.context) {
                (Some(host), _) => builder = builder.host(host.clone()),
                (None, Some(context)) => builder = builder.context(context.clone()),
                (None, None) => continue,
            }
            clients.insert(name.clone(), builder.build()?);
        }
        Ok(clients)
    }

    /// Every client the map's services use is here; else an error naming the
    /// service's line, before anything is touched.
    pub(crate) fn check(&self, map: &ContainerMap) -> Result<(), Error> {
        for (name, service) in &map.services {
            for client in map.clients_of(service) {
                if self.by_name.contains_key(client) {
                    continue;
                }
                let (key, message) = if client.is_empty() {
                    (
                        format!("services.{name}"),
                        "runs on the default client, and none was given".to_string(),
                    )
                } else {
                    let known: Vec<&str> = self
                        .by_name
                        .keys()
                        .map(|k| {
                            if k.is_empty() {
                                "(default)"
                            } else {
                                k.as_str()
                            }
                        })
                        .collect();
                    (
                        format!("services.{name}.x-libdocker.clients"),
                        format!(
                            "no client called `{client}` was given; there are: {}",
                            known.join(", ")
                        ),
                    )
                };
                let (file, line) = map.origin(&key);
                return Err(Error::InvalidMap {
                    file,
                    line,
                    key,
                    message,
                });
            }
        }
        Ok(())
    }
}

impl std::fmt::Debug for Clients {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.by_name.keys()).finish()
    }
}
