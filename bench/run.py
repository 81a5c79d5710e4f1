#!/usr/bin/env python3
"""Runs the benchmark workloads for every client, interleaved, and writes
bench/RESULTS.md (one table per workload, medians, ratios to the floor and to
the peers, and the versions of everything measured).

Usage: bench/run.py --host unix:///path [--quick] [--only WORKLOAD|ID,...] [--clients NAME,...] [--out FILE]
(bench/run.sh prepares the daemon, the Rust binaries and the Python venv first.)

CPU and peak RSS of each run come from the client process itself (its measured
section, see PROTOCOL.md) and, for the command-line floors (curl, the docker CLI),
from wait4() on the process.
"""
import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
IMAGE = "libdocker-test/busybox:latest"
LABEL = "libdocker-bench=1"
LINE = "0123456789012345678901234567890123456789012345678901234567"  # + "\n" = 60 bytes


# ---------------------------------------------------------------- processes

def wait4_run(cmd, stdout_path=None, env=None):
    """Runs cmd with stdout to a file (or /dev/null); returns (wall, cpu, maxrss_kb, status, stderr).

    CPU is the process's user+sys from wait4 (children included). Peak RSS comes
    from GNU time, which forks the command itself: the high-water mark of a child
    of this (much larger) Python process would start at Python's own size."""
    out = open(stdout_path, "wb") if stdout_path else subprocess.DEVNULL
    err = tempfile.TemporaryFile()
    rss_file = tempfile.NamedTemporaryFile(suffix=".rss", delete=False)
    rss_file.close()
    start = time.perf_counter()
    proc = subprocess.Popen(["/usr/bin/time", "-q", "-f", "%M", "-o", rss_file.name, *cmd],
                            stdout=out, stderr=err, env=env)
    _, status, ru = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if stdout_path:
        out.close()
    err.seek(0)
    try:
        rss = int(open(rss_file.name).read().split()[-1])
    except (OSError, ValueError, IndexError):
        rss = 0
    os.unlink(rss_file.name)
    return wall, ru.ru_utime + ru.ru_stime, rss, proc.returncode, err.read().decode(errors="replace")


def docker_cli(*args, check=True):
    r = subprocess.run(["docker", *args], capture_output=True, text=True)
    if check and r.returncode != 0:
        raise RuntimeError(f"docker {' '.join(args)}: {r.stderr.strip()}")
    return r.stdout.strip()


# ---------------------------------------------------------------- clients

class Client:
    """A program following PROTOCOL.md."""

    def __init__(self, name, argv, kind):
        self.name, self.argv, self.kind = name, argv, kind

    def run(self, workload, host, opts):
        cmd = [*self.argv, workload, "--host", host]
        for k, v in opts.items():
            cmd += [f"--{k}", str(v)]
        with tempfile.NamedTemporaryFile() as out:
            wall, cpu, rss, status, err = wait4_run(cmd, stdout_path=out.name)
            text = open(out.name).read().strip()
        if status == 3:
            return None
        if status != 0:
            raise RuntimeError(f"{self.name} {workload} failed ({status}): {err.strip()[-500:]}")
        r = json.loads(text.splitlines()[-1])
        r["process_cpu_s"], r["process_wall_s"], r["process_maxrss_kb"] = cpu, wall, rss
        return r


