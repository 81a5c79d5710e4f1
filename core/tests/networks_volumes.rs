//! Networks and volumes against the real daemon.

use std::time::Duration;

use docker_testsupport::{create, docker, ensure_test_image, sh, unique, Cleanup, TEST_LABEL};
use libdocker::{
    ApiVersion, ConnectOptions, Error, Filters, NetworkConfig, RemoveOptions, VolumeConfig,
};
use serde_json::json;

/// A /24 no other test run uses at the same time.
fn subnet_octet() -> u8 {
    (std::process::id() % 200) as u8 + 20
}

#[tokio::test]
async fn networks_create_connect_with_alias_and_static_ip_disconnect_remove() {
    let d = docker();
    ensure_test_image(&d).await.unwrap();
    let nets = d.networks();
    let mut cleanup = Cleanup::new();
    let name = unique("net");
    let octet = subnet_octet();
    let subnet = format!("10.213.{octet}.0/24");
    let gateway = format!("10.213.{octet}.1");
    let id = nets
        .create(
            &NetworkConfig::new(&name)
                .driver("bridge")
                .label(TEST_LABEL, "1")
                .option("com.docker.network.bridge.enable_icc", "true")
                .subnet(&subnet, Some(&gateway)),
        )
        .await
        .unwrap();

    let info = nets.inspect(&name, false).await.unwrap();
    assert_eq!(info["Id"], id.as_str());
    assert_eq!(info["IPAM"]["Config"][0]["Subnet"], subnet.as_str());
    assert_eq!(info["IPAM"]["Config"][0]["Gateway"], gateway.as_str());
    assert_eq!(info["Labels"][TEST_LABEL], "1");
    let listed = nets
        .list(Filters::new().add("name", name.as_str()))
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);

    let server = create(&d, sh("sleep 300"), &mut cleanup).await;
    let client = create(&d, sh("sleep 300"), &mut cleanup).await;
    let ip = format!("10.213.{octet}.10");
    nets.connect(
        &id,
        &server,
        ConnectOptions {
            aliases: vec!["db-alias".into()],
            ipv4_address: Some(ip.clone()),
        },
    )
    .await
    .unwrap();
    nets.connect(&id, &client, ConnectOptions::default())
        .await
        .unwrap();
    d.containers().start(&server).await.unwrap();
    d.containers().start(&client).await.unwrap();

    let inspected = d.containers().inspect(&server, false).await.unwrap();
    let endpoint = &inspected.network_settings["Networks"][&name];
    assert_eq!(endpoint["IPAddress"], ip.as_str());
    assert!(
        endpoint["Aliases"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a == "db-alias"),
        "{endpoint}"
    );

    // The alias resolves to the static address from another container on the network.
    let ping = d
        .execs()
        .run(&client, ["ping", "-c", "1", "-W", "3", "db-alias"])
        .await
        .unwrap();
    assert_eq!(
        ping.exit_code,
        0,
        "{}",
        String::from_utf8_lossy(&ping.stdout)
    );
    assert!(String::from_utf8_lossy(&ping.stdout).contains(&ip));

    nets.disconnect(&id, &server, false).await.unwrap();
    let info = nets.inspect(&id, false).await.unwrap();
    assert!(info["Containers"].get(&server).is_none(), "{info}");

    // In use by the client: removal is refused until it leaves.
    let err = nets.remove(&id).await.unwrap_err();
    assert!(
        matches!(err, Error::Forbidden { .. } | Error::Conflict { .. }),
        "{err:?}"
    );
    nets.disconnect(&id, &client, true).await.unwrap();
    nets.remove(&id).await.unwrap();
    assert!(matches!(
        nets.inspect(&id, false).await,
        Err(Error::NotFound { .. })
    ));
    for c in [server, client] {
        d.containers()
            .remove(
                &c,
                RemoveOptions {
                    force: true,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn network_prune_removes_unused_matching_networks() {
    let d = docker();
    let mark = unique("netprune");
    let id = d
        .networks()
        .create(
            &NetworkConfig::new(&mark)
                .label(TEST_LABEL, "1")
                .label("prune-mark", &mark)
                .internal(true),
        )
        .await
        .unwrap();
    let report = d
        .networks()
        .prune(Filters::new().add("label", format!("prune-mark={mark}")))
        .await
        .unwrap();
    assert_eq!(report.deleted, vec![mark.clone()]);
    assert!(matches!(
        d.networks().inspect(&id, false).await,
        Err(Error::NotFound { .. })
    ));
}

#[tokio::test]
async fn volumes_create_list_inspect_use_remove_and_prune() {
    let d = docker();
    ensure_test_image(&d).await.unwrap();
    let vols = d.volumes();
    let mut cleanup = Cleanup::new();
    let name = unique("vol");
    let created = vols
        .create(
            &VolumeConfig::named(&name)
                .label(TEST_LABEL, "1")
                .label("purpose", "test"),
        )
        .await
        .unwrap();
    assert_eq!(created.name, name);
    assert_eq!(created.driver, "local");
    assert_eq!(
        created.labels.get("purpose").map(String::as_str),
        Some("test")
    );

    let listed = vols
        .list(Filters::new().add("name", name.as_str()))
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        vols.inspect(&name).await.unwrap().mountpoint,
        created.mountpoint
    );

    // Used by a container: data written through the mount is on the volume.
    let writer = create(
        &d,
        sh("echo persisted > /data/file")
            .mount(json!({"Type": "volume", "Source": name, "Target": "/data"})),
        &mut cleanup,
    )
    .await;
    d.containers().start(&writer).await.unwrap();
    d.containers()
        .wait(&writer, Default::default())
        .await
        .unwrap();
    let reader = d
        .run_unchecked(
            docker_testsupport::TEST_IMAGE,
            ["cat", "/data/file"],
            libdocker::RunOptions {
                config: Some(
                    libdocker::ContainerConfig::new(docker_testsupport::TEST_IMAGE)
                        .bind(&format!("{name}:/data:ro")),
                ),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(reader.stdout, b"persisted\n");

    let err = vols.remove(&name, false).await.unwrap_err();
    assert!(
        matches!(err, Error::Conflict { .. }),
        "in use by the stopped writer: {err:?}"
    );
    d.containers()
        .remove(&writer, RemoveOptions::default())
        .await
        .unwrap();
    vols.remove(&name, false).await.unwrap();
    assert!(matches!(
        vols.inspect(&name).await,
        Err(Error::NotFound { .. })
    ));

    // Prune, limited to a label of ours.
    let mark = unique("volprune");
    let doomed = vols
        .create(&VolumeConfig::named(&mark).label("prune-mark", &mark))
        .await
        .unwrap();
    let mut filters = Filters::new().add("label", format!("prune-mark={mark}"));
    if d.api_version().await.unwrap() >= ApiVersion::v1(42) {
        filters = filters.add("all", "true");
    }
    let report = vols.prune(filters).await.unwrap();
    assert_eq!(report.deleted, vec![doomed.name]);
}

#[tokio::test]
async fn volume_update_needs_api_1_42() {
    let d = docker();
    if d.api_version().await.unwrap() >= ApiVersion::v1(42) {
        return;
    }
    let started = std::time::Instant::now();
    let err = d.volumes().update("any", 1, json!({})).await.unwrap_err();
    assert!(
        matches!(err, Error::UnsupportedApiVersion { required, .. } if required == ApiVersion::v1(42)),
        "{err:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(1));
}
