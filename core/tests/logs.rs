//! Container output against the real daemon, compared byte for byte with what the
//! docker CLI prints for the same container.

use std::time::Duration;

use docker_testsupport::{cli, create, docker, ensure_test_image, sh, Cleanup};
use futures_util::StreamExt;
use libdocker::{ContainerConfig, Docker, LogsOptions, StdStream, WaitCondition};
use serde_json::json;

/// The `local` log driver keeps bytes as written (json-file would replace invalid UTF-8).
fn local_log(config: ContainerConfig) -> ContainerConfig {
    config.set(
        "/HostConfig/LogConfig",
        json!({"Type": "local", "Config": {"max-size": "200m"}}),
    )
}

/// Runs `config` to completion and returns the container id.
async fn finished(d: &Docker, config: ContainerConfig, cleanup: &mut Cleanup) -> String {
    let id = create(d, config, cleanup).await;
    d.containers().start(&id).await.unwrap();
    let exit = d
        .containers()
        .wait(&id, WaitCondition::NotRunning)
        .await
        .unwrap();
    assert_eq!(exit.status_code, 0);
    id
}

async fn ours(d: &Docker, id: &str, options: LogsOptions) -> (Vec<u8>, Vec<u8>) {
    d.containers()
        .logs(id, options)
        .await
        .unwrap()
        .collect()
        .await
        .unwrap()
}

async fn assert_same_as_cli(d: &Docker, id: &str, timestamps: bool) -> (Vec<u8>, Vec<u8>) {
    let (out, err) = ours(
        d,
        id,
        LogsOptions {
            timestamps,
            ..Default::default()
        },
    )
    .await;
    let mut args = vec!["logs"];
    if timestamps {
        args.push("--timestamps");
    }
    args.push(id);
    let (cli_out, cli_err) = cli(&args);
    assert!(
        out == cli_out,
        "stdout differs from the CLI's ({} vs {} bytes)",
        out.len(),
        cli_out.len()
    );
    assert!(
        err == cli_err,
        "stderr differs from the CLI's ({} vs {} bytes)",
        err.len(),
        cli_err.len()
    );
    (out, err)
}

#[tokio::test]
async fn text_output_is_the_same_as_the_clis() {
    let d = docker();
    ensure_test_image(&d).await.unwrap();
    let mut cleanup = Cleanup::new();
    let id = finished(
        &d,
        sh("echo hello; echo oops >&2; echo world"),
        &mut cleanup,
    )
    .await;
    let (out, err) = assert_same_as_cli(&d, &id, false).await;
    assert_eq!(out, b"hello\nworld\n");
    assert_eq!(err, b"oops\n");
}

#[tokio::test]
async fn binary_output_with_nul_and_invalid_utf8_survives() {
    let d = docker();
    ensure_test_image(&d).await.unwrap();
    let mut cleanup = Cleanup::new();
    let script = r"printf 'a\000b\377\376c\n'; printf '\001\000\200' >&2";
    let id = finished(&d, local_log(sh(script)), &mut cleanup).await;
    let (out, err) = assert_same_as_cli(&d, &id, false).await;
    assert_eq!(out, b"a\x00b\xff\xfec\n");
    assert_eq!(err, b"\x01\x00\x80");
}

#[tokio::test]
async fn output_without_a_trailing_newline() {
    let d = docker();
    ensure_test_image(&d).await.unwrap();
    let mut cleanup = Cleanup::new();
    let id = finished(
        &d,
        local_log(sh("printf 'no newline'; printf 'err too' >&2")),
        &mut cleanup,
    )
    .await;
    let (out, err) = assert_same_as_cli(&d, &id, false).await;
    assert_eq!(out, b"no newline");
    assert_eq!(err, b"err too");
}

#[tokio::test]
async fn a_tty_container_is_one_unframed_stream() {
    let d = docker();
    ensure_test_image(&d).await.unwrap();
    let mut cleanup = Cleanup::new();
    let id = finished(
        &d,
        sh("printf 'line1\\nline2'; echo err >&2").tty(true),
        &mut cleanup,
    )
    .await;
    let logs = d.containers().logs(&id, Default::default()).await.unwrap();
    assert!(logs.is_tty());
    let (out, err) = assert_same_as_cli(&d, &id, false).await;
    // The terminal turns \n into \r\n; stderr goes to the same terminal.
    assert_eq!(out, b"line1\r\nline2err\r\n");
    assert!(err.is_empty());
}

#[tokio::test]
async fn fifty_mib_of_mixed_stdout_and_stderr() {
    let d = docker();
    ensure_test_image(&d).await.unwrap();
    let mut cleanup = Cleanup::new();
    // 50 × (512 KiB of random bytes on stdout, then 512 KiB on stderr).
    let script = "i=0; while [ $i -lt 50 ]; do head -c 524288 /dev/urandom; \
                  head -c 524288 /dev/urandom >&2; i=$((i+1)); done";
    let id = finished(&d, local_log(sh(script)), &mut cleanup).await;
    let (out, err) = assert_same_as_cli(&d, &id, false).await;
    assert_eq!(out.len(), 25 << 20);
    assert_eq!(err.len(), 25 << 20);
}

