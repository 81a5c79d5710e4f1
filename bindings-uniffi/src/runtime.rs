//! The one tokio runtime of the bindings. Every async method and every listener
//! task runs here (`run`, `spawn`); a call the foreign side stops awaiting (a
//! cancelled Kotlin coroutine, a dropped future) aborts its task, so its
//! connection is closed at once. A call whose first poll runs in place
//! (`first_poll`, Kotlin's direct calls) awaits its work where it is instead.
//! In a JVM the runtime's threads attach to it when they start (`jvm`), so
//! listener callbacks cost no attach each.

use std::cell::Cell;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::OnceLock;

use futures_util::FutureExt as _;

use tokio::runtime::Runtime;
use tokio::task::JoinHandle;

use crate::error::{DockerError, Result};

pub(crate) fn runtime() -> &'static Runtime {
    static RUNTIME: OnceLock<Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        let attach = std::env::var("LIBDOCKER_JVM_ATTACH").map_or(true, |v| v != "0");
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("libdocker-uniffi")
            .enable_all()
            .on_thread_start(move || {
                if attach {
                    crate::jvm::attach_current_thread();
                }
            })
            .build()
            .expect("cannot start the tokio runtime of libdocker (out of threads or memory?)")
    })
}

thread_local! {
    /// Whether `run` awaits work in place: set while a call is polled in
    /// place (`in_place`).
    static IN_PLACE: Cell<bool> = const { Cell::new(false) };
}

/// Calls `poll` with `run` running work in place, inside the runtime's context.
pub(crate) fn in_place<R>(poll: impl FnOnce() -> R) -> R {
    let _context = runtime().enter();
    with_in_place(true, poll)
}

/// Calls `f` as code outside any poll in place (a call into the JVM made from
/// inside one): a call it makes runs on the runtime as usual.
pub(crate) fn out_of_place<R>(f: impl FnOnce() -> R) -> R {
    with_in_place(false, f)
}

fn with_in_place<R>(value: bool, f: impl FnOnce() -> R) -> R {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            IN_PLACE.set(self.0);
        }
    }
    let _restore = Restore(IN_PLACE.replace(value));
    f()
}

/// Runs `work` on the runtime and waits for it; dropping the wait aborts it.
/// Inside `in_place` it is awaited where it is polled, and a panic is still a
/// `Panic` error.
pub async fn run<F, T>(work: F) -> Result<T>
where
    F: Future<Output = Result<T>> + Send + 'static,
    T: Send + 'static,
{
    if IN_PLACE.get() {
        return AssertUnwindSafe(work)
            .catch_unwind()
            .await
            .unwrap_or_else(|panic| Err(DockerError::panic(panic)));
    }
    let mut task = AbortOnDrop(runtime().spawn(work));
    match (&mut task.0).await {
        Ok(result) => result,
        Err(e) if e.is_panic() => Err(DockerError::panic(e.into_panic())),
        Err(e) => Err(DockerError::Cancelled {
            reason: format!("libdocker's task ended early: {e}"),
        }),
    }
}

/// Starts `work` on the runtime (for listeners; see `TaskHandle`).
pub fn spawn<F>(work: F) -> JoinHandle<()>
where
    F: Future<Output = ()> + Send + 'static,
{
    runtime().spawn(work)
}

/// A task that is aborted when its waiter goes away.
struct AbortOnDrop<T>(JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt as _;

    #[test]
    fn a_panic_is_a_panic_error_and_the_runtime_goes_on() {
        let failed = runtime().block_on(run(async { panic!("boom") as Result<()> }));
        assert!(
            matches!(&failed, Err(DockerError::Panic { reason }) if reason.contains("boom")),
            "{failed:?}"
        );
        assert_eq!(runtime().block_on(run(async { Ok(7) })).unwrap(), 7);
    }

    #[test]
    fn work_run_in_place_is_awaited_there_and_a_panic_is_a_panic_error() {
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        let here = std::thread::current().id();
        let mut ran = std::pin::pin!(run(async { Ok(std::thread::current().id()) }));
        let ran_on = in_place(|| ran.as_mut().poll(&mut cx));
        assert!(matches!(ran_on, std::task::Poll::Ready(Ok(id)) if id == here));
        let mut failed = std::pin::pin!(run(async { panic!("in place") as Result<()> }));
        match in_place(|| failed.as_mut().poll(&mut cx)) {
            std::task::Poll::Ready(Err(DockerError::Panic { reason })) => {
                assert!(reason.contains("in place"), "{reason}")
            }
            other => panic!("not a Panic error: {other:?}"),
        }
    }

    #[test]
    fn a_listener_whose_stream_panics_hears_on_end() {
        let (tx, rx) = std::sync::mpsc::channel();
        let items = futures_util::stream::iter([Ok::<u8, libdocker::Error>(1)])
            .map(|_| -> std::result::Result<u8, libdocker::Error> { panic!("in the stream") });
        let _handle = crate::streams::listen::<_, _, u8, u8>(
            async move { Ok(items) },
            |_| Ok(false),
            move |end| tx.send(end).unwrap(),
        );
        let end = rx.recv_timeout(std::time::Duration::from_secs(5)).unwrap();
        assert!(
            matches!(&end, Some(DockerError::Panic { reason }) if reason.contains("in the stream")),
            "{end:?}"
        );
    }
}
