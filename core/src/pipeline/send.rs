//! Sending a planned call: the API version (negotiated once), the parameters an
//! older daemon does without left out, registry credentials and the TTY setting
//! filled in where the table says, the request built, and then the transport's one
//! entry, expecting the answer whole, streamed or upgraded as its kind says.
//! Written once for both clients: a blocking call runs the same steps on blocking
//! sockets (`Mode::Blocking`), including the look-ups it makes on the way.

use std::future::Future;
use std::pin::Pin;

use super::credentials;
use super::plan::{Delivery, Planned, Target};
use super::reply::{is_whole, Reading, Reply};
use super::request::{self, Parts};
use super::tty;
use crate::api::params;
use crate::api::{ResponseKind, StreamErrors};
use crate::error::Error;
use crate::stream::failures::classify;
use crate::transport::{Expect, Mode};

impl Planned {
    /// Whether the blocking transport can carry this call: its answer is read
    /// whole, its body is in memory, and the daemon is not behind TLS.
    pub fn can_block(&self) -> bool {
        self.kind.is_some_and(is_whole)
            && !self.body.is_stream()
            && self.docker.inner.transport.can_block()
    }

    /// Sends the call, driven as `mode` says, and returns its answer.
    pub fn send(self, mode: Mode) -> Pin<Box<dyn Future<Output = Result<Reply, Error>> + Send>> {
        // Boxed: a call may make calls of its own on the way (negotiation, look-ups).
        Box::pin(self.send_now(mode))
    }

    async fn send_now(self, mode: Mode) -> Result<Reply, Error> {
        let Planned {
            docker,
            target,
            body,
            content_type,
            kind,
            options,
        } = self;
        let accept = options.accept;
        // The caller's own headers first: a credential header given there is kept.
        let mut headers: Vec<(String, String)> = options.headers;
        let (method, path, query, version, op) = match target {
            Target::Op {
                op,
                params,
                encoded,
            } => {
                // The ping learns the version: it goes out before one is known.
                let version = if op.unversioned {
                    docker.known_api_version()
                } else {
                    Some(docker.api_version_in(mode).await?)
                };
                let mut query = encoded.query;
                if let Some(version) = version {
                    let left_out = params::check_version(op, &params, version)?;
                    query.retain(|(name, _)| !left_out.iter().any(|l| l == name));
                }
                headers.extend(encoded.headers.into_iter().map(|(k, v)| (k.to_string(), v)));
                if let Some(header) =
                    credentials::header_for(&docker, op, &params, &headers, mode).await?
                {
                    headers.push(header);
                }
                let tty = match (options.tty, version) {
                    (Some(tty), _) => tty,
                    (None, Some(version)) => {
                        tty::lookup(&docker, op, &params, kind, version, mode).await?
                    }
                    (None, None) => false,
                };
                let prefix = version;
                (
                    op.method.to_http(),
                    encoded.path,
                    query,
                    prefix,
                    Some((op, tty)),
                )
            }
            Target::Raw {
                method,
                path,
                query,
                versioned,
            } => {
                let version = if versioned {
                    Some(docker.api_version_in(mode).await?)
                } else {
                    None
                };
                (method, path, query, version, None)
            }
        };
        let req = request::build(
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
        let (upgrade, slow, stream_errors, tty, what) = match op {
            Some((op, tty)) => (
                op.upgrade,
                op.slow,
                op.stream_errors,
                tty,
                op.id.to_string(),
            ),
            None => (
                "tcp",
                false,
                StreamErrors::None,
                options.tty.unwrap_or(false),
                req.uri().path().to_string(),
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
        let whole_only = accept
            .as_ref()
            .is_some_and(|(accepted, _)| accepted == &[Delivery::Whole]);
        let reading = Reading {
            kind,
            what,
            tty,
            version,
            stream_errors,
            upgrade,
            whole_only,
        };
        let answer = docker
            .inner
            .transport
            .send(req, expect, mode, limit)
            .await?;
        let reply = Reply::new(answer, reading).await;
        // Registry failures come back as 500s whose message says what happened.
        match (reply, op) {
            (Err(e), Some((op, _))) if op.credentials != crate::api::Credentials::None => {
                Err(classify(e))
            }
            (reply, _) => reply,
        }
    }
}
