//! Images: the Image operations (build is in `build.rs`) and Distribution inspect.
//! Registry credentials are the pipeline's: resolved like the docker CLI when
//! none are given.
//!
//! ```no_run
//! # async fn demo(docker: libdocker::Docker) -> Result<(), libdocker::Error> {
//! let pulled = docker.images().pull("registry.example.com/app:1.2", Default::default()).await?.finish().await?;
//! println!("digest {:?}, layers {:?}", pulled.digest, pulled.layers);
//! # Ok(()) }
//! ```

use std::path::Path;

use super::null_default::null_default;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::container_models::PruneReport;
use crate::body::Body;
use crate::client::Docker;
use crate::config::Credentials;
use crate::error::Error;
use crate::filters::Filters;
use crate::stream::progress::ProgressStream;
use crate::stream::ByteStream;

/// The images of one daemon.
#[derive(Debug, Clone)]
pub struct Images {
    docker: Docker,
}

impl Docker {
    /// Image operations.
    pub fn images(&self) -> Images {
        Images {
            docker: self.clone(),
        }
    }
}

/// One entry of `ImageList`: every field the API (up to 1.55) describes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ImageSummary {
    #[serde(rename = "Id")]
    pub id: String,
    #[serde(default)]
    pub parent_id: String,
    #[serde(default, deserialize_with = "null_default")]
    pub repo_tags: Vec<String>,
    #[serde(default, deserialize_with = "null_default")]
    pub repo_digests: Vec<String>,
    #[serde(default)]
    pub created: i64,
    #[serde(default)]
    pub size: i64,
    /// -1 unless asked for (`shared-size`).
    #[serde(default)]
    pub shared_size: i64,
    /// Before API 1.44 only.
    #[serde(default)]
    pub virtual_size: Option<i64>,
    #[serde(default, deserialize_with = "null_default")]
    pub labels: std::collections::HashMap<String, String>,
    /// Containers using it (-1 unless computed).
    #[serde(default)]
    pub containers: i64,
    /// API 1.47+, with `manifests`.
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub manifests: Value,
    /// API 1.48+.
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub descriptor: Value,
}

/// `ImageInspect` (the common fields; the rest in `extra`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ImageInspect {
    #[serde(rename = "Id")]
    pub id: String,
    #[serde(default, deserialize_with = "null_default")]
    pub repo_tags: Vec<String>,
    #[serde(default, deserialize_with = "null_default")]
    pub repo_digests: Vec<String>,
    #[serde(default)]
    pub created: String,
    #[serde(default)]
    pub architecture: String,
    #[serde(default)]
    pub os: String,
    #[serde(default)]
    pub size: i64,
    #[serde(default)]
    pub comment: String,
    #[serde(default)]
    pub author: String,
    /// The image's configuration (Cmd, Env, Labels, …), as sent.
    #[serde(default)]
    pub config: Value,
    /// The layers (`Type`, `Layers`), as sent under `RootFS`.
    #[serde(default, rename = "RootFS")]
    pub root_fs: Value,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One layer of an image's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct HistoryItem {
    #[serde(rename = "Id")]
    pub id: String,
    #[serde(default)]
    pub created: i64,
    #[serde(default)]
    pub created_by: String,
    #[serde(default, deserialize_with = "null_default")]
    pub tags: Vec<String>,
    #[serde(default)]
    pub size: i64,
    #[serde(default)]
    pub comment: String,
}

/// What removing an image did: tags removed and images deleted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RemovedImage {
    pub untagged: Vec<String>,
    pub deleted: Vec<String>,
}

/// A result of `ImageSearch`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchResult {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub star_count: i64,
    #[serde(default)]
    pub is_official: bool,
}

/// Which images `list` returns.
#[derive(Debug, Clone, Default)]
pub struct ListImagesOptions {
    /// Intermediate images too.
    pub all: bool,
    pub filters: Filters,
    /// Report repository digests.
    pub digests: bool,
}

/// How to pull.
#[derive(Debug, Clone, Default)]
pub struct PullOptions {
    /// e.g. `linux/amd64`.
    pub platform: Option<String>,
    /// Credentials; resolved from the CLI configuration when `None`.
    pub credentials: Option<Credentials>,
}

/// How to push.
#[derive(Debug, Clone, Default)]
pub struct PushOptions {
    /// Push only this tag (all tags of the repository when `None` and the name has none).
    pub tag: Option<String>,
    /// Credentials; resolved from the CLI configuration when `None`.
    pub credentials: Option<Credentials>,
}

