//! System operations against the real daemon: ping, version, info, df, events.

use std::time::Duration;

use docker_testsupport::{
    docker, ensure_test_image, remove_container, unique, TEST_IMAGE, TEST_LABEL,
};
use futures_util::StreamExt;
use libdocker::{EventsOptions, Filters};
use serde_json::json;

#[tokio::test]
async fn ping_version_and_info_describe_the_daemon() {
    let d = docker();
    let ping = d.ping().await.unwrap();
    assert_eq!(ping.status, "OK");
    let daemon_api = ping.api_version.expect("the daemon reports Api-Version");
    assert_eq!(ping.os_type.as_deref(), Some("linux"));

    // Negotiated once: min(1.55, the daemon's).
    let used = d.api_version().await.unwrap();
    assert_eq!(used, daemon_api.min(libdocker::ApiVersion::MAX));

    let version = d.version().await.unwrap();
    assert!(!version.version.is_empty());
    assert_eq!(version.api_version, daemon_api.to_string());
    assert_eq!(version.os, "linux");

    let info = d.info().await.unwrap();
    assert!(info.ncpu >= 1, "{info:?}");
    assert!(info.mem_total > 0);
    assert_eq!(info.os_type, "linux");
    assert_eq!(info.server_version, version.version);
    assert!(
        info.extra.contains_key("Plugins"),
        "fields we do not model are kept"
    );
}

#[tokio::test]
async fn df_lists_the_test_image() {
    let d = docker();
    ensure_test_image(&d).await.unwrap();
    let df = d.df().await.unwrap();
    let tagged = df.images.iter().any(|img| {
        img["RepoTags"]
            .as_array()
            .is_some_and(|tags| tags.iter().any(|t| t == TEST_IMAGE))
    });
    assert!(tagged, "df names {TEST_IMAGE}");
    assert!(df.layers_size > 0);
}

#[tokio::test]
async fn events_deliver_the_create_of_a_container_made_during_the_test() {
    let d = docker();
    ensure_test_image(&d).await.unwrap();
    let name = unique("events");
    let mut events = d
        .events(EventsOptions {
            filters: Filters::new()
                .add("type", "container")
                .add("event", "create")
                .add("container", name.as_str()),
            ..Default::default()
        })
        .await
        .unwrap();

    let created = d
        .invoke(
            "ContainerCreate",
            json!({"name": name, "body": {"Image": TEST_IMAGE, "Cmd": ["true"], "Labels": {TEST_LABEL: "1"}}}),
        )
        .await
        .unwrap()
        .into_json()
        .unwrap();
    let id = created["Id"].as_str().unwrap().to_string();

    let event = tokio::time::timeout(Duration::from_secs(20), events.next())
        .await
        .expect("the create event arrives")
        .expect("the stream is open")
        .unwrap();
    assert_eq!(event.kind, "container");
    assert_eq!(event.action, "create");
    assert_eq!(event.actor.id, id);
    assert_eq!(event.actor.attributes.get("name"), Some(&name));
    assert!(event.time_nano > 0);
    remove_container(&d, &id).await;
}

#[tokio::test]
async fn events_between_since_and_until_end_by_themselves() {
    let d = docker();
    ensure_test_image(&d).await.unwrap();
    let start = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let name = unique("events-window");
    let created = d
        .invoke(
            "ContainerCreate",
            json!({"name": name, "body": {"Image": TEST_IMAGE, "Cmd": ["true"], "Labels": {TEST_LABEL: "1"}}}),
        )
        .await
        .unwrap()
        .into_json()
        .unwrap();
    let id = created["Id"].as_str().unwrap().to_string();
    remove_container(&d, &id).await;
    let events: Vec<_> = d
        .events(EventsOptions {
            since: Some(start.saturating_sub(1).to_string()),
            until: Some((start + 2).to_string()),
            filters: Filters::new().add("container", id.as_str()),
        })
        .await
        .unwrap()
        .map(|e| e.unwrap().action)
        .collect()
        .await;
    assert!(events.contains(&"create".to_string()), "{events:?}");
    assert!(events.contains(&"destroy".to_string()), "{events:?}");
}
