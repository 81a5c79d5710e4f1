//! Swarm, services, tasks, nodes, secrets and configs on the test environment's
//! two-node swarm (tests/env/swarm.sh: a manager and a worker, each dockerd in its
//! own network namespace). The tests share it one at a time (one drains the
//! worker, one makes it leave and join again) and remove what they create.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use docker_testsupport::{env, isolated, unique, Recorder, TEST_IMAGE, TEST_LABEL};
use futures_util::StreamExt;
use libdocker::resources::containers::LogsOptions;
use libdocker::{
    Availability, ConvergeOptions, Convergence, Docker, Error, FileRef, Filters, NetworkConfig,
    ServiceSpec, SwarmJoin, Task, UpdatePolicy,
};
use serde_json::{json, Value};

/// One test at a time on the shared swarm.
static SWARM: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn manager() -> Docker {
    isolated(&env("LIBDOCKER_TEST_SWARM_MANAGER"))
        .build()
        .unwrap()
}

fn worker() -> Docker {
    isolated(&env("LIBDOCKER_TEST_SWARM_WORKER"))
        .build()
        .unwrap()
}

/// The ids of the manager and the worker node.
async fn node_ids(m: &Docker) -> (String, String) {
    let nodes = m.nodes().list(Filters::new()).await.unwrap();
    let with_role = |role: &str| {
        nodes
            .iter()
            .find(|n| n.spec["Role"] == role && n.get("/Status/State") == Some(&json!("ready")))
            .unwrap_or_else(|| panic!("no ready {role} in {nodes:#?}"))
            .id
            .clone()
    };
    (with_role("manager"), with_role("worker"))
}

/// A service spec of the test image running `script`, labelled, stopping fast.
fn spec(script: &str) -> ServiceSpec {
    let mut s = ServiceSpec::new(&unique("svc"), TEST_IMAGE)
        .command(&["sh", "-c", script])
        .label(TEST_LABEL, "1");
    s.stop_grace_period = Some(Duration::from_secs(1));
    s
}

/// Removes the service when dropped, even when the test fails (with a client of
/// its own: the test's connections belong to the test's runtime).
struct Removed(String);

impl Drop for Removed {
    fn drop(&mut self) {
        let id = self.0.clone();
        let _ = std::thread::spawn(move || {
            let removed = libdocker::blocking::Docker::from_async(manager());
            removed.block_on(removed.client().services().remove(&id))
        })
        .join();
    }
}

async fn create(m: &Docker, spec: &ServiceSpec) -> (String, Removed) {
    let id = m.services().create(spec).await.unwrap();
    (id.clone(), Removed(id))
}

/// Waits for convergence, keeping every report.
async fn converge(m: &Docker, id: &str) -> (Convergence, Vec<Convergence>) {
    let mut reports = Vec::new();
    let options = ConvergeOptions {
        timeout: Duration::from_secs(90),
        poll: Duration::from_millis(200),
    };
    let done = m
        .services()
        .wait_converged(id, options, |p| reports.push(p.clone()))
        .await
        .unwrap_or_else(|e| panic!("service {id} did not converge: {e}"));
    (done, reports)
}

/// The running tasks of a service.
async fn running(m: &Docker, id: &str) -> Vec<Task> {
    let filters = Filters::new()
        .add("service", id)
        .add("desired-state", "running");
    let tasks = m.tasks().list(filters).await.unwrap();
    tasks
        .into_iter()
        .filter(|t| t.status.state == "running")
        .collect()
}

