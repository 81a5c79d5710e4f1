//! Pulls an image drawing one progress bar per layer, the way `docker pull` does.
//!
//! `cargo run --example pull -- REFERENCE` (e.g. `127.0.0.1:5000/libdocker-test/busybox:latest`).
//! Credentials come from the docker CLI's configuration, as for `docker pull`.

use std::collections::HashMap;

use futures_util::StreamExt;
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use libdocker::{Docker, PullOptions};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let Some(reference) = std::env::args().nth(1) else {
        eprintln!("usage: pull REFERENCE");
        std::process::exit(2);
    };
    if let Err(e) = pull(&reference).await {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

async fn pull(reference: &str) -> Result<(), libdocker::Error> {
    let docker = Docker::connect()?;
    let mut progress = docker
        .images()
        .pull(reference, PullOptions::default())
        .await?;
    let bars = MultiProgress::new();
    let style =
        ProgressStyle::with_template("{prefix:.bold}: {msg:<12} [{bar:30}] {bytes}/{total_bytes}")
            .expect("a valid template")
            .progress_chars("=> ");
    let mut layers: HashMap<String, ProgressBar> = HashMap::new();
    let mut digest = None;
    while let Some(msg) = progress.next().await {
        let msg = msg?;
        let status = msg.status.clone().unwrap_or_default();
        match msg.id.as_deref() {
            Some(id) if !status.starts_with("Pulling from") => {
                let bar = layers.entry(id.to_string()).or_insert_with(|| {
                    let bar = bars.add(ProgressBar::new(0).with_style(style.clone()));
                    bar.set_prefix(id.to_string());
                    bar
                });
                if let Some(detail) = msg.detail {
                    if let Some(total) = detail.total {
                        bar.set_length(total);
                    }
                    if let Some(current) = detail.current {
                        bar.set_position(current);
                    }
                }
                if matches!(status.as_str(), "Pull complete" | "Already exists") {
                    bar.finish_with_message(status);
                } else {
                    bar.set_message(status);
                }
            }
            _ => {
                if let Some(d) = status.strip_prefix("Digest: ") {
                    digest = Some(d.to_string());
                }
                bars.println(status).ok();
            }
        }
    }
    for bar in layers.values() {
        if !bar.is_finished() {
            bar.finish();
        }
    }
    if let Some(d) = digest {
        println!("{reference} pulled ({d})");
    }
    Ok(())
}
