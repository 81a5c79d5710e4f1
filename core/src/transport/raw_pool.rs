//! Idle connections read with our own HTTP/1 codec: by whole answers
//! (`whole.rs`) and bulk streams (`bulk.rs`), which hand them to each other.

use std::sync::Mutex;

use bytes::BytesMut;

use super::io::Io;

/// Most idle connections kept.
const MAX_IDLE: usize = 64;

/// Idle connections, each with its read buffer (empty: nothing is pending on
/// an idle connection, or it would not be here).
#[derive(Default)]
pub(crate) struct RawPool {
    idle: Mutex<Vec<(Io, BytesMut)>>,
}

impl RawPool {
    pub fn take(&self) -> Option<(Io, BytesMut)> {
        self.idle.lock().ok()?.pop()
    }

    /// Keeps `io` for another request; `buf` must hold nothing unread.
    pub fn put(&self, io: Io, buf: BytesMut) {
        debug_assert!(buf.is_empty());
        if let Ok(mut idle) = self.idle.lock() {
            if idle.len() < MAX_IDLE {
                idle.push((io, buf));
            }
        }
    }

    pub fn idle_count(&self) -> usize {
        self.idle.lock().map(|i| i.len()).unwrap_or(0)
    }
}
