//! Calls polled by an event loop outside libdocker (`libdocker::foreign_loop`),
//! as asyncio's is: here a small loop of the test's own, which waits on the
//! sockets a pending poll names (`poll(2)`) or on the poll's waker. Against the
//! real daemon: whole answers wait on their socket and reuse one connection,
//! whichever way the client's other calls go; a stream waits in the runtime; a
//! TLS daemon works through the waker. Against fake daemons (faults only): the
//! time limit, and a daemon that hangs up mid-answer.

use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use docker_testsupport::{env, isolated};
use futures_util::StreamExt;
use libdocker::foreign_loop::{self, Wait};
use libdocker::{Docker, Error, TlsOptions};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A runtime whose own thread drives timers and the sockets of streams, as the
/// Python binding's is.
fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap()
}

struct Flag(AtomicBool, std::thread::Thread);

impl Wake for Flag {
    fn wake(self: Arc<Self>) {
        self.0.store(true, Ordering::SeqCst);
        self.1.unpark();
    }
}

/// What the outside loop saw while driving a call.
#[derive(Debug, Default)]
struct Seen {
    /// Socket waits named by pending polls.
    waits: Vec<Wait>,
    /// Pending polls that named no socket (they wait for the waker).
    waker_waits: usize,
}

/// Drives `future` to its end as an outside loop would, on this thread.
fn drive<F: Future>(rt: &tokio::runtime::Runtime, future: F) -> (F::Output, Seen) {
    let _entered = rt.enter();
    let mut future = pin!(future);
    let flag = Arc::new(Flag(AtomicBool::new(false), std::thread::current()));
    let waker = Waker::from(flag.clone());
    let mut cx = Context::from_waker(&waker);
    let mut seen = Seen::default();
    loop {
        flag.0.store(false, Ordering::SeqCst);
        let (poll, waits) = foreign_loop::poll(future.as_mut(), &mut cx);
        if let Poll::Ready(out) = poll {
            return (out, seen);
        }
        if waits.is_empty() {
            seen.waker_waits += 1;
            while !flag.0.load(Ordering::SeqCst) {
                std::thread::park_timeout(Duration::from_millis(100));
            }
            continue;
        }
        let mut fds: Vec<libc::pollfd> = waits
            .iter()
            .map(|w| libc::pollfd {
                fd: w.fd,
                events: if w.writable {
                    libc::POLLOUT
                } else {
                    libc::POLLIN
                },
                revents: 0,
            })
            .collect();
        seen.waits.extend(waits);
        // Woken by the socket, or (the time limit's timer) by the waker.
        while !flag.0.load(Ordering::SeqCst) {
            // SAFETY: `fds` is a live array of `fds.len()` pollfd entries.
            let n = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as _, 10) };
            if n > 0 {
                break;
            }
        }
    }
}

fn main_daemon() -> Docker {
    isolated(&env("LIBDOCKER_TEST_MAIN_HOST")).build().unwrap()
}

#[test]
fn whole_answers_wait_on_their_socket_and_reuse_one_connection() {
    let rt = runtime();
    let d = main_daemon();
    let (ping, seen) = drive(&rt, d.ping());
    assert_eq!(ping.unwrap().status, "OK");
    assert!(seen.waits.iter().all(|w| w.fd >= 0 && !w.writable));

    // A daemon may answer before the first read (the thread paused after its
    // write): most calls wait on their socket, none in the runtime.
    let mut waited = 0;
    for _ in 0..20 {
        let (version, seen) = drive(&rt, d.version());
        assert!(!version.unwrap().api_version.is_empty());
        assert_eq!(
            seen.waker_waits, 0,
            "nothing waited in the runtime: {seen:?}"
        );
        waited += usize::from(!seen.waits.is_empty());
        let (list, _) = drive(
            &rt,
            d.invoke("ContainerList", serde_json::json!({"all": true}))
                .send_json_text(),
        );
        assert!(list.unwrap().unwrap().starts_with('['));
    }
    assert!(waited > 10, "{waited} of 20 calls waited on their socket");
    assert_eq!(d.open_connections(), 1);

    // The same client's calls awaited in the runtime, and blocking ones, take
    // the connection in turn; outside-loop calls take it back.
    rt.block_on(async { d.ping().await.unwrap() });
    let blocking = libdocker::blocking::Docker::from_async(d.clone());
    blocking.ping().unwrap();
    let (ping, seen) = drive(&rt, d.ping());
    ping.unwrap();
    assert_eq!(
        seen.waker_waits, 0,
        "the blocking call's socket came back: {seen:?}"
    );
    rt.block_on(async { d.ping().await.unwrap() });
    blocking.ping().unwrap();
    assert_eq!(d.open_connections(), 1);
}

