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

use serde_json::{Map, Value};

use crate::api::request::{self, Parts};
use crate::api::response::{self, Output, Shape};
use crate::api::{self, ApiVersion, BodyKind, Operation, ResponseKind};
use crate::api::{json, params};
use crate::body::Body;
use crate::client::Docker;
use crate::error::Error;

/// Per-call settings.
#[derive(Debug, Clone, Default)]
pub struct CallOptions {
    /// `Some(limit)` overrides the client's request timeout for this call
    /// (`Some(None)`: no limit).
    pub timeout: Option<Option<Duration>>,
    /// Whether raw-stream output is a TTY's; looked up from the container or exec
    /// when not given and the daemon does not say.
    pub tty: Option<bool>,
    /// Extra headers.
    pub headers: Vec<(String, String)>,
}

/// A call being prepared; `.await` it (or call [`send`](Invoke::send)).
#[must_use = "an Invoke does nothing until it is awaited"]
pub struct Invoke {
    docker: Docker,
    op: Result<&'static Operation, Error>,
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

    /// Limits the wait for response headers for this call.
    pub fn timeout(mut self, limit: Duration) -> Self {
        self.options.timeout = Some(Some(limit));
        self
    }

    /// No limit on the wait for response headers for this call.
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

    /// Replaces all per-call settings.
    pub fn options(mut self, options: CallOptions) -> Self {
        self.options = options;
        self
    }

    /// Sends the call.
    pub async fn send(self) -> Result<Output, Error> {
        self.plan()?.send().await
    }

    /// Sends the call; a JSON document comes back as the daemon's text, checked but
    /// not decoded (for callers that decode it their own way or hand it on); any
    /// other answer (empty, text, a stream) as the [`Output`] `send` gives.
    pub async fn send_json_text(self) -> Result<Result<String, Output>, Error> {
        self.plan()?.send_json_text().await
    }

    /// Sends the call and decodes its JSON answer straight into `T` (no
    /// intermediate `serde_json::Value`), e.g. `typed::<Vec<ContainerSummary>>()`.
    pub async fn typed<T: serde::de::DeserializeOwned>(self) -> Result<T, Error> {
        self.plan()?.typed().await
    }

    /// Checks and encodes the call: everything that needs no answer from the daemon.
    pub(crate) fn plan(self) -> Result<Planned, Error> {
        let op = self.op?;
        let params = match self.params {
            Value::Object(m) => m,
            Value::Null => Map::new(),
            other => {
                return Err(Error::invalid(format!(
                    "the parameters of {} must be a JSON object, got {other}",
                    op.id
                )))
            }
        };
        let encoded = params::encode(op, &params)?;
        let (body, content_type) = body_of(op, encoded.json_body, encoded.raw_body, self.body)?;
        let kind = effective_kind(op, &params);
        Ok(Planned {
            docker: self.docker,
            op,
            params,
            path: encoded.path,
            query: encoded.query,
            headers: encoded.headers,
            body,
            content_type,
            kind,
            options: self.options,
        })
    }
}

/// A call checked and encoded, to be sent once the API version is known: by the
/// async path below, or by the blocking client's.
pub(crate) struct Planned {
    pub docker: Docker,
    pub op: &'static Operation,
    params: Map<String, Value>,
    path: String,
    query: Vec<(String, String)>,
    headers: Vec<(&'static str, String)>,
    pub body: Body,
    content_type: Option<&'static str>,
    /// What the answer will be (parameters can change it, e.g. a detached exec).
    pub kind: ResponseKind,
    options: CallOptions,
}

/// A request ready to go, with how to read its answer.
pub(crate) struct Prepared {
    pub request: http::Request<Body>,
    pub shape: Shape<'static>,
    /// Limit on waiting for the answer's head.
    pub timeout: Option<Duration>,
}

impl Planned {
    /// Whether reading the answer depends on the container's or exec's TTY setting
    /// and it was not given.
    pub fn needs_tty(&self) -> bool {
        self.options.tty.is_none()
            && matches!(self.kind, ResponseKind::Multiplexed | ResponseKind::Upgrade)
    }

