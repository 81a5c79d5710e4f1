//! What every call gets from the one pipeline, through `invoke` as much as through
//! typed methods, async and blocking: failures reported inside a 200 stream end it
//! with their error, registry credentials come from the CLI configuration, a call
//! read the wrong way is refused before anything is sent, an older pinned version
//! leaves out what it does without, and the pool never opens more connections
//! than its cap. Real daemon and registries.

use std::time::Duration;

use docker_testsupport::{
    auth_registry, docker, docker_with_cli_config, ensure_test_image, env, isolated, unique,
    AuthRegistry, Cleanup, Recorder, TEST_IMAGE,
};
use futures_util::StreamExt;
use libdocker::{ApiVersion, Delivery, Error, RunOptions};
use serde_json::{json, Value};

/// A build context whose second step prints and then fails with code 7.
fn failing_context() -> Vec<u8> {
    let dockerfile =
        format!("FROM {TEST_IMAGE}\nRUN echo first step\nRUN echo step-output && exit 7\n");
    let mut tar = tar::Builder::new(Vec::new());
    let mut h = tar::Header::new_gnu();
    h.set_size(dockerfile.len() as u64);
    h.set_mode(0o644);
    h.set_cksum();
    tar.append_data(&mut h, "Dockerfile", dockerfile.as_bytes())
        .unwrap();
    tar.into_inner().unwrap()
}

fn assert_build_failed(err: &Error) {
    match err {
        Error::BuildFailed { message, output } => {
            assert!(message.contains("non-zero code: 7"), "{message}");
            assert!(output.contains("step-output"), "{output}");
            assert!(
                !output.contains("first step"),
                "only the failing step's output: {output}"
            );
        }
        other => panic!("expected BuildFailed, got {other:?}"),
    }
}

#[tokio::test]
async fn a_failing_build_step_ends_invokes_stream_with_build_failed() {
    let d = docker();
    ensure_test_image(&d).await.unwrap();
    let mut items = d
        .invoke("ImageBuild", json!({"rm": true, "forcerm": true}))
        .body(failing_context())
        .await
        .unwrap()
        .into_json_stream()
        .unwrap();
    let mut last = None;
    while let Some(item) = items.next().await {
        last = Some(item);
    }
    assert_build_failed(&last.expect("the build said something").unwrap_err());
}

#[test]
fn a_failing_build_step_ends_a_blocking_stream_with_build_failed() {
    let d = libdocker::blocking::Docker::connect().unwrap();
    d.block_on(ensure_test_image(d.client())).unwrap();
    let items = d
        .invoke("ImageBuild", json!({"rm": true, "forcerm": true}))
        .body(failing_context())
        .send()
        .unwrap()
        .into_json_stream()
        .unwrap();
    let last = items.last().expect("the build said something");
    assert_build_failed(&last.unwrap_err());
}

/// Tags the test image for a registry on a port where nothing listens.
async fn tagged_for_a_closed_port(d: &libdocker::Docker) -> String {
    ensure_test_image(d).await.unwrap();
    let repo = format!("127.0.0.1:1/libdocker-test/{}", unique("closed"));
    d.images().tag(TEST_IMAGE, &repo, Some("t")).await.unwrap();
    repo
}

fn assert_refused_push(err: &Error) {
    match err {
        Error::Progress { operation, message } => {
            assert_eq!(operation, "push");
            assert!(message.contains("127.0.0.1:1"), "{message}");
        }
        other => panic!("expected a push failure, got {other:?}"),
    }
}

#[tokio::test]
async fn a_push_to_a_closed_port_ends_with_the_daemons_message() {
    let d = docker();
    let repo = tagged_for_a_closed_port(&d).await;
    let mut items = d
        .invoke("ImagePush", json!({"name": repo, "tag": "t"}))
        .await
        .unwrap()
        .into_json_stream()
        .unwrap();
    let mut last = None;
    while let Some(item) = items.next().await {
        last = Some(item);
    }
    assert_refused_push(&last.unwrap().unwrap_err());

    // Blocking, the same.
    let name = repo.clone();
    tokio::task::spawn_blocking(move || {
        let b = libdocker::blocking::Docker::connect().unwrap();
        let items = b
            .invoke("ImagePush", json!({"name": name, "tag": "t"}))
            .send()
            .unwrap()
            .into_json_stream()
            .unwrap();
        assert_refused_push(&items.last().unwrap().unwrap_err());
    })
    .await
    .unwrap();
    d.images()
        .remove(&format!("{repo}:t"), false, false)
        .await
        .unwrap();
}

