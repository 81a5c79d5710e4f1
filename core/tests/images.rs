//! Images against the real daemon and the real registries of the test environment
//! (127.0.0.1:5000 open, 127.0.0.1:5001 with htpasswd).

use std::path::Path;

use docker_testsupport::{
    auth_registry, busybox_rootfs_tar, create, docker, docker_with_cli_config, ensure_test_image,
    env, sh, unique, AuthRegistry, Cleanup, TEST_IMAGE, TEST_LABEL,
};
use libdocker::{
    ApiVersion, Body, CommitOptions, Credentials, Docker, Error, Filters, ImportOptions,
    ListImagesOptions, PullOptions, PushOptions, RemoveOptions, WaitCondition,
};
use serde_json::json;

/// An image of its own (the test image plus a file), so tests can remove it freely.
async fn own_image(d: &Docker, cleanup: &mut Cleanup) -> String {
    ensure_test_image(d).await.unwrap();
    let marker = unique("content");
    let id = create(d, sh(&format!("echo {marker} > /marker")), cleanup).await;
    d.containers().start(&id).await.unwrap();
    d.containers()
        .wait(&id, WaitCondition::NotRunning)
        .await
        .unwrap();
    d.images()
        .commit(
            &id,
            CommitOptions {
                changes: vec![
                    format!("LABEL {TEST_LABEL}=1"),
                    "CMD [\"cat\", \"/marker\"]".into(),
                ],
                ..Default::default()
            },
        )
        .await
        .unwrap()
}

#[tokio::test]
async fn push_remove_and_pull_back_through_the_open_registry() {
    let d = docker();
    let mut cleanup = Cleanup::new();
    let image = own_image(&d, &mut cleanup).await;
    let reference = format!(
        "{}/libdocker-test/roundtrip:{}",
        env("LIBDOCKER_TEST_REGISTRY"),
        unique("t")
    );
    let (repo, tag) = reference.rsplit_once(':').unwrap();
    d.images().tag(&image, repo, Some(tag)).await.unwrap();

    let pushed = d
        .images()
        .push(&reference, PushOptions::default())
        .await
        .unwrap()
        .finish()
        .await
        .unwrap();
    let digest = pushed.digest.clone().expect("the push reports its digest");
    assert!(digest.starts_with("sha256:"), "{digest}");
    assert!(
        pushed.layers.len() >= 2,
        "each layer is named: {:?}",
        pushed.layers
    );

    let removed = d.images().remove(&reference, true, false).await.unwrap();
    assert!(removed.deleted.contains(&image), "{removed:?}");
    assert!(matches!(
        d.images().inspect(&image).await,
        Err(Error::NotFound { .. })
    ));

    let pulled = d
        .images()
        .pull(&reference, PullOptions::default())
        .await
        .unwrap()
        .finish()
        .await
        .unwrap();
    assert_eq!(
        pulled.digest.as_deref(),
        Some(digest.as_str()),
        "the pull ends with the pushed digest"
    );
    assert!(!pulled.layers.is_empty(), "{pulled:?}");
    let back = d.images().inspect(&reference).await.unwrap();
    assert_eq!(back.id, image, "the pulled image is the pushed one");
    assert!(back.repo_digests.iter().any(|rd| rd.ends_with(&digest)));
    let layers = back.root_fs["Layers"].as_array().map_or(0, Vec::len);
    assert!(layers >= 1, "the image's layers: {:?}", back.root_fs);

    let dist = d
        .images()
        .distribution_inspect(&reference, None)
        .await
        .unwrap();
    assert_eq!(dist["Descriptor"]["digest"], digest.as_str());
    d.images().remove(&reference, true, false).await.unwrap();

    // By digest too.
    let by_digest = format!("{repo}@{digest}");
    let pulled = d
        .images()
        .pull(&by_digest, PullOptions::default())
        .await
        .unwrap()
        .finish()
        .await
        .unwrap();
    assert_eq!(pulled.digest.as_deref(), Some(digest.as_str()));
    assert_eq!(d.images().inspect(&by_digest).await.unwrap().id, image);
    d.images().remove(&image, true, false).await.unwrap();
}

