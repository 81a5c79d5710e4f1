//! `bench-raw` (client `raw`): the floor of the benchmark, a minimal blocking HTTP/1.1
//! client on `std::os::unix::net::UnixStream`, no async runtime and no JSON decoding.
//!
//! It writes `GET /v<version>/_ping HTTP/1.1\r\nHost: d\r\n\r\n` and reads the status
//! line, the headers and the body (`Content-Length`, or chunked), on one kept-alive
//! connection. Untimed set-up: connect and one unversioned `GET /_ping`, whose
//! `Api-Version` header gives the version used afterwards (`/v1.41/…` against a
//! 20.10 daemon). Workloads: `noop`, `ping-seq`, `list-seq` (the body is read, not
//! decoded), `ping-par` (`--concurrency` threads, each with its own connection,
//! splitting `--n`); any other exits with status 3.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::thread;

use libdocker_bench::{fail, measure, report, split, Args, Measured, Outcome, Result, Workload};

const CLIENT: &str = "raw";

fn main() {
    let args = Args::parse(&[
        Workload::Noop,
        Workload::PingSeq,
        Workload::ListSeq,
        Workload::PingPar,
    ]);
    match run(&args) {
        Ok(measured) => report(CLIENT, args.workload, &measured),
        Err(e) => fail(CLIENT, args.workload, e),
    }
}

fn run(args: &Args) -> Result<Measured> {
    let socket = args
        .host
        .strip_prefix("unix://")
        .map(PathBuf::from)
        .ok_or_else(|| format!("{} is not a unix:// host", args.host))?;
    let mut conn = Connection::open(&socket)?;
    let version = conn
        .get("/_ping")?
        .api_version
        .unwrap_or_else(|| "1.41".into());
    let ping = format!("/v{version}/_ping");
    let list = format!("/v{version}/containers/json?all=1");
    let n = args.n;
    match args.workload {
        Workload::Noop => measure(|| Ok(Outcome::default())),
        Workload::PingSeq => measure(|| conn.repeat(&ping, n)),
        Workload::ListSeq => measure(|| conn.repeat(&list, n)),
        Workload::PingPar => measure(|| {
            thread::scope(|scope| {
                let workers: Vec<_> = split(n, args.concurrency)
                    .into_iter()
                    .map(|share| {
                        let (socket, ping) = (&socket, &ping);
                        scope.spawn(move || Connection::open(socket)?.repeat(ping, share))
                    })
                    .collect();
                for worker in workers {
                    worker.join().map_err(|_| "a worker thread panicked")??;
                }
                Ok(Outcome::ops(n))
            })
        }),
        other => Err(format!("{other} is not implemented by {CLIENT}").into()),
    }
}

/// What the client keeps of a response.
struct Response {
    /// `Api-Version`, if sent.
    api_version: Option<String>,
}

/// One kept-alive connection to the daemon.
struct Connection {
    reader: BufReader<UnixStream>,
    /// The line being read (reused).
    line: Vec<u8>,
}

impl Connection {
    fn open(socket: &Path) -> io::Result<Connection> {
        let stream = UnixStream::connect(socket).map_err(|e| {
            io::Error::new(
                e.kind(),
                format!("cannot connect to {}: {e}", socket.display()),
            )
        })?;
        Ok(Connection {
            reader: BufReader::with_capacity(64 * 1024, stream),
            line: Vec::with_capacity(256),
        })
    }

    /// `n` sequential GETs of `path`.
    fn repeat(&mut self, path: &str, n: usize) -> Result<Outcome> {
        for _ in 0..n {
            self.get(path)?;
        }
        Ok(Outcome::ops(n))
    }

    /// Sends `GET path` and reads the whole response; anything but 200 is an error.
    fn get(&mut self, path: &str) -> Result<Response> {
        let request = format!("GET {path} HTTP/1.1\r\nHost: d\r\n\r\n");
        self.reader.get_mut().write_all(request.as_bytes())?;

        self.read_line()?;
        let status = self
            .line
            .split(|&b| b == b' ')
            .nth(1)
            .and_then(|s| std::str::from_utf8(s).ok())
            .and_then(|s| s.parse::<u16>().ok())
            .ok_or("malformed status line")?;
        let mut length = None;
        let mut chunked = false;
        let mut api_version = None;
        loop {
            self.read_line()?;
            if self.line.is_empty() {
                break;
            }
            let Some(colon) = self.line.iter().position(|&b| b == b':') else {
                return Err("malformed header".into());
            };
            let (name, value) = self.line.split_at(colon);
            let value = std::str::from_utf8(&value[1..])?.trim();
            if name.eq_ignore_ascii_case(b"content-length") {
                length = Some(value.parse::<u64>()?);
            } else if name.eq_ignore_ascii_case(b"transfer-encoding") {
                chunked = value.eq_ignore_ascii_case("chunked");
            } else if name.eq_ignore_ascii_case(b"api-version") {
                api_version = Some(value.to_string());
            }
        }

        if chunked {
            self.skip_chunked()?;
        } else {
            self.skip(length.ok_or("a response without Content-Length")?)?;
        }
        if status != 200 {
            return Err(format!("GET {path}: status {status}").into());
        }
        Ok(Response { api_version })
    }

    /// Reads one line into `self.line`, without its CRLF.
    fn read_line(&mut self) -> Result<()> {
        self.line.clear();
        if self.reader.read_until(b'\n', &mut self.line)? == 0 {
            return Err("the daemon closed the connection".into());
        }
        while matches!(self.line.last(), Some(b'\n' | b'\r')) {
            self.line.pop();
        }
        Ok(())
    }

    /// Reads and drops `n` body bytes.
    fn skip(&mut self, n: u64) -> Result<()> {
        let copied = io::copy(&mut (&mut self.reader).take(n), &mut io::sink())?;
        if copied < n {
            return Err("the daemon closed the connection mid-body".into());
        }
        Ok(())
    }

    /// Reads and drops a chunked body (and its trailers).
    fn skip_chunked(&mut self) -> Result<()> {
        loop {
            self.read_line()?;
            let size = std::str::from_utf8(&self.line)?;
            let size = size.split(';').next().unwrap_or("").trim();
            let size = u64::from_str_radix(size, 16)?;
            if size == 0 {
                break;
            }
            self.skip(size)?;
            self.read_line()?;
        }
        loop {
            self.read_line()?;
            if self.line.is_empty() {
                return Ok(());
            }
        }
    }
}
