//! Planning a call: everything that needs no answer from the daemon. An
//! operation is looked up in the table, its parameters checked and encoded, its
//! body chosen, and what its answer will be worked out (a flag of the call can
//! change it); a raw request outside the table is taken as given. A call the
//! caller cannot read the way it answers is refused here, before a byte is sent.

use std::time::Duration;

use serde_json::{Map, Value};

use crate::api::params::{self, Encoded};
use crate::api::{BodyKind, Flag, Operation, ResponseKind};
use crate::body::Body;
use crate::client::Docker;
use crate::error::Error;
use crate::transport::Cancel;

/// How a caller reads an answer, for refusing a call it cannot read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// Read whole: JSON, text or nothing.
    Whole,
    /// Read as it arrives: log frames, JSON values, bytes.
    Stream,
    /// A hijacked connection, both ways (attach, exec).
    Connection,
}

impl Delivery {
    /// How an answer of `kind` is delivered.
    pub fn of(kind: ResponseKind) -> Delivery {
        match kind {
            ResponseKind::Json
            | ResponseKind::Empty
            | ResponseKind::Text
            | ResponseKind::PathStat => Delivery::Whole,
            ResponseKind::JsonStream
            | ResponseKind::Multiplexed
            | ResponseKind::Tar
            | ResponseKind::Bytes => Delivery::Stream,
            ResponseKind::Upgrade => Delivery::Connection,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Delivery::Whole => "a whole answer",
            Delivery::Stream => "a stream",
            Delivery::Connection => "a hijacked connection",
        }
    }
}

/// Per-call settings.
#[derive(Debug, Clone, Default)]
pub struct CallOptions {
    /// `Some(limit)` overrides the client's limit on waiting for the answer for
    /// this call (`Some(None)`: no limit).
    pub timeout: Option<Option<Duration>>,
    /// Whether raw-stream output is a TTY's; looked up from the container, exec,
    /// service or task when not given and the daemon does not say.
    pub tty: Option<bool>,
    /// Extra headers.
    pub headers: Vec<(String, String)>,
    /// How the caller will read the answer, if only some ways: a call that
    /// answers otherwise is refused before it is sent, with this hint.
    pub accept: Option<(Vec<Delivery>, String)>,
    /// Ends the call (and the stream it answers) with `Error::Cancelled` when
    /// fired, from any thread.
    pub cancel: Option<Cancel>,
}

/// What a call asks for.
pub(crate) enum Target {
    /// An operation of the table, its parameters checked and encoded.
    Op {
        op: &'static Operation,
        params: Map<String, Value>,
        encoded: Encoded,
    },
    /// A request outside the table.
    Raw {
        method: http::Method,
        path: String,
        query: Vec<(String, String)>,
        /// Whether the path gets the `/v1.NN` prefix.
        versioned: bool,
    },
}

/// A call checked and encoded, to be sent once the API version is known.
pub(crate) struct Planned {
    pub docker: Docker,
    pub target: Target,
    pub body: Body,
    pub content_type: Option<&'static str>,
    /// What the answer will be; `None`: judged by its content type (raw requests).
    pub kind: Option<ResponseKind>,
    pub options: CallOptions,
}

impl Planned {
    /// Plans a call of `op` with `params` (a JSON object, or null) and an
    /// optional body given apart from them.
    pub fn operation(
        docker: Docker,
        op: &'static Operation,
        params: Value,
        body: Option<Body>,
        options: CallOptions,
    ) -> Result<Planned, Error> {
        let params = match params {
            Value::Object(m) => m,
            Value::Null => Map::new(),
            other => {
                return Err(Error::invalid(format!(
                    "the parameters of {} must be a JSON object, got {other}",
                    op.id
                )))
            }
        };
        let mut encoded = params::encode(op, &params)?;
        let (body, content_type) =
            body_of(op, encoded.json_body.take(), encoded.raw_body.take(), body)?;
        let kind = answer_kind(op, &params);
        let planned = Planned {
            docker,
            target: Target::Op {
                op,
                params,
                encoded,
            },
            body,
            content_type,
            kind: Some(kind),
            options,
        };
        planned.check_delivery()?;
        Ok(planned)
    }

    /// Names what is asked for, in messages: the operation id or the path.
    pub fn what(&self) -> &str {
        match &self.target {
            Target::Op { op, .. } => op.id,
            Target::Raw { path, .. } => path,
        }
    }

    /// Refuses a call the caller cannot read the way it answers.
    pub fn check_delivery(&self) -> Result<(), Error> {
        let (Some((accepted, hint)), Some(kind)) = (&self.options.accept, self.kind) else {
            return Ok(());
        };
        let delivery = Delivery::of(kind);
        if accepted.contains(&delivery) {
            return Ok(());
        }
        Err(Error::WrongOutputKind {
            operation: self.what().to_string(),
            answers: delivery.describe().to_string(),
            wanted: accepted
                .iter()
                .map(|d| d.describe())
                .collect::<Vec<_>>()
                .join(" or "),
            hint: if hint.is_empty() {
                String::new()
            } else {
                format!(" ({hint})")
            },
        })
    }
}

/// The body to send and its content type, from the params or given apart.
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

/// What `op` answers when called with `params`: its table kind, unless a flag of
/// the call changes it (the table's `answers_if`).
fn answer_kind(op: &Operation, params: &Map<String, Value>) -> ResponseKind {
    let Some((flag, kind)) = op.answers_if else {
        return op.response;
    };
    let set = match flag {
        Flag::Param(name, value) => params.get(name).and_then(Value::as_bool) == Some(value),
        Flag::BodyField(name, value) => {
            let body = params.get(op.body.name).or_else(|| params.get("body"));
            body.and_then(|b| b.get(name)).and_then(Value::as_bool) == Some(value)
        }
    };
    if set {
        kind
    } else {
        op.response
    }
}
