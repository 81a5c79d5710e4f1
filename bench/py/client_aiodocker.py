#!/usr/bin/env python3
"""aiodocker benchmark client (client name ``aiodocker``), per bench/PROTOCOL.md.

Measures aiodocker (asyncio, on aiohttp's ``UnixConnector``) used the way its users
use it: ``aiodocker.Docker(url=host)`` inside ``asyncio.run``; aiodocker takes the
``unix:///path/docker.sock`` form directly.

Connecting = ``Docker(url=host)`` plus one ping.  With the default
``api_version="auto"`` the first versioned request is preceded by ``GET /version``,
so start-up (``noop``) is two requests: /version and /_ping.

Workloads and how aiodocker does them:

* ping: aiodocker has NO public ping (``docker.system`` only has ``info()``, which
  is a much heavier ``GET /info``).  The lowest-level way its users have is the
  request helper ``async with docker._query("_ping") as r: await r.text()``
  (leading underscore, but it is what aiodocker's own methods are built on); that is
  what ``noop``/``ping-seq``/``ping-par`` use.
* ``list-seq``: ``await docker.containers.list(all=True)`` (JSON decoded, then
  wrapped in ``DockerContainer`` objects).
* ``ping-par``: ``asyncio.gather`` over N coroutines, each taking an
  ``asyncio.Semaphore(C)`` around its ping; one event loop thread.  aiohttp's
  connector defaults to ``limit=100`` connections, so above C=100 the connector,
  not the semaphore, bounds what is in flight.
* ``logs``: ``await container.log(stdout=True, stderr=True, follow=False)``, the
  documented call for "all logs so far".  LIMITATIONS: it does not stream, it
  returns everything as a list of ``str`` (one per frame, decoded as UTF-8 with
  ``errors="ignore"``); the frames are demultiplexed but not labelled with their
  stream, so stdout and stderr come back mixed.  ``bytes`` is the sum of the
  UTF-8-encoded lengths of the pieces (equal to the payload for UTF-8 text; bytes
  that are not valid UTF-8 would be dropped by the library).  ``log()`` also does
  an extra ``GET /containers/{id}/json`` first to learn whether there is a TTY.
  (``follow=True`` would give an async iterator, but it follows a running
  container; the "all logs, then end" call users make is ``follow=False``.)
* ``lifecycle-seq`` / ``lifecycle-par``: ``await docker.containers.create(config)``
  with ``{"Image": img, "Cmd": ["true"], "Labels": {"libdocker-bench": "1"}}``,
  then ``container.start()``, ``container.wait()``, ``container.delete()``; the
  parallel variant is ``asyncio.gather`` under ``asyncio.Semaphore(C)``.
* ``event-latency``: ``subscriber = docker.events.subscribe(filters={"type":
  ["container"], "event": ["start"], "label": ["libdocker-bench=1"]})`` as its docs
  describe (it spawns ``docker.events.run()`` as a task feeding a queue), then
  N x (create, untimed; start; ``await subscriber.get()`` until this container's
  ``start``).  Latency = ``time.time_ns()`` when ``get()`` returns - the event's
  ``timeNano``.  The wall/cpu section covers the subscription and the start+read
  steps, not the creations.  LIMITATION: ``subscribe()`` gives no signal that the
  daemon has accepted the subscription; so that the first event is not missed,
  this client polls (every 1 ms, inside the measured section) until the private
  ``docker.events.json_stream`` is set, which happens once the daemon has answered
  the request.  Ends with ``await docker.events.stop()``.
* ``archive-put``: ``await container.put_archive(dest, fileobj)``.  aiodocker takes
  the tar as ``data`` for aiohttp (bytes or a file object) and builds none itself,
  so the tar of ``--file`` is written to a temporary file BEFORE the measured
  section (untimed: tar creation is not counted) and the measured section uploads
  it from the open file object, which aiohttp streams with a Content-Length.
  ``bytes`` = the tar's size.
* ``archive-get``: ``await container.get_archive(path)``.  LIMITATION: it does not
  stream; it reads the whole tar into memory and returns a ``tarfile.TarFile`` over
  a ``BytesIO``.  ``bytes`` = the size of that buffer (the tar's size).
"""

import asyncio
import os
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # keep bench/py free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import aiodocker  # noqa: E402

import common  # noqa: E402

CLIENT = "aiodocker"


async def ping(docker):
    # No public ping in aiodocker: its request helper is the lowest-level way.
    async with docker._query("_ping") as resp:
        body = await resp.text()
    if body != "OK":
        raise RuntimeError(f"/_ping answered {body!r}")


async def connect(host):
    docker = aiodocker.Docker(url=host)
    try:
        await ping(docker)
    except BaseException:
        await docker.close()
        raise
    return docker


def container_config(image):
    return {"Image": image, "Cmd": ["true"], "Labels": dict(common.LABEL)}


class Tracker:
    """Containers this run created; force-removed on the way out if a workload
    failed half-way."""

    def __init__(self):
        self.containers = {}

    def add(self, container):
        self.containers[container.id] = container

    def discard(self, container):
        self.containers.pop(container.id, None)

    async def cleanup(self):
        for c in list(self.containers.values()):
            try:
                await c.delete(force=True)
            except Exception:  # noqa: BLE001 - best effort
                pass
            self.discard(c)


