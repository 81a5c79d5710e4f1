"""Fixtures of the Python tests: the test daemon of tests/env/testenv.sh, the
busybox test image, containers that are removed afterwards, and fake servers
that inject faults (a daemon that hangs, answers garbage or dies mid-stream)."""

from __future__ import annotations

import asyncio
import inspect
import os
import socket
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import libdocker

TEST_IMAGE = "libdocker-test/busybox:latest"
TEST_LABEL = "libdocker-test"


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Runs `async def` tests in a fresh event loop (asyncio.run)."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    args = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
    asyncio.run(pyfuncitem.obj(**args))
    return True


@pytest.fixture(scope="session")
def host() -> str:
    value = os.environ.get("DOCKER_HOST")
    if not value:
        pytest.fail("DOCKER_HOST is not set: run through tests/run.sh (or source $WORK/env)")
    return value


@pytest.fixture(scope="session")
def docker(host: str) -> libdocker.Docker:
    return libdocker.Docker(host)


def unique(prefix: str) -> str:
    return f"libdocker-py-{prefix}-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def make_container(docker: libdocker.Docker) -> Iterator[Callable[..., str]]:
    """Creates containers of the test image (labelled, removed at the end)."""
    made: list[str] = []

    def make(cmd: list[str], **config: object) -> str:
        body = {"Image": TEST_IMAGE, "Cmd": cmd, "Labels": {TEST_LABEL: "1"}, **config}
        answer = docker.invoke("ContainerCreate", {"name": unique("c"), "body": body})
        made.append(answer["Id"])
        return answer["Id"]

    yield make
    for cid in made:
        try:
            docker.invoke("ContainerDelete", {"id": cid, "force": True})
        except libdocker.NotFound:
            pass


@pytest.fixture
def idle(make_container: Callable[..., str], docker: libdocker.Docker) -> str:
    """A running container of the test image that does nothing for 5 minutes."""
    cid = make_container(["sleep", "300"])
    docker.invoke("ContainerStart", {"id": cid})
    return cid


def run_to_end(docker: libdocker.Docker, cid: str) -> int:
    docker.invoke("ContainerStart", {"id": cid})
    return docker.invoke("ContainerWait", {"id": cid})["StatusCode"]


class FakeDaemon:
    """A unix-socket server answering each request with `respond(request_head)`:
    bytes to send, or None to hang. Only for faults; never a mock of Docker."""

    def __init__(self, respond: Callable[[bytes], bytes | None]) -> None:
        self.dir = tempfile.mkdtemp(prefix="libdocker-fake-")
        self.path = os.path.join(self.dir, "docker.sock")
        self.respond = respond
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(self.path)
        self.server.listen(16)
        self.open: list[socket.socket] = []
        self.stopped = False
        threading.Thread(target=self.serve, daemon=True).start()

    @property
    def host(self) -> str:
        return f"unix://{self.path}"

    def serve(self) -> None:
        while not self.stopped:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            self.open.append(conn)
            threading.Thread(target=self.handle, args=(conn,), daemon=True).start()

    def handle(self, conn: socket.socket) -> None:
        buf = b""
        while True:
            try:
                data = conn.recv(65536)
            except OSError:
                return
            if not data:
                return
            buf += data
            while b"\r\n\r\n" in buf:
                head, buf = buf.split(b"\r\n\r\n", 1)
                answer = self.respond(head)
                if answer is None:
                    continue  # hang: never answer
                try:
                    conn.sendall(answer)
                except OSError:
                    return
                if b"Connection: close" in answer:
                    conn.close()
                    return

    def close(self) -> None:
        self.stopped = True
        self.server.close()
        for c in self.open:
            c.close()
        remove_socket(self.path)


@pytest.fixture
def fake_daemon() -> Iterator[Callable[[Callable[[bytes], bytes | None]], FakeDaemon]]:
    made: list[FakeDaemon] = []

    def start(respond: Callable[[bytes], bytes | None]) -> FakeDaemon:
        d = FakeDaemon(respond)
        made.append(d)
        return d

    yield start
    for d in made:
        d.close()


def remove_socket(path: str) -> None:
    """Removes a socket and the temporary directory it was made in."""
    try:
        os.unlink(path)
        os.rmdir(os.path.dirname(path))
    except OSError:
        pass


