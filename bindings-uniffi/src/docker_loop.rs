//! Calls driven by a Kotlin `DockerLoop`: a coroutine dispatcher on a thread
//! of its own which, when it has no coroutine to run, waits on its calls'
//! sockets itself (`wait`) instead of sleeping until a runtime thread hands it
//! an answer. A call answered whole is polled with `libdocker::foreign_loop`
//! on the loop's thread: its request goes out there, and once the daemon's
//! answer makes its socket readable the same thread reads it and resumes the
//! coroutine, as a blocking caller would, with no hand-off between threads.
//! Anything else a call waits for (its time limit, a streamed answer, a TLS
//! connection) waits in the runtime and wakes the loop through an eventfd,
//! as do coroutines dispatched to the loop from other threads (`wake`).
//!
//! Only the loop's thread starts calls and waits (Kotlin's `DockerLoop` makes
//! sure); any thread may cancel a call or wake the loop.

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::mem;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, Weak};
#[cfg(test)]
use std::task::Poll;
use std::task::{Context, Wake, Waker};

use libdocker::foreign_loop::{self, Wait};

use crate::runtime;

type Work = Pin<Box<dyn Future<Output = ()> + Send>>;

/// A loop's calls, owned by its Kotlin `DockerLoop`.
pub(crate) struct DockerLoop(Arc<Shared>);

/// A call started on a loop, to cancel.
pub(crate) struct DrivenCall {
    shared: Weak<Shared>,
    id: u64,
}

struct Shared {
    /// Written to wake the loop's thread from its `wait`.
    wake: OwnedFd,
    calls: Mutex<Calls>,
}

#[derive(Default)]
struct Calls {
    next_id: u64,
    table: HashMap<u64, Entry>,
    /// Calls woken by something that waits in the runtime.
    woken: Vec<u64>,
}

enum Entry {
    /// The loop's thread is polling it.
    Polling { cancelled: bool },
    /// Pending: waiting for its sockets, or for its waker.
    Waiting {
        work: Work,
        waker: Waker,
        waits: Vec<Wait>,
    },
}

/// Wakes a call that waits in the runtime: the loop polls it again.
struct CallWaker {
    shared: Weak<Shared>,
    id: u64,
}

