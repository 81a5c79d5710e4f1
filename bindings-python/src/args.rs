//! Arguments in the forms docker-py users pass them: a command as a string
//! (split as a shell would, with `shlex`) or a list, and a time as a `datetime`,
//! seconds (int or float) or the daemon's own text (`"10m"`, RFC 3339).

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyFloat, PyInt, PyString};

/// A command: `"sh -c 'echo hi'"` or `["sh", "-c", "echo hi"]`.
pub fn command(cmd: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<String>> {
    if let Ok(text) = cmd.cast::<PyString>() {
        let split = cmd.py().import("shlex")?.call_method1("split", (text,))?;
        return split.extract();
    }
    cmd.extract::<Vec<String>>().map_err(|_| {
        PyTypeError::new_err(format!(
            "{what} must be a str or a list of str, not {}",
            type_name(cmd)
        ))
    })
}

/// A point in time as the daemon reads it (Unix seconds, with a fraction), or
/// None.
pub fn time(value: Option<&Bound<'_, PyAny>>, what: &str) -> PyResult<Option<String>> {
    let Some(value) = value.filter(|v| !v.is_none()) else {
        return Ok(None);
    };
    if value.is_instance_of::<PyBool>() {
        return Err(wrong_time(value, what));
    }
    if value.is_instance_of::<PyInt>() {
        return Ok(Some(value.extract::<i64>()?.to_string()));
    }
    if value.is_instance_of::<PyFloat>() {
        return Ok(Some(seconds(value.extract::<f64>()?)));
    }
    if let Ok(text) = value.cast::<PyString>() {
        return Ok(Some(text.to_str()?.to_string()));
    }
    let datetime = value.py().import("datetime")?.getattr("datetime")?;
    if value.is_instance(&datetime)? {
        let at: f64 = value.call_method0("timestamp")?.extract()?;
        return Ok(Some(seconds(at)));
    }
    Err(wrong_time(value, what))
}

/// Seconds with up to nanoseconds, as `docker logs --since` sends them.
fn seconds(at: f64) -> String {
    let text = format!("{at:.9}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn wrong_time(value: &Bound<'_, PyAny>, what: &str) -> PyErr {
    PyTypeError::new_err(format!(
        "{what} must be a datetime, seconds (int or float) or a string such as \"10m\", not {}",
        type_name(value)
    ))
}

fn type_name(value: &Bound<'_, PyAny>) -> String {
    value
        .get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_default()
}
