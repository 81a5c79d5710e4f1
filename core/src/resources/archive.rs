//! Files in and out of containers: the archive operations, and `copy_to` /
//! `copy_from`, which stream tar both ways (modes, symlinks and trees kept, nothing
//! buffered whole).

use std::path::Path;

use serde_json::json;

use super::container_models::PathStat;
use super::containers::Containers;
use crate::body::tar::TarSource;
use crate::body::Body;
use crate::error::Error;
use crate::stream::untar::unpack;
use crate::stream::ByteStream;

/// How `put_archive` extracts.
#[derive(Debug, Clone, Default)]
pub struct PutArchiveOptions {
    /// Refuse to replace a directory with a non-directory (or the reverse).
    pub no_overwrite_dir_non_dir: bool,
    /// Give extracted files the container user's uid/gid (API 1.30+).
    pub copy_uid_gid: bool,
}

impl Containers {
    /// The stat of a path in the container.
    pub async fn archive_info(&self, id: &str, path: &str) -> Result<PathStat, Error> {
        self.docker()
            .invoke("ContainerArchiveInfo", json!({ "id": id, "path": path }))
            .typed()
            .await
    }

    /// A tar stream of `path` (its top entry named after the path's last component).
    pub async fn get_archive(&self, id: &str, path: &str) -> Result<ByteStream, Error> {
        self.docker()
            .invoke("ContainerArchive", json!({ "id": id, "path": path }))
            .await?
            .into_bytes()
    }

    /// Extracts a tar archive into the directory `path` of the container.
    pub async fn put_archive(
        &self,
        id: &str,
        path: &str,
        archive: Body,
        options: PutArchiveOptions,
    ) -> Result<(), Error> {
        let params = json!({
            "id": id,
            "path": path,
            "noOverwriteDirNonDir": options.no_overwrite_dir_non_dir.then_some("1"),
            "copyUIDGID": options.copy_uid_gid.then_some("1"),
        });
        self.docker()
            .invoke("PutContainerArchive", params)
            .body(archive)
            .await
            .map(drop)
    }

    /// Copies a local file or directory into the container's directory `dest_dir`.
    pub async fn copy_to(
        &self,
        id: &str,
        local: impl AsRef<Path>,
        dest_dir: &str,
    ) -> Result<(), Error> {
        let local = local.as_ref();
        let name = local
            .file_name()
            .ok_or_else(|| Error::invalid(format!("{} has no file name to copy", local.display())))?
            .to_string_lossy()
            .into_owned();
        std::fs::symlink_metadata(local)
            .map_err(|e| Error::io(format!("cannot copy {}", local.display()), e))?;
        let body = TarSource::new(local, name).into_body();
        self.put_archive(id, dest_dir, body, PutArchiveOptions::default())
            .await
    }

    /// Copies `path` from the container into the local directory `local_dir`
    /// (created if missing).
    pub async fn copy_from(
        &self,
        id: &str,
        path: &str,
        local_dir: impl AsRef<Path>,
    ) -> Result<(), Error> {
        let archive = self.get_archive(id, path).await?;
        unpack(archive, local_dir.as_ref()).await
    }
}
