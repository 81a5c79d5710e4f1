//! Container maps against three real daemons at once: the main dockerd (the
//! default client), the TLS dockerd (`tls`) and podman (`podman`). Each test
//! has its own project and takes it down at the end.

use std::path::PathBuf;
use std::time::Duration;

use docker_testsupport::{ensure_test_image, env, isolated, unique, TEST_IMAGE};
use futures_util::StreamExt;
use libdocker::maps::{Action, ActionOptions, Clients, ContainerMap, LoadOptions, Status};
use libdocker::{Docker, Error, Filters, ListOptions, TlsOptions};

fn main_daemon() -> Docker {
    isolated(&env("LIBDOCKER_TEST_MAIN_HOST")).build().unwrap()
}

fn tls_daemon() -> Docker {
    let certs = PathBuf::from(env("LIBDOCKER_TEST_CERTS"));
    isolated(&env("LIBDOCKER_TEST_TLS_HOST"))
        .tls(
            TlsOptions::with_ca(certs.join("ca.pem"))
                .client_auth(certs.join("cert.pem"), certs.join("key.pem")),
        )
        .build()
        .unwrap()
}

fn podman() -> Docker {
    isolated(&env("LIBDOCKER_TEST_PODMAN_HOST"))
        .build()
        .unwrap()
}

async fn clients() -> Clients {
    let (main, tls, podman) = (main_daemon(), tls_daemon(), podman());
    for d in [&main, &tls, &podman] {
        ensure_test_image(d).await.unwrap();
    }
    Clients::new(main).with("tls", tls).with("podman", podman)
}

fn load(text: &str) -> ContainerMap {
    ContainerMap::from_yaml(text, std::env::temp_dir(), LoadOptions::default()).unwrap()
}