/// Waits until `check` holds of the service's running tasks.
async fn until_tasks(
    m: &Docker,
    id: &str,
    what: &str,
    check: impl Fn(&[Task]) -> bool,
) -> Vec<Task> {
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let tasks = running(m, id).await;
        if check(&tasks) {
            return tasks;
        }
        assert!(Instant::now() < deadline, "{what}: {tasks:#?}");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

#[tokio::test]
async fn three_replicas_spread_over_both_nodes_scale_and_log_from_both() {
    let _one = SWARM.lock().await;
    let m = manager();
    let (manager_id, worker_id) = node_ids(&m).await;
    let script = "echo out-$(hostname); echo err-$(hostname) >&2; exec sleep 600";
    let (id, _removed) = create(&m, &spec(script).replicas(3)).await;

    let (done, reports) = converge(&m, &id).await;
    assert!(
        done.converged && done.running == 3 && done.desired == 3,
        "{done:?}"
    );
    assert!(
        reports.len() >= 2 && reports[0].running < 3,
        "progress is reported on the way: {reports:?}"
    );
    let tasks = running(&m, &id).await;
    assert_eq!(tasks.len(), 3);
    let nodes: BTreeSet<&str> = tasks.iter().map(|t| t.node_id.as_str()).collect();
    assert_eq!(
        nodes,
        BTreeSet::from([manager_id.as_str(), worker_id.as_str()]),
        "the replicas are spread over both nodes"
    );

    // The logs of tasks on both nodes, stdout and stderr apart. A container's
    // hostname is its id's first 12 characters.
    let hosts: BTreeMap<String, String> = tasks
        .iter()
        .map(|t| {
            (
                t.container_id().unwrap()[..12].to_string(),
                t.node_id.clone(),
            )
        })
        .collect();
    let deadline = Instant::now() + Duration::from_secs(60);
    let (out, err) = loop {
        let logs = m
            .services()
            .logs(&id, LogsOptions::default())
            .await
            .unwrap();
        assert!(!logs.is_tty());
        let (out, err) = logs.collect().await.unwrap();
        let (out, err) = (
            String::from_utf8(out).unwrap(),
            String::from_utf8(err).unwrap(),
        );
        if hosts
            .keys()
            .all(|h| out.contains(&format!("out-{h}")) && err.contains(&format!("err-{h}")))
            || Instant::now() > deadline
        {
            break (out, err);
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    };
    for host in hosts.keys() {
        assert!(
            out.contains(&format!("out-{host}")),
            "stdout of {host}: {out:?}"
        );
        assert!(
            err.contains(&format!("err-{host}")),
            "stderr of {host}: {err:?}"
        );
    }
    assert!(
        !out.contains("err-") && !err.contains("out-"),
        "demultiplexed: {out:?} / {err:?}"
    );
    let logged_nodes: BTreeSet<&String> = hosts.values().collect();
    assert_eq!(logged_nodes.len(), 2, "logs came from both nodes");

    // One task's own logs.
    let one = &tasks[0];
    let (out, _) = m
        .tasks()
        .logs(&one.id, LogsOptions::default())
        .await
        .unwrap()
        .collect()
        .await
        .unwrap();
    let host = &one.container_id().unwrap()[..12];
    assert_eq!(
        String::from_utf8(out).unwrap().trim(),
        format!("out-{host}")
    );

    m.services().scale(&id, 5).await.unwrap();
    let (done, _) = converge(&m, &id).await;
    assert_eq!((done.running, done.desired), (5, 5));
    assert_eq!(running(&m, &id).await.len(), 5);
    assert_eq!(
        m.services().inspect(&id).await.unwrap().spec["Mode"]["Replicated"]["Replicas"],
        5
    );

    m.services().scale(&id, 1).await.unwrap();
    let (done, _) = converge(&m, &id).await;
    assert_eq!((done.running, done.desired), (1, 1));
    until_tasks(&m, &id, "scaled down to one task", |t| t.len() == 1).await;

    let listed = m
        .services()
        .list(Filters::new().add("id", &id))
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        listed[0].labels().get(TEST_LABEL).map(String::as_str),
        Some("1")
    );
}

#[tokio::test]
async fn a_rolling_update_reports_progress_ends_on_the_new_spec_and_rolls_back() {
    let _one = SWARM.lock().await;
    let m = manager();
    let policy = UpdatePolicy {
        parallelism: 1,
        delay: Duration::from_millis(300),
        ..Default::default()
    };
    let s = spec("exec sleep 600")
        .env("MODE=blue")
        .replicas(3)
        .update_policy(policy);
    let (id, _removed) = create(&m, &s).await;
    converge(&m, &id).await;

    let service = m.services().inspect(&id).await.unwrap();
    let mut next = service.spec.clone();
    next["TaskTemplate"]["ContainerSpec"]["Env"] = json!(["MODE=green"]);
    m.services()
        .update(&id, service.version(), next)
        .await
        .unwrap();
    let (done, reports) = converge(&m, &id).await;
    assert!(
        reports
            .iter()
            .any(|r| r.update_state.as_deref() == Some("updating")),
        "the update's progress is reported: {reports:#?}"
    );
    assert!(
        reports
            .iter()
            .any(|r| !r.converged && r.tasks.iter().any(|t| !t.current)),
        "tasks of the old spec are seen being replaced: {reports:#?}"
    );
    assert_eq!(done.update_state.as_deref(), Some("completed"));
    assert_eq!((done.running, done.desired), (3, 3));
    let env_of = |t: &Task| t.spec["ContainerSpec"]["Env"].clone();
    let tasks = until_tasks(&m, &id, "three green tasks", |t| t.len() == 3).await;
    assert!(
        tasks.iter().all(|t| env_of(t) == json!(["MODE=green"])),
        "{tasks:#?}"
    );

    m.services().rollback(&id).await.unwrap();
    let (done, _) = converge(&m, &id).await;
    assert_eq!(done.update_state.as_deref(), Some("rollback_completed"));
    let after = m.services().inspect(&id).await.unwrap();
    assert_eq!(
        after.spec["TaskTemplate"]["ContainerSpec"]["Env"],
        json!(["MODE=blue"])
    );
    let tasks = until_tasks(&m, &id, "three blue tasks", |t| {
        t.len() == 3 && t.iter().all(|t| env_of(t) == json!(["MODE=blue"]))
    })
    .await;
    assert_eq!(tasks.len(), 3);
}

#[tokio::test]
async fn draining_the_worker_moves_its_tasks_to_the_manager() {
    let _one = SWARM.lock().await;
    let m = manager();
    let (manager_id, worker_id) = node_ids(&m).await;
    let (id, _removed) = create(&m, &spec("exec sleep 600").replicas(4)).await;
    converge(&m, &id).await;
    let before = running(&m, &id).await;
    assert!(before.iter().any(|t| t.node_id == worker_id), "{before:#?}");

    m.nodes()
        .set_availability(&worker_id, Availability::Drain)
        .await
        .unwrap();
    let drained = m.nodes().inspect(&worker_id).await.unwrap();
    let after = until_tasks(&m, &id, "all four tasks on the manager", |t| {
        t.len() == 4 && t.iter().all(|t| t.node_id == manager_id)
    })
    .await;
    let (done, _) = converge(&m, &id).await;
    m.nodes()
        .set_availability(&worker_id, Availability::Active)
        .await
        .unwrap();

    assert_eq!(drained.spec["Availability"], "drain");
    assert_eq!(after.len(), 4);
    assert_eq!((done.running, done.desired), (4, 4));
    assert_eq!(
        m.nodes().inspect(&worker_id).await.unwrap().spec["Availability"],
        "active"
    );

    // Labels: set, read back, replaced.
    let labels = BTreeMap::from([("zone".to_string(), "b".to_string())]);
    m.nodes().set_labels(&worker_id, &labels).await.unwrap();
    assert_eq!(
        m.nodes()
            .inspect(&worker_id)
            .await
            .unwrap()
            .labels()
            .get("zone")
            .map(String::as_str),
        Some("b")
    );
    m.nodes()
        .set_labels(&worker_id, &BTreeMap::new())
        .await
        .unwrap();
    assert!(m
        .nodes()
        .inspect(&worker_id)
        .await
        .unwrap()
        .labels()
        .is_empty());
}

#[tokio::test]
async fn a_secret_and_a_config_are_files_in_a_task_on_the_worker() {
    let _one = SWARM.lock().await;
    let (m, w) = (manager(), worker());
    let labels = BTreeMap::from([(TEST_LABEL.to_string(), "1".to_string())]);
    let secret_name = unique("secret");
    let config_name = unique("config");
    let secret = m
        .secrets()
        .create(&secret_name, b"s3cret-4711\n", &labels)
        .await
        .unwrap();
    let config = m
        .configs()
        .create(&config_name, b"port=8080\n", &labels)
        .await
        .unwrap();

    let stored = m.secrets().inspect(&secret_name).await.unwrap();
    assert_eq!(
        (stored.id.as_str(), stored.name()),
        (secret.as_str(), secret_name.as_str())
    );
    assert!(
        stored.spec.get("Data").is_none(),
        "a secret's data is never given back"
    );
    let stored = m.configs().inspect(&config).await.unwrap();
    assert_eq!(stored.spec["Data"], "cG9ydD04MDgwCg==");
    let listed = m
        .secrets()
        .list(Filters::new().add("name", &secret_name))
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);

    let s = spec("exec sleep 600")
        .constraint("node.role==worker")
        .secret(FileRef::new(&secret, &secret_name, "db-password"))
        .config(FileRef::new(&config, &config_name, "/etc/app.conf"));
    let (id, removed) = create(&m, &s).await;
    converge(&m, &id).await;
    let task = &running(&m, &id).await[0];
    let container = task.container_id().unwrap();
    let read = w
        .execs()
        .run(
            container,
            ["cat", "/run/secrets/db-password", "/etc/app.conf"],
        )
        .await
        .unwrap();
    assert_eq!(
        read.exit_code,
        0,
        "{:?}",
        String::from_utf8_lossy(&read.stderr)
    );
    assert_eq!(
        String::from_utf8(read.stdout).unwrap(),
        "s3cret-4711\nport=8080\n"
    );

    // In use: refused, with the daemon's reason.
    let refused = m.secrets().remove(&secret).await.unwrap_err();
    assert!(
        refused
            .daemon_message()
            .unwrap_or_default()
            .contains("in use"),
        "{refused}"
    );
    drop(removed);
    m.secrets().remove(&secret).await.unwrap();
    m.configs().remove(&config).await.unwrap();
    let gone = m.secrets().inspect(&secret).await.unwrap_err();
    assert!(matches!(gone, Error::NotFound { .. }), "{gone:?}");
}

