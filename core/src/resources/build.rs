//! Building images with the classic builder: from a context directory (tarred while
//! it is sent, honouring `.dockerignore`), from a context built in memory, or from a
//! ready tar stream; a [`Dockerfile`] builder in the spirit of docker-map's.
//!
//! ```no_run
//! # async fn demo(docker: libdocker::Docker) -> Result<(), libdocker::Error> {
//! use libdocker::resources::build::{BuildContext, BuildOptions, Dockerfile};
//! let dockerfile = Dockerfile::from("busybox").run("echo built > /built").cmd(["cat", "/built"]);
//! let context = BuildContext::memory().dockerfile(&dockerfile);
//! let id = docker.images().build(context, BuildOptions::tagged("demo:1")).await?.finish().await?.image_id;
//! # Ok(()) }
//! ```

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytes::Bytes;
use serde_json::{json, Value};

use super::credentials::registry_config_header;
use super::images::Images;
use crate::body::Body;
use crate::error::Error;
use crate::stream::dockerignore::DockerIgnore;
use crate::stream::progress::{ProgressKind, ProgressStream, ProgressSummary};
use crate::stream::tar::{PathFilter, TarSource};

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

/// Settings of a build.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Names for the image (`repo:tag`), as many as wanted.
    pub tags: Vec<String>,
    /// The Dockerfile: a path inside the context (default `Dockerfile`), or a local
    /// file outside a directory context, which is then sent along with it.
    pub dockerfile: Option<String>,
    pub build_args: BTreeMap<String, String>,
    pub labels: BTreeMap<String, String>,
    /// Build up to this stage.
    pub target: Option<String>,
    pub no_cache: bool,
    /// Pull newer versions of base images.
    pub pull: bool,
    /// e.g. `linux/amd64`.
    pub platform: Option<String>,
    /// `bridge`, `host`, `none` or a network name, for RUN steps.
    pub network_mode: Option<String>,
    /// `host:ip` entries added to /etc/hosts of RUN steps.
    pub extra_hosts: Vec<String>,
    /// Images to use as cache sources.
    pub cache_from: Vec<String>,
    /// Keep intermediate containers of failed steps (the default removes them).
    pub keep_failed_containers: bool,
    /// Send registry credentials of every registry the CLI configuration knows
    /// (`X-Registry-Config`), so private base images can be pulled.
    pub send_credentials: bool,
}

impl BuildOptions {
    /// Options naming the image `tag`.
    pub fn tagged(tag: impl Into<String>) -> Self {
        BuildOptions {
            tags: vec![tag.into()],
            send_credentials: true,
            ..Default::default()
        }
    }
}

/// The Dockerfile written into a context for one outside it.
const OUTSIDE_DOCKERFILE: &str = ".libdocker-dockerfile";

impl Images {
    /// Starts a build; its progress stream carries the output, and ends with
    /// [`Error::BuildFailed`] (holding the failing step's output) when a step fails.
    pub async fn build(
        &self,
        context: BuildContext,
        options: BuildOptions,
    ) -> Result<ProgressStream, Error> {
        let mut dockerfile = options.dockerfile.clone();
        let body = match context {
            BuildContext::Dir(dir) => {
                let (body, name) = dir_context(&dir, options.dockerfile.as_deref()).await?;
                dockerfile = Some(name);
                body
            }
            BuildContext::Memory(files) => {
                let mut out = Vec::new();
                let mut builder = tar::Builder::new(&mut out);
                for (path, mode, contents) in &files {
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
                Body::from_bytes(out)
            }
            BuildContext::Tar(body) => body,
        };

        let mut params = json!({
            "dockerfile": dockerfile,
            "t": (!options.tags.is_empty()).then_some(options.tags.clone()),
            "extrahosts": (!options.extra_hosts.is_empty()).then(|| options.extra_hosts.join(",")),
            "nocache": options.no_cache,
            "pull": options.pull.then_some("1"),
            "rm": true,
            "forcerm": !options.keep_failed_containers,
            "buildargs": (!options.build_args.is_empty()).then(|| json!(options.build_args)),
            "labels": (!options.labels.is_empty()).then(|| json!(options.labels)),
            "cachefrom": (!options.cache_from.is_empty()).then(|| json!(options.cache_from)),
            "networkmode": options.network_mode,
            "platform": options.platform,
            "target": options.target,
        });
        if options.send_credentials {
            let all = self.docker().with_credentials(|store| store.all()).await?;
            if !all.is_empty() {
                params["X-Registry-Config"] = Value::String(registry_config_header(&all));
            }
        }
        let out = self
            .docker()
            .invoke("ImageBuild", params)
            .body(body)
            .await?;
        Ok(ProgressStream::new(
            out.into_json_stream()?.typed(),
            ProgressKind::Build,
        ))
    }

    /// Builds and returns the image id (and the whole output).
    pub async fn build_image(
        &self,
        context: BuildContext,
        options: BuildOptions,
    ) -> Result<ProgressSummary, Error> {
        let summary = self.build(context, options).await?.finish().await?;
        if summary.image_id.is_none() {
            return Err(Error::BuildFailed {
                message: "the build ended without reporting an image".into(),
                output: summary.output,
            });
        }
        Ok(summary)
    }
}

/// The streamed context of a directory and the Dockerfile's name inside it.
async fn dir_context(dir: &Path, dockerfile: Option<&str>) -> Result<(Body, String), Error> {
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

/// A Dockerfile, instruction by instruction.
///
/// ```
/// use libdocker::resources::build::Dockerfile;
/// let df = Dockerfile::from("busybox")
///     .label("team", "infra")
///     .env("MODE", "prod")
///     .workdir("/app")
///     .copy(&["app.sh"], "/app/")
///     .run("chmod +x /app/app.sh")
///     .user("nobody")
///     .expose(8080)
///     .volume("/data")
///     .entrypoint(["/app/app.sh"])
///     .cmd(["--serve"]);
/// assert!(df.to_string().starts_with("FROM busybox\n"));
/// assert!(df.to_string().contains("ENTRYPOINT [\"/app/app.sh\"]\n"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dockerfile {
    lines: Vec<String>,
}

impl Dockerfile {
    /// Starts with `FROM image`.
    pub fn from(image: &str) -> Self {
        Dockerfile::default().line(format!("FROM {image}"))
    }

