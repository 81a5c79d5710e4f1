//! Exec and attach. `exec` runs a command to its end and gives its exit code and
//! output, writing stdin while it reads the output (any size). `exec_start` and
//! `attach` give an `Attached` process: write its stdin (and close it for EOF)
//! while `next()` reads its output, from two coroutines or tasks at once; an
//! exec's exit code follows its output (`exit_code()`).

use std::sync::Arc;

use libdocker::{AttachOptions, ExecConfig};
use tokio::sync::Mutex;

use crate::client::Docker;
use crate::error::{DockerError, Result};
use crate::runtime;
use crate::streams::{items, next_of, Items, LogChunk, Source};

/// A command to run in a container.
#[derive(Debug, Clone, Default, uniffi::Record)]
pub struct ExecSpec {
    pub cmd: Vec<String>,
    /// `KEY=value` entries.
    #[uniffi(default = [])]
    pub env: Vec<String>,
    #[uniffi(default = None)]
    pub user: Option<String>,
    #[uniffi(default = None)]
    pub working_dir: Option<String>,
    #[uniffi(default = false)]
    pub tty: bool,
}

impl ExecSpec {
    fn config(&self, stdin: bool) -> ExecConfig {
        let mut c = ExecConfig::new(self.cmd.iter().cloned());
        c.attach_stdin = stdin;
        c.tty = self.tty;
        c.env = self.env.clone();
        c.user = self.user.clone();
        c.working_dir = self.working_dir.clone();
        c
    }
}

/// What a finished exec returned and printed.
#[derive(Debug, Clone, uniffi::Record)]
pub struct ExecOutput {
    pub exit_code: i64,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

/// An attached process: its output (`next`) and its stdin (`write`,
/// `close_stdin`), usable at the same time.
#[derive(uniffi::Object)]
pub struct Attached {
    output: Source<Items<LogChunk>>,
    input: Arc<Mutex<Option<libdocker::AttachInput>>>,
    /// The exec's id, for `exit_code`; None for an attached container.
    exec: Option<(String, libdocker::Docker)>,
}

impl AsRef<Source<Items<LogChunk>>> for Attached {
    fn as_ref(&self) -> &Source<Items<LogChunk>> {
        &self.output
    }
}

impl Attached {
    fn new(attached: libdocker::Attached, exec: Option<(String, libdocker::Docker)>) -> Arc<Self> {
        Arc::new(Attached {
            output: Source::new(items(attached.output)),
            input: Arc::new(Mutex::new(Some(attached.input))),
            exec,
        })
    }
}

export_async! {
    impl Attached {
        /// The next chunk of output, or null once the process has closed it.
        pub async fn next(self: Arc<Self>) -> Result<Option<LogChunk>> {
            next_of(self).await
        }

        /// Writes to the process's stdin (waits while the process does not read).
        pub async fn write(self: Arc<Self>, data: Vec<u8>) -> Result<()> {
            runtime::run(async move {
                let closed = || DockerError::StreamClosed { reason: "stdin was closed already".into() };
                let cancelled = self.output.cancelled().cancelled();
                let mut guard = self.input.lock().await;
                let input = guard.as_mut().ok_or_else(closed)?;
                tokio::select! {
                    biased;
                    _ = cancelled => {
                        *guard = None;
                        Err(closed())
                    }
                    written = input.write(&data) => Ok(written?),
                }
            })
            .await
        }

        /// Closes stdin: the process reads EOF; its output goes on. Again: nothing.
        pub async fn close_stdin(self: Arc<Self>) -> Result<()> {
            runtime::run(async move {
                let mut guard = self.input.lock().await;
                if let Some(mut input) = guard.take() {
                    input.close().await?;
                }
                Ok(())
            })
            .await
        }

        /// An exec's exit code, once its output has ended (`next()` gave null).
        pub async fn exit_code(self: Arc<Self>) -> Result<i64> {
            let Some((id, docker)) = self.exec.clone() else {
                return Err(DockerError::invalid("an attached container has no exit code here: wait_container gives it"));
            };
            runtime::run(async move {
                let inspected = docker.execs().inspect(&id).await?;
                inspected.exit_code.ok_or_else(|| DockerError::invalid("the exec is still running: read its output to the end first"))
            })
            .await
        }

    }
}

#[uniffi::export]
impl Attached {
    /// Stops reading and writing and closes the connection (the process goes
    /// on), from any thread: a waiting `next()` gives null and a waiting
    /// `write()` fails. Swift's `Task.cancel()` does not reach them: call this.
    pub fn cancel(&self) {
        self.output.cancel();
        match self.input.try_lock() {
            Ok(mut input) => *input = None,
            Err(_) => {
                let input = self.input.clone();
                runtime::spawn(async move { *input.lock().await = None });
            }
        }
    }
}

export_async! {
    impl Docker {
        /// Runs a command in a running container to its end: exit code, stdout
        /// and stderr. `stdin`, if given, is written while the output is read,
        /// then closed.
        #[uniffi::method(default(stdin = None))]
        pub async fn exec(&self, id: String, spec: ExecSpec, stdin: Option<Vec<u8>>) -> Result<ExecOutput> {
            let config = spec.config(stdin.is_some());
            let d = self.core();
            self.call(async move {
                let session = d.execs().spawn(&id, &config).await?;
                let out = match stdin {
                    Some(data) => session.communicate(&data).await?,
                    None => session.finish().await?,
                };
                Ok(ExecOutput { exit_code: out.exit_code, stdout: out.stdout, stderr: out.stderr })
            })
            .await
        }

        /// Starts a command attached: read its output while writing its stdin
        /// (`stdin` true), then its exit code.
        #[uniffi::method(default(stdin = false))]
        pub async fn exec_start(&self, id: String, spec: ExecSpec, stdin: bool) -> Result<Arc<Attached>> {
            let config = spec.config(stdin);
            let d = self.core();
            self.call(async move {
                let exec_id = d.execs().create(&id, &config).await?;
                let session = d.execs().start(&exec_id, config.tty).await?;
                let attached = libdocker::Attached { output: session.output, input: session.input };
                Ok(Attached::new(attached, Some((exec_id, d))))
            })
            .await
        }

        /// Attaches to a container's process (`stdin`: to write to it; `logs`:
        /// its output so far first). Attach before `start_container` to miss nothing.
        #[uniffi::method(default(stdin = false, logs = false))]
        pub async fn attach(&self, id: String, stdin: bool, logs: bool) -> Result<Arc<Attached>> {
            let d = self.core();
            self.call(async move {
                let options = AttachOptions { stdin, logs, ..Default::default() };
                Ok(Attached::new(d.containers().attach(&id, options).await?, None))
            })
            .await
        }
    }
}