#[tokio::test]
async fn the_auth_registry_with_explicit_config_file_and_helper_credentials() {
    let d = docker();
    ensure_test_image(&d).await.unwrap();
    let AuthRegistry {
        host: registry,
        user,
        password,
    } = auth_registry();
    let reference = format!("{registry}/libdocker-test/private:{}", unique("t"));
    let (repo, tag) = reference.rsplit_once(':').unwrap();
    d.images().tag(TEST_IMAGE, repo, Some(tag)).await.unwrap();

    // Login check.
    let good = Credentials::basic(&registry, &user, &password);
    let bad = Credentials::basic(&registry, &user, "wrong-password");
    assert!(d.auth(&good).await.unwrap().accepted);
    let refused = d.auth(&bad).await.unwrap();
    assert!(!refused.accepted);
    assert!(!refused.status.contains("wrong-password"));

    // Explicit credentials.
    let err = d
        .images()
        .push(
            &reference,
            PushOptions {
                credentials: Some(bad.clone()),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .finish()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Unauthorized { .. }), "{err:?}");
    assert!(!err.to_string().contains("wrong-password"));
    d.images()
        .push(
            &reference,
            PushOptions {
                credentials: Some(good.clone()),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .finish()
        .await
        .unwrap();

    // No credentials anywhere: Unauthorized.
    let (anonymous, _config) = docker_with_cli_config(&json!({}), None);
    let err = anonymous
        .images()
        .pull(&reference, PullOptions::default())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Unauthorized { .. }), "{err:?}");

    // Wrong password given explicitly: Unauthorized.
    let err = d
        .images()
        .pull(
            &reference,
            PullOptions {
                credentials: Some(bad),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Unauthorized { .. }), "{err:?}");

    // An `auths` entry in config.json.
    let encoded = base64_encode(&format!("{user}:{password}"));
    let (from_file, _config) = docker_with_cli_config(
        &json!({"auths": {format!("http://{registry}"): {"auth": encoded}}}),
        None,
    );
    from_file
        .images()
        .pull(&reference, PullOptions::default())
        .await
        .unwrap()
        .finish()
        .await
        .unwrap();

    // A credential helper on PATH (docker-credential-libdockertest).
    let helper_dir = tempfile::tempdir().unwrap();
    let helper = helper_dir.path().join("docker-credential-libdockertest");
    std::fs::write(
        &helper,
        format!(
            "#!/bin/sh\nread server\n[ \"$1\" = get ] || exit 1\n\
             printf '{{\"ServerURL\":\"%s\",\"Username\":\"{user}\",\"Secret\":\"{password}\"}}' \"$server\"\n"
        ),
    )
    .unwrap();
    std::fs::set_permissions(&helper, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let (from_helper, _config) = docker_with_cli_config(
        &json!({"credHelpers": {registry.clone(): "libdockertest"}}),
        Some(helper_dir.path()),
    );
    let store = from_helper.credential_store().unwrap();
    assert!(
        !format!("{store:?}").contains(&password),
        "Debug output hides the secret"
    );
    from_helper
        .images()
        .pull(&reference, PullOptions::default())
        .await
        .unwrap()
        .finish()
        .await
        .unwrap();

    d.images().remove(&reference, false, false).await.unwrap();
}

fn base64_encode(s: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(s)
}

#[tokio::test]
async fn save_and_load_round_trip_keeps_the_image_id() {
    let d = docker();
    let mut cleanup = Cleanup::new();
    let image = own_image(&d, &mut cleanup).await;
    let name = format!("libdocker-test/saved:{}", unique("t"));
    let (repo, tag) = name.rsplit_once(':').unwrap();
    d.images().tag(&image, repo, Some(tag)).await.unwrap();

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("saved.tar");
    let bytes = d.images().save_to_file(&[&name], &file).await.unwrap();
    assert!(
        bytes > 1_000_000,
        "the busybox layer is in there ({bytes} bytes)"
    );
    d.images().remove(&name, true, false).await.unwrap();
    assert!(matches!(
        d.images().inspect(&image).await,
        Err(Error::NotFound { .. })
    ));

    let loaded = d
        .images()
        .load_file(&file)
        .await
        .unwrap()
        .finish()
        .await
        .unwrap();
    assert!(
        loaded.output.contains(&name) || loaded.last_status.is_some(),
        "{loaded:?}"
    );
    assert_eq!(d.images().inspect(&name).await.unwrap().id, image);

    // Several images in one archive (ImageGetAll).
    let mut both = Vec::new();
    let mut stream = d
        .images()
        .save(&[&name, TEST_IMAGE])
        .await
        .unwrap()
        .into_reader();
    tokio::io::AsyncReadExt::read_to_end(&mut stream, &mut both)
        .await
        .unwrap();
    let manifest = tar::Archive::new(&both[..])
        .entries()
        .unwrap()
        .map(|e| e.unwrap())
        .find(|e| e.path().unwrap().to_string_lossy() == "manifest.json")
        .map(|mut e| {
            let mut s = String::new();
            std::io::Read::read_to_string(&mut e, &mut s).unwrap();
            s
        })
        .unwrap();
    assert!(
        manifest.contains(&name) && manifest.contains(TEST_IMAGE),
        "{manifest}"
    );
    d.images().remove(&name, true, false).await.unwrap();
}

#[tokio::test]
async fn import_a_rootfs_tar_and_run_it() {
    let d = docker();
    let tar = busybox_rootfs_tar(Path::new("/bin/busybox")).unwrap();
    let repo = format!("libdocker-test/imported-{}", unique("i"));
    let summary = d
        .images()
        .import(
            Body::from_stream(futures_util::stream::iter(
                tar.chunks(100_000)
                    .map(|c| Ok(bytes::Bytes::copy_from_slice(c)))
                    .collect::<Vec<_>>(),
            )),
            ImportOptions {
                repo: Some(repo.clone()),
                tag: Some("v1".into()),
                changes: vec![format!("LABEL {TEST_LABEL}=1")],
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .finish()
        .await
        .unwrap();
    let id = summary
        .image_id
        .expect("the import reports the new image id");
    let inspected = d.images().inspect(&format!("{repo}:v1")).await.unwrap();
    assert_eq!(inspected.id, id);
    let out = d
        .run(
            &format!("{repo}:v1"),
            ["echo", "imported"],
            Default::default(),
        )
        .await
        .unwrap();
    assert_eq!(out.stdout, b"imported\n");
    d.images().remove(&id, true, false).await.unwrap();
}

#[tokio::test]
async fn commit_of_a_changed_container_runs_with_the_change() {
    let d = docker();
    let mut cleanup = Cleanup::new();
    let image = own_image(&d, &mut cleanup).await;
    let info = d.images().inspect(&image).await.unwrap();
    assert_eq!(info.config["Cmd"], json!(["cat", "/marker"]));
    let out = d
        .run(&image, ["cat", "/marker"], Default::default())
        .await
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("content-"));
    let history = d.images().history(&image).await.unwrap();
    assert!(history.len() >= 2);
    assert_eq!(history[0].id, image);
    d.images().remove(&image, true, false).await.unwrap();
}

#[tokio::test]
async fn list_filters_tag_remove_and_prune() {
    let d = docker();
    let mut cleanup = Cleanup::new();
    let image = own_image(&d, &mut cleanup).await;
    let mark = unique("mark");
    d.images()
        .tag(&image, &format!("libdocker-test/{mark}"), Some("a"))
        .await
        .unwrap();
    d.images()
        .tag(&image, &format!("libdocker-test/{mark}"), Some("b"))
        .await
        .unwrap();
    let listed = d
        .images()
        .list(ListImagesOptions {
            filters: Filters::new().add("reference", format!("libdocker-test/{mark}")),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, image);
    assert_eq!(listed[0].repo_tags.len(), 2);

    let untag = d
        .images()
        .remove(&format!("libdocker-test/{mark}:a"), false, false)
        .await
        .unwrap();
    assert_eq!(untag.untagged, vec![format!("libdocker-test/{mark}:a")]);
    assert!(untag.deleted.is_empty(), "another tag still holds it");

    // Removing the last tag deletes the image.
    let last = d
        .images()
        .remove(&format!("libdocker-test/{mark}:b"), false, false)
        .await
        .unwrap();
    assert_eq!(last.deleted.first(), Some(&image));

    // A commit without a name is dangling: the prune (limited to its label) removes it.
    let container = create(&d, sh("true"), &mut cleanup).await;
    let dangling = d
        .images()
        .commit(
            &container,
            CommitOptions {
                changes: vec![format!("LABEL prune-mark={mark}")],
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let pruned = d
        .images()
        .prune(
            Filters::new()
                .add("dangling", "true")
                .add("label", format!("prune-mark={mark}")),
        )
        .await
        .unwrap();
    assert!(pruned.deleted.contains(&dangling), "{pruned:?}");
    assert!(matches!(
        d.images().inspect(&dangling).await,
        Err(Error::NotFound { .. })
    ));
}

#[tokio::test]
async fn search_without_a_reachable_index_is_a_clear_error() {
    let d = docker();
    let err = d.images().search("busybox", Some(5)).await.unwrap_err();
    assert!(err.status().is_some(), "{err:?}");
    assert!(err.to_string().contains("index.docker.io"), "{err}");
}

#[tokio::test]
async fn image_attestations_need_api_1_55() {
    let d = docker();
    if d.api_version().await.unwrap() >= ApiVersion::v1(55) {
        return;
    }
    let err = d
        .invoke("ImageAttestations", json!({"name": TEST_IMAGE}))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::UnsupportedApiVersion { required, .. } if required == ApiVersion::v1(55)),
        "{err:?}"
    );
}

#[tokio::test]
async fn removing_an_image_used_by_a_container_is_a_conflict() {
    let d = docker();
    let mut cleanup = Cleanup::new();
    let image = own_image(&d, &mut cleanup).await;
    let id = create(&d, libdocker::ContainerConfig::new(&image), &mut cleanup).await;
    let err = d.images().remove(&image, false, false).await.unwrap_err();
    assert!(matches!(err, Error::Conflict { .. }), "{err:?}");
    d.containers()
        .remove(&id, RemoveOptions::default())
        .await
        .unwrap();
    d.images().remove(&image, false, false).await.unwrap();
}