/// How to import a root filesystem tarball.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    pub repo: Option<String>,
    pub tag: Option<String>,
    pub message: Option<String>,
    /// Dockerfile instructions applied to the image, e.g. `CMD ["sh"]` (API 1.40+).
    pub changes: Vec<String>,
    pub platform: Option<String>,
}

/// How to commit a container.
#[derive(Debug, Clone, Default)]
pub struct CommitOptions {
    pub repo: Option<String>,
    pub tag: Option<String>,
    /// The commit message.
    pub comment: Option<String>,
    pub author: Option<String>,
    /// Pause the container while committing (the daemon's default is yes).
    pub pause: Option<bool>,
    /// Dockerfile instructions to apply, e.g. `ENV A=1`.
    pub changes: Vec<String>,
    /// A container configuration for the image (as for create).
    pub config: Option<Value>,
}

impl Images {
    /// The client these methods use.
    pub fn docker(&self) -> &Docker {
        &self.docker
    }

    pub async fn list(&self, options: ListImagesOptions) -> Result<Vec<ImageSummary>, Error> {
        let params = json!({ "all": options.all, "filters": options.filters.to_json(), "digests": options.digests });
        self.docker.invoke("ImageList", params).typed().await
    }

    pub async fn inspect(&self, name: &str) -> Result<ImageInspect, Error> {
        self.docker
            .invoke("ImageInspect", json!({ "name": name }))
            .typed()
            .await
    }

    pub async fn history(&self, name: &str) -> Result<Vec<HistoryItem>, Error> {
        self.docker
            .invoke("ImageHistory", json!({ "name": name }))
            .typed()
            .await
    }

    /// Tags `name` as `repo:tag`.
    pub async fn tag(&self, name: &str, repo: &str, tag: Option<&str>) -> Result<(), Error> {
        let params = json!({ "name": name, "repo": repo, "tag": tag });
        self.docker.invoke("ImageTag", params).await.map(drop)
    }

    /// Removes an image (or one of its tags).
    pub async fn remove(
        &self,
        name: &str,
        force: bool,
        noprune: bool,
    ) -> Result<RemovedImage, Error> {
        let params = json!({ "name": name, "force": force, "noprune": noprune });
        let v = self
            .docker
            .invoke("ImageDelete", params)
            .await?
            .into_json()?;
        let mut out = RemovedImage::default();
        for item in v.as_array().into_iter().flatten() {
            if let Some(t) = item.get("Untagged").and_then(Value::as_str) {
                out.untagged.push(t.to_string());
            }
            if let Some(d) = item.get("Deleted").and_then(Value::as_str) {
                out.deleted.push(d.to_string());
            }
        }
        Ok(out)
    }

    /// Removes unused images (`dangling`, `until`, `label` filters).
    pub async fn prune(&self, filters: Filters) -> Result<PruneReport, Error> {
        let v = self
            .docker
            .invoke("ImagePrune", json!({ "filters": filters.to_json() }))
            .await?
            .into_json()?;
        Ok(PruneReport::from_json(&v, "ImagesDeleted"))
    }

    /// Searches Docker Hub (through the daemon).
    pub async fn search(&self, term: &str, limit: Option<i64>) -> Result<Vec<SearchResult>, Error> {
        let params = json!({ "term": term, "limit": limit });
        self.docker.invoke("ImageSearch", params).typed().await
    }

