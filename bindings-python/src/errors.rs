//! The exception hierarchy, made from the core's one list of error kinds
//! (`libdocker::ErrorKind::ALL`, each with its class name and parent): one class
//! per kind, all under `DockerError`; daemon answers under `ApiError`, with
//! `status` and the daemon's own `message`. A kind added to the core is a class
//! here at once; the stubs are held to the classes by stubtest, and a test
//! checks the classes against `error_kinds()`.

use std::collections::HashMap;
use std::ffi::CString;

use libdocker::{Error, ErrorKind};
use pyo3::exceptions::{PyException, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyModule, PyTuple, PyType};

/// The root of the hierarchy.
const ROOT: &str = "DockerError";

/// The classes by name, made once.
fn classes(py: Python<'_>) -> PyResult<&HashMap<&'static str, Py<PyType>>> {
    static CLASSES: PyOnceLock<HashMap<&'static str, Py<PyType>>> = PyOnceLock::new();
    CLASSES.get_or_try_init(py, || {
        let mut made = HashMap::new();
        made.insert(
            ROOT,
            new_class(
                py,
                ROOT,
                "Any error of libdocker.",
                &py.get_type::<PyException>(),
            )?,
        );
        // Each class after its parent, whatever order the list has.
        let mut left: Vec<ErrorKind> = ErrorKind::ALL.to_vec();
        while !left.is_empty() {
            let before = left.len();
            let mut still = Vec::new();
            for kind in left {
                let (class, parent) = kind.python_class();
                if made.contains_key(class) {
                    continue;
                }
                match made.get(parent) {
                    Some(base) => {
                        let base = base.bind(py).clone();
                        let doc = format!("{} ({})", kind.name(), kind.code());
                        let made_class = if kind == ErrorKind::InvalidParams {
                            // Wrong arguments are also what Python code catches as ValueError.
                            with_value_error(py, class, &doc, &base)?
                        } else {
                            new_class(py, class, &doc, &base)?
                        };
                        made.insert(class, made_class);
                    }
                    None => still.push(kind),
                }
            }
            if still.len() == before {
                return Err(PyException::new_err(format!(
                    "error kinds whose parent class is never declared: {still:?}"
                )));
            }
            left = still;
        }
        Ok(made)
    })
}

fn new_class(
    py: Python<'_>,
    name: &str,
    doc: &str,
    base: &Bound<'_, PyType>,
) -> PyResult<Py<PyType>> {
    let qualified = CString::new(format!("libdocker.{name}"))?;
    let doc = CString::new(doc)?;
    PyErr::new_type(py, &qualified, Some(&doc), Some(base), None)
}

/// A class under both `base` and `ValueError`.
fn with_value_error(
    py: Python<'_>,
    name: &str,
    doc: &str,
    base: &Bound<'_, PyType>,
) -> PyResult<Py<PyType>> {
    let bases = PyTuple::new(py, [base.clone(), py.get_type::<PyValueError>()])?;
    let namespace = PyDict::new(py);
    namespace.set_item("__doc__", doc)?;
    namespace.set_item("__module__", "libdocker")?;
    let made = py
        .get_type::<PyType>()
        .call1((name, bases, namespace))?
        .cast_into::<PyType>()?;
    Ok(made.unbind())
}

/// The class named `name` (one of the hierarchy's).
fn class<'py>(py: Python<'py>, name: &str) -> Bound<'py, PyType> {
    match classes(py).ok().and_then(|c| c.get(name)) {
        Some(class) => class.bind(py).clone(),
        None => py.get_type::<PyException>(),
    }
}

/// A `DockerError` with `message`, for failures of the binding itself.
pub fn docker_error(message: impl Into<String>) -> PyErr {
    let message = message.into();
    Python::attach(|py| PyErr::from_type(class(py, ROOT), message))
}

/// A `DecodeError` with `message`.
pub fn decode_error(message: impl Into<String>) -> PyErr {
    let message = message.into();
    Python::attach(|py| PyErr::from_type(class(py, ErrorKind::Decode.python_class().0), message))
}

/// The Python exception for `err`, with `kind`, `status` and `message` set, and
/// `valid` for unknown parameters.
pub fn to_py(err: Error) -> PyErr {
    let text = err.to_string();
    Python::attach(|py| {
        let e = PyErr::from_type(class(py, err.kind().python_class().0), text);
        let value = e.value(py);
        let message = err.daemon_message().map(str::to_owned);
        let valid: Vec<String> = match &err {
            Error::InvalidParams { valid, .. } => valid.clone(),
            _ => Vec::new(),
        };
        // Setting attributes on a fresh exception instance cannot fail short of
        // memory exhaustion; the exception is still raised if it does.
        let _ = value.setattr("kind", err.kind().id());
        let _ = value.setattr("status", err.status());
        let _ = value.setattr("message", message.unwrap_or_else(|| err.to_string()));
        let _ = value.setattr("valid", valid);
        if let Error::BuildFailed { output, .. } = &err {
            let _ = value.setattr("output", output);
        }
        if let Error::OutOfSequence {
            object,
            given,
            current,
            ..
        } = &err
        {
            let _ = value.setattr("object", object);
            let _ = value.setattr("given", given);
            let _ = value.setattr("current", current);
        }
        e
    })
}

/// `Result<T, libdocker::Error>` into `PyResult<T>`.
pub trait IntoPyResult<T> {
    fn py(self) -> PyResult<T>;
}

impl<T> IntoPyResult<T> for Result<T, Error> {
    fn py(self) -> PyResult<T> {
        self.map_err(to_py)
    }
}

/// Every error kind as `(kind, code, name, class, parent class)`.
#[pyfunction]
pub fn error_kinds() -> Vec<(&'static str, u16, &'static str, &'static str, &'static str)> {
    ErrorKind::ALL
        .iter()
        .map(|k| {
            let (class, parent) = k.python_class();
            (k.id(), k.code(), k.name(), class, parent)
        })
        .collect()
}

/// Adds every class to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    for (name, class) in classes(py)? {
        m.add(*name, class.bind(py))?;
    }
    m.add_function(wrap_pyfunction!(error_kinds, m)?)?;
    Ok(())
}
