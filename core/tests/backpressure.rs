//! A slow consumer makes the client read slowly: 1 GiB of logs goes through with
//! the process's peak RSS far below the data size. Alone in its test binary, so the
//! peak RSS is this test's.

use std::time::Duration;

use docker_testsupport::{create, docker, ensure_test_image, sh, Cleanup};
use futures_util::StreamExt;
use libdocker::{LogsOptions, WaitCondition};
use serde_json::json;

const GIB: usize = 1 << 30;

fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[tokio::test]
async fn one_gib_of_logs_through_a_slow_consumer_in_bounded_memory() {
    let d = docker();
    ensure_test_image(&d).await.unwrap();
    let mut cleanup = Cleanup::new();
    let config = sh("head -c 1073741824 /dev/zero | tr '\\0' x").set(
        "/HostConfig/LogConfig",
        json!({"Type": "local", "Config": {"max-size": "1200m"}}),
    );
    let id = create(&d, config, &mut cleanup).await;
    d.containers().start(&id).await.unwrap();
    let exit = d
        .containers()
        .wait_timeout(&id, WaitCondition::NotRunning, Duration::from_secs(300))
        .await
        .unwrap();
    assert_eq!(exit.status_code, 0);

    let mut logs = d
        .containers()
        .logs(&id, LogsOptions::default())
        .await
        .unwrap();
    let (mut total, mut next_pause) = (0usize, 0usize);
    while let Some(chunk) = logs.next().await {
        let chunk = chunk.unwrap();
        assert!(chunk.bytes.iter().all(|&b| b == b'x'));
        total += chunk.bytes.len();
        if total >= next_pause {
            // Slower than the daemon: a pause every 8 MiB.
            tokio::time::sleep(Duration::from_millis(10)).await;
            next_pause += 8 << 20;
        }
    }
    assert_eq!(total, GIB, "every byte arrived");
    let peak_mib = peak_rss_kib() / 1024;
    println!("peak RSS {peak_mib} MiB for 1 GiB of logs");
    assert!(peak_mib < 64, "peak RSS {peak_mib} MiB");
}
