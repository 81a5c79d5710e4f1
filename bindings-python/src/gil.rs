//! The one place where the GIL is released: around every blocking wait on the
//! daemon, so other Python threads run meanwhile. While it waits, the signal
//! check runs about every 100 ms (`libdocker::interruptible`): Ctrl-C stops the
//! call (its connection is closed) and raises KeyboardInterrupt. A wait that a
//! signal ends by itself (a `poll` that returns on EINTR) only needs the GIL
//! released (`released`).

use std::sync::{Arc, Mutex};

use pyo3::{PyErr, PyResult, Python};

/// Runs `work` with the GIL released; a signal handler's exception (Ctrl-C's
/// KeyboardInterrupt) raised while it waits stops it and is raised here.
pub fn unlocked<T, F>(py: Python<'_>, work: F) -> PyResult<T>
where
    F: Send + FnOnce() -> T,
    T: Send,
{
    let raised: Arc<Mutex<Option<PyErr>>> = Arc::default();
    let seen = raised.clone();
    let out = py.detach(move || {
        let check = move || {
            Python::attach(|py| match py.check_signals() {
                Ok(()) => false,
                Err(e) => {
                    *seen.lock().unwrap_or_else(|p| p.into_inner()) = Some(e);
                    true
                }
            })
        };
        libdocker::interruptible(check, work)
    });
    let raised = raised.lock().unwrap_or_else(|p| p.into_inner()).take();
    match raised {
        Some(e) => Err(e),
        None => Ok(out),
    }
}

/// Runs `work`, which a signal interrupts by itself, with the GIL released.
pub fn released<T, F>(py: Python<'_>, work: F) -> T
where
    F: Send + FnOnce() -> T,
    T: Send,
{
    py.detach(work)
}
