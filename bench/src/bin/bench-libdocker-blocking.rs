//! `bench-libdocker-blocking`: the benchmark client over libdocker's blocking client
//! (`libdocker::blocking::Docker`, what the C ABI and Python's sync API build on),
//! client `libdocker-blocking`, every workload of `PROTOCOL.md`.
//!
//! Untimed set-up: `build_blocking()` and `api_version()` (one ping). Parallel
//! workloads run `--concurrency` threads sharing one client, each doing its share
//! one call after another (as the raw floor does).

use std::thread;

use libdocker::blocking::Docker;
use libdocker::body::tar::TarSource;
use libdocker::{ContainerSummary, LogsOptions};
use libdocker_bench::{
    fail, latency_ms, measure, report, split, tar_size, unix_seconds_arg, Args, Measured, Outcome,
    Result, Workload, LABEL, LABEL_KEY, LABEL_VALUE,
};
use serde_json::{json, Value};

const CLIENT: &str = "libdocker-blocking";

fn main() {
    let args = Args::parse(&Workload::ALL);
    match run(&args) {
        Ok(measured) => report(CLIENT, args.workload, &measured),
        Err(e) => fail(CLIENT, args.workload, e),
    }
}

fn run(args: &Args) -> Result<Measured> {
    let docker = libdocker::Docker::builder()
        .host(args.host.as_str())
        .build_blocking()?;
    docker.api_version()?;
    let (n, c) = (args.n, args.concurrency);
    match args.workload {
        Workload::Noop => measure(|| Ok(Outcome::default())),
        Workload::PingSeq => measure(|| {
            for _ in 0..n {
                docker.ping()?;
            }
            Ok(Outcome::ops(n))
        }),
        Workload::ListSeq => measure(|| {
            for _ in 0..n {
                let list: Vec<ContainerSummary> = docker
                    .invoke("ContainerList", json!({"all": true}))
                    .typed()?;
                drop(list);
            }
            Ok(Outcome::ops(n))
        }),
        Workload::PingPar => measure(|| {
            parallel(n, c, |share| {
                for _ in 0..share {
                    docker.ping()?;
                }
                Ok(())
            })
        }),
        Workload::Logs => {
            let id = args.container()?;
            measure(|| {
                let options = LogsOptions::default();
                let logs = docker
                    .invoke(
                        "ContainerLogs",
                        json!({"id": id, "stdout": options.stdout, "stderr": options.stderr}),
                    )
                    .tty(false)
                    .send()?
                    .into_logs()?;
                let mut bytes = 0;
                for chunk in logs {
                    bytes += chunk?.bytes.len() as u64;
                }
                Ok(Outcome::bytes(bytes))
            })
        }
        Workload::LifecycleSeq => {
            let image = args.image()?;
            measure(|| {
                for _ in 0..n {
                    lifecycle(&docker, image)?;
                }
                Ok(Outcome::ops(n))
            })
        }
        Workload::LifecyclePar => {
            let image = args.image()?;
            measure(|| {
                parallel(n, c, |share| {
                    for _ in 0..share {
                        lifecycle(&docker, image)?;
                    }
                    Ok(())
                })
            })
        }
        Workload::EventLatency => {
            let image = args.image()?;
            let mut created = Vec::new();
            let measured = measure(|| event_latency(&docker, image, n, &mut created));
            for id in &created {
                docker
                    .invoke("ContainerDelete", json!({"id": id, "force": true}))
                    .send()?;
            }
            measured
        }
        Workload::ArchivePut => {
            let (file, name) = args.file()?;
            let (id, dest) = (args.container()?, args.dest()?);
            let source = TarSource::new(file, name);
            let size = tar_size(&source)?;
            measure(|| {
                docker
                    .invoke("PutContainerArchive", json!({"id": id, "path": dest}))
                    .body(source.into_body())
                    .send()?;
                Ok(Outcome::bytes(size))
            })
        }
        Workload::ArchiveGet => {
            let (id, path) = (args.container()?, args.path()?);
            measure(|| {
                let archive = docker
                    .invoke("ContainerArchive", json!({"id": id, "path": path}))
                    .send()?
                    .into_bytes()?;
                let mut bytes = 0;
                for piece in archive {
                    bytes += piece?.len() as u64;
                }
                Ok(Outcome::bytes(bytes))
            })
        }
    }
}

/// `n` operations over `concurrency` threads sharing the client.
fn parallel(
    n: usize,
    concurrency: usize,
    work: impl Fn(usize) -> Result<()> + Sync,
) -> Result<Outcome> {
    thread::scope(|scope| {
        let workers: Vec<_> = split(n, concurrency)
            .into_iter()
            .map(|share| {
                let work = &work;
                scope.spawn(move || work(share))
            })
            .collect();
        for worker in workers {
            worker.join().map_err(|_| "a worker thread panicked")??;
        }
        Ok(Outcome::ops(n))
    })
}

fn create_body(image: &str) -> Value {
    json!({"body": {"Image": image, "Cmd": ["true"], "Labels": {LABEL_KEY: LABEL_VALUE}}})
}

/// Create, start, wait, remove (removed even if starting or waiting failed).
fn lifecycle(docker: &Docker, image: &str) -> Result<()> {
    let created = docker
        .invoke("ContainerCreate", create_body(image))
        .send()?
        .into_json()?;
    let id = created["Id"].as_str().ok_or("no Id in the create answer")?;
    let ran = (|| {
        docker.invoke("ContainerStart", json!({"id": id})).send()?;
        docker
            .invoke("ContainerWait", json!({"id": id}))
            .send()?
            .into_json()
    })();
    let removed = docker
        .invoke("ContainerDelete", json!({"id": id, "force": ran.is_err()}))
        .send();
    let exit = ran?;
    removed?;
    match exit["StatusCode"].as_i64() {
        Some(0) => Ok(()),
        code => Err(format!("container {id} exited with {code:?}").into()),
    }
}

/// As the async client's: subscribe once (with `since`, so nothing is missed), then
/// per container create (untimed), start, and read events until its `start`.
fn event_latency(
    docker: &Docker,
    image: &str,
    n: usize,
    created: &mut Vec<String>,
) -> Result<Outcome> {
    let filters = json!({"type": ["container"], "event": ["start"], "label": [LABEL]});
    let mut events = docker
        .invoke(
            "SystemEvents",
            json!({"since": unix_seconds_arg(), "filters": filters}),
        )
        .send()?
        .into_json_stream()?;
    let mut latencies_ms = Vec::with_capacity(n);
    for _ in 0..n {
        let body = docker
            .invoke("ContainerCreate", create_body(image))
            .send()?
            .into_json()?;
        let id = body["Id"].as_str().ok_or("no Id")?.to_string();
        created.push(id.clone());
        docker.invoke("ContainerStart", json!({"id": id})).send()?;
        loop {
            let event = events.next().ok_or("the event stream ended")??;
            if event.pointer("/Actor/ID").and_then(Value::as_str) == Some(&id) {
                let nanos = event["timeNano"].as_i64().ok_or("no timeNano")?;
                latencies_ms.push(latency_ms(nanos));
                break;
            }
        }
    }
    Ok(Outcome {
        ops: n as u64,
        bytes: 0,
        latencies_ms,
    })
}
