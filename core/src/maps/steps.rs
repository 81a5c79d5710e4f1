//! How each step of a plan is carried out on its daemon, through the typed
//! methods, and how a dependent waits for its dependency's condition. A step
//! that finds its work already done (a network that exists, a container already
//! stopped) counts as done, so that an interrupted action can be run again.

use std::time::Duration;

use futures_util::StreamExt;
use serde_json::{json, Value};

use super::container_spec::{aliases, instance_body, later_networks};
use super::events::{MapEvent, Sink, Status};
use super::labels;
use super::model::{Condition, ContainerMap};
use super::plan::{ActionOptions, Desired, Step, StepKind};
use crate::body::BuildContext;
use crate::client::Docker;
use crate::error::Error;
use crate::resources::build::BuildOptions;
use crate::resources::container_config::ContainerConfig;
use crate::resources::containers::{RemoveOptions, StopOptions};
use crate::resources::images::PullOptions;
use crate::resources::networks::{ConnectOptions, NetworkConfig};
use crate::resources::volumes::VolumeConfig;

/// What a step needs besides itself.
pub(crate) struct Context<'a> {
    pub map: &'a ContainerMap,
    pub desired: &'a Desired,
    pub options: &'a ActionOptions,
    pub sink: &'a Sink,
}

impl Context<'_> {
    pub fn report(&self, step: &Step, status: Status, message: Option<String>) {
        // A reader that went away has cancelled the action; the send failing is fine.
        let _ = self.sink.send(MapEvent {
            step: step.step.as_str().to_string(),
            status,
            client: step.client.clone(),
            service: step.service.clone(),
            target: step.target.clone(),
            message,
        });
    }

    fn stop_options(&self, service: Option<&str>) -> StopOptions {
        let grace = self.options.timeout.or_else(|| {
            service
                .and_then(|s| self.map.services.get(s))
                .and_then(|s| s.stop_grace_period)
        });
        StopOptions {
            timeout: grace.map(|d| d.as_secs() as i64),
            signal: None,
        }
    }
}

/// Carries out one step, reporting it begun and done (or failed).
pub(crate) async fn run(cx: &Context<'_>, docker: &Docker, step: &Step) -> Result<(), Error> {
    cx.report(step, Status::Working, None);
    let outcome = carry_out(cx, docker, step).await;
    match &outcome {
        Ok(()) => cx.report(step, Status::Done, None),
        Err(e) => cx.report(step, Status::Failed, Some(e.to_string())),
    }
    outcome
}

async fn carry_out(cx: &Context<'_>, docker: &Docker, step: &Step) -> Result<(), Error> {
    let map = cx.map;
    let name = step.target.as_str();
    match step.step {
        StepKind::CreateNetwork => {
            let key = network_key(map, name);
            let spec = map.networks.get(&key).cloned().unwrap_or_default();
            let mut config = NetworkConfig::new(name)
                .label(labels::PROJECT, &map.name)
                .label(labels::NETWORK, &key)
                .label(labels::VERSION, labels::COMPOSE_VERSION)
                .internal(spec.internal)
                .attachable(spec.attachable);
            if let Some(driver) = &spec.driver {
                config = config.driver(driver);
            }
            for (k, v) in &spec.labels {
                config = config.label(k, v);
            }
            already(docker.networks().create(&config).await.map(drop))
        }
        StepKind::CreateVolume => {
            let key = volume_key(map, name);
            let spec = map.volumes.get(&key).cloned().unwrap_or_default();
            let mut config = VolumeConfig::named(name)
                .label(labels::PROJECT, &map.name)
                .label(labels::VOLUME, &key)
                .label(labels::VERSION, labels::COMPOSE_VERSION);
            if let Some(driver) = &spec.driver {
                config.driver = Some(driver.clone());
            }
            for (k, v) in &spec.labels {
                config = config.label(k, v);
            }
            already(docker.volumes().create(&config).await.map(drop))
        }
        StepKind::Pull => {
            let mut progress = docker.images().pull(name, PullOptions::default()).await?;
            while let Some(p) = progress.next().await {
                let p = p?;
                if let (Some(status), None) = (&p.status, &p.progress) {
                    let text = match &p.id {
                        Some(id) => format!("{id}: {status}"),
                        None => status.clone(),
                    };
                    cx.report(step, Status::Progress, Some(text));
                }
            }
            Ok(())
        }
        StepKind::Build => {
            let service = &map.services[step.service.as_deref().unwrap_or_default()];
            let spec = service.build.clone().unwrap_or_default();
            let context = BuildContext::dir(map.working_dir.join(&spec.context));
            let options = BuildOptions {
                tags: vec![name.to_string()],
                dockerfile: spec.dockerfile.clone(),
                build_args: spec.args.clone(),
                labels: spec.labels.clone(),
                target: spec.target.clone(),
                ..Default::default()
            };
            let mut progress = docker.images().build(context, options).await?;
            let mut output = String::new();
            while let Some(p) = progress.next().await {
                let p = p?;
                if let Some(text) = &p.stream {
                    output.push_str(text);
                    let line = text.trim_end();
                    if !line.is_empty() {
                        cx.report(step, Status::Progress, Some(line.to_string()));
                    }
                }
            }
            Ok(())
        }
        StepKind::Create => create(cx, docker, step).await,
        StepKind::Recreate => {
            remove(cx, docker, step).await?;
            create(cx, docker, step).await?;
            start(docker, name).await
        }
        StepKind::Start => start(docker, name).await,
        StepKind::Stop => {
            let options = cx.stop_options(step.service.as_deref());
            gone_ok(docker.containers().stop(name, options).await)
        }
        StepKind::Restart => {
            let options = cx.stop_options(step.service.as_deref());
            docker.containers().restart(name, options).await
        }
        StepKind::Remove => remove(cx, docker, step).await,
        StepKind::RemoveNetwork => gone_ok(docker.networks().remove(name).await),
        StepKind::RemoveVolume => gone_ok(docker.volumes().remove(name, false).await),
    }
}

