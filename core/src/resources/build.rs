//! Building images with the classic builder, from any [`BuildContext`] (a
//! directory tarred while it is sent, honouring `.dockerignore`; files in memory;
//! a ready tar stream). The registry credentials a build needs for its base
//! images are the pipeline's.
//!
//! ```no_run
//! # async fn demo(docker: libdocker::Docker) -> Result<(), libdocker::Error> {
//! use libdocker::{BuildContext, BuildOptions, Dockerfile};
//! let dockerfile = Dockerfile::from("busybox").run("echo built > /built").cmd(["cat", "/built"]);
//! let context = BuildContext::memory().dockerfile(&dockerfile);
//! let id = docker.images().build(context, BuildOptions::tagged("demo:1")).await?.finish().await?.image_id;
//! # Ok(()) }
//! ```

use std::collections::BTreeMap;

use serde_json::json;

use super::images::Images;
use crate::body::BuildContext;
use crate::error::Error;
use crate::stream::progress::{ProgressStream, ProgressSummary};

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
}

impl BuildOptions {
    /// Options naming the image `tag`.
    pub fn tagged(tag: impl Into<String>) -> Self {
        BuildOptions {
            tags: vec![tag.into()],
            ..Default::default()
        }
    }
}

impl Images {
    /// Starts a build; its progress stream carries the output, and ends with
    /// [`Error::BuildFailed`] (holding the failing step's output) when a step fails.
    pub async fn build(
        &self,
        context: BuildContext,
        options: BuildOptions,
    ) -> Result<ProgressStream, Error> {
        let (body, dockerfile) = context.into_body(options.dockerfile.as_deref())?;
        let params = json!({
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
        let out = self
            .docker()
            .invoke("ImageBuild", params)
            .body(body)
            .await?;
        Ok(ProgressStream::new(out.into_json_stream()?.typed()))
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
