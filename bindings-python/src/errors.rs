//! The exception hierarchy: one Python class per kind of `libdocker::Error`, all
//! under `DockerError`; daemon answers under `ApiError` with `status` and the
//! daemon's own `message`.

use libdocker::{Error, ErrorKind};
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::PyModule;

pyo3::create_exception!(
    libdocker,
    DockerError,
    PyException,
    "Any error of libdocker."
);
pyo3::create_exception!(
    libdocker,
    ApiError,
    DockerError,
    "The daemon answered with an error status (`status`, `message`)."
);
pyo3::create_exception!(
    libdocker,
    NotModified,
    ApiError,
    "304: nothing to do (already started or stopped)."
);
pyo3::create_exception!(
    libdocker,
    BadParameter,
    ApiError,
    "400: the daemon refused the request as invalid."
);
pyo3::create_exception!(libdocker, Unauthorized, ApiError, "401: not authorized.");
pyo3::create_exception!(libdocker, Forbidden, ApiError, "403: forbidden.");
pyo3::create_exception!(libdocker, NotFound, ApiError, "404: no such object.");
pyo3::create_exception!(
    libdocker,
    NotAcceptable,
    ApiError,
    "406: not acceptable (e.g. the container is not running)."
);
pyo3::create_exception!(
    libdocker,
    Conflict,
    ApiError,
    "409: conflict (name in use, container running, ...)."
);
pyo3::create_exception!(libdocker, ServerError, ApiError, "500: the daemon failed.");
pyo3::create_exception!(
    libdocker,
    Unavailable,
    ApiError,
    "503: the daemon is unavailable."
);
pyo3::create_exception!(
    libdocker,
    ConnectError,
    DockerError,
    "The daemon could not be reached."
);
pyo3::create_exception!(
    libdocker,
    TlsError,
    ConnectError,
    "The TLS handshake with the daemon failed."
);
pyo3::create_exception!(libdocker, Timeout, DockerError, "A time limit passed.");
pyo3::create_exception!(
    libdocker,
    InvalidParams,
    DockerError,
    "Bad parameters for an operation; nothing was sent (`valid` lists the known ones)."
);
pyo3::create_exception!(
    libdocker,
    UnsupportedApiVersion,
    DockerError,
    "The operation needs a newer API version than the one in use; nothing was sent."
);
pyo3::create_exception!(
    libdocker,
    DecodeError,
    DockerError,
    "The daemon's answer could not be decoded."
);
pyo3::create_exception!(
    libdocker,
    StreamClosed,
    DockerError,
    "A stream ended early (the daemon went away mid-stream)."
);
pyo3::create_exception!(
    libdocker,
    ProgressError,
    DockerError,
    "A pull, push, load or import reported an error in its progress."
);
pyo3::create_exception!(
    libdocker,
    BuildFailed,
    DockerError,
    "An image build failed."
);
pyo3::create_exception!(
    libdocker,
    ContainerFailed,
    DockerError,
    "A container exited with a non-zero code."
);
pyo3::create_exception!(
    libdocker,
    ConfigError,
    DockerError,
    "Bad client settings (host, TLS files, context)."
);
pyo3::create_exception!(
    libdocker,
    IoError,
    DockerError,
    "A local I/O error (reading a file to send, ...)."
);

/// The Python exception for `err`, with `kind`, `status` and `message` set, and
/// `valid` for unknown parameters.
pub fn to_py(err: Error) -> PyErr {
    let text = err.to_string();
    let e = match err.kind() {
        ErrorKind::NotModified => NotModified::new_err(text),
        ErrorKind::BadParameter => BadParameter::new_err(text),
        ErrorKind::Unauthorized => Unauthorized::new_err(text),
        ErrorKind::Forbidden => Forbidden::new_err(text),
        ErrorKind::NotFound => NotFound::new_err(text),
        ErrorKind::NotAcceptable => NotAcceptable::new_err(text),
        ErrorKind::Conflict => Conflict::new_err(text),
        ErrorKind::ServerError => ServerError::new_err(text),
        ErrorKind::Unavailable => Unavailable::new_err(text),
        ErrorKind::Status => ApiError::new_err(text),
        ErrorKind::Connect => ConnectError::new_err(text),
        ErrorKind::Tls => TlsError::new_err(text),
        ErrorKind::Timeout => Timeout::new_err(text),
        ErrorKind::InvalidParams => InvalidParams::new_err(text),
        ErrorKind::UnsupportedApiVersion => UnsupportedApiVersion::new_err(text),
        ErrorKind::Decode => DecodeError::new_err(text),
        ErrorKind::StreamClosed => StreamClosed::new_err(text),
        ErrorKind::Progress => ProgressError::new_err(text),
        ErrorKind::BuildFailed => BuildFailed::new_err(text),
        ErrorKind::ContainerFailed => ContainerFailed::new_err(text),
        ErrorKind::Config => ConfigError::new_err(text),
        ErrorKind::Io => IoError::new_err(text),
        _ => DockerError::new_err(text),
    };
    Python::attach(|py| {
        let value = e.value(py);
        let message = err.daemon_message().map(str::to_owned);
        let valid: Vec<String> = match &err {
            Error::InvalidParams { valid, .. } => valid.clone(),
            _ => Vec::new(),
        };
        // Setting attributes on a fresh exception instance cannot fail short of
        // memory exhaustion; the exception is still raised if it does.
        let _ = value.setattr("kind", format!("{:?}", err.kind()));
        let _ = value.setattr("status", err.status());
        let _ = value.setattr("message", message.unwrap_or_else(|| err.to_string()));
        let _ = value.setattr("valid", valid);
    });
    e
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

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("DockerError", py.get_type::<DockerError>())?;
    m.add("ApiError", py.get_type::<ApiError>())?;
    m.add("NotModified", py.get_type::<NotModified>())?;
    m.add("BadParameter", py.get_type::<BadParameter>())?;
    m.add("Unauthorized", py.get_type::<Unauthorized>())?;
    m.add("Forbidden", py.get_type::<Forbidden>())?;
    m.add("NotFound", py.get_type::<NotFound>())?;
    m.add("NotAcceptable", py.get_type::<NotAcceptable>())?;
    m.add("Conflict", py.get_type::<Conflict>())?;
    m.add("ServerError", py.get_type::<ServerError>())?;
    m.add("Unavailable", py.get_type::<Unavailable>())?;
    m.add("ConnectError", py.get_type::<ConnectError>())?;
    m.add("TlsError", py.get_type::<TlsError>())?;
    m.add("Timeout", py.get_type::<Timeout>())?;
    m.add("InvalidParams", py.get_type::<InvalidParams>())?;
    m.add(
        "UnsupportedApiVersion",
        py.get_type::<UnsupportedApiVersion>(),
    )?;
    m.add("DecodeError", py.get_type::<DecodeError>())?;
    m.add("StreamClosed", py.get_type::<StreamClosed>())?;
    m.add("ProgressError", py.get_type::<ProgressError>())?;
    m.add("BuildFailed", py.get_type::<BuildFailed>())?;
    m.add("ContainerFailed", py.get_type::<ContainerFailed>())?;
    m.add("ConfigError", py.get_type::<ConfigError>())?;
    m.add("IoError", py.get_type::<IoError>())?;
    Ok(())
}