/// The project's containers on one daemon, by name.
async fn names_on(docker: &Docker, project: &str) -> Vec<String> {
    let filters = Filters::new().add("label", format!("com.docker.compose.project={project}"));
    let mut names: Vec<String> = docker
        .containers()
        .list(ListOptions {
            all: true,
            filters,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.names[0].trim_start_matches('/').to_string())
        .collect();
    names.sort();
    names
}

/// db (healthy after 2 s) on tls; two web instances on the default client that
/// wait for db to be healthy; cache on podman.
fn placement_map(project: &str, web_mark: &str) -> String {
    format!(
        r#"
name: {project}
x-libdocker:
  clients: {{tls: {{}}, podman: {{}}}}
services:
  db:
    image: {TEST_IMAGE}
    command: sh -c 'sleep 2; touch /tmp/ready; exec sleep 600'
    stop_grace_period: 1s
    healthcheck: {{test: [CMD, test, -f, /tmp/ready], interval: 1s, retries: 30}}
    x-libdocker: {{clients: [tls]}}
  web:
    image: {TEST_IMAGE}
    command: [sleep, "600"]
    stop_grace_period: 1s
    environment: {{MARK: {web_mark}}}
    scale: 2
    depends_on:
      db: {{condition: service_healthy}}
  cache:
    image: {TEST_IMAGE}
    command: [sleep, "600"]
    stop_grace_period: 1s
    x-libdocker: {{clients: [podman]}}
"#
    )
}

#[tokio::test]
async fn placement_update_and_down_across_three_daemons() {
    let clients = clients().await;
    let project = unique("mapt");
    let map = load(&placement_map(&project, "v1"));

    let mut events = Vec::new();
    map.up(&clients)
        .for_each(|e| events.push(e.clone()))
        .await
        .unwrap();
    // web was created only after db reported healthy.
    let healthy = events
        .iter()
        .position(|e| {
            e.step == "wait" && e.status == Status::Done && e.service.as_deref() == Some("web")
        })
        .expect("web waited for db");
    let first_web_create = events
        .iter()
        .position(|e| e.step == "create" && e.service.as_deref() == Some("web"))
        .unwrap();
    assert!(healthy < first_web_create, "{events:#?}");
    assert_eq!(events[healthy].message.as_deref(), Some("service_healthy"));
    assert_eq!(events[healthy].client, "tls");

    let (main, tls, podman) = (
        clients.get("").unwrap(),
        clients.get("tls").unwrap(),
        clients.get("podman").unwrap(),
    );
    assert_eq!(
        names_on(main, &project).await,
        [format!("{project}_web_1"), format!("{project}_web_2")]
    );
    assert_eq!(names_on(tls, &project).await, [format!("{project}_db_1")]);
    assert_eq!(
        names_on(podman, &project).await,
        [format!("{project}_cache_1")]
    );
    let ps = map.ps(&clients).await.unwrap();
    assert_eq!(ps.len(), 4);
    assert!(ps.iter().all(|c| c.state == "running"), "{ps:#?}");
    let db = ps.iter().find(|c| c.service == "db").unwrap();
    assert!(db.status.contains("healthy"), "{}", db.status);

    // Up again: nothing to do.
    let plan = map
        .plan(&clients, Action::Up, &ActionOptions::default())
        .await
        .unwrap();
    assert!(plan.steps.is_empty(), "{plan:#?}");

    // Edit web only: update recreates its two containers and nothing else.
    let edited = load(&placement_map(&project, "v2"));
    let plan = edited
        .plan(&clients, Action::Update, &ActionOptions::default())
        .await
        .unwrap();
    let planned: Vec<_> = plan
        .steps
        .iter()
        .map(|s| (s.step.as_str(), s.target.as_str()))
        .collect();
    let (web1, web2) = (format!("{project}_web_1"), format!("{project}_web_2"));
    assert_eq!(
        planned,
        [("recreate", web1.as_str()), ("recreate", web2.as_str())]
    );
    edited.update(&clients).finish().await.unwrap();
    let after = edited.ps(&clients).await.unwrap();
    for c in &after {
        let before = ps.iter().find(|b| b.name == c.name).unwrap();
        assert_eq!(
            c.id != before.id,
            c.service == "web",
            "{} was (not) recreated",
            c.name
        );
        assert_eq!(c.state, "running");
    }
    let env = main
        .containers()
        .inspect(&web1, false)
        .await
        .unwrap()
        .config
        .env;
    assert!(env.iter().any(|e| e == "MARK=v2"), "{env:?}");

    // Down removes everything on every daemon: containers, then networks.
    edited.down(&clients).finish().await.unwrap();
    for d in [main, tls, podman] {
        assert!(names_on(d, &project).await.is_empty());
        let nets = d
            .networks()
            .list(Filters::new().add("name", format!("{project}_default")))
            .await
            .unwrap();
        assert!(nets.is_empty(), "{nets:?}");
    }
}

#[tokio::test]
async fn a_failure_midway_stops_its_dependents_and_says_which() {
    let clients = clients().await;
    let main = clients.get("").unwrap();
    let project = unique("mapf");
    // An image that only the main daemon has: the TLS daemon must pull it, and
    // the local registry does not have it.
    let only_main = format!(
        "{}/libdocker-test/only-main:{project}",
        env("LIBDOCKER_TEST_REGISTRY")
    );
    let (repo, tag) = only_main.rsplit_once(':').unwrap();
    main.images()
        .tag(TEST_IMAGE, repo, Some(tag))
        .await
        .unwrap();
    let map = load(&format!(
        r#"
name: {project}
services:
  api:
    image: {only_main}
    command: [sleep, "600"]
    stop_grace_period: 1s
    x-libdocker: {{clients: ["", tls]}}
  front:
    image: {TEST_IMAGE}
    command: [sleep, "600"]
    depends_on: [api]
    x-libdocker: {{clients: [tls]}}
  other:
    image: {TEST_IMAGE}
    command: [sleep, "600"]
    stop_grace_period: 1s
    x-libdocker: {{clients: [tls]}}
"#
    ));
    let mut skipped = Vec::new();
    let err = map
        .up(&clients)
        .for_each(|e| {
            if e.status == Status::Skipped {
                skipped.push(e.target.clone());
            }
        })
        .await
        .unwrap_err();
    let Error::MapFailed {
        action,
        failed,
        skipped: not_done,
    } = &err
    else {
        panic!("expected MapFailed, got {err:?}");
    };
    assert_eq!(action, "up");
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert!(
        failed[0].starts_with(&format!("pull {only_main} (api on client tls)")),
        "{failed:?}"
    );
    assert_eq!(not_done.len(), 1);
    assert!(not_done[0].starts_with("front (api failed"), "{not_done:?}");
    assert_eq!(
        skipped,
        [format!("{project}_front_1"), format!("{project}_front_1")]
    );
    assert!(err.to_string().contains("front"), "{err}");

    // The rest is consistent: api runs where its image is, other runs, front was never made.
    let ps = map.ps(&clients).await.unwrap();
    let mut running: Vec<_> = ps
        .iter()
        .map(|c| (c.client.as_str(), c.service.as_str(), c.state.as_str()))
        .collect();
    running.sort();
    assert_eq!(
        running,
        [("", "api", "running"), ("tls", "other", "running")]
    );

    map.down(&clients).finish().await.unwrap();
    assert!(map.ps(&clients).await.unwrap().is_empty());
    main.images()
        .remove(&only_main, false, false)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_cancelled_up_is_resumed_by_the_next() {
    let clients = clients().await;
    let project = unique("mapc");
    let mut text = format!("name: {project}\nservices:\n");
    for s in ["a", "b", "c"] {
        text.push_str(&format!(
            "  {s}:\n    image: {TEST_IMAGE}\n    command: [sleep, '600']\n    stop_grace_period: 1s\n    scale: 2\n    x-libdocker: {{clients: ['', tls]}}\n"
        ));
    }
    // d waits for a to be healthy (2 s): a cancel at the first start leaves it unmade.
    text = text.replacen(
        "command: [sleep, '600']",
        "command: [sh, -c, 'sleep 2; touch /tmp/ready; exec sleep 600']\n    healthcheck: {test: [CMD, test, -f, /tmp/ready], interval: 1s, retries: 30}",
        1,
    );
    text.push_str(&format!("  d:\n    image: {TEST_IMAGE}\n    command: [sleep, '600']\n    stop_grace_period: 1s\n    depends_on:\n      a: {{condition: service_healthy}}\n      b: {{condition: service_started}}\n      c: {{condition: service_started}}\n"));
    let map = load(&text);

    let mut run = map.up(&clients);
    while let Some(event) = run.next().await {
        let event = event.unwrap();
        if event.step == "start" && event.status == Status::Done {
            break;
        }
    }
    drop(run); // cancels: some containers are made, some started, some not
    let partial = map.ps(&clients).await.unwrap();
    assert!(!partial.is_empty());
    assert!(partial.iter().all(|c| c.service != "d"), "{partial:#?}");

    let summary = map.up(&clients).finish().await.unwrap();
    assert!(summary.done > 0);
    let ps = map.ps(&clients).await.unwrap();
    let mut names: Vec<_> = ps
        .iter()
        .map(|c| (c.client.clone(), c.name.clone()))
        .collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), 13, "{ps:#?}");
    assert!(ps.iter().all(|c| c.state == "running"), "{ps:#?}");
    let plan = map
        .plan(&clients, Action::Up, &ActionOptions::default())
        .await
        .unwrap();
    assert!(plan.steps.is_empty(), "{plan:#?}");
    map.down(&clients).finish().await.unwrap();
}