#[tokio::test]
async fn a_stale_version_is_out_of_sequence_and_names_both_versions() {
    let _one = SWARM.lock().await;
    let m = manager();
    let (id, _removed) = create(&m, &spec("exec sleep 600").replicas(1)).await;
    let read = m.services().inspect(&id).await.unwrap();
    let v1 = read.version();
    m.services()
        .update(&id, v1, read.spec.clone())
        .await
        .unwrap();
    let v2 = m.services().inspect(&id).await.unwrap().version();
    assert!(v2 > v1);

    let err = m
        .services()
        .update(&id, v1, read.spec.clone())
        .await
        .unwrap_err();
    match &err {
        Error::OutOfSequence {
            object,
            given,
            current,
            message,
        } => {
            assert_eq!(object, &format!("service {id}"));
            assert_eq!((*given, *current), (v1, Some(v2)));
            assert!(message.contains("update out of sequence"), "{message}");
        }
        other => panic!("expected OutOfSequence, got {other:?}"),
    }
    let text = err.to_string();
    assert!(
        text.contains(&v1.to_string()) && text.contains(&v2.to_string()),
        "{text}"
    );
    assert_eq!(err.kind(), libdocker::ErrorKind::OutOfSequence);

    // The same through invoke: the behaviour is the pipeline's.
    let err = m
        .invoke(
            "ServiceUpdate",
            json!({"id": id, "version": v1, "body": read.spec}),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::OutOfSequence { given, current: Some(c), .. } if given == v1 && c == v2),
        "{err:?}"
    );

    // A node too.
    let (_, worker_id) = node_ids(&m).await;
    let node = m.nodes().inspect(&worker_id).await.unwrap();
    let err = m
        .nodes()
        .update(&worker_id, node.version() - 1, node.spec.clone())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::OutOfSequence { current: Some(c), .. } if *c == node.version()),
        "{err:?}"
    );
}

