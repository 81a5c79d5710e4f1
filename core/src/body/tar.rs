//! Tar archives as request bodies: a local file or directory tree is archived
//! while it is sent (modes, symlinks and empty directories kept), never held whole
//! in memory: a bounded channel sets the pace. (Archives from the daemon are
//! unpacked by `stream/untar.rs`.)

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytes::{Bytes, BytesMut};
use tokio::sync::mpsc;

use super::Body;

/// Size of the pieces a streamed archive is sent in.
const PIECE: usize = 64 * 1024;
/// Pieces buffered between the archiver and the connection.
const PIECES_IN_FLIGHT: usize = 4;

/// Decides whether a path (relative to the archived root, `/`-separated) is included.
pub type PathFilter = Arc<dyn Fn(&str, bool) -> bool + Send + Sync>;

/// What to archive.
#[derive(Clone)]
pub struct TarSource {
    root: PathBuf,
    /// Name of the root inside the archive; empty puts the root's contents at the top.
    name: String,
    filter: Option<PathFilter>,
    /// Files added from memory after the tree, as `(archive path, mode, bytes)`.
    extra: Vec<(String, u32, Bytes)>,
}

impl TarSource {
    /// Archives `root` (a file or directory) under the name `name` (`""` for a
    /// directory's contents at the top level).
    pub fn new(root: impl Into<PathBuf>, name: impl Into<String>) -> Self {
        TarSource {
            root: root.into(),
            name: name.into(),
            filter: None,
            extra: Vec::new(),
        }
    }

    /// Only includes paths the filter accepts (`(relative path, is_dir)`); a rejected
    /// directory is still walked, so the filter decides for each descendant.
    pub fn filter(mut self, filter: PathFilter) -> Self {
        self.filter = Some(filter);
        self
    }

    /// Adds a file from memory (e.g. a generated Dockerfile).
    pub fn add_file(
        mut self,
        path: impl Into<String>,
        mode: u32,
        contents: impl Into<Bytes>,
    ) -> Self {
        self.extra.push((path.into(), mode, contents.into()));
        self
    }

    /// The archive as a request body, produced while it is sent. Must be called
    /// inside a tokio runtime.
    pub fn into_body(self) -> Body {
        let (tx, rx) = mpsc::channel::<io::Result<Bytes>>(PIECES_IN_FLIGHT);
        tokio::task::spawn_blocking(move || {
            let mut writer = ChannelWriter {
                tx: tx.clone(),
                buf: BytesMut::with_capacity(PIECE),
            };
            let result = self.write_to(&mut writer).and_then(|()| writer.flush());
            if let Err(e) = result {
                // The reader learns why the archive stopped (unless it is gone).
                let _ = tx.blocking_send(Err(e));
            }
        });
        Body::from_stream(tokio_stream_from(rx))
    }

    /// Writes the archive to any writer (synchronously).
    pub fn write_to<W: Write>(&self, out: W) -> io::Result<()> {
        let mut builder = tar::Builder::new(out);
        builder.follow_symlinks(false);
        let meta = std::fs::symlink_metadata(&self.root).map_err(|e| with_path(e, &self.root))?;
        if meta.is_dir() {
            if !self.name.is_empty() {
                builder
                    .append_dir(&self.name, &self.root)
                    .map_err(|e| with_path(e, &self.root))?;
            }
            self.walk(&mut builder, &self.root, "")?;
        } else {
            let name = if self.name.is_empty() {
                self.root
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default()
            } else {
                self.name.clone()
            };
            builder
                .append_path_with_name(&self.root, &name)
                .map_err(|e| with_path(e, &self.root))?;
        }
        for (path, mode, contents) in &self.extra {
            let mut header = tar::Header::new_gnu();
            header.set_size(contents.len() as u64);
            header.set_mode(*mode);
            header.set_mtime(
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_secs())
                    .unwrap_or(0),
            );
            header.set_entry_type(tar::EntryType::Regular);
            builder.append_data(&mut header, path, contents.as_ref())?;
        }
        builder.finish()
    }

    fn walk<W: Write>(
        &self,
        builder: &mut tar::Builder<W>,
        dir: &Path,
        rel: &str,
    ) -> io::Result<()> {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .map_err(|e| with_path(e, dir))?
            .collect::<Result<_, _>>()
            .map_err(|e| with_path(e, dir))?;
        // A stable order makes archives (and build caches) reproducible.
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let path = entry.path();
            let file_name = entry.file_name().to_string_lossy().into_owned();
            let rel_path = if rel.is_empty() {
                file_name
            } else {
                format!("{rel}/{file_name}")
            };
            let is_dir = entry.file_type().map_err(|e| with_path(e, &path))?.is_dir();
            let included = self.filter.as_ref().is_none_or(|f| f(&rel_path, is_dir));
            let in_archive = if self.name.is_empty() {
                rel_path.clone()
            } else {
                format!("{}/{rel_path}", self.name)
            };
            if included {
                if is_dir {
                    builder
                        .append_dir(&in_archive, &path)
                        .map_err(|e| with_path(e, &path))?;
                } else {
                    builder
                        .append_path_with_name(&path, &in_archive)
                        .map_err(|e| with_path(e, &path))?;
                }
            }
            if is_dir {
                self.walk(builder, &path, &rel_path)?;
            }
        }
        Ok(())
    }
}

