//! Fixtures for libdocker's tests and examples, against the real daemon that
//! `tests/env/testenv.sh up` provides:
//!
//! - [`ensure_test_image`]: the busybox image, made by our own client (a rootfs tar
//!   holding `/bin/busybox` and its applet links, imported with `ImageCreate`);
//! - [`docker`]: a client of the test daemon; [`unique`]: names that never collide;
//! - [`TEST_LABEL`]: put on everything tests create, so a sweep can remove leftovers;
//! - [`Recorder`]: a byte-recording TCP proxy in front of the real daemon.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use futures_util::StreamExt;
use libdocker::{Body, Docker, Error};
use serde_json::{json, Value};

/// The image every test runs.
pub const TEST_IMAGE: &str = "libdocker-test/busybox:latest";
/// The label on every object a test creates.
pub const TEST_LABEL: &str = "libdocker-test";

/// A client of the test daemon, resolved like the CLI (tests/run.sh exports DOCKER_HOST).
pub fn docker() -> Docker {
    Docker::connect().expect("DOCKER_HOST or the default socket must be usable (run tests/run.sh)")
}

/// A test environment variable written by `tests/env/testenv.sh up`.
pub fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!(
            "{name} is not set: run the tests through tests/run.sh, which starts the test daemons"
        )
    })
}

/// A name unique to this process and call, starting with `prefix`.
pub fn unique(prefix: &str) -> String {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("{prefix}-{}-{n}-{nanos:x}", std::process::id())
}

/// Makes sure [`TEST_IMAGE`] exists on the daemon, importing it if absent.
/// Returns whether it had to be imported.
pub async fn ensure_test_image(docker: &Docker) -> Result<bool, Error> {
    match docker
        .invoke("ImageInspect", json!({ "name": TEST_IMAGE }))
        .await
    {
        Ok(_) => return Ok(false),
        Err(Error::NotFound { .. }) => {}
        Err(e) => return Err(e),
    }
    let tar = busybox_rootfs_tar(Path::new("/bin/busybox"))?;
    let (repo, tag) = TEST_IMAGE
        .rsplit_once(':')
        .unwrap_or((TEST_IMAGE, "latest"));
    let mut progress = docker
        .invoke(
            "ImageCreate",
            json!({ "fromSrc": "-", "repo": repo, "tag": tag, "message": "libdocker test image", "changes": ["CMD [\"sh\"]"] }),
        )
        .body(Body::from_bytes(tar))
        .await?
        .into_json_stream()?;
    while let Some(msg) = progress.next().await {
        let msg = msg?;
        if let Some(err) = msg.get("error").and_then(Value::as_str) {
            return Err(Error::Progress {
                operation: "importing the test image".into(),
                message: err.to_string(),
            });
        }
    }
    Ok(true)
}

/// A rootfs holding a static busybox at /bin/busybox, a link per applet, /tmp and
/// a minimal /etc/passwd.
pub fn busybox_rootfs_tar(busybox: &Path) -> Result<Vec<u8>, Error> {
    let io = |what: &str| {
        let what = what.to_string();
        move |e: std::io::Error| Error::Io {
            context: what.clone(),
            source: e,
        }
    };
    let binary = std::fs::read(busybox).map_err(io(
        "reading /bin/busybox (install Debian's busybox-static, or run tests/env/testenv.sh up)",
    ))?;
    let applets = std::process::Command::new(busybox)
        .arg("--list")
        .output()
        .map_err(io("running busybox --list"))?;
    let applets = String::from_utf8_lossy(&applets.stdout).into_owned();

    let mut builder = tar::Builder::new(Vec::new());
    let dir = |b: &mut tar::Builder<Vec<u8>>, path: &str, mode: u32| {
        let mut h = tar::Header::new_gnu();
        h.set_entry_type(tar::EntryType::Directory);
        h.set_mode(mode);
        h.set_size(0);
        h.set_mtime(0);
        b.append_data(&mut h, path, std::io::empty())
    };
    let file = |b: &mut tar::Builder<Vec<u8>>, path: &str, mode: u32, data: &[u8]| {
        let mut h = tar::Header::new_gnu();
        h.set_entry_type(tar::EntryType::Regular);
        h.set_mode(mode);
        h.set_size(data.len() as u64);
        h.set_mtime(0);
        b.append_data(&mut h, path, data)
    };
    let w = io("building the rootfs tar");
    dir(&mut builder, "bin", 0o755).map_err(&w)?;
    dir(&mut builder, "etc", 0o755).map_err(&w)?;
    dir(&mut builder, "tmp", 0o1777).map_err(&w)?;
    dir(&mut builder, "root", 0o700).map_err(&w)?;
    file(&mut builder, "bin/busybox", 0o755, &binary).map_err(&w)?;
    file(
        &mut builder,
        "etc/passwd",
        0o644,
        b"root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n",
    )
    .map_err(&w)?;
    file(
        &mut builder,
        "etc/group",
        0o644,
        b"root:x:0:\nnogroup:x:65534:\n",
    )
    .map_err(&w)?;
    for applet in applets.split_whitespace().filter(|a| *a != "busybox") {
        let mut h = tar::Header::new_gnu();
        h.set_entry_type(tar::EntryType::Symlink);
        h.set_mode(0o777);
        h.set_size(0);
        h.set_mtime(0);
        builder
            .append_link(&mut h, format!("bin/{applet}"), "busybox")
            .map_err(&w)?;
    }
    builder.into_inner().map_err(w)
}

