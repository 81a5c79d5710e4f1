//! Files in and out of containers against the real daemon.

use std::os::unix::fs::PermissionsExt;

use docker_testsupport::{docker, ensure_test_image, idle_container, Cleanup};
use libdocker::Error;

#[tokio::test]
async fn copy_a_tree_in_and_out_keeping_modes_links_and_empty_dirs() {
    let d = docker();
    ensure_test_image(&d).await.unwrap();
    let c = d.containers();
    let mut cleanup = Cleanup::new();
    let id = idle_container(&d, &mut cleanup).await;

    let src = tempfile::tempdir().unwrap();
    let tree = src.path().join("tree");
    std::fs::create_dir_all(tree.join("nested/deeper")).unwrap();
    std::fs::create_dir_all(tree.join("empty")).unwrap();
    std::fs::write(tree.join("nested/deeper/data.txt"), "some data\n").unwrap();
    std::fs::write(tree.join("run.sh"), "#!/bin/sh\necho ran\n").unwrap();
    std::fs::set_permissions(tree.join("run.sh"), std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::write(tree.join("private"), "secret").unwrap();
    std::fs::set_permissions(tree.join("private"), std::fs::Permissions::from_mode(0o600)).unwrap();
    std::os::unix::fs::symlink("nested/deeper/data.txt", tree.join("link")).unwrap();

    c.copy_to(&id, &tree, "/tmp").await.unwrap();

    // Inside the container: the script runs, the link resolves, modes are kept.
    let ran = d.execs().run(&id, ["/tmp/tree/run.sh"]).await.unwrap();
    assert_eq!(ran.stdout, b"ran\n");
    let check = d
        .execs()
        .run(&id, ["sh", "-c", "cat /tmp/tree/link; readlink /tmp/tree/link; stat -c %a /tmp/tree/private; test -d /tmp/tree/empty && echo empty-dir"])
        .await
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&check.stdout),
        "some data\nnested/deeper/data.txt\n600\nempty-dir\n"
    );

    let stat = c.archive_info(&id, "/tmp/tree/run.sh").await.unwrap();
    assert_eq!(stat.name, "run.sh");
    assert_eq!(stat.permissions(), 0o755);
    assert!(c.archive_info(&id, "/tmp/tree").await.unwrap().is_dir());

    // And back out.
    let dest = tempfile::tempdir().unwrap();
    c.copy_from(&id, "/tmp/tree", dest.path()).await.unwrap();
    let back = dest.path().join("tree");
    assert_eq!(
        std::fs::read_to_string(back.join("nested/deeper/data.txt")).unwrap(),
        "some data\n"
    );
    assert_eq!(
        std::fs::metadata(back.join("run.sh"))
            .unwrap()
            .permissions()
            .mode()
            & 0o777,
        0o755
    );
    assert_eq!(
        std::fs::metadata(back.join("private"))
            .unwrap()
            .permissions()
            .mode()
            & 0o777,
        0o600
    );
    assert_eq!(
        std::fs::read_link(back.join("link"))
            .unwrap()
            .to_str()
            .unwrap(),
        "nested/deeper/data.txt"
    );
    assert!(back.join("empty").is_dir());
    assert_eq!(std::fs::read_dir(back.join("empty")).unwrap().count(), 0);
}

#[tokio::test]
async fn a_single_file_and_a_missing_path() {
    let d = docker();
    ensure_test_image(&d).await.unwrap();
    let c = d.containers();
    let mut cleanup = Cleanup::new();
    let id = idle_container(&d, &mut cleanup).await;

    let src = tempfile::tempdir().unwrap();
    let file = src.path().join("note.txt");
    std::fs::write(&file, "just one file").unwrap();
    c.copy_to(&id, &file, "/root").await.unwrap();
    let cat = d.execs().run(&id, ["cat", "/root/note.txt"]).await.unwrap();
    assert_eq!(cat.stdout, b"just one file");

    let err = c.archive_info(&id, "/no/such/path").await.unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
    let err = c
        .copy_from(&id, "/no/such/path", src.path())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
    let err = c
        .copy_to(&id, src.path().join("absent"), "/tmp")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("absent"), "{err}");
}