fn with_path(e: io::Error, path: &Path) -> io::Error {
    io::Error::new(e.kind(), format!("{}: {e}", path.display()))
}

/// `Write` into a bounded channel, in pieces of [`PIECE`] bytes.
struct ChannelWriter {
    tx: mpsc::Sender<io::Result<Bytes>>,
    buf: BytesMut,
}

impl ChannelWriter {
    fn send(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let piece = self.buf.split().freeze();
        self.tx.blocking_send(Ok(piece)).map_err(|_| {
            io::Error::new(io::ErrorKind::BrokenPipe, "the archive's reader went away")
        })
    }
}

impl Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let n = data.len().min(PIECE - self.buf.len());
        self.buf.extend_from_slice(&data[..n]);
        if self.buf.len() >= PIECE {
            self.send()?;
            self.buf.reserve(PIECE);
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.send()
    }
}

fn tokio_stream_from(
    mut rx: mpsc::Receiver<io::Result<Bytes>>,
) -> impl futures_core::Stream<Item = io::Result<Bytes>> + Send + 'static {
    futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn archives_a_tree_with_modes_links_and_empty_dirs() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("tree");
        std::fs::create_dir_all(root.join("sub/empty")).unwrap();
        std::fs::write(root.join("sub/run.sh"), "#!/bin/sh\n").unwrap();
        std::fs::set_permissions(
            root.join("sub/run.sh"),
            std::fs::Permissions::from_mode(0o755),
        )
        .unwrap();
        std::os::unix::fs::symlink("sub/run.sh", root.join("link")).unwrap();
        let mut out = Vec::new();
        TarSource::new(&root, "tree").write_to(&mut out).unwrap();
        let mut archive = tar::Archive::new(&out[..]);
        let mut seen = Vec::new();
        for e in archive.entries().unwrap() {
            let e = e.unwrap();
            let path = e.path().unwrap().to_string_lossy().into_owned();
            let h = e.header();
            seen.push((
                path,
                h.entry_type(),
                h.mode().unwrap() & 0o777,
                e.link_name()
                    .unwrap()
                    .map(|l| l.to_string_lossy().into_owned()),
            ));
        }
        assert!(seen
            .iter()
            .any(|(p, t, _, _)| p.trim_end_matches('/') == "tree/sub/empty" && t.is_dir()));
        assert!(seen
            .iter()
            .any(|(p, _, m, _)| p == "tree/sub/run.sh" && *m == 0o755));
        assert!(seen.iter().any(|(p, t, _, l)| p == "tree/link"
            && t.is_symlink()
            && l.as_deref() == Some("sub/run.sh")));
    }

    #[test]
    fn a_filter_leaves_paths_out_but_walks_directories() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("skip")).unwrap();
        std::fs::write(dir.path().join("skip/keep.txt"), "k").unwrap();
        std::fs::write(dir.path().join("skip/drop.txt"), "d").unwrap();
        let filter: PathFilter = Arc::new(|p: &str, _| p != "skip" && p != "skip/drop.txt");
        let mut out = Vec::new();
        TarSource::new(dir.path(), "")
            .filter(filter)
            .add_file("Dockerfile", 0o644, "FROM scratch\n")
            .write_to(&mut out)
            .unwrap();
        let names: Vec<String> = tar::Archive::new(&out[..])
            .entries()
            .unwrap()
            .map(|e| e.unwrap().path().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, vec!["skip/keep.txt", "Dockerfile"]);
    }
}
