//! A blocking client, for programs that wait for each answer anyway: scripts, and the
//! C ABI and Python's sync API built on it.
//!
//! Calls whose answer is read whole (JSON, text, nothing) go over pooled std sockets:
//! one `write`, blocking reads, no runtime in between, so a sequential call costs
//! what a hand-written socket loop costs. Everything else (streams, hijacked
//! connections, streamed bodies, TLS) runs the async client on a small runtime this
//! client owns, and streams come back as iterators. Requests are built by the same
//! code either way ([`crate::Docker::invoke`]'s).
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
mod output;

pub use invoke::Invoke;
pub use output::{AttachInput, Attached, Content, Iter, Output, Upgraded};

use std::future::Future;
use std::sync::{Arc, OnceLock};

use serde_json::Value;

use crate::api::response::status_error;
use crate::client::negotiate;
use crate::config::Endpoint;
use crate::error::Error;
use crate::resources::system::Ping;
use crate::{ApiVersion, DockerBuilder};

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

impl DockerBuilder {
    /// Resolves the settings and creates a blocking client.
    pub fn build_blocking(self) -> Result<Docker, Error> {
        Ok(Docker {
            inner: Arc::new(Inner {
                client: self.build()?,
                runtime: OnceLock::new(),
            }),
        })
    }
}

impl Docker {
    /// Connects the way the docker CLI would (see [`crate::Docker::connect`]).
    /// Nothing is sent until the first call.
    pub fn connect() -> Result<Docker, Error> {
        DockerBuilder::new().build_blocking()
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

    /// Whether whole answers go over the blocking transport (not over TLS).
    fn can_block(&self) -> bool {
        self.inner.client.inner.transport.can_block()
    }

    /// The API version requests use: the pinned one, or the one negotiated (once).
    pub fn api_version(&self) -> Result<ApiVersion, Error> {
        let client = &self.inner.client.inner;
        if let Some(v) = client.pinned.or_else(|| client.negotiated.get().copied()) {
            return Ok(v);
        }
        if !self.can_block() {
            return self.block_on(self.inner.client.api_version());
        }
        let version = negotiate(self.ping()?.api_version)?;
        // Another thread may have negotiated meanwhile: the same answer.
        let _ = client.negotiated.set(version);
        Ok(version)
    }

    /// Pings the daemon (`/_ping`).
    pub fn ping(&self) -> Result<Ping, Error> {
        if !self.can_block() {
            return self.block_on(self.inner.client.ping());
        }
        let client = &self.inner.client.inner;
        let req = self.inner.client.ping_request()?;
        let answer = client
            .transport
            .send_blocking(req, client.request_timeout)?;
        if !answer.parts.status.is_success() {
            return Err(status_error(answer.parts.status, &answer.body));
        }
        Ok(Ping::from_answer(&answer.parts.headers, &answer.body))
    }

    /// Prepares a call of operation `op` with `params`, as [`crate::Docker::invoke`].
    pub fn invoke(&self, op: &str, params: Value) -> Invoke {
        Invoke::new(self.clone(), self.inner.client.invoke(op, params))
    }

    /// Idle keep-alive connections of the blocking path.
    pub fn idle_connections(&self) -> usize {
        self.inner
            .client
            .inner
            .transport
            .idle_blocking_connections()
    }
}
