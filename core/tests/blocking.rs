//! The blocking client against the real daemons: whole answers over its own std
//! sockets (keep-alive, errors, threads), streams and hijacked connections through
//! its runtime, TLS; and its faults (a daemon that hangs, closes idle connections or
//! cuts an answer short) with small fake servers.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use docker_testsupport::{
    ensure_test_image, env, isolated, unique, Cleanup, TEST_IMAGE, TEST_LABEL,
};
use libdocker::blocking::Docker;
use libdocker::{
    ApiVersion, ContainerSummary, Error, Event, ImageInspect, Progress, ProgressSummary, StdStream,
    TlsOptions,
};
use serde_json::json;

fn blocking() -> Docker {
    isolated(&env("LIBDOCKER_TEST_MAIN_HOST"))
        .build_blocking()
        .unwrap()
}

fn with_image() -> Docker {
    let d = blocking();
    d.block_on(ensure_test_image(d.client())).unwrap();
    d
}

#[test]
fn negotiates_like_the_async_client_and_reuses_one_connection() {
    let d = blocking();
    let ping = d.ping().unwrap();
    assert_eq!(ping.status, "OK");
    let daemon = ping.api_version.expect("the daemon says its API version");
    assert_eq!(d.api_version().unwrap(), daemon.min(ApiVersion::MAX));
    for _ in 0..50 {
        d.ping().unwrap();
        let list: Vec<ContainerSummary> = d
            .invoke("ContainerList", json!({"all": true}))
            .typed()
            .unwrap();
        drop(list);
    }
    assert_eq!(
        d.idle_connections(),
        1,
        "sequential calls share one connection"
    );
}

#[test]
fn send_text_hands_out_the_daemons_json_as_it_came() {
    let d = with_image();
    let text = d
        .invoke("SystemVersion", json!({}))
        .send_text()
        .unwrap()
        .expect("a whole answer");
    let version: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        version["ApiVersion"].as_str(),
        Some(d.api_version().unwrap().to_string().as_str())
    );
    // Nothing is the empty text; a stream comes back as its output, unread.
    let body = json!({"Image": TEST_IMAGE, "Cmd": ["true"], "Labels": {TEST_LABEL: "1"}});
    let created = d
        .invoke("ContainerCreate", json!({ "body": body }))
        .send()
        .unwrap()
        .into_json()
        .unwrap();
    let id = created["Id"].as_str().unwrap();
    let started = d.invoke("ContainerStart", json!({ "id": id })).send_text();
    let logs = d
        .invoke("ContainerLogs", json!({"id": id, "stdout": true}))
        .send_text();
    d.invoke("ContainerDelete", json!({"id": id, "force": true}))
        .send()
        .unwrap();
    assert_eq!(started.unwrap().unwrap(), "");
    assert_eq!(logs.unwrap().unwrap_err().kind(), "an output stream");
}

#[test]
fn daemon_errors_and_bad_parameters_are_typed() {
    let d = blocking();
    let missing = unique("no-such-container");
    let err = d
        .invoke("ContainerInspect", json!({"id": missing}))
        .send()
        .unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
    assert!(err.to_string().contains(&missing), "{err}");

    let err = d
        .invoke("ContainerList", json!({"colour": "red"}))
        .send()
        .unwrap_err();
    match err {
        Error::InvalidParams { message, valid } => {
            assert!(message.contains("colour"), "{message}");
            assert!(valid.iter().any(|v| v == "all"), "{valid:?}");
        }
        other => panic!("expected InvalidParams, got {other:?}"),
    }
    let err = d.invoke("ContainerExplode", json!({})).send().unwrap_err();
    assert!(err.to_string().contains("ContainerExplode"), "{err}");
}

