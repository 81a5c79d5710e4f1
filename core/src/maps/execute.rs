//! Carries out a plan over every daemon at once, in dependency order with as
//! much in parallel as the graph allows: networks and volumes first (last when
//! removing); then each service once what it depends on is done (and meets its
//! `depends_on` condition), or, when stopping, once its dependents are; within
//! a service, every daemon and every instance at once. A service that fails
//! stops its dependents (reported as skipped); the rest goes on.

use std::collections::BTreeMap;
use std::sync::Mutex;

use futures_util::future::join_all;
use tokio::sync::watch;

use super::clients::Clients;
use super::events::{MapEvent, Sink, Status, Summary};
use super::graph::dependents;
use super::plan::{Plan, Step, StepKind};
use super::state;
use super::steps::{self, Context};
use crate::error::Error;

/// How a service ended: `None` while it runs.
type Outcome = Option<Result<(), String>>;

pub(crate) async fn execute(
    cx: &Context<'_>,
    clients: &Clients,
    plan: &Plan,
) -> Result<Summary, Error> {
    let failures = Mutex::new(Vec::<String>::new());
    let skipped = Mutex::new(Vec::<String>::new());
    let done = std::sync::atomic::AtomicUsize::new(0);
    let run_step = |step| run_one(cx, clients, &failures, &done, step);

    let (shared, per_service): (Vec<&Step>, Vec<&Step>) =
        plan.steps.iter().partition(|s| s.step.is_shared());
    let reversed = plan.action.reversed();
    let waits = plan.action.waits_for_conditions();
    if !reversed {
        join_all(shared.iter().map(|s| run_step(s))).await;
    }

    // Each service's steps, grouped by daemon and container.
    let mut by_service: BTreeMap<String, Vec<&Step>> = BTreeMap::new();
    for step in per_service {
        by_service
            .entry(step.service.clone().unwrap_or_default())
            .or_default()
            .push(step);
    }
    let mut names: Vec<String> = cx.map.services.keys().cloned().collect();
    names.extend(
        by_service
            .keys()
            .filter(|k| !cx.map.services.contains_key(*k))
            .cloned(),
    );
    let channels: BTreeMap<String, (watch::Sender<Outcome>, watch::Receiver<Outcome>)> = names
        .iter()
        .map(|n| (n.clone(), watch::channel(None)))
        .collect();

    let service_task = |name: &String| {
        let steps = by_service.get(name).cloned().unwrap_or_default();
        let (skipped, channels, run_step) = (&skipped, &channels, &run_step);
        let name = name.clone();
        async move {
            let outcome = match wait_turn(cx, clients, &name, reversed, waits, channels).await {
                Err(reason) => {
                    skipped
                        .lock()
                        .expect("not poisoned")
                        .push(format!("{name} ({reason})"));
                    report_skip(cx.sink, &name, &steps, &reason);
                    Err(reason)
                }
                Ok(()) => run_service(&steps, run_step).await,
            };
            channels[&name].0.send_replace(Some(outcome));
        }
    };
    join_all(names.iter().map(service_task)).await;

    if reversed {
        join_all(shared.iter().map(|s| run_step(s))).await;
    }
    let failed = failures.into_inner().expect("not poisoned");
    if failed.is_empty() {
        Ok(Summary {
            action: Some(plan.action),
            done: done.into_inner(),
        })
    } else {
        Err(Error::MapFailed {
            action: plan.action.as_str().to_string(),
            failed,
            skipped: skipped.into_inner().expect("not poisoned"),
        })
    }
}

/// One step, its failure recorded as a sentence naming it.
async fn run_one(
    cx: &Context<'_>,
    clients: &Clients,
    failures: &Mutex<Vec<String>>,
    done: &std::sync::atomic::AtomicUsize,
    step: &Step,
) -> Result<(), String> {
    let docker = clients
        .get(&step.client)
        .expect("clients are checked before use");
    match steps::run(cx, docker, step).await {
        Ok(()) => {
            done.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            Ok(())
        }
        Err(e) => {
            let place = match &step.service {
                Some(s) => format!("{s} on {}", client_name(&step.client)),
                None => client_name(&step.client),
            };
            let message = format!("{} {} ({place}): {e}", step.step.as_str(), step.target);
            failures.lock().expect("not poisoned").push(message.clone());
            Err(message)
        }
    }
}

fn client_name(client: &str) -> String {
    if client.is_empty() {
        "the default client".into()
    } else {
        format!("client {client}")
    }
}

