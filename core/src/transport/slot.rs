//! How many connections a client has open, against its cap: each open connection
//! holds a [`Slot`], which gives its place back when the connection closes. Kept
//! apart from the pool, whose idle connections hold their slots too.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::sync::futures::Notified;
use tokio::sync::Notify;

pub(crate) struct Gauge {
    /// Connections open now (idle ones included).
    open: AtomicUsize,
    cap: usize,
    /// Signalled when a connection goes idle or closes.
    freed: Notify,
}

/// One open connection's place under the cap; gives it back when dropped.
pub(crate) struct Slot {
    gauge: Arc<Gauge>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.gauge.open.fetch_sub(1, Ordering::AcqRel);
        self.gauge.freed.notify_one();
    }
}

impl Gauge {
    /// A gauge allowing `cap` connections (at least one).
    pub fn new(cap: usize) -> Arc<Gauge> {
        Arc::new(Gauge {
            open: AtomicUsize::new(0),
            cap: cap.max(1),
            freed: Notify::new(),
        })
    }

    /// A place for one more connection, if the cap allows it.
    pub fn reserve(self: &Arc<Self>) -> Option<Slot> {
        let mut open = self.open.load(Ordering::Acquire);
        loop {
            if open >= self.cap {
                return None;
            }
            match self.open.compare_exchange_weak(
                open,
                open + 1,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => {
                    return Some(Slot {
                        gauge: Arc::clone(self),
                    })
                }
                Err(now) => open = now,
            }
        }
    }

    /// Resolves once a connection goes idle or closes (after it is enabled).
    pub fn freed(&self) -> Notified<'_> {
        self.freed.notified()
    }

    /// Says that a connection went idle.
    pub fn signal_freed(&self) {
        self.freed.notify_one();
    }

    pub fn open(&self) -> usize {
        self.open.load(Ordering::Acquire)
    }

    pub fn cap(&self) -> usize {
        self.cap
    }
}
