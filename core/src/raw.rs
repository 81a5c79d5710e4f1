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

use crate::api::request::{self, Parts};
use crate::api::response::{self, Output, Shape};
use crate::api::ResponseKind;
use crate::body::Body;
use crate::client::Docker;
use crate::error::Error;

/// A request to any path; see [`Docker::request`].
#[must_use = "a RawRequest does nothing until sent"]
pub struct RawRequest {
    docker: Docker,
    method: http::Method,
    path: String,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: Body,
    content_type: Option<&'static str>,
    kind: Option<ResponseKind>,
    versioned: bool,
    timeout: Option<Option<Duration>>,
    tty: bool,
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
            headers: Vec::new(),
            body: Body::empty(),
            content_type: None,
            kind: None,
            versioned: true,
            timeout: None,
            tty: false,
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
        self.headers.push((name.into(), value.into()));
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
        self.timeout = Some(limit);
        self
    }

    /// Raw-stream output is a TTY's.
    pub fn tty(mut self, tty: bool) -> Self {
        self.tty = tty;
        self
    }

    pub async fn send(self) -> Result<Output, Error> {
        let docker = self.docker;
        if !self.path.starts_with('/') {
            return Err(Error::invalid(format!(
                "request path `{}` must start with /",
                self.path
            )));
        }
        let version = if self.versioned {
            Some(docker.api_version().await?)
        } else {
            None
        };
        let req = request::build(
            &docker.inner.host_header,
            Parts {
                method: self.method,
                path: self.path.clone(),
                query: self.query,
                headers: self.headers,
                content_type: self.content_type,
                body: self.body,
                version,
            },
        )?;
        let timeout = self.timeout.unwrap_or(docker.inner.request_timeout);
        if self.kind == Some(ResponseKind::Upgrade) {
            let (parts, upgraded) = docker.inner.transport.upgrade(req, "tcp", timeout).await?;
            let shape = Shape {
                kind: ResponseKind::Upgrade,
                what: &self.path,
                tty: self.tty,
                version,
            };
            return Ok(response::upgraded(&parts, upgraded, "tcp", shape));
        }
        let resp = docker.inner.transport.send(req, timeout).await?;
        match self.kind {
            Some(kind) => {
                response::decode(
                    resp,
                    Shape {
                        kind,
                        what: &self.path,
                        tty: self.tty,
                        version,
                    },
                )
                .await
            }
            None => response::decode_auto(resp, &self.path, self.tty).await,
        }
    }
}
