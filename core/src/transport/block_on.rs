//! Runs a future on the calling thread: the blocking twin of the transport's
//! async entry. The exchange's futures never wait on a runtime when their
//! connection is a blocking socket; the only thing they can wait for is a
//! connection freed under the pool's cap, which wakes this thread.

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::thread::Thread;

use super::cancel::{self, CHECK_EVERY};

struct Unpark(Thread);

impl Wake for Unpark {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.0.unpark();
    }
}

thread_local! {
    static WAKER: Waker = Waker::from(Arc::new(Unpark(std::thread::current())));
}

/// Polls `future` to completion, parking the thread while it waits. While a
/// check is installed on the thread (`cancel::interruptible`), it runs every
/// [`CHECK_EVERY`] of waiting; if it says stop, the future is dropped (its
/// connection closed) and `Err(Stopped)` returned.
pub(crate) fn block_on<F: Future>(future: F) -> Result<F::Output, Stopped> {
    let mut future = pin!(future);
    WAKER.with(|waker| {
        let mut cx = Context::from_waker(waker);
        loop {
            if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
                return Ok(out);
            }
            if cancel::checking() {
                std::thread::park_timeout(CHECK_EVERY);
                if cancel::should_stop() {
                    return Err(Stopped);
                }
            } else {
                std::thread::park();
            }
        }
    })
}

/// The caller's check said stop.
#[derive(Debug)]
pub(crate) struct Stopped;
