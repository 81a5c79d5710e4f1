//! The same client against podman's Docker-compatible API (`podman system service`):
//! negotiation, the test image imported through our client, a container's life with
//! demultiplexed logs, a typed list entry, and podman's errors typed like Docker's.

use docker_testsupport::{
    ensure_test_image, env, isolated, listed_by_name, sh, unique, Cleanup, TEST_LABEL,
};
use libdocker::{Docker, Error, LogsOptions, RemoveOptions, WaitCondition};

fn podman_host() -> String {
    env("LIBDOCKER_TEST_PODMAN_HOST")
}

fn podman() -> Docker {
    isolated(&podman_host())
        .build()
        .expect("a client of podman")
}

#[tokio::test]
async fn a_container_lives_and_is_listed_on_podman() {
    let d = podman();
    assert_eq!(d.ping().await.unwrap().status, "OK");
    let version = d.version().await.unwrap();
    let components = version.extra.get("Components").map(|c| c.to_string());
    assert!(
        components
            .as_deref()
            .unwrap_or("")
            .contains("Podman Engine"),
        "{components:?}"
    );
    ensure_test_image(&d).await.unwrap();

    let c = d.containers();
    let name = unique("podman");
    let config = sh("echo out; echo err >&2; exit 3")
        .label(TEST_LABEL, "1")
        .label("name", &name)
        .bind("/tmp:/host-tmp:ro");
    let mut cleanup = Cleanup::on_host(podman_host());
    let id = cleanup.container(c.create(&config, Some(&name)).await.unwrap().id);
    c.start(&id).await.unwrap();
    let exit = c.wait(&id, WaitCondition::NotRunning).await.unwrap();
    assert_eq!(exit.status_code, 3);
    let (out, err) = c
        .logs(&id, LogsOptions::default())
        .await
        .unwrap()
        .collect()
        .await
        .unwrap();
    assert_eq!(
        (out.as_slice(), err.as_slice()),
        (&b"out\n"[..], &b"err\n"[..])
    );

    let listed = listed_by_name(&d, &name).await;
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0].id, id);
    assert_eq!(listed[0].state, "exited");
    assert!(listed[0].names.contains(&format!("/{name}")));
    let mount = &listed[0].mounts[0];
    assert_eq!((mount.destination.as_str(), mount.rw), ("/host-tmp", false));

    c.remove(&id, RemoveOptions::default()).await.unwrap();
    match c.inspect(&id, false).await {
        Err(Error::NotFound { message }) => assert!(!message.is_empty()),
        other => panic!("inspect of a removed container: {other:?}"),
    }
}
