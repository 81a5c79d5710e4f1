//! The monitor against real daemons: the main dockerd, the TLS one and podman at
//! once; and a dockerd of its own, killed with -9 and later stopped cleanly while
//! containers come and go, whose events the monitor must deliver exactly as the
//! daemon's own history has them, with none lost or doubled.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use docker_testsupport::{ensure_test_image, env, isolated, unique, TEST_IMAGE, TEST_LABEL};
use futures_util::StreamExt;
use libdocker::{
    ContainerConfig, Docker, EventsOptions, Filters, Monitor, MonitorEvent, MonitorOptions,
    RemoveOptions, Subscription, TlsOptions,
};

/// Waits up to `secs` for a monitor event that `wanted` accepts; the events
/// seen on the way are appended to `seen`.
async fn until_event(
    sub: &mut Subscription,
    seen: &mut Vec<MonitorEvent>,
    secs: u64,
    what: &str,
    wanted: impl Fn(&MonitorEvent) -> bool,
) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    loop {
        let next = tokio::time::timeout_at(deadline, sub.next())
            .await
            .unwrap_or_else(|_| panic!("no {what} within {secs} s; seen: {seen:#?}"))
            .expect("a subscription does not end");
        let done = wanted(&next);
        seen.push(next);
        if done {
            return;
        }
    }
}

fn labelled(run: &str) -> ContainerConfig {
    ContainerConfig::new(TEST_IMAGE)
        .cmd(["true"])
        .label(TEST_LABEL, "1")
        .label("libdocker-monitor", run)
}

/// create, start, wait, remove: the events a monitor should see.
async fn one_life(d: &Docker, run: &str) -> String {
    let c = d.containers();
    let id = c.create(&labelled(run), None).await.expect("create").id;
    c.start(&id).await.expect("start");
    c.wait(&id, Default::default()).await.expect("wait");
    c.remove(
        &id,
        RemoveOptions {
            force: true,
            ..Default::default()
        },
    )
    .await
    .expect("remove");
    id
}

fn is_destroy_of(id: &str) -> impl Fn(&MonitorEvent) -> bool + '_ {
    move |e| matches!(e, MonitorEvent::Event { event, .. } if event.action == "destroy" && event.actor.id == id)
}

fn now_secs() -> String {
    let t = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    format!("{}.{:09}", t.as_secs(), t.subsec_nanos())
}

/// The daemon's own record of the run's events between `since` and now.
async fn history(d: &Docker, run: &str, since: &str) -> Vec<(i64, String, String)> {
    let events = d
        .events(EventsOptions {
            since: Some(since.to_string()),
            until: Some(now_secs()),
            filters: Filters::new().add("label", format!("libdocker-monitor={run}")),
        })
        .await
        .expect("the daemon's event history");
    events
        .map(|e| e.expect("an event of the history"))
        .map(|e| (e.time_nano, e.action, e.actor.id))
        .collect()
        .await
}