    /// Starts a named stage: `FROM image AS name`.
    pub fn from_as(image: &str, name: &str) -> Self {
        Dockerfile::default().line(format!("FROM {image} AS {name}"))
    }

    /// Any instruction, as written.
    pub fn line(mut self, line: impl Into<String>) -> Self {
        self.lines.push(line.into());
        self
    }

    /// Another stage in the same Dockerfile.
    pub fn then_from(self, image: &str) -> Self {
        self.line(format!("FROM {image}"))
    }

    pub fn copy(self, sources: &[&str], dest: &str) -> Self {
        self.line(format!(
            "COPY {}",
            exec_form(sources.iter().copied().chain([dest]))
        ))
    }

    /// `COPY --from=stage …`.
    pub fn copy_from(self, stage: &str, sources: &[&str], dest: &str) -> Self {
        self.line(format!(
            "COPY --from={stage} {}",
            exec_form(sources.iter().copied().chain([dest]))
        ))
    }

    pub fn add(self, sources: &[&str], dest: &str) -> Self {
        self.line(format!(
            "ADD {}",
            exec_form(sources.iter().copied().chain([dest]))
        ))
    }

    /// `RUN` in shell form.
    pub fn run(self, command: &str) -> Self {
        self.line(format!("RUN {command}"))
    }

    pub fn env(self, key: &str, value: &str) -> Self {
        self.line(format!("ENV {key}={}", quote(value)))
    }

    pub fn arg(self, name: &str) -> Self {
        self.line(format!("ARG {name}"))
    }

    pub fn label(self, key: &str, value: &str) -> Self {
        self.line(format!("LABEL {}={}", quote(key), quote(value)))
    }

    pub fn workdir(self, dir: &str) -> Self {
        self.line(format!("WORKDIR {dir}"))
    }

    pub fn user(self, user: &str) -> Self {
        self.line(format!("USER {user}"))
    }

    /// `EXPOSE port` (TCP).
    pub fn expose(self, port: u16) -> Self {
        self.line(format!("EXPOSE {port}"))
    }

    pub fn volume(self, path: &str) -> Self {
        self.line(format!("VOLUME {}", exec_form([path])))
    }

    /// `ENTRYPOINT` in exec form.
    pub fn entrypoint<I, S>(self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let args: Vec<S> = args.into_iter().collect();
        self.line(format!(
            "ENTRYPOINT {}",
            exec_form(args.iter().map(AsRef::as_ref))
        ))
    }

    /// `CMD` in exec form.
    pub fn cmd<I, S>(self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let args: Vec<S> = args.into_iter().collect();
        self.line(format!("CMD {}", exec_form(args.iter().map(AsRef::as_ref))))
    }
}

impl std::fmt::Display for Dockerfile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut text = String::new();
        for line in &self.lines {
            let _ = writeln!(text, "{line}");
        }
        f.write_str(&text)
    }
}

/// A JSON array of strings (the exec form).
fn exec_form<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    Value::Array(
        items
            .into_iter()
            .map(|s| Value::String(s.to_string()))
            .collect(),
    )
    .to_string()
}

/// A value quoted for ENV and LABEL when it needs it.
fn quote(value: &str) -> String {
    if !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:@".contains(c))
    {
        value.to_string()
    } else {
        Value::String(value.to_string()).to_string()
    }
}