#[test]
fn a_container_lifecycle_with_demultiplexed_logs() {
    let d = with_image();
    let mut cleanup = Cleanup::new();
    let created = d
        .invoke(
            "ContainerCreate",
            json!({
                "name": unique("blocking"),
                "body": {
                    "Image": TEST_IMAGE,
                    "Cmd": ["sh", "-c", "echo out; echo err >&2; exit 3"],
                    "Labels": {TEST_LABEL: "1"},
                },
            }),
        )
        .send()
        .unwrap()
        .into_json()
        .unwrap();
    let id = cleanup.container(created["Id"].as_str().unwrap());
    assert!(d
        .invoke("ContainerStart", json!({"id": id}))
        .send()
        .unwrap()
        .into_json()
        .unwrap()
        .is_null());
    let waited = d
        .invoke("ContainerWait", json!({"id": id}))
        .send()
        .unwrap()
        .into_json()
        .unwrap();
    assert_eq!(waited["StatusCode"], 3);

    let logs = d
        .invoke(
            "ContainerLogs",
            json!({"id": id, "stdout": true, "stderr": true}),
        )
        .send()
        .unwrap()
        .into_logs()
        .unwrap();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    for chunk in logs {
        let chunk = chunk.unwrap();
        match chunk.stream {
            StdStream::Stdout => out.extend_from_slice(&chunk.bytes),
            StdStream::Stderr => err.extend_from_slice(&chunk.bytes),
            StdStream::Stdin => panic!("no stdin frames in logs"),
        }
    }
    assert_eq!(out, b"out\n");
    assert_eq!(err, b"err\n");

    d.invoke("ContainerDelete", json!({"id": id}))
        .send()
        .unwrap();
    let err = d
        .invoke("ContainerInspect", json!({"id": id}))
        .send()
        .unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
}

#[test]
fn an_attached_exec_reads_stdin_and_reports_its_exit_code() {
    let d = with_image();
    let mut cleanup = Cleanup::new();
    let created = d
        .invoke(
            "ContainerCreate",
            json!({"body": {"Image": TEST_IMAGE, "Cmd": ["sleep", "60"], "Labels": {TEST_LABEL: "1"}}}),
        )
        .send()
        .unwrap()
        .into_json()
        .unwrap();
    let id = cleanup.container(created["Id"].as_str().unwrap());
    d.invoke("ContainerStart", json!({"id": id}))
        .send()
        .unwrap();
    let exec = d
        .invoke(
            "ContainerExec",
            json!({"id": id, "execConfig": {
                "Cmd": ["sh", "-c", "tr a-z A-Z; exit 5"],
                "AttachStdin": true, "AttachStdout": true, "AttachStderr": true,
            }}),
        )
        .send()
        .unwrap()
        .into_json()
        .unwrap();
    let exec_id = exec["Id"].as_str().unwrap().to_string();
    let mut attached = d
        .invoke(
            "ExecStart",
            json!({"id": exec_id, "execStartConfig": {"Detach": false, "Tty": false}}),
        )
        .send()
        .unwrap()
        .into_attached()
        .unwrap();
    attached.input.write(b"hello blocking\n").unwrap();
    attached.input.close().unwrap();
    let mut out = Vec::new();
    for chunk in attached.output.by_ref() {
        out.extend_from_slice(&chunk.unwrap().bytes);
    }
    assert_eq!(out, b"HELLO BLOCKING\n");
    let inspect = d
        .invoke("ExecInspect", json!({"id": exec_id}))
        .send()
        .unwrap()
        .into_json()
        .unwrap();
    assert_eq!(inspect["ExitCode"], 5);
    assert_eq!(inspect["Running"], false);
}

