"""Shared plumbing for the Python benchmark clients (see bench/PROTOCOL.md).

What lives here:

* ``parse_args()``: the protocol's command line (workload positional, ``--host``,
  ``--n``, ``--concurrency``, ``--container``, ``--image``, ``--file``, ``--dest``,
  ``--path``).  The workload is a free string, not an argparse ``choices`` list, so
  that an unknown workload reaches ``unsupported()`` and exits 3 rather than
  argparse's 2.
* ``Meter`` / ``measure(fn)``: wall time (``time.perf_counter``) and user+sys CPU of
  this process (``resource.getrusage(RUSAGE_SELF)``) of the measured section only.
  ``Meter`` accumulates over several start/stop spans, so a workload can leave
  untimed steps (e.g. the container creation of ``event-latency``) out.
* ``emit()``: prints the one JSON line, with ``maxrss_kb`` from ``VmHWM`` of
  /proc/self/status (peak RSS of the whole process; ``ru_maxrss`` would count the
  harness's memory, inherited through vfork until exec).
* ``fail()`` / ``unsupported()`` / ``guard()``: exit 1 with a message on stderr for
  errors, exit 3 for workloads the client does not implement.

Conventions both Python clients follow:

* The library is imported when the client module loads, outside every measured
  section (the harness's own per-process CPU/RSS numbers include it).
* "Connecting" is constructing the library's client and doing one ``/_ping``.  It
  happens before the measured section of every workload; for ``noop`` that
  connection *is* the measured section (``ops`` = 1).
* Only the standard library is imported here, so ``common`` adds nothing to a
  client's start-up beyond what the client itself imports.
"""

import argparse
import json
import os
import resource
import sys
import tarfile
import time

LABEL_KEY = "libdocker-bench"
LABEL_VALUE = "1"
LABEL = {LABEL_KEY: LABEL_VALUE}
LABEL_FILTER = f"{LABEL_KEY}={LABEL_VALUE}"

WORKLOADS = (
    "noop",
    "ping-seq",
    "list-seq",
    "ping-par",
    "logs",
    "lifecycle-seq",
    "lifecycle-par",
    "event-latency",
    "archive-put",
    "archive-get",
)

# Options each workload needs (checked after parsing; missing ones exit 1).
REQUIRED = {
    "noop": (),
    "ping-seq": ("n",),
    "list-seq": ("n",),
    "ping-par": ("n", "concurrency"),
    "logs": ("container",),
    "lifecycle-seq": ("n", "image"),
    "lifecycle-par": ("n", "concurrency", "image"),
    "event-latency": ("n", "image"),
    "archive-put": ("container", "file", "dest"),
    "archive-get": ("container", "path"),
}


def fail(msg, code=1):
    """Print ``msg`` on stderr and exit with ``code`` (1 = error)."""
    print(f"error: {msg}", file=sys.stderr, flush=True)
    sys.exit(code)


def unsupported(client, workload):
    """Exit 3: the harness marks the cell "n/a"."""
    print(f"{client}: workload {workload!r} not supported", file=sys.stderr, flush=True)
    sys.exit(3)


def parse_args(client, supported=WORKLOADS, argv=None):
    p = argparse.ArgumentParser(
        prog=client, description=f"{client} benchmark client (bench/PROTOCOL.md)"
    )
    p.add_argument("workload")
    p.add_argument("--host", default=os.environ.get("DOCKER_HOST"),
                   help="daemon address, e.g. unix:///var/run/docker.sock "
                        "(default: $DOCKER_HOST)")
    p.add_argument("--n", type=int)
    p.add_argument("--concurrency", type=int)
    p.add_argument("--container")
    p.add_argument("--image")
    p.add_argument("--file")
    p.add_argument("--dest")
    p.add_argument("--path")
    args = p.parse_args(argv)
    if args.workload not in supported:
        unsupported(client, args.workload)
    if not args.host:
        fail("--host is required (or set DOCKER_HOST)")
    missing = [f"--{o}" for o in REQUIRED[args.workload] if getattr(args, o) is None]
    if missing:
        fail(f"workload {args.workload} needs {' '.join(missing)}")
    if args.n is not None and args.n < 0:
        fail("--n must be >= 0")
    if args.concurrency is not None and args.concurrency < 1:
        fail("--concurrency must be >= 1")
    return args


def _cpu_s():
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


class Meter:
    """Accumulates wall and user+sys CPU seconds over start()/stop() spans.

    Usable as a context manager (``with meter: ...``) or with explicit calls;
    ``pause()`` is a context manager that excludes a block from the spans.
    """

    def __init__(self):
        self.wall_s = 0.0
        self.cpu_s = 0.0
        self._wall0 = None
        self._cpu0 = None

    def start(self):
        self._cpu0 = _cpu_s()
        self._wall0 = time.perf_counter()

    def stop(self):
        wall1 = time.perf_counter()
        cpu1 = _cpu_s()
        self.wall_s += wall1 - self._wall0
        self.cpu_s += cpu1 - self._cpu0
        self._wall0 = self._cpu0 = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    class _Paused:
        def __init__(self, meter):
            self.meter = meter

        def __enter__(self):
            self.meter.stop()

        def __exit__(self, *exc):
            self.meter.start()
            return False

    def pause(self):
        return Meter._Paused(self)


def measure(fn, *args, **kwargs):
    """Run ``fn(*args, **kwargs)``; return ``(result, wall_s, cpu_s)`` of that call."""
    m = Meter()
    with m:
        result = fn(*args, **kwargs)
    return result, m.wall_s, m.cpu_s


def maxrss_kb():
    """Peak RSS of this process in KiB (VmHWM)."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def emit(client, workload, ops, nbytes, wall_s, cpu_s, latencies_ms=None):
    """Print the protocol's one JSON line on stdout."""
    line = {
        "client": client,
        "workload": workload,
        "ops": int(ops),
        "bytes": int(nbytes),
        "wall_s": round(wall_s, 6),
        "cpu_s": round(cpu_s, 6),
        "maxrss_kb": maxrss_kb(),
        "latencies_ms": [round(x, 4) for x in (latencies_ms or [])],
    }
    sys.stdout.write(json.dumps(line) + "\n")
    sys.stdout.flush()


def write_tar(src_path, tar_path):
    """Write a tar holding ``src_path`` under its base name (file or directory) to
    ``tar_path``; return the tar's size in bytes.  Used untimed by archive-put."""
    with tarfile.open(tar_path, mode="w") as tar:
        tar.add(src_path, arcname=os.path.basename(os.path.normpath(src_path)))
    return os.path.getsize(tar_path)


def guard(main):
    """Run ``main()``; turn any exception into exit 1 with a message on stderr."""
    try:
        main()
    except SystemExit:
        raise
    except KeyboardInterrupt:
        fail("interrupted", 130)
    except BaseException as e:  # noqa: BLE001 - report anything as a failure
        fail(f"{type(e).__name__}: {e}")
