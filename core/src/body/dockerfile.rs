//! A Dockerfile written instruction by instruction, in the spirit of docker-map's
//! `DockerFile`.

use std::fmt::Write as _;

use serde_json::Value;

/// A Dockerfile, instruction by instruction.
///
/// ```
/// use libdocker::Dockerfile;
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
