#!/usr/bin/env python3
"""docker-py benchmark client (client name ``docker-py``), per bench/PROTOCOL.md.

Measures docker-py (the ``docker`` package, 7.x; requests + urllib3 over the unix
socket) used the way its users use it: ``docker.DockerClient(base_url=host)`` and,
for the operations below, its low-level ``APIClient`` (``client.api``), which is
what the high-level objects call underneath.

Connecting = ``DockerClient(base_url=host)`` plus one ``api.ping()``.  docker-py's
default ``version=None`` makes the constructor itself ask ``GET /version`` to pick
the API version, so start-up (``noop``) is two requests: /version and /_ping.

Workloads and how docker-py does them:

* ``ping-seq``: ``api.ping()`` N times (one keep-alive connection from requests'
  pool).
* ``list-seq``: ``api.containers(all=True)`` N times (JSON decoded into dicts).
* ``ping-par``: ``concurrent.futures.ThreadPoolExecutor(max_workers=min(C, 16))``
  sharing the one client; the client is built with ``max_pool_size`` = the worker
  count so that each thread keeps its own pooled connection.  docker-py is
  synchronous, so "C in flight" is at most 16 threads, all under the GIL.
* ``logs``: ``api.logs(id, stdout=True, stderr=True, stream=True, follow=False)``,
  iterating the generator and summing ``len(chunk)``.  LIMITATION: docker-py strips
  the 8-byte multiplexing headers but does not say which stream a chunk came from
  (``demux`` exists only for ``exec_start``/``attach``), so stdout and stderr are
  counted together, unlabelled.  ``logs()`` also does an extra ``GET
  /containers/{id}/json`` first to learn whether the container has a TTY.
* ``lifecycle-seq`` / ``lifecycle-par``: ``api.create_container(image, "true",
  labels={"libdocker-bench": "1"})``, ``api.start``, ``api.wait``,
  ``api.remove_container``; the parallel variant runs those in the same kind of
  thread pool as ``ping-par`` (min(C, 16) workers, ``max_pool_size`` to match).
* ``event-latency``: ``api.events(decode=True, filters={"type": "container",
  "event": "start", "label": "libdocker-bench=1"})``, opened before the first
  container; then N x (create, untimed; start; read events until this container's
  ``start``).  Latency = ``time.time_ns()`` at receipt - the event's ``timeNano``.
  The wall/cpu section covers the subscription and the start+read steps, not the
  creations.  (docker-py's chunk reader for events does a 1-byte read per chunk
  then reads the rest of it; that is the library's path.)
* ``archive-put``: ``api.put_archive(container, dest, fileobj)``.  docker-py takes
  the tar as bytes or a file object and builds none itself, so the tar of
  ``--file`` is written to a temporary file BEFORE the measured section (untimed:
  tar creation is not counted), and the measured section uploads it from the open
  file object, which requests streams with a Content-Length (no copy in memory).
  ``bytes`` = the tar's size.
* ``archive-get``: ``api.get_archive(container, path)`` returns ``(generator,
  stat)``; the generator (docker-py's default 2 MiB ``chunk_size``) is iterated and
  the tar bytes counted, not kept.
"""

import os
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

sys.dont_write_bytecode = True  # keep bench/py free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import common  # noqa: E402
import docker  # noqa: E402

CLIENT = "docker-py"


def connect(host, max_pool_size=None):
    kwargs = {"base_url": host}
    if max_pool_size is not None:
        kwargs["max_pool_size"] = max_pool_size
    client = docker.DockerClient(**kwargs)
    if not client.api.ping():
        raise RuntimeError("/_ping did not answer OK")
    return client


def pool_workers(args):
    return min(args.concurrency, 16)


class Tracker:
    """Ids of containers this run created, removed on the way out if a workload
    failed half-way (thread-safe: lifecycle-par appends from worker threads)."""

    def __init__(self):
        self.ids = set()
        self.lock = threading.Lock()

    def add(self, cid):
        with self.lock:
            self.ids.add(cid)

    def discard(self, cid):
        with self.lock:
            self.ids.discard(cid)

    def cleanup(self, api):
        for cid in list(self.ids):
            try:
                api.remove_container(cid, force=True)
            except Exception:  # noqa: BLE001 - best effort
                pass
            self.ids.discard(cid)


def create_true(api, image, tracker):
    cid = api.create_container(image, command="true", labels=common.LABEL)["Id"]
    tracker.add(cid)
    return cid


def one_lifecycle(api, image, tracker):
    cid = create_true(api, image, tracker)
    api.start(cid)
    res = api.wait(cid)
    if res.get("StatusCode") != 0:
        raise RuntimeError(f"container {cid[:12]} exited with {res}")
    api.remove_container(cid)
    tracker.discard(cid)