#[test]
fn a_stream_and_a_tls_daemon_wait_in_the_runtime() {
    let rt = runtime();
    let d = main_daemon();
    // The version negotiated first: that is a whole answer, on a socket.
    drive(&rt, d.api_version()).0.unwrap();
    let (stream, seen) = drive(&rt, d.events(Default::default()));
    let mut events = stream.unwrap();
    assert!(
        seen.waits.is_empty(),
        "a stream's socket is the runtime's: {seen:?}"
    );
    // The stream goes on in the runtime: a container's creation shows in it.
    let created = rt.block_on(async {
        let created = d
            .invoke(
                "ContainerCreate",
                serde_json::json!({"body": {"Image": "libdocker-test/busybox:latest", "Cmd": ["true"]}}),
            )
            .send_json_text()
            .await
            .unwrap()
            .unwrap();
        let created: serde_json::Value = serde_json::from_str(&created).unwrap();
        let id = created["Id"].as_str().unwrap().to_string();
        let event = tokio::time::timeout(Duration::from_secs(10), events.next())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        d.containers()
            .remove(&id, libdocker::RemoveOptions { force: true, ..Default::default() })
            .await
            .unwrap();
        event
    });
    assert_eq!(created.action, "create");

    let c = std::path::PathBuf::from(env("LIBDOCKER_TEST_CERTS"));
    let tls = isolated(&env("LIBDOCKER_TEST_TLS_HOST"))
        .tls(
            TlsOptions::with_ca(c.join("ca.pem"))
                .client_auth(c.join("cert.pem"), c.join("key.pem")),
        )
        .build()
        .unwrap();
    let (info, seen) = drive(&rt, tls.info());
    assert!(!info.unwrap().id.is_empty());
    assert!(seen.waits.is_empty(), "TLS lives in the runtime: {seen:?}");
    assert!(seen.waker_waits > 0);
}

/// A fake daemon on TCP answering every request with `answer` (`None`: never).
async fn fake_daemon(answer: Option<&'static [u8]>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = format!("tcp://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = vec![0u8; 4096];
                while let Ok(n) = s.read(&mut buf).await {
                    if n == 0 {
                        return;
                    }
                    if let Some(answer) = answer {
                        let _ = s.write_all(answer).await;
                        return; // and hang up
                    }
                }
            });
        }
    });
    addr
}

#[test]
fn the_time_limit_holds_and_a_hang_up_is_named() {
    let rt = runtime();
    let silent = rt.block_on(fake_daemon(None));
    let d = isolated(&silent)
        .api_version("1.41".parse().unwrap())
        .request_timeout(Some(Duration::from_millis(300)))
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let (info, seen) = drive(&rt, d.info());
    match info {
        Err(Error::Timeout { during, after }) => {
            assert!(during.contains("GET /v1.41/info"), "{during}");
            assert_eq!(after, Duration::from_millis(300));
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert!(!seen.waits.is_empty());
    assert_eq!(
        d.open_connections(),
        0,
        "the timed-out connection was closed"
    );

    let cut = rt.block_on(fake_daemon(Some(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"ID\": \"ab",
    )));
    let d = isolated(&cut)
        .api_version("1.41".parse().unwrap())
        .build()
        .unwrap();
    let (info, _) = drive(&rt, d.info());
    let message = info.unwrap_err().to_string();
    assert!(message.contains("closed the connection"), "{message}");
}