async def one_lifecycle(docker, image, tracker):
    c = await docker.containers.create(container_config(image))
    tracker.add(c)
    await c.start()
    res = await c.wait()
    if res.get("StatusCode") != 0:
        raise RuntimeError(f"container {c.id[:12]} exited with {res}")
    await c.delete()
    tracker.discard(c)


# Each workload gets (docker, args, meter, tracker) with the meter stopped and
# returns (ops, bytes, latencies_ms).


async def w_ping_seq(docker, args, meter, tracker):
    with meter:
        for _ in range(args.n):
            await ping(docker)
    return args.n, 0, None


async def w_list_seq(docker, args, meter, tracker):
    with meter:
        for _ in range(args.n):
            containers = await docker.containers.list(all=True)
            if not isinstance(containers, list):
                raise RuntimeError("containers.list did not return a list")
    return args.n, 0, None


async def w_ping_par(docker, args, meter, tracker):
    sem = asyncio.Semaphore(args.concurrency)

    async def one():
        async with sem:
            await ping(docker)

    with meter:
        await asyncio.gather(*(one() for _ in range(args.n)))
    return args.n, 0, None


async def w_logs(docker, args, meter, tracker):
    container = docker.containers.container(args.container)
    with meter:
        pieces = await container.log(stdout=True, stderr=True, follow=False)
        total = sum(len(p.encode("utf-8")) for p in pieces)
    return 1, total, None


async def w_lifecycle_seq(docker, args, meter, tracker):
    with meter:
        for _ in range(args.n):
            await one_lifecycle(docker, args.image, tracker)
    return args.n, 0, None


async def w_lifecycle_par(docker, args, meter, tracker):
    sem = asyncio.Semaphore(args.concurrency)

    async def one():
        async with sem:
            await one_lifecycle(docker, args.image, tracker)

    with meter:
        await asyncio.gather(*(one() for _ in range(args.n)))
    return args.n, 0, None


async def w_event_latency(docker, args, meter, tracker):
    filters = {
        "type": ["container"],
        "event": ["start"],
        "label": [common.LABEL_FILTER],
    }
    latencies = []
    meter.start()
    try:
        subscriber = docker.events.subscribe(filters=filters)
        # subscribe() returns before the request is even sent; wait for the daemon
        # to answer (private attribute, see the module docstring).
        deadline = time.monotonic() + 10
        while docker.events.json_stream is None:
            if docker.events.task is not None and docker.events.task.done():
                docker.events.task.result()  # raises the subscription's error
                raise RuntimeError("event subscription ended at once")
            if time.monotonic() > deadline:
                raise RuntimeError("event subscription not established in 10 s")
            await asyncio.sleep(0.001)
        for _ in range(args.n):
            with meter.pause():
                c = await docker.containers.create(container_config(args.image))
                tracker.add(c)
            await c.start()
            while True:
                ev = await subscriber.get()
                if ev is None:
                    raise RuntimeError("event stream ended before the start event")
                if ev.get("id") == c.id or ev.get("Actor", {}).get("ID") == c.id:
                    received = time.time_ns()
                    latencies.append((received - int(ev["timeNano"])) / 1e6)
                    break
    finally:
        meter.stop()
        await docker.events.stop()
        for c in list(tracker.containers.values()):  # untimed
            await c.delete(force=True)
            tracker.discard(c)
    return args.n, 0, latencies


async def w_archive_put(docker, args, meter, tracker):
    container = docker.containers.container(args.container)
    fd, tar_path = tempfile.mkstemp(prefix="bench-aiodocker-", suffix=".tar")
    os.close(fd)
    try:
        size = common.write_tar(args.file, tar_path)  # untimed
        with open(tar_path, "rb") as f:
            with meter:
                await container.put_archive(args.dest, f)
    finally:
        os.unlink(tar_path)
    return 1, size, None


async def w_archive_get(docker, args, meter, tracker):
    container = docker.containers.container(args.container)
    with meter:
        tar = await container.get_archive(args.path)
        buf = tar.fileobj  # the BytesIO aiodocker read the whole body into
        total = buf.getbuffer().nbytes
        tar.close()
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


async def amain(args):
    if args.workload == "noop":
        meter = common.Meter()
        with meter:
            docker = await connect(args.host)
        await docker.close()
        return 1, 0, None, meter

    docker = await connect(args.host)
    tracker = Tracker()
    meter = common.Meter()
    try:
        ops, nbytes, lat = await WORKLOADS[args.workload](docker, args, meter, tracker)
    finally:
        await tracker.cleanup()
        await docker.close()
    return ops, nbytes, lat, meter


def main():
    args = common.parse_args(CLIENT, supported=("noop",) + tuple(WORKLOADS))
    ops, nbytes, lat, meter = asyncio.run(amain(args))
    common.emit(CLIENT, args.workload, ops, nbytes, meter.wall_s, meter.cpu_s, lat)


if __name__ == "__main__":
    common.guard(main)