/// A service's steps: on every daemon at once, its image first, then each
/// container's steps in order, every container at once. A daemon where the image
/// cannot be had does not hold up the others.
async fn run_service<'a, F, Fut>(steps: &[&'a Step], run_step: &F) -> Result<(), String>
where
    F: Fn(&'a Step) -> Fut,
    Fut: std::future::Future<Output = Result<(), String>>,
{
    let mut by_client: BTreeMap<&str, Vec<&Step>> = BTreeMap::new();
    for step in steps {
        by_client
            .entry(step.client.as_str())
            .or_default()
            .push(step);
    }
    let results = join_all(by_client.into_values().map(|steps| async move {
        let (images, rest): (Vec<&Step>, Vec<&Step>) = steps
            .into_iter()
            .partition(|s| matches!(s.step, StepKind::Pull | StepKind::Build));
        for image in images {
            run_step(image).await?;
        }
        let mut chains: BTreeMap<(u32, &str), Vec<&Step>> = BTreeMap::new();
        for step in rest {
            chains
                .entry((step.number, step.target.as_str()))
                .or_default()
                .push(step);
        }
        let results = join_all(chains.into_values().map(|chain| async move {
            for step in chain {
                run_step(step).await?;
            }
            Ok::<(), String>(())
        }))
        .await;
        results.into_iter().find(Result::is_err).unwrap_or(Ok(()))
    }))
    .await;
    results.into_iter().find(Result::is_err).unwrap_or(Ok(()))
}

/// Waits until the service may go: its dependencies done and meeting their
/// conditions (or, when stopping, its dependents done). The reason it may not.
async fn wait_turn(
    cx: &Context<'_>,
    clients: &Clients,
    name: &str,
    reversed: bool,
    waits: bool,
    channels: &BTreeMap<String, (watch::Sender<Outcome>, watch::Receiver<Outcome>)>,
) -> Result<(), String> {
    let Some(service) = cx.map.services.get(name) else {
        return Ok(()); // an orphan: nothing depends on it in the map
    };
    if reversed {
        for dependent in dependents(cx.map, name) {
            // Whatever became of the dependent, this one goes on stopping.
            let _ = finished(&channels[dependent].1).await;
        }
        return Ok(());
    }
    for (dep, dependency) in &service.depends_on {
        let outcome = finished(&channels[dep].1).await;
        if let Err(reason) = outcome {
            if dependency.required {
                return Err(format!("{dep} failed: {reason}"));
            }
            continue;
        }
        if !waits {
            continue;
        }
        let dep_service = &cx.map.services[dep];
        for client in cx.map.clients_of(dep_service) {
            let docker = clients.get(client).expect("clients are checked before use");
            let containers = state::containers(cx.map, clients, client)
                .await
                .map_err(|e| e.to_string())?;
            for c in containers.iter().filter(|c| &c.service == dep) {
                let _ = cx.sink.send(MapEvent {
                    step: "wait".into(),
                    status: Status::Working,
                    client: client.to_string(),
                    service: Some(name.to_string()),
                    target: c.name.clone(),
                    message: Some(dependency.condition.as_str().into()),
                });
                let waited = steps::wait_for(docker, &c.name, dependency.condition).await;
                let _ = cx.sink.send(MapEvent {
                    step: "wait".into(),
                    status: if waited.is_ok() {
                        Status::Done
                    } else {
                        Status::Failed
                    },
                    client: client.to_string(),
                    service: Some(name.to_string()),
                    target: c.name.clone(),
                    message: Some(match &waited {
                        Ok(()) => dependency.condition.as_str().into(),
                        Err(e) => e.clone(),
                    }),
                });
                if let Err(reason) = waited {
                    if dependency.required {
                        return Err(format!(
                            "{dep} did not meet {}: {reason}",
                            dependency.condition.as_str()
                        ));
                    }
                }
            }
        }
    }
    Ok(())
}

async fn finished(rx: &watch::Receiver<Outcome>) -> Result<(), String> {
    let mut rx = rx.clone();
    let outcome = rx
        .wait_for(Option::is_some)
        .await
        .map(|o| o.clone())
        .unwrap_or(Some(Err("stopped".into())));
    outcome.unwrap_or(Ok(()))
}

fn report_skip(sink: &Sink, service: &str, steps: &[&Step], reason: &str) {
    for step in steps {
        let _ = sink.send(MapEvent {
            step: step.step.as_str().to_string(),
            status: Status::Skipped,
            client: step.client.clone(),
            service: Some(service.to_string()),
            target: step.target.clone(),
            message: Some(reason.to_string()),
        });
    }
}