class Curl:
    """The floor for HTTP work: curl over the unix socket, one connection for a
    sequence (many URLs in one invocation), -Z for parallel requests. It does not
    demultiplex logs: it reads the raw stream."""

    name, kind = "curl", "floor"

    def __init__(self, api):
        self.api = api

    def _many(self, sock, path, n, parallel=None):
        with tempfile.NamedTemporaryFile("w", suffix=".curl", delete=False) as cfg:
            for _ in range(n):
                cfg.write(f'url = "http://d/{self.api}{path}"\noutput = "/dev/null"\n')
        cmd = ["curl", "-s", "--unix-socket", sock, "-K", cfg.name]
        if parallel:
            cmd[1:1] = ["-Z", "--parallel-max", str(parallel), "--parallel-immediate"]
        try:
            wall, cpu, rss, status, err = wait4_run(cmd)
        finally:
            os.unlink(cfg.name)
        if status != 0:
            raise RuntimeError(f"curl failed: {err}")
        return {"ops": n, "bytes": 0, "wall_s": wall, "cpu_s": cpu, "maxrss_kb": rss}

    def run(self, workload, host, opts):
        sock = host[len("unix://"):]
        if workload == "ping-seq":
            return self._many(sock, "/_ping", opts["n"])
        if workload == "list-seq":
            return self._many(sock, "/containers/json?all=1", opts["n"])
        if workload == "ping-par":
            return self._many(sock, "/_ping", opts["n"], parallel=opts["concurrency"])
        if workload in ("logs", "archive-get"):
            if workload == "logs":
                url = f"http://d/{self.api}/containers/{opts['container']}/logs?stdout=1&stderr=1"
            else:
                q = urllib.parse.quote(opts["path"], safe="")
                url = f"http://d/{self.api}/containers/{opts['container']}/archive?path={q}"
            cmd = ["curl", "-s", "-f", "--unix-socket", sock, url, "-o", "/dev/null", "-w", "%{size_download}"]
            with tempfile.NamedTemporaryFile() as out:
                wall, cpu, rss, status, err = wait4_run(cmd, stdout_path=out.name)
                size = int(open(out.name).read().strip() or 0)
            if status != 0:
                raise RuntimeError(f"curl failed: {err}")
            return {"ops": 1, "bytes": size, "wall_s": wall, "cpu_s": cpu, "maxrss_kb": rss}
        if workload == "archive-put":
            tar = opts["tarfile"]
            q = urllib.parse.quote(opts["dest"], safe="")
            url = f"http://d/{self.api}/containers/{opts['container']}/archive?path={q}"
            cmd = ["curl", "-s", "-f", "--unix-socket", sock, "-X", "PUT", "-T", tar, url, "-o", "/dev/null"]
            wall, cpu, rss, status, err = wait4_run(cmd)
            if status != 0:
                raise RuntimeError(f"curl failed: {err}")
            return {"ops": 1, "bytes": os.path.getsize(tar), "wall_s": wall, "cpu_s": cpu, "maxrss_kb": rss}
        return None


class DockerCli:
    """The docker CLI, one process per operation, as a shell user would drive it."""

    name, kind = "docker-cli", "peer"

    def run(self, workload, host, opts):
        env = dict(os.environ, DOCKER_HOST=host)
        if workload == "logs":
            cmd = ["sh", "-c", f"docker logs {opts['container']} 2>&1 | wc -c"]
            with tempfile.NamedTemporaryFile() as out:
                wall, cpu, rss, status, err = wait4_run(cmd, stdout_path=out.name, env=env)
                size = int(open(out.name).read().strip() or 0)
            if status != 0:
                raise RuntimeError(f"docker logs failed: {err}")
            return {"ops": 1, "bytes": size, "wall_s": wall, "cpu_s": cpu, "maxrss_kb": rss}
        if workload == "lifecycle-seq":
            script = " && ".join(
                [f"docker run --rm --label {LABEL} {opts['image']} true"] * opts["n"])
            wall, cpu, rss, status, err = wait4_run(["sh", "-c", script], env=env)
            if status != 0:
                raise RuntimeError(f"docker run failed: {err}")
            return {"ops": opts["n"], "bytes": 0, "wall_s": wall, "cpu_s": cpu, "maxrss_kb": rss}
        if workload == "archive-put":
            cmd = ["docker", "cp", opts["file"], f"{opts['container']}:{opts['dest']}"]
            wall, cpu, rss, status, err = wait4_run(cmd, env=env)
            if status != 0:
                raise RuntimeError(f"docker cp failed: {err}")
            return {"ops": 1, "bytes": os.path.getsize(opts["file"]), "wall_s": wall, "cpu_s": cpu, "maxrss_kb": rss}
        if workload == "archive-get":
            cmd = ["sh", "-c", f"docker cp {opts['container']}:{opts['path']} - | wc -c"]
            with tempfile.NamedTemporaryFile() as out:
                wall, cpu, rss, status, err = wait4_run(cmd, stdout_path=out.name, env=env)
                size = int(open(out.name).read().strip() or 0)
            if status != 0:
                raise RuntimeError(f"docker cp failed: {err}")
            return {"ops": 1, "bytes": size, "wall_s": wall, "cpu_s": cpu, "maxrss_kb": rss}
        return None


def kotlin_client(dispatcher="default"):
    """The Kotlin bindings' client (bench/kotlin/Bench.kt), compiled by bench/run.sh,
    on kotlinx's dispatchers or on a DockerLoop (`loop`)."""
    target = os.path.join(ROOT, "target", "release")
    classpath = open(os.path.join(target, "kotlin-bench", "classpath")).read().strip() \
        if os.path.exists(os.path.join(target, "kotlin-bench", "classpath")) else ""
    return ["java", f"-Djna.library.path={target}", f"-Dbench.dispatcher={dispatcher}",
            "-cp", classpath, "BenchKt"]


