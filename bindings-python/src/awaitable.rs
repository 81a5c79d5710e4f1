//! `Call`: a Rust future as a Python coroutine, woken without the GIL.
//!
//! pyo3's own coroutines wake the event loop from the thread that completes the
//! future, which must first take the GIL; while the loop's thread is busy that
//! wait is up to the interpreter's 5 ms switch interval, per call. Here the
//! runtime's thread only queues the finished call's asyncio future and writes to
//! an eventfd; the loop watches that fd (`add_reader`) and resolves the queued
//! futures on its own thread, where it already holds the GIL.

use std::future::Future;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};

use pyo3::exceptions::{PyOSError, PyRuntimeError, PyStopIteration};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::{intern, IntoPyObjectExt};
use sync_wrapper::SyncWrapper;

type Convert = Box<dyn FnOnce(Python<'_>) -> PyResult<Py<PyAny>> + Send>;
type BoxedFuture = Pin<Box<dyn Future<Output = PyResult<Convert>> + Send>>;

/// A Rust future awaited from asyncio: a coroutine (`send`, `throw`, `close`,
/// `__await__`), so `asyncio.run`, `gather` and `create_task` take it.
#[pyclass(module = "libdocker._native", name = "Call")]
pub struct Call {
    // Only ever reached through `&mut self`, so it need not be `Sync` itself.
    future: SyncWrapper<Option<BoxedFuture>>,
}

impl Call {
    /// Wraps `future`; its result is converted to Python on the loop's thread.
    pub fn new<F, T>(future: F) -> Call
    where
        F: Future<Output = PyResult<T>> + Send + 'static,
        T: for<'py> IntoPyObject<'py> + Send + 'static,
    {
        let future = async move {
            let value = future.await?;
            Ok(Box::new(move |py: Python<'_>| value.into_py_any(py)) as Convert)
        };
        Call {
            future: SyncWrapper::new(Some(Box::pin(future))),
        }
    }

    fn step(&mut self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let Some(future) = self.future.get_mut().as_mut() else {
            return Err(PyRuntimeError::new_err("this call was already awaited"));
        };
        let event_loop = running_loop(py)?;
        let waiter = event_loop.call_method0(intern!(py, "create_future"))?;
        let waker = Waker::from(Arc::new(LoopWaker {
            notifier: notifier(&event_loop)?,
            waiter: Mutex::new(Some(waiter.clone().unbind())),
        }));
        match future.as_mut().poll(&mut Context::from_waker(&waker)) {
            Poll::Ready(result) => {
                *self.future.get_mut() = None;
                let value = result?(py)?;
                Err(PyStopIteration::new_err((value,)))
            }
            Poll::Pending => {
                // What `Future.__await__` does before yielding itself to the task.
                waiter.setattr(intern!(py, "_asyncio_future_blocking"), true)?;
                Ok(waiter.unbind())
            }
        }
    }
}

#[pymethods]
impl Call {
    fn __await__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&mut self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.step(py)
    }

    /// Resumes the call (the value sent is always None from asyncio).
    fn send(&mut self, py: Python<'_>, _value: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        self.step(py)
    }

    /// Cancels the call (its future is dropped) and raises `exc` in the awaiter.
    #[pyo3(signature = (exc, _value=None, _traceback=None))]
    fn throw(
        &mut self,
        exc: &Bound<'_, PyAny>,
        _value: Option<&Bound<'_, PyAny>>,
        _traceback: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        *self.future.get_mut() = None;
        Err(if exc.is_instance_of::<pyo3::types::PyType>() {
            PyErr::from_type(exc.cast::<pyo3::types::PyType>()?.clone(), ())
        } else {
            PyErr::from_value(exc.clone())
        })
    }

    /// Drops the call without waiting for it.
    fn close(&mut self) {
        *self.future.get_mut() = None;
    }
}

fn running_loop(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    static GET_RUNNING_LOOP: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    GET_RUNNING_LOOP
        .get_or_try_init(py, || {
            Ok::<_, PyErr>(py.import("asyncio")?.getattr("get_running_loop")?.unbind())
        })?
        .bind(py)
        .call0()
}

/// The notifier of `event_loop`, made and registered with the loop on first use.
fn notifier(event_loop: &Bound<'_, PyAny>) -> PyResult<Arc<Notifier>> {
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
    let notifier = Arc::new(Notifier::new()?);
    let drain = Bound::new(py, Drain(notifier.clone()))?;
    event_loop.call_method1(intern!(py, "add_reader"), (notifier.fd.as_raw_fd(), &drain))?;
    by_loop.set_item(event_loop, &drain)?;
    Ok(notifier)
}

/// The futures finished on the runtime's thread, and the eventfd that tells the loop.
struct Notifier {
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
struct Drain(Arc<Notifier>);

#[pymethods]
impl Drain {
    fn __call__(&self, py: Python<'_>) -> PyResult<()> {
        let n = &self.0;
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
            let waiter = waiter.bind(py);
            // A cancelled task's future is done already.
            let resolved = waiter.call_method0(intern!(py, "done")).and_then(|d| {
                if d.is_truthy()? {
                    return Ok(());
                }
                waiter.call_method1(intern!(py, "set_result"), (py.None(),))?;
                Ok(())
            });
            if let Err(e) = resolved {
                failure.get_or_insert(e);
            }
        }
        failure.map_or(Ok(()), Err)
    }
}

/// Wakes one awaiting task through its loop's notifier (from any thread, no GIL).
struct LoopWaker {
    notifier: Arc<Notifier>,
    waiter: Mutex<Option<Py<PyAny>>>,
}

impl Wake for LoopWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref()
    }

    fn wake_by_ref(self: &Arc<Self>) {
        let waiter = self.waiter.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(waiter) = waiter {
            self.notifier.push(waiter);
        }
    }
}
