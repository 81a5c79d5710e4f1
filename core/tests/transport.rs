//! Transports against the real daemons of the test environment: unix socket, plain
//! TCP, TLS, mTLS; refusals; keep-alive reuse. Fault injection (a daemon that
//! hangs, closes idle connections, or dies mid-stream) uses small fake servers.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use docker_testsupport::{env, isolated, Recorder};
use futures_util::StreamExt;
use libdocker::{Docker, Environment, Error, TlsOptions};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn certs() -> PathBuf {
    PathBuf::from(env("LIBDOCKER_TEST_CERTS"))
}

#[tokio::test]
async fn unix_socket() {
    let d = isolated(&env("LIBDOCKER_TEST_MAIN_HOST")).build().unwrap();
    assert_eq!(d.ping().await.unwrap().status, "OK");
}

#[tokio::test]
async fn plain_tcp() {
    let d = isolated(&env("LIBDOCKER_TEST_TCP_HOST")).build().unwrap();
    assert!(!d.version().await.unwrap().version.is_empty());
}

#[tokio::test]
async fn tcp_with_tls_verifying_the_daemon_against_a_ca() {
    // Server-authenticated TLS (no client certificate) in front of the daemon.
    let d = isolated(&env("LIBDOCKER_TEST_TLS_PROXY_HOST"))
        .tls(TlsOptions::with_ca(certs().join("ca.pem")))
        .build()
        .unwrap();
    assert!(d.endpoint().to_string().starts_with("https://"));
    assert!(!d.version().await.unwrap().version.is_empty());
}

#[tokio::test]
async fn mutual_tls_with_the_tlsverify_daemon() {
    let c = certs();
    let d = isolated(&env("LIBDOCKER_TEST_TLS_HOST"))
        .tls(
            TlsOptions::with_ca(c.join("ca.pem"))
                .client_auth(c.join("cert.pem"), c.join("key.pem")),
        )
        .build()
        .unwrap();
    let info = d.info().await.unwrap();
    assert!(!info.id.is_empty());
    // The same client again: a kept-alive TLS connection serves it.
    d.ping().await.unwrap();
    assert_eq!(d.idle_connections(), 1);
}

#[tokio::test]
async fn a_daemon_signed_by_another_ca_is_refused_with_a_tls_error() {
    let c = certs();
    let d = isolated(&env("LIBDOCKER_TEST_TLS_HOST"))
        .tls(
            TlsOptions::with_ca(c.join("other/ca.pem"))
                .client_auth(c.join("cert.pem"), c.join("key.pem")),
        )
        .build()
        .unwrap();
    let err = d.ping().await.unwrap_err();
    assert!(matches!(err, Error::Tls { .. }), "{err:?}");
    assert!(err.to_string().contains("127.0.0.1:2376"), "{err}");
}

#[tokio::test]
async fn the_tlsverify_daemon_refuses_a_client_without_a_certificate() {
    let d = isolated(&env("LIBDOCKER_TEST_TLS_HOST"))
        .tls(TlsOptions::with_ca(certs().join("ca.pem")))
        .build()
        .unwrap();
    let err = d.ping().await.unwrap_err();
    assert!(matches!(err, Error::Tls { .. }), "{err:?}");
}

#[tokio::test]
async fn tls_is_never_downgraded_to_plaintext() {
    // A plaintext daemon where TLS was asked for: the handshake fails, no HTTP is sent.
    let d = isolated(&env("LIBDOCKER_TEST_TCP_HOST"))
        .tls(TlsOptions::with_ca(certs().join("ca.pem")))
        .build()
        .unwrap();
    let err = d.ping().await.unwrap_err();
    assert!(matches!(err, Error::Tls { .. }), "{err:?}");
}

#[tokio::test]
async fn a_missing_socket_is_named_with_where_the_address_came_from() {
    let d = Docker::builder()
        .environment(Environment::from_pairs([(
            "DOCKER_HOST",
            "unix:///nonexistent/docker.sock",
        )]))
        .build()
        .unwrap();
    let err = d.ping().await.unwrap_err();
    assert!(matches!(err, Error::Connect { .. }), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("/nonexistent/docker.sock"), "{text}");
    assert!(text.contains("does not exist"), "{text}");
    assert!(text.contains("DOCKER_HOST"), "{text}");
}

#[tokio::test]
async fn keep_alive_connections_are_reused() {
    let rec = Recorder::start(&env("LIBDOCKER_TEST_MAIN_HOST")).await;
    let d = isolated(&rec.address).build().unwrap();
    for _ in 0..20 {
        d.ping().await.unwrap();
        d.invoke("ContainerList", serde_json::json!({}))
            .await
            .unwrap();
    }
    assert_eq!(
        rec.connections(),
        1,
        "one connection served 40 sequential requests"
    );

    // Concurrent requests open more connections, which are then kept.
    let calls = (0..8).map(|_| {
        let d = d.clone();
        tokio::spawn(async move { d.version().await.unwrap() })
    });
    for c in calls {
        c.await.unwrap();
    }
    assert!(d.idle_connections() >= 1);
}