def clients(python):
    target = os.path.join(ROOT, "target", "release")
    cs = [
        Client("libdocker-ct", [os.path.join(target, "bench-libdocker"), "--runtime", "ct"], "ours"),
        Client("libdocker-mt", [os.path.join(target, "bench-libdocker"), "--runtime", "mt"], "ours"),
        Client("libdocker-blocking", [os.path.join(target, "bench-libdocker-blocking")], "ours"),
        Client("libdocker-c", [os.path.join(target, "bench-libdocker-c")], "ours"),
        Client("libdocker-py", [python, os.path.join(HERE, "py", "client_libdocker_sync.py")], "ours"),
        Client("libdocker-py-async", [python, os.path.join(HERE, "py", "client_libdocker_async.py")], "ours"),
        Client("libdocker-py-hl", [python, os.path.join(HERE, "py", "client_libdocker_hl.py")], "ours"),
        Client("libdocker-py-hl-async", [python, os.path.join(HERE, "py", "client_libdocker_hl_async.py")], "ours"),
        Client("libdocker-kotlin", kotlin_client(), "ours"),
        Client("libdocker-kotlin-loop", kotlin_client("loop"), "ours"),
        Client("bollard-ct", [os.path.join(target, "bench-bollard"), "--runtime", "ct"], "peer"),
        Client("bollard-mt", [os.path.join(target, "bench-bollard"), "--runtime", "mt"], "peer"),
        Client("docker-py", [python, os.path.join(HERE, "py", "client_dockerpy.py")], "peer"),
        Client("aiodocker", [python, os.path.join(HERE, "py", "client_aiodocker.py")], "peer"),
        Client("raw", [os.path.join(target, "bench-raw")], "floor"),
        Client("raw-python", [python, os.path.join(HERE, "py", "client_raw.py")], "floor"),
    ]
    return cs


# ---------------------------------------------------------------- fixtures

def wait_exit(cid):
    docker_cli("wait", cid)


def fixtures(quick, workdir):
    """Creates what the workloads need; returns (options per workload, cleanup)."""
    log_mb = 20 if quick else 200
    f = {}
    idle = [docker_cli("create", "--label", LABEL, IMAGE, "sleep", "3600") for _ in range(20)]
    lines = docker_cli("run", "-d", "--label", LABEL, IMAGE, "sh", "-c",
                       f"yes {LINE} | head -c {log_mb << 20}")
    chunks = docker_cli("run", "-d", "--label", LABEL, IMAGE, "sh", "-c",
                        f"head -c {log_mb << 20} /dev/zero | tr '\\0' x | dd bs=65536 iflag=fullblock 2>/dev/null")
    holder = docker_cli("run", "-d", "--label", LABEL, IMAGE, "sleep", "3600")
    wait_exit(lines)
    wait_exit(chunks)
    big = os.path.join(workdir, "bigfile")
    size = (10 if quick else 100) << 20
    with open(big, "wb") as fh:
        block = os.urandom(1 << 20)
        for _ in range(size >> 20):
            fh.write(block)
    tarfile_path = os.path.join(workdir, "bigfile.tar")
    subprocess.run(["tar", "-C", workdir, "-cf", tarfile_path, "bigfile"], check=True)
    docker_cli("cp", big, f"{holder}:/tmp/")
    f["idle"] = idle
    f["logs-lines"] = {"container": lines, "mb": log_mb}
    f["logs-chunks"] = {"container": chunks, "mb": log_mb}
    f["holder"] = holder
    f["bigfile"] = big
    f["tarfile"] = tarfile_path
    return f


def cleanup():
    ids = docker_cli("ps", "-aq", "--filter", f"label={LABEL}", check=False).split()
    if ids:
        subprocess.run(["docker", "rm", "-f", *ids], capture_output=True)


# ---------------------------------------------------------------- workloads

