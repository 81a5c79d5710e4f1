//! A call whose first poll runs on the caller's thread and which moves to the
//! runtime only once it has to wait. The request is written by the thread that
//! asked for it, and an answer that is ready at once (a cached value) comes back
//! without waking a runtime thread at all; otherwise the first wake-up (the
//! answer arriving, a timer) hands the call to the runtime, from the thread
//! that saw the wake-up. For Kotlin's direct calls (`jni_calls`), where each hand-off
//! between threads costs as much as the call.

use std::future::Future;
use std::mem;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};

use tokio::task::AbortHandle;

use crate::runtime;

type Work = Pin<Box<dyn Future<Output = ()> + Send>>;

/// A started call, to cancel.
pub(crate) struct Started(Arc<Shared>);

struct Shared(Mutex<State>);

enum State {
    /// The caller is polling it.
    FirstPoll { woken: bool, cancelled: bool },
    /// Waiting for its first wake-up.
    Parked(Work),
    /// Being handed to the runtime (outside the lock).
    Spawning { cancelled: bool },
    /// A task of the runtime.
    Spawned(AbortHandle),
    /// Finished or cancelled.
    Over,
}

/// Polls `work` once here, inside the runtime's context and with the
/// bindings' calls running in place (`runtime::in_place`); if it waits, it
/// goes on as a task of the runtime from its first wake-up. Nothing is
/// spawned or dropped while the state's lock is held, so a future whose drop
/// wakes it cannot deadlock.
pub(crate) fn start(work: impl Future<Output = ()> + Send + 'static) -> Started {
    let shared = Arc::new(Shared(Mutex::new(State::FirstPoll {
        woken: false,
        cancelled: false,
    })));
    let mut work: Work = Box::pin(work);
    let waker = Waker::from(shared.clone());
    let polled = runtime::in_place(|| work.as_mut().poll(&mut Context::from_waker(&waker)));
    let mut state = shared.lock();
    match (polled, &*state) {
        (Poll::Ready(()), _)
        | (
            _,
            State::FirstPoll {
                cancelled: true, ..
            },
        ) => {
            *state = State::Over;
            drop(state);
            drop(work);
        }
        (Poll::Pending, State::FirstPoll { woken: true, .. }) => {
            *state = State::Spawning { cancelled: false };
            drop(state);
            shared.spawn(work);
        }
        (Poll::Pending, _) => {
            *state = State::Parked(work);
            drop(state);
        }
    }
    Started(shared)
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // The state is only ever replaced whole: a poisoned lock holds a valid one.
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Hands `work` to the runtime (the state is `Spawning`); a cancel that
    /// came meanwhile aborts the task at once.
    fn spawn(&self, work: Work) {
        let task = runtime::spawn(work).abort_handle();
        let mut state = self.lock();
        if matches!(*state, State::Spawning { cancelled: true }) {
            task.abort();
            *state = State::Over;
        } else {
            *state = State::Spawned(task);
        }
    }
}

impl Wake for Shared {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        let mut state = self.lock();
        match &mut *state {
            State::FirstPoll { woken, .. } => *woken = true,
            State::Parked(_) => {
                let State::Parked(work) =
                    mem::replace(&mut *state, State::Spawning { cancelled: false })
                else {
                    unreachable!()
                };
                drop(state);
                self.spawn(work);
            }
            State::Spawning { .. } | State::Spawned(_) | State::Over => {}
        }
    }
}

impl Started {
    /// Stops the call: its future is dropped (closing its connection), here
    /// if it was waiting for a wake-up, on the runtime if it runs there. A
    /// cancel during the first poll takes effect when that poll returns.
    pub(crate) fn cancel(&self) {
        let mut state = self.0.lock();
        let dropped = match &mut *state {
            State::FirstPoll { cancelled, .. } | State::Spawning { cancelled } => {
                *cancelled = true;
                None
            }
            State::Parked(_) => Some(mem::replace(&mut *state, State::Over)),
            State::Spawned(task) => {
                task.abort();
                None
            }
            State::Over => None,
        };
        drop(state);
        drop(dropped);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;
    use std::time::Duration;

    /// Sends its name when dropped.
    struct Dropped(mpsc::Sender<&'static str>);
    impl Drop for Dropped {
        fn drop(&mut self) {
            let _ = self.0.send("dropped");
        }
    }

    fn thread_name() -> String {
        std::thread::current().name().unwrap_or("").to_string()
    }

    #[test]
    fn a_call_ready_at_once_ends_on_the_callers_thread() {
        let (tx, rx) = mpsc::channel();
        let _started = start(async move { tx.send(thread_name()).unwrap() });
        // Ended already, here: no runtime thread was needed.
        assert_eq!(rx.try_recv().unwrap(), thread_name());
    }

    #[test]
    fn a_call_that_waits_goes_on_on_the_runtime() {
        let (tx, rx) = mpsc::channel();
        let _started = start(async move {
            tokio::time::sleep(Duration::from_millis(20)).await;
            tx.send(thread_name()).unwrap()
        });
        let name = rx.recv_timeout(Duration::from_secs(5)).unwrap();
        assert!(name.starts_with("libdocker-uniffi"), "ended on {name}");
    }

    #[test]
    fn cancelling_a_waiting_call_drops_it_here() {
        let (tx, rx) = mpsc::channel();
        let guard = Dropped(tx);
        let started = start(async move {
            let _guard = guard;
            std::future::pending::<()>().await
        });
        assert!(rx.try_recv().is_err(), "dropped before its cancel");
        started.cancel();
        assert_eq!(rx.try_recv().unwrap(), "dropped");
    }

    #[test]
    fn cancelling_a_call_on_the_runtime_aborts_it() {
        let (tx, rx) = mpsc::channel();
        let guard = Dropped(tx.clone());
        let started = start(async move {
            let _guard = guard;
            tokio::time::sleep(Duration::from_millis(1)).await;
            tx.send("on the runtime").unwrap();
            std::future::pending::<()>().await
        });
        assert_eq!(
            rx.recv_timeout(Duration::from_secs(5)).unwrap(),
            "on the runtime"
        );
        started.cancel();
        assert_eq!(rx.recv_timeout(Duration::from_secs(5)).unwrap(), "dropped");
    }
}
