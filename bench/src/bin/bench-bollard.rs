//! `bench-bollard`: the benchmark client over bollard 0.21 (the Rust peer), every
//! workload of `PROTOCOL.md`, on a current-thread (`--runtime ct`, client `bollard-ct`)
//! or multi-thread (`--runtime mt`, client `bollard-mt`) tokio runtime.
//!
//! Untimed set-up: `Docker::connect_with_unix(path, 120, API_DEFAULT_VERSION)` (or
//! `connect_with_http` for `tcp://`), then `negotiate_version()`, which is one
//! `GET /version` rather than a ping: bollard's default API version (1.53) is newer
//! than many daemons accept, so a bollard user must negotiate before anything else.
//! Note that bollard's unix client keeps no idle connections
//! (`pool_max_idle_per_host(0)`): every request dials the socket again. `bytes` is the
//! payload moved: log output bytes, and the tar's size for both archive workloads.

use std::collections::HashMap;
use std::future::{ready, Future};
use std::path::Path;

use bollard::models::ContainerCreateBody;
use bollard::query_parameters::{
    DownloadFromContainerOptionsBuilder, EventsOptionsBuilder, ListContainersOptionsBuilder,
    LogsOptionsBuilder, RemoveContainerOptionsBuilder, UploadToContainerOptionsBuilder,
};
use bollard::{body_try_stream, Docker, API_DEFAULT_VERSION};
use bytes::Bytes;
use futures_util::{stream, Stream, StreamExt, TryStreamExt};
use libdocker_bench::{
    fail, latency_ms, measure_async, report, unix_seconds_arg, Args, Measured, Outcome, Result,
    Workload, LABEL, LABEL_KEY, LABEL_VALUE,
};
use tokio::io::AsyncReadExt;
use tokio_util::io::ReaderStream;

/// Request timeout in seconds, bollard's default.
const TIMEOUT_S: u64 = 120;

