//! `invoke(op, params)`: any operation of the table by name, with its parameters as a
//! JSON object. Every typed method of the crate goes through here too.
//!
//! ```no_run
//! # async fn demo(docker: libdocker::Docker) -> Result<(), libdocker::Error> {
//! use serde_json::json;
//! let running = docker
//!     .invoke("ContainerList", json!({"all": true, "filters": {"status": ["running"]}}))
//!     .await?
//!     .into_json()?;
//! # Ok(()) }
//! ```

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::time::Duration;

use serde_json::Value;

use super::output::Output;
use super::plan::{CallOptions, Delivery, Planned};
use crate::api;
use crate::body::Body;
use crate::client::Docker;
use crate::error::Error;
use crate::transport::{Cancel, Mode};

/// A call being prepared; `.await` it (or call [`send`](Invoke::send)).
#[must_use = "an Invoke does nothing until it is awaited"]
pub struct Invoke {
    docker: Docker,
    op: Result<&'static api::Operation, Error>,
    params: Value,
    body: Option<Body>,
    options: CallOptions,
}

impl Docker {
    /// Prepares a call of operation `op` (its `operationId`) with `params`: path,
    /// query and header parameters by name, and a JSON body under its spec name or `body`.
    pub fn invoke(&self, op: &str, params: Value) -> Invoke {
        Invoke {
            docker: self.clone(),
            op: api::find(op),
            params,
            body: None,
            options: CallOptions::default(),
        }
    }
}

impl Invoke {
    /// The request body (a tar context, an image tarball, or a JSON document).
    pub fn body(mut self, body: impl Into<Body>) -> Self {
        self.body = Some(body.into());
        self
    }

    /// Limits the wait for the answer for this call.
    pub fn timeout(mut self, limit: Duration) -> Self {
        self.options.timeout = Some(Some(limit));
        self
    }

    /// No limit on the wait for the answer for this call.
    pub fn no_timeout(mut self) -> Self {
        self.options.timeout = Some(None);
        self
    }

    /// Says whether the output is a TTY's (skips looking it up).
    pub fn tty(mut self, tty: bool) -> Self {
        self.options.tty = Some(tty);
        self
    }

    /// Adds a header.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.options.headers.push((name.into(), value.into()));
        self
    }

    /// Refuses the call, before anything is sent, unless its answer is delivered
    /// in one of these ways; `hint` says what to call instead.
    pub fn accept(mut self, deliveries: &[Delivery], hint: impl Into<String>) -> Self {
        self.options.accept = Some((deliveries.to_vec(), hint.into()));
        self
    }

    /// Ends the call, and the stream it answers, with `Error::Cancelled` when
    /// `cancel` fires (from any thread); its connection is closed.
    pub fn cancel(mut self, cancel: &Cancel) -> Self {
        self.options.cancel = Some(cancel.clone());
        self
    }

    /// Replaces all per-call settings.
    pub fn options(mut self, options: CallOptions) -> Self {
        self.options = options;
        self
    }

    /// Sends the call.
    pub async fn send(self) -> Result<Output, Error> {
        self.plan()?.send(Mode::Async).await?.into_output()
    }

    /// Sends the call; a JSON document comes back as the daemon's text, checked but
    /// not decoded (for callers that decode it their own way or hand it on); any
    /// other answer (empty, text, a stream) as the [`Output`] `send` gives.
    pub async fn send_json_text(self) -> Result<Result<String, Output>, Error> {
        self.plan()?.send(Mode::Async).await?.into_json_text()
    }

    /// Sends the call and decodes its JSON answer straight into `T` (no
    /// intermediate `serde_json::Value`), e.g. `typed::<Vec<ContainerSummary>>()`.
    pub async fn typed<T: serde::de::DeserializeOwned>(self) -> Result<T, Error> {
        self.plan()?.send(Mode::Async).await?.into_typed()
    }

    /// Checks and encodes the call: everything that needs no answer from the daemon.
    pub(crate) fn plan(self) -> Result<Planned, Error> {
        Planned::operation(self.docker, self.op?, self.params, self.body, self.options)
    }
}

impl IntoFuture for Invoke {
    type Output = Result<Output, Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Result<Output, Error>> + Send + 'static>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}
