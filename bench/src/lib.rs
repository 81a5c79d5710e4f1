//! Shared parts of the Rust benchmark clients (see `PROTOCOL.md`): the command line,
//! the workload names, the measurement of a workload (wall and CPU time from
//! `getrusage(RUSAGE_SELF)`, peak RSS) and the one JSON line each client prints.
//!
//! A client binary parses its [`Args`], connects and pings once (untimed), runs the
//! workload inside [`measure`] / [`measure_async`], cleans up, and calls [`report`].

use std::fmt;
use std::future::Future;
use std::path::PathBuf;
use std::process::exit;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// The error type of the clients: anything, reported on stderr with exit status 1.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;
pub type Result<T, E = BoxError> = std::result::Result<T, E>;

/// The label every container a workload creates carries (`key=value`).
pub const LABEL_KEY: &str = "libdocker-bench";
pub const LABEL_VALUE: &str = "1";
pub const LABEL: &str = "libdocker-bench=1";

/// The workloads of `PROTOCOL.md`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Workload {
    Noop,
    PingSeq,
    ListSeq,
    PingPar,
    Logs,
    LifecycleSeq,
    LifecyclePar,
    EventLatency,
    ArchivePut,
    ArchiveGet,
}

impl Workload {
    pub const ALL: [Workload; 10] = [
        Workload::Noop,
        Workload::PingSeq,
        Workload::ListSeq,
        Workload::PingPar,
        Workload::Logs,
        Workload::LifecycleSeq,
        Workload::LifecyclePar,
        Workload::EventLatency,
        Workload::ArchivePut,
        Workload::ArchiveGet,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Workload::Noop => "noop",
            Workload::PingSeq => "ping-seq",
            Workload::ListSeq => "list-seq",
            Workload::PingPar => "ping-par",
            Workload::Logs => "logs",
            Workload::LifecycleSeq => "lifecycle-seq",
            Workload::LifecyclePar => "lifecycle-par",
            Workload::EventLatency => "event-latency",
            Workload::ArchivePut => "archive-put",
            Workload::ArchiveGet => "archive-get",
        }
    }

    pub fn from_name(name: &str) -> Option<Workload> {
        Workload::ALL.into_iter().find(|w| w.name() == name)
    }
}

impl fmt::Display for Workload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Which tokio runtime an async client runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Runtime {
    /// `new_current_thread()`: everything on the main thread.
    CurrentThread,
    /// The default multi-thread runtime.
    MultiThread,
}

impl Runtime {
    /// `ct` or `mt`, the suffix of the client name.
    pub fn suffix(self) -> &'static str {
        match self {
            Runtime::CurrentThread => "ct",
            Runtime::MultiThread => "mt",
        }
    }

    /// Builds the runtime (I/O and timers enabled).
    pub fn build(self) -> std::io::Result<tokio::runtime::Runtime> {
        match self {
            Runtime::CurrentThread => tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build(),
            Runtime::MultiThread => tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build(),
        }
    }
}

/// The command line: `<workload> --host URL [--n N] [--concurrency C] [--image IMG]
/// [--container ID] [--file PATH] [--dest DIR] [--path PATH] [--runtime ct|mt]`, the
/// workload anywhere among the options (the harness puts `--runtime` first).
#[derive(Debug, Clone)]
pub struct Args {
    pub workload: Workload,
    /// `unix:///path` (or `tcp://…` where the client supports it); defaults to
    /// `$DOCKER_HOST`, else `unix:///var/run/docker.sock`.
    pub host: String,
    pub n: usize,
    pub concurrency: usize,
    pub runtime: Runtime,
    image: Option<String>,
    container: Option<String>,
    file: Option<PathBuf>,
    dest: Option<String>,
    path: Option<String>,
}

const USAGE: &str = "usage: <client> <workload> [--host URL] [--n N] [--concurrency C] \
[--image IMG] [--container ID] [--file PATH] [--dest DIR] [--path PATH] [--runtime ct|mt]";