fn main() {
    let args = Args::parse(&Workload::ALL);
    let client = format!("bollard-{}", args.runtime.suffix());
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

fn connect(host: &str) -> Result<Docker> {
    Ok(if host.starts_with("unix://") {
        Docker::connect_with_unix(host, TIMEOUT_S, API_DEFAULT_VERSION)?
    } else if host.starts_with("tcp://") || host.starts_with("http://") {
        Docker::connect_with_http(host, TIMEOUT_S, API_DEFAULT_VERSION)?
    } else {
        return Err(format!("unsupported host {host}").into());
    })
}

async fn run(args: &Args) -> Result<Measured> {
    let docker = connect(&args.host)?.negotiate_version().await?;
    let (n, c) = (args.n, args.concurrency);
    match args.workload {
        Workload::Noop => measure_async(async { Ok(Outcome::default()) }).await,
        Workload::PingSeq => {
            measure_async(async {
                for _ in 0..n {
                    docker.ping().await?;
                }
                Ok(Outcome::ops(n))
            })
            .await
        }
        Workload::ListSeq => {
            measure_async(async {
                for _ in 0..n {
                    let options = ListContainersOptionsBuilder::default().all(true).build();
                    docker.list_containers(Some(options)).await?;
                }
                Ok(Outcome::ops(n))
            })
            .await
        }
        Workload::PingPar => {
            let ping = || {
                let docker = docker.clone();
                async move { Ok(docker.ping().await.map(drop)?) }
            };
            measure_async(parallel(n, c, ping)).await
        }
        Workload::Logs => measure_async(logs(&docker, args.container()?)).await,
        Workload::LifecycleSeq => {
            let image = args.image()?;
            measure_async(async {
                for _ in 0..n {
                    lifecycle(docker.clone(), container_body(image)).await?;
                }
                Ok(Outcome::ops(n))
            })
            .await
        }
        Workload::LifecyclePar => {
            let image = args.image()?;
            let one = || lifecycle(docker.clone(), container_body(image));
            measure_async(parallel(n, c, one)).await
        }
        Workload::EventLatency => {
            let image = args.image()?;
            let mut created = Vec::new();
            let measured = measure_async(event_latency(&docker, image, n, &mut created)).await;
            let removed = remove_all(&docker, &created).await;
            let measured = measured?;
            removed?;
            Ok(measured)
        }
        Workload::ArchivePut => {
            let (file, name) = args.file()?;
            let (id, dest) = (args.container()?, args.dest()?);
            measure_async(archive_put(&docker, id, dest, file, &name)).await
        }
        Workload::ArchiveGet => {
            let (id, path) = (args.container()?, args.path()?);
            measure_async(archive_get(&docker, id, path)).await
        }
    }
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
fn container_body(image: &str) -> ContainerCreateBody {
    ContainerCreateBody {
        image: Some(image.to_string()),
        cmd: Some(vec!["true".to_string()]),
        labels: Some(HashMap::from([(
            LABEL_KEY.to_string(),
            LABEL_VALUE.to_string(),
        )])),
        ..Default::default()
    }
}

/// Create, start, wait, remove (removed even if starting or waiting failed). bollard's
/// wait stream fails on a non-zero exit code.
async fn lifecycle(docker: Docker, body: ContainerCreateBody) -> Result<()> {
    let id = docker.create_container(None, body).await?.id;
    let ran = async {
        docker.start_container(&id, None).await?;
        docker
            .wait_container(&id, None)
            .try_collect::<Vec<_>>()
            .await
    }
    .await;
    let options = RemoveContainerOptionsBuilder::default()
        .force(ran.is_err())
        .build();
    let removed = docker.remove_container(&id, Some(options)).await;
    ran?;
    removed?;
    Ok(())
}

/// Subscribes once, then per container: create (untimed), start, read events until
/// its `start`. bollard sends the events request only when the stream is first
/// polled, so `since` makes the daemon replay anything from before that.
async fn event_latency(
    docker: &Docker,
    image: &str,
    n: usize,
    created: &mut Vec<String>,
) -> Result<Outcome> {
    let filters = HashMap::from([
        ("type", vec!["container"]),
        ("event", vec!["start"]),
        ("label", vec![LABEL]),
    ]);
    let options = EventsOptionsBuilder::default()
        .since(&unix_seconds_arg())
        .filters(&filters)
        .build();
    let mut events = Box::pin(docker.events(Some(options)));
    let mut latencies_ms = Vec::with_capacity(n);
    for _ in 0..n {
        let id = docker
            .create_container(None, container_body(image))
            .await?
            .id;
        created.push(id.clone());
        docker.start_container(&id, None).await?;
        loop {
            let event = events.next().await.ok_or("the event stream ended")??;
            if event.actor.as_ref().and_then(|a| a.id.as_deref()) == Some(id.as_str()) {
                latencies_ms.push(latency_ms(event.time_nano.unwrap_or_default()));
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
    for id in ids {
        let options = RemoveContainerOptionsBuilder::default().force(true).build();
        docker.remove_container(id, Some(options)).await?;
    }
    Ok(())
}

/// All logs (stdout and stderr), counting the payload bytes of each `LogOutput`.
async fn logs(docker: &Docker, id: &str) -> Result<Outcome> {
    let options = LogsOptionsBuilder::default()
        .stdout(true)
        .stderr(true)
        .build();
    let mut logs = docker.logs(id, Some(options));
    let mut bytes = 0;
    while let Some(output) = logs.next().await {
        bytes += output?.into_bytes().len() as u64;
    }
    Ok(Outcome::bytes(bytes))
}

/// Uploads `file` as a one-entry tar, streamed: bollard 0.21 takes a stream body
/// (`body_try_stream`) but has no tar writer, so the archive is the entry's header,
/// the file read in pieces, and the padding and end-of-archive blocks.
async fn archive_put(
    docker: &Docker,
    id: &str,
    dest: &str,
    file: &Path,
    name: &str,
) -> Result<Outcome> {
    let (tar, size) = tar_stream(file, name).await?;
    let options = UploadToContainerOptionsBuilder::default()
        .path(dest)
        .build();
    docker
        .upload_to_container(id, Some(options), body_try_stream(tar))
        .await?;
    Ok(Outcome::bytes(size))
}

/// A tar archive of one regular file, read as it is sent; also the archive's size.
async fn tar_stream(
    path: &Path,
    name: &str,
) -> Result<(
    impl Stream<Item = std::io::Result<Bytes>> + Send + 'static,
    u64,
)> {
    let file = tokio::fs::File::open(path).await?;
    let meta = file.metadata().await?;
    if !meta.is_file() {
        return Err(format!("{} is not a regular file", path.display()).into());
    }
    let size = meta.len();
    let mut header = tar::Header::new_gnu();
    header.set_path(name)?;
    header.set_metadata(&meta);
    header.set_cksum();
    let header = Bytes::copy_from_slice(header.as_bytes());
    let padding = (512 - size % 512) % 512;
    let trailer = Bytes::from(vec![0; padding as usize + 1024]);
    let contents = ReaderStream::with_capacity(file.take(size), 64 * 1024);
    let total = header.len() as u64 + size + trailer.len() as u64;
    let tar = stream::once(ready(Ok(header)))
        .chain(contents)
        .chain(stream::once(ready(Ok(trailer))));
    Ok((tar, total))
}

/// The tar stream of `path`, counted as it arrives and dropped.
async fn archive_get(docker: &Docker, id: &str, path: &str) -> Result<Outcome> {
    let options = DownloadFromContainerOptionsBuilder::default()
        .path(path)
        .build();
    let mut archive = docker.download_from_container(id, Some(options));
    let mut bytes = 0;
    while let Some(piece) = archive.next().await {
        bytes += piece?.len() as u64;
    }
    Ok(Outcome::bytes(bytes))
}
