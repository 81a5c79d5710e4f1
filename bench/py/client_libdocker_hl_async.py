#!/usr/bin/env python3
"""libdocker's Python high-level asyncio API (client name
``libdocker-py-hl-async``), per bench/PROTOCOL.md: ``libdocker.AsyncDocker`` used
the way an aiodocker user writes it.

* ``ping-seq`` / ``ping-par``: ``await docker.ping()`` (``ping-par`` under
  ``asyncio.Semaphore(C)``, as ``libdocker-py-async``).
* ``list-seq``: ``await docker.containers.list(all=True)``: ``AsyncContainer`` models.
* ``logs``: ``(await docker.containers.get(id)).logs(stream=True)``, iterated.
* ``lifecycle-seq`` / ``lifecycle-par``: ``containers.create``, ``start``,
  ``wait``, ``remove``.
"""

import os
import sys

sys.dont_write_bytecode = True  # keep bench/py free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import client_libdocker_async as invoke_client  # noqa: E402

import common  # noqa: E402

CLIENT = "libdocker-py-hl-async"


async def one_lifecycle(docker, image):
    c = await docker.containers.create(image, ["true"], labels=dict(common.LABEL))
    try:
        await c.start()
        code = await c.wait()
        if code != 0:
            raise RuntimeError(f"container {c.short_id} exited with {code}")
    finally:
        await c.remove(force=True)


async def list_once(docker):
    if not all(c.id for c in await docker.containers.list(all=True)):
        raise RuntimeError("a listed container has no id")


async def log_chunks(docker, container):
    return await (await docker.containers.get(container)).logs(stream=True)


if __name__ == "__main__":
    common.guard(lambda: invoke_client.main(CLIENT, invoke_client.workloads(list_once, log_chunks, one_lifecycle)))
