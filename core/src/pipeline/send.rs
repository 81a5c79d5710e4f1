//! Sending a planned call: the API version (negotiated once), registry
//! credentials and the TTY setting looked up where the table says (`send`); the
//! parameters an older daemon does without left out and the request built
//! (`prepare`); then the transport's one entry, expecting the answer whole,
//! streamed or upgraded as its kind says (`Prepared::exchange`). Written once for
//! both clients: a blocking call runs the same steps on blocking sockets
//! (`Mode::Blocking`), including the look-ups it makes on the way, which are
//! calls prepared with what is known already (they look nothing up themselves).

use std::borrow::Cow;

use super::credentials;
use super::plan::{CallOptions, Delivery, Planned, Target};
use super::reply::{is_whole, Reading, Reply};
use super::request::{self, Parts};
use super::sequence;
use super::tty;
use crate::api::params;
use crate::api::{Credentials, Operation, ResponseKind, StreamErrors};
use crate::client::Docker;
use crate::error::Error;
use crate::stream::failures::classify;
use crate::transport::{Expect, Mode};
use crate::version::ApiVersion;

/// A call with everything it needs from the daemon known: ready to go out.
pub(crate) struct Prepared {
    docker: Docker,
    request: http::Request<crate::body::Body>,
    /// The operation, unless this is a raw request.
    op: Option<&'static Operation>,
    kind: Option<ResponseKind>,
    tty: bool,
    version: Option<ApiVersion>,
    options: CallOptions,
}

impl Planned {
    /// Whether the blocking transport can carry this call: its answer is read
    /// whole, its body is in memory, and the daemon is not behind TLS.
    pub fn can_block(&self) -> bool {
        self.kind.is_some_and(is_whole)
            && !self.body.is_stream()
            && self.docker.inner.transport.can_block()
    }

    /// Sends the call, driven as `mode` says, and returns its answer.
    pub async fn send(mut self, mode: Mode) -> Result<Reply, Error> {
        let version = match &self.target {
            // The ping learns the version: it goes out before one is known.
            Target::Op { op, .. } if op.unversioned => self.docker.known_api_version(),
            Target::Raw {
                versioned: false, ..
            } => None,
            _ => Some(self.docker.api_version_in(mode).await?),
        };
        let mut tty = self.options.tty.unwrap_or(false);
        // An update of a version: kept to explain an out-of-sequence refusal.
        let sequenced = match &self.target {
            Target::Op { op, params, .. } if op.sequenced.is_some() => {
                Some((self.docker.clone(), *op, params.clone()))
            }
            _ => None,
        };
        if let Target::Op { op, params, .. } = &self.target {
            if op.credentials != Credentials::None {
                let given = &self.options.headers;
                if let Some(header) =
                    credentials::header_for(&self.docker, op, params, given, mode).await?
                {
                    self.options.headers.push(header);
                }
            }
            if let (None, Some(version)) = (self.options.tty, version) {
                if tty::asks(op, self.kind) {
                    tty = tty::lookup(&self.docker, op, params, version, mode).await?;
                }
            }
        }
        let reply = self.prepare(version, tty)?.exchange(mode).await;
        match (reply, sequenced) {
            (Err(e), Some((docker, op, params))) if sequence::refused(&e) => {
                Err(sequence::explain(&docker, op, &params, e, version, mode).await)
            }
            (reply, _) => reply,
        }
    }

    /// Builds the request for a daemon of `version` (`None`: unversioned), its
    /// output a TTY's or not: a parameter newer than `version` is refused, or left
    /// out at its default.
    pub(crate) fn prepare(self, version: Option<ApiVersion>, tty: bool) -> Result<Prepared, Error> {
        let Planned {
            docker,
            target,
            body,
            content_type,
            kind,
            mut options,
        } = self;
        // The caller's own headers first: a credential header given there is kept.
        let mut headers = std::mem::take(&mut options.headers);
        let (method, path, query, op) = match target {
            Target::Op {
                op,
                params,
                encoded,
            } => {
                let mut query = encoded.query;
                if let Some(version) = version {
                    let left_out = params::check_version(op, &params, version)?;
                    query.retain(|(name, _)| !left_out.iter().any(|l| l == name));
                }
                headers.extend(encoded.headers.into_iter().map(|(k, v)| (k.to_string(), v)));
                (op.method.to_http(), encoded.path, query, Some(op))
            }
            Target::Raw {
                method,
                path,
                query,
                ..
            } => (method, path, query, None),
        };
        let request = request::build(
            &docker.inner.host_header,
            Parts {
                method,
                path,
                query,
                headers,
                content_type,
                body,
                version,
            },
        )?;
        Ok(Prepared {
            docker,
            request,
            op,
            kind,
            tty,
            version,
            options,
        })
    }
}

impl Prepared {
    /// Sends the request through the transport's one entry and reads the answer's
    /// head (a whole answer: all of it).
    pub async fn exchange(self, mode: Mode) -> Result<Reply, Error> {
        let Prepared {
            docker,
            request,
            op,
            kind,
            tty,
            version,
            options,
        } = self;
        let (upgrade, slow, stream_errors, what) = match op {
            Some(op) => (op.upgrade, op.slow, op.stream_errors, Cow::Borrowed(op.id)),
            None => (
                "tcp",
                false,
                StreamErrors::None,
                Cow::Owned(request.uri().path().to_string()),
            ),
        };
        let expect = match kind {
            Some(kind) if is_whole(kind) => Expect::Whole,
            Some(ResponseKind::Upgrade) => Expect::Upgrade(upgrade),
            Some(ResponseKind::JsonStream) | None => Expect::Stream { paced: false },
            Some(_) => Expect::Stream { paced: true },
        };
        let limit = match options.timeout {
            Some(limit) => limit,
            None if slow => None,
            None => docker.inner.request_timeout,
        };
        let whole_only = options
            .accept
            .as_ref()
            .is_some_and(|(accepted, _)| accepted == &[Delivery::Whole]);
        let cancel = options.cancel;
        let answer = docker
            .inner
            .transport
            .send(request, expect, mode, limit, cancel.as_ref())
            .await;
        let reading = Reading {
            kind,
            what,
            tty,
            version,
            stream_errors,
            upgrade,
            whole_only,
            cancel,
        };
        let reply = match answer {
            Ok(answer) => Reply::new(answer, reading).await,
            Err(e) => Err(e),
        };
        // Registry failures come back as 500s whose message says what happened.
        match (reply, op) {
            (Err(e), Some(op)) if op.credentials != Credentials::None => Err(classify(e)),
            (reply, _) => reply,
        }
    }
}
