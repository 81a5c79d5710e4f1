//! Calls awaited in an event loop libdocker does not own, such as asyncio's.
//!
//! Polled through [`poll`], a call whose answer is read whole goes out on a
//! non-blocking socket that no runtime watches (`Mode::Driven`): a read or write
//! that would block returns `Pending` and leaves a [`Wait`] naming the socket and
//! the direction. The caller's loop watches that descriptor and polls the call
//! again once it is ready, so the daemon's answer wakes the caller's thread
//! directly, as it wakes a blocking caller, with no hand-off between threads.
//!
//! Anything else the call waits for (its time limit, a connection freed under the
//! pool's cap, a streamed answer, a TLS connection) waits in the tokio runtime
//! that the caller enters around the poll, and wakes the poll's `Waker`.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::os::fd::RawFd;
use std::pin::Pin;
use std::task::{Context, Poll};

/// What a call polled with [`poll`] waits for: a socket ready to read, or to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wait {
    pub fd: RawFd,
    pub writable: bool,
}

thread_local! {
    /// Whether this thread is inside [`poll`].
    static POLLING: Cell<bool> = const { Cell::new(false) };
    /// The waits left by the current poll.
    static WAITS: RefCell<Vec<Wait>> = const { RefCell::new(Vec::new()) };
}

/// Polls `future` once for a loop outside libdocker, with `cx`'s waker for what
/// waits in the runtime. Returns the poll and, when it is pending, the sockets the
/// loop must watch before polling again; the loop stops watching them before the
/// next poll (a socket may be closed or reused by then). Call it inside the
/// context (`tokio::runtime::Handle::enter`) of a multi-thread runtime, whose
/// own threads run the timers and sockets the call may wait on in it.
pub fn poll<F: Future + ?Sized>(
    future: Pin<&mut F>,
    cx: &mut Context<'_>,
) -> (Poll<F::Output>, Vec<Wait>) {
    let around = Around::enter(true);
    let poll = future.poll(cx);
    let waits = WAITS.with_borrow_mut(std::mem::take);
    drop(around);
    match poll {
        Poll::Ready(out) => (Poll::Ready(out), Vec::new()),
        Poll::Pending => (Poll::Pending, waits),
    }
}

/// Runs `f`, code of the caller's (a Python body's `read`) called from inside a
/// poll, as if outside it: a call `f` makes of its own is not driven by the
/// outside loop, and the waits of the poll around it are kept.
pub fn suspended<T>(f: impl FnOnce() -> T) -> T {
    let _around = Around::enter(false);
    f()
}

/// The thread's state around a [`poll`] or a [`suspended`] stretch: set fresh
/// on entering, given back on leaving (a panic included), so whatever runs
/// inside sees only its own waits and leaves the outer ones as they were.
struct Around {
    polling: bool,
    waits: Vec<Wait>,
}

impl Around {
    fn enter(polling: bool) -> Around {
        Around {
            polling: POLLING.replace(polling),
            waits: WAITS.with_borrow_mut(std::mem::take),
        }
    }
}

impl Drop for Around {
    fn drop(&mut self) {
        POLLING.set(self.polling);
        let waits = std::mem::take(&mut self.waits);
        WAITS.with_borrow_mut(|w| *w = waits);
    }
}

/// Whether the call being polled is driven by an outside loop.
pub(crate) fn active() -> bool {
    POLLING.get()
}

/// Waits until the outside loop finds `fd` ready (readable, or `writable`): the
/// first poll leaves a [`Wait`] and is pending, the next one is ready (the caller
/// then tries its read or write again; a spurious poll only costs a retry). A
/// poll outside [`poll`] (nobody would watch the socket) is an error, not a hang.
pub(crate) async fn ready(fd: RawFd, writable: bool) -> std::io::Result<()> {
    let mut waited = false;
    std::future::poll_fn(move |_| {
        if waited {
            return Poll::Ready(Ok(()));
        }
        if !active() {
            return Poll::Ready(Err(std::io::Error::other(
                "a socket watched by an outside event loop was polled outside it",
            )));
        }
        waited = true;
        WAITS.with_borrow_mut(|w| w.push(Wait { fd, writable }));
        Poll::Pending
    })
    .await
}
