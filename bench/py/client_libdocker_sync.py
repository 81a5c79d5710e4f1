#!/usr/bin/env python3
"""libdocker's Python sync client (client name ``libdocker-py``), per bench/PROTOCOL.md.

``libdocker.Docker(host)``, the PyO3 module over libdocker's blocking client, used
as its users would: one client shared by all threads.

* ``ping-seq`` / ``ping-par``: ``docker.ping()``; ``ping-par`` runs it on a
  ``ThreadPoolExecutor(max_workers=min(C, 16))``, as the docker-py client does
  (the GIL is released while each call waits on the daemon).
* ``list-seq``: ``docker.invoke("ContainerList", {"all": True})`` (decoded to
  Python lists and dicts).
* ``logs``: ``docker.logs(id)``: ``(stream, data)`` tuples, demultiplexed and
  labelled; ``bytes`` is the sum of ``len(data)``.
* ``lifecycle-seq`` / ``lifecycle-par``: ``invoke`` of ContainerCreate, Start,
  Wait and Delete (the parallel variant in the same thread pool).
"""

import os
import sys
from concurrent.futures import ThreadPoolExecutor

sys.dont_write_bytecode = True  # keep bench/py free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import libdocker  # noqa: E402

import common  # noqa: E402

CLIENT = "libdocker-py"


def connect(host):
    docker = libdocker.Docker(host)
    docker.ping()
    return docker


def one_lifecycle(docker, image):
    body = {"Image": image, "Cmd": ["true"], "Labels": dict(common.LABEL)}
    cid = docker.invoke("ContainerCreate", {"body": body})["Id"]
    try:
        docker.invoke("ContainerStart", {"id": cid})
        res = docker.invoke("ContainerWait", {"id": cid})
        if res.get("StatusCode") != 0:
            raise RuntimeError(f"container {cid[:12]} exited with {res}")
    finally:
        docker.invoke("ContainerDelete", {"id": cid, "force": True})


def list_once(docker):
    if not isinstance(docker.invoke("ContainerList", {"all": True}), list):
        raise RuntimeError("ContainerList did not decode to a list")


def log_chunks(docker, container):
    return docker.logs(container)


def workloads(list_once, log_chunks, one_lifecycle):
    """The workloads, over a client's list, logs and lifecycle."""

    def w_ping_seq(docker, args, meter):
        with meter:
            for _ in range(args.n):
                docker.ping()
        return args.n, 0

    def w_list_seq(docker, args, meter):
        with meter:
            for _ in range(args.n):
                list_once(docker)
        return args.n, 0

    def w_ping_par(docker, args, meter):
        with ThreadPoolExecutor(max_workers=min(args.concurrency, 16)) as ex:
            with meter:
                for _ in ex.map(lambda _i: docker.ping(), range(args.n)):
                    pass
        return args.n, 0

    def w_logs(docker, args, meter):
        total = 0
        with meter:
            for _stream, data in log_chunks(docker, args.container):
                total += len(data)
        return 1, total

    def w_lifecycle_seq(docker, args, meter):
        with meter:
            for _ in range(args.n):
                one_lifecycle(docker, args.image)
        return args.n, 0

    def w_lifecycle_par(docker, args, meter):
        with ThreadPoolExecutor(max_workers=min(args.concurrency, 16)) as ex:
            with meter:
                for _ in ex.map(lambda _i: one_lifecycle(docker, args.image), range(args.n)):
                    pass
        return args.n, 0

    return {
        "ping-seq": w_ping_seq,
        "list-seq": w_list_seq,
        "ping-par": w_ping_par,
        "logs": w_logs,
        "lifecycle-seq": w_lifecycle_seq,
        "lifecycle-par": w_lifecycle_par,
    }


def main(client, work):
    args = common.parse_args(client, supported=("noop",) + tuple(work))
    meter = common.Meter()
    if args.workload == "noop":
        with meter:
            connect(args.host)
        ops, nbytes = 1, 0
    else:
        docker = connect(args.host)
        ops, nbytes = work[args.workload](docker, args, meter)
    common.emit(client, args.workload, ops, nbytes, meter.wall_s, meter.cpu_s)


if __name__ == "__main__":
    common.guard(lambda: main(CLIENT, workloads(list_once, log_chunks, one_lifecycle)))