impl Args {
    /// Parses the process's arguments. Exits with status 3 if the workload is not
    /// one of `supported`, and with status 1 (after a message) on any other error.
    pub fn parse(supported: &[Workload]) -> Args {
        let argv: Vec<String> = std::env::args().skip(1).collect();
        match Args::parse_from(&argv, supported) {
            Ok(args) => args,
            Err(ArgsError::Unsupported(name)) => {
                eprintln!("unsupported workload: {name}");
                exit(3)
            }
            Err(ArgsError::Invalid(msg)) => {
                eprintln!("{msg}\n{USAGE}");
                exit(1)
            }
        }
    }

    fn parse_from(argv: &[String], supported: &[Workload]) -> Result<Args, ArgsError> {
        let invalid = |msg: String| ArgsError::Invalid(msg);
        // The workload is the one positional argument, wherever it is; every option
        // takes a value.
        let mut name = None;
        let mut options = Vec::new();
        let mut it = argv.iter();
        while let Some(arg) = it.next() {
            if arg.starts_with("--") {
                let value = it
                    .next()
                    .ok_or_else(|| invalid(format!("{arg} needs a value")))?;
                options.push((arg.as_str(), value.clone()));
            } else if name.replace(arg).is_some() {
                return Err(invalid(format!("unexpected argument {arg}")));
            }
        }
        let name = name.ok_or_else(|| invalid("no workload given".into()))?;
        let workload = Workload::from_name(name)
            .filter(|w| supported.contains(w))
            .ok_or_else(|| ArgsError::Unsupported(name.clone()))?;
        let mut args = Args {
            workload,
            host: std::env::var("DOCKER_HOST")
                .ok()
                .filter(|h| !h.is_empty())
                .unwrap_or_else(|| "unix:///var/run/docker.sock".into()),
            n: 100,
            concurrency: 8,
            runtime: Runtime::CurrentThread,
            image: None,
            container: None,
            file: None,
            dest: None,
            path: None,
        };
        for (flag, value) in options {
            let count = |v: &str, min: usize| {
                v.parse::<usize>()
                    .ok()
                    .filter(|&n| n >= min)
                    .ok_or_else(|| invalid(format!("{flag} takes an integer >= {min}, not {v}")))
            };
            match flag {
                "--host" => args.host = value,
                "--n" => args.n = count(&value, 0)?,
                "--concurrency" => args.concurrency = count(&value, 1)?,
                "--runtime" => {
                    args.runtime = match value.as_str() {
                        "ct" => Runtime::CurrentThread,
                        "mt" => Runtime::MultiThread,
                        other => {
                            return Err(invalid(format!("--runtime is ct or mt, not {other}")))
                        }
                    }
                }
                "--image" => args.image = Some(value),
                "--container" => args.container = Some(value),
                "--file" => args.file = Some(PathBuf::from(value)),
                "--dest" => args.dest = Some(value),
                "--path" => args.path = Some(value),
                other => return Err(invalid(format!("unknown option {other}"))),
            }
        }
        Ok(args)
    }

    pub fn image(&self) -> Result<&str> {
        required(&self.image, "--image")
    }

    pub fn container(&self) -> Result<&str> {
        required(&self.container, "--container")
    }

    pub fn dest(&self) -> Result<&str> {
        required(&self.dest, "--dest")
    }

    pub fn path(&self) -> Result<&str> {
        required(&self.path, "--path")
    }

    /// `--file`, with the basename it is archived under.
    pub fn file(&self) -> Result<(&std::path::Path, String)> {
        let file = self
            .file
            .as_deref()
            .ok_or_else(|| format!("{} needs --file", self.workload))?;
        let name = file
            .file_name()
            .ok_or_else(|| format!("{} has no file name", file.display()))?
            .to_string_lossy()
            .into_owned();
        Ok((file, name))
    }
}

fn required<'a>(value: &'a Option<String>, flag: &str) -> Result<&'a str> {
    value
        .as_deref()
        .ok_or_else(|| format!("this workload needs {flag}").into())
}

