//! Tar archives made by the core for request bodies: a build context (a local
//! directory, filtered by its `.dockerignore`, with the Dockerfile always
//! included), a local file or directory for `PutContainerArchive`, or files held
//! in memory. A directory is tarred while the request is sent, never whole in
//! memory. An archive is sent once.

use std::collections::BTreeMap;
use std::sync::Mutex;

use libdocker::body::tar::TarSource;
use libdocker::{Body, BuildContext};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::errors::IntoPyResult;

/// A tar archive to send as a request body (`invoke(..., body=archive)`).
#[pyclass(module = "libdocker._native", name = "Archive", frozen)]
pub struct Archive {
    body: Mutex<Option<Body>>,
    dockerfile: Option<String>,
    what: String,
}

impl Archive {
    fn new(body: Body, dockerfile: Option<String>, what: String) -> Archive {
        Archive {
            body: Mutex::new(Some(body)),
            dockerfile,
            what,
        }
    }

    /// The body, once; a second use is an error naming the archive.
    pub fn take(&self) -> PyResult<Body> {
        self.body
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
            .ok_or_else(|| {
                PyValueError::new_err(format!("{} was sent already: make a new one", self.what))
            })
    }
}

#[pymethods]
impl Archive {
    /// The build context of directory `path` as `docker build` sends it:
    /// `.dockerignore` applies, and the Dockerfile (`dockerfile`, a path in the
    /// context or a file outside it; `Dockerfile` by default) always goes along.
    #[staticmethod]
    #[pyo3(signature = (path, dockerfile=None))]
    fn build_context(path: std::path::PathBuf, dockerfile: Option<String>) -> PyResult<Archive> {
        let what = format!("the build context {}", path.display());
        let _runtime = crate::runtime::enter();
        let (body, name) = BuildContext::dir(path)
            .into_body(dockerfile.as_deref())
            .py()?;
        Ok(Archive::new(body, name, what))
    }

    /// A local file or directory (modes and symlinks kept) under the name `name`
    /// (its own file name by default), as `PutContainerArchive` takes it.
    #[staticmethod]
    #[pyo3(signature = (path, name=None))]
    fn of_path(path: std::path::PathBuf, name: Option<String>) -> PyResult<Archive> {
        let name = match name {
            Some(n) => n,
            None => path
                .file_name()
                .ok_or_else(|| {
                    PyValueError::new_err(format!("{} has no file name to archive", path.display()))
                })?
                .to_string_lossy()
                .into_owned(),
        };
        std::fs::symlink_metadata(&path)
            .map_err(|e| libdocker::Error::Io {
                context: format!("cannot archive {}", path.display()),
                source: e,
            })
            .py()?;
        let what = format!("the archive of {}", path.display());
        let _runtime = crate::runtime::enter();
        Ok(Archive::new(
            TarSource::new(path, name).into_body(),
            None,
            what,
        ))
    }

    /// Files held in memory, by path in the archive (mode 0644); `dockerfile`
    /// names the Dockerfile among them for a build.
    #[staticmethod]
    #[pyo3(signature = (files, dockerfile=None))]
    fn of_files(files: BTreeMap<String, Vec<u8>>, dockerfile: Option<String>) -> PyResult<Archive> {
        let mut context = BuildContext::memory();
        for (path, contents) in files {
            context = context.file(path, 0o644, contents);
        }
        let (body, dockerfile) = context.into_body(dockerfile.as_deref()).py()?;
        Ok(Archive::new(
            body,
            dockerfile,
            "the archive of files".to_string(),
        ))
    }

    /// The Dockerfile's path inside the archive, for a build's `dockerfile`.
    #[getter]
    fn dockerfile(&self) -> Option<String> {
        self.dockerfile.clone()
    }

    fn __repr__(&self) -> String {
        format!("Archive({})", self.what)
    }
}