def http(status: str, body: bytes, content_type: str = "application/json", extra: str = "") -> bytes:
    return (
        f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nApi-Version: 1.41\r\n"
        f"Content-Length: {len(body)}\r\n{extra}\r\n"
    ).encode() + body


def now() -> int:
    return int(time.time())


class CountingProxy:
    """A unix-socket proxy in front of the real daemon that counts the
    connections open at once: only the bytes are observed."""

    def __init__(self, daemon: str) -> None:
        self.daemon = daemon.removeprefix("unix://")
        self.dir = tempfile.mkdtemp(prefix="libdocker-proxy-")
        self.path = os.path.join(self.dir, "proxy.sock")
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(self.path)
        self.server.listen(1024)
        self.lock = threading.Lock()
        self.open = 0
        self.most_open = 0
        self.accepted = 0
        threading.Thread(target=self.serve, daemon=True).start()

    @property
    def host(self) -> str:
        return f"unix://{self.path}"

    def serve(self) -> None:
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            with self.lock:
                self.accepted += 1
                self.open += 1
                self.most_open = max(self.most_open, self.open)
            upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            upstream.connect(self.daemon)
            done = threading.Event()
            threading.Thread(target=self.pump, args=(client, upstream, done), daemon=True).start()
            threading.Thread(target=self.pump, args=(upstream, client, done), daemon=True).start()

    def pump(self, src: socket.socket, dst: socket.socket, done: threading.Event) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        try:
            dst.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        if done.is_set():
            src.close()
            dst.close()
            with self.lock:
                self.open -= 1
        else:
            done.set()

    def close(self) -> None:
        self.server.close()
        remove_socket(self.path)


@pytest.fixture
def counting_proxy(host: str) -> Iterator[CountingProxy]:
    proxy = CountingProxy(host)
    yield proxy
    proxy.close()


# ---- the high-level API, sync and asyncio alike ----
# A scenario is written once as an `async def` test taking `api`: the sync
# `Docker` or the `AsyncDocker`. `a(x)` awaits what the asyncio client returns
# and passes the sync client's result through; `drain(stream)` reads either kind
# of stream to its end.


@pytest.fixture(params=["sync", "asyncio"])
def api(request: pytest.FixtureRequest, host: str) -> libdocker.Docker | libdocker.AsyncDocker:
    if request.param == "sync":
        return libdocker.Docker(host)
    return libdocker.AsyncDocker(host)


async def a(value: object) -> Any:
    """The value, awaited if the asyncio client returned an awaitable."""
    if inspect.isawaitable(value):
        return await value
    return value


async def drain(stream: Any) -> list[Any]:
    """Every item of a sync or async stream."""
    if hasattr(stream, "__aiter__"):
        return [item async for item in stream]
    return list(stream)


async def until(stream: Any, found: Callable[[Any], bool]) -> list[Any]:
    """Items of a stream up to the first one `found` accepts; then closes it."""
    seen = []
    if hasattr(stream, "__aiter__"):
        async for item in stream:
            seen.append(item)
            if found(item):
                break
        await stream.aclose()
    else:
        for item in stream:
            seen.append(item)
            if found(item):
                break
        stream.close()
    return seen


@pytest.fixture
def label() -> Iterator[dict[str, str]]:
    """A label unique to the test, on everything it makes; whatever carries it
    is removed afterwards (containers, then networks and volumes, then images)."""
    value = uuid.uuid4().hex[:12]
    yield {TEST_LABEL: value}
    d = libdocker.Docker(os.environ["DOCKER_HOST"])
    by_label = {"filters": {"label": [f"{TEST_LABEL}={value}"]}}
    for c in d.invoke("ContainerList", {"all": True, **by_label}):
        d.invoke("ContainerDelete", {"id": c["Id"], "force": True, "v": True})
    for n in d.invoke("NetworkList", by_label):
        d.invoke("NetworkDelete", {"id": n["Id"]})
    for v in d.invoke("VolumeList", by_label).get("Volumes") or []:
        d.invoke("VolumeDelete", {"name": v["Name"], "force": True})
    for i in d.invoke("ImageList", by_label):
        for name in [t for t in i.get("RepoTags") or [] if t != "<none>:<none>"] or [i["Id"]]:
            try:
                d.invoke("ImageDelete", {"name": name, "force": True})
            except libdocker.NotFound:
                pass
