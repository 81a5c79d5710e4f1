//! `run`: create, attach, start, collect stdout and stderr apart, wait, remove — what
//! `docker run` does, as one call.
//!
//! ```no_run
//! # async fn demo(docker: libdocker::Docker) -> Result<(), libdocker::Error> {
//! let out = docker.run("busybox", ["echo", "hello"], Default::default()).await?;
//! assert_eq!(out.stdout, b"hello\n");
//! # Ok(()) }
//! ```

use super::container_config::ContainerConfig;
use super::containers::{AttachOptions, RemoveOptions, WaitCondition};
use crate::client::Docker;
use crate::error::Error;

/// Settings of [`Docker::run`].
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// A base configuration (image and command are set by `run`).
    pub config: Option<ContainerConfig>,
    pub name: Option<String>,
    /// Keep the container afterwards.
    pub keep: bool,
}

/// What a finished container printed and returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunOutput {
    pub container_id: String,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub exit_code: i64,
}

impl Docker {
    /// Runs `cmd` (or, if empty, the image's CMD) in a new container of `image` and
    /// returns its output. A non-zero exit is [`Error::ContainerFailed`] with the
    /// exit code and stderr.
    pub async fn run<I, S>(
        &self,
        image: &str,
        cmd: I,
        options: RunOptions,
    ) -> Result<RunOutput, Error>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let out = self.run_unchecked(image, cmd, options).await?;
        if out.exit_code != 0 {
            return Err(Error::ContainerFailed {
                exit_code: out.exit_code,
                stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            });
        }
        Ok(out)
    }

    /// Like [`run`](Docker::run), but a non-zero exit is returned, not an error.
    pub async fn run_unchecked<I, S>(
        &self,
        image: &str,
        cmd: I,
        options: RunOptions,
    ) -> Result<RunOutput, Error>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let containers = self.containers();
        let cmd: Vec<String> = cmd.into_iter().map(Into::into).collect();
        let mut config = options
            .config
            .unwrap_or_else(|| ContainerConfig::new(image))
            .set("/Image", image);
        // No command given: the image's CMD applies.
        if !cmd.is_empty() {
            config = config.cmd(cmd);
        }
        let created = containers.create(&config, options.name.as_deref()).await?;
        let id = created.id;
        let result = async {
            // Attached before the start, so no output is missed.
            let attached = containers.attach(&id, AttachOptions::default()).await?;
            containers.start(&id).await?;
            let (stdout, stderr) = attached.output.collect().await?;
            let waited = containers.wait(&id, WaitCondition::NotRunning).await?;
            Ok(RunOutput {
                container_id: id.clone(),
                stdout,
                stderr,
                exit_code: waited.status_code,
            })
        }
        .await;
        if !options.keep {
            let removed = containers
                .remove(
                    &id,
                    RemoveOptions {
                        force: true,
                        volumes: true,
                        link: false,
                    },
                )
                .await;
            if result.is_ok() {
                removed?;
            }
        }
        result
    }
}