# Each workload gets (api, args, meter, tracker) with the meter stopped and returns
# (ops, bytes, latencies_ms).  It starts/stops the meter around what it measures.


def w_ping_seq(api, args, meter, tracker):
    with meter:
        for _ in range(args.n):
            if not api.ping():
                raise RuntimeError("/_ping did not answer OK")
    return args.n, 0, None


def w_list_seq(api, args, meter, tracker):
    with meter:
        for _ in range(args.n):
            containers = api.containers(all=True)
            if not isinstance(containers, list):
                raise RuntimeError("containers/json did not decode to a list")
    return args.n, 0, None


def w_ping_par(api, args, meter, tracker):
    def ping(_):
        if not api.ping():
            raise RuntimeError("/_ping did not answer OK")

    with ThreadPoolExecutor(max_workers=pool_workers(args)) as ex:
        with meter:
            for _ in ex.map(ping, range(args.n)):
                pass
    return args.n, 0, None


def w_logs(api, args, meter, tracker):
    total = 0
    with meter:
        stream = api.logs(args.container, stdout=True, stderr=True,
                          stream=True, follow=False)
        try:
            for chunk in stream:
                total += len(chunk)
        finally:
            stream.close()
    return 1, total, None


def w_lifecycle_seq(api, args, meter, tracker):
    with meter:
        for _ in range(args.n):
            one_lifecycle(api, args.image, tracker)
    return args.n, 0, None


def w_lifecycle_par(api, args, meter, tracker):
    with ThreadPoolExecutor(max_workers=pool_workers(args)) as ex:
        with meter:
            for _ in ex.map(lambda _i: one_lifecycle(api, args.image, tracker),
                            range(args.n)):
                pass
    return args.n, 0, None


def w_event_latency(api, args, meter, tracker):
    filters = {"type": "container", "event": "start", "label": common.LABEL_FILTER}
    latencies = []
    meter.start()
    # events() returns once the daemon has answered the headers, i.e. subscribed.
    events = api.events(decode=True, filters=filters)
    try:
        it = iter(events)
        for _ in range(args.n):
            with meter.pause():
                cid = create_true(api, args.image, tracker)
            api.start(cid)
            for ev in it:
                if ev.get("id") == cid or ev.get("Actor", {}).get("ID") == cid:
                    received = time.time_ns()
                    latencies.append((received - int(ev["timeNano"])) / 1e6)
                    break
            else:
                raise RuntimeError("event stream ended before the start event")
    finally:
        meter.stop()
        events.close()
        for cid in list(tracker.ids):  # untimed: remove the started containers
            api.remove_container(cid, force=True)
            tracker.discard(cid)
    return args.n, 0, latencies


def w_archive_put(api, args, meter, tracker):
    fd, tar_path = tempfile.mkstemp(prefix="bench-dockerpy-", suffix=".tar")
    os.close(fd)
    try:
        size = common.write_tar(args.file, tar_path)  # untimed
        with open(tar_path, "rb") as f:
            with meter:
                ok = api.put_archive(args.container, args.dest, f)
        if not ok:
            raise RuntimeError("put_archive returned False")
    finally:
        os.unlink(tar_path)
    return 1, size, None


def w_archive_get(api, args, meter, tracker):
    total = 0
    with meter:
        chunks, _stat = api.get_archive(args.container, args.path)
        for chunk in chunks:
            total += len(chunk)
    return 1, total, None


WORKLOADS = {
    "ping-seq": w_ping_seq,
    "list-seq": w_list_seq,
    "ping-par": w_ping_par,
    "logs": w_logs,
    "lifecycle-seq": w_lifecycle_seq,
    "lifecycle-par": w_lifecycle_par,
    "event-latency": w_event_latency,
    "archive-put": w_archive_put,
    "archive-get": w_archive_get,
}


def main():
    args = common.parse_args(CLIENT, supported=("noop",) + tuple(WORKLOADS))
    pool = pool_workers(args) if args.workload in ("ping-par", "lifecycle-par") else None

    if args.workload == "noop":
        client, wall_s, cpu_s = common.measure(connect, args.host, pool)
        client.close()
        common.emit(CLIENT, args.workload, 1, 0, wall_s, cpu_s)
        return

    client = connect(args.host, pool)
    tracker = Tracker()
    meter = common.Meter()
    try:
        ops, nbytes, lat = WORKLOADS[args.workload](client.api, args, meter, tracker)
    finally:
        tracker.cleanup(client.api)
        client.close()
    common.emit(CLIENT, args.workload, ops, nbytes, meter.wall_s, meter.cpu_s, lat)


if __name__ == "__main__":
    common.guard(main)