#[tokio::test]
async fn timestamps_are_the_same_as_the_clis() {
    let d = docker();
    ensure_test_image(&d).await.unwrap();
    let mut cleanup = Cleanup::new();
    let id = finished(&d, sh("echo one; echo two >&2; echo three"), &mut cleanup).await;
    let (out, err) = assert_same_as_cli(&d, &id, true).await;
    let first = String::from_utf8(out).unwrap();
    let (stamp, text) = first.lines().next().unwrap().split_once(' ').unwrap();
    assert_eq!(text, "one");
    assert!(
        stamp.len() >= 20 && stamp.contains('T') && stamp.ends_with('Z'),
        "{stamp}"
    );
    assert!(String::from_utf8(err).unwrap().ends_with(" two\n"));
}

#[tokio::test]
async fn tail_since_and_until() {
    let d = docker();
    ensure_test_image(&d).await.unwrap();
    let mut cleanup = Cleanup::new();
    let id = finished(
        &d,
        sh("echo 1; echo 2; echo 3; sleep 2; echo 4"),
        &mut cleanup,
    )
    .await;

    let (out, _) = ours(
        &d,
        &id,
        LogsOptions {
            tail: Some(2),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(out, b"3\n4\n");

    // The daemon's timestamp of line 4, to cut the log around the pause.
    let (stamped, _) = ours(
        &d,
        &id,
        LogsOptions {
            timestamps: true,
            ..Default::default()
        },
    )
    .await;
    let stamped = String::from_utf8(stamped).unwrap();
    let line4 = stamped.lines().find(|l| l.ends_with(" 4")).unwrap();
    let t4 = parse_rfc3339(line4.split(' ').next().unwrap());
    let cut = format!("{:.3}", t4 - 1.0);

    let (out, _) = ours(
        &d,
        &id,
        LogsOptions {
            since: Some(cut.clone()),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(out, b"4\n");
    let (out, _) = ours(
        &d,
        &id,
        LogsOptions {
            until: Some(cut),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(out, b"1\n2\n3\n");
}

/// Seconds since the epoch of an RFC 3339 UTC timestamp such as `2026-11-21T19:11:33.123456789Z`.
fn parse_rfc3339(s: &str) -> f64 {
    let (date, time) = s.trim_end_matches('Z').split_once('T').unwrap();
    let d: Vec<i64> = date.split('-').map(|x| x.parse().unwrap()).collect();
    let (hms, frac) = time.split_once('.').unwrap_or((time, "0"));
    let t: Vec<i64> = hms.split(':').map(|x| x.parse().unwrap()).collect();
    // Days from civil (Howard Hinnant's algorithm).
    let (y, m) = if d[1] <= 2 {
        (d[0] - 1, d[1] + 9)
    } else {
        (d[0], d[1] - 3)
    };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * m + 2) / 5 + d[2] - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146097 + doe - 719468;
    let secs = days * 86400 + t[0] * 3600 + t[1] * 60 + t[2];
    secs as f64 + format!("0.{frac}").parse::<f64>().unwrap()
}

#[tokio::test]
async fn follow_streams_as_it_comes_and_ends_when_the_container_stops() {
    let d = docker();
    ensure_test_image(&d).await.unwrap();
    let mut cleanup = Cleanup::new();
    let id = create(
        &d,
        sh("for i in 1 2 3; do echo tick $i; sleep 0.3; done; echo done >&2"),
        &mut cleanup,
    )
    .await;
    d.containers().start(&id).await.unwrap();
    let mut logs = d
        .containers()
        .logs(
            &id,
            LogsOptions {
                follow: true,
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .lines(1024);
    let first = tokio::time::timeout(Duration::from_secs(5), logs.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(
        first.bytes, "tick 1\n",
        "the first line arrives before the container ends"
    );
    let state = d.containers().inspect(&id, false).await.unwrap().state;
    assert!(state.running, "still running while we read");
    let mut rest = Vec::new();
    while let Some(line) = tokio::time::timeout(Duration::from_secs(10), logs.next())
        .await
        .expect("follow ends")
    {
        let line = line.unwrap();
        rest.push((line.stream, String::from_utf8(line.bytes.to_vec()).unwrap()));
    }
    assert_eq!(
        rest,
        vec![
            (StdStream::Stdout, "tick 2\n".to_string()),
            (StdStream::Stdout, "tick 3\n".to_string()),
            (StdStream::Stderr, "done\n".to_string()),
        ]
    );
}

#[tokio::test]
async fn bulk_streams_return_their_connection_to_the_pool() {
    let rec =
        docker_testsupport::Recorder::start(&docker_testsupport::env("LIBDOCKER_TEST_MAIN_HOST"))
            .await;
    let d = docker_testsupport::isolated(&rec.address).build().unwrap();
    ensure_test_image(&d).await.unwrap();
    let mut cleanup = Cleanup::new();
    let id = finished(&d, sh("seq 1 20000"), &mut cleanup).await;
    let before = rec.connections();
    for _ in 0..3 {
        let (out, _) = ours(&d, &id, LogsOptions::default()).await;
        assert!(out.ends_with(b"19999\n20000\n"));
        d.ping().await.unwrap();
    }
    // A missing container answers 404 on the same path, and the connection survives it.
    let err = d
        .containers()
        .logs("no-such-container-logs", LogsOptions::default())
        .await
        .unwrap_err();
    assert!(matches!(err, libdocker::Error::NotFound { .. }), "{err:?}");
    d.ping().await.unwrap();
    assert_eq!(
        rec.connections(),
        before,
        "every request after the first went on the kept connection"
    );
}
