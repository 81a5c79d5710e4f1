//! Exec against the real daemon: stdin, exit codes, TTY, resize.

use std::time::Duration;

use docker_testsupport::{docker, idle_container, Cleanup};
use futures_util::StreamExt;
use libdocker::ExecConfig;

#[tokio::test]
async fn exit_codes_zero_and_seven() {
    let d = docker();
    let mut cleanup = Cleanup::new();
    let id = idle_container(&d, &mut cleanup).await;
    let ok = d
        .execs()
        .run(&id, ["sh", "-c", "echo fine; echo warn >&2"])
        .await
        .unwrap();
    assert_eq!(ok.exit_code, 0);
    assert_eq!(ok.stdout, b"fine\n");
    assert_eq!(ok.stderr, b"warn\n");
    let failed = d
        .execs()
        .run(&id, ["sh", "-c", "echo nope >&2; exit 7"])
        .await
        .unwrap();
    assert_eq!(
        failed.exit_code, 7,
        "the exit code is known after the output ends"
    );
    assert_eq!(failed.stderr, b"nope\n");
}

#[tokio::test]
async fn exec_with_stdin_sees_eof_when_we_close_it() {
    let d = docker();
    let mut cleanup = Cleanup::new();
    let id = idle_container(&d, &mut cleanup).await;
    let mut session = d
        .execs()
        .spawn(&id, &ExecConfig::new(["cat"]).with_stdin())
        .await
        .unwrap();
    session.input.write(b"through stdin\n").await.unwrap();
    let echoed = tokio::time::timeout(Duration::from_secs(10), session.output.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(echoed.bytes, "through stdin\n");
    let out = session.finish().await.unwrap();
    assert_eq!(out.exit_code, 0, "cat exited on EOF");
}

#[tokio::test]
async fn exec_in_a_tty() {
    let d = docker();
    let mut cleanup = Cleanup::new();
    let id = idle_container(&d, &mut cleanup).await;
    let session = d
        .execs()
        .spawn(
            &id,
            &ExecConfig::new(["sh", "-c", "test -t 1 && echo is-a-tty; echo to-stderr >&2"])
                .with_tty(),
        )
        .await
        .unwrap();
    assert!(session.output.is_tty());
    let out = session.finish().await.unwrap();
    assert_eq!(
        out.stdout, b"is-a-tty\r\nto-stderr\r\n",
        "one stream, terminal line endings"
    );
    assert!(out.stderr.is_empty());
    assert_eq!(out.exit_code, 0);
}

#[tokio::test]
async fn resize_of_a_tty_exec() {
    let d = docker();
    let mut cleanup = Cleanup::new();
    let id = idle_container(&d, &mut cleanup).await;
    let config = ExecConfig::new(["sh", "-c", "read line; stty size"])
        .with_tty()
        .with_stdin();
    let exec = d.execs().create(&id, &config).await.unwrap();
    let mut session = d.execs().start(&exec, true).await.unwrap();
    d.execs().resize(&exec, 42, 111).await.unwrap();
    session.input.write(b"go\n").await.unwrap();
    let out = session.finish().await.unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("42 111"), "{text:?}");
    let info = d.execs().inspect(&exec).await.unwrap();
    assert!(!info.running);
    assert_eq!(info.exit_code, Some(0));
}

#[tokio::test]
async fn detached_exec_runs_in_the_background() {
    let d = docker();
    let mut cleanup = Cleanup::new();
    let id = idle_container(&d, &mut cleanup).await;
    let exec = d
        .execs()
        .create(&id, &ExecConfig::new(["sh", "-c", "echo bg > /tmp/bg"]))
        .await
        .unwrap();
    d.execs().start_detached(&exec).await.unwrap();
    for _ in 0..100 {
        if !d.execs().inspect(&exec).await.unwrap().running {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let check = d.execs().run(&id, ["cat", "/tmp/bg"]).await.unwrap();
    assert_eq!(check.stdout, b"bg\n");
}
