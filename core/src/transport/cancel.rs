//! Ending calls from outside them: a [`Cancel`] handle, which any thread can
//! fire, and the check a blocking caller installs for the time it waits (Python's
//! signal check). A call ends with `Error::Cancelled` at once, whatever the daemon
//! is doing, and its connection is closed, never returned to the pool.
//!
//! Async calls race their work against the handle. A blocking call waits in a
//! `recv` the handle cannot interrupt by itself: the socket is registered with
//! the handle while it waits, and firing the handle shuts it down, which returns
//! the `recv` at once. The installed check runs every [`CHECK_EVERY`] while a
//! blocking call waits.

use std::cell::RefCell;
use std::io;
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use std::future::Future;

use tokio_util::sync::CancellationToken;

/// How often a blocking call that waits runs the installed check.
pub const CHECK_EVERY: Duration = Duration::from_millis(100);

/// Cancels the calls it is given ([`crate::CallOptions::cancel`]), from any
/// thread, any number of times (only the first does anything). Cheap to clone:
/// clones fire together.
#[derive(Clone, Default)]
pub struct Cancel {
    token: CancellationToken,
    /// Sockets blocking calls wait on now, shut down when fired.
    waiting: Arc<Mutex<Vec<i32>>>,
}

impl std::fmt::Debug for Cancel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cancel")
            .field("cancelled", &self.is_cancelled())
            .finish()
    }
}

impl Cancel {
    pub fn new() -> Cancel {
        Cancel::default()
    }

    /// Fires: every call given this handle ends now with `Error::Cancelled`.
    pub fn cancel(&self) {
        let waiting = self.waiting.lock().unwrap_or_else(|p| p.into_inner());
        self.token.cancel();
        for &fd in waiting.iter() {
            // SAFETY: the socket is registered only while its call holds it
            // open (the guard unregisters before it can close), and the lock
            // is held, so `fd` is that socket.
            unsafe { libc::shutdown(fd, libc::SHUT_RDWR) };
        }
    }

    /// Whether it has fired.
    pub fn is_cancelled(&self) -> bool {
        self.token.is_cancelled()
    }

    /// Resolves once it fires (at once if it has).
    pub fn cancelled(&self) -> impl Future<Output = ()> + Send + 'static {
        self.token.clone().cancelled_owned()
    }

    /// Registers the socket `fd` a blocking call waits on, until the guard drops.
    pub(crate) fn watch(&self, fd: i32) -> Watch<'_> {
        let mut waiting = self.waiting.lock().unwrap_or_else(|p| p.into_inner());
        if self.token.is_cancelled() {
            // SAFETY: `fd` is the caller's open socket.
            unsafe { libc::shutdown(fd, libc::SHUT_RDWR) };
        }
        waiting.push(fd);
        Watch { cancel: self, fd }
    }
}

/// A socket registered with a [`Cancel`]; unregistered when dropped.
pub(crate) struct Watch<'a> {
    cancel: &'a Cancel,
    fd: i32,
}

impl Drop for Watch<'_> {
    fn drop(&mut self) {
        let mut waiting = self
            .cancel
            .waiting
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        if let Some(i) = waiting.iter().position(|&fd| fd == self.fd) {
            waiting.swap_remove(i);
        }
    }
}

thread_local! {
    /// The check installed by [`interruptible`] on this thread.
    static CHECK: RefCell<Option<Rc<dyn Fn() -> bool>>> = const { RefCell::new(None) };
}

/// Runs `work`, a blocking call on this thread, calling `check` about every
/// [`CHECK_EVERY`] while the call waits on the daemon (for an answer, for room to
/// write, or for a connection under the cap). When `check` returns true the call
/// ends with `Error::Cancelled` and its connection is closed. Python's binding
/// checks for signals so: Ctrl-C interrupts any blocking call.
pub fn interruptible<T>(check: impl Fn() -> bool + 'static, work: impl FnOnce() -> T) -> T {
    struct Restore(Option<Rc<dyn Fn() -> bool>>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let before = self.0.take();
            CHECK.with(|c| *c.borrow_mut() = before);
        }
    }
    let before = CHECK.with(|c| c.borrow_mut().replace(Rc::new(check)));
    let _restore = Restore(before);
    work()
}

/// Whether a check is installed on this thread.
pub(crate) fn checking() -> bool {
    CHECK.with(|c| c.borrow().is_some())
}

/// Runs the installed check: whether the caller wants the call to stop.
pub(crate) fn should_stop() -> bool {
    let check = CHECK.with(|c| c.borrow().clone());
    check.is_some_and(|check| check())
}

/// The I/O error that stands for a stopped or cancelled call.
pub(crate) fn stopped() -> io::Error {
    io::Error::new(io::ErrorKind::Interrupted, Stopped)
}

/// Whether `e` is [`stopped`]'s.
pub(crate) fn is_stopped(e: &io::Error) -> bool {
    e.get_ref().is_some_and(|inner| inner.is::<Stopped>())
}

#[derive(Debug)]
struct Stopped;

impl std::fmt::Display for Stopped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the call was cancelled")
    }
}

impl std::error::Error for Stopped {}