/// Force-removes a container, ignoring "not found".
pub async fn remove_container(docker: &Docker, id: &str) {
    let _ = docker
        .invoke(
            "ContainerDelete",
            json!({ "id": id, "force": true, "v": true }),
        )
        .await;
}

/// A TCP proxy in front of the test daemon that records what clients send.
/// The daemon behind it is the real one: only the bytes are observed.
#[derive(Clone)]
pub struct Recorder {
    pub address: String,
    sent: Arc<Mutex<Vec<u8>>>,
    connections: Arc<AtomicUsize>,
    /// Connections open now, and the most open at once so far.
    open: Arc<AtomicUsize>,
    most_open: Arc<AtomicUsize>,
}

impl Recorder {
    /// Listens on a free port of 127.0.0.1 and forwards to the unix socket `daemon`.
    pub async fn start(daemon: &str) -> Recorder {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let address = format!("tcp://{}", listener.local_addr().expect("addr"));
        let rec = Recorder {
            address,
            sent: Arc::default(),
            connections: Arc::default(),
            open: Arc::default(),
            most_open: Arc::default(),
        };
        let socket = daemon.trim_start_matches("unix://").to_string();
        let r = rec.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                r.connections.fetch_add(1, Ordering::SeqCst);
                let now = r.open.fetch_add(1, Ordering::SeqCst) + 1;
                r.most_open.fetch_max(now, Ordering::SeqCst);
                let Ok(upstream) = tokio::net::UnixStream::connect(&socket).await else {
                    r.open.fetch_sub(1, Ordering::SeqCst);
                    continue;
                };
                let sent = r.sent.clone();
                let open = r.open.clone();
                tokio::spawn(async move {
                    let (mut cr, mut cw) = client.into_split();
                    let (mut ur, mut uw) = upstream.into_split();
                    let up = async {
                        use tokio::io::{AsyncReadExt, AsyncWriteExt};
                        let mut buf = vec![0u8; 64 * 1024];
                        loop {
                            let n = match cr.read(&mut buf).await {
                                Ok(0) | Err(_) => break,
                                Ok(n) => n,
                            };
                            sent.lock().unwrap().extend_from_slice(&buf[..n]);
                            if uw.write_all(&buf[..n]).await.is_err() {
                                break;
                            }
                        }
                        let _ = uw.shutdown().await;
                    };
                    let down = async {
                        let _ = tokio::io::copy(&mut ur, &mut cw).await;
                    };
                    tokio::join!(up, down);
                    open.fetch_sub(1, Ordering::SeqCst);
                });
            }
        });
        rec
    }

    /// Everything clients sent so far, as text.
    pub fn sent(&self) -> String {
        String::from_utf8_lossy(&self.sent.lock().unwrap()).into_owned()
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    /// Connections open now.
    pub fn open_now(&self) -> usize {
        self.open.load(Ordering::SeqCst)
    }

    /// The most connections that were open at once so far.
    pub fn most_open(&self) -> usize {
        self.most_open.load(Ordering::SeqCst)
    }
}