/// A client whose only credentials are an `auths` entry of config.json.
fn with_config_json_credentials(registry: &AuthRegistry) -> (libdocker::Docker, tempfile::TempDir) {
    use base64::Engine as _;
    let auth = base64::engine::general_purpose::STANDARD
        .encode(format!("{}:{}", registry.user, registry.password));
    docker_with_cli_config(
        &json!({"auths": {registry.host.clone(): {"auth": auth}}}),
        None,
    )
}

/// The items of an operation's JSON stream, up to its end or its error.
async fn items_of(d: &libdocker::Docker, op: &str, params: Value) -> Result<Vec<Value>, Error> {
    let stream = d.invoke(op, params).await?.into_json_stream()?;
    stream.collect::<Vec<_>>().await.into_iter().collect()
}

/// Pings `n` times at once.
async fn pings_at_once(d: &libdocker::Docker, n: usize) {
    let calls = (0..n).map(|_| {
        let d = d.clone();
        tokio::spawn(async move { d.invoke("SystemPing", Value::Null).await.map(drop) })
    });
    for call in futures_util::future::join_all(calls).await {
        call.unwrap().unwrap();
    }
}

#[tokio::test]
async fn invoke_pushes_and_pulls_with_only_config_json_credentials() {
    let registry = auth_registry();
    let (d, _config) = with_config_json_credentials(&registry);
    ensure_test_image(&d).await.unwrap();
    let repo = format!("{}/libdocker-test/{}", registry.host, unique("invoke"));
    d.images().tag(TEST_IMAGE, &repo, Some("a")).await.unwrap();

    // No X-Registry-Auth given: the pipeline takes it from config.json.
    let pushed = items_of(&d, "ImagePush", json!({"name": repo, "tag": "a"}))
        .await
        .unwrap();
    assert!(
        pushed.iter().any(|m| m.get("aux").is_some()),
        "the push reported its digest: {pushed:?}"
    );
    let reference = format!("{repo}:a");
    d.images().remove(&reference, false, false).await.unwrap();
    items_of(&d, "ImageCreate", json!({"fromImage": repo, "tag": "a"}))
        .await
        .unwrap();
    d.images().inspect(&reference).await.unwrap();

    // The blocking client, the same way.
    d.images().remove(&reference, false, false).await.unwrap();
    let config = _config.path().display().to_string();
    let name = repo.clone();
    tokio::task::spawn_blocking(move || {
        let b = libdocker::Docker::builder()
            .environment(libdocker::Environment::from_pairs([
                ("DOCKER_HOST", env("LIBDOCKER_TEST_MAIN_HOST")),
                ("DOCKER_CONFIG", config),
            ]))
            .build_blocking()
            .unwrap();
        let pulled: Result<Vec<Value>, Error> = b
            .invoke("ImageCreate", json!({"fromImage": name, "tag": "a"}))
            .send()
            .unwrap()
            .into_json_stream()
            .unwrap()
            .collect();
        pulled.unwrap();
        let pushed: Result<Vec<Value>, Error> = b
            .invoke("ImagePush", json!({"name": name, "tag": "a"}))
            .send()
            .unwrap()
            .into_json_stream()
            .unwrap()
            .collect();
        pushed.unwrap();
    })
    .await
    .unwrap();
    d.images().remove(&reference, false, false).await.unwrap();

    // Without the configuration the registry refuses: the credentials came from it.
    let (anonymous, _empty) = docker_with_cli_config(&json!({}), None);
    let err = items_of(
        &anonymous,
        "ImageCreate",
        json!({"fromImage": repo, "tag": "a"}),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, Error::Unauthorized { .. }), "{err:?}");
}

