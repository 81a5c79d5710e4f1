//! The one tokio runtime of `AsyncDocker`, and the bridge from a coroutine to
//! it: a call runs as a task on the runtime, and the coroutine waits for the
//! task, so the event loop is woken once per completed step, not per poll.

use std::future::Future;
use std::sync::OnceLock;

use pyo3::PyResult;
use tokio::runtime::Runtime;

use crate::errors::docker_error;

/// One worker thread: the daemon's answers are read there and handed to the
/// event loop; more workers would only contend for the GIL.
fn runtime() -> &'static Runtime {
    static RUNTIME: OnceLock<Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("libdocker-async")
            .enable_all()
            .build()
            .expect("cannot start the tokio runtime of libdocker (out of threads or memory?)")
    })
}

/// Runs `work` on the runtime and waits for it. Dropping the wait (a cancelled
/// task) lets `work` finish on its own, so a half-done read loses nothing.
pub async fn on_runtime<F, T>(work: F) -> PyResult<T>
where
    F: Future<Output = PyResult<T>> + Send + 'static,
    T: Send + 'static,
{
    match runtime().spawn(work).await {
        Ok(result) => result,
        Err(e) => Err(docker_error(format!("libdocker's task failed: {e}"))),
    }
}
