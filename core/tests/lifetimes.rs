//! Calls end when their owner says so, and never leak: a dropped future or
//! stream closes its connection (never handing a half-used one back to the pool),
//! a fired `Cancel` ends a waiting call or stream at once (async and blocking),
//! a blocking caller's check can stop any wait, and exec is full duplex. The
//! connections are counted at a proxy in front of the real daemon.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use docker_testsupport::{env, idle_container, isolated, Cleanup, Recorder};
use futures_util::StreamExt;
use libdocker::{Cancel, Error, ExecConfig};
use serde_json::{json, Value};

/// Waits until the proxy sees at most `n` connections open (closing is seen a
/// moment after it happens).
async fn settles_to(rec: &Recorder, n: usize) -> usize {
    for _ in 0..100 {
        if rec.open_now() <= n {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    rec.open_now()
}

/// Events parameters that match nothing: a stream that stays silent.
fn quiet() -> Value {
    json!({"filters": {"label": ["libdocker-test-never-set=1"]}})
}

/// A pseudo-random number (xorshift), the same sequence for every run.
fn next(state: &AtomicU64) -> u64 {
    let mut x = state.load(Ordering::Relaxed);
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    state.store(x, Ordering::Relaxed);
    x
}

#[tokio::test]
async fn calls_cancelled_at_random_points_leave_the_pool_sound() {
    let mut cleanup = Cleanup::new();
    let main = docker_testsupport::docker();
    let chatty = idle_container(&main, &mut cleanup).await;
    // Output to read while it is cut: 20,000 lines.
    main.execs()
        .run(&chatty, ["sh", "-c", "seq 20000 > /proc/1/fd/1"])
        .await
        .unwrap();

    let rec = Recorder::start(&env("LIBDOCKER_TEST_MAIN_HOST")).await;
    let d = isolated(&rec.address).max_connections(16).build().unwrap();
    let seed = AtomicU64::new(0x9E37_79B9_7F4A_7C15);
    let mut tasks = Vec::new();
    for i in 0..1000 {
        // Cut anywhere from before the connection opens to well into a body.
        let cut = Duration::from_micros(next(&seed) % 4000);
        let d = d.clone();
        let chatty = chatty.clone();
        tasks.push(tokio::spawn(async move {
            let work = async {
                match i % 5 {
                    0 => d.ping().await.map(drop),
                    1 => d
                        .invoke("ContainerList", json!({"all": true}))
                        .await
                        .map(drop),
                    2 => {
                        let mut logs = d.containers().logs(&chatty, Default::default()).await?;
                        while let Some(chunk) = logs.next().await {
                            chunk?;
                        }
                        Ok(())
                    }
                    3 => {
                        let mut events = d
                            .invoke("SystemEvents", json!({"since": "0"}))
                            .await?
                            .into_json_stream()?;
                        while let Some(e) = events.next().await {
                            e?;
                        }
                        Ok(())
                    }
                    _ => d.invoke("ImageList", Value::Null).await.map(drop),
                }
            };
            let _ = tokio::time::timeout(cut, work).await;
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    // What follows works on whatever the cuts left in the pool.
    for _ in 0..100 {
        let listed = d
            .invoke("ContainerList", json!({"all": true}))
            .await
            .unwrap()
            .into_json()
            .unwrap();
        assert!(listed.is_array());
    }
    assert!(d.open_connections() <= 16, "{}", d.open_connections());
    assert!(
        settles_to(&rec, 16).await <= 16,
        "at most the cap stays open"
    );
}

#[tokio::test]
async fn a_fired_cancel_ends_a_waiting_call_and_its_stream() {
    let mut cleanup = Cleanup::new();
    let main = docker_testsupport::docker();
    let idle = idle_container(&main, &mut cleanup).await;
    let rec = Recorder::start(&env("LIBDOCKER_TEST_MAIN_HOST")).await;
    let d = isolated(&rec.address).build().unwrap();
    d.ping().await.unwrap();
    assert_eq!(
        settles_to(&rec, 1).await,
        1,
        "the ping's connection waits idle"
    );

    // A wait that would last minutes (on the idle connection).
    let cancel = Cancel::new();
    let wait = tokio::spawn({
        let d = d.clone();
        let (idle, cancel) = (idle.clone(), cancel.clone());
        async move {
            d.invoke("ContainerWait", json!({ "id": idle }))
                .cancel(&cancel)
                .await
        }
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(d.idle_connections(), 0, "the wait holds the connection");
    cancel.cancel();
    let err = wait.await.unwrap().unwrap_err();
    assert!(matches!(err, Error::Cancelled { .. }), "{err:?}");
    // Closed, not handed back half-used.
    assert_eq!(settles_to(&rec, 0).await, 0);
    assert_eq!(d.idle_connections(), 0);

    // A stream of events that would never end.
    let cancel = Cancel::new();
    let mut events = d
        .invoke("SystemEvents", quiet())
        .cancel(&cancel)
        .await
        .unwrap()
        .into_json_stream()
        .unwrap();
    let fire = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        fire.cancel();
    });
    let item = events.next().await.unwrap();
    assert!(matches!(item, Err(Error::Cancelled { .. })), "{item:?}");
    assert!(events.next().await.is_none(), "the stream is over");
    assert_eq!(settles_to(&rec, 0).await, 0);

    // Fired before the call: nothing is sent. Fired twice: nothing more happens.
    cancel.cancel();
    let sent = rec.sent().len();
    let err = d
        .invoke("SystemInfo", Value::Null)
        .cancel(&cancel)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Cancelled { .. }));
    assert_eq!(rec.sent().len(), sent, "nothing more was sent");
}

#[tokio::test]
async fn a_blocking_call_ends_when_its_cancel_fires_or_its_check_says_stop() {
    let mut cleanup = Cleanup::new();
    let main = docker_testsupport::docker();
    let idle = idle_container(&main, &mut cleanup).await;
    let rec = Recorder::start(&env("LIBDOCKER_TEST_MAIN_HOST")).await;
    let address = rec.address.clone();
    let cancel = Cancel::new();
    let fire = cancel.clone();
    let waiting = tokio::task::spawn_blocking({
        let idle = idle.clone();
        move || {
            let b = isolated(&address).build_blocking().unwrap();
            b.ping().unwrap();
            // Fired from another thread while the wait blocks in `recv`.
            let err = b
                .invoke("ContainerWait", json!({ "id": idle }))
                .options(libdocker::CallOptions {
                    cancel: Some(cancel),
                    ..Default::default()
                })
                .send()
                .unwrap_err();
            assert!(matches!(err, Error::Cancelled { .. }), "{err:?}");

            // A check installed on the thread stops a whole answer and a stream.
            let stop = Arc::new(AtomicBool::new(false));
            let flag = stop.clone();
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(200));
                flag.store(true, Ordering::SeqCst);
            });
            let check = {
                let stop = stop.clone();
                move || stop.load(Ordering::SeqCst)
            };
            let err = libdocker::interruptible(check, || {
                b.invoke("ContainerWait", json!({ "id": idle })).send()
            })
            .unwrap_err();
            assert!(matches!(err, Error::Cancelled { .. }), "{err:?}");
            let mut events = b
                .invoke("SystemEvents", quiet())
                .send()
                .unwrap()
                .into_json_stream()
                .unwrap();
            let item = libdocker::interruptible(|| true, || events.next());
            assert!(
                matches!(item, Some(Err(Error::Cancelled { .. }))),
                "{item:?}"
            );
            drop(events);
            b.ping().unwrap();
        }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    fire.cancel();
    waiting.await.unwrap();
    assert!(
        settles_to(&rec, 1).await <= 1,
        "only the idle pinged connection stays"
    );
}

#[tokio::test]
async fn exec_is_full_duplex_for_64_mib_through_cat() {
    let mut cleanup = Cleanup::new();
    let d = docker_testsupport::docker();
    let idle = idle_container(&d, &mut cleanup).await;
    let input: Vec<u8> = (0..64 * 1024 * 1024u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    let session = d
        .execs()
        .spawn(&idle, &ExecConfig::new(["cat"]).with_stdin())
        .await
        .unwrap();
    let out = session.communicate(&input).await.unwrap();
    assert_eq!(out.exit_code, 0);
    assert_eq!(out.stdout.len(), input.len());
    assert!(out.stdout == input, "the bytes came back as they went");
    assert!(out.stderr.is_empty());

    // A process that stops reading early still gives its output and exit code.
    let session = d
        .execs()
        .spawn(
            &idle,
            &ExecConfig::new(["sh", "-c", "head -c 10; exit 3"]).with_stdin(),
        )
        .await
        .unwrap();
    let out = session.communicate(&input).await.unwrap();
    assert_eq!(out.exit_code, 3);
    assert_eq!(out.stdout, &input[..10]);
}
