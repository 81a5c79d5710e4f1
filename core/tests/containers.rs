//! The container lifecycle against the real daemon.

use std::time::{Duration, Instant};

use docker_testsupport::{
    create, docker, ensure_test_image, idle_container, listed_by_name, sh, unique, Cleanup,
    TEST_IMAGE, TEST_LABEL,
};
use futures_util::StreamExt;
use libdocker::{
    AttachOptions, Change, ContainerConfig, Error, ErrorKind, Filters, ListOptions, LogsOptions,
    RemoveOptions, StopOptions, WaitCondition,
};
use serde_json::json;
use tokio::io::AsyncReadExt;

#[tokio::test]
async fn create_inspect_list_rename_and_remove() {
    let d = docker();
    ensure_test_image(&d).await.unwrap();
    let c = d.containers();
    let mut cleanup = Cleanup::new();
    let name = unique("lifecycle");
    let config = ContainerConfig::new(TEST_IMAGE)
        .cmd(["sleep", "30"])
        .env("MODE", "test")
        .label(TEST_LABEL, "1")
        .label("name", &name)
        .working_dir("/tmp")
        .user("nobody")
        .expose("8080/tcp")
        .restart_policy("no", 0);
    let created = c.create(&config, Some(&name)).await.unwrap();
    cleanup.container(&created.id);

    let info = c.inspect(&name, false).await.unwrap();
    assert_eq!(info.id, created.id);
    assert_eq!(info.name, format!("/{name}"));
    assert_eq!(info.state.status, "created");
    assert_eq!(info.config.cmd, ["sleep", "30"]);
    assert!(info.config.env.contains(&"MODE=test".to_string()));
    assert_eq!(info.config.working_dir, "/tmp");
    assert_eq!(info.config.user, "nobody");

    let listed = listed_by_name(&d, &name).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, created.id);
    assert_eq!(listed[0].state, "created");
    assert!(listed[0].names.contains(&format!("/{name}")));

    let renamed = unique("renamed");
    c.rename(&created.id, &renamed).await.unwrap();
    assert_eq!(
        c.inspect(&created.id, false).await.unwrap().name,
        format!("/{renamed}")
    );

    c.remove(&created.id, RemoveOptions::default())
        .await
        .unwrap();
    let err = c.inspect(&created.id, false).await.unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }));
}

#[tokio::test]
async fn a_container_lives_from_create_to_removal() {
    let d = docker();
    ensure_test_image(&d).await.unwrap();
    let c = d.containers();
    let mut cleanup = Cleanup::new();
    let mark = unique("lives");
    let id = create(
        &d,
        sh("sleep 0.2; exit 5").label("lives-mark", &mark),
        &mut cleanup,
    )
    .await;

    let info = c.inspect(&id, false).await.unwrap();
    assert_eq!(info.id, id);
    assert_eq!(info.config.cmd, ["sh", "-c", "sleep 0.2; exit 5"]);
    assert_eq!(info.state.status, "created");
    assert!(!info.state.running);

    c.start(&id).await.unwrap();
    let exit = c
        .wait_timeout(&id, WaitCondition::NotRunning, Duration::from_secs(20))
        .await
        .unwrap();
    assert_eq!(exit.status_code, 5);
    assert_eq!(exit.error, None);

    let state = c.inspect(&id, false).await.unwrap().state;
    assert_eq!(state.status, "exited", "{state:?}");
    assert_eq!(state.exit_code, 5, "{state:?}");
    assert!(!state.running && !state.paused && !state.dead, "{state:?}");
    assert!(!state.started_at.is_empty() && !state.finished_at.is_empty());

    let listed = c
        .list(ListOptions {
            all: true,
            filters: Filters::new().add("label", format!("lives-mark={mark}")),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0].id, id);
    assert_eq!(listed[0].state, "exited");
    assert_eq!(listed[0].labels.get("lives-mark"), Some(&mark));

    c.remove(&id, RemoveOptions::default()).await.unwrap();
    let err = c.inspect(&id, false).await.unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert_eq!(err.status(), Some(404));
    assert!(err.to_string().contains(&id), "{err}");
}