#[tokio::test]
async fn three_daemons_at_once_and_closing_releases_every_connection() {
    let run = unique("monitor-three");
    let certs = PathBuf::from(env("LIBDOCKER_TEST_CERTS"));
    let main = isolated(&env("LIBDOCKER_TEST_MAIN_HOST")).build().unwrap();
    let tls = isolated(&env("LIBDOCKER_TEST_TLS_HOST"))
        .tls(
            TlsOptions::with_ca(certs.join("ca.pem"))
                .client_auth(certs.join("cert.pem"), certs.join("key.pem")),
        )
        .build()
        .unwrap();
    let podman = isolated(&env("LIBDOCKER_TEST_PODMAN_HOST"))
        .build()
        .unwrap();
    for d in [&main, &tls, &podman] {
        ensure_test_image(d).await.unwrap();
    }
    // On podman a container made before the monitor starts: its cache lists it.
    let on_podman = podman
        .containers()
        .create(&labelled(&run), None)
        .await
        .unwrap()
        .id;

    let monitor = Monitor::new(MonitorOptions {
        filters: Filters::new().add("label", format!("libdocker-monitor={run}")),
        ..Default::default()
    });
    monitor.add("main", main.clone());
    monitor.add("tls", tls.clone());
    monitor.add("podman", podman.clone());
    assert_eq!(monitor.daemons(), ["main", "podman", "tls"]);
    assert!(
        monitor.containers("main").is_empty(),
        "nothing known before it runs"
    );

    let mut sub = monitor.subscribe().unwrap();
    let mut seen = Vec::new();
    let ups = |seen: &[MonitorEvent]| {
        seen.iter()
            .filter(|e| matches!(e, MonitorEvent::DaemonUp { .. }))
            .count()
    };
    while ups(&seen) < 3 {
        until_event(&mut sub, &mut seen, 30, "the three daemons up", |e| {
            matches!(e, MonitorEvent::DaemonUp { .. })
        })
        .await;
    }
    let mut up: Vec<&str> = seen.iter().map(MonitorEvent::daemon).collect();
    up.sort();
    assert_eq!(
        up,
        ["main", "podman", "tls"],
        "each daemon up once: {seen:?}"
    );
    assert!(monitor
        .containers("podman")
        .iter()
        .any(|c| c.id == on_podman && c.state == "created"));

    let on_main = main
        .containers()
        .create(&labelled(&run), None)
        .await
        .unwrap()
        .id;
    let on_tls = tls
        .containers()
        .create(&labelled(&run), None)
        .await
        .unwrap()
        .id;
    for (daemon, id) in [("main", &on_main), ("tls", &on_tls)] {
        until_event(&mut sub, &mut seen, 10, &format!("the create on {daemon}"), |e| {
            matches!(e, MonitorEvent::Event { daemon: d, event } if d == daemon && event.action == "create" && &event.actor.id == id)
        })
        .await;
        let cached = monitor.containers(daemon);
        assert!(
            cached.iter().any(|c| &c.id == id && c.state == "created"),
            "{daemon}: {cached:?}"
        );
    }
    // Each event is tagged with its own daemon.
    for e in &seen {
        if let MonitorEvent::Event { daemon, event } = e {
            let expected = if event.actor.id == on_main {
                "main"
            } else {
                "tls"
            };
            assert_eq!(daemon, expected, "{e:?}");
        }
    }

    // The last subscription gone, the watchers stop and close their connections.
    drop(sub);
    for (name, d) in [("main", &main), ("tls", &tls), ("podman", &podman)] {
        let deadline = Instant::now() + Duration::from_secs(3);
        loop {
            d.close();
            if d.open_connections() == 0 {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "{name} still has {} connections",
                d.open_connections()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    assert!(
        monitor.containers("main").is_empty(),
        "a stopped monitor forgets"
    );
    for (d, id) in [(&main, on_main), (&tls, on_tls), (&podman, on_podman)] {
        d.containers()
            .remove(
                &id,
                RemoveOptions {
                    force: true,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
    }
}

/// A dockerd of the test's own, on a private socket, bridge and roots, that the
/// test kills and restarts; stopped and its roots removed when dropped.
struct OwnDockerd {
    dir: PathBuf,
    child: Option<Child>,
}

const OWN_BRIDGE: &str = "ldmon0";

impl OwnDockerd {
    fn host(&self) -> String {
        format!("unix://{}", self.dir.join("d.sock").display())
    }

    fn start(dir: &Path) -> OwnDockerd {
        // Its own bridge: with --bridge=none dockerd would delete docker0.
        if !Command::new("ip")
            .args(["link", "show", OWN_BRIDGE])
            .stderr(Stdio::null())
            .stdout(Stdio::null())
            .status()
            .unwrap()
            .success()
        {
            for args in [
                vec!["link", "add", OWN_BRIDGE, "type", "bridge"],
                vec!["addr", "add", "172.31.252.1/24", "dev", OWN_BRIDGE],
                vec!["link", "set", OWN_BRIDGE, "up"],
            ] {
                assert!(
                    Command::new("ip").args(&args).status().unwrap().success(),
                    "ip {args:?}"
                );
            }
        }
        std::fs::create_dir_all(dir).unwrap();
        let mut own = OwnDockerd {
            dir: dir.to_path_buf(),
            child: None,
        };
        own.launch();
        own
    }

    fn launch(&mut self) {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.dir.join("dockerd.log"))
            .unwrap();
        let child = Command::new("dockerd")
            .arg("-H")
            .arg(self.host())
            .arg("--data-root")
            .arg(self.dir.join("data"))
            .arg("--exec-root")
            .arg(self.dir.join("exec"))
            .arg("--pidfile")
            .arg(self.dir.join("d.pid"))
            .args([
                "--bridge",
                OWN_BRIDGE,
                "--iptables=false",
                "--ip-masq=false",
            ])
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("start dockerd");
        self.child = Some(child);
    }

    async fn wait_up(&self, d: &Docker) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while d.ping().await.is_err() {
            assert!(
                Instant::now() < deadline,
                "the own dockerd did not come up; see {}",
                self.dir.join("dockerd.log").display()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Stops it: `signal` 9 (a crash, which takes the containerd it started
    /// along, or the next dockerd waits for that one in vain) or 15 (a clean
    /// stop), and waits for it.
    fn stop(&mut self, signal: i32) {
        if let Some(mut child) = self.child.take() {
            unsafe { libc::kill(child.id() as i32, signal) };
            let _ = child.wait();
        }
        if signal == 9 {
            let pidfile = self.dir.join("exec/containerd/containerd.pid");
            if let Some(pid) = std::fs::read_to_string(pidfile)
                .ok()
                .and_then(|p| p.trim().parse::<i32>().ok())
            {
                unsafe { libc::kill(pid, 9) };
                let deadline = Instant::now() + Duration::from_secs(5);
                while unsafe { libc::kill(pid, 0) } == 0 && Instant::now() < deadline {
                    std::thread::sleep(Duration::from_millis(20));
                }
            }
        }
    }
}

impl Drop for OwnDockerd {
    fn drop(&mut self) {
        self.stop(15);
        // containerd, which dockerd started, goes with a clean stop; its roots then go.
        if std::thread::panicking() {
            return; // its log stays, for the failure's reader
        }
        // dockerd leaves its roots mounted on themselves.
        for root in ["exec", "data"] {
            let _ = Command::new("umount")
                .arg("-R")
                .arg(self.dir.join(root))
                .stderr(Stdio::null())
                .status();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[tokio::test]
async fn across_a_crash_and_a_clean_restart_no_event_is_lost_or_doubled() {
    let dir = PathBuf::from(env("LIBDOCKER_TEST_WORK")).join(unique("monitor-own"));
    let mut own = OwnDockerd::start(&dir);
    let d = isolated(&own.host())
        .request_timeout(Some(Duration::from_secs(30)))
        .build()
        .unwrap();
    own.wait_up(&d).await;
    ensure_test_image(&d).await.unwrap();

    let run = unique("restarts");
    let monitor = Monitor::new(MonitorOptions {
        filters: Filters::new().add("label", format!("libdocker-monitor={run}")),
        backoff_min: Duration::from_millis(50),
        backoff_max: Duration::from_millis(500),
        ..Default::default()
    });
    monitor.add("own", d.clone());
    let mut seen = Vec::new();
    let since = now_secs();
    let mut sub = monitor.subscribe().unwrap();
    until_event(&mut sub, &mut seen, 30, "up", |e| {
        matches!(e, MonitorEvent::DaemonUp { .. })
    })
    .await;

    let mut expected = Vec::new();
    let mut since = since;
    for (round, signal) in [(1, 9), (2, 15), (3, 0)] {
        let mut last = String::new();
        for _ in 0..3 {
            last = one_life(&d, &run).await;
        }
        until_event(
            &mut sub,
            &mut seen,
            20,
            &format!("round {round}'s last destroy"),
            is_destroy_of(&last),
        )
        .await;
        expected.extend(history(&d, &run, &since).await);
        if signal == 0 {
            break;
        }
        own.stop(signal);
        until_event(&mut sub, &mut seen, 20, "down", |e| {
            matches!(e, MonitorEvent::DaemonDown { .. })
        })
        .await;
        // While it is down, calls fail; nothing can happen on it.
        assert!(d.ping().await.is_err());
        since = now_secs();
        own.launch();
        own.wait_up(&d).await;
        until_event(&mut sub, &mut seen, 30, "up again", |e| {
            matches!(e, MonitorEvent::DaemonUp { .. })
        })
        .await;
    }

    let delivered: Vec<(i64, String, String)> = seen
        .iter()
        .filter_map(|e| match e {
            MonitorEvent::Event { event, .. } => Some((
                event.time_nano,
                event.action.clone(),
                event.actor.id.clone(),
            )),
            _ => None,
        })
        .collect();
    assert_eq!(
        expected.len(),
        3 * 3 * 4,
        "the daemon's history: {expected:#?}"
    );
    assert_eq!(
        delivered, expected,
        "the monitor's events are the daemon's history, none lost or doubled"
    );
    let ups = seen
        .iter()
        .filter(|e| matches!(e, MonitorEvent::DaemonUp { .. }))
        .count();
    let downs = seen
        .iter()
        .filter(|e| matches!(e, MonitorEvent::DaemonDown { .. }))
        .count();
    assert_eq!((ups, downs), (3, 2), "{seen:#?}");
    assert!(
        monitor.containers("own").is_empty(),
        "every container was removed"
    );
    drop(sub);
}

/// The blocking form, with an unreachable daemon beside the main one: it is
/// reported down and retried, and never delays the main daemon's events.
#[test]
fn the_blocking_monitor_iterates_and_an_unreachable_daemon_delays_no_one() {
    use libdocker::blocking;
    let run = unique("monitor-blocking");
    let main =
        blocking::Docker::from_async(isolated(&env("LIBDOCKER_TEST_MAIN_HOST")).build().unwrap());
    let gone = blocking::Docker::from_async(
        isolated("unix:///nonexistent/libdocker/docker.sock")
            .build()
            .unwrap(),
    );
    let monitor = blocking::Monitor::new(MonitorOptions {
        filters: Filters::new().add("label", format!("libdocker-monitor={run}")),
        ..Default::default()
    })
    .unwrap();
    monitor.add("main", &main);
    monitor.add("gone", &gone);
    let mut reports = monitor.subscribe().unwrap();
    let mut seen = Vec::new();
    while !seen
        .iter()
        .any(|e| matches!(e, MonitorEvent::DaemonUp { daemon } if daemon == "main"))
    {
        seen.push(
            reports
                .next_timeout(Duration::from_secs(20))
                .expect("main up within 20 s"),
        );
    }
    let body = serde_json::json!({"Image": TEST_IMAGE, "Cmd": ["true"], "Labels": {TEST_LABEL: "1", "libdocker-monitor": run}});
    let created = main
        .invoke("ContainerCreate", serde_json::json!({"body": body}))
        .send()
        .unwrap()
        .into_json()
        .unwrap();
    let id = created["Id"].as_str().unwrap().to_string();
    let started = Instant::now();
    loop {
        let report = reports
            .next_timeout(Duration::from_secs(10))
            .expect("the create within 10 s");
        seen.push(report.clone());
        if let MonitorEvent::Event { daemon, event } = report {
            assert_eq!(
                (
                    daemon.as_str(),
                    event.action.as_str(),
                    event.actor.id.as_str()
                ),
                ("main", "create", id.as_str())
            );
            break;
        }
    }
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "the unreachable daemon delayed main: {seen:#?}"
    );
    assert!(
        seen.iter().any(|e| matches!(e, MonitorEvent::DaemonDown { daemon, error } if daemon == "gone" && error.contains("nonexistent"))),
        "{seen:#?}"
    );
    assert_eq!(monitor.containers("main").len(), 1);
    assert!(monitor.containers("gone").is_empty());
    drop(reports);
    assert!(
        monitor.containers("main").is_empty(),
        "no one listens: the monitor stopped"
    );
    main.invoke(
        "ContainerDelete",
        serde_json::json!({"id": id, "force": true}),
    )
    .send()
    .unwrap();
}

/// A fake daemon on 127.0.0.1 (a fault injector): its event stream is
/// `events_body` (chunked, then the connection stays open), its container list
/// empty, its ping "OK" (or, `hung`, no answer at all once its stream is open).
fn fake_daemon(events_body: &'static str, hung: bool) -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let host = format!("tcp://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { return };
            std::thread::spawn(move || loop {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") {
                    if conn.read(&mut byte).unwrap_or(0) == 0 {
                        return;
                    }
                    head.push(byte[0]);
                }
                let head = String::from_utf8_lossy(&head);
                let answer = if head.contains("/events") {
                    let chunk = format!("{:x}\r\n{events_body}\r\n", events_body.len());
                    let _ = conn.write_all(
                        format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n{chunk}").as_bytes(),
                    );
                    // Hangs mid-stream: the stream neither goes on nor ends.
                    std::thread::sleep(Duration::from_secs(60));
                    return;
                } else if hung && head.contains("/_ping") {
                    std::thread::sleep(Duration::from_secs(60));
                    return;
                } else if head.contains("/containers/json") {
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n[]".to_string()
                } else {
                    "HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nOK".to_string()
                };
                if conn.write_all(answer.as_bytes()).is_err() {
                    return;
                }
            });
        }
    });
    host
}

/// Faults of one daemon stay with it: malformed event JSON is that daemon down
/// (and retried); a daemon that hangs mid-stream and answers no ping is found
/// by the liveness ping and reported down; a quiet one (its stream open, its
/// pings answered) stays up; the main daemon's events arrive all the while.
#[tokio::test]
async fn a_daemon_sending_garbage_or_hanging_is_reported_for_itself_only() {
    let run = unique("monitor-faults");
    let main = isolated(&env("LIBDOCKER_TEST_MAIN_HOST")).build().unwrap();
    ensure_test_image(&main).await.unwrap();
    let pinned = |host: &str| {
        isolated(host)
            .api_version("1.41".parse().unwrap())
            .build()
            .unwrap()
    };
    let monitor = Monitor::new(MonitorOptions {
        filters: Filters::new().add("label", format!("libdocker-monitor={run}")),
        backoff_min: Duration::from_millis(50),
        backoff_max: Duration::from_millis(200),
        liveness_every: Some(Duration::from_millis(300)),
        ..Default::default()
    });
    monitor.add("main", main.clone());
    monitor.add(
        "garbage",
        pinned(&fake_daemon(
            "{\"Type\": \"container\", \"Action\": tru\n",
            false,
        )),
    );
    monitor.add("quiet", pinned(&fake_daemon("\n", false)));
    monitor.add("hung", pinned(&fake_daemon("\n", true)));
    let mut sub = monitor.subscribe().unwrap();
    let mut seen = Vec::new();
    let garbage_down = |seen: &[MonitorEvent]| {
        seen.iter()
            .filter(|e| matches!(e, MonitorEvent::DaemonDown { daemon, .. } if daemon == "garbage"))
            .count()
    };
    let ups = |seen: &[MonitorEvent], who: &str| {
        seen.iter()
            .filter(|e| matches!(e, MonitorEvent::DaemonUp { daemon } if daemon == who))
            .count()
    };
    let hung_down = |seen: &[MonitorEvent]| {
        seen.iter().any(|e| {
            matches!(e, MonitorEvent::DaemonDown { daemon, error } if daemon == "hung" && error.contains("liveness"))
        })
    };
    // The garbage daemon keeps going down and up: bound the whole wait.
    let deadline = Instant::now() + Duration::from_secs(20);
    while ups(&seen, "main") == 0
        || ups(&seen, "quiet") == 0
        || garbage_down(&seen) < 2
        || !hung_down(&seen)
    {
        assert!(
            Instant::now() < deadline,
            "within 20 s: main and quiet up, garbage down twice, hung found by the liveness ping; seen {seen:#?}"
        );
        until_event(
            &mut sub,
            &mut seen,
            20,
            "main and quiet up, garbage down twice, hung found by the liveness ping",
            |_| true,
        )
        .await;
    }
    let id = main
        .containers()
        .create(&labelled(&run), None)
        .await
        .unwrap()
        .id;
    until_event(&mut sub, &mut seen, 10, "main's create", |e| {
        matches!(e, MonitorEvent::Event { daemon, event } if daemon == "main" && event.actor.id == id)
    })
    .await;
    let down = seen
        .iter()
        .find_map(|e| match e {
            MonitorEvent::DaemonDown { daemon, error } if daemon == "garbage" => {
                Some(error.clone())
            }
            _ => None,
        })
        .unwrap();
    assert!(
        down.to_lowercase().contains("decod") || down.contains("JSON"),
        "{down}"
    );
    assert!(
        seen.iter().all(|e| {
            !matches!(e, MonitorEvent::DaemonDown { daemon, .. } if daemon == "main" || daemon == "quiet")
        }),
        "the faults stay with their daemons: {seen:#?}"
    );
    main.containers()
        .remove(
            &id,
            RemoveOptions {
                force: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
}

/// Stats of 20 running containers, as `docker stats` computes them.
#[tokio::test]
async fn stats_for_twenty_containers() {
    let run = unique("monitor-stats");
    let main = isolated(&env("LIBDOCKER_TEST_MAIN_HOST")).build().unwrap();
    ensure_test_image(&main).await.unwrap();
    let config = ContainerConfig::new(TEST_IMAGE)
        .cmd(["sleep", "300"])
        .label(TEST_LABEL, "1")
        .label("libdocker-monitor", &run);
    let mut ids = Vec::new();
    for _ in 0..20 {
        let id = main.containers().create(&config, None).await.unwrap().id;
        main.containers().start(&id).await.unwrap();
        ids.push(id);
    }
    let monitor = Monitor::new(MonitorOptions {
        filters: Filters::new().add("label", format!("libdocker-monitor={run}")),
        stats_every: Some(Duration::from_millis(500)),
        ..Default::default()
    });
    monitor.add("main", main.clone());
    let mut sub = monitor.subscribe().unwrap();
    let mut stats: std::collections::HashMap<String, Vec<libdocker::MonitorStats>> =
        Default::default();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while ids.iter().any(|id| stats.get(id).map_or(0, Vec::len) < 2) {
        let report = tokio::time::timeout_at(deadline, sub.next())
            .await
            .unwrap_or_else(|_| {
                panic!(
                    "two samples of each container within 60 s; have {:?}",
                    stats.keys().len()
                )
            })
            .unwrap();
        if let MonitorEvent::Stats { daemon, stats: s } = report {
            assert_eq!(daemon, "main");
            assert!(ids.contains(&s.id), "only the monitor's containers: {s:?}");
            stats.entry(s.id.clone()).or_default().push(s);
        }
    }
    for id in &ids {
        let s = stats[id].last().unwrap();
        assert!(
            s.memory_usage > 0 && s.memory_limit >= s.memory_usage,
            "{s:?}"
        );
        assert!(s.memory_percent > 0.0 && s.memory_percent <= 100.0, "{s:?}");
        assert!((0.0..=400.0).contains(&s.cpu_percent), "{s:?}");
        assert!(s.pids >= 1 && !s.name.is_empty(), "{s:?}");
        assert!(s.net_rx_rate >= 0.0 && s.block_read_rate >= 0.0, "{s:?}");
    }
    drop(sub);
    for id in ids {
        main.containers()
            .remove(
                &id,
                RemoveOptions {
                    force: true,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
    }
}