    /// Checks the call against `version` and builds its request; `tty` is the
    /// looked-up TTY setting where [`needs_tty`](Self::needs_tty).
    pub fn prepare(self, version: ApiVersion, tty: bool) -> Result<Prepared, Error> {
        let op = self.op;
        params::check_version(op, &self.params, version)?;
        let tty = self.options.tty.unwrap_or(tty);
        let mut headers: Vec<(String, String)> = self
            .headers
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        headers.extend(self.options.headers);
        let request = request::build(
            &self.docker.inner.host_header,
            Parts {
                method: op.method.to_http(),
                path: self.path,
                query: self.query,
                headers,
                content_type: self.content_type,
                body: self.body,
                version: Some(version),
            },
        )?;
        let timeout = match self.options.timeout {
            Some(t) => t,
            None if op.slow => None,
            None => self.docker.inner.request_timeout,
        };
        let shape = Shape {
            kind: self.kind,
            what: op.id,
            tty,
            version: Some(version),
        };
        Ok(Prepared {
            request,
            shape,
            timeout,
        })
    }

    /// Sends the call and reads its answer as its kind says.
    pub async fn send(self) -> Result<Output, Error> {
        match self.exchange().await? {
            Exchange::Done(output) => Ok(output),
            Exchange::Whole(answer, shape) => {
                response::decode_whole(&answer.parts.headers, &answer.body, &shape)
            }
            Exchange::Answer(resp, shape) => response::decode(resp, shape).await,
        }
    }

    /// Sends the call; a JSON document comes back as its text, checked.
    pub(crate) async fn send_json_text(self) -> Result<Result<String, Output>, Error> {
        match self.exchange().await? {
            Exchange::Done(output) => Ok(Err(output)),
            Exchange::Whole(answer, shape) => {
                response::whole_json_text(&answer.parts.headers, &answer.body, &shape)
            }
            Exchange::Answer(resp, shape) if shape.kind == ResponseKind::Json => {
                response::decode_json_text(resp, shape).await
            }
            Exchange::Answer(resp, shape) => response::decode(resp, shape).await.map(Err),
        }
    }

    /// Sends the call and decodes its JSON answer straight into `T`.
    pub async fn typed<T: serde::de::DeserializeOwned>(self) -> Result<T, Error> {
        match self.exchange().await? {
            Exchange::Answer(resp, shape) if shape.kind == ResponseKind::Json => {
                response::decode_json(resp, shape.what).await
            }
            Exchange::Answer(resp, shape) => response::decode(resp, shape).await?.into_typed(),
            Exchange::Whole(answer, shape) if shape.kind == ResponseKind::Json => {
                json::from_body(&answer.body, shape.what)
            }
            Exchange::Whole(answer, shape) => {
                response::decode_whole(&answer.parts.headers, &answer.body, &shape)?.into_typed()
            }
            Exchange::Done(output) => output.into_typed(),
        }
    }

