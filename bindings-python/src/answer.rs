//! What a call hands back to Python, by the operation's response kind: a JSON
//! document as Python objects, nothing, text, a stream or an attached process.

use libdocker::Output;
use pyo3::prelude::*;
use pyo3::types::PyString;
use serde_json::Value;

use crate::async_stream::{AsyncAttached, AsyncStream};
use crate::errors::docker_error;
use crate::stream::Source;
use crate::{convert, json_text};

/// An async call's result, converted to Python when the awaitable completes.
pub enum Answer {
    /// A JSON document as the daemon sent it (checked), turned into objects at once.
    JsonText {
        text: String,
        op: String,
    },
    Json(Value),
    Empty,
    Text(String),
    Stream(Source),
    Attached(libdocker::Attached),
}

impl Answer {
    /// Sorts an output; `op` names the call in the error for kinds not exposed.
    pub fn from_output(op: &str, output: Output) -> PyResult<Answer> {
        Ok(match output {
            Output::Json(v) => Answer::Json(v),
            Output::Empty => Answer::Empty,
            Output::Text(t) => Answer::Text(t),
            Output::Attached(a) => Answer::Attached(a),
            other => {
                let kind = other.kind();
                match Source::of(other) {
                    Some(source) => Answer::Stream(source),
                    None => return Err(not_exposed(op, kind)),
                }
            }
        })
    }
}

pub fn not_exposed(op: &str, kind: &str) -> PyErr {
    docker_error(format!(
        "{op} answers {kind}, which the Python binding does not expose; use the Rust or C API"
    ))
}

impl<'py> IntoPyObject<'py> for Answer {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(match self {
            Answer::JsonText { text, op } => json_text::to_py(py, &text, &op)?,
            Answer::Json(v) => convert::to_py(py, &v)?,
            Answer::Empty => py.None().into_bound(py),
            Answer::Text(t) => PyString::new(py, &t).into_any(),
            Answer::Stream(s) => Bound::new(py, AsyncStream::new(s))?.into_any(),
            Answer::Attached(a) => Bound::new(py, AsyncAttached::new(py, a)?)?.into_any(),
        })
    }
}