enum ArgsError {
    Unsupported(String),
    Invalid(String),
}

/// What a workload did.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// Operations completed.
    pub ops: u64,
    /// Payload bytes moved (logs, archives).
    pub bytes: u64,
    /// Per-event latencies (event-latency only).
    pub latencies_ms: Vec<f64>,
}

impl Outcome {
    pub fn ops(ops: usize) -> Outcome {
        Outcome {
            ops: ops as u64,
            ..Outcome::default()
        }
    }

    pub fn bytes(bytes: u64) -> Outcome {
        Outcome {
            ops: 1,
            bytes,
            latencies_ms: Vec::new(),
        }
    }
}

/// A workload's outcome with the time it took.
#[derive(Debug, Clone)]
pub struct Measured {
    pub outcome: Outcome,
    pub wall_s: f64,
    pub cpu_s: f64,
}

/// User + system CPU seconds of the whole process so far.
pub fn cpu_seconds() -> f64 {
    let usage = rusage();
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    secs(usage.ru_utime) + secs(usage.ru_stime)
}

/// Peak resident set size of the process, in KiB: `VmHWM` of /proc/self/status.
/// (`ru_maxrss` would include the harness's memory: a child started with vfork
/// inherits its parent's high-water mark until exec.)
pub fn maxrss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.split_whitespace().next()?.parse().ok())
        })
        .unwrap_or_else(|| rusage().ru_maxrss.max(0) as u64)
}

fn rusage() -> libc::rusage {
    // SAFETY: getrusage only writes the struct it is given; all-zero is a valid rusage.
    unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        if libc::getrusage(libc::RUSAGE_SELF, &mut usage) != 0 {
            panic!("getrusage: {}", std::io::Error::last_os_error());
        }
        usage
    }
}

/// Wall clock and CPU time from `start` to `finish`.
#[derive(Debug, Clone, Copy)]
pub struct Meter {
    wall: Instant,
    cpu: f64,
}

impl Meter {
    pub fn start() -> Meter {
        Meter {
            cpu: cpu_seconds(),
            wall: Instant::now(),
        }
    }

    pub fn finish(self, outcome: Outcome) -> Measured {
        let wall_s = self.wall.elapsed().as_secs_f64();
        // getrusage counts microseconds: round off the float noise of the difference.
        let cpu_s = ((cpu_seconds() - self.cpu) * 1e6).round() / 1e6;
        Measured {
            outcome,
            wall_s,
            cpu_s,
        }
    }
}

/// Runs a blocking workload and measures it.
pub fn measure<E>(workload: impl FnOnce() -> Result<Outcome, E>) -> Result<Measured, E> {
    let meter = Meter::start();
    let outcome = workload()?;
    Ok(meter.finish(outcome))
}

/// Runs an async workload and measures it.
pub async fn measure_async<E>(
    workload: impl Future<Output = Result<Outcome, E>>,
) -> Result<Measured, E> {
    let meter = Meter::start();
    let outcome = workload.await?;
    Ok(meter.finish(outcome))
}

/// The JSON line of `PROTOCOL.md`, fields in its order.
pub fn json_line(client: &str, workload: Workload, measured: &Measured, maxrss_kb: u64) -> String {
    let m = measured;
    format!(
        "{{\"client\": {}, \"workload\": {}, \"ops\": {}, \"bytes\": {}, \"wall_s\": {}, \
         \"cpu_s\": {}, \"maxrss_kb\": {}, \"latencies_ms\": {}}}",
        serde_json::Value::from(client),
        serde_json::Value::from(workload.name()),
        m.outcome.ops,
        m.outcome.bytes,
        serde_json::Value::from(m.wall_s),
        serde_json::Value::from(m.cpu_s),
        maxrss_kb,
        serde_json::Value::from(m.outcome.latencies_ms.clone()),
    )
}

/// Prints the JSON line on stdout (peak RSS read now).
pub fn report(client: &str, workload: Workload, measured: &Measured) {
    println!("{}", json_line(client, workload, measured, maxrss_kb()));
}

