#!/usr/bin/env python3
"""libdocker's Python high-level sync API (client name ``libdocker-py-hl``), per
bench/PROTOCOL.md: the same ``libdocker.Docker`` as ``libdocker-py``, used the
way a docker-py user writes it, so the rows show what the collections and
models cost over ``invoke``.

* ``ping-seq`` / ``ping-par``: ``docker.ping()`` (the thread pool of ``libdocker-py``).
* ``list-seq``: ``docker.containers.list(all=True)``: ``Container`` models.
* ``logs``: ``docker.containers.get(id).logs(stream=True)``: ``(stream, data)`` chunks.
* ``lifecycle-seq`` / ``lifecycle-par``: ``containers.create``, ``start``,
  ``wait``, ``remove``.
"""

import os
import sys

sys.dont_write_bytecode = True  # keep bench/py free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import client_libdocker_sync as invoke_client  # noqa: E402

import common  # noqa: E402

CLIENT = "libdocker-py-hl"


def one_lifecycle(docker, image):
    c = docker.containers.create(image, ["true"], labels=dict(common.LABEL))
    try:
        c.start()
        code = c.wait()
        if code != 0:
            raise RuntimeError(f"container {c.short_id} exited with {code}")
    finally:
        c.remove(force=True)


def list_once(docker):
    if not all(c.id for c in docker.containers.list(all=True)):
        raise RuntimeError("a listed container has no id")


def log_chunks(docker, container):
    return docker.containers.get(container).logs(stream=True)


if __name__ == "__main__":
    common.guard(lambda: invoke_client.main(CLIENT, invoke_client.workloads(list_once, log_chunks, one_lifecycle)))
