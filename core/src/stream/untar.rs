//! Unpacking a tar archive from the daemon (`ContainerArchive`, `ImageGet`) into a
//! directory while it arrives: never held whole in memory, the socket sets the pace.

use std::path::Path;

use tokio_util::io::SyncIoBridge;

use super::bytes::ByteStream;
use crate::error::Error;

/// Unpacks an archive into `dest` while it arrives, keeping modes and symlinks;
/// entries cannot escape `dest`. Must be called inside a tokio runtime.
pub async fn unpack(archive: ByteStream, dest: &Path) -> Result<(), Error> {
    let reader = SyncIoBridge::new(archive.into_reader());
    let dest = dest.to_path_buf();
    tokio::task::spawn_blocking(move || {
        std::fs::create_dir_all(&dest)
            .map_err(|e| Error::io(format!("cannot create {}", dest.display()), e))?;
        let mut archive = tar::Archive::new(reader);
        archive.set_preserve_permissions(true);
        archive.set_preserve_mtime(true);
        archive.set_overwrite(true);
        archive
            .unpack(&dest)
            .map_err(|e| Error::io(format!("unpacking into {}", dest.display()), e))
    })
    .await
    .map_err(|e| Error::closed(format!("the unpacking task failed: {e}")))?
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::body::tar::TarSource;
    use bytes::Bytes;

    #[tokio::test]
    async fn streamed_body_and_unpack_round_trip() {
        let src = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(src.path().join("d/e")).unwrap();
        std::fs::write(src.path().join("d/big.bin"), vec![7u8; 300_000]).unwrap();
        let mut body = TarSource::new(src.path().join("d"), "d").into_body();
        // Turn the request body back into a byte stream, as if the daemon echoed it.
        let mut chunks: Vec<Result<Bytes, Error>> = Vec::new();
        while let Some(chunk) = body.next_chunk().await {
            chunks.push(chunk.map_err(|e| Error::io("body", e)));
        }
        assert!(chunks.len() > 1, "the archive arrives in pieces");
        let dest = tempfile::tempdir().unwrap();
        unpack(
            ByteStream::new(futures_util::stream::iter(chunks)),
            dest.path(),
        )
        .await
        .unwrap();
        assert_eq!(
            std::fs::read(dest.path().join("d/big.bin")).unwrap().len(),
            300_000
        );
        assert!(dest.path().join("d/e").is_dir());
    }
}
