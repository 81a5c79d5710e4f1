//! A container map deployed as a stack on the two-node test swarm
//! (tests/env/swarm.sh): services from the Compose `deploy:` sections, overlay
//! networks, a secret and a config, the stack's namespace label; a second
//! deploy updates in place; removing the stack removes all of it.

use std::collections::BTreeSet;
use std::time::Duration;

use docker_testsupport::{env, isolated, unique, TEST_IMAGE};
use libdocker::maps::{ContainerMap, LoadOptions, STACK_NAMESPACE};
use libdocker::{ConvergeOptions, Docker, Filters};
use serde_json::json;

fn manager() -> Docker {
    isolated(&env("LIBDOCKER_TEST_SWARM_MANAGER"))
        .build()
        .unwrap()
}

fn stack_map(dir: &std::path::Path, stack: &str, replicas: u32) -> ContainerMap {
    std::fs::write(dir.join("token.txt"), "s3cret-token\n").unwrap();
    std::fs::write(dir.join("app.conf"), "mode=stack\n").unwrap();
    let text = format!(
        r#"
name: {stack}
services:
  web:
    image: {TEST_IMAGE}
    command: [sh, -c, 'cat /run/secrets/token /app.conf; exec sleep 600']
    stop_grace_period: 1s
    deploy:
      replicas: {replicas}
      placement: {{max_replicas_per_node: 1}}
      update_config: {{parallelism: 1, delay: 1s, order: stop-first}}
      restart_policy: {{condition: on-failure, delay: 2s}}
      resources: {{limits: {{memory: 64m}}}}
      labels: {{tier: front}}
    secrets: [token]
    configs: [{{source: appconf, target: /app.conf}}]
    networks: [front]
  api:
    image: {TEST_IMAGE}
    command: [sleep, "600"]
    stop_grace_period: 1s
    depends_on: [db]
    networks: [front, back]
  db:
    image: {TEST_IMAGE}
    command: [sleep, "600"]
    stop_grace_period: 1s
    deploy:
      placement: {{constraints: [node.role == manager]}}
    networks: [back]
networks:
  front: {{}}
  back: {{}}
secrets:
  token: {{file: ./token.txt}}
configs:
  appconf: {{file: ./app.conf}}
"#
    );
    ContainerMap::from_yaml(&text, dir, LoadOptions::default()).unwrap()
}

async fn converged(m: &Docker, name: &str) {
    let options = ConvergeOptions {
        timeout: Duration::from_secs(90),
        poll: Duration::from_millis(300),
    };
    m.services()
        .wait_converged(name, options, |_| {})
        .await
        .unwrap_or_else(|e| panic!("{name} did not converge: {e}"));
}