impl DockerLoop {
    pub(crate) fn new() -> io::Result<DockerLoop> {
        // SAFETY: eventfd has no memory preconditions; a new descriptor or -1.
        let fd = unsafe { libc::eventfd(0, libc::EFD_CLOEXEC | libc::EFD_NONBLOCK) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(DockerLoop(Arc::new(Shared {
            // SAFETY: `fd` is a new descriptor, owned from here on.
            wake: unsafe { OwnedFd::from_raw_fd(fd) },
            calls: Mutex::new(Calls::default()),
        })))
    }

    /// Polls `work` for the first time, on the loop's thread; if it waits, the
    /// loop's `wait` polls it again when it can go on.
    pub(crate) fn start(&self, work: impl Future<Output = ()> + Send + 'static) -> DrivenCall {
        let id = {
            let mut calls = self.0.lock();
            calls.next_id += 1;
            let id = calls.next_id;
            calls.table.insert(id, Entry::Polling { cancelled: false });
            id
        };
        let waker = Waker::from(Arc::new(CallWaker {
            shared: Arc::downgrade(&self.0),
            id,
        }));
        self.0.poll(id, Box::pin(work), waker);
        DrivenCall {
            shared: Arc::downgrade(&self.0),
            id,
        }
    }

    /// Waits, on the loop's thread, until one of its calls' sockets is ready, a
    /// call is woken, or the loop is (`wake`), at most `timeout_ms` (-1: no
    /// limit); then polls the calls that can go on, whose answers reach Kotlin
    /// from here.
    pub(crate) fn wait(&self, timeout_ms: i32) -> io::Result<()> {
        let mut fds = vec![libc::pollfd {
            fd: self.0.wake.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        }];
        let mut owners = Vec::new();
        let woken_already = {
            let calls = self.0.lock();
            for (id, entry) in &calls.table {
                if let Entry::Waiting { waits, .. } = entry {
                    for wait in waits {
                        let events = if wait.writable {
                            libc::POLLOUT
                        } else {
                            libc::POLLIN
                        };
                        fds.push(libc::pollfd {
                            fd: wait.fd,
                            events,
                            revents: 0,
                        });
                        owners.push(*id);
                    }
                }
            }
            !calls.woken.is_empty()
        };
        let timeout = if woken_already { 0 } else { timeout_ms };
        // SAFETY: `fds` is a valid array of `fds.len()` pollfds.
        let n = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, timeout) };
        if n < 0 {
            let e = io::Error::last_os_error();
            if e.kind() != io::ErrorKind::Interrupted {
                return Err(e);
            }
        }
        if fds[0].revents != 0 {
            let mut count = [0u8; 8];
            // SAFETY: reads at most 8 bytes into `count`; the eventfd is non-blocking.
            unsafe { libc::read(self.0.wake.as_raw_fd(), count.as_mut_ptr().cast(), 8) };
        }
        // A call cancelled meanwhile is gone from the table (a cancel wakes the
        // wait, so that its socket is not watched on); a number reused since
        // costs a spurious poll at most.
        let mut ready: Vec<u64> = fds[1..]
            .iter()
            .zip(&owners)
            .filter(|(fd, _)| fd.revents != 0)
            .map(|(_, id)| *id)
            .collect();
        ready.append(&mut self.0.lock().woken);
        ready.sort_unstable();
        ready.dedup();
        for id in ready {
            let taken = {
                let mut calls = self.0.lock();
                match calls.table.get_mut(&id) {
                    Some(entry @ Entry::Waiting { .. }) => {
                        match mem::replace(entry, Entry::Polling { cancelled: false }) {
                            Entry::Waiting { work, waker, .. } => Some((work, waker)),
                            Entry::Polling { .. } => unreachable!(),
                        }
                    }
                    _ => None,
                }
            };
            if let Some((work, waker)) = taken {
                self.0.poll(id, work, waker);
            }
        }
        Ok(())
    }

    /// Wakes the loop's thread from its `wait` (any thread).
    pub(crate) fn wake(&self) {
        self.0.wake();
    }
}

impl Drop for DockerLoop {
    /// The calls still waiting are dropped (closing their connections), outside
    /// the lock, since a call's end may wake or cancel.
    fn drop(&mut self) {
        let table = mem::take(&mut self.0.lock().table);
        drop(table);
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Calls> {
        // Every update leaves the table whole: a poisoned lock holds a valid one.
        self.calls
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn wake(&self) {
        let one = 1u64.to_ne_bytes();
        // SAFETY: writes 8 bytes from `one`. A full counter (never, in practice)
        // leaves the loop woken anyway.
        unsafe { libc::write(self.wake.as_raw_fd(), one.as_ptr().cast(), 8) };
    }

    /// Polls call `id` (its entry is `Polling`) on the loop's thread, with
    /// the bindings' calls running in place; it ends, is cancelled, or waits.
    fn poll(&self, id: u64, mut work: Work, waker: Waker) {
        let (polled, waits) = runtime::in_place(|| {
            foreign_loop::poll(work.as_mut(), &mut Context::from_waker(&waker))
        });
        let mut calls = self.lock();
        let over = polled.is_ready()
            || matches!(
                calls.table.get(&id),
                Some(Entry::Polling { cancelled: true }) | None
            );
        if over {
            calls.table.remove(&id);
            drop(calls);
            drop(work);
            return;
        }
        // With no socket to watch it waits in the runtime: its waker says when.
        calls
            .table
            .insert(id, Entry::Waiting { work, waker, waits });
    }
}

impl Wake for CallWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        if let Some(shared) = self.shared.upgrade() {
            let mut calls = shared.lock();
            if !calls.woken.contains(&self.id) {
                calls.woken.push(self.id);
            }
            drop(calls);
            shared.wake();
        }
    }
}

impl DrivenCall {
    /// Stops the call: its future is dropped (closing its connection), here
    /// if it was waiting, by the loop's thread if that is polling it.
    pub(crate) fn cancel(&self) {
        let Some(shared) = self.shared.upgrade() else {
            return;
        };
        let mut calls = shared.lock();
        let dropped = match calls.table.get_mut(&self.id) {
            Some(Entry::Polling { cancelled }) => {
                *cancelled = true;
                None
            }
            Some(Entry::Waiting { .. }) => calls.table.remove(&self.id),
            None => None,
        };
        drop(calls);
        if dropped.is_some() {
            drop(dropped);
            // A wait watching its socket lets it go (the kernel holds a socket
            // that poll(2) watches until the poll returns).
            shared.wake();
        }
    }
}