    /// Commits a container's changes as a new image; returns the image id.
    pub async fn commit(&self, container: &str, options: CommitOptions) -> Result<String, Error> {
        let params = json!({
            "container": container,
            "repo": options.repo,
            "tag": options.tag,
            "comment": options.comment,
            "author": options.author,
            "pause": options.pause,
            "changes": (!options.changes.is_empty()).then(|| options.changes.join("\n")),
            "containerConfig": options.config.unwrap_or_else(|| json!({})),
        });
        let v = self
            .docker
            .invoke("ImageCommit", params)
            .await?
            .into_json()?;
        v.get("Id")
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| Error::decode("the commit answer", "it has no Id"))
    }

    /// Imports a root filesystem tarball (any byte stream, sent as it is read).
    pub async fn import(
        &self,
        tarball: Body,
        options: ImportOptions,
    ) -> Result<ProgressStream, Error> {
        let params = json!({
            "fromSrc": "-",
            "repo": options.repo,
            "tag": options.tag,
            "message": options.message,
            "changes": (!options.changes.is_empty()).then_some(options.changes),
            "platform": options.platform,
        });
        let out = self
            .docker
            .invoke("ImageCreate", params)
            .body(tarball)
            .await?;
        Ok(ProgressStream::new(out.into_json_stream()?.typed()))
    }

    /// Imports a tarball from a file, streamed.
    pub async fn import_file(
        &self,
        path: impl AsRef<Path>,
        options: ImportOptions,
    ) -> Result<ProgressStream, Error> {
        self.import(Body::from_file(path).await?, options).await
    }

    /// Pulls an image (`name`, `name:tag` or `name@digest`).
    pub async fn pull(
        &self,
        reference: &str,
        options: PullOptions,
    ) -> Result<ProgressStream, Error> {
        let (name, tag) = split_reference(reference);
        let params = json!({
            "fromImage": name,
            "tag": tag,
            "platform": options.platform,
            "X-Registry-Auth": options.credentials.map(|c| c.header_value()),
        });
        let out = self.docker.invoke("ImageCreate", params).await?;
        Ok(ProgressStream::new(out.into_json_stream()?.typed()))
    }

    /// Pushes an image to its registry.
    pub async fn push(
        &self,
        reference: &str,
        options: PushOptions,
    ) -> Result<ProgressStream, Error> {
        let (name, tag) = split_reference(reference);
        let tag = options.tag.or(tag);
        let params = json!({
            "name": name,
            "tag": tag,
            "X-Registry-Auth": options.credentials.map(|c| c.header_value()),
        });
        let out = self.docker.invoke("ImagePush", params).await?;
        Ok(ProgressStream::new(out.into_json_stream()?.typed()))
    }

    /// Exports images as one tar stream (`docker save`), never held whole in memory.
    pub async fn save(&self, names: &[&str]) -> Result<ByteStream, Error> {
        let out = match names {
            [one] => {
                self.docker
                    .invoke("ImageGet", json!({ "name": one }))
                    .await?
            }
            many => {
                self.docker
                    .invoke("ImageGetAll", json!({ "names": many }))
                    .await?
            }
        };
        out.into_bytes()
    }

    /// Saves images into a file, streamed.
    pub async fn save_to_file(&self, names: &[&str], path: impl AsRef<Path>) -> Result<u64, Error> {
        let path = path.as_ref();
        let mut reader = self.save(names).await?.into_reader();
        let mut file = tokio::fs::File::create(path)
            .await
            .map_err(|e| Error::io(format!("cannot create {}", path.display()), e))?;
        let n = tokio::io::copy(&mut reader, &mut file)
            .await
            .map_err(|e| Error::io(format!("saving images into {}", path.display()), e))?;
        tokio::io::AsyncWriteExt::flush(&mut file)
            .await
            .map_err(|e| Error::io(format!("saving images into {}", path.display()), e))?;
        Ok(n)
    }

    /// Loads images from a tarball made by `save` (streamed), with progress messages.
    pub async fn load(&self, tarball: Body) -> Result<ProgressStream, Error> {
        let out = self
            .docker
            .invoke("ImageLoad", json!({ "quiet": false }))
            .body(tarball)
            .await?;
        Ok(ProgressStream::new(out.into_json_stream()?.typed()))
    }

    /// Loads images from a file, streamed.
    pub async fn load_file(&self, path: impl AsRef<Path>) -> Result<ProgressStream, Error> {
        self.load(Body::from_file(path).await?).await
    }

    /// The manifest descriptor and platforms of an image in its registry.
    pub async fn distribution_inspect(
        &self,
        reference: &str,
        credentials: Option<Credentials>,
    ) -> Result<Value, Error> {
        let params = json!({
            "name": reference,
            "X-Registry-Auth": credentials.map(|c| c.header_value()),
        });
        self.docker
            .invoke("DistributionInspect", params)
            .await?
            .into_json()
    }
}

/// `repo:tag` → (`repo`, `tag`); `repo@digest` stays whole; a registry port is not a tag.
pub(crate) fn split_reference(reference: &str) -> (&str, Option<String>) {
    if reference.contains('@') {
        return (reference, None);
    }
    match reference.rsplit_once(':') {
        Some((name, tag)) if !tag.contains('/') => (name, Some(tag.to_string())),
        _ => (reference, None),
    }
}

#[cfg(test)]
mod tests {
    use super::split_reference;

    #[test]
    fn references_split_into_name_and_tag() {
        assert_eq!(split_reference("busybox"), ("busybox", None));
        assert_eq!(
            split_reference("busybox:1.36"),
            ("busybox", Some("1.36".into()))
        );
        assert_eq!(
            split_reference("localhost:5000/a/b"),
            ("localhost:5000/a/b", None)
        );
        assert_eq!(
            split_reference("localhost:5000/a/b:t"),
            ("localhost:5000/a/b", Some("t".into()))
        );
        assert_eq!(split_reference("a@sha256:00"), ("a@sha256:00", None));
    }
}
