//! A pause of a fraction of a millisecond or two between reads of a bulk stream
//! (Linux `timerfd`; tokio's own timers tick in milliseconds).
//!
//! The daemon writes logs one small frame at a time, and hands large writes to
//! the socket in pieces. Read as they come, each frame or piece costs a wake-up
//! and a read; waiting a moment after a small read lets many gather, well within
//! what the socket holds, so the daemon never waits on us while we do a fraction
//! of the wake-ups (`bulk.rs` sizes each pause).

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::task::{ready, Context, Poll};
use std::time::Duration;

use tokio::io::unix::AsyncFd;

/// A one-shot timer whose expiry is a readiness event of the runtime.
pub(crate) struct Pause {
    fd: AsyncFd<OwnedFd>,
    armed: bool,
}

impl Pause {
    /// A new timer, or `None` where timerfd is unavailable (then reads never pause).
    pub fn new() -> Option<Pause> {
        // SAFETY: plain syscall; the descriptor is owned right away.
        let raw = unsafe {
            libc::timerfd_create(
                libc::CLOCK_MONOTONIC,
                libc::TFD_NONBLOCK | libc::TFD_CLOEXEC,
            )
        };
        if raw < 0 {
            return None;
        }
        // SAFETY: `raw` is a fresh descriptor nobody else owns.
        let fd = unsafe { OwnedFd::from_raw_fd(raw) };
        // SAFETY: the AsyncFd owns the descriptor, so it stays open and the same
        // for as long as it is registered.
        let fd = unsafe { AsyncFd::register_with_interest(fd, tokio::io::Interest::READABLE) };
        fd.ok().map(|fd| Pause { fd, armed: false })
    }

    pub fn is_armed(&self) -> bool {
        self.armed
    }

    /// Starts the pause.
    pub fn arm(&mut self, length: Duration) -> io::Result<()> {
        let spec = libc::itimerspec {
            it_interval: libc::timespec {
                tv_sec: 0,
                tv_nsec: 0,
            },
            it_value: libc::timespec {
                tv_sec: length.as_secs() as libc::time_t,
                tv_nsec: length.subsec_nanos().max(1) as libc::c_long,
            },
        };
        // SAFETY: valid descriptor and a valid, initialised itimerspec.
        let rc =
            unsafe { libc::timerfd_settime(self.fd.as_raw_fd(), 0, &spec, std::ptr::null_mut()) };
        if rc < 0 {
            return Err(io::Error::last_os_error());
        }
        self.armed = true;
        Ok(())
    }

    /// Ready when the pause is over.
    pub fn poll_over(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        loop {
            let mut guard = ready!(self.fd.poll_read_ready(cx))?;
            let mut expirations = 0u64;
            // SAFETY: reads 8 bytes into a u64, as timerfd requires.
            let n = unsafe {
                libc::read(
                    self.fd.as_raw_fd(),
                    (&mut expirations as *mut u64).cast(),
                    std::mem::size_of::<u64>(),
                )
            };
            if n == 8 {
                // Consumed: the timer is not readable until armed and over again.
                guard.clear_ready();
                self.armed = false;
                return Poll::Ready(Ok(()));
            }
            let err = io::Error::last_os_error();
            if err.kind() == io::ErrorKind::WouldBlock {
                guard.clear_ready();
                continue;
            }
            return Poll::Ready(Err(err));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_pause_of_a_fraction_of_a_millisecond() {
        let mut p = Pause::new().expect("timerfd on Linux");
        let started = std::time::Instant::now();
        p.arm(Duration::from_micros(300)).unwrap();
        std::future::poll_fn(|cx| p.poll_over(cx)).await.unwrap();
        let took = started.elapsed();
        assert!(took >= Duration::from_micros(300), "{took:?}");
        assert!(!p.is_armed());
    }
}
