//! A call of the blocking client: the async client's [`crate::Invoke`], planned the
//! same way, then sent over the blocking transport when its answer is read whole.

use std::time::Duration;

use super::{Docker, Output};
use crate::api::response::{self, decode_whole, status_error, Shape};
use crate::api::{json, ResponseKind};
use crate::body::Body;
use crate::error::Error;
use crate::invoke::{CallOptions, Planned, Prepared};
use crate::transport::Answer;

/// A call being prepared; [`send`](Invoke::send) it.
#[must_use = "an Invoke does nothing until it is sent"]
pub struct Invoke {
    docker: Docker,
    call: crate::Invoke,
}

impl Invoke {
    pub(super) fn new(docker: Docker, call: crate::Invoke) -> Self {
        Invoke { docker, call }
    }

    /// The request body (a JSON document, a tar archive, bytes).
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
        let docker = self.docker;
        let planned = self.call.plan()?;
        if !goes_blocking(&docker, &planned) {
            let output = docker.block_on(planned.send())?;
            return Ok(Output::new(output, docker));
        }
        let (answer, shape) = send_blocking(&docker, planned)?;
        let output = decode_whole(&answer.parts.headers, &answer.body, &shape)?;
        Ok(Output::new(output, docker))
    }

    /// Sends the call; a JSON document comes back as the daemon's text, checked but
    /// not decoded (for callers that decode it their own way or hand it on); any
    /// other answer (empty, text, a stream) as the [`Output`] `send` gives.
    pub fn send_json_text(self) -> Result<Result<String, Output>, Error> {
        let docker = self.docker;
        let planned = self.call.plan()?;
        let text = if goes_blocking(&docker, &planned) {
            let (answer, shape) = send_blocking(&docker, planned)?;
            response::whole_json_text(&answer.parts.headers, &answer.body, &shape)?
        } else {
            docker.block_on(planned.send_json_text())?
        };
        Ok(text.map_err(|output| Output::new(output, docker)))
    }

    /// Sends the call; a JSON answer comes back as the daemon's text, checked but
    /// not decoded (for callers that hand the text on, like the C ABI), other whole
    /// answers as text (`""` for none), and any other answer as its [`Output`].
    pub fn send_text(self) -> Result<Result<String, Output>, Error> {
        Ok(match self.send_json_text()? {
            Ok(text) => Ok(text),
            Err(output) => output.into_whole_text(),
        })
    }

    /// Sends the call and decodes its JSON answer straight into `T`.
    pub fn typed<T: serde::de::DeserializeOwned>(self) -> Result<T, Error> {
        let docker = self.docker;
        let planned = self.call.plan()?;
        if !goes_blocking(&docker, &planned) {
            return docker.block_on(planned.typed());
        }
        let (answer, shape) = send_blocking(&docker, planned)?;
        let shape = &shape;
        if shape.kind == ResponseKind::Json {
            return json::from_body(&answer.body, shape.what);
        }
        decode_whole(&answer.parts.headers, &answer.body, shape)?.into_typed()
    }
}

/// Whether the blocking transport can carry a call: its answer is read whole,
/// its body is in memory, and the daemon is not behind TLS.
fn goes_blocking(docker: &Docker, planned: &Planned) -> bool {
    response::is_whole(planned.kind) && !planned.body.is_stream() && docker.can_block()
}

/// Sends a planned call over the blocking transport; a failure status is an error.
fn send_blocking(docker: &Docker, planned: Planned) -> Result<(Answer, Shape<'static>), Error> {
    let version = docker.api_version()?;
    let Prepared {
        request,
        shape,
        timeout,
    } = planned.prepare(version, false)?;
    let answer = docker
        .client()
        .inner
        .transport
        .send_blocking(request, timeout)?;
    if !answer.parts.status.is_success() {
        return Err(status_error(answer.parts.status, &answer.body));
    }
    Ok((answer, shape))
}
