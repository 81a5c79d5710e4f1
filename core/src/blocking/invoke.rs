//! Calls of the blocking client: the async client's builders ([`crate::Invoke`],
//! [`crate::RawRequest`]) planned the same way, then sent through the pipeline on
//! blocking sockets when the answer is read whole, or on the client's runtime.

use std::time::Duration;

use super::{Docker, Output};
use crate::body::Body;
use crate::error::Error;
use crate::pipeline::reply::Reply;
use crate::pipeline::{CallOptions, Delivery, Planned};

/// A call being prepared; [`send`](Invoke::send) it.
#[must_use = "an Invoke does nothing until it is sent"]
pub struct Invoke {
    docker: Docker,
    call: crate::Invoke,
}

/// A request outside the table being prepared; [`send`](RawRequest::send) it.
#[must_use = "a RawRequest does nothing until it is sent"]
pub struct RawRequest {
    docker: Docker,
    call: crate::RawRequest,
}

impl Invoke {
    pub(super) fn new(docker: Docker, call: crate::Invoke) -> Self {
        Invoke { docker, call }
    }

    /// The request body (a JSON document, a tar archive, bytes, or a stream).
    pub fn body(self, body: impl Into<Body>) -> Self {
        self.map(|c| c.body(body))
    }

    /// Limits the wait for the answer for this call.
    pub fn timeout(self, limit: Duration) -> Self {
        self.map(|c| c.timeout(limit))
    }

    /// No limit on the wait for the answer for this call.
    pub fn no_timeout(self) -> Self {
        self.map(|c| c.no_timeout())
    }

    /// Says whether the output is a TTY's (skips looking it up).
    pub fn tty(self, tty: bool) -> Self {
        self.map(|c| c.tty(tty))
    }

    /// Adds a header.
    pub fn header(self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.map(|c| c.header(name, value))
    }

    /// Refuses the call, before anything is sent, unless its answer is delivered
    /// in one of these ways; `hint` says what to call instead.
    pub fn accept(self, deliveries: &[Delivery], hint: impl Into<String>) -> Self {
        self.map(|c| c.accept(deliveries, hint))
    }

    /// Replaces all per-call settings.
    pub fn options(self, options: CallOptions) -> Self {
        self.map(|c| c.options(options))
    }

    fn map(self, f: impl FnOnce(crate::Invoke) -> crate::Invoke) -> Self {
        Invoke {
            docker: self.docker,
            call: f(self.call),
        }
    }

    /// Sends the call and waits for its answer (for a stream: its head).
    pub fn send(self) -> Result<Output, Error> {
        let docker = self.docker.clone();
        Ok(Output::new(self.reply()?.into_output()?, docker))
    }

    /// Sends the call; a JSON document comes back as the daemon's text, checked but
    /// not decoded (for callers that decode it their own way or hand it on); any
    /// other answer (empty, text, a stream) as the [`Output`] `send` gives.
    pub fn send_json_text(self) -> Result<Result<String, Output>, Error> {
        let docker = self.docker.clone();
        Ok(self
            .reply()?
            .into_json_text()?
            .map_err(|output| Output::new(output, docker)))
    }

    /// Sends the call; a JSON answer comes back as the daemon's text, checked but
    /// not decoded (for callers that hand the text on, like the C ABI), other whole
    /// answers as text (`""` for none), and any other answer as its [`Output`].
    pub fn send_text(self) -> Result<Result<String, Output>, Error> {
        self.send_json_text().map(whole_text)
    }

    /// Sends the call and decodes its JSON answer straight into `T`.
    pub fn typed<T: serde::de::DeserializeOwned>(self) -> Result<T, Error> {
        self.reply()?.into_typed()
    }

    fn reply(self) -> Result<Reply, Error> {
        send(&self.docker, self.call.plan()?)
    }
}

impl RawRequest {
    pub(super) fn new(docker: Docker, call: crate::RawRequest) -> Self {
        RawRequest { docker, call }
    }

    /// Adds a query parameter (encoded here).
    pub fn query(self, key: &str, value: &str) -> Self {
        self.map(|c| c.query(key, value))
    }

    /// Adds a header.
    pub fn header(self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.map(|c| c.header(name, value))
    }

    /// The body.
    pub fn body(self, body: impl Into<Body>) -> Self {
        self.map(|c| c.body(body))
    }

    /// A JSON body, with its content type.
    pub fn json(self, value: &serde_json::Value) -> Self {
        self.map(|c| c.json(value))
    }

    /// How to read the answer; by default it is judged by its content type.
    pub fn expect(self, kind: crate::api::ResponseKind) -> Self {
        self.map(|c| c.expect(kind))
    }

    /// Sends the path as it is, without the `/v1.NN` prefix.
    pub fn unversioned(self) -> Self {
        self.map(|c| c.unversioned())
    }

    /// Replaces all per-call settings.
    pub fn options(self, options: CallOptions) -> Self {
        self.map(|c| c.options(options))
    }

    fn map(self, f: impl FnOnce(crate::RawRequest) -> crate::RawRequest) -> Self {
        RawRequest {
            docker: self.docker,
            call: f(self.call),
        }
    }

    /// Sends the request and waits for its answer (for a stream: its head).
    pub fn send(self) -> Result<Output, Error> {
        let reply = send(&self.docker, self.call.plan()?)?;
        Ok(Output::new(reply.into_output()?, self.docker))
    }

    /// Sends the request; a JSON document comes back as the daemon's text,
    /// checked but not decoded; any other answer as the [`Output`] `send` gives.
    pub fn send_json_text(self) -> Result<Result<String, Output>, Error> {
        let docker = self.docker.clone();
        let reply = send(&self.docker, self.call.plan()?)?;
        Ok(reply
            .into_json_text()?
            .map_err(|output| Output::new(output, docker)))
    }

    /// Sends the request; whole answers come back as text (JSON as the daemon
    /// wrote it, `""` for none), any other answer as its [`Output`].
    pub fn send_text(self) -> Result<Result<String, Output>, Error> {
        self.send_json_text().map(whole_text)
    }
}

/// A whole answer as text: JSON as the daemon wrote it, other text as is, `""`
/// for none; any other answer handed back.
#[allow(clippy::result_large_err)] // moved back once, not propagated with `?`
fn whole_text(answer: Result<String, Output>) -> Result<String, Output> {
    answer.or_else(Output::into_whole_text)
}

/// Sends a planned call: on blocking sockets when it can go so, else on the
/// client's runtime.
fn send(docker: &Docker, planned: Planned) -> Result<Reply, Error> {
    let blocking = planned.can_block();
    docker.drive(blocking, |mode| planned.send(mode))
}
