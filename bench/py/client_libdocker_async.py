#!/usr/bin/env python3
"""libdocker's Python asyncio client (client name ``libdocker-py-async``), per
bench/PROTOCOL.md.

``libdocker.AsyncDocker(host)`` inside ``asyncio.run``: its methods are
coroutines over libdocker's async client; calls answered whole run on the event
loop's thread, streams in one tokio worker thread.

* ``ping-seq`` / ``ping-par``: ``await docker.ping()``; ``ping-par`` is
  ``asyncio.gather`` over N coroutines under ``asyncio.Semaphore(C)``, as the
  aiodocker client does.
* ``list-seq``: ``await docker.invoke("ContainerList", {"all": True})``.
* ``logs``: ``async for stream, data in docker.logs(id)``, demultiplexed and
  labelled; ``bytes`` is the sum of ``len(data)``.
* ``lifecycle-seq`` / ``lifecycle-par``: ``invoke`` of ContainerCreate, Start,
  Wait and Delete (the parallel variant under the same semaphore).
"""

import asyncio
import os
import sys

sys.dont_write_bytecode = True  # keep bench/py free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import libdocker  # noqa: E402

import common  # noqa: E402

CLIENT = "libdocker-py-async"


async def connect(host):
    docker = libdocker.AsyncDocker(host)
    await docker.ping()
    return docker


async def one_lifecycle(docker, image):
    body = {"Image": image, "Cmd": ["true"], "Labels": dict(common.LABEL)}
    cid = (await docker.invoke("ContainerCreate", {"body": body}))["Id"]
    try:
        await docker.invoke("ContainerStart", {"id": cid})
        res = await docker.invoke("ContainerWait", {"id": cid})
        if res.get("StatusCode") != 0:
            raise RuntimeError(f"container {cid[:12]} exited with {res}")
    finally:
        await docker.invoke("ContainerDelete", {"id": cid, "force": True})


async def list_once(docker):
    if not isinstance(await docker.invoke("ContainerList", {"all": True}), list):
        raise RuntimeError("ContainerList did not decode to a list")


async def log_chunks(docker, container):
    return docker.logs(container)


def workloads(list_once, log_chunks, one_lifecycle):
    """The workloads, over a client's list, logs (a coroutine giving the
    stream) and lifecycle."""

    async def w_ping_seq(docker, args, meter):
        with meter:
            for _ in range(args.n):
                await docker.ping()
        return args.n, 0

    async def w_list_seq(docker, args, meter):
        with meter:
            for _ in range(args.n):
                await list_once(docker)
        return args.n, 0

    async def w_ping_par(docker, args, meter):
        sem = asyncio.Semaphore(args.concurrency)

        async def one():
            async with sem:
                await docker.ping()

        with meter:
            await asyncio.gather(*(one() for _ in range(args.n)))
        return args.n, 0

    async def w_logs(docker, args, meter):
        total = 0
        with meter:
            async for _stream, data in await log_chunks(docker, args.container):
                total += len(data)
        return 1, total

    async def w_lifecycle_seq(docker, args, meter):
        with meter:
            for _ in range(args.n):
                await one_lifecycle(docker, args.image)
        return args.n, 0

    async def w_lifecycle_par(docker, args, meter):
        sem = asyncio.Semaphore(args.concurrency)

        async def one():
            async with sem:
                await one_lifecycle(docker, args.image)

        with meter:
            await asyncio.gather(*(one() for _ in range(args.n)))
        return args.n, 0

    return {
        "ping-seq": w_ping_seq,
        "list-seq": w_list_seq,
        "ping-par": w_ping_par,
        "logs": w_logs,
        "lifecycle-seq": w_lifecycle_seq,
        "lifecycle-par": w_lifecycle_par,
    }


async def amain(args, work):
    meter = common.Meter()
    if args.workload == "noop":
        with meter:
            await connect(args.host)
        return 1, 0, meter
    docker = await connect(args.host)
    ops, nbytes = await work[args.workload](docker, args, meter)
    return ops, nbytes, meter


def main(client, work):
    args = common.parse_args(client, supported=("noop",) + tuple(work))
    ops, nbytes, meter = asyncio.run(amain(args, work))
    common.emit(client, args.workload, ops, nbytes, meter.wall_s, meter.cpu_s)


if __name__ == "__main__":
    common.guard(lambda: main(CLIENT, workloads(list_once, log_chunks, one_lifecycle)))
