"""Lifetimes in Python, against the real daemon: exec with 64 MiB of stdin
through `cat`, sync and asyncio; asyncio cancellation and timeouts release their
connections; aclose() ends a read another task waits on; close() from another
thread ends a blocked read; Ctrl-C interrupts blocking calls and iteration; the
connections, counted at a proxy, and the process's open files return to where
they were."""

from __future__ import annotations

import asyncio
import datetime
import os
import signal
import threading
import time
from typing import Any

import pytest
from conftest import CountingProxy

import libdocker

BIG = 64 * 1024 * 1024


def big_input() -> bytes:
    return bytes((i * 2654435761 >> 24) & 0xFF for i in range(4096)) * (BIG // 4096)


def settles(proxy: CountingProxy, most: int) -> int:
    """The proxy's open connections once closing has been seen (at most 2 s)."""
    for _ in range(100):
        if proxy.open <= most:
            break
        time.sleep(0.02)
    return proxy.open


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_exec_with_64_mib_of_stdin_sync(docker: libdocker.Docker, idle: str) -> None:
    data = big_input()
    out = docker.exec_run(idle, "cat", stdin=data)
    assert out.exit_code == 0
    assert len(out.stdout) == BIG and out.stdout == data
    # A string command, split as a shell would.
    out = docker.exec_run(idle, "sh -c 'echo \"a b\"; exit 3'")
    assert (out.exit_code, out.stdout) == (3, b"a b\n")
    with pytest.raises(TypeError, match="cmd must be a str or a list of str"):
        docker.exec_run(idle, 7)  # type: ignore[arg-type]


async def test_exec_with_64_mib_of_stdin_async(host: str, idle: str) -> None:
    data = big_input()
    out = await libdocker.AsyncDocker(host).exec_run(idle, ["cat"], stdin=data)
    assert out.exit_code == 0 and out.stdout == data


async def test_cancelled_subscriptions_and_timeouts_release_their_connections(
    counting_proxy: CountingProxy, idle: str
) -> None:
    d = libdocker.AsyncDocker(counting_proxy.host)
    await d.ping()
    baseline = counting_proxy.open

    async def subscribe() -> None:
        async for _ in d.events(filters={"label": ["never-set-on-anything=1"]}):
            pass

    tasks = [asyncio.create_task(subscribe()) for _ in range(10)]
    await asyncio.sleep(0.5)
    # The first may reuse the ping's idle connection; the other nine open their own.
    assert counting_proxy.open >= 10, "each subscription holds a connection"
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await asyncio.sleep(0)
    assert await asyncio.to_thread(settles, counting_proxy, baseline) <= baseline

    for _ in range(5):
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(d.invoke("ContainerWait", {"id": idle}), 0.3)
    assert await asyncio.to_thread(settles, counting_proxy, baseline) <= baseline


async def test_aclose_ends_a_read_another_task_waits_on(host: str) -> None:
    d = libdocker.AsyncDocker(host)
    stream = d.events(filters={"label": ["never-set-on-anything=1"]})

    async def read() -> list[Any]:
        return [e async for e in stream]

    reader = asyncio.create_task(read())
    await asyncio.sleep(0.3)
    started = time.monotonic()
    await stream.aclose()
    assert await asyncio.wait_for(reader, 5) == []
    assert time.monotonic() - started < 2
    await stream.aclose()  # again: nothing happens
    with pytest.raises(StopAsyncIteration):
        await stream.__anext__()

    # A reading task cancelled, then the stream closed: no hang either.
    stream = d.events(filters={"label": ["never-set-on-anything=1"]})
    reader = asyncio.create_task(read())
    await asyncio.sleep(0.3)
    reader.cancel()
    with pytest.raises(asyncio.CancelledError):
        await reader
    await asyncio.wait_for(stream.aclose(), 5)


def test_close_from_another_thread_ends_a_blocked_read(
    counting_proxy: CountingProxy,
) -> None:
    d = libdocker.Docker(counting_proxy.host)
    d.ping()
    baseline = counting_proxy.open
    stream = d.events(filters={"label": ["never-set-on-anything=1"]})
    got: list[Any] = []
    reader = threading.Thread(target=lambda: got.extend(stream))
    reader.start()
    time.sleep(0.3)
    stream.close()
    reader.join(5)
    assert not reader.is_alive(), "the blocked read ended"
    assert got == []
    stream.close()  # again: nothing happens
    assert list(stream) == []
    assert settles(counting_proxy, baseline) <= baseline


def interrupt_after(seconds: float) -> threading.Timer:
    timer = threading.Timer(seconds, lambda: os.kill(os.getpid(), signal.SIGINT))
    timer.start()
    return timer


def test_ctrl_c_interrupts_blocking_calls_and_iteration(
    counting_proxy: CountingProxy, idle: str
) -> None:
    assert threading.current_thread() is threading.main_thread()
    d = libdocker.Docker(counting_proxy.host)
    d.ping()
    list(d.logs(idle))  # streams start the shared runtime once (an epoll and an eventfd)
    baseline = counting_proxy.open
    fds = open_fds()

    started = time.monotonic()
    interrupt_after(0.3)
    with pytest.raises(KeyboardInterrupt):
        d.invoke("ContainerWait", {"id": idle})
    assert time.monotonic() - started < 3

    logs = d.logs(idle, follow=True)
    interrupt_after(0.3)
    with pytest.raises(KeyboardInterrupt):
        for _ in logs:
            pass

    interrupt_after(0.3)
    with pytest.raises(KeyboardInterrupt):
        for _ in d.events(filters={"label": ["never-set-on-anything=1"]}):
            pass

    assert settles(counting_proxy, baseline) <= baseline, "the interrupted calls hung up"
    assert open_fds() <= fds, os.listdir("/proc/self/fd")
    assert d.ping(), "the client goes on"


def test_logs_since_and_until_take_datetimes(docker: libdocker.Docker, make_container: Any) -> None:
    cid = make_container(["sh", "-c", "echo early; sleep 2; echo late"])
    docker.invoke("ContainerStart", {"id": cid})
    docker.invoke("ContainerWait", {"id": cid})
    started = docker.invoke("ContainerInspect", {"id": cid})["State"]["StartedAt"]
    # RFC 3339 with nanoseconds: a second after the start falls between the lines.
    at = datetime.datetime.fromisoformat(started[:26] + "+00:00") + datetime.timedelta(seconds=1)
    late = [data for _, data in docker.logs(cid, since=at)]
    early = [data for _, data in docker.logs(cid, until=at.timestamp())]
    assert b"".join(late) == b"late\n"
    assert b"".join(early) == b"early\n"
    with pytest.raises(TypeError, match="since must be a datetime"):
        docker.logs(cid, since=[1])  # type: ignore[arg-type]