#[test]
fn many_threads_share_one_client() {
    let d = blocking();
    let done = Arc::new(AtomicUsize::new(0));
    let threads: Vec<_> = (0..16)
        .map(|_| {
            let (d, done) = (d.clone(), done.clone());
            std::thread::spawn(move || {
                for _ in 0..100 {
                    assert_eq!(d.ping().unwrap().status, "OK");
                    done.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(done.load(Ordering::Relaxed), 1600);
    let idle = d.idle_connections();
    assert!((1..=16).contains(&idle), "{idle} idle connections");
}

#[test]
fn plain_tcp_and_mutual_tls() {
    let tcp = isolated(&env("LIBDOCKER_TEST_TCP_HOST"))
        .build_blocking()
        .unwrap();
    assert_eq!(tcp.ping().unwrap().status, "OK");
    assert_eq!(tcp.idle_connections(), 1);

    let certs = PathBuf::from(env("LIBDOCKER_TEST_CERTS"));
    let tls = isolated(&env("LIBDOCKER_TEST_TLS_HOST"))
        .tls(
            TlsOptions::with_ca(certs.join("ca.pem"))
                .client_auth(certs.join("cert.pem"), certs.join("key.pem")),
        )
        .build_blocking()
        .unwrap();
    let info = tls
        .invoke("SystemInfo", json!({}))
        .send()
        .unwrap()
        .into_json()
        .unwrap();
    assert!(info["ID"].as_str().is_some_and(|id| !id.is_empty()));
    // Refused like the async client: a wrong CA is a TLS error.
    let wrong = isolated(&env("LIBDOCKER_TEST_TLS_HOST"))
        .tls(TlsOptions::with_ca(certs.join("other/ca.pem")))
        .build_blocking()
        .unwrap();
    let err = wrong.ping().unwrap_err();
    assert!(matches!(err, Error::Tls { .. }), "{err:?}");
}

#[test]
fn a_pinned_version_refuses_newer_operations_before_sending() {
    let d = isolated(&env("LIBDOCKER_TEST_MAIN_HOST"))
        .api_version(ApiVersion::v1(41))
        .build_blocking()
        .unwrap();
    let err = d
        .invoke("ImageAttestations", json!({"name": "x"}))
        .send()
        .unwrap_err();
    assert!(
        matches!(err, Error::UnsupportedApiVersion { .. }),
        "{err:?}"
    );
    assert_eq!(d.idle_connections(), 0, "nothing was sent");
}

#[test]
fn pushes_and_pulls_through_the_open_registry_with_progress() {
    let d = with_image();
    let repo = format!(
        "{}/libdocker-test/blocking-progress",
        env("LIBDOCKER_TEST_REGISTRY")
    );
    let tag = unique("t");
    let reference = format!("{repo}:{tag}");
    /// Removes the tag when dropped, even when the test panics.
    struct Untag(Docker, String);
    impl Drop for Untag {
        fn drop(&mut self) {
            let _ = self.0.invoke("ImageDelete", json!({"name": self.1})).send();
        }
    }
    let _untag = Untag(d.clone(), reference.clone());
    // The test image's id and layers, as the daemon wrote them.
    let image = d
        .invoke("ImageInspect", json!({"name": TEST_IMAGE}))
        .send()
        .unwrap()
        .into_json()
        .unwrap();
    let image_id = image["Id"].as_str().unwrap();
    let layers = image["RootFS"]["Layers"].as_array().map_or(0, Vec::len);
    assert!(layers >= 1, "{image}");
    d.invoke(
        "ImageTag",
        json!({"name": TEST_IMAGE, "repo": repo, "tag": tag}),
    )
    .send()
    .unwrap();

    // The push, its progress read item by item as the daemon sends it.
    let mut pushed = ProgressSummary::default();
    let mut items = Vec::new();
    for item in d
        .invoke("ImagePush", json!({"name": repo, "tag": tag}))
        .send()
        .unwrap()
        .into_json_stream()
        .unwrap()
    {
        let item: Progress = serde_json::from_value(item.unwrap()).unwrap();
        pushed.absorb(&item);
        items.push(item);
    }
    let digest = pushed.digest.clone().expect("the push reports its digest");
    assert!(digest.starts_with("sha256:"), "{digest}");
    assert!(
        items.iter().any(|i| i
            .aux
            .as_ref()
            .is_some_and(|aux| aux["Digest"] == digest.as_str() && aux["Tag"] == tag.as_str())),
        "the digest and tag in aux: {items:?}"
    );
    assert!(
        items.iter().any(|i| i
            .status
            .as_deref()
            .is_some_and(|s| s.starts_with(&format!("{tag}: digest: {digest}")))),
        "the digest in a status line: {items:?}"
    );
    // Each layer (named by its diff id, shortened) has its own items: prepared,
    // then pushed, found already there, or mounted from another repository.
    assert_eq!(pushed.layers.len(), layers, "{items:?}");
    for layer in &pushed.layers {
        assert!(
            image["RootFS"]["Layers"]
                .as_array()
                .unwrap()
                .iter()
                .any(|l| l.as_str().unwrap().starts_with(&format!("sha256:{layer}"))),
            "{layer} is a layer of {image}"
        );
        let statuses: Vec<&str> = items
            .iter()
            .filter(|i| i.id.as_ref() == Some(layer))
            .filter_map(|i| i.status.as_deref())
            .collect();
        assert_eq!(
            statuses.first(),
            Some(&"Preparing"),
            "{layer}: {statuses:?}"
        );
        let last = statuses.last().unwrap();
        assert!(
            ["Pushed", "Layer already exists"].contains(last) || last.starts_with("Mounted from "),
            "{layer}: {statuses:?}"
        );
    }

    // Without the tag here, it is pulled back from the registry.
    let removed = d
        .invoke("ImageDelete", json!({"name": reference}))
        .send()
        .unwrap()
        .into_json()
        .unwrap();
    assert!(
        removed
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["Untagged"] == reference.as_str()),
        "{removed}"
    );
    let err = d
        .invoke("ImageInspect", json!({"name": reference}))
        .send()
        .unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");

    let mut pulled = ProgressSummary::default();
    let mut items = Vec::new();
    for item in d
        .invoke("ImageCreate", json!({"fromImage": repo, "tag": tag}))
        .send()
        .unwrap()
        .into_json_stream()
        .unwrap()
    {
        let item: Progress = serde_json::from_value(item.unwrap()).unwrap();
        pulled.absorb(&item);
        items.push(item);
    }
    assert!(
        items
            .iter()
            .any(|i| i.status.as_deref() == Some(format!("Digest: {digest}").as_str())),
        "the pull names the pushed digest: {items:?}"
    );
    assert_eq!(pulled.digest.as_deref(), Some(digest.as_str()));
    // The layers are here already (the test image's): no item of their own.
    assert_eq!(
        (items[0].id.as_deref(), items[0].status.as_deref()),
        (
            Some(tag.as_str()),
            Some("Pulling from libdocker-test/blocking-progress")
        ),
        "{items:?}"
    );
    let last = pulled.last_status.clone().unwrap_or_default();
    assert!(
        last.starts_with("Status: ") && last.ends_with(&reference),
        "{last}"
    );

    let back: ImageInspect = d
        .invoke("ImageInspect", json!({"name": reference}))
        .typed()
        .unwrap();
    assert_eq!(back.id, image_id, "the pulled image is the pushed one");
    assert!(back.repo_tags.contains(&reference), "{:?}", back.repo_tags);
    assert!(
        back.repo_digests.contains(&format!("{repo}@{digest}")),
        "{:?}",
        back.repo_digests
    );
    d.invoke("ImageDelete", json!({"name": reference}))
        .send()
        .unwrap();
}

#[test]
fn events_deliver_a_container_made_during_the_test() {
    let d = with_image();
    let mut cleanup = Cleanup::new();
    let mark = unique("blocking-events");
    // From the start of this second, so the create cannot fall between the answer's
    // head and the daemon's subscription; to a minute on, so the stream ends by
    // itself even if the daemon sends nothing.
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let until = since + 60;
    // And every wait of this thread on the daemon ends at a deadline.
    let deadline = Instant::now() + Duration::from_secs(30);
    let (created, events) = libdocker::interruptible(
        move || Instant::now() > deadline,
        || {
            let stream = d
                .invoke(
                    "SystemEvents",
                    json!({
                        "since": since,
                        "until": until,
                        "filters": {"type": ["container"], "label": [format!("events-mark={mark}")]},
                    }),
                )
                .send()
                .unwrap()
                .into_json_stream()
                .unwrap();

            // Created and removed on another thread while this one waits.
            let maker = {
                let (d, mark) = (d.clone(), mark.clone());
                std::thread::spawn(move || {
                    let created = d
                        .invoke(
                            "ContainerCreate",
                            json!({"body": {
                                "Image": TEST_IMAGE,
                                "Cmd": ["true"],
                                "Labels": {TEST_LABEL: "1", "events-mark": mark},
                            }}),
                        )
                        .send()
                        .unwrap()
                        .into_json()
                        .unwrap();
                    let id = created["Id"].as_str().unwrap().to_string();
                    let removed = d
                        .invoke("ContainerDelete", json!({"id": id, "force": true}))
                        .send();
                    (id, removed)
                })
            };

            // Up to the removal's event (the stream goes on until `until`).
            let mut seen = Vec::new();
            for event in stream {
                let event: Event = serde_json::from_value(event.unwrap()).unwrap();
                let done = event.action == "destroy";
                seen.push(event);
                if done {
                    break;
                }
            }
            (maker.join().unwrap(), seen)
        },
    );
    let (id, removed) = created;
    cleanup.container(&id);
    removed.unwrap();

    let first = events.first().expect("events arrived");
    assert_eq!(first.kind, "container", "{events:?}");
    assert_eq!(first.action, "create", "{events:?}");
    assert_eq!(first.actor.id, id);
    assert_eq!(first.actor.attributes.get("events-mark"), Some(&mark));
    assert!(first.time_nano > 0);
    let last = events.last().unwrap();
    assert_eq!(
        (last.action.as_str(), last.actor.id.as_str()),
        ("destroy", id.as_str())
    );
    assert!(events.iter().all(|e| e.actor.id == id), "{events:?}");
}

// ---------------------------------------------------------------- faults

/// A fake daemon on 127.0.0.1 serving each connection with `serve`, counting them.
fn fake_daemon(
    serve: impl Fn(std::net::TcpStream) + Send + Sync + 'static,
) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = format!("tcp://{}", listener.local_addr().unwrap());
    let connections = Arc::new(AtomicUsize::new(0));
    let counted = connections.clone();
    let serve = Arc::new(serve);
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(conn) = conn else { return };
            counted.fetch_add(1, Ordering::SeqCst);
            let serve = serve.clone();
            std::thread::spawn(move || serve(conn));
        }
    });
    (address, connections)
}

