//! Images: pull and push with progress (a stream or a listener), builds from a
//! directory (its `.dockerignore` honoured, the context streamed), tag, remove,
//! inspect, list. Pulls, pushes and builds use `login`'s credentials, then the
//! docker CLI's.

use std::collections::HashMap;
use std::sync::Arc;

use libdocker::{BuildContext, BuildOptions, ProgressStream as CoreProgress};
use serde_json::json;

use crate::client::Docker;
use crate::error::Result;
use crate::streams::{listen, ProgressListener, ProgressStream};
use crate::task_handle::TaskHandle;

/// A build of a local directory.
#[derive(Debug, Clone, Default, uniffi::Record)]
pub struct BuildSpec {
    /// The context directory; its `.dockerignore` applies.
    pub context_dir: String,
    /// The Dockerfile: a path in the context (`Dockerfile` by default) or a file outside it.
    #[uniffi(default = None)]
    pub dockerfile: Option<String>,
    /// Names for the image, `repo:tag`.
    #[uniffi(default = [])]
    pub tags: Vec<String>,
    #[uniffi(default)]
    pub build_args: HashMap<String, String>,
    #[uniffi(default)]
    pub labels: HashMap<String, String>,
    #[uniffi(default = None)]
    pub target: Option<String>,
    #[uniffi(default = false)]
    pub no_cache: bool,
    #[uniffi(default = false)]
    pub pull: bool,
}

/// An image as `list_images` sees it.
#[derive(Debug, Clone, uniffi::Record)]
pub struct ImageListing {
    pub id: String,
    pub tags: Vec<String>,
    pub size: i64,
    #[uniffi(default)]
    pub labels: HashMap<String, String>,
}

async fn open_pull(
    d: libdocker::Docker,
    reference: String,
) -> std::result::Result<CoreProgress, libdocker::Error> {
    d.images().pull(&reference, Default::default()).await
}

async fn open_push(
    d: libdocker::Docker,
    reference: String,
) -> std::result::Result<CoreProgress, libdocker::Error> {
    d.images().push(&reference, Default::default()).await
}

async fn open_build(
    d: libdocker::Docker,
    spec: BuildSpec,
) -> std::result::Result<CoreProgress, libdocker::Error> {
    let options = BuildOptions {
        tags: spec.tags,
        dockerfile: spec.dockerfile,
        build_args: spec.build_args.into_iter().collect(),
        labels: spec.labels.into_iter().collect(),
        target: spec.target,
        no_cache: spec.no_cache,
        pull: spec.pull,
        ..Default::default()
    };
    d.images()
        .build(BuildContext::dir(spec.context_dir), options)
        .await
}

export_async! {
    impl Docker {
        /// Pulls `reference` (`name`, `name:tag`, `name@digest`); its progress.
        /// A failure inside it (a refused login, a missing image) is thrown by
        /// the stream's `next()`.
        pub async fn pull(&self, reference: String) -> Result<Arc<ProgressStream>> {
            let d = self.core();
            self.call(async move { Ok(ProgressStream::new(open_pull(d, reference).await?)) }).await
        }

        /// Pushes `reference` to its registry; its progress.
        pub async fn push(&self, reference: String) -> Result<Arc<ProgressStream>> {
            let d = self.core();
            self.call(async move { Ok(ProgressStream::new(open_push(d, reference).await?)) }).await
        }

        /// Builds an image from a directory; its output. A failing step is
        /// `BuildFailed`, thrown by `next()`; the last messages name the image.
        pub async fn build(&self, spec: BuildSpec) -> Result<Arc<ProgressStream>> {
            let d = self.core();
            self.call(async move { Ok(ProgressStream::new(open_build(d, spec).await?)) }).await
        }

        /// Names an image `repo:tag`.
        pub async fn tag_image(&self, image: String, repo: String, tag: String) -> Result<()> {
            let d = self.core();
            self.call(async move { Ok(d.images().tag(&image, &repo, Some(&tag)).await?) }).await
        }

        #[uniffi::method(default(force = false))]
        pub async fn remove_image(&self, image: String, force: bool) -> Result<()> {
            let d = self.core();
            self.call(async move {
                d.images().remove(&image, force, false).await?;
                Ok(())
            })
            .await
        }

        /// `ImageInspect` as JSON text.
        pub async fn inspect_image(&self, image: String) -> Result<String> {
            self.invoke("ImageInspect".into(), json!({ "name": image }).to_string()).await
        }

        pub async fn list_images(&self) -> Result<Vec<ImageListing>> {
            let d = self.core();
            self.call(async move {
                let listed = d.images().list(Default::default()).await?;
                Ok(listed
                    .into_iter()
                    .map(|i| ImageListing {
                        id: i.id,
                        tags: i.repo_tags.into_iter().filter(|t| t != "<none>:<none>").collect(),
                        size: i.size,
                        labels: i.labels,
                    })
                    .collect())
            })
            .await
        }
    }
}

/// The progress stream `open` gives, heard by `listener`.
fn progress_to<F, S>(open: F, listener: Arc<dyn ProgressListener>) -> Arc<TaskHandle>
where
    F: std::future::Future<Output = std::result::Result<S, libdocker::Error>> + Send + 'static,
    S: futures_util::Stream<Item = std::result::Result<libdocker::Progress, libdocker::Error>>
        + Send
        + 'static,
{
    let end = listener.clone();
    listen(open, move |e| listener.on_event(e), move |e| end.on_end(e))
}

#[uniffi::export]
impl Docker {
    /// A pull heard by `listener` (return true from `on_event` to stop).
    pub fn pull_to(
        &self,
        reference: String,
        listener: Arc<dyn ProgressListener>,
    ) -> Arc<TaskHandle> {
        progress_to(open_pull(self.core(), reference), listener)
    }

    /// A push heard by `listener`.
    pub fn push_to(
        &self,
        reference: String,
        listener: Arc<dyn ProgressListener>,
    ) -> Arc<TaskHandle> {
        progress_to(open_push(self.core(), reference), listener)
    }

    /// A build heard by `listener`.
    pub fn build_to(
        &self,
        spec: BuildSpec,
        listener: Arc<dyn ProgressListener>,
    ) -> Arc<TaskHandle> {
        progress_to(open_build(self.core(), spec), listener)
    }
}
