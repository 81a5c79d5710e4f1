//! Exec: processes run inside a running container (the 4 Exec operations), attached
//! over a hijacked connection, with the exit code available once output ends.
//!
//! ```no_run
//! # async fn demo(docker: libdocker::Docker) -> Result<(), libdocker::Error> {
//! let out = docker.execs().run("web", ["sh", "-c", "echo hi; exit 7"]).await?;
//! assert_eq!(out.exit_code, 7);
//! # Ok(()) }
//! ```

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::client::Docker;
use crate::error::Error;
use crate::stream::{AttachInput, Attached, LogStream};

/// The exec processes of one daemon.
#[derive(Debug, Clone)]
pub struct Execs {
    docker: Docker,
}

impl Docker {
    /// Exec operations.
    pub fn execs(&self) -> Execs {
        Execs {
            docker: self.clone(),
        }
    }
}

/// What to run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExecConfig {
    pub cmd: Vec<String>,
    /// `KEY=value` entries.
    pub env: Vec<String>,
    pub user: Option<String>,
    pub working_dir: Option<String>,
    pub tty: bool,
    pub privileged: bool,
    pub attach_stdin: bool,
    pub attach_stdout: bool,
    pub attach_stderr: bool,
    pub detach_keys: Option<String>,
}

impl ExecConfig {
    /// `cmd` with stdout and stderr attached.
    pub fn new<I, S>(cmd: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        ExecConfig {
            cmd: cmd.into_iter().map(Into::into).collect(),
            attach_stdout: true,
            attach_stderr: true,
            ..Default::default()
        }
    }

    /// Also attaches stdin.
    pub fn with_stdin(mut self) -> Self {
        self.attach_stdin = true;
        self
    }

    /// Allocates a TTY.
    pub fn with_tty(mut self) -> Self {
        self.tty = true;
        self
    }

    fn to_json(&self) -> Value {
        let mut body = json!({
            "Cmd": self.cmd,
            "Tty": self.tty,
            "Privileged": self.privileged,
            "AttachStdin": self.attach_stdin,
            "AttachStdout": self.attach_stdout,
            "AttachStderr": self.attach_stderr,
        });
        if !self.env.is_empty() {
            body["Env"] = json!(self.env);
        }
        if let Some(u) = &self.user {
            body["User"] = json!(u);
        }
        if let Some(w) = &self.working_dir {
            body["WorkingDir"] = json!(w);
        }
        if let Some(k) = &self.detach_keys {
            body["DetachKeys"] = json!(k);
        }
        body
    }
}

/// `ExecInspect`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ExecInspect {
    #[serde(rename = "ID", default)]
    pub id: String,
    #[serde(default)]
    pub running: bool,
    /// `None` until the process has exited.
    #[serde(default)]
    pub exit_code: Option<i64>,
    #[serde(rename = "ContainerID", default)]
    pub container_id: String,
    #[serde(default)]
    pub pid: i64,
    #[serde(default)]
    pub process_config: Value,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Output of a finished exec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecOutput {
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub exit_code: i64,
}

/// A started, attached exec: its output, its stdin, and its exit code after the end.
pub struct ExecSession {
    pub id: String,
    pub output: LogStream,
    pub input: AttachInput,
    docker: Docker,
}

impl std::fmt::Debug for ExecSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExecSession").field("id", &self.id).finish()
    }
}

impl ExecSession {
    /// The exit code, once the process has exited (call after the output ended).
    pub async fn exit_code(&self) -> Result<i64, Error> {
        exit_code(&self.docker, &self.id).await
    }

    /// Reads all output and returns it with the exit code. Without a TTY, stdin is
    /// closed first, so the process reads EOF. With a TTY, closing stdin makes the
    /// daemon close the output too, so stdin is closed only after the output ends.
    pub async fn finish(mut self) -> Result<ExecOutput, Error> {
        let tty = self.output.is_tty();
        if !tty {
            let _ = self.input.close().await;
        }
        let (stdout, stderr) = self.output.collect().await?;
        if tty {
            let _ = self.input.close().await;
        }
        let exit_code = exit_code(&self.docker, &self.id).await?;
        Ok(ExecOutput {
            stdout,
            stderr,
            exit_code,
        })
    }