def workloads(quick, f):
    n = lambda full, small: small if quick else full  # noqa: E731
    return [
        ("A1 ping-seq", "ping-seq", {"n": n(2000, 300)}, 5, "req/s"),
        # Lists are bound by the daemon, whose pace swings between runs: more of them.
        ("A2 list-seq (20 containers)", "list-seq", {"n": n(2000, 300)}, 9, "req/s"),
        ("B ping-par (64 in flight)", "ping-par", {"n": n(5000, 1000), "concurrency": 64}, 5, "req/s"),
        (f"C1 logs: {f['logs-lines']['mb']} MB of 60-byte lines", "logs",
         {"container": f["logs-lines"]["container"]}, 3, "MB/s"),
        # Short runs at the daemon's varying pace: more of them.
        (f"C2 logs: {f['logs-chunks']['mb']} MB in 64 KiB writes", "logs",
         {"container": f["logs-chunks"]["container"]}, 9, "MB/s"),
        ("D1 lifecycle-seq (40 × create/start/wait/remove)", "lifecycle-seq",
         {"n": n(40, 10), "image": IMAGE}, 5, "ops/s"),
        ("D2 lifecycle-par (40, 8 at a time)", "lifecycle-par",
         {"n": n(40, 16), "concurrency": 8, "image": IMAGE}, 5, "ops/s"),
        ("E start → event latency", "event-latency", {"n": n(20, 5), "image": IMAGE}, 5, "latency"),
        (f"F1 archive-put ({os.path.getsize(f['bigfile']) >> 20} MB file)", "archive-put",
         {"container": f["holder"], "file": f["bigfile"], "dest": "/root", "tarfile": f["tarfile"]}, 9, "MB/s"),
        (f"F2 archive-get ({os.path.getsize(f['bigfile']) >> 20} MB file)", "archive-get",
         {"container": f["holder"], "path": "/tmp/bigfile"}, 9, "MB/s"),
    ]


def rate(r, unit):
    if unit == "MB/s":
        return r["bytes"] / (1 << 20) / r["wall_s"] if r["wall_s"] else 0
    if unit == "latency":
        lat = r.get("latencies_ms") or []
        return statistics.median(lat) if lat else float("nan")
    return r["ops"] / r["wall_s"] if r["wall_s"] else 0


def summarize(results, unit):
    """Medians per client: wall, cpu, rate, rss."""
    rows = {}
    for name, runs in results.items():
        runs = [r for r in runs if r]
        if not runs:
            continue
        rows[name] = {
            "runs": len(runs),
            "wall": statistics.median(r["wall_s"] for r in runs),
            "cpu": statistics.median(r["cpu_s"] for r in runs),
            "rate": statistics.median(rate(r, unit) for r in runs),
            "rss": max(r["maxrss_kb"] for r in runs) / 1024,
            "bytes": runs[0]["bytes"],
        }
    return rows


# ---------------------------------------------------------------- report

def fmt(x, digits=2):
    if x != x:  # nan
        return "n/a"
    if x >= 1000:
        return f"{x:,.0f}"
    return f"{x:.{digits}f}"


def table(title, unit, rows, kinds):
    lower_is_better = unit == "latency"
    floor = next((c for c in ("raw", "curl") if c in rows and kinds.get(c) == "floor"), None)
    out = [f"### {title}", ""]
    head = "| client | runs | wall s | client CPU s | " + ("median latency ms" if lower_is_better else unit) + \
        " | peak RSS MiB | rate ÷ floor | CPU ÷ floor |"
    out += [head, "|" + "---|" * 8]
    for name, r in rows.items():
        rf = cf = "—"
        if floor and name != floor and rows[floor]["rate"] and rows[floor]["cpu"]:
            rf = fmt(r["rate"] / rows[floor]["rate"]) + "×"
            cf = fmt(r["cpu"] / rows[floor]["cpu"]) + "×"
        out.append(f"| {name} | {r['runs']} | {fmt(r['wall'], 3)} | {fmt(r['cpu'], 3)} | {fmt(r['rate'])} "
                   f"| {fmt(r['rss'], 1)} | {rf} | {cf} |")
    out.append("")
    if floor:
        out.append(f"Floor: `{floor}`. " + ("Lower latency is better." if lower_is_better else ""))
    for ours in ("libdocker-ct", "libdocker-mt"):
        if ours not in rows:
            continue
        parts = []
        for peer, r in rows.items():
            if kinds.get(peer) == "ours" or not r["rate"] or not r["cpu"]:
                continue
            parts.append(f"{peer}: {fmt(rows[ours]['rate'] / r['rate'])}× "
                         f"{'latency' if lower_is_better else 'rate'}, {fmt(rows[ours]['cpu'] / r['cpu'])}× CPU")
        out.append(f"- **{ours}** against " + "; ".join(parts))
    # What the Python high-level API costs over the native calls it makes.
    for hl, base in (("libdocker-py-hl", "libdocker-py"), ("libdocker-py-hl-async", "libdocker-py-async")):
        if hl in rows and base in rows and rows[base]["cpu"] and rows[base]["rate"]:
            out.append(f"- **{hl}** against {base}: {fmt(rows[hl]['rate'] / rows[base]['rate'])}× "
                       f"{'latency' if lower_is_better else 'rate'}, {fmt(rows[hl]['cpu'] / rows[base]['cpu'])}× CPU")
    out.append("")
    return "\n".join(out)