#[tokio::test]
async fn a_login_is_remembered_for_later_pushes_and_pulls_until_logout() {
    let registry = auth_registry();
    let (d, _empty) = docker_with_cli_config(&json!({}), None);
    ensure_test_image(&d).await.unwrap();
    let repo = format!("{}/libdocker-test/{}", registry.host, unique("login"));
    d.images().tag(TEST_IMAGE, &repo, Some("a")).await.unwrap();
    let push = json!({"name": repo, "tag": "a"});

    // Nothing configured: refused.
    let err = items_of(&d, "ImagePush", push.clone()).await.unwrap_err();
    assert!(matches!(err, Error::Unauthorized { .. }), "{err:?}");
    // A refused login remembers nothing.
    let wrong = libdocker::Credentials::basic(&registry.host, &registry.user, "wrong");
    assert!(!d.login(wrong).await.unwrap().accepted);
    assert!(items_of(&d, "ImagePush", push.clone()).await.is_err());

    let right = libdocker::Credentials::basic(&registry.host, &registry.user, &registry.password);
    assert!(d.login(right).await.unwrap().accepted);
    let pushed = items_of(&d, "ImagePush", push.clone()).await.unwrap();
    assert!(pushed.iter().any(|m| m.get("aux").is_some()), "{pushed:?}");
    let reference = format!("{repo}:a");
    d.images().remove(&reference, false, false).await.unwrap();
    // A clone shares the login, and the blocking client over it too.
    let b = libdocker::blocking::Docker::from_async(d.clone());
    let name = repo.clone();
    tokio::task::spawn_blocking(move || {
        let pulled: Result<Vec<Value>, Error> = b
            .invoke("ImageCreate", json!({"fromImage": name, "tag": "a"}))
            .send()
            .unwrap()
            .into_json_stream()
            .unwrap()
            .collect();
        pulled.unwrap();
    })
    .await
    .unwrap();

    assert!(d.logout(&format!("https://{}/v2/", registry.host)));
    let err = items_of(&d, "ImagePush", push).await.unwrap_err();
    assert!(matches!(err, Error::Unauthorized { .. }), "{err:?}");
    d.images().remove(&reference, false, false).await.unwrap();
}

#[tokio::test]
async fn a_call_read_the_wrong_way_is_refused_before_anything_is_sent() {
    let rec = Recorder::start(&env("LIBDOCKER_TEST_MAIN_HOST")).await;
    let d = isolated(&rec.address)
        .api_version(ApiVersion::v1(41))
        .build()
        .unwrap();
    let err = d
        .invoke("ContainerLogs", json!({"id": "web", "stdout": true}))
        .accept(&[Delivery::Whole], "read it as a stream")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::WrongOutputKind { .. }), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains("ContainerLogs")
            && text.contains("a stream")
            && text.contains("read it as a stream"),
        "{text}"
    );
    let err = d
        .invoke(
            "ExecStart",
            json!({"id": "abc", "execStartConfig": {"Detach": false}}),
        )
        .accept(&[Delivery::Whole, Delivery::Stream], "attach")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::WrongOutputKind { .. }), "{err:?}");
    // A detached exec answers nothing: that is a whole answer, and allowed.
    let planned_ok = d
        .invoke(
            "ExecStart",
            json!({"id": "abc", "execStartConfig": {"Detach": true}}),
        )
        .accept(&[Delivery::Whole], "")
        .await;
    assert!(
        !matches!(planned_ok, Err(Error::WrongOutputKind { .. })),
        "{planned_ok:?}"
    );
    assert_eq!(
        rec.connections(),
        1,
        "only the detached exec was sent: {}",
        rec.sent()
    );

    // The blocking client refuses the same way.
    let b = isolated(&rec.address)
        .api_version(ApiVersion::v1(41))
        .build_blocking()
        .unwrap();
    let err = b
        .invoke("ContainerLogs", json!({"id": "web"}))
        .accept(&[Delivery::Whole], "")
        .send()
        .unwrap_err();
    assert!(matches!(err, Error::WrongOutputKind { .. }), "{err:?}");
    assert_eq!(rec.connections(), 1, "nothing more was sent");
}

