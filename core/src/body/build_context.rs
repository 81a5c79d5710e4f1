//! A build context as a request body: a local directory tarred while it is sent,
//! honouring `.dockerignore` with the CLI's rules (the Dockerfile and
//! `.dockerignore` always go along), files held in memory, or a ready tar stream.
//! A Dockerfile outside a directory context travels inside it under a name of
//! its own.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytes::Bytes;

use super::dockerfile::Dockerfile;
use super::dockerignore::DockerIgnore;
use super::tar::{PathFilter, TarSource};
use super::Body;
use crate::error::Error;

/// What is sent as the build context.
pub enum BuildContext {
    /// A local directory, tarred on the fly; `.dockerignore` applies.
    Dir(PathBuf),
    /// Files held in memory (see [`BuildContext::memory`]).
    Memory(Vec<(String, u32, Bytes)>),
    /// A tar archive supplied as is.
    Tar(Body),
}

impl BuildContext {
    /// A directory as the context.
    pub fn dir(path: impl Into<PathBuf>) -> Self {
        BuildContext::Dir(path.into())
    }

    /// An empty in-memory context; add files with [`file`](Self::file).
    pub fn memory() -> Self {
        BuildContext::Memory(Vec::new())
    }

    /// Adds a file to an in-memory context (ignored for other kinds).
    pub fn file(mut self, path: impl Into<String>, mode: u32, contents: impl Into<Bytes>) -> Self {
        if let BuildContext::Memory(files) = &mut self {
            files.push((path.into(), mode, contents.into()));
        }
        self
    }

    /// Adds `Dockerfile` to an in-memory context.
    pub fn dockerfile(self, dockerfile: &Dockerfile) -> Self {
        self.file("Dockerfile", 0o644, dockerfile.to_string())
    }
}

impl std::fmt::Debug for BuildContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BuildContext::Dir(p) => write!(f, "BuildContext::Dir({})", p.display()),
            BuildContext::Memory(files) => write!(f, "BuildContext::Memory({} files)", files.len()),
            BuildContext::Tar(_) => f.write_str("BuildContext::Tar"),
        }
    }
}

impl BuildContext {
    /// The context as a request body, and the Dockerfile's name inside it:
    /// `dockerfile` as given, or where a directory context puts it. A directory
    /// is tarred while it is sent, so this must be called inside a tokio runtime.
    pub fn into_body(self, dockerfile: Option<&str>) -> Result<(Body, Option<String>), Error> {
        match self {
            BuildContext::Dir(dir) => {
                let (body, name) = dir_context(&dir, dockerfile)?;
                Ok((body, Some(name)))
            }
            BuildContext::Memory(files) => {
                Ok((memory_context(&files)?, dockerfile.map(str::to_string)))
            }
            BuildContext::Tar(body) => Ok((body, dockerfile.map(str::to_string))),
        }
    }
}

/// Files held in memory, as a tar archive.
fn memory_context(files: &[(String, u32, Bytes)]) -> Result<Body, Error> {
    let mut out = Vec::new();
    let mut builder = tar::Builder::new(&mut out);
    for (path, mode, contents) in files {
        let mut h = tar::Header::new_gnu();
        h.set_size(contents.len() as u64);
        h.set_mode(*mode);
        h.set_entry_type(tar::EntryType::Regular);
        builder
            .append_data(&mut h, path, contents.as_ref())
            .map_err(|e| Error::io(format!("adding {path} to the build context"), e))?;
    }
    builder
        .finish()
        .map_err(|e| Error::io("finishing the build context", e))?;
    drop(builder);
    Ok(Body::from_bytes(out))
}

/// The Dockerfile written into a context for one outside it.
const OUTSIDE_DOCKERFILE: &str = ".libdocker-dockerfile";

/// The streamed context of a directory and the Dockerfile's name inside it.
fn dir_context(dir: &Path, dockerfile: Option<&str>) -> Result<(Body, String), Error> {
    let meta = std::fs::metadata(dir)
        .map_err(|e| Error::io(format!("build context {}", dir.display()), e))?;
    if !meta.is_dir() {
        return Err(Error::invalid(format!(
            "build context {} is not a directory",
            dir.display()
        )));
    }
    let ignore = DockerIgnore::from_context_dir(dir)?;
    let mut source = TarSource::new(dir, "");

    // A Dockerfile outside the context travels inside it under a name of its own.
    let name = match dockerfile {
        None => "Dockerfile".to_string(),
        Some(path) => match locate_dockerfile(dir, Path::new(path)) {
            DockerfileAt::Inside(rel) => rel,
            DockerfileAt::Outside(file) => {
                let text = std::fs::read(&file).map_err(|e| {
                    Error::io(format!("cannot read the Dockerfile {}", file.display()), e)
                })?;
                source = source.add_file(OUTSIDE_DOCKERFILE, 0o644, text);
                OUTSIDE_DOCKERFILE.to_string()
            }
        },
    };
    if !ignore.is_empty() {
        // The Dockerfile and .dockerignore are always sent, as the CLI does.
        let keep = [name.clone(), ".dockerignore".to_string()];
        let ignore = Arc::new(ignore);
        let filter: PathFilter = Arc::new(move |rel: &str, _is_dir: bool| {
            keep.iter().any(|k| k == rel) || !ignore.is_excluded(rel)
        });
        source = source.filter(filter);
    }
    Ok((source.into_body(), name))
}

enum DockerfileAt {
    /// Its path relative to the context root.
    Inside(String),
    /// A local file outside the context.
    Outside(PathBuf),
}

/// Where the Dockerfile `path` is: relative paths name a file in the context if
/// there is one there, otherwise a local file (relative to the working directory).
fn locate_dockerfile(dir: &Path, path: &Path) -> DockerfileAt {
    if path.is_relative() && dir.join(path).exists() {
        return DockerfileAt::Inside(path.to_string_lossy().into_owned());
    }
    let (Ok(file), Ok(root)) = (path.canonicalize(), dir.canonicalize()) else {
        // Neither in the context nor here: let the daemon name what is missing.
        return DockerfileAt::Inside(path.to_string_lossy().into_owned());
    };
    match file.strip_prefix(&root) {
        Ok(rel) => DockerfileAt::Inside(rel.to_string_lossy().into_owned()),
        Err(_) => DockerfileAt::Outside(file),
    }
}
