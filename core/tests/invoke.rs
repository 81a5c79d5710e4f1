//! `invoke` and raw requests against the real daemon: parameters, versions, errors.

use docker_testsupport::{
    docker, ensure_test_image, env, isolated, remove_container, unique, Recorder, TEST_IMAGE,
    TEST_LABEL,
};
use libdocker::{ApiVersion, Docker, Error};
use serde_json::{json, Value};

async fn create(d: &Docker, name: &str, labels: Value) -> String {
    let out = d
        .invoke(
            "ContainerCreate",
            json!({"name": name, "body": {"Image": TEST_IMAGE, "Cmd": ["true"], "Labels": labels}}),
        )
        .await
        .unwrap()
        .into_json()
        .unwrap();
    out["Id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn container_list_with_all_and_filters() {
    let d = docker();
    ensure_test_image(&d).await.unwrap();
    let mark = unique("mark");
    let a = create(
        &d,
        &unique("list-a"),
        json!({TEST_LABEL: "1", "mark": mark}),
    )
    .await;
    let b = create(
        &d,
        &unique("list-b"),
        json!({TEST_LABEL: "1", "mark": mark, "role": "b"}),
    )
    .await;

    let both = d
        .invoke(
            "ContainerList",
            json!({"all": true, "filters": {"label": [format!("mark={mark}")]}}),
        )
        .await
        .unwrap()
        .into_json()
        .unwrap();
    let mut ids: Vec<&str> = both
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["Id"].as_str().unwrap())
        .collect();
    ids.sort();
    let mut expected = vec![a.as_str(), b.as_str()];
    expected.sort();
    assert_eq!(ids, expected);

    // Two labels in one filter must both match; a lone string value is a one-element list.
    let only_b = d
        .invoke(
            "ContainerList",
            json!({"all": true, "filters": {"label": [format!("mark={mark}"), "role=b"], "status": "created"}}),
        )
        .await
        .unwrap()
        .into_json()
        .unwrap();
    assert_eq!(only_b.as_array().unwrap().len(), 1);
    assert_eq!(only_b[0]["Id"], b.as_str());

    // Without `all`, created (not running) containers are not listed.
    let running = d
        .invoke(
            "ContainerList",
            json!({"filters": {"label": [format!("mark={mark}")]}}),
        )
        .await
        .unwrap()
        .into_json()
        .unwrap();
    assert_eq!(running, json!([]));
    remove_container(&d, &a).await;
    remove_container(&d, &b).await;
}

#[tokio::test]
async fn unknown_parameters_and_wrong_types_are_refused_before_anything_is_sent() {
    let rec = Recorder::start(&env("LIBDOCKER_TEST_MAIN_HOST")).await;
    let d = isolated(&rec.address).build().unwrap();
    let err = d
        .invoke("ContainerList", json!({"al": true}))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidParams { .. }));
    let text = err.to_string();
    assert!(
        text.contains("`al`") && text.contains("valid parameters: all, limit, size, filters"),
        "{text}"
    );

    let err = d
        .invoke("ContainerList", json!({"limit": "ten"}))
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("`limit`") && err.contains("integer"), "{err}");
    let err = d
        .invoke("ContainerRename", json!({"id": "x"}))
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("needs the query parameter `name`"), "{err}");
    let err = d
        .invoke("NoSuchOp", json!({}))
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("unknown operation"), "{err}");
    assert_eq!(rec.connections(), 0, "nothing reached the daemon");
}

#[tokio::test]
async fn a_pinned_client_puts_its_version_in_every_path() {
    let rec = Recorder::start(&env("LIBDOCKER_TEST_MAIN_HOST")).await;
    let d = isolated(&rec.address)
        .api_version(ApiVersion::v1(40))
        .build()
        .unwrap();
    d.ping().await.unwrap();
    d.version().await.unwrap();
    d.invoke("ContainerList", json!({"all": true}))
        .await
        .unwrap();
    let sent = rec.sent();
    assert!(sent.contains("GET /v1.40/_ping HTTP/1.1"), "{sent}");
    assert!(sent.contains("GET /v1.40/version HTTP/1.1"), "{sent}");
    assert!(
        sent.contains("GET /v1.40/containers/json?all=1 HTTP/1.1"),
        "{sent}"
    );
    assert!(!sent.contains("/v1.41/"), "no request used another version");
}

#[tokio::test]
async fn a_negotiating_client_pings_once_then_uses_the_daemons_version() {
    let rec = Recorder::start(&env("LIBDOCKER_TEST_MAIN_HOST")).await;
    let d = isolated(&rec.address).build().unwrap();
    let daemon = docker().ping().await.unwrap().api_version.unwrap();
    d.version().await.unwrap();
    d.info().await.unwrap();
    let sent = rec.sent();
    assert_eq!(sent.matches("/_ping").count(), 1, "{sent}");
    assert!(
        sent.contains("GET /_ping HTTP/1.1"),
        "negotiation pings unversioned: {sent}"
    );
    assert!(sent.contains(&format!("GET /v{daemon}/version ")), "{sent}");
    assert!(sent.contains(&format!("GET /v{daemon}/info ")), "{sent}");
}

