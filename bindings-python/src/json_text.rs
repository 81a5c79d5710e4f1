//! The daemon's JSON text straight to Python objects (dict, list, str, int, float,
//! bool, None), with no `serde_json::Value` in between: a container list is built
//! in one pass, without a map per object that is then walked and freed. The parse
//! holds the GIL (it builds Python objects as it goes); the wait for the answer
//! does not. Dicts keep the daemon's key order, as `json.loads` does.

use std::cell::RefCell;
use std::fmt;

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};
use pyo3::IntoPyObjectExt;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::errors::decode_error;

/// Python objects for the JSON document `text`; `what` names it in errors. A
/// Python error on the way (`MemoryError`, …) is raised as itself.
pub fn to_py<'py>(py: Python<'py>, text: &str, what: &str) -> PyResult<Bound<'py, PyAny>> {
    let failed = RefCell::new(None);
    let mut de = serde_json::Deserializer::from_str(text);
    let parsed = Objects {
        py,
        failed: &failed,
    }
    .deserialize(&mut de)
    .and_then(|v| de.end().map(|()| v));
    match (parsed, failed.into_inner()) {
        (Ok(value), _) => Ok(value),
        (Err(_), Some(err)) => Err(err),
        (Err(e), None) => Err(decode_error(format!("the answer to {what}: {e}"))),
    }
}

/// Builds the Python object for whatever JSON value comes next.
#[derive(Clone, Copy)]
struct Objects<'a, 'py> {
    py: Python<'py>,
    /// The Python error that stopped the parse, raised instead of a decode error.
    failed: &'a RefCell<Option<PyErr>>,
}

impl<'py> Objects<'_, 'py> {
    fn made<T, E: de::Error>(self, r: PyResult<T>) -> Result<T, E> {
        r.map_err(|err| {
            let message = err.to_string();
            self.failed.borrow_mut().get_or_insert(err);
            E::custom(message)
        })
    }
}

impl<'de, 'py> DeserializeSeed<'de> for Objects<'_, 'py> {
    type Value = Bound<'py, PyAny>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, 'py> Visitor<'de> for Objects<'_, 'py> {
    type Value = Bound<'py, PyAny>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(self.py.None().into_bound(self.py))
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        self.visit_unit()
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        self.made(v.into_bound_py_any(self.py))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        self.made(v.into_bound_py_any(self.py))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        self.made(v.into_bound_py_any(self.py))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        self.made(v.into_bound_py_any(self.py))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(PyString::new(self.py, v).into_any())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let list = PyList::empty(self.py);
        while let Some(item) = seq.next_element_seed(self)? {
            self.made(list.append(item))?;
        }
        Ok(list.into_any())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let dict = PyDict::new(self.py);
        while let Some(key) = map.next_key_seed(self)? {
            let value = map.next_value_seed(self)?;
            self.made(dict.set_item(key, value))?;
        }
        Ok(dict.into_any())
    }
}