/// A fake daemon (fault injection): answers each connection's first request with
/// `answer`, then behaves as `after` says.
/// A client of a fake daemon, its API version pinned (a fake cannot negotiate).
fn fake_client(addr: &str, version: &str) -> Docker {
    isolated(addr)
        .api_version(version.parse().unwrap())
        .build()
        .unwrap()
}

async fn fake_daemon(
    answer: &'static [u8],
    close_after_answer: bool,
) -> (String, tokio::task::JoinHandle<usize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = format!("tcp://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let mut accepted = 0;
        while let Ok((mut s, _)) = listener.accept().await {
            accepted += 1;
            let mut buf = vec![0u8; 4096];
            let _ = s.read(&mut buf).await;
            let _ = s.write_all(answer).await;
            if close_after_answer {
                drop(s);
            } else {
                tokio::spawn(async move {
                    let mut sink = vec![0u8; 4096];
                    while let Ok(n) = s.read(&mut sink).await {
                        if n == 0 {
                            break;
                        }
                    }
                });
            }
            if accepted >= 3 {
                break;
            }
        }
        accepted
    });
    (addr, task)
}

const PONG: &[u8] = b"HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nContent-Length: 2\r\n\r\nOK";

#[tokio::test]
async fn a_connection_the_daemon_closed_is_dropped_and_the_request_goes_on_a_new_one() {
    let (addr, task) = fake_daemon(PONG, true).await;
    let d = fake_client(&addr, "1.41");
    d.ping().await.unwrap();
    // Let the close reach us, then ask again: the stale connection is noticed.
    tokio::time::sleep(Duration::from_millis(100)).await;
    d.ping().await.unwrap();
    d.ping().await.unwrap();
    assert_eq!(
        task.await.unwrap(),
        3,
        "each request after a close got a fresh connection"
    );
}

#[tokio::test]
async fn a_daemon_that_hangs_gives_a_timeout() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = format!("tcp://{}", listener.local_addr().unwrap());
    let _hold = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((s, _)) = listener.accept().await {
            held.push(s); // accepts, never answers
        }
    });
    let d = isolated(&addr)
        .api_version("1.41".parse().unwrap())
        .request_timeout(Some(Duration::from_millis(300)))
        .build()
        .unwrap();
    let err = d.version().await.unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert!(err.to_string().contains("/v1.41/version"), "{err}");
    // A per-call timeout overrides the client's.
    let started = std::time::Instant::now();
    let err = d
        .invoke("SystemInfo", serde_json::Value::Null)
        .timeout(Duration::from_millis(100))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout { after, .. } if after == Duration::from_millis(100)));
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn garbage_instead_of_json_is_a_decode_error() {
    let (addr, _task) = fake_daemon(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 9\r\n\r\n{not json",
        false,
    )
    .await;
    let d = fake_client(&addr, "1.41");
    let err = d.version().await.unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    assert!(err.to_string().contains("SystemVersion"), "{err}");
}

#[tokio::test]
async fn a_daemon_dying_mid_stream_is_an_error_not_a_silent_end() {
    // Logs in chunked encoding; the connection dies inside the second frame.
    let (addr, _task) = fake_daemon(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.multiplexed-stream\r\nTransfer-Encoding: chunked\r\n\r\n\
          d\r\n\x01\x00\x00\x00\x00\x00\x00\x05hello\r\n\
          9\r\n\x01\x00\x00\x00\x00\x00\x00\x10a",
        true,
    )
    .await;
    let d = fake_client(&addr, "1.42");
    let mut logs = d
        .invoke(
            "ContainerLogs",
            serde_json::json!({"id": "x", "stdout": true}),
        )
        .await
        .unwrap()
        .into_logs()
        .unwrap();
    let first = logs.next().await.unwrap().unwrap();
    assert_eq!(first.bytes, "hello");
    let mut saw_error = false;
    while let Some(item) = logs.next().await {
        if let Err(e) = item {
            assert!(matches!(e, Error::StreamClosed { .. }), "{e:?}");
            saw_error = true;
        }
    }
    assert!(saw_error, "the cut is reported");
}

/// A fake daemon on a unix socket that answers a log request with `frames`
/// multiplexed frames, one chunk each in its own write, resting every 64 frames
/// (so that reads come small and the client pauses between them); `cut` ends the
/// connection before the last chunk. Then it answers pings on the same connection.
/// Returns the address and the count of connections accepted.
async fn trickling_daemon(
    dir: &tempfile::TempDir,
    frames: usize,
    cut: bool,
) -> (String, Arc<AtomicUsize>) {
    let path = dir.path().join("trickle.sock");
    let listener = tokio::net::UnixListener::bind(&path).unwrap();
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = accepted.clone();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut buf = vec![0u8; 4096];
                let _ = s.read(&mut buf).await;
                s.write_all(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.multiplexed-stream\r\n\
                      Transfer-Encoding: chunked\r\n\r\n",
                )
                .await?;
                for i in 0..frames {
                    let line = format!("line {i}\n");
                    let mut frame = vec![1 + (i % 2) as u8, 0, 0, 0];
                    frame.extend_from_slice(&(line.len() as u32).to_be_bytes());
                    frame.extend_from_slice(line.as_bytes());
                    let mut chunk = format!("{:x}\r\n", frame.len()).into_bytes();
                    chunk.extend_from_slice(&frame);
                    chunk.extend_from_slice(b"\r\n");
                    s.write_all(&chunk).await?;
                    if i % 64 == 63 {
                        tokio::time::sleep(Duration::from_millis(1)).await;
                    }
                }
                if cut {
                    return Ok(());
                }
                s.write_all(b"0\r\n\r\n").await?;
                while s.read(&mut buf).await? > 0 {
                    s.write_all(PONG).await?;
                }
                Ok::<_, std::io::Error>(())
            });
        }
    });
    (format!("unix://{}", path.display()), accepted)
}

