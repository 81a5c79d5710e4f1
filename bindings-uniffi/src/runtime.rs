//! The one tokio runtime of the bindings. Every async method and every listener
//! task runs here (`run`, `spawn`); a call the foreign side stops awaiting (a
//! cancelled Kotlin coroutine, a dropped future) aborts its task, so its
//! connection is closed at once. In a JVM the runtime's threads attach to it when
//! they start (`jvm`), so listener callbacks cost no attach each.

use std::future::Future;
use std::sync::OnceLock;

use tokio::runtime::Runtime;
use tokio::task::JoinHandle;

use crate::error::{DockerError, Result};

fn runtime() -> &'static Runtime {
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

/// Runs `work` on the runtime and waits for it; dropping the wait aborts it.
pub async fn run<F, T>(work: F) -> Result<T>
where
    F: Future<Output = Result<T>> + Send + 'static,
    T: Send + 'static,
{
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
