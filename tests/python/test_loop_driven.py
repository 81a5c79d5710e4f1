"""asyncio calls answered whole run on the event loop's own thread, which watches
their sockets or, while it has nothing else to do, waits for them in the call's
step: against the real daemon, through a proxy that counts connections, and
against a fake daemon for the faults (one that never answers, one that hangs up
mid-answer). Cancelled calls leave nothing watched and close their connection;
a pool smaller than the calls in flight makes them wait their turn; the time
limit still holds; other tasks' timers keep their pace while calls wait; Ctrl-C
ends a waiting call."""

from __future__ import annotations

import asyncio
import os
import signal
import threading
import time
from typing import Any, Callable

import pytest
from conftest import CountingProxy, FakeDaemon, http

import libdocker


def watched_by_us(loop: asyncio.AbstractEventLoop) -> list[int]:
    """The descriptors the loop's selector watches for libdocker's calls."""
    selector = loop._selector  # type: ignore[attr-defined]
    fds = []
    for key in selector.get_map().values():
        for handle in key.data:
            if handle is not None and type(handle._callback).__name__ == "_SocketReady":
                fds.append(key.fd)
    return fds


async def test_a_pending_call_is_watched_by_the_loop_until_answered_or_cancelled(
    counting_proxy: CountingProxy, idle: str, docker: libdocker.Docker, make_container: Any
) -> None:
    loop = asyncio.get_running_loop()
    d = libdocker.AsyncDocker(counting_proxy.host)
    assert await d.ping() is True
    baseline = counting_proxy.open

    # A wait answered when the container is killed: the loop watches its socket
    # meanwhile, and the answer arrives through it.
    waiting = asyncio.create_task(d.invoke("ContainerWait", {"id": idle}))
    await asyncio.sleep(0.3)
    assert not waiting.done()
    assert len(watched_by_us(loop)) == 1
    await asyncio.to_thread(docker.invoke, "ContainerKill", {"id": idle})
    assert (await waiting)["StatusCode"] == 137
    assert watched_by_us(loop) == []

    # Cancelled while pending: nothing stays watched and its connection closes.
    cid = make_container(["sleep", "300"])
    docker.invoke("ContainerStart", {"id": cid})
    for _ in range(3):
        task = asyncio.create_task(d.invoke("ContainerWait", {"id": cid}))
        await asyncio.sleep(0.1)
        assert len(watched_by_us(loop)) == 1
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert watched_by_us(loop) == []
    for _ in range(100):
        if counting_proxy.open <= baseline:
            break
        await asyncio.sleep(0.02)
    assert counting_proxy.open <= baseline
    # The client goes on working on the same loop.
    assert (await d.invoke("ContainerInspect", {"id": cid}))["State"]["Running"] is True


async def test_more_calls_than_connections_take_turns(counting_proxy: CountingProxy) -> None:
    d = libdocker.AsyncDocker(counting_proxy.host, max_connections=3)

    async def one(i: int) -> Any:
        if i % 3 == 0:
            return await d.ping()
        if i % 3 == 1:
            return (await d.version())["ApiVersion"]
        return len(await d.invoke("ContainerList", {"all": True}))

    results = await asyncio.gather(*(one(i) for i in range(150)))
    assert results[0::3] == [True] * 50
    assert set(results[1::3]) == {results[1]} and results[1].startswith("1.")
    assert all(isinstance(n, int) for n in results[2::3])
    assert counting_proxy.most_open <= 3
    assert watched_by_us(asyncio.get_running_loop()) == []


async def test_the_time_limit_holds_for_a_call_on_the_loop(
    fake_daemon: Callable[[Callable[[bytes], bytes | None]], FakeDaemon]
) -> None:
    def respond(head: bytes) -> bytes | None:
        if b"/_ping " in head.split(b"\r\n")[0]:
            return http("200 OK", b"OK", "text/plain")
        return None  # never answers anything else

    fake = fake_daemon(respond)
    d = libdocker.AsyncDocker(fake.host, api_version="1.41", timeout=0.3)
    started = time.monotonic()
    with pytest.raises(libdocker.Timeout, match=r"GET /v1\.41/info"):
        await d.info()
    assert 0.25 < time.monotonic() - started < 5
    assert watched_by_us(asyncio.get_running_loop()) == []
    # The loop was free meanwhile: the connection it dropped is replaced.
    assert await d.ping() is True


async def test_a_daemon_hanging_up_mid_answer_is_an_error_naming_it(
    fake_daemon: Callable[[Callable[[bytes], bytes | None]], FakeDaemon]
) -> None:
    def respond(head: bytes) -> bytes | None:
        # Promises 100 bytes, sends 10, and closes.
        return (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                b"Content-Length: 100\r\nConnection: close\r\n\r\n{\"Id\": \"ab")

    fake = fake_daemon(respond)
    d = libdocker.AsyncDocker(fake.host, api_version="1.41")
    with pytest.raises(libdocker.DockerError, match="closed the connection|middle of an answer"):
        await d.info()
    assert watched_by_us(asyncio.get_running_loop()) == []


async def test_other_tasks_keep_their_pace_while_calls_wait(
    host: str, idle: str, docker: libdocker.Docker
) -> None:
    d = libdocker.AsyncDocker(host)
    waiting = asyncio.create_task(d.invoke("ContainerWait", {"id": idle}))
    stop = asyncio.Event()

    async def tops() -> int:
        # Calls that take the daemon about 10 ms each (it runs `ps`).
        n = 0
        while not stop.is_set():
            assert "Processes" in await d.invoke("ContainerTop", {"id": idle})
            n += 1
        return n

    topping = asyncio.create_task(tops())
    # 200 timers of 2 ms: a wait for the daemon that held the loop past its
    # timers would add up to 20 ms to each (4 s in all).
    started = time.monotonic()
    for _ in range(200):
        await asyncio.sleep(0.002)
    elapsed = time.monotonic() - started
    stop.set()
    assert await topping > 0
    assert elapsed < 2.0, f"200 timers of 2 ms took {elapsed:.2f} s"
    # A thread's callback runs while the wait goes on.
    loop = asyncio.get_running_loop()
    called = asyncio.Event()
    threading.Thread(target=loop.call_soon_threadsafe, args=(called.set,)).start()
    await asyncio.wait_for(called.wait(), 5)
    assert not waiting.done()
    await asyncio.to_thread(docker.invoke, "ContainerKill", {"id": idle})
    assert (await waiting)["StatusCode"] == 137


def test_ctrl_c_ends_a_waiting_asyncio_call(host: str, idle: str) -> None:
    assert threading.current_thread() is threading.main_thread()

    async def main() -> None:
        d = libdocker.AsyncDocker(host)
        # Calls of about 10 ms each, one after the other: the signal most likely
        # comes while a step waits for the daemon itself (the loop being idle).
        while True:
            await d.invoke("ContainerTop", {"id": idle})

    timer = threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGINT))
    timer.start()
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        asyncio.run(main())
    assert time.monotonic() - started < 5