async fn create(cx: &Context<'_>, docker: &Docker, step: &Step) -> Result<(), Error> {
    let map = cx.map;
    let service_name = step.service.as_deref().unwrap_or_default();
    let service = &map.services[service_name];
    let (shared, hash) = &cx.desired.bodies[service_name];
    let body = instance_body(map, service_name, shared, hash, step.number, &step.client);
    let config = ContainerConfig::from_json(body)?;
    let created = docker
        .containers()
        .create(&config, Some(&step.target))
        .await;
    match created {
        Ok(_) => {}
        // Made by an interrupted run, with the same configuration (`plan` saw it
        // missing a moment ago, or it would be a start).
        Err(Error::Conflict { .. }) if same_hash(docker, &step.target, hash).await => return Ok(()),
        Err(e) => return Err(e),
    }
    for network in later_networks(map, service) {
        let options = ConnectOptions {
            aliases: aliases(service_name, service, network),
            ..Default::default()
        };
        docker
            .networks()
            .connect(&map.network_name(network), &step.target, options)
            .await?;
    }
    Ok(())
}

async fn same_hash(docker: &Docker, name: &str, hash: &str) -> bool {
    match docker.containers().inspect(name, false).await {
        Ok(c) => c.config.labels.get(labels::CONFIG_HASH).map(String::as_str) == Some(hash),
        Err(_) => false,
    }
}

async fn start(docker: &Docker, name: &str) -> Result<(), Error> {
    match docker.containers().start(name).await {
        Err(Error::NotModified { .. }) => Ok(()),
        other => other,
    }
}

async fn remove(cx: &Context<'_>, docker: &Docker, step: &Step) -> Result<(), Error> {
    let containers = docker.containers();
    // Stopped first, so that it ends as `stop` would end it (its grace period), then removed.
    gone_ok(
        containers
            .stop(&step.target, cx.stop_options(step.service.as_deref()))
            .await,
    )?;
    let options = RemoveOptions {
        force: true,
        volumes: cx.options.volumes,
        link: false,
    };
    gone_ok(containers.remove(&step.target, options).await)
}

/// A 409 "already exists" is what an interrupted run left: done.
fn already(outcome: Result<(), Error>) -> Result<(), Error> {
    match outcome {
        Err(Error::Conflict { message }) if message.contains("already exists") => Ok(()),
        other => other,
    }
}

/// Something already gone (404) or already stopped (304) is done.
fn gone_ok(outcome: Result<(), Error>) -> Result<(), Error> {
    match outcome {
        Err(Error::NotFound { .. } | Error::NotModified { .. }) => Ok(()),
        other => other,
    }
}

fn network_key(map: &ContainerMap, name: &str) -> String {
    map.networks
        .keys()
        .find(|k| map.network_name(k) == name)
        .cloned()
        .unwrap_or_else(|| name.to_string())
}

fn volume_key(map: &ContainerMap, name: &str) -> String {
    map.volumes
        .keys()
        .find(|k| map.volume_name(k) == name)
        .cloned()
        .unwrap_or_else(|| name.to_string())
}

/// Waits until the containers of a dependency meet `condition`; the reason if they cannot.
pub(crate) async fn wait_for(
    docker: &Docker,
    container: &str,
    condition: Condition,
) -> Result<(), String> {
    match condition {
        Condition::ServiceStarted => Ok(()),
        Condition::ServiceCompletedSuccessfully => {
            let waited = docker
                .containers()
                .wait(
                    container,
                    crate::resources::containers::WaitCondition::NotRunning,
                )
                .await
                .map_err(|e| e.to_string())?;
            match waited.status_code {
                0 => Ok(()),
                code => Err(format!("{container} exited with code {code}")),
            }
        }
        Condition::ServiceHealthy => loop {
            let inspected: Value = docker
                .invoke("ContainerInspect", json!({ "id": container }))
                .await
                .and_then(|o| o.into_json())
                .map_err(|e| e.to_string())?;
            let state = &inspected["State"];
            match state["Health"]["Status"].as_str() {
                Some("healthy") => return Ok(()),
                Some("unhealthy") => return Err(format!("{container} is unhealthy")),
                None => {
                    return Err(format!(
                        "{container} has no healthcheck, so it cannot become healthy"
                    ))
                }
                Some(_) => {}
            }
            if state["Running"] == json!(false) {
                return Err(format!(
                    "{container} exited with code {} before it was healthy",
                    state["ExitCode"]
                ));
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        },
    }
}