/// `ContainerLogs` of a fake daemon's non-TTY container (no inspect first).
async fn logs_of(d: &Docker, params: serde_json::Value) -> libdocker::LogStream {
    d.invoke("ContainerLogs", params)
        .tty(false)
        .await
        .unwrap()
        .into_logs()
        .unwrap()
}

fn expected_lines(frames: usize, stream: usize) -> Vec<u8> {
    (0..frames)
        .filter(|i| i % 2 == stream)
        .flat_map(|i| format!("line {i}\n").into_bytes())
        .collect()
}

#[tokio::test]
async fn a_trickling_stream_arrives_whole_and_its_connection_is_reused() {
    let dir = tempfile::tempdir().unwrap();
    let frames = 5_000;
    let (addr, accepted) = trickling_daemon(&dir, frames, false).await;
    let d = fake_client(&addr, "1.41");
    let logs = logs_of(
        &d,
        serde_json::json!({"id": "x", "stdout": true, "stderr": true}),
    )
    .await;
    let (out, err) = logs.collect().await.unwrap();
    assert_eq!(out, expected_lines(frames, 0), "stdout, in order");
    assert_eq!(err, expected_lines(frames, 1), "stderr, in order");
    // The stream's connection came back to the pool and carries the ping.
    assert_eq!(d.idle_connections(), 1);
    assert_eq!(d.ping().await.unwrap().status, "OK");
    assert_eq!(
        accepted.load(Ordering::SeqCst),
        1,
        "one connection served both"
    );
}

#[tokio::test]
async fn a_trickling_stream_cut_short_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let (addr, _accepted) = trickling_daemon(&dir, 1_000, true).await;
    let d = fake_client(&addr, "1.41");
    let logs = logs_of(&d, serde_json::json!({"id": "x", "stdout": true})).await;
    let err = logs.collect().await.unwrap_err();
    assert!(matches!(err, Error::StreamClosed { .. }), "{err:?}");
    assert!(
        err.to_string().contains("before the response was complete"),
        "{err}"
    );
}

#[tokio::test]
async fn a_hijack_answered_with_200_instead_of_101_still_streams() {
    // Older daemons answer an attach with 200 and then hijack the connection anyway.
    let (addr, _task) = fake_daemon(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.raw-stream\r\n\r\n\
          \x01\x00\x00\x00\x00\x00\x00\x03out\x02\x00\x00\x00\x00\x00\x00\x03err",
        true,
    )
    .await;
    let d = fake_client(&addr, "1.41");
    let attached = d
        .invoke(
            "ContainerAttach",
            serde_json::json!({"id": "x", "stream": true, "stdout": true, "stderr": true}),
        )
        .tty(false)
        .await
        .unwrap()
        .into_attached()
        .unwrap();
    let (out, err) = attached.output.collect().await.unwrap();
    assert_eq!((out.as_slice(), err.as_slice()), (&b"out"[..], &b"err"[..]));
}

/// A client's pooled connection registered with one runtime's event loop is
/// moved to the loop of the runtime that takes it next (a blocking client's
/// runtime, then a monitor's or a map's); it used to hang there.
#[test]
fn pooled_connections_follow_the_runtime_that_uses_them() {
    let client = isolated(&env("LIBDOCKER_TEST_TCP_HOST")).build().unwrap();
    let first = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    first.block_on(client.ping()).unwrap();
    assert_eq!(client.idle_connections(), 1);
    let second = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let ping = second
        .block_on(async { tokio::time::timeout(Duration::from_secs(10), client.ping()).await });
    ping.expect("the pooled connection answers on the second runtime")
        .unwrap();
    assert_eq!(client.open_connections(), 1, "the same connection, moved");
}
