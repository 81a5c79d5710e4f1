//! The monitor at scale (issue 19's bench): 50 dockerd are more than a 2-core
//! machine runs, so fake daemons stand in for them, in a process of their own.
//!
//!   bench-monitor serve --daemons N --rate R --port P
//!       N fake daemons on 127.0.0.1:P.. answering a ping, an empty container
//!       list and an event stream of R container events a second, each stamped
//!       with the time it is written.
//!   bench-monitor watch --daemons N --port P --seconds S
//!       one Monitor over the N daemons; after all are up, counts the events of
//!       S seconds and prints one JSON line: events, the process's CPU per 1,000
//!       events, and the median and p99 latency from an event's stamp to its
//!       arrival out of the monitor's stream.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use futures_util::StreamExt;
use libdocker::{Docker, Monitor, MonitorEvent, MonitorOptions};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn arg(args: &[String], name: &str) -> u64 {
    args.windows(2)
        .find(|w| w[0] == name)
        .and_then(|w| w[1].parse().ok())
        .unwrap_or_else(|| panic!("missing or bad {name}"))
}

fn now_nanos() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as i64)
}

fn cpu_seconds() -> f64 {
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    let t = |tv: libc::timeval| tv.tv_sec as f64 + tv.tv_usec as f64 / 1e6;
    t(usage.ru_utime) + t(usage.ru_stime)
}

async fn serve_one(mut conn: tokio::net::TcpStream, daemon: u64, rate: u64) {
    loop {
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") {
            if conn.read(&mut byte).await.unwrap_or(0) == 0 {
                return;
            }
            head.push(byte[0]);
        }
        let head = String::from_utf8_lossy(&head).into_owned();
        if head.contains("/events") {
            let _ = conn
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
                .await;
            let mut tick = tokio::time::interval(Duration::from_millis(10));
            let per_tick = (rate / 100).max(1);
            let mut n = 0u64;
            loop {
                tick.tick().await;
                let mut chunk = String::new();
                for _ in 0..per_tick {
                    n += 1;
                    let t = now_nanos();
                    let line = format!(
                        "{{\"Type\":\"container\",\"Action\":\"start\",\"Actor\":{{\"ID\":\"d{daemon}-{n}\",\"Attributes\":{{\"name\":\"c{n}\"}}}},\"scope\":\"local\",\"time\":{},\"timeNano\":{t}}}\n",
                        t / 1_000_000_000
                    );
                    chunk.push_str(&format!("{:x}\r\n{line}\r\n", line.len()));
                }
                if conn.write_all(chunk.as_bytes()).await.is_err() {
                    return;
                }
            }
        }
        let answer: &[u8] = if head.contains("/containers/json") {
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n[]"
        } else {
            b"HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nOK"
        };
        if conn.write_all(answer).await.is_err() {
            return;
        }
    }
}

async fn serve(daemons: u64, rate: u64, port: u64) {
    for d in 0..daemons {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", (port + d) as u16))
            .await
            .expect("bind");
        tokio::spawn(async move {
            while let Ok((conn, _)) = listener.accept().await {
                tokio::spawn(serve_one(conn, d, rate));
            }
        });
    }
    std::future::pending::<()>().await;
}

async fn watch(daemons: u64, port: u64, seconds: u64) {
    let monitor = Monitor::new(MonitorOptions::default());
    for d in 0..daemons {
        let docker = Docker::builder()
            .host(format!("tcp://127.0.0.1:{}", port + d))
            .api_version("1.41".parse().unwrap())
            .build()
            .expect("a client of a fake daemon");
        monitor.add(format!("d{d}"), docker);
    }
    let mut sub = monitor.subscribe().expect("subscribe");
    let mut up = 0;
    while up < daemons {
        if let Some(MonitorEvent::DaemonUp { .. }) = sub.next().await {
            up += 1;
        }
    }
    let (cpu0, start) = (cpu_seconds(), Instant::now());
    let mut latencies = Vec::new();
    while start.elapsed() < Duration::from_secs(seconds) {
        if let Some(MonitorEvent::Event { event, .. }) = sub.next().await {
            latencies.push((now_nanos() - event.time_nano) as f64 / 1e6);
        }
    }
    let cpu = cpu_seconds() - cpu0;
    let wall = start.elapsed().as_secs_f64();
    latencies.sort_by(|a, b| a.total_cmp(b));
    let pct = |p: f64| {
        latencies
            .get(((latencies.len() as f64 - 1.0) * p) as usize)
            .copied()
            .unwrap_or(0.0)
    };
    println!(
        "{{\"daemons\": {daemons}, \"events\": {}, \"events_per_s\": {:.0}, \"cpu_s\": {cpu:.3}, \"cpu_ms_per_1000_events\": {:.3}, \"p50_ms\": {:.3}, \"p99_ms\": {:.3}}}",
        latencies.len(),
        latencies.len() as f64 / wall,
        cpu * 1e6 / latencies.len().max(1) as f64,
        pct(0.5),
        pct(0.99)
    );
    std::process::exit(0);
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    match args.get(1).map(String::as_str) {
        Some("serve") => runtime.block_on(serve(
            arg(&args, "--daemons"),
            arg(&args, "--rate"),
            arg(&args, "--port"),
        )),
        Some("watch") => runtime.block_on(watch(
            arg(&args, "--daemons"),
            arg(&args, "--port"),
            arg(&args, "--seconds"),
        )),
        _ => {
            eprintln!("usage: bench-monitor serve --daemons N --rate R --port P | watch --daemons N --port P --seconds S");
            std::process::exit(2);
        }
    }
}