#[cfg(test)]
impl DockerLoop {
    /// The sockets its waiting calls have it watch.
    fn watched(&self) -> usize {
        let calls = self.0.lock();
        calls
            .table
            .values()
            .map(|entry| match entry {
                Entry::Waiting { waits, .. } => waits.len(),
                Entry::Polling { .. } => 0,
            })
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;
    use std::thread;
    use std::time::{Duration, Instant};

    use crate::client::Docker;

    /// Sends "dropped" when dropped.
    struct Dropped(mpsc::Sender<&'static str>);
    impl Drop for Dropped {
        fn drop(&mut self) {
            let _ = self.0.send("dropped");
        }
    }

    /// Lets `docker_loop` wait until `rx` has the call's end (at most 10 s).
    fn run_until<T>(docker_loop: &DockerLoop, rx: &mpsc::Receiver<T>) -> T {
        let since = Instant::now();
        loop {
            if let Ok(end) = rx.try_recv() {
                return end;
            }
            assert!(
                since.elapsed() < Duration::from_secs(10),
                "the call never ended"
            );
            docker_loop.wait(100).unwrap();
        }
    }

    #[test]
    fn a_call_ready_at_once_ends_in_its_start() {
        let docker_loop = DockerLoop::new().unwrap();
        let (tx, rx) = mpsc::channel();
        docker_loop.start(async move { tx.send(thread::current().id()).unwrap() });
        assert_eq!(rx.try_recv().unwrap(), thread::current().id());
        assert_eq!(docker_loop.watched(), 0);
    }

    #[test]
    fn a_call_waiting_in_the_runtime_ends_in_a_wait_on_the_loops_thread() {
        let docker_loop = DockerLoop::new().unwrap();
        let (tx, rx) = mpsc::channel();
        docker_loop.start(async move {
            tokio::time::sleep(Duration::from_millis(20)).await;
            tx.send(thread::current().id()).unwrap()
        });
        assert!(rx.try_recv().is_err(), "ended before its timer");
        // Its timer's wake-up ends a wait long before the wait's own limit.
        let since = Instant::now();
        docker_loop.wait(10_000).unwrap();
        docker_loop.wait(0).unwrap();
        assert!(
            since.elapsed() < Duration::from_secs(5),
            "the timer's wake-up was missed"
        );
        assert_eq!(rx.try_recv().unwrap(), thread::current().id());
    }

    #[test]
    fn a_call_woken_during_its_poll_is_polled_again() {
        let docker_loop = DockerLoop::new().unwrap();
        let (tx, rx) = mpsc::channel();
        let mut yielded = false;
        docker_loop.start(async move {
            std::future::poll_fn(|cx| {
                if yielded {
                    return Poll::Ready(());
                }
                yielded = true;
                cx.waker().wake_by_ref();
                Poll::Pending
            })
            .await;
            tx.send("ended").unwrap()
        });
        assert!(rx.try_recv().is_err(), "ended in its first poll");
        let since = Instant::now();
        docker_loop.wait(10_000).unwrap();
        assert!(
            since.elapsed() < Duration::from_secs(5),
            "the wake-up was missed"
        );
        assert_eq!(rx.try_recv().unwrap(), "ended");
    }

    #[test]
    fn a_ping_waits_on_its_socket_and_ends_on_the_loops_thread() {
        // The test daemon (tests/run.sh exports DOCKER_HOST).
        let docker = Docker::connect().expect("the test daemon (run tests/run.sh)");
        let docker_loop = DockerLoop::new().unwrap();
        let (tx, rx) = mpsc::channel();
        let mut on_the_socket = 0;
        for round in 0..50 {
            let (d, tx) = (docker.clone(), tx.clone());
            docker_loop.start(async move {
                let answer = d.ping().await;
                tx.send((
                    answer.map_err(|e| e.to_string()).ok(),
                    thread::current().id(),
                ))
                .unwrap()
            });
            // The first dials its connection, in the runtime; the others reuse
            // it, and wait for their answers on its socket, here (unless a slow
            // first poll found the answer there already).
            let ended_at_once = match rx.try_recv() {
                Ok(end) => Some(end),
                Err(_) if round == 0 => None,
                Err(_) => {
                    assert_eq!(docker_loop.watched(), 1, "the pending ping's socket");
                    on_the_socket += 1;
                    None
                }
            };
            let end = ended_at_once.unwrap_or_else(|| run_until(&docker_loop, &rx));
            assert_eq!(end, (Some(true), thread::current().id()));
        }
        assert!(on_the_socket > 0, "no ping waited on its socket");
        // One connection, reused by each ping in turn.
        assert_eq!(docker.open_connections(), 1);
    }

    #[test]
    fn cancelling_a_waiting_call_drops_it_at_once() {
        let docker_loop = DockerLoop::new().unwrap();
        let (tx, rx) = mpsc::channel();
        let guard = Dropped(tx);
        let call = docker_loop.start(async move {
            let _guard = guard;
            std::future::pending::<()>().await
        });
        assert!(rx.try_recv().is_err(), "dropped before its cancel");
        call.cancel();
        assert_eq!(rx.try_recv().unwrap(), "dropped");
        call.cancel();
        docker_loop.wait(0).unwrap();
    }

    #[test]
    fn a_call_cancelled_while_it_is_polled_is_dropped_after_the_poll() {
        let docker_loop = DockerLoop::new().unwrap();
        let (tx, rx) = mpsc::channel();
        let guard = Dropped(tx);
        let itself = Arc::new(std::sync::OnceLock::<DrivenCall>::new());
        let mine = itself.clone();
        let call = docker_loop.start(async move {
            let _guard = guard;
            std::future::poll_fn(|cx| {
                // Its second poll cancels it, then waits again.
                if let Some(call) = mine.get() {
                    call.cancel();
                } else {
                    cx.waker().wake_by_ref();
                }
                Poll::<()>::Pending
            })
            .await
        });
        let _ = itself.set(call);
        docker_loop.wait(10_000).unwrap();
        assert_eq!(rx.try_recv().unwrap(), "dropped");
        assert_eq!(docker_loop.watched(), 0);
    }

    #[test]
    fn a_cancel_from_another_thread_drops_the_call_and_ends_a_wait() {
        let docker_loop = DockerLoop::new().unwrap();
        let (tx, rx) = mpsc::channel();
        let guard = Dropped(tx);
        let waiting = docker_loop.start(async move {
            let _guard = guard;
            std::future::pending::<()>().await
        });
        let canceller = thread::spawn(move || {
            thread::sleep(Duration::from_millis(50));
            waiting.cancel();
        });
        // The wait lets go of what the call watched at once.
        let since = Instant::now();
        docker_loop.wait(10_000).unwrap();
        assert!(
            since.elapsed() < Duration::from_secs(5),
            "the cancel did not end the wait"
        );
        canceller.join().unwrap();
        assert_eq!(rx.try_recv().unwrap(), "dropped");
    }

    #[test]
    fn dropping_the_loop_drops_its_waiting_calls() {
        let docker_loop = DockerLoop::new().unwrap();
        let (tx, rx) = mpsc::channel();
        let guard = Dropped(tx);
        let call = docker_loop.start(async move {
            let _guard = guard;
            std::future::pending::<()>().await
        });
        drop(docker_loop);
        assert_eq!(rx.try_recv().unwrap(), "dropped");
        // A cancel after the loop is gone does nothing.
        call.cancel();
    }

    #[test]
    fn a_wake_from_another_thread_ends_a_wait() {
        let docker_loop = Arc::new(DockerLoop::new().unwrap());
        let waker = {
            let docker_loop = docker_loop.clone();
            thread::spawn(move || {
                thread::sleep(Duration::from_millis(50));
                docker_loop.wake();
            })
        };
        let since = Instant::now();
        docker_loop.wait(10_000).unwrap();
        assert!(
            since.elapsed() < Duration::from_secs(5),
            "the wake-up was missed"
        );
        waker.join().unwrap();
    }
}
