//! Service and task logs follow the service's TTY setting below API 1.42, where
//! the daemon does not say it in the content type: the pipeline looks it up, as
//! it does for containers. A one-node swarm on the test environment's TLS daemon
//! (its own data root; it leaves the swarm at the end).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use docker_testsupport::{ensure_test_image, env, isolated, unique, TEST_IMAGE};
use libdocker::{ApiVersion, Docker, Error, TlsOptions};
use serde_json::{json, Value};

fn tls_daemon(version: Option<ApiVersion>) -> Docker {
    let certs = PathBuf::from(env("LIBDOCKER_TEST_CERTS"));
    let mut b = isolated(&env("LIBDOCKER_TEST_TLS_HOST")).tls(
        TlsOptions::with_ca(certs.join("ca.pem"))
            .client_auth(certs.join("cert.pem"), certs.join("key.pem")),
    );
    if let Some(v) = version {
        b = b.api_version(v);
    }
    b.build().unwrap()
}

/// Makes the daemon a one-node swarm (the swarm port beside the test ports).
async fn swarm(d: &Docker) {
    let state = d.invoke("SwarmInspect", Value::Null).await;
    if state.is_ok() {
        return;
    }
    d.invoke(
        "SwarmInit",
        json!({"body": {"ListenAddr": "127.0.0.1:4377", "AdvertiseAddr": "127.0.0.1"}}),
    )
    .await
    .unwrap();
}

/// Creates a one-task service of the test image running `script`, its TTY as given.
async fn service(d: &Docker, script: &str, tty: bool) -> String {
    let spec = json!({
        "Name": unique("svc"),
        "Labels": {"libdocker-test": "1"},
        "TaskTemplate": {
            "ContainerSpec": {"Image": TEST_IMAGE, "Command": ["sh", "-c", script], "TTY": tty},
            "RestartPolicy": {"Condition": "none"},
        },
        "Mode": {"Replicated": {"Replicas": 1}},
    });
    let created = d
        .invoke("ServiceCreate", json!({ "body": spec }))
        .await
        .unwrap()
        .into_json()
        .unwrap();
    created["ID"].as_str().unwrap().to_string()
}

/// The service's logs once `expected` bytes of stdout and stderr have arrived.
async fn logs_of(d: &Docker, op: &str, id: &str, expected: usize) -> (bool, Vec<u8>, Vec<u8>) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let logs = d
            .invoke(op, json!({"id": id, "stdout": true, "stderr": true}))
            .await
            .unwrap()
            .into_logs()
            .unwrap();
        let tty = logs.is_tty();
        let (out, err) = logs.collect().await.unwrap();
        if out.len() + err.len() >= expected || Instant::now() > deadline {
            return (tty, out, err);
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

async fn task_of(d: &Docker, service: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let tasks = d
            .invoke("TaskList", json!({"filters": {"service": [service]}}))
            .await
            .unwrap()
            .into_json()
            .unwrap();
        if let Some(id) = tasks[0]["ID"].as_str() {
            return id.to_string();
        }
        assert!(Instant::now() < deadline, "no task of {service}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn service_and_task_logs_follow_the_services_tty_below_1_42() {
    let d = tls_daemon(None);
    ensure_test_image(&d).await.unwrap();
    swarm(&d).await;
    let with_tty = service(&d, "echo tty-out; echo tty-err >&2; sleep 60", true).await;
    let plain = service(&d, "echo out; echo err >&2; sleep 60", false).await;

    // The daemon speaks 1.41: the pipeline asks the service (and the task) for its TTY.
    let pinned = tls_daemon(Some(ApiVersion::v1(41)));
    let (tty, out, err) = logs_of(&pinned, "ServiceLogs", &with_tty, 16).await;
    assert!(tty, "a TTY service's output is raw");
    let out = String::from_utf8_lossy(&out);
    assert!(
        out.contains("tty-out") && out.contains("tty-err"),
        "{out:?}"
    );
    assert!(err.is_empty());
    let (tty, out, err) = logs_of(&pinned, "ServiceLogs", &plain, 8).await;
    assert!(!tty);
    assert!(String::from_utf8_lossy(&out).contains("out\n"), "{out:?}");
    assert!(String::from_utf8_lossy(&err).contains("err\n"), "{err:?}");

    let task = task_of(&d, &with_tty).await;
    let (tty, out, _) = logs_of(&pinned, "TaskLogs", &task, 16).await;
    assert!(tty);
    assert!(String::from_utf8_lossy(&out).contains("tty-out"));
    let task = task_of(&d, &plain).await;
    let (tty, out, err) = logs_of(&pinned, "TaskLogs", &task, 8).await;
    assert!(!tty);
    assert!(String::from_utf8_lossy(&out).contains("out\n"));
    assert!(String::from_utf8_lossy(&err).contains("err\n"));

    for id in [with_tty, plain] {
        d.invoke("ServiceDelete", json!({ "id": id }))
            .await
            .unwrap();
    }
    let left = d.invoke("SwarmLeave", json!({"force": true})).await;
    assert!(
        left.is_ok()
            || matches!(
                left,
                Err(Error::Unavailable { .. } | Error::NotAcceptable { .. })
            ),
        "{left:?}"
    );
}