    /// Sends the request; returns the answer still to be read, or the finished
    /// output of an upgraded connection.
    async fn exchange(self) -> Result<Exchange, Error> {
        let docker = self.docker.clone();
        let op = self.op;
        let version = docker.api_version().await?;
        let tty = if self.needs_tty() {
            // Refuse a call the daemon cannot take before looking anything up.
            params::check_version(op, &self.params, version)?;
            lookup_tty(&docker, op, &self.params, version).await?
        } else {
            false
        };
        let Prepared {
            request: req,
            shape,
            timeout,
        } = self.prepare(version, tty)?;
        if shape.kind == ResponseKind::Upgrade {
            let (parts, upgraded) = docker
                .inner
                .transport
                .upgrade(req, op.upgrade, timeout)
                .await?;
            return Ok(Exchange::Done(response::upgraded(
                &parts, upgraded, op.upgrade, shape,
            )));
        }
        if response::is_whole(shape.kind) && !req.body().is_stream() {
            let answer = docker.inner.transport.send_whole(req, timeout).await?;
            if !answer.parts.status.is_success() {
                return Err(response::status_error(answer.parts.status, &answer.body));
            }
            return Ok(Exchange::Whole(answer, shape));
        }
        let resp = if is_bulk(op, shape.kind, req.body()) {
            docker.inner.transport.send_bulk(req, timeout).await?
        } else {
            docker.inner.transport.send(req, timeout).await?
        };
        Ok(Exchange::Answer(resp, shape))
    }
}

/// Where a call stands once the request is sent.
enum Exchange {
    /// The answer's head arrived; its body is still to be read.
    Answer(crate::transport::Response, Shape<'static>),
    /// The whole answer arrived (a success: failures are errors by then).
    Whole(crate::transport::Answer, Shape<'static>),
    /// The call is complete (an upgraded connection).
    Done(Output),
}

/// Streams that can be large (logs, exports, archives, saved images) are read by
/// the bulk path, which decodes many chunks per read.
fn is_bulk(op: &Operation, kind: ResponseKind, body: &Body) -> bool {
    op.method == crate::api::Method::Get
        && body.is_empty()
        && matches!(
            kind,
            ResponseKind::Multiplexed | ResponseKind::Tar | ResponseKind::Bytes
        )
}

impl IntoFuture for Invoke {
    type Output = Result<Output, Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Result<Output, Error>> + Send + 'static>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// The body to send and its content type, from the params or `.body(...)`.
fn body_of(
    op: &Operation,
    json: Option<Value>,
    inline: Option<String>,
    given: Option<Body>,
) -> Result<(Body, Option<&'static str>), Error> {
    let twice = || Error::invalid(format!("the body of {} was given twice", op.id));
    match op.body.kind {
        BodyKind::None => match given {
            Some(b) if !b.is_empty() => Err(Error::invalid(format!("{} takes no body", op.id))),
            _ => Ok((Body::empty(), None)),
        },
        BodyKind::Json => {
            let body = match (json, given) {
                (Some(_), Some(_)) => return Err(twice()),
                (Some(v), None) => Some(Body::json(&v)),
                (None, Some(b)) => Some(b),
                (None, None) => None,
            };
            match body {
                Some(b) => Ok((b, Some("application/json"))),
                None if op.body.required => Err(Error::InvalidParams {
                    message: format!("{} needs a JSON body (`{}`)", op.id, op.body.name),
                    valid: op.valid_names(),
                }),
                None => Ok((Body::empty(), None)),
            }
        }
        BodyKind::Tar | BodyKind::Bytes => {
            let content_type = if op.body.kind == BodyKind::Tar {
                "application/x-tar"
            } else {
                "application/octet-stream"
            };
            let body = match (inline, given) {
                (Some(_), Some(_)) => return Err(twice()),
                (Some(s), None) => Some(Body::from(s)),
                (None, b) => b,
            };
            match body {
                Some(b) => Ok((b, Some(content_type))),
                None if op.body.required => Err(Error::invalid(format!(
                    "{} needs a {} body: pass it with .body(...)",
                    op.id,
                    op.body.kind.as_str()
                ))),
                None => Ok((Body::empty(), None)),
            }
        }
    }
}

/// Where parameters change what comes back: a detached exec answers plainly, and
/// stats without `stream` answer one document.
fn effective_kind(op: &Operation, params: &Map<String, Value>) -> ResponseKind {
    let body = params.get(op.body.name).or_else(|| params.get("body"));
    match op.id {
        "ExecStart"
            if body.and_then(|b| b.get("Detach")).and_then(Value::as_bool) == Some(true) =>
        {
            ResponseKind::Empty
        }
        "ContainerStats" if params.get("stream").and_then(Value::as_bool) == Some(false) => {
            ResponseKind::Json
        }
        _ => op.response,
    }
}

/// Whether output is a TTY's. An exec's framing follows the `Tty` of its start
/// request; a container's follows its `Config.Tty`, looked up unless the daemon
/// (API 1.42+) says so in the content type.
async fn lookup_tty(
    docker: &Docker,
    op: &Operation,
    params: &Map<String, Value>,
    version: ApiVersion,
) -> Result<bool, Error> {
    if op.id == "ExecStart" {
        let body = params.get(op.body.name).or_else(|| params.get("body"));
        return Ok(body
            .and_then(|b| b.get("Tty"))
            .and_then(Value::as_bool)
            .unwrap_or(false));
    }
    if version >= ApiVersion::v1(42) || !matches!(op.id, "ContainerLogs" | "ContainerAttach") {
        return Ok(false);
    }
    let Some(id) = params.get("id").and_then(Value::as_str) else {
        return Ok(false);
    };
    let info = docker
        .invoke("ContainerInspect", serde_json::json!({ "id": id }))
        .await?
        .into_json()?;
    Ok(info
        .pointer("/Config/Tty")
        .and_then(Value::as_bool)
        .unwrap_or(false))
}