#[tokio::test]
async fn an_unknown_client_is_refused_before_anything_is_touched() {
    let clients = clients().await;
    let project = unique("mapu");
    let map = load(&format!(
        "name: {project}\nservices:\n  a:\n    image: {TEST_IMAGE}\n  b:\n    image: {TEST_IMAGE}\n    x-libdocker:\n      clients: [edge]\n"
    ));
    let err = map.up(&clients).finish().await.unwrap_err();
    let Error::InvalidMap {
        line, key, message, ..
    } = &err
    else {
        panic!("{err:?}");
    };
    assert_eq!((*line, key.as_str()), (8, "services.b.x-libdocker.clients"));
    assert!(message.contains("no client called `edge`"), "{message}");
    assert!(names_on(clients.get("").unwrap(), &project)
        .await
        .is_empty());
}

#[tokio::test]
async fn compose_and_maps_see_each_others_containers() {
    let main_host = env("LIBDOCKER_TEST_MAIN_HOST");
    let clients = Clients::new(main_daemon());
    ensure_test_image(clients.get("").unwrap()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let project = unique("mapcompose").replace('-', "");
    let file = dir.path().join("docker-compose.yml");
    std::fs::write(
        &file,
        format!(
            "services:\n  web:\n    image: {TEST_IMAGE}\n    command: [sleep, '600']\n    stop_grace_period: 1s\n    scale: 2\n  db:\n    image: {TEST_IMAGE}\n    command: [sleep, '600']\n    stop_grace_period: 1s\n"
        ),
    )
    .unwrap();
    let compose = |args: &[&str]| {
        let out = std::process::Command::new("docker-compose")
            .args(["-p", &project, "-f", file.to_str().unwrap()])
            .args(args)
            .env("DOCKER_HOST", &main_host)
            .output()
            .expect("docker-compose is installed by tests/env/testenv.sh");
        assert!(
            out.status.success(),
            "docker-compose {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mut ids: Vec<String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_string)
            .collect();
        ids.sort();
        ids
    };
    let map = ContainerMap::load_with(
        &file,
        LoadOptions {
            project: Some(project.clone()),
            ..Default::default()
        },
    )
    .unwrap();
    let ours = |ps: Vec<libdocker::maps::Existing>| {
        let mut ids: Vec<String> = ps.into_iter().map(|c| c.id).collect();
        ids.sort();
        ids
    };

    // Compose's containers, seen by us.
    compose(&["up", "-d"]);
    let by_compose = compose(&["ps", "-q"]);
    assert_eq!(by_compose.len(), 3);
    assert_eq!(ours(map.ps(&clients).await.unwrap()), by_compose);
    compose(&["down"]);
    assert!(map.ps(&clients).await.unwrap().is_empty());

    // Ours, seen by Compose.
    map.up(&clients).finish().await.unwrap();
    let by_us = ours(map.ps(&clients).await.unwrap());
    assert_eq!(by_us.len(), 3);
    assert_eq!(compose(&["ps", "-q"]), by_us);
    map.down(&clients).finish().await.unwrap();
    assert!(compose(&["ps", "-q"]).is_empty());
    tokio::time::sleep(Duration::from_millis(1)).await;
}

#[test]
fn the_blocking_client_applies_maps_too() {
    use libdocker::blocking::{Docker as BlockingDocker, MapClients};
    let main = BlockingDocker::from_async(main_daemon());
    let tls = BlockingDocker::from_async(tls_daemon());
    for d in [&main, &tls] {
        d.block_on(ensure_test_image(d.client())).unwrap();
    }
    let clients = MapClients::new(&main).unwrap().with("tls", &tls);
    let project = unique("mapb");
    let map = load(&format!(
        "name: {project}\nservices:\n  web:\n    image: {TEST_IMAGE}\n    command: [sh, -c, 'echo hello from web; exec sleep 600']\n    stop_grace_period: 1s\n    depends_on: [db]\n  db:\n    image: {TEST_IMAGE}\n    command: [sleep, '600']\n    stop_grace_period: 1s\n    x-libdocker: {{clients: [tls]}}\n"
    ));
    let events: Vec<_> = clients
        .run(&map, Action::Up, ActionOptions::default())
        .map(Result::unwrap)
        .filter(|e| e.status == Status::Done)
        .map(|e| (e.client, e.step, e.target))
        .collect();
    let db_start = events
        .iter()
        .position(|e| e.1 == "start" && e.0 == "tls")
        .unwrap();
    let web_create = events
        .iter()
        .position(|e| e.1 == "create" && e.0.is_empty())
        .unwrap();
    assert!(db_start < web_create, "{events:?}");
    let ps = clients.ps(&map).unwrap();
    assert_eq!(ps.len(), 2);
    let line = clients
        .logs(&map, libdocker::LogsOptions::default())
        .unwrap()
        .map(Result::unwrap)
        .find(|l| l.service == "web")
        .expect("web's output");
    assert_eq!(
        line.prefixed(12),
        format!("{project}_web_1 | hello from web")
    );
    clients.down(&map).unwrap();
    assert!(clients.ps(&map).unwrap().is_empty());
}

#[tokio::test]
async fn pull_and_build_make_the_images_a_map_needs() {
    let main = main_daemon();
    ensure_test_image(&main).await.unwrap();
    let clients = Clients::new(main.clone());
    let project = unique("mapimg");
    // An image in the local registry, absent from the daemon: `pull` fetches it.
    let pushed = format!(
        "{}/libdocker-test/maps-pull:{project}",
        env("LIBDOCKER_TEST_REGISTRY")
    );
    let (repo, tag) = pushed.rsplit_once(':').unwrap();
    main.images()
        .tag(TEST_IMAGE, repo, Some(tag))
        .await
        .unwrap();
    main.images()
        .push(&pushed, Default::default())
        .await
        .unwrap()
        .finish()
        .await
        .unwrap();
    main.images().remove(&pushed, false, false).await.unwrap();
    // A service built from a context with a .dockerignore.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Dockerfile"),
        format!(
            "FROM {TEST_IMAGE}\nCOPY . /ctx\nCMD [\"sh\", \"-c\", \"ls /ctx; exec sleep 600\"]\n"
        ),
    )
    .unwrap();
    std::fs::write(dir.path().join("kept.txt"), "kept").unwrap();
    std::fs::write(dir.path().join("secret.key"), "never shipped").unwrap();
    std::fs::write(dir.path().join(".dockerignore"), "*.key\n").unwrap();
    let map = ContainerMap::from_yaml(
        &format!(
            "name: {project}\nservices:\n  pulled:\n    image: {pushed}\n    command: [sleep, '600']\n    stop_grace_period: 1s\n  built:\n    build: {{context: ., args: {{UNUSED: x}}}}\n    stop_grace_period: 1s\n"
        ),
        dir.path(),
        LoadOptions::default(),
    )
    .unwrap();

    let plan = map
        .plan(&clients, Action::Up, &ActionOptions::default())
        .await
        .unwrap();
    let images: Vec<_> = plan
        .steps
        .iter()
        .filter(|s| {
            matches!(
                s.step,
                libdocker::maps::StepKind::Pull | libdocker::maps::StepKind::Build
            )
        })
        .map(|s| (s.step.as_str(), s.target.clone()))
        .collect();
    assert_eq!(
        images,
        [
            ("build", format!("{project}-built")),
            ("pull", pushed.clone())
        ]
    );

    let mut progress = Vec::new();
    map.up(&clients)
        .for_each(|e| {
            if e.status == Status::Progress {
                progress.push((e.step.clone(), e.message.clone().unwrap_or_default()));
            }
        })
        .await
        .unwrap();
    assert!(
        progress
            .iter()
            .any(|(s, m)| s == "build" && m.contains("COPY")),
        "{progress:?}"
    );
    assert!(progress.iter().any(|(s, _)| s == "pull"), "{progress:?}");
    let ps = map.ps(&clients).await.unwrap();
    assert!(
        ps.iter().all(|c| c.state == "running") && ps.len() == 2,
        "{ps:#?}"
    );
    let mut logs = map
        .logs(&clients, libdocker::LogsOptions::default())
        .await
        .unwrap();
    let mut listed = Vec::new();
    while let Some(line) = logs.next().await {
        let line = line.unwrap();
        if line.service == "built" {
            listed.push(String::from_utf8_lossy(&line.line).into_owned());
        }
    }
    assert!(listed.contains(&"kept.txt".to_string()), "{listed:?}");
    assert!(
        !listed.iter().any(|f| f == "secret.key"),
        ".dockerignore keeps it out: {listed:?}"
    );

    // `pull` and `build` as actions of their own.
    let pulled = map
        .run(&clients, Action::Pull, ActionOptions::default())
        .finish()
        .await
        .unwrap();
    assert_eq!(pulled.done, 1);
    let built = map
        .run(&clients, Action::Build, ActionOptions::default())
        .finish()
        .await
        .unwrap();
    assert_eq!(built.done, 1);
    map.down(&clients).finish().await.unwrap();
    main.images()
        .remove(&format!("{project}-built"), true, false)
        .await
        .unwrap();
    main.images().remove(&pushed, true, false).await.unwrap();
}
