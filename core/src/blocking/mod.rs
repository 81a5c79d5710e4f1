//! A blocking client, for programs that wait for each answer anyway: scripts, and the
//! C ABI and Python's sync API built on it.
//!
//! Calls go through the same pipeline as the async client's. Those whose answer is
//! read whole (JSON, text, nothing) run it on blocking std sockets of the client's
//! one pool: one `write`, blocking reads, no runtime in between, so a sequential
//! call costs what a hand-written socket loop costs. Everything else (streams,
//! hijacked connections, streamed bodies, TLS) runs it on a small runtime this
//! client owns, and streams come back as iterators.
//!
//! ```no_run
//! # fn demo() -> Result<(), libdocker::Error> {
//! use serde_json::json;
//! let docker = libdocker::blocking::Docker::connect()?;
//! println!("API {}", docker.api_version()?);
//! let containers = docker.invoke("ContainerList", json!({"all": true})).send()?.into_json()?;
//! for chunk in docker.invoke("ContainerLogs", json!({"id": "web", "stdout": true}))
//!     .send()?
//!     .into_logs()?
//! {
//!     let chunk = chunk?;
//!     print!("{}: {}", chunk.stream, String::from_utf8_lossy(&chunk.bytes));
//! }
//! # let _ = containers; Ok(()) }
//! ```
//!
//! Do not use it from async code: it blocks the thread (use [`crate::Docker`]).

mod invoke;
mod maps;
mod monitor;
mod output;
mod swarm;

pub use invoke::{Invoke, RawRequest};
pub use maps::{MapClients, MapEvents, MapLogLines};
pub use monitor::{Monitor, Reports};
pub use output::{AttachInput, Attached, Content, Iter, Output, Upgraded};
pub use swarm::{Nodes, Services, Swarm, SwarmData, Tasks};

use std::future::Future;
use std::sync::{Arc, OnceLock};

use serde_json::Value;

use crate::config::Endpoint;
use crate::error::Error;
use crate::transport::block_on::{block_on, Stopped};
use crate::transport::{checking, should_stop, Mode};
use crate::{ApiVersion, DockerBuilder, Ping};

/// A blocking client of one Docker daemon; cheap to clone, shareable across threads.
#[derive(Clone)]
pub struct Docker {
    inner: Arc<Inner>,
}

struct Inner {
    client: crate::Docker,
    /// Drives the async client for streams and upgrades; made when first needed.
    runtime: OnceLock<tokio::runtime::Runtime>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        // Dropping a runtime where blocking is not allowed (inside another
        // runtime) would panic: let it wind down in the background instead.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

impl std::fmt::Debug for Docker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("blocking::Docker")
            .field(&self.inner.client)
            .finish()
    }
}

/// The error of a blocking call its caller's check stopped.
pub(crate) fn interrupted() -> Error {
    Error::Cancelled {
        what: "the blocking call".into(),
    }
}

impl DockerBuilder {
    /// Resolves the settings and creates a blocking client.
    pub fn build_blocking(self) -> Result<Docker, Error> {
        Ok(Docker::from_async(self.build()?))
    }
}

impl Docker {
    /// Connects the way the docker CLI would (see [`crate::Docker::connect`]).
    /// Nothing is sent until the first call.
    pub fn connect() -> Result<Docker, Error> {
        DockerBuilder::new().build_blocking()
    }

    /// A blocking client over an async one: both share its connections, its
    /// negotiated API version and its logins.
    pub fn from_async(client: crate::Docker) -> Docker {
        Docker {
            inner: Arc::new(Inner {
                client,
                runtime: OnceLock::new(),
            }),
        }
    }

    /// Where this client connects.
    pub fn endpoint(&self) -> &Endpoint {
        self.inner.client.endpoint()
    }

    /// The async client underneath, for any typed method not offered here; run its
    /// futures with [`block_on`](Self::block_on), on this client's runtime.
    pub fn client(&self) -> &crate::Docker {
        &self.inner.client
    }

    /// Runs a future of [`client`](Self::client) to completion on this client's
    /// runtime, e.g. `docker.block_on(docker.client().containers().inspect("web"))`.
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.runtime().block_on(future)
    }

    fn runtime(&self) -> &tokio::runtime::Runtime {
        self.inner.runtime.get_or_init(|| {
            // A current-thread runtime: chunks are decoded on the thread that
            // waits for them, never handed across threads.
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a current-thread tokio runtime can always be built")
        })
    }

    /// Runs a step of the pipeline to its end: on blocking sockets when `blocking`
    /// (the call's answer is read whole and the daemon is not behind TLS), else
    /// on this client's runtime. A check installed with
    /// [`interruptible`](crate::interruptible) can stop it: `Error::Cancelled`.
    pub(crate) fn drive<F, T>(
        &self,
        blocking: bool,
        step: impl FnOnce(Mode) -> F,
    ) -> Result<T, Error>
    where
        F: Future<Output = Result<T, Error>>,
    {
        if blocking {
            return block_on(step(Mode::Blocking)).unwrap_or_else(|Stopped| Err(interrupted()));
        }
        self.wait(step(Mode::Async))?
    }

    /// Runs `future` on this client's runtime, as [`block_on`](Self::block_on)
    /// does, except that a check installed with [`crate::interruptible`] runs
    /// every [`CHECK_EVERY`](crate::CHECK_EVERY) meanwhile and can stop the wait:
    /// the future is dropped and the answer is `Error::Cancelled`.
    pub fn wait<F: Future>(&self, future: F) -> Result<F::Output, Error> {
        if !checking() {
            return Ok(self.block_on(future));
        }
        self.block_on(async {
            let stop = async {
                loop {
                    tokio::time::sleep(crate::CHECK_EVERY).await;
                    if should_stop() {
                        return;
                    }
                }
            };
            tokio::select! {
                out = future => Ok(out),
                () = stop => Err(interrupted()),
            }
        })
    }

    /// Whether whole answers go over blocking sockets (not over TLS).
    fn can_block(&self) -> bool {
        self.inner.client.inner.transport.can_block()
    }

    /// The API version requests use: the pinned one, or the one negotiated (once).
    pub fn api_version(&self) -> Result<ApiVersion, Error> {
        let client = &self.inner.client;
        self.drive(self.can_block(), |mode| client.api_version_in(mode))
    }

    /// Pings the daemon (`/_ping`).
    pub fn ping(&self) -> Result<Ping, Error> {
        let client = &self.inner.client;
        self.drive(self.can_block(), |mode| client.ping_in(mode))
    }

    /// Prepares a call of operation `op` with `params`, as [`crate::Docker::invoke`].
    pub fn invoke(&self, op: &str, params: Value) -> Invoke {
        Invoke::new(self.clone(), self.inner.client.invoke(op, params))
    }

    /// A request outside the operation table, as [`crate::Docker::request`].
    pub fn request(&self, method: http::Method, path: impl Into<String>) -> RawRequest {
        RawRequest::new(self.clone(), self.inner.client.request(method, path))
    }

    /// Idle keep-alive connections in the pool (shared with the async calls).
    pub fn idle_connections(&self) -> usize {
        self.inner.client.idle_connections()
    }

    /// Connections open now: idle, answering, or carrying a stream.
    pub fn open_connections(&self) -> usize {
        self.inner.client.open_connections()
    }
}