/// Runs the docker CLI against the test daemon (DOCKER_HOST is inherited) and
/// returns its stdout and stderr bytes; panics if it fails.
pub fn cli(args: &[&str]) -> (Vec<u8>, Vec<u8>) {
    let out = std::process::Command::new("docker")
        .args(args)
        .output()
        .expect("the docker CLI is installed (docker.io)");
    assert!(
        out.status.success(),
        "docker {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (out.stdout, out.stderr)
}

/// Removes the containers it holds when dropped, even when a test panics.
pub struct Cleanup {
    ids: Vec<String>,
    /// The daemon they are on; the main test daemon when `None`.
    host: Option<String>,
}

impl Cleanup {
    pub fn new() -> Self {
        Cleanup {
            ids: Vec::new(),
            host: None,
        }
    }

    /// Removes containers of the daemon at `host` instead of the main one.
    pub fn on_host(host: impl Into<String>) -> Self {
        Cleanup {
            ids: Vec::new(),
            host: Some(host.into()),
        }
    }

    /// Registers a container for removal; returns its id for convenience.
    pub fn container(&mut self, id: impl Into<String>) -> String {
        let id = id.into();
        self.ids.push(id.clone());
        id
    }
}

impl Default for Cleanup {
    fn default() -> Self {
        Cleanup::new()
    }
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        let ids = std::mem::take(&mut self.ids);
        if ids.is_empty() {
            return;
        }
        let host = self.host.take();
        // A fresh runtime and client on another thread: the test's runtime may be
        // the one blocked in this drop.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            rt.block_on(async {
                let d = match host {
                    Some(h) => match isolated(&h).build() {
                        Ok(d) => d,
                        Err(_) => return,
                    },
                    None => docker(),
                };
                for id in ids {
                    remove_container(&d, &id).await;
                }
            });
            Some(())
        })
        .join();
    }
}

/// The containers, running or not, labelled `name=<name>`, as `list` reports them.
pub async fn listed_by_name(docker: &Docker, name: &str) -> Vec<libdocker::ContainerSummary> {
    docker
        .containers()
        .list(libdocker::ListOptions {
            all: true,
            filters: libdocker::Filters::new().add("label", format!("name={name}")),
            ..Default::default()
        })
        .await
        .expect("list containers by their name label")
}

/// Creates a container of the test image from `config` (labelled for the sweep).
pub async fn create(
    docker: &Docker,
    config: libdocker::ContainerConfig,
    cleanup: &mut Cleanup,
) -> String {
    let created = docker
        .containers()
        .create(&config.label(TEST_LABEL, "1"), None)
        .await
        .expect("create the test container");
    cleanup.container(created.id)
}

/// A container config of the test image running `sh -c script`.
pub fn sh(script: &str) -> libdocker::ContainerConfig {
    libdocker::ContainerConfig::new(TEST_IMAGE).cmd(["sh", "-c", script])
}

/// A builder of a client of `host` that ignores the process environment.
pub fn isolated(host: &str) -> libdocker::DockerBuilder {
    Docker::builder()
        .environment(libdocker::Environment::from_pairs::<String, String>([]))
        .host(host)
}

/// A client of the main test daemon whose docker CLI configuration is `config`
/// (written as `config.json` in a fresh directory), and whose PATH starts with
/// `helpers` (for `docker-credential-*` scripts). Keep the directory while the client is used.
pub fn docker_with_cli_config(
    config: &serde_json::Value,
    helpers: Option<&Path>,
) -> (Docker, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::write(dir.path().join("config.json"), config.to_string()).expect("write config.json");
    let mut vars = vec![
        ("DOCKER_HOST".to_string(), env("LIBDOCKER_TEST_MAIN_HOST")),
        (
            "DOCKER_CONFIG".to_string(),
            dir.path().display().to_string(),
        ),
    ];
    if let Some(helpers) = helpers {
        let path = std::env::var("PATH").unwrap_or_default();
        vars.push(("PATH".to_string(), format!("{}:{path}", helpers.display())));
    }
    let docker = Docker::builder()
        .environment(libdocker::Environment::from_pairs(vars))
        .build()
        .expect("a client of the test daemon");
    (docker, dir)
}

/// The registry with htpasswd authentication, and its login.
pub struct AuthRegistry {
    pub host: String,
    pub user: String,
    pub password: String,
}

pub fn auth_registry() -> AuthRegistry {
    AuthRegistry {
        host: env("LIBDOCKER_TEST_AUTH_REGISTRY"),
        user: env("LIBDOCKER_TEST_REGISTRY_USER"),
        password: env("LIBDOCKER_TEST_REGISTRY_PASSWORD"),
    }
}

/// A started container of the test image that idles (`sleep 300`), for exec,
/// archive and lifecycle tests.
pub async fn idle_container(docker: &Docker, cleanup: &mut Cleanup) -> String {
    ensure_test_image(docker).await.expect("the test image");
    let id = create(docker, sh("sleep 300"), cleanup).await;
    docker
        .containers()
        .start(&id)
        .await
        .expect("start the idle container");
    id
}