#[tokio::test]
async fn errors_carry_the_daemons_message() {
    let d = docker();
    ensure_test_image(&d).await.unwrap();
    let c = d.containers();
    let err = c.start("no-such-container-libdocker").await.unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
    assert!(
        err.to_string().contains("no-such-container-libdocker"),
        "{err}"
    );

    let mut cleanup = Cleanup::new();
    let id = create(&d, sh("sleep 30"), &mut cleanup).await;
    c.start(&id).await.unwrap();
    let err = c.remove(&id, RemoveOptions::default()).await.unwrap_err();
    assert!(matches!(err, Error::Conflict { .. }), "{err:?}");
    assert!(err.daemon_message().unwrap().contains("running"), "{err}");
    c.remove(
        &id,
        RemoveOptions {
            force: true,
            ..Default::default()
        },
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn wait_conditions() {
    let d = docker();
    ensure_test_image(&d).await.unwrap();
    let c = d.containers();
    let mut cleanup = Cleanup::new();

    // not-running: the exit code of a finished process.
    let id = create(&d, sh("exit 3"), &mut cleanup).await;
    c.start(&id).await.unwrap();
    let r = c
        .wait_timeout(&id, WaitCondition::NotRunning, Duration::from_secs(20))
        .await
        .unwrap();
    assert_eq!(r.status_code, 3);
    assert_eq!(r.error, None);

    // next-exit: waits for the next exit of a running container.
    let id = create(&d, sh("sleep 30"), &mut cleanup).await;
    c.start(&id).await.unwrap();
    let waiter = {
        let c = c.clone();
        let id = id.clone();
        tokio::spawn(async move { c.wait(&id, WaitCondition::NextExit).await })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        !waiter.is_finished(),
        "next-exit waits while the container runs"
    );
    c.kill(&id, None).await.unwrap();
    let r = tokio::time::timeout(Duration::from_secs(20), waiter)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(r.status_code, 137, "SIGKILL");

    // removed: returns once the container is gone.
    let id = create(&d, sh("exit 0"), &mut cleanup).await;
    let waiter = {
        let c = c.clone();
        let id = id.clone();
        tokio::spawn(async move { c.wait(&id, WaitCondition::Removed).await })
    };
    c.start(&id).await.unwrap();
    c.wait(&id, WaitCondition::NotRunning).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(!waiter.is_finished(), "removed waits until the removal");
    c.remove(&id, RemoveOptions::default()).await.unwrap();
    let r = tokio::time::timeout(Duration::from_secs(20), waiter)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(r.status_code, 0);
}

#[tokio::test]
async fn stop_with_a_timeout_kills_a_process_that_ignores_sigterm() {
    let d = docker();
    ensure_test_image(&d).await.unwrap();
    let c = d.containers();
    let mut cleanup = Cleanup::new();
    // PID 1 ignores SIGTERM unless it handles it: `sleep` does not.
    let id = create(
        &d,
        ContainerConfig::new(TEST_IMAGE).cmd(["sleep", "300"]),
        &mut cleanup,
    )
    .await;
    c.start(&id).await.unwrap();
    let started = Instant::now();
    c.stop(
        &id,
        StopOptions {
            timeout: Some(1),
            signal: None,
        },
    )
    .await
    .unwrap();
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(900),
        "waited the timeout first ({took:?})"
    );
    assert!(took < Duration::from_secs(15), "{took:?}");
    let state = c.inspect(&id, false).await.unwrap().state;
    assert!(!state.running);
    assert_eq!(state.exit_code, 137);
    // Stopping again is not an error (304 from the daemon).
    c.stop(&id, StopOptions::default()).await.unwrap();
}

#[tokio::test]
async fn kill_with_a_signal_the_process_reports() {
    let d = docker();
    ensure_test_image(&d).await.unwrap();
    let c = d.containers();
    let mut cleanup = Cleanup::new();
    let id = create(
        &d,
        sh("trap 'echo got USR1; exit 0' USR1; echo ready; while true; do sleep 0.1; done"),
        &mut cleanup,
    )
    .await;
    c.start(&id).await.unwrap();
    let mut logs = c
        .logs(
            &id,
            LogsOptions {
                follow: true,
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .lines(100);
    let ready = logs.next().await.unwrap().unwrap();
    assert_eq!(ready.bytes, "ready\n");
    c.kill(&id, Some("SIGUSR1")).await.unwrap();
    let got = tokio::time::timeout(Duration::from_secs(10), logs.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(got.bytes, "got USR1\n");
    assert_eq!(
        c.wait(&id, WaitCondition::NotRunning)
            .await
            .unwrap()
            .status_code,
        0
    );
}

#[tokio::test]
async fn pause_unpause_restart_and_update_are_visible_in_inspect() {
    let d = docker();
    ensure_test_image(&d).await.unwrap();
    let c = d.containers();
    let mut cleanup = Cleanup::new();
    let id = idle_container(&d, &mut cleanup).await;

    c.pause(&id).await.unwrap();
    let s = c.inspect(&id, false).await.unwrap().state;
    assert!(s.paused && s.status == "paused", "{s:?}");
    c.unpause(&id).await.unwrap();
    let s = c.inspect(&id, false).await.unwrap().state;
    assert!(!s.paused && s.running, "{s:?}");

    let memory = 96 * 1024 * 1024;
    c.update(&id, json!({"Memory": memory, "MemorySwap": -1}))
        .await
        .unwrap();
    let info = c.inspect(&id, false).await.unwrap();
    assert_eq!(info.host_config["Memory"], memory);

    let pid_before = info.state.pid;
    c.restart(
        &id,
        StopOptions {
            timeout: Some(0),
            signal: None,
        },
    )
    .await
    .unwrap();
    let s = c.inspect(&id, false).await.unwrap().state;
    assert!(s.running);
    assert_ne!(s.pid, pid_before, "a new process after the restart");
    c.remove(
        &id,
        RemoveOptions {
            force: true,
            ..Default::default()
        },
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn top_changes_and_export() {
    let d = docker();
    ensure_test_image(&d).await.unwrap();
    let c = d.containers();
    let mut cleanup = Cleanup::new();
    let id = create(
        &d,
        sh("echo payload > /tmp/newfile; exec sleep 300"),
        &mut cleanup,
    )
    .await;
    c.start(&id).await.unwrap();
    // Wait for the file to be written.
    for _ in 0..100 {
        if c.changes(&id)
            .await
            .unwrap()
            .iter()
            .any(|ch| ch.path == "/tmp/newfile")
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let top = c.top(&id, None).await.unwrap();
    let cmd_col = top
        .titles
        .iter()
        .position(|t| t == "CMD" || t == "COMMAND")
        .unwrap();
    assert!(
        top.processes
            .iter()
            .any(|p| p[cmd_col].contains("sleep 300")),
        "{top:?}"
    );

    let changes = c.changes(&id).await.unwrap();
    let added = changes
        .iter()
        .find(|ch| ch.path == "/tmp/newfile")
        .expect("the new file is a change");
    assert_eq!(added.kind, Change::ADDED);

    // The export is a tar holding the file.
    let mut reader = c.export(&id).await.unwrap().into_reader();
    let mut tar_bytes = Vec::new();
    reader.read_to_end(&mut tar_bytes).await.unwrap();
    let mut archive = tar::Archive::new(&tar_bytes[..]);
    let mut found = None;
    for entry in archive.entries().unwrap() {
        let mut entry = entry.unwrap();
        if entry
            .path()
            .unwrap()
            .to_string_lossy()
            .trim_start_matches("./")
            == "tmp/newfile"
        {
            let mut s = String::new();
            std::io::Read::read_to_string(&mut entry, &mut s).unwrap();
            found = Some(s);
        }
    }
    assert_eq!(found.as_deref(), Some("payload\n"));
    c.remove(
        &id,
        RemoveOptions {
            force: true,
            ..Default::default()
        },
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn stats_one_shot_and_streaming() {
    let d = docker();
    ensure_test_image(&d).await.unwrap();
    let c = d.containers();
    let mut cleanup = Cleanup::new();
    let id = idle_container(&d, &mut cleanup).await;

    let one = c.stats(&id).await.unwrap();
    assert!(one["cpu_stats"].is_object(), "{one}");
    assert!(one["memory_stats"].is_object(), "{one}");

    let mut stream = c.stats_stream(&id).await.unwrap();
    let a = tokio::time::timeout(Duration::from_secs(10), stream.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let b = tokio::time::timeout(Duration::from_secs(10), stream.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert!(a["read"].is_string() && b["read"].is_string());
    assert_ne!(
        a["read"], b["read"],
        "two samples, taken at different times"
    );
    drop(stream);
    c.remove(
        &id,
        RemoveOptions {
            force: true,
            ..Default::default()
        },
    )
    .await
    .unwrap();
}

/// A started `cat`, its stdin open for one attach.
async fn running_cat(d: &libdocker::Docker, cleanup: &mut Cleanup) -> String {
    ensure_test_image(d).await.unwrap();
    let config = ContainerConfig::new(TEST_IMAGE)
        .cmd(["cat"])
        .stdin(true, true);
    let id = create(d, config, cleanup).await;
    d.containers().start(&id).await.unwrap();
    id
}

/// Writes a line and binary bytes through `attached`, reads each back as `cat`
/// echoes it, closes stdin, and checks that `cat` saw EOF and exited 0.
async fn echo_through_cat(d: &libdocker::Docker, id: &str, attached: libdocker::Attached) {
    let (mut output, mut input) = attached.split();
    input.write(b"hello cat\n").await.unwrap();
    let echoed = tokio::time::timeout(Duration::from_secs(10), output.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(echoed.bytes, "hello cat\n");
    input.write(b"\x00binary\xff").await.unwrap();
    input.close().await.unwrap();
    let (rest, _) = output.collect().await.unwrap();
    assert_eq!(rest, b"\x00binary\xff");
    let exit = d
        .containers()
        .wait_timeout(id, WaitCondition::NotRunning, Duration::from_secs(20))
        .await
        .unwrap();
    assert_eq!(exit.status_code, 0, "cat saw EOF and exited 0");
}

#[tokio::test]
async fn attach_to_a_running_cat() {
    let d = docker();
    let mut cleanup = Cleanup::new();
    let id = running_cat(&d, &mut cleanup).await;
    let options = AttachOptions {
        stdin: true,
        ..Default::default()
    };
    let attached = d.containers().attach(&id, options).await.unwrap();
    assert!(!attached.output.is_tty());
    echo_through_cat(&d, &id, attached).await;
}

#[tokio::test]
async fn run_collects_output_and_reports_failure() {
    let d = docker();
    ensure_test_image(&d).await.unwrap();
    let out = d
        .run(
            TEST_IMAGE,
            ["sh", "-c", "echo out; echo err >&2"],
            Default::default(),
        )
        .await
        .unwrap();
    assert_eq!(out.stdout, b"out\n");
    assert_eq!(out.stderr, b"err\n");
    assert_eq!(out.exit_code, 0);
    let gone = d
        .containers()
        .inspect(&out.container_id, false)
        .await
        .unwrap_err();
    assert!(matches!(gone, Error::NotFound { .. }), "removed afterwards");

    let err = d
        .run(
            TEST_IMAGE,
            ["sh", "-c", "echo bad input >&2; exit 4"],
            Default::default(),
        )
        .await
        .unwrap_err();
    match err {
        Error::ContainerFailed { exit_code, stderr } => {
            assert_eq!(exit_code, 4);
            assert_eq!(stderr, "bad input\n");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn prune_removes_stopped_containers_matching_the_filter() {
    let d = docker();
    ensure_test_image(&d).await.unwrap();
    let c = d.containers();
    let mut cleanup = Cleanup::new();
    let mark = unique("prune");
    let id = create(&d, sh("true").label("prune-mark", &mark), &mut cleanup).await;
    let report = c
        .prune(Filters::new().add("label", format!("prune-mark={mark}")))
        .await
        .unwrap();
    assert_eq!(report.deleted, vec![id.clone()]);
    assert!(matches!(
        c.inspect(&id, false).await,
        Err(Error::NotFound { .. })
    ));
}

#[tokio::test]
async fn attach_over_a_websocket() {
    let d = docker();
    let mut cleanup = Cleanup::new();
    let id = running_cat(&d, &mut cleanup).await;
    let options = AttachOptions {
        stdin: true,
        ..Default::default()
    };
    let attached = d.containers().attach_websocket(&id, options).await.unwrap();
    echo_through_cat(&d, &id, attached).await;
}

#[tokio::test]
async fn resize_a_tty_container() {
    let d = docker();
    ensure_test_image(&d).await.unwrap();
    let c = d.containers();
    let mut cleanup = Cleanup::new();
    let config = ContainerConfig::new(TEST_IMAGE)
        .cmd(["sh", "-c", "read go; stty size"])
        .tty(true)
        .stdin(true, true);
    let id = create(&d, config, &mut cleanup).await;
    c.start(&id).await.unwrap();
    c.resize(&id, 33, 99).await.unwrap();
    let mut attached = c
        .attach(
            &id,
            AttachOptions {
                stdin: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(
        attached.output.is_tty(),
        "known from the container's Config.Tty"
    );
    attached.input.write(b"go\n").await.unwrap();
    let (out, _) = attached.output.collect().await.unwrap();
    assert!(
        String::from_utf8_lossy(&out).contains("33 99"),
        "{:?}",
        String::from_utf8_lossy(&out)
    );
}

#[tokio::test]
async fn a_listed_container_shows_its_ports_mounts_and_networks() {
    let d = docker();
    ensure_test_image(&d).await.unwrap();
    let mut cleanup = Cleanup::new();
    let name = unique("summary");
    let config = sh("sleep 300")
        .label("name", &name)
        .publish("80/tcp", "127.0.0.1", 0)
        .bind("/tmp:/host-tmp:ro");
    let id = create(&d, config, &mut cleanup).await;
    d.containers().start(&id).await.unwrap();

    let listed = listed_by_name(&d, &name).await;
    assert_eq!(listed.len(), 1, "{listed:?}");
    let c = &listed[0];
    assert_eq!(c.state, "running");

    let port = c
        .ports
        .iter()
        .find(|p| p.private_port == 80)
        .expect("port 80");
    assert_eq!(port.protocol, "tcp");
    assert_eq!(port.ip.as_deref(), Some("127.0.0.1"));
    assert!(port.public_port.is_some_and(|p| p > 0), "{port:?}");

    let mount = c
        .mounts
        .iter()
        .find(|m| m.destination == "/host-tmp")
        .expect("the bind mount");
    assert_eq!(
        (mount.kind.as_str(), mount.source.as_str(), mount.rw),
        ("bind", "/tmp", false)
    );

    assert_eq!(c.host_config.network_mode, "default");
    let bridge = &c.network_settings.networks["bridge"];
    assert!(
        !bridge.ip_address.is_empty() && bridge.ip_prefix_len > 0,
        "{bridge:?}"
    );
    assert!(!bridge.network_id.is_empty());
}
