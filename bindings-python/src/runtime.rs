//! The one tokio runtime of `AsyncDocker`, and the bridge from a coroutine to
//! it. Calls answered whole are polled on the event loop's thread with the
//! runtime entered (its thread runs their timers); streams, attached processes
//! and copies run as tasks on the runtime, and the coroutine waits for the task,
//! so the event loop is woken once per completed step, not per poll.

use std::future::Future;
use std::sync::OnceLock;

use pyo3::PyResult;
use tokio::runtime::Runtime;
use tokio::task::JoinHandle;

use crate::errors::docker_error;

/// One worker thread: streams are read there and handed to the event loop in
/// batches; more workers would only contend for the GIL.
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

/// Makes the runtime current on this thread while the guard lives (for a call
/// polled on the event loop's thread, and work the core spawns, such as
/// archiving a directory while it is sent).
pub fn enter() -> tokio::runtime::EnterGuard<'static> {
    runtime().enter()
}

/// Runs `work` on the runtime and waits for it. Dropping the wait (an asyncio
/// task cancelled, a `wait_for` that timed out) aborts `work` at once: its
/// connection is closed, and nothing is left running. The streams' reads are
/// cancel-safe: what a read had taken stays with its stream.
pub async fn on_runtime<F, T>(work: F) -> PyResult<T>
where
    F: Future<Output = PyResult<T>> + Send + 'static,
    T: Send + 'static,
{
    let mut task = AbortOnDrop(runtime().spawn(work));
    match (&mut task.0).await {
        Ok(result) => result,
        Err(e) => Err(docker_error(format!("libdocker's task failed: {e}"))),
    }
}

/// A task on the runtime that is aborted when its waiter goes away.
struct AbortOnDrop<T>(JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        // Nothing happens to a task that is done.
        self.0.abort();
    }
}
