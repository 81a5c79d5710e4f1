//! Container maps at scale, for bench/maps.sh.
//!
//! ```text
//! bench-maps up|down FILE     apply a map with the default client (DOCKER_HOST)
//!                             and `tls` (LIBDOCKER_TEST_TLS_HOST, LIBDOCKER_TEST_CERTS);
//!                             prints {"seconds": …, "containers": …}
//! bench-maps plan-cpu N       load and plan a map of N services (a dependency
//!                             chain every 10) against the default daemon;
//!                             prints {"services": N, "cpu_ms": …, "load_cpu_ms": …}
//! ```

use std::path::PathBuf;
use std::time::Instant;

use libdocker::maps::{Action, ActionOptions, Clients, ContainerMap, LoadOptions};
use libdocker::{Docker, TlsOptions};

fn cpu_ms() -> f64 {
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: getrusage fills the struct we own.
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    let ms = |t: libc::timeval| t.tv_sec as f64 * 1e3 + t.tv_usec as f64 / 1e3;
    ms(usage.ru_utime) + ms(usage.ru_stime)
}

fn clients() -> Clients {
    let mut clients = Clients::new(Docker::connect().expect("DOCKER_HOST"));
    let tls_host = std::env::var("LIBDOCKER_TEST_TLS_HOST")
        .ok()
        .filter(|h| !h.is_empty());
    if let (Some(host), Ok(certs)) = (tls_host, std::env::var("LIBDOCKER_TEST_CERTS")) {
        let certs = PathBuf::from(certs);
        let tls = Docker::builder()
            .host(host)
            .tls(
                TlsOptions::with_ca(certs.join("ca.pem"))
                    .client_auth(certs.join("cert.pem"), certs.join("key.pem")),
            )
            .build()
            .expect("the TLS daemon");
        clients.insert("tls", tls);
    }
    clients
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some(action @ ("up" | "down")) => {
            let map = ContainerMap::load(&args[1]).expect("the map");
            let clients = clients();
            let started = Instant::now();
            let action = Action::parse(action).expect("up or down");
            map.run(&clients, action, ActionOptions::default())
                .finish()
                .await
                .expect("the action");
            let seconds = started.elapsed().as_secs_f64();
            let containers = map.ps(&clients).await.expect("ps").len();
            println!("{{\"seconds\": {seconds:.3}, \"containers\": {containers}}}");
        }
        Some("plan-cpu") => {
            let n: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(1000);
            let mut text = String::from("name: benchplan\nservices:\n");
            for i in 0..n {
                text.push_str(&format!(
                    "  s{i}:\n    image: libdocker-test/busybox:latest\n    command: [sleep, '600']\n    environment: {{INDEX: '{i}'}}\n    ports: ['{}']\n    volumes: [/data]\n",
                    10000 + i
                ));
                if i % 10 != 0 {
                    text.push_str(&format!("    depends_on: [s{}]\n", i - 1));
                }
            }
            let clients = clients();
            let before = cpu_ms();
            let map = ContainerMap::from_yaml(&text, ".", LoadOptions::default()).expect("the map");
            let loaded = cpu_ms();
            let plan = map
                .plan(&clients, Action::Up, &ActionOptions::default())
                .await
                .expect("the plan");
            let after = cpu_ms();
            assert_eq!(
                plan.steps.len(),
                2 * n + 1,
                "create and start each, and the network"
            );
            println!(
                "{{\"services\": {n}, \"cpu_ms\": {:.1}, \"load_cpu_ms\": {:.1}}}",
                after - before,
                loaded - before
            );
        }
        _ => {
            eprintln!("usage: bench-maps up|down FILE | plan-cpu N");
            std::process::exit(2);
        }
    }
}
