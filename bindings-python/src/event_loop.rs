//! What libdocker keeps per asyncio event loop: the eventfd through which the
//! runtime's thread wakes it, and the loop's selector when the loop is asyncio's
//! own (see `idle_wait`).
//!
//! pyo3's own coroutines wake the event loop from the thread that completes the
//! future, which must first take the GIL; while the loop's thread is busy that
//! wait is up to the interpreter's 5 ms switch interval, per call. Here the
//! runtime's thread only queues the call's asyncio future and writes to an
//! eventfd; the loop watches that fd (`add_reader`) and resolves the queued
//! futures on its own thread, where it already holds the GIL.

use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::Wake;

use pyo3::exceptions::PyOSError;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;

/// What libdocker keeps for `event_loop`, made and registered with the loop on
/// first use.
pub fn state_of(event_loop: &Bound<'_, PyAny>) -> PyResult<Arc<LoopState>> {
    static BY_LOOP: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let py = event_loop.py();
    let by_loop = BY_LOOP
        .get_or_try_init(py, || {
            Ok::<_, PyErr>(
                py.import("weakref")?
                    .getattr("WeakKeyDictionary")?
                    .call0()?
                    .unbind(),
            )
        })?
        .bind(py);
    let known = by_loop.call_method1(intern!(py, "get"), (event_loop,))?;
    if let Ok(drain) = known.cast::<Drain>() {
        return Ok(drain.get().0.clone());
    }
    let state = Arc::new(LoopState {
        notifier: Notifier::new()?,
        selector: crate::idle_wait::selector_of(event_loop),
    });
    let drain = Bound::new(py, Drain(state.clone()))?;
    event_loop.call_method1(
        intern!(py, "add_reader"),
        (state.notifier.fd.as_raw_fd(), &drain),
    )?;
    by_loop.set_item(event_loop, &drain)?;
    Ok(state)
}

/// What libdocker keeps per event loop.
pub struct LoopState {
    pub notifier: Notifier,
    /// The descriptor of the loop's selector, when the loop is asyncio's own
    /// (see `idle_wait`).
    pub selector: Option<RawFd>,
}

/// The futures finished on the runtime's thread, and the eventfd that tells the loop.
pub struct Notifier {
    fd: OwnedFd,
    done: Mutex<Vec<Py<PyAny>>>,
    signalled: AtomicBool,
}

impl Notifier {
    fn new() -> PyResult<Notifier> {
        // SAFETY: eventfd has no pointer arguments; a valid fd is owned below.
        let fd = unsafe { libc::eventfd(0, libc::EFD_CLOEXEC | libc::EFD_NONBLOCK) };
        if fd < 0 {
            return Err(PyOSError::new_err(format!(
                "libdocker cannot make an eventfd to wake the event loop: {}",
                std::io::Error::last_os_error()
            )));
        }
        // SAFETY: fd was just opened and is owned by nobody else.
        let fd = unsafe { OwnedFd::from_raw_fd(fd) };
        Ok(Notifier {
            fd,
            done: Mutex::new(Vec::new()),
            signalled: AtomicBool::new(false),
        })
    }

    /// Queues `waiter` and wakes the loop unless a wake-up is already pending.
    fn push(&self, waiter: Py<PyAny>) {
        self.done
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(waiter);
        self.signal();
    }

    /// Wakes the loop unless a wake-up is already pending (its selector, which
    /// also ends a step's wait in `idle_wait`).
    fn signal(&self) {
        if !self.signalled.swap(true, Ordering::SeqCst) {
            let one: u64 = 1;
            // SAFETY: writes 8 bytes from a live u64 to our own eventfd. It cannot
            // fail short of the counter overflowing, which one pending 1 never does.
            unsafe { libc::write(self.fd.as_raw_fd(), (&one as *const u64).cast(), 8) };
        }
    }
}

/// The loop's reader callback: resolves every queued future.
#[pyclass(module = "libdocker._native", name = "_Drain", frozen)]
struct Drain(Arc<LoopState>);

#[pymethods]
impl Drain {
    fn __call__(&self, py: Python<'_>) -> PyResult<()> {
        let n = &self.0.notifier;
        // In this order: a push after the flag is cleared writes again (a later,
        // maybe empty, drain); a push before it is in the queue taken below.
        // Clearing the flag before the read could swallow the write of a push
        // that then finds the flag set, and its waiter would wait forever.
        let mut count = 0u64;
        // SAFETY: reads 8 bytes into a live u64 from our own non-blocking eventfd.
        unsafe { libc::read(n.fd.as_raw_fd(), (&mut count as *mut u64).cast(), 8) };
        n.signalled.store(false, Ordering::SeqCst);
        let done = std::mem::take(&mut *n.done.lock().unwrap_or_else(|p| p.into_inner()));
        // Every waiter is resolved even if one fails; the first failure is raised.
        let mut failure = None;
        for waiter in done {
            if let Err(e) = resume(waiter.bind(py)) {
                failure.get_or_insert(e);
            }
        }
        failure.map_or(Ok(()), Err)
    }
}

/// Resumes the task that waits on `waiter` (an asyncio future), unless it is
/// done already: a cancelled task's is, and so is one that another wake-up
/// (the runtime's, or its socket's) resolved first.
pub fn resume(waiter: &Bound<'_, PyAny>) -> PyResult<()> {
    let py = waiter.py();
    if !waiter.call_method0(intern!(py, "done"))?.is_truthy()? {
        waiter.call_method1(intern!(py, "set_result"), (py.None(),))?;
    }
    Ok(())
}

/// Wakes one awaiting task through its loop's notifier (from any thread, no
/// GIL). The task's asyncio future is made only once a step is pending: a wake
/// that comes before it (during the poll) is remembered and resolves it at once.
pub struct LoopWaker {
    state: Arc<LoopState>,
    waiter: Mutex<Waiter>,
}

enum Waiter {
    NotYet,
    /// Woken before the future was made.
    Woken,
    Waiting(Py<PyAny>),
    /// Woken, and the future passed on.
    Done,
}

impl LoopWaker {
    pub fn new(state: Arc<LoopState>) -> LoopWaker {
        LoopWaker {
            state,
            waiter: Mutex::new(Waiter::NotYet),
        }
    }

    /// Whether a wake came before the future was made.
    pub fn woken(&self) -> bool {
        matches!(*self.lock(), Waiter::Woken)
    }

    /// Hands over the future to resolve on a wake; `false` if the wake came
    /// already (the caller resolves it).
    pub fn wait_with(&self, waiter: &Bound<'_, PyAny>) -> bool {
        let mut slot = self.lock();
        match *slot {
            Waiter::NotYet => {
                *slot = Waiter::Waiting(waiter.clone().unbind());
                true
            }
            _ => false,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Waiter> {
        self.waiter.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Wake for LoopWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref()
    }

    fn wake_by_ref(self: &Arc<Self>) {
        let mut slot = self.lock();
        match std::mem::replace(&mut *slot, Waiter::Done) {
            Waiter::NotYet => {
                *slot = Waiter::Woken;
                drop(slot);
                // The step may be waiting in `idle_wait`: end that wait.
                self.state.notifier.signal();
            }
            Waiter::Waiting(waiter) => {
                drop(slot);
                self.state.notifier.push(waiter);
            }
            other => *slot = other,
        }
    }
}
