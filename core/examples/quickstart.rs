//! The main job: a real container lifecycle against the local daemon.
//!
//! Connects the way the docker CLI would, makes sure the test image exists (importing
//! a busybox rootfs through this client if it is absent), runs a container that
//! writes to stdout and stderr, streams its output as it comes, waits for its exit
//! code, removes it, and says what happened.
//!
//! When no daemon is reachable and this runs as root, it starts one the way the tests
//! do (`tests/env/testenv.sh daemon`) and stops it afterwards; otherwise it says what
//! is missing.
//!
//! `cargo run --example quickstart`

use std::process::Command;
use std::time::Instant;

use docker_testsupport::{ensure_test_image, TEST_IMAGE, TEST_LABEL};
use futures_util::StreamExt;
use libdocker::{
    ContainerConfig, Docker, Error, LogsOptions, RemoveOptions, StdStream, WaitCondition,
};

const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/env/testenv.sh");
const WORK: &str = "/tmp/libdocker-quickstart";

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let (docker, started) = match connect().await {
        Ok(pair) => pair,
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(1);
        }
    };
    let result = lifecycle(&docker).await;
    if started {
        println!("stopping the daemon this example started");
        let _ = Command::new(SCRIPT)
            .arg("down")
            .env("LIBDOCKER_TEST_WORK", WORK)
            .status();
    }
    if let Err(e) = result {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

/// A client of a daemon that answers, and whether we started that daemon.
async fn connect() -> Result<(Docker, bool), String> {
    let docker = Docker::connect().map_err(|e| format!("cannot configure the client: {e}"))?;
    let err = match docker.ping().await {
        Ok(_) => return Ok((docker, false)),
        Err(e @ Error::Connect { .. }) => e,
        Err(e) => return Err(format!("the daemon at {} failed: {e}", docker.endpoint())),
    };
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0"));
    if !is_root || !std::path::Path::new(SCRIPT).exists() {
        return Err(format!(
            "{err}\n\nNo Docker daemon is reachable. Start one (Debian: `apt-get install docker.io`, then \
             `dockerd &`), point DOCKER_HOST at one, or run this example as root: it then installs \
             docker.io and busybox-static and starts dockerd on a private socket itself."
        ));
    }
    println!("no daemon reachable ({err});\nstarting one the way the tests do: {SCRIPT} daemon");
    let status = Command::new(SCRIPT)
        .arg("daemon")
        .env("LIBDOCKER_TEST_WORK", WORK)
        .status()
        .map_err(|e| format!("cannot run {SCRIPT}: {e}"))?;
    if !status.success() {
        return Err(format!(
            "{SCRIPT} daemon failed ({status}); see its messages above"
        ));
    }
    let env = std::fs::read_to_string(format!("{WORK}/env")).map_err(|e| e.to_string())?;
    let host = env
        .lines()
        .find_map(|l| l.strip_prefix("export DOCKER_HOST="))
        .ok_or("the test environment wrote no DOCKER_HOST")?;
    let docker = Docker::builder()
        .host(host)
        .build()
        .map_err(|e| e.to_string())?;
    docker
        .ping()
        .await
        .map_err(|e| format!("the daemon we started does not answer: {e}"))?;
    Ok((docker, true))
}

async fn lifecycle(docker: &Docker) -> Result<(), Error> {
    let version = docker.version().await?;
    println!(
        "connected to {} (Docker {}, API {} negotiated)",
        docker.endpoint(),
        version.version,
        docker.api_version().await?
    );
    if ensure_test_image(docker).await? {
        println!("imported {TEST_IMAGE} from a busybox rootfs");
    } else {
        println!("using {TEST_IMAGE}");
    }

    let script = "echo 'hello from stdout'; echo 'hello from stderr' >&2; \
                  for i in 1 2 3; do echo \"tick $i\"; sleep 0.2; done; echo 'bye' >&2";
    let config = ContainerConfig::new(TEST_IMAGE)
        .cmd(["sh", "-c", script])
        .label(TEST_LABEL, "quickstart");
    let containers = docker.containers();
    let id = containers.create(&config, None).await?.id;
    println!("created container {}", &id[..12.min(id.len())]);

    let started = Instant::now();
    let outcome = run(docker, &id).await;
    containers
        .remove(
            &id,
            RemoveOptions {
                force: true,
                ..Default::default()
            },
        )
        .await?;
    println!("removed container {}", &id[..12.min(id.len())]);
    let (exit_code, out_bytes, err_bytes) = outcome?;
    println!(
        "done in {:.1}s: exit code {exit_code}, {out_bytes} bytes on stdout, {err_bytes} bytes on stderr",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Starts the container, streams its output as it comes, and waits for its exit code.
async fn run(docker: &Docker, id: &str) -> Result<(i64, usize, usize), Error> {
    let containers = docker.containers();
    containers.start(id).await?;
    let mut output = containers
        .logs(
            id,
            LogsOptions {
                follow: true,
                ..Default::default()
            },
        )
        .await?
        .lines(64 * 1024);
    let (mut out, mut err) = (0, 0);
    while let Some(line) = output.next().await {
        let line = line?;
        match line.stream {
            StdStream::Stderr => err += line.bytes.len(),
            _ => out += line.bytes.len(),
        }
        print!(
            "  {} | {}",
            line.stream,
            String::from_utf8_lossy(&line.bytes)
        );
    }
    let exit = containers.wait(id, WaitCondition::NotRunning).await?;
    Ok((exit.status_code, out, err))
}