def versions(python, api):
    def cmd(*a):
        try:
            return subprocess.run(a, capture_output=True, text=True, timeout=30).stdout.strip()
        except Exception:  # noqa: BLE001
            return "?"
    lock = open(os.path.join(ROOT, "Cargo.lock")).read()
    bollard = "?"
    for block in lock.split("[[package]]"):
        if 'name = "bollard"' in block:
            bollard = block.split('version = "')[1].split('"')[0]
    pyver = cmd(python, "-c", "import docker, aiodocker; print(docker.__version__, aiodocker.__version__)").split()
    cpu = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ours = open(os.path.join(ROOT, "Cargo.toml")).read().split('version = "')[1].split('"')[0]
    return [
        f"- machine: {platform.node()}, {os.cpu_count()} CPUs ({cpu}), {platform.platform()}",
        f"- daemon: {cmd('docker', 'version', '--format', '{{.Server.Version}} (API {{.Server.APIVersion}})')}",
        f"- libdocker {ours}, {cmd('rustc', '--version')}",
        f"- bollard {bollard}; docker-py {pyver[0] if pyver else '?'}; aiodocker {pyver[1] if len(pyver) > 1 else '?'}; "
        f"{cmd(python, '--version')}",
        f"- {cmd('curl', '--version').splitlines()[0] if cmd('curl', '--version') else 'curl ?'}",
        f"- docker CLI {cmd('docker', 'version', '--format', '{{.Client.Version}}')}",
    ]


# ---------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", required=True)
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only", default="")
    ap.add_argument("--clients", default="", help="run only these clients (comma-separated names)")
    ap.add_argument("--out", default=os.path.join(HERE, "RESULTS.md"))
    args = ap.parse_args()
    os.environ["DOCKER_HOST"] = args.host
    api = "v" + json.loads(subprocess.run(["curl", "-s", "--unix-socket", args.host[7:], "http://d/version"],
                                          capture_output=True, text=True).stdout)["ApiVersion"]

    cs = clients(args.python) + [Curl(api), DockerCli()]
    if args.clients:
        wanted = args.clients.split(",")
        unknown = set(wanted) - {c.name for c in cs}
        if unknown:
            sys.exit(f"unknown clients: {', '.join(sorted(unknown))}; known: {', '.join(c.name for c in cs)}")
        cs = [c for c in cs if c.name in wanted]
    kinds = {c.name: c.kind for c in cs}
    workdir = tempfile.mkdtemp(prefix="libdocker-bench-")
    cleanup()
    print("preparing fixtures (idle containers, 2 log containers, a 100 MB file)...", flush=True)
    f = fixtures(args.quick, workdir)
    sections = []
    try:
        for title, wl, opts, reps, unit in workloads(args.quick, f):
            # A workload by name (`logs`) or a section by its id (`C2`).
            if args.only and not {wl, title.split()[0]} & set(args.only.split(",")):
                continue
            print(f"== {title}", flush=True)
            results = {c.name: [] for c in cs}
            for rep in range(3 if args.quick else reps):
                # Each round starts one client later, so no client always follows the
                # same one (a put's write-back, say, lands on whoever comes next).
                shift = rep % len(cs)
                for c in cs[shift:] + cs[:shift]:
                    client_opts = {k: v for k, v in opts.items() if k != "tarfile" or isinstance(c, Curl)}
                    if not isinstance(c, Curl):
                        client_opts.pop("tarfile", None)
                    try:
                        r = c.run(wl, args.host, client_opts)
                    except Exception as e:  # noqa: BLE001
                        print(f"   {c.name}: FAILED {e}", flush=True)
                        r = None
                    if r is not None:
                        results[c.name].append(r)
                        print(f"   {c.name} #{rep + 1}: {fmt(rate(r, unit))} {unit}, cpu {r['cpu_s']:.3f}s,"
                              f" rss {r['maxrss_kb'] / 1024:.1f} MiB", flush=True)
            sections.append(table(title, unit, summarize(results, unit), kinds))
    finally:
        cleanup()
        shutil.rmtree(workdir, ignore_errors=True)

    report = ["# Benchmark results", "",
              f"Generated by `bench/run.sh{' --quick' if args.quick else ''}` on "
              f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}. Medians of the runs shown; clients "
              "interleaved. *client CPU s* is user+sys of the client's measured section (whole process for curl "
              "and the docker CLI); *peak RSS* is the whole client process.", "",
              *versions(args.python, api), "", *sections]
    notes = os.path.join(HERE, "NOTES.md")
    if os.path.exists(notes):
        report += ["", open(notes).read()]
    with open(args.out, "w") as fh:
        fh.write("\n".join(report) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