#[tokio::test]
async fn a_three_service_map_deploys_as_a_stack_updates_in_place_and_is_removed() {
    let m = manager();
    let dir = tempfile::tempdir().unwrap();
    let stack = unique("stk").replace('-', "");
    let map = stack_map(dir.path(), &stack, 2);

    let report = map.deploy_stack(&m).await.unwrap();
    let names = |v: &[String]| v.iter().cloned().collect::<BTreeSet<_>>();
    assert_eq!(
        names(&report.services),
        [
            format!("{stack}_api"),
            format!("{stack}_db"),
            format!("{stack}_web")
        ]
        .into()
    );
    assert_eq!(
        names(&report.networks),
        [format!("{stack}_back"), format!("{stack}_front")].into()
    );
    assert_eq!(report.secrets, [format!("{stack}_token")]);
    assert_eq!(report.configs, [format!("{stack}_appconf")]);
    assert!(
        report.warnings.iter().any(|w| w.contains("depends_on")),
        "{:?}",
        report.warnings
    );

    for s in ["web", "api", "db"] {
        converged(&m, &format!("{stack}_{s}")).await;
    }
    // Everything carries the stack's label; networks are overlay.
    let ours = Filters::new().add("label", format!("{STACK_NAMESPACE}={stack}"));
    assert_eq!(m.services().list(ours.clone()).await.unwrap().len(), 3);
    let nets = m.networks().list(ours.clone()).await.unwrap();
    assert_eq!(nets.len(), 2);
    assert!(
        nets.iter().all(|n| n["Driver"] == json!("overlay")),
        "{nets:?}"
    );

    // web: one task on each node (max one a node), its deploy settings in the spec.
    let web = m.services().inspect(&format!("{stack}_web")).await.unwrap();
    assert_eq!(web.spec["Labels"]["tier"], json!("front"));
    assert_eq!(web.spec["Mode"]["Replicated"]["Replicas"], json!(2));
    assert_eq!(
        web.spec["TaskTemplate"]["Resources"]["Limits"]["MemoryBytes"],
        json!(64 << 20)
    );
    assert_eq!(
        web.spec["TaskTemplate"]["RestartPolicy"]["Condition"],
        json!("on-failure")
    );
    assert_eq!(web.spec["UpdateConfig"]["Parallelism"], json!(1));
    let tasks = m
        .tasks()
        .list(
            Filters::new()
                .add("service", web.id.clone())
                .add("desired-state", "running"),
        )
        .await
        .unwrap();
    let nodes: BTreeSet<_> = tasks.iter().map(|t| t.node_id.clone()).collect();
    assert_eq!(nodes.len(), 2, "web's tasks run on both nodes: {tasks:#?}");
    // db only on the manager.
    let db = m.services().inspect(&format!("{stack}_db")).await.unwrap();
    let db_tasks = m
        .tasks()
        .list(
            Filters::new()
                .add("service", db.id.clone())
                .add("desired-state", "running"),
        )
        .await
        .unwrap();
    let manager_id = m
        .invoke("SystemInfo", json!(null))
        .await
        .unwrap()
        .into_json()
        .unwrap()["Swarm"]["NodeID"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        db_tasks.iter().all(|t| t.node_id == manager_id),
        "{db_tasks:#?}"
    );

    // The secret and the config are files in web's tasks (their output says so).
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let logs = m
            .services()
            .logs(
                &web.id,
                libdocker::LogsOptions {
                    stdout: true,
                    stderr: true,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let (out, _) = logs.collect().await.unwrap();
        let out = String::from_utf8_lossy(&out);
        if out.matches("s3cret-token").count() >= 2 && out.matches("mode=stack").count() >= 2 {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "web's output: {out:?}"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }

    // A second deploy (web scaled to 1) updates the services in place.
    let again = stack_map(dir.path(), &stack, 1)
        .deploy_stack(&m)
        .await
        .unwrap();
    assert!(again.services.is_empty() && again.networks.is_empty() && again.secrets.is_empty());
    assert_eq!(again.updated.len(), 3);
    let web = m.services().inspect(&format!("{stack}_web")).await.unwrap();
    assert_eq!(web.spec["Mode"]["Replicated"]["Replicas"], json!(1));

    // Removing the stack removes all of it.
    let removed = map.remove_stack(&m).await.unwrap();
    assert_eq!(removed.services.len(), 3);
    assert_eq!(removed.networks.len(), 2);
    assert_eq!((removed.secrets.len(), removed.configs.len()), (1, 1));
    assert!(m.services().list(ours.clone()).await.unwrap().is_empty());
    assert!(m.networks().list(ours.clone()).await.unwrap().is_empty());
    let secrets = m
        .invoke("SecretList", json!({"filters": ours.to_json()}))
        .await
        .unwrap()
        .into_json()
        .unwrap();
    assert_eq!(secrets, json!([]));
}

#[tokio::test]
async fn a_map_that_cannot_be_a_stack_says_why() {
    let m = manager();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Dockerfile"), "FROM scratch\n").unwrap();
    let map = ContainerMap::from_yaml(
        &format!(
            "name: {}\nservices:\n  built:\n    build: .\n",
            unique("stkbad").replace('-', "")
        ),
        dir.path(),
        LoadOptions::default(),
    )
    .unwrap();
    let err = map.deploy_stack(&m).await.unwrap_err();
    assert!(err.to_string().contains("a stack cannot build"), "{err}");
    let err = ContainerMap::from_yaml(
        "services:\n  a:\n    image: x\n    secrets: [missing]\n",
        dir.path(),
        LoadOptions::default(),
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("services.a.secrets: the secret `missing` is not declared"),
        "{err}"
    );
}

#[test]
fn the_blocking_client_deploys_and_removes_a_stack() {
    let m = libdocker::blocking::Docker::from_async(manager());
    let dir = tempfile::tempdir().unwrap();
    let stack = unique("stkb").replace('-', "");
    let map = ContainerMap::from_yaml(
        &format!("name: {stack}\nservices:\n  one:\n    image: {TEST_IMAGE}\n    command: [sleep, '600']\n"),
        dir.path(),
        LoadOptions::default(),
    )
    .unwrap();
    let report = m.deploy_stack(&map).unwrap();
    assert_eq!(report.services, [format!("{stack}_one")]);
    assert_eq!(report.networks, [format!("{stack}_default")]);
    let removed = m.remove_stack(&map).unwrap();
    assert_eq!((removed.services.len(), removed.networks.len()), (1, 1));
}