/// Reads one request head (and no body) from `conn`.
fn read_request(conn: &mut std::net::TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if conn.read(&mut byte).ok()? == 0 {
            return None;
        }
        head.push(byte[0]);
    }
    Some(String::from_utf8_lossy(&head).into_owned())
}

const PONG: &[u8] =
    b"HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nOK";

#[test]
fn a_daemon_that_hangs_gives_a_timeout_naming_the_request() {
    let (host, _) = fake_daemon(|mut conn| {
        let _ = read_request(&mut conn);
        std::thread::sleep(Duration::from_secs(10));
    });
    let d = isolated(&host)
        .api_version(ApiVersion::v1(41))
        .request_timeout(Some(Duration::from_millis(300)))
        .build_blocking()
        .unwrap();
    let started = Instant::now();
    let err = d.invoke("SystemInfo", json!({})).send().unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5));
    match err {
        Error::Timeout { during, after } => {
            assert!(during.contains("GET /v1.41/info"), "{during}");
            assert_eq!(after, Duration::from_millis(300));
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
}

#[test]
fn a_connection_closed_while_idle_is_replaced() {
    // Answers one request per connection, then closes it.
    let (host, connections) = fake_daemon(|mut conn| {
        if read_request(&mut conn).is_some() {
            let _ = conn.write_all(PONG);
        }
    });
    let d = isolated(&host).build_blocking().unwrap();
    for _ in 0..3 {
        assert_eq!(d.ping().unwrap().status, "OK");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(connections.load(Ordering::SeqCst), 3);
}

#[test]
fn a_post_is_never_sent_twice_but_a_stale_connection_is_not_used_for_it() {
    // Answers one request per connection and closes it; counts requests.
    let requests = Arc::new(AtomicUsize::new(0));
    let seen = requests.clone();
    let (host, connections) = fake_daemon(move |mut conn| {
        if read_request(&mut conn).is_some() {
            seen.fetch_add(1, Ordering::SeqCst);
            let _ = conn.write_all(b"HTTP/1.1 204 No Content\r\n\r\n");
        }
    });
    let d = isolated(&host)
        .api_version(ApiVersion::v1(41))
        .build_blocking()
        .unwrap();
    for _ in 0..3 {
        d.invoke("ContainerStart", json!({"id": "web"}))
            .send()
            .unwrap();
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(requests.load(Ordering::SeqCst), 3);
    assert_eq!(connections.load(Ordering::SeqCst), 3);
}

#[test]
fn an_answer_cut_short_is_an_error_not_a_silent_end() {
    let (host, _) = fake_daemon(|mut conn| {
        if read_request(&mut conn).is_some() {
            let _ = conn.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"ID\": \"abc",
            );
        }
    });
    let d = isolated(&host)
        .api_version(ApiVersion::v1(41))
        .build_blocking()
        .unwrap();
    let err = d.invoke("SystemInfo", json!({})).send().unwrap_err();
    assert!(matches!(err, Error::StreamClosed { .. }), "{err:?}");
}

#[test]
fn a_chunked_answer_arriving_in_one_piece_is_read_to_its_end() {
    // A large chunk (handed out without copying) and a small one, all in one
    // write that one read takes in.
    let value = "x".repeat(8 * 1024);
    let doc = format!("{{\"ID\": \"{value}\", \"Name\": \"n\"}}");
    let (big, small) = doc.split_at(doc.len() - 10);
    let mut answer = Vec::new();
    answer.extend_from_slice(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
    );
    for piece in [big, small] {
        answer.extend_from_slice(format!("{:x}\r\n{piece}\r\n", piece.len()).as_bytes());
    }
    answer.extend_from_slice(b"0\r\n\r\n");
    let (host, connections) = fake_daemon(move |mut conn| {
        while read_request(&mut conn).is_some() {
            if conn.write_all(&answer).is_err() {
                return;
            }
        }
    });
    let d = isolated(&host)
        .api_version(ApiVersion::v1(41))
        .request_timeout(Some(Duration::from_secs(5)))
        .build_blocking()
        .unwrap();
    for _ in 0..3 {
        let info = d
            .invoke("SystemInfo", json!({}))
            .send()
            .unwrap()
            .into_json()
            .unwrap();
        assert_eq!(info["ID"].as_str().unwrap().len(), value.len());
        assert_eq!(info["Name"], "n");
    }
    assert_eq!(
        connections.load(Ordering::SeqCst),
        1,
        "kept alive after each"
    );
}

#[test]
fn garbage_instead_of_json_is_a_decode_error() {
    let (host, _) = fake_daemon(|mut conn| {
        if read_request(&mut conn).is_some() {
            let _ = conn.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{oops\r\n0\r\n\r\n",
            );
        }
    });
    let d = isolated(&host)
        .api_version(ApiVersion::v1(41))
        .build_blocking()
        .unwrap();
    let err = d.invoke("SystemInfo", json!({})).send().unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    assert!(err.to_string().contains("SystemInfo"), "{err}");
    // Handed out as text, it is still checked.
    let err = d.invoke("SystemInfo", json!({})).send_text().unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
}