/// Reports an error on stderr and exits with status 1.
pub fn fail(client: &str, workload: Workload, error: impl fmt::Display) -> ! {
    eprintln!("{client} {workload}: {error}");
    exit(1)
}

/// Now as Unix nanoseconds (comparable with an event's `timeNano`).
pub fn unix_nanos() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as i64)
        .unwrap_or(0)
}

/// An event's latency: now minus its `timeNano`, in milliseconds.
pub fn latency_ms(time_nano: i64) -> f64 {
    (unix_nanos() - time_nano) as f64 / 1e6
}

/// Now as the fractional Unix seconds the events endpoint takes in `since`.
pub fn unix_seconds_arg() -> String {
    let nanos = unix_nanos();
    format!("{}.{:09}", nanos / 1_000_000_000, nanos % 1_000_000_000)
}

/// Splits `n` operations over `workers` as evenly as possible (the first ones get the
/// remainder); empty shares are left out.
pub fn split(n: usize, workers: usize) -> Vec<usize> {
    let workers = workers.max(1);
    (0..workers)
        .map(|i| n / workers + usize::from(i < n % workers))
        .filter(|&share| share > 0)
        .collect()
}

/// The size of the archive `source` makes (written to a counter before the measured
/// section: the streamed body itself cannot be counted from outside).
pub fn tar_size(source: &libdocker::body::tar::TarSource) -> Result<u64> {
    struct Counter(u64);
    impl std::io::Write for Counter {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len() as u64;
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut counter = Counter(0);
    source.write_to(&mut counter)?;
    Ok(counter.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(argv: &[&str]) -> Result<Args, ArgsError> {
        let argv: Vec<String> = argv.iter().map(|s| s.to_string()).collect();
        Args::parse_from(&argv, &Workload::ALL)
    }

    #[test]
    fn parses_options() {
        let Ok(args) = parse(&[
            "--runtime",
            "mt",
            "ping-par",
            "--host",
            "unix:///s",
            "--n",
            "10",
            "--concurrency",
            "3",
        ]) else {
            panic!("should parse")
        };
        assert_eq!(args.workload, Workload::PingPar);
        assert_eq!(
            (args.host.as_str(), args.n, args.concurrency),
            ("unix:///s", 10, 3)
        );
        assert_eq!(args.runtime, Runtime::MultiThread);
    }

    #[test]
    fn unknown_workload_is_unsupported() {
        assert!(matches!(
            parse(&["frobnicate"]),
            Err(ArgsError::Unsupported(_))
        ));
        let argv = vec!["logs".to_string()];
        assert!(matches!(
            Args::parse_from(&argv, &[Workload::Noop]),
            Err(ArgsError::Unsupported(_))
        ));
        assert!(matches!(
            parse(&["noop", "--concurrency", "0"]),
            Err(ArgsError::Invalid(_))
        ));
        assert!(matches!(parse(&["--n", "5"]), Err(ArgsError::Invalid(_))));
        assert!(matches!(
            parse(&["noop", "--n"]),
            Err(ArgsError::Invalid(_))
        ));
    }

    #[test]
    fn splits_evenly() {
        assert_eq!(split(10, 3), vec![4, 3, 3]);
        assert_eq!(split(2, 4), vec![1, 1]);
        assert_eq!(split(0, 4), Vec::<usize>::new());
    }

    #[test]
    fn json_line_has_protocol_fields_in_order() {
        let m = Measured {
            outcome: Outcome {
                ops: 2,
                bytes: 3,
                latencies_ms: vec![1.5],
            },
            wall_s: 0.25,
            cpu_s: 0.125,
        };
        assert_eq!(
            json_line("raw", Workload::PingSeq, &m, 7),
            "{\"client\": \"raw\", \"workload\": \"ping-seq\", \"ops\": 2, \"bytes\": 3, \
             \"wall_s\": 0.25, \"cpu_s\": 0.125, \"maxrss_kb\": 7, \"latencies_ms\": [1.5]}"
        );
    }
}