    /// Writes `stdin` to the process and closes it, while reading the output,
    /// then returns the output with the exit code. Both directions flow at once,
    /// with backpressure, so any amount of input goes through a process that
    /// echoes it (`cat`): written first and read after, the pipes would fill and
    /// both sides wait forever.
    pub async fn communicate(self, stdin: &[u8]) -> Result<ExecOutput, Error> {
        let ExecSession {
            id,
            output,
            mut input,
            docker,
        } = self;
        let tty = output.is_tty();
        let write = async {
            // Pieces, so that a huge input is not one write the daemon must take whole.
            for piece in stdin.chunks(256 * 1024) {
                input.write(piece).await?;
            }
            if !tty {
                input.close().await?;
            }
            Ok::<_, Error>(input)
        };
        let read = output.collect();
        tokio::pin!(read, write);
        let mut written = None;
        // Both at once until the output ends; then a write still waiting is
        // dropped: the process is done with its input (`head -c 10` exited), and
        // the daemon reads no more of it.
        let read = loop {
            tokio::select! {
                read = &mut read => break read,
                w = &mut write, if written.is_none() => written = Some(w),
            }
        };
        let (stdout, stderr) = read?;
        if let (true, Some(Ok(mut input))) = (tty, written) {
            let _ = input.close().await;
        }
        let exit_code = exit_code(&docker, &id).await?;
        Ok(ExecOutput {
            stdout,
            stderr,
            exit_code,
        })
    }
}

/// Polls `ExecInspect` until the daemon records the exit: it may lag the end of
/// the output by a moment.
async fn exit_code(docker: &Docker, id: &str) -> Result<i64, Error> {
    let mut delay = Duration::from_millis(2);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let info = docker.execs().inspect(id).await?;
        if !info.running {
            if let Some(code) = info.exit_code {
                return Ok(code);
            }
        }
        if tokio::time::Instant::now() >= deadline {
            return Err(Error::Timeout {
                during: format!(
                    "waiting for exec {id} to report its exit code (is it still running?)"
                ),
                after: Duration::from_secs(30),
            });
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(Duration::from_millis(100));
    }
}

impl Execs {
    /// Creates an exec in a running container; returns its id.
    pub async fn create(&self, container: &str, config: &ExecConfig) -> Result<String, Error> {
        let v = self
            .docker
            .invoke(
                "ContainerExec",
                json!({ "id": container, "execConfig": config.to_json() }),
            )
            .await?
            .into_json()?;
        v.get("Id")
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| Error::decode("the exec create answer", "it has no Id"))
    }

    /// Starts an exec attached; `tty` must match its config (it decides the framing).
    pub async fn start(&self, id: &str, tty: bool) -> Result<ExecSession, Error> {
        let attached: Attached = self
            .docker
            .invoke(
                "ExecStart",
                json!({ "id": id, "execStartConfig": { "Detach": false, "Tty": tty } }),
            )
            .await?
            .into_attached()?;
        let (output, input) = attached.split();
        Ok(ExecSession {
            id: id.to_string(),
            output,
            input,
            docker: self.docker.clone(),
        })
    }

    /// Starts an exec in the background.
    pub async fn start_detached(&self, id: &str) -> Result<(), Error> {
        self.docker
            .invoke(
                "ExecStart",
                json!({ "id": id, "execStartConfig": { "Detach": true } }),
            )
            .await
            .map(drop)
    }

    /// Resizes the exec's TTY.
    pub async fn resize(&self, id: &str, height: u32, width: u32) -> Result<(), Error> {
        self.docker
            .invoke("ExecResize", json!({ "id": id, "h": height, "w": width }))
            .await
            .map(drop)
    }

    pub async fn inspect(&self, id: &str) -> Result<ExecInspect, Error> {
        self.docker
            .invoke("ExecInspect", json!({ "id": id }))
            .typed()
            .await
    }

    /// Creates and starts an exec with `config`, attached.
    pub async fn spawn(&self, container: &str, config: &ExecConfig) -> Result<ExecSession, Error> {
        let id = self.create(container, config).await?;
        self.start(&id, config.tty).await
    }

    /// Runs `cmd` in `container` and returns its stdout, stderr and exit code.
    pub async fn run<I, S>(&self, container: &str, cmd: I) -> Result<ExecOutput, Error>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.spawn(container, &ExecConfig::new(cmd))
            .await?
            .finish()
            .await
    }
}
