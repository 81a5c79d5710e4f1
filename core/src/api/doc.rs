//! `doc(op)`: an operation described for people (Display) and for programs (Serialize).

use std::fmt;

use serde::Serialize;

use super::operation::{BodyKind, Operation};

/// What an operation takes and returns.
#[derive(Debug, Clone, Serialize)]
pub struct Doc {
    pub id: &'static str,
    pub category: &'static str,
    pub method: &'static str,
    pub path: &'static str,
    pub params: Vec<ParamDoc>,
    /// `none`, `json`, `tar` or `bytes`.
    pub body: &'static str,
    /// The spec's name of the body (`invoke` also accepts `body`); empty without one.
    pub body_name: &'static str,
    pub body_required: bool,
    pub response: &'static str,
    pub since: String,
}

/// One parameter in a [`Doc`].
#[derive(Debug, Clone, Serialize)]
pub struct ParamDoc {
    pub name: &'static str,
    /// `path`, `query` or `header`.
    #[serde(rename = "in")]
    pub location: &'static str,
    #[serde(rename = "type")]
    pub ty: &'static str,
    pub required: bool,
    pub since: String,
}

impl Doc {
    pub fn of(op: &Operation) -> Doc {
        Doc {
            id: op.id,
            category: op.category.as_str(),
            method: op.method.as_str(),
            path: op.path,
            params: op
                .params
                .iter()
                .map(|p| ParamDoc {
                    name: p.name,
                    location: p.location.as_str(),
                    ty: p.ty.as_str(),
                    required: p.required,
                    since: p.since.to_string(),
                })
                .collect(),
            body: op.body.kind.as_str(),
            body_name: op.body.name,
            body_required: op.body.required,
            response: op.response.detail(),
            since: op.since.to_string(),
        }
    }
}

impl fmt::Display for Doc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} ({}, API {}+)", self.id, self.category, self.since)?;
        writeln!(f, "  {} {}", self.method, self.path)?;
        for p in &self.params {
            write!(f, "  {:<7} {:<22} {}", p.location, p.name, p.ty)?;
            if p.required {
                f.write_str(", required")?;
            }
            if p.since != self.since && p.since != "1.25" {
                write!(f, ", API {}+", p.since)?;
            }
            writeln!(f)?;
        }
        if self.body != BodyKind::None.as_str() {
            write!(f, "  body    {:<22} {}", self.body_name, self.body)?;
            if self.body_required {
                f.write_str(", required")?;
            }
            writeln!(f)?;
        }
        write!(f, "  returns {}", self.response)
    }
}
