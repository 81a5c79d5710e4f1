//! Follows a container's output like `docker logs -f`: stdout to stdout, stderr to
//! stderr, as it comes, until the container stops.
//!
//! `cargo run --example logs -- CONTAINER [--tail N] [--timestamps]`

use std::io::Write;

use futures_util::StreamExt;
use libdocker::{Docker, LogsOptions, StdStream};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(container) = args.first() else {
        eprintln!("usage: logs CONTAINER [--tail N] [--timestamps]");
        std::process::exit(2);
    };
    let mut options = LogsOptions {
        follow: true,
        ..Default::default()
    };
    let mut rest = args[1..].iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--timestamps" | "-t" => options.timestamps = true,
            "--tail" | "-n" => options.tail = rest.next().and_then(|n| n.parse().ok()),
            other => {
                eprintln!("unknown option {other}");
                std::process::exit(2);
            }
        }
    }
    let result = async {
        let docker = Docker::connect()?;
        let mut logs = docker.containers().logs(container, options).await?;
        let (mut out, mut err) = (std::io::stdout().lock(), std::io::stderr().lock());
        while let Some(chunk) = logs.next().await {
            let chunk = chunk?;
            let sink: &mut dyn Write = if chunk.stream == StdStream::Stderr {
                &mut err
            } else {
                &mut out
            };
            // A closed pipe (e.g. `| head`) ends the program quietly.
            if sink
                .write_all(&chunk.bytes)
                .and_then(|()| sink.flush())
                .is_err()
            {
                break;
            }
        }
        Ok::<(), libdocker::Error>(())
    }
    .await;
    if let Err(e) = result {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
