//! Requests outside the table (undocumented or experimental endpoints such as
//! checkpoints), built and sent the same way as every other request.
//!
//! ```no_run
//! # async fn demo(docker: libdocker::Docker) -> Result<(), libdocker::Error> {
//! let checkpoints = docker
//!     .request(libdocker::http::Method::GET, "/containers/web/checkpoints")
//!     .send()
//!     .await?
//!     .into_json()?;
//! # Ok(()) }
//! ```

use std::time::Duration;

use super::output::Output;
use super::plan::{CallOptions, Planned, Target};
use crate::api::ResponseKind;
use crate::body::Body;
use crate::client::Docker;
use crate::error::Error;
use crate::transport::Mode;

/// A request to any path; see [`Docker::request`].
#[must_use = "a RawRequest does nothing until sent"]
pub struct RawRequest {
    docker: Docker,
    method: http::Method,
    path: String,
    query: Vec<(String, String)>,
    body: Body,
    content_type: Option<&'static str>,
    kind: Option<ResponseKind>,
    versioned: bool,
    options: CallOptions,
}

impl Docker {
    /// A request to `path` (e.g. `/containers/x/checkpoints`), prefixed with
    /// `/v1.NN` unless [`unversioned`](RawRequest::unversioned).
    pub fn request(&self, method: http::Method, path: impl Into<String>) -> RawRequest {
        RawRequest {
            docker: self.clone(),
            method,
            path: path.into(),
            query: Vec::new(),
            body: Body::empty(),
            content_type: None,
            kind: None,
            versioned: true,
            options: CallOptions::default(),
        }
    }
}

impl RawRequest {
    /// Adds a query parameter (encoded here).
    pub fn query(mut self, key: &str, value: &str) -> Self {
        use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
        self.query.push((
            utf8_percent_encode(key, NON_ALPHANUMERIC).to_string(),
            utf8_percent_encode(value, NON_ALPHANUMERIC).to_string(),
        ));
        self
    }

    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.options.headers.push((name.into(), value.into()));
        self
    }

    /// The body; a JSON body gets `Content-Type: application/json`.
    pub fn body(mut self, body: impl Into<Body>) -> Self {
        self.body = body.into();
        self
    }

    pub fn json(mut self, value: &serde_json::Value) -> Self {
        self.body = Body::json(value);
        self.content_type = Some("application/json");
        self
    }

    /// How to read the answer; by default it is judged by its content type.
    pub fn expect(mut self, kind: ResponseKind) -> Self {
        self.kind = Some(kind);
        self
    }

    /// Sends the path as it is, without the `/v1.NN` prefix.
    pub fn unversioned(mut self) -> Self {
        self.versioned = false;
        self
    }

    pub fn timeout(mut self, limit: Option<Duration>) -> Self {
        self.options.timeout = Some(limit);
        self
    }

    /// Raw-stream output is a TTY's.
    pub fn tty(mut self, tty: bool) -> Self {
        self.options.tty = Some(tty);
        self
    }

    /// Replaces all per-call settings.
    pub fn options(mut self, options: CallOptions) -> Self {
        self.options = options;
        self
    }

    pub async fn send(self) -> Result<Output, Error> {
        self.plan()?.send(Mode::Async).await?.into_output()
    }

    /// Sends the request; a JSON document comes back as the daemon's text,
    /// checked but not decoded; any other answer as the [`Output`] `send` gives.
    pub async fn send_json_text(self) -> Result<Result<String, Output>, Error> {
        self.plan()?.send(Mode::Async).await?.into_json_text()
    }

    /// Checks the request: everything that needs no answer from the daemon.
    pub(crate) fn plan(self) -> Result<Planned, Error> {
        if !self.path.starts_with('/') {
            return Err(Error::invalid(format!(
                "request path `{}` must start with /",
                self.path
            )));
        }
        let planned = Planned {
            docker: self.docker,
            target: Target::Raw {
                method: self.method,
                path: self.path,
                query: self.query,
                versioned: self.versioned,
            },
            body: self.body,
            content_type: self.content_type,
            kind: self.kind,
            options: self.options,
        };
        planned.check_delivery()?;
        Ok(planned)
    }
}
