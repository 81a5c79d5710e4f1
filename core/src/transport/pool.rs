//! The one pool of a client's connections to its daemon: idle keep-alive
//! connections, and a cap on how many are open at once. A call past the cap waits
//! for a connection to come back or close instead of opening another.
//!
//! Blocking and async calls share it: a connection is kept in the form of the
//! call that used it last and changes form when a call of the other kind takes
//! it (a couple of system calls; programs rarely mix the two).

use std::sync::{Arc, Mutex};

use super::cancel::Cancel;
use super::connect::Dialer;
use super::connection::{Conn, Mode};
use super::slot::Gauge;
use crate::error::Error;

/// Connections one client keeps open at most, unless configured otherwise: as
/// many as aiohttp's connector (aiodocker's default). More in flight than this
/// buys no throughput from one daemon (it serves each connection on its own
/// goroutine; 64 pings in flight already saturate it), and it stays far below
/// the common limit of 1,024 open files. Every connection counts while it is
/// open: idle, answering, or carrying a stream (events, followed logs) until that
/// stream is read to the end or dropped. Hijacked connections (attach, exec)
/// leave the count once upgraded.
pub const DEFAULT_MAX_CONNECTIONS: usize = 100;

pub(crate) struct Pool {
    idle: Mutex<Vec<Conn>>,
    gauge: Arc<Gauge>,
}

impl Pool {
    pub fn new(cap: usize) -> Arc<Pool> {
        Arc::new(Pool {
            idle: Mutex::new(Vec::new()),
            gauge: Gauge::new(cap),
        })
    }

    /// A connection for a call of `mode`: an idle one, or a new one once there
    /// is room under the cap. `fresh_only`: an idle connection the daemon may
    /// have closed is dropped rather than used (the request must not be sent twice).
    pub async fn checkout(
        &self,
        dialer: &Dialer,
        mode: Mode,
        fresh_only: bool,
        cancel: Option<&Cancel>,
    ) -> Result<Conn, Error> {
        // Most calls find a connection at once: no waiter is registered for them.
        if let Some(conn) = self.take_idle(mode, fresh_only) {
            return Ok(conn);
        }
        loop {
            if let Some(slot) = self.gauge.reserve() {
                return Conn::open(dialer, mode, slot).await;
            }
            let freed = self.gauge.freed();
            tokio::pin!(freed);
            // Registered before looking again, so a connection freed meanwhile wakes us.
            freed.as_mut().enable();
            if let Some(conn) = self.take_idle(mode, fresh_only) {
                return Ok(conn);
            }
            if let Some(slot) = self.gauge.reserve() {
                return Conn::open(dialer, mode, slot).await;
            }
            match cancel {
                None => freed.await,
                Some(cancel) => tokio::select! {
                    () = freed => {}
                    () = cancel.cancelled() => return Err(Error::Cancelled {
                        what: "the wait for a connection".into(),
                    }),
                },
            }
        }
    }

    fn take_idle(&self, mode: Mode, fresh_only: bool) -> Option<Conn> {
        loop {
            let conn = self.idle.lock().ok()?.pop()?;
            // Dropped outside the lock: a closing connection signals the pool.
            if fresh_only && conn.is_stale() {
                continue;
            }
            if let Some(conn) = conn.into_mode(mode) {
                return Some(conn);
            }
        }
    }

    /// Keeps `conn` for another request; its buffer must hold nothing unread.
    pub fn put(&self, conn: Conn) {
        debug_assert!(conn.buf.is_empty());
        if let Ok(mut idle) = self.idle.lock() {
            idle.push(conn.reused());
        }
        self.gauge.signal_freed();
    }

    /// Closes every idle connection (busy ones and streams go on; the pool
    /// opens new connections for later calls).
    pub fn close_idle(&self) {
        let idle = self
            .idle
            .lock()
            .map(|mut i| std::mem::take(&mut *i))
            .unwrap_or_default();
        // Dropped outside the lock: each closing connection signals the pool.
        drop(idle);
    }

    /// Idle connections right now.
    pub fn idle_count(&self) -> usize {
        self.idle.lock().map(|i| i.len()).unwrap_or(0)
    }

    /// Open connections right now (idle, busy or streaming).
    pub fn open_count(&self) -> usize {
        self.gauge.open()
    }

    /// The cap on open connections.
    pub fn cap(&self) -> usize {
        self.gauge.cap()
    }
}