#[tokio::test]
async fn bad_input_gets_the_daemons_reason_and_unknown_objects_are_not_found() {
    let _one = SWARM.lock().await;
    let m = manager();
    let bad = ServiceSpec::new("not a valid name!", TEST_IMAGE);
    let err = m.services().create(&bad).await.unwrap_err();
    assert!(matches!(err, Error::BadParameter { .. }), "{err:?}");
    assert!(
        err.daemon_message().unwrap().contains("DNS name"),
        "the daemon's reason: {err}"
    );
    let no_image = m
        .services()
        .create(&ServiceSpec::new(&unique("svc"), ""))
        .await
        .unwrap_err();
    assert!(
        matches!(no_image, Error::BadParameter { .. }),
        "{no_image:?}"
    );

    let name = unique("nothing");
    let not_found = [
        m.services().inspect(&name).await.unwrap_err(),
        m.nodes().inspect(&name).await.unwrap_err(),
        m.secrets().inspect(&name).await.unwrap_err(),
        m.configs().inspect(&name).await.unwrap_err(),
        m.tasks().inspect(&name).await.unwrap_err(),
        m.services().remove(&name).await.unwrap_err(),
        m.services().scale(&name, 2).await.unwrap_err(),
    ];
    for err in not_found {
        assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
        assert!(err.to_string().contains(&name), "names it: {err}");
    }

    let (id, _removed) = create(&m, &spec("exec sleep 600").global()).await;
    let err = m.services().scale(&id, 3).await.unwrap_err();
    assert!(
        matches!(&err, Error::InvalidParams { message, .. } if message.contains("not replicated")),
        "{err:?}"
    );
    let err = m
        .services()
        .logs(
            &id,
            LogsOptions {
                until: Some("1".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidParams { .. }), "{err:?}");

    // A worker is no manager: swarm calls there are refused, with the reason.
    let err = worker().services().list(Filters::new()).await.unwrap_err();
    assert!(
        err.daemon_message()
            .unwrap_or_default()
            .contains("not a swarm manager"),
        "{err}"
    );
}

#[tokio::test]
async fn a_wrong_join_token_fails_cleanly_and_the_swarm_stays_usable() {
    let _one = SWARM.lock().await;
    let (m, w) = (manager(), worker());
    let (_, old_worker) = node_ids(&m).await;
    let info = m.swarm().inspect().await.unwrap();
    assert!(info.join_tokens.worker.starts_with("SWMTKN-1-"), "{info:?}");
    assert_eq!(m.swarm().unlock_key().await.unwrap(), "", "not autolocked");
    let manager_addr = env("LIBDOCKER_TEST_SWARM_MANAGER_ADDR");
    let worker_addr = env("LIBDOCKER_TEST_SWARM_WORKER_ADDR");

    // A member cannot join again.
    let err = w
        .swarm()
        .join(&SwarmJoin::new(&manager_addr, &info.join_tokens.worker))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("already part of a swarm"), "{err}");

    // Out, then in with a token whose secret is wrong, then in for real.
    w.swarm().leave(false).await.unwrap();
    let (prefix, _) = info.join_tokens.worker.rsplit_once('-').unwrap();
    let wrong = format!("{prefix}-0000000000000000000000000");
    let mut join = SwarmJoin::new(&manager_addr, &wrong);
    join.advertise_addr = Some(worker_addr.clone());
    let err = w.swarm().join(&join).await.unwrap_err();
    assert!(err.to_string().contains("valid join token"), "{err}");
    let state = w
        .invoke("SystemInfo", json!({}))
        .await
        .unwrap()
        .into_json()
        .unwrap();
    assert_eq!(state["Swarm"]["LocalNodeState"], "inactive");

    join.join_token = info.join_tokens.worker.clone();
    w.swarm().join(&join).await.unwrap();
    // The node it was is gone from the swarm once removed.
    m.nodes().remove(&old_worker, true).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let new_worker = loop {
        let nodes = m
            .nodes()
            .list(Filters::new().add("role", "worker"))
            .await
            .unwrap();
        let ready: Vec<_> = nodes
            .iter()
            .filter(|n| n.get("/Status/State") == Some(&json!("ready")))
            .collect();
        if nodes.len() == 1 && ready.len() == 1 {
            break ready[0].id.clone();
        }
        assert!(
            Instant::now() < deadline,
            "the worker did not come back: {nodes:#?}"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    };
    assert_ne!(new_worker, old_worker);

    // Usable: a service runs a task on the worker that came back.
    let (id, _removed) = create(&m, &spec("exec sleep 600").constraint("node.role==worker")).await;
    converge(&m, &id).await;
    assert_eq!(running(&m, &id).await[0].node_id, new_worker);
}

/// Overlay networks carry traffic between the nodes (VXLAN over the test
/// bridge): a task on the manager reaches the worker's task by its overlay
/// address and by the service's DNS name. The service's virtual IP does not work
/// here (this kernel has no IPVS), so the service resolves to its tasks (dnsrr).
#[tokio::test]
async fn an_overlay_network_carries_traffic_between_the_nodes() {
    let _one = SWARM.lock().await;
    let (m, w) = (manager(), worker());
    let (manager_id, worker_id) = node_ids(&m).await;
    let net = m
        .networks()
        .create(
            &NetworkConfig::new(unique("overlay"))
                .driver("overlay")
                .label(TEST_LABEL, "1"),
        )
        .await
        .unwrap();
    let script = "echo hello-from-$(hostname) > /tmp/index.html; exec httpd -f -p 8080 -h /tmp";
    let s = spec(script).global().network(&net).endpoint_mode("dnsrr");
    let name = s.name.clone();
    let (id, removed) = create(&m, &s).await;
    converge(&m, &id).await;
    let tasks = until_tasks(&m, &id, "a task on each node", |t| t.len() == 2).await;
    let on = |node: &str| tasks.iter().find(|t| t.node_id == node).unwrap().clone();
    let (here, there) = (on(&manager_id), on(&worker_id));
    let address = there.extra["NetworksAttachments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["Network"]["ID"] == json!(net))
        .and_then(|a| a["Addresses"][0].as_str())
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_string();
    let remote_host = &there.container_id().unwrap()[..12];
    let fetch = format!("printf 'GET /index.html HTTP/1.0\\r\\n\\r\\n' | nc -w 5 {address} 8080");
    let reply = m
        .execs()
        .run(here.container_id().unwrap(), ["sh", "-c", &fetch])
        .await
        .unwrap();
    let body = String::from_utf8_lossy(&reply.stdout);
    assert!(
        body.contains(&format!("hello-from-{remote_host}")),
        "the worker's task answers over the overlay: {body:?} {:?}",
        String::from_utf8_lossy(&reply.stderr)
    );
    // The service's name resolves to both tasks' overlay addresses.
    let lookup = w
        .execs()
        .run(
            there.container_id().unwrap(),
            ["nslookup", &name, "127.0.0.11"],
        )
        .await
        .unwrap();
    let answer = String::from_utf8_lossy(&lookup.stdout);
    assert!(answer.contains(&address), "{answer}");
    drop(removed);
    // The network goes once no task uses it.
    let deadline = Instant::now() + Duration::from_secs(30);
    while let Err(e) = m.networks().remove(&net).await {
        assert!(Instant::now() < deadline, "{e}");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

/// The converge stream ends with a converged report; a service that cannot run
/// times out naming its progress.
#[tokio::test]
async fn a_service_that_cannot_be_placed_times_out_naming_its_progress() {
    let _one = SWARM.lock().await;
    let m = manager();
    let s = spec("exec sleep 600").constraint("node.labels.nowhere==true");
    let (id, _removed) = create(&m, &s).await;
    let options = ConvergeOptions {
        timeout: Duration::from_secs(3),
        poll: Duration::from_millis(200),
    };
    let mut stream = m.services().converge(&id, options);
    let first = stream.next().await.unwrap().unwrap();
    assert_eq!(
        (first.running, first.desired, first.converged),
        (0, 1, false)
    );
    let mut last = None;
    while let Some(item) = stream.next().await {
        last = Some(item);
    }
    let err = last.unwrap().unwrap_err();
    assert!(
        matches!(&err, Error::Timeout { during, .. } if during.contains("0/1 running")),
        "{err:?}"
    );
    let task = &m.tasks().of_service(&id).await.unwrap()[0];
    assert_eq!(task.status.state, "pending");
    let value: Value = serde_json::to_value(task).unwrap();
    assert_eq!(value["ServiceID"], json!(id));
}

/// The blocking client: the same pipeline on blocking sockets, the out-of-sequence
/// look-up included; logs as an iterator; typed methods through `block_on`.
#[test]
fn the_blocking_client_drives_a_service() {
    let _one = SWARM.blocking_lock();
    let d = libdocker::blocking::Docker::from_async(manager());
    let s = spec("echo blocking-out; echo blocking-err >&2; exec sleep 600").replicas(2);
    let created = d
        .invoke("ServiceCreate", json!({ "body": s.to_json() }))
        .send()
        .unwrap()
        .into_json()
        .unwrap();
    let id = created["ID"].as_str().unwrap().to_string();
    let _removed = Removed(id.clone());

    // The typed methods, blocking.
    let mut heard = 0;
    let done = d
        .services()
        .wait_converged(&id, ConvergeOptions::default(), |_| heard += 1)
        .unwrap();
    assert_eq!((done.running, done.desired), (2, 2));
    assert!(heard >= 1);
    assert_eq!(d.nodes().list(Filters::new()).unwrap().len(), 2);
    let tasks = d.tasks().list(Filters::new().add("service", &id)).unwrap();
    assert_eq!(tasks.len(), 2);
    d.services().scale(&id, 1).unwrap();
    let done = d
        .services()
        .wait_converged(&id, ConvergeOptions::default(), |_| {})
        .unwrap();
    assert_eq!((done.running, done.desired), (1, 1));
    d.services().scale(&id, 2).unwrap();
    d.services()
        .wait_converged(&id, ConvergeOptions::default(), |_| {})
        .unwrap();

    let deadline = Instant::now() + Duration::from_secs(30);
    let (mut out, mut err) = (String::new(), String::new());
    while out.matches("blocking-out").count() < 2 && Instant::now() < deadline {
        (out, err) = (String::new(), String::new());
        let logs = d
            .invoke(
                "ServiceLogs",
                json!({"id": id, "stdout": true, "stderr": true}),
            )
            .send()
            .unwrap()
            .into_logs()
            .unwrap();
        for chunk in logs {
            let chunk = chunk.unwrap();
            let text = String::from_utf8_lossy(&chunk.bytes).into_owned();
            match chunk.stream {
                libdocker::StdStream::Stdout => out.push_str(&text),
                _ => err.push_str(&text),
            }
        }
    }
    assert!(out.matches("blocking-out").count() >= 2, "{out:?}");
    let typed: Vec<_> = d
        .services()
        .logs(&id, LogsOptions::default())
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(typed
        .iter()
        .any(|c| c.stream == libdocker::StdStream::Stderr));
    assert!(err.matches("blocking-err").count() >= 2, "{err:?}");

    let read = d
        .invoke("ServiceInspect", json!({ "id": id }))
        .send()
        .unwrap()
        .into_json()
        .unwrap();
    let v1 = read["Version"]["Index"].as_u64().unwrap();
    let update = json!({"id": id, "version": v1, "body": read["Spec"]});
    d.invoke("ServiceUpdate", update.clone()).send().unwrap();
    let err = d.invoke("ServiceUpdate", update).send().unwrap_err();
    assert!(
        matches!(&err, Error::OutOfSequence { given, current: Some(c), .. } if *given == v1 && *c > v1),
        "{err:?}"
    );
    let missing = d
        .invoke("ServiceInspect", json!({"id": "no-such-service-4711"}))
        .send()
        .unwrap_err();
    assert!(
        matches!(missing, Error::NotFound { .. })
            && missing.to_string().contains("no-such-service-4711")
    );
}

/// Service creates and updates (the typed `scale` included) carry the image's
/// registry credentials from the docker CLI's configuration as `X-Registry-Auth`,
/// as the operation table says; seen by a recording proxy before the manager.
#[tokio::test]
async fn service_creates_and_updates_carry_the_images_registry_credentials() {
    use base64::Engine;
    let _one = SWARM.lock().await;
    let rec = Recorder::start(&env("LIBDOCKER_TEST_SWARM_MANAGER")).await;
    let dir = tempfile::tempdir().unwrap();
    let auth = base64::engine::general_purpose::STANDARD.encode("alice:s3cret");
    let config = json!({"auths": {"registry.invalid:5000": {"auth": auth}}});
    std::fs::write(dir.path().join("config.json"), config.to_string()).unwrap();
    let d = Docker::builder()
        .environment(libdocker::Environment::from_pairs([
            ("DOCKER_HOST".to_string(), rec.address.clone()),
            (
                "DOCKER_CONFIG".to_string(),
                dir.path().display().to_string(),
            ),
        ]))
        .build()
        .unwrap();
    // The image is never pulled: the service is removed before its task could run.
    let mut s = spec("exec sleep 600").replicas(1);
    s.image = "registry.invalid:5000/app:1".into();
    let (id, _removed) = create(&d, &s).await;
    d.services().scale(&id, 2).await.unwrap();

    let sent = rec.sent();
    let headers: Vec<&str> = sent
        .lines()
        .filter_map(|l| {
            l.strip_prefix("x-registry-auth: ")
                .or_else(|| l.strip_prefix("X-Registry-Auth: "))
        })
        .collect();
    assert_eq!(
        headers.len(),
        2,
        "one on the create, one on the update: {sent}"
    );
    for header in headers {
        let decoded = base64::engine::general_purpose::URL_SAFE
            .decode(header.trim())
            .or_else(|_| base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(header.trim()))
            .unwrap();
        let creds: Value = serde_json::from_slice(&decoded).unwrap();
        assert_eq!(creds["username"], "alice", "{creds}");
        assert_eq!(creds["password"], "s3cret", "{creds}");
    }
    // An image of a registry the configuration does not know: no header.
    let before = rec.sent().len();
    let (_other, _removed_too) = create(&d, &spec("exec sleep 600")).await;
    assert!(!rec.sent()[before..]
        .to_ascii_lowercase()
        .contains("x-registry-auth"));
}

/// The swarm's own spec updates with its version (a stale one is out of
/// sequence); autolock makes an unlock key, and turning it off again removes it.
#[tokio::test]
async fn the_swarm_updates_with_its_version_and_autolock_gives_an_unlock_key() {
    let _one = SWARM.lock().await;
    let m = manager();
    let before = m.swarm().inspect().await.unwrap();
    let mut locked = before.spec.clone();
    locked["EncryptionConfig"] = json!({ "AutoLockManagers": true });
    m.swarm()
        .update(before.version.index, locked.clone(), Default::default())
        .await
        .unwrap();
    let key = m.swarm().unlock_key().await.unwrap();
    assert!(key.starts_with("SWMKEY-1-"), "{key}");

    let err = m
        .swarm()
        .update(before.version.index, locked, Default::default())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::OutOfSequence { object, given, current: Some(c), .. }
            if object == "the swarm" && *given == before.version.index && *c > *given),
        "{err:?}"
    );

    let now = m.swarm().inspect().await.unwrap();
    let mut unlocked = now.spec.clone();
    unlocked["EncryptionConfig"] = json!({ "AutoLockManagers": false });
    let rotate = libdocker::SwarmRotate {
        worker_token: true,
        ..Default::default()
    };
    m.swarm()
        .update(now.version.index, unlocked, rotate)
        .await
        .unwrap();
    assert_eq!(m.swarm().unlock_key().await.unwrap(), "");
    let after = m.swarm().inspect().await.unwrap();
    assert_ne!(
        after.join_tokens.worker, before.join_tokens.worker,
        "the worker token was rotated"
    );
    assert_eq!(after.join_tokens.manager, before.join_tokens.manager);
    // Unlocking a swarm that is not locked is refused with the daemon's reason.
    let err = m.swarm().unlock(&key).await.unwrap_err();
    assert!(
        err.daemon_message()
            .is_some_and(|m| m.contains("not locked")),
        "{err:?}"
    );
}