#[tokio::test]
async fn wait_and_run_work_on_a_client_pinned_to_1_25() {
    let d = isolated(&env("LIBDOCKER_TEST_MAIN_HOST"))
        .api_version(ApiVersion::v1(25))
        .build()
        .unwrap();
    ensure_test_image(&d).await.unwrap();
    let out = d
        .run(
            TEST_IMAGE,
            ["sh", "-c", "echo pinned; exit 0"],
            RunOptions::default(),
        )
        .await
        .unwrap();
    assert_eq!(out.exit_code, 0);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "pinned\n");

    let mut cleanup = Cleanup::new();
    let id = docker_testsupport::create(&d, docker_testsupport::sh("exit 3"), &mut cleanup).await;
    d.containers().start(&id).await.unwrap();
    let waited = d.containers().wait(&id, Default::default()).await.unwrap();
    assert_eq!(waited.status_code, 3);
    // A condition other than the daemon's default needs 1.30: refused, not ignored.
    let err = d
        .containers()
        .wait(&id, libdocker::WaitCondition::NextExit)
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::UnsupportedApiVersion { .. }),
        "{err:?}"
    );

    // Blocking, through invoke.
    let b = isolated(&env("LIBDOCKER_TEST_MAIN_HOST"))
        .api_version(ApiVersion::v1(25))
        .build_blocking()
        .unwrap();
    let waited = b
        .invoke(
            "ContainerWait",
            json!({"id": id, "condition": "not-running"}),
        )
        .send()
        .unwrap()
        .into_json()
        .unwrap();
    assert_eq!(waited["StatusCode"], 3);
}

#[tokio::test]
async fn concurrent_calls_never_open_more_connections_than_the_cap() {
    let rec = Recorder::start(&env("LIBDOCKER_TEST_MAIN_HOST")).await;
    let capped = isolated(&rec.address).max_connections(8).build().unwrap();
    assert_eq!(capped.max_connections(), 8);
    pings_at_once(&capped, 1000).await;
    assert!(
        rec.most_open() <= 8,
        "at most 8 open at once, saw {}",
        rec.most_open()
    );
    assert!(capped.open_connections() <= 8);

    // The default cap, with the blocking client's threads as well.
    let rec = Recorder::start(&env("LIBDOCKER_TEST_MAIN_HOST")).await;
    let d = isolated(&rec.address).build().unwrap();
    assert_eq!(d.max_connections(), libdocker::DEFAULT_MAX_CONNECTIONS);
    pings_at_once(&d, 1000).await;
    assert!(rec.most_open() <= libdocker::DEFAULT_MAX_CONNECTIONS);

    let rec = Recorder::start(&env("LIBDOCKER_TEST_MAIN_HOST")).await;
    let address = rec.address.clone();
    tokio::task::spawn_blocking(move || {
        let b = isolated(&address)
            .max_connections(3)
            .build_blocking()
            .unwrap();
        std::thread::scope(|s| {
            for _ in 0..16 {
                s.spawn(|| {
                    for _ in 0..20 {
                        b.invoke("SystemPing", Value::Null).send().unwrap();
                    }
                });
            }
        });
    })
    .await
    .unwrap();
    assert!(rec.most_open() <= 3, "saw {}", rec.most_open());
    assert!(rec.most_open() >= 1);
}

#[tokio::test]
async fn a_call_past_the_cap_waits_for_a_stream_to_end() {
    let d = isolated(&env("LIBDOCKER_TEST_MAIN_HOST"))
        .max_connections(1)
        .build()
        .unwrap();
    d.ping().await.unwrap();
    let events = d
        .invoke("SystemEvents", json!({"since": "0", "until": "1"}))
        .await
        .unwrap()
        .into_json_stream()
        .unwrap();
    // The stream holds the one connection: a call waits.
    let waiting = tokio::time::timeout(Duration::from_millis(300), d.ping()).await;
    assert!(waiting.is_err(), "the ping waited for the connection");
    drop(events);
    tokio::time::timeout(Duration::from_secs(5), d.ping())
        .await
        .expect("the ping got the connection back")
        .unwrap();
}
