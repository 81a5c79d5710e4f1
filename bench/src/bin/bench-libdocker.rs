//! `bench-libdocker`: the benchmark client over libdocker's typed API, every workload
//! of `PROTOCOL.md`, on a current-thread (`--runtime ct`, client `libdocker-ct`) or
//! multi-thread (`--runtime mt`, client `libdocker-mt`) tokio runtime.
//!
//! Untimed set-up: `Docker::builder().host(..).build()` and `api_version()`, which
//! pings once and negotiates the API version. Parallel workloads spawn one task per
//! operation on clones of the client, `--concurrency` of them in flight. `bytes` is
//! the payload moved: log chunk bytes, and the tar's size for both archive workloads.

use std::future::Future;

use futures_util::{stream, StreamExt};
use libdocker::body::tar::TarSource;
use libdocker::{
    ContainerConfig, Docker, EventsOptions, Filters, ListOptions, LogsOptions, PutArchiveOptions,
    RemoveOptions, WaitCondition,
};
use libdocker_bench::{
    fail, latency_ms, measure_async, report, tar_size, unix_seconds_arg, Args, Measured, Outcome,
    Result, Workload, LABEL, LABEL_KEY, LABEL_VALUE,
};

fn main() {
    let args = Args::parse(&Workload::ALL);
    let client = format!("libdocker-{}", args.runtime.suffix());
    let result = args
        .runtime
        .build()
        .map_err(Into::into)
        .and_then(|rt| rt.block_on(run(&args)));
    match result {
        Ok(measured) => report(&client, args.workload, &measured),
        Err(e) => fail(&client, args.workload, e),
    }
}

async fn run(args: &Args) -> Result<Measured> {
    let docker = Docker::builder().host(args.host.as_str()).build()?;
    docker.api_version().await?;
    let (n, c) = (args.n, args.concurrency);
    match args.workload {
        Workload::Noop => measure_async(async { Ok(Outcome::default()) }).await,
        Workload::PingSeq => measure_async(ping_seq(&docker, n)).await,
        Workload::ListSeq => measure_async(list_seq(&docker, n)).await,
        Workload::PingPar => {
            let ping = || {
                let docker = docker.clone();
                async move { Ok(docker.ping().await.map(drop)?) }
            };
            measure_async(parallel(n, c, ping)).await
        }
        Workload::Logs => measure_async(logs(&docker, args.container()?)).await,
        Workload::LifecycleSeq => {
            let config = container_config(args.image()?);
            measure_async(async {
                for _ in 0..n {
                    lifecycle(docker.clone(), config.clone()).await?;
                }
                Ok(Outcome::ops(n))
            })
            .await
        }
        Workload::LifecyclePar => {
            let config = container_config(args.image()?);
            let one = || lifecycle(docker.clone(), config.clone());
            measure_async(parallel(n, c, one)).await
        }
        Workload::EventLatency => {
            let config = container_config(args.image()?);
            let mut created = Vec::new();
            let measured = measure_async(event_latency(&docker, &config, n, &mut created)).await;
            let removed = remove_all(&docker, &created).await;
            let measured = measured?;
            removed?;
            Ok(measured)
        }
        Workload::ArchivePut => {
            let (file, name) = args.file()?;
            let (id, dest) = (args.container()?, args.dest()?);
            let source = TarSource::new(file, name);
            let size = tar_size(&source)?;
            measure_async(async {
                let body = source.into_body();
                docker
                    .containers()
                    .put_archive(id, dest, body, PutArchiveOptions::default())
                    .await?;
                Ok(Outcome::bytes(size))
            })
            .await
        }
        Workload::ArchiveGet => {
            let (id, path) = (args.container()?, args.path()?);
            measure_async(archive_get(&docker, id, path)).await
        }
    }
}

async fn ping_seq(docker: &Docker, n: usize) -> Result<Outcome> {
    for _ in 0..n {
        docker.ping().await?;
    }
    Ok(Outcome::ops(n))
}

async fn list_seq(docker: &Docker, n: usize) -> Result<Outcome> {
    let containers = docker.containers();
    for _ in 0..n {
        let options = ListOptions {
            all: true,
            ..Default::default()
        };
        containers.list(options).await?;
    }
    Ok(Outcome::ops(n))
}

/// Runs `n` operations made by `op`, each in its own task, `concurrency` at a time.
async fn parallel<F, Fut>(n: usize, concurrency: usize, op: F) -> Result<Outcome>
where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<()>> + Send + 'static,
{
    let mut running = stream::iter(0..n)
        .map(|_| tokio::spawn(op()))
        .buffer_unordered(concurrency);
    while let Some(done) = running.next().await {
        done??;
    }
    Ok(Outcome::ops(n))
}

/// A labelled container of `image` running `true`.
fn container_config(image: &str) -> ContainerConfig {
    ContainerConfig::new(image)
        .cmd(["true"])
        .label(LABEL_KEY, LABEL_VALUE)
}

/// Create, start, wait, remove (removed even if starting or waiting failed).
async fn lifecycle(docker: Docker, config: ContainerConfig) -> Result<()> {
    let containers = docker.containers();
    let id = containers.create(&config, None).await?.id;
    let ran = async {
        containers.start(&id).await?;
        containers.wait(&id, WaitCondition::NotRunning).await
    }
    .await;
    let options = RemoveOptions {
        force: ran.is_err(),
        ..Default::default()
    };
    let removed = containers.remove(&id, options).await;
    let exit = ran?;
    removed?;
    match exit.status_code {
        0 => Ok(()),
        code => Err(format!("container {id} exited with {code}").into()),
    }
}

/// Subscribes once, then per container: create (untimed), start, read events until
/// its `start`. `since` makes the daemon replay what happened between subscribing
/// and the subscription being registered, so no event can be missed.
async fn event_latency(
    docker: &Docker,
    config: &ContainerConfig,
    n: usize,
    created: &mut Vec<String>,
) -> Result<Outcome> {
    let filters = Filters::new()
        .add("type", "container")
        .add("event", "start")
        .add("label", LABEL);
    let options = EventsOptions {
        since: Some(unix_seconds_arg()),
        filters,
        ..Default::default()
    };
    let mut events = docker.events(options).await?;
    let containers = docker.containers();
    let mut latencies_ms = Vec::with_capacity(n);
    for _ in 0..n {
        let id = containers.create(config, None).await?.id;
        created.push(id.clone());
        containers.start(&id).await?;
        loop {
            let event = events.next().await.ok_or("the event stream ended")??;
            if event.actor.id == id {
                latencies_ms.push(latency_ms(event.time_nano));
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

async fn remove_all(docker: &Docker, ids: &[String]) -> Result<()> {
    let options = RemoveOptions {
        force: true,
        ..Default::default()
    };
    for id in ids {
        docker.containers().remove(id, options.clone()).await?;
    }
    Ok(())
}

/// All logs, demultiplexed, counting payload bytes.
async fn logs(docker: &Docker, id: &str) -> Result<Outcome> {
    let mut logs = docker.containers().logs(id, LogsOptions::default()).await?;
    let mut bytes = 0;
    while let Some(chunk) = logs.next().await {
        bytes += chunk?.bytes.len() as u64;
    }
    Ok(Outcome::bytes(bytes))
}

/// The tar stream of `path`, counted as it arrives and dropped.
async fn archive_get(docker: &Docker, id: &str, path: &str) -> Result<Outcome> {
    let mut archive = docker.containers().get_archive(id, path).await?;
    let mut bytes = 0;
    while let Some(piece) = archive.next().await {
        bytes += piece?.len() as u64;
    }
    Ok(Outcome::bytes(bytes))
}