#[tokio::test]
async fn operations_and_parameters_newer_than_the_pin_are_refused_without_a_request() {
    let rec = Recorder::start(&env("LIBDOCKER_TEST_MAIN_HOST")).await;
    let d = isolated(&rec.address)
        .api_version(ApiVersion::v1(40))
        .build()
        .unwrap();
    let err = d
        .invoke("ImageAttestations", json!({"name": "x"}))
        .await
        .unwrap_err();
    match &err {
        Error::UnsupportedApiVersion {
            required, using, ..
        } => {
            assert_eq!(*required, ApiVersion::v1(55));
            assert_eq!(*using, ApiVersion::v1(40));
        }
        other => panic!("{other:?}"),
    }
    let err = d
        .invoke("ContainerStats", json!({"id": "x", "one-shot": true}))
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("`one-shot`") && err.to_string().contains("1.41"),
        "{err}"
    );
    assert_eq!(rec.connections(), 0);
    assert!(rec.sent().is_empty());
}

#[tokio::test]
async fn daemon_errors_carry_the_daemons_message_by_status() {
    let d = docker();
    let err = d
        .invoke("ContainerInspect", json!({"id": "no-such-container-xyz"}))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
    assert_eq!(err.status(), Some(404));
    assert!(err
        .daemon_message()
        .unwrap()
        .contains("no-such-container-xyz"));

    // 400 from the daemon: a container name it does not accept.
    ensure_test_image(&d).await.unwrap();
    let err = d
        .invoke(
            "ContainerCreate",
            json!({"name": "not a valid/name!", "body": {"Image": TEST_IMAGE, "Cmd": ["true"]}}),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::BadParameter { .. }), "{err:?}");
    assert!(err.to_string().contains("not a valid/name!"), "{err}");
}

#[tokio::test]
async fn raw_requests_reach_paths_outside_the_table() {
    let d = docker();
    // /containers/{id}/checkpoints is experimental: not in the spec, still reachable.
    let err = d
        .request(
            libdocker::http::Method::GET,
            "/containers/no-such-container-xyz/checkpoints",
        )
        .send()
        .await
        .unwrap_err();
    assert!(err.status().is_some(), "the daemon answered: {err}");
    let v = d
        .request(libdocker::http::Method::GET, "/version")
        .send()
        .await
        .unwrap()
        .into_json()
        .unwrap();
    assert!(v["ApiVersion"].is_string());
    let ok = d
        .request(libdocker::http::Method::GET, "/_ping")
        .unversioned()
        .send()
        .await
        .unwrap()
        .into_text()
        .unwrap();
    assert_eq!(ok, "OK");
}

#[tokio::test]
async fn every_category_lists_and_documents_its_operations() {
    let cats = libdocker::api::categories();
    assert_eq!(cats.len(), 15);
    let total: usize = cats
        .iter()
        .map(|c| libdocker::api::ops(c.as_str()).unwrap().len())
        .sum();
    assert_eq!(total, 108);
    let doc = libdocker::api::doc("ImageCreate").unwrap();
    assert_eq!(doc.method, "POST");
    assert_eq!(doc.path, "/images/create");
    let auth = doc
        .params
        .iter()
        .find(|p| p.name == "X-Registry-Auth")
        .unwrap();
    assert_eq!(auth.location, "header");
    let platform = doc.params.iter().find(|p| p.name == "platform").unwrap();
    assert_eq!(platform.since, "1.32");
    let rename = libdocker::api::doc("ContainerRename").unwrap();
    assert!(rename.params.iter().any(|p| p.name == "name" && p.required));
}

/// The daemon's JSON text, checked not decoded, over the unix socket (answers read
/// whole) and over TLS (answers read in the event loop); other answers as their output.
#[tokio::test]
async fn send_json_text_hands_back_the_daemons_text_and_other_answers_as_output() {
    let certs = std::path::PathBuf::from(env("LIBDOCKER_TEST_CERTS"));
    let tls = isolated(&env("LIBDOCKER_TEST_TLS_HOST"))
        .tls(
            libdocker::TlsOptions::with_ca(certs.join("ca.pem"))
                .client_auth(certs.join("cert.pem"), certs.join("key.pem")),
        )
        .build()
        .unwrap();
    for d in [docker(), tls] {
        let text = d
            .invoke("SystemVersion", json!({}))
            .send_json_text()
            .await
            .unwrap()
            .expect("a JSON document");
        let version: Value = serde_json::from_str(&text).unwrap();
        let negotiated = d.api_version().await.unwrap().to_string();
        assert_eq!(version["ApiVersion"].as_str(), Some(negotiated.as_str()));

        let ping = d.invoke("SystemPing", json!({})).send_json_text().await;
        assert_eq!(ping.unwrap().unwrap_err().kind(), "text");
    }
}
