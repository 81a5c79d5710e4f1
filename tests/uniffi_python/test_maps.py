"""Container maps through UniFFI's generated Python (libdocker_uniffi), the FFI
surface the Swift and Kotlin bindings use: a map over the main daemon (the
default client) and the mutual-TLS daemon (`tls`), up with its events, ps on the
right daemons, down through a listener; and the typed errors. Each test has a
project of its own and takes it down."""

from __future__ import annotations

import asyncio
import os
import tempfile
import threading
import time

import pytest

import libdocker_uniffi as ld

IMAGE = "libdocker-test/busybox:latest"
REGISTRY = os.environ.get("LIBDOCKER_TEST_REGISTRY", "127.0.0.1:5000")


def project(what: str) -> str:
    """A project name of its own (lowercase, digits, `-`, `_`)."""
    return f"upy-{what}-{time.time_ns()}"


def tls_daemon() -> ld.Docker:
    certs = os.environ["LIBDOCKER_TEST_CERTS"]
    return ld.Docker(
        ld.DockerOptions(
            host=os.environ["LIBDOCKER_TEST_TLS_HOST"],
            tls_ca=f"{certs}/ca.pem",
            tls_cert=f"{certs}/cert.pem",
            tls_key=f"{certs}/key.pem",
        )
    )


async def drain(stream) -> list:
    items = []
    while batch := await stream.next_batch(256):
        items.extend(batch)
    return items


async def ensure_image_on(d: ld.Docker, other: ld.Docker) -> None:
    """The test image on `other` too, carried through the test registry if absent."""
    try:
        await other.inspect_image(IMAGE)
        return
    except ld.DockerError.NotFound:
        pass
    repo, tag = f"{REGISTRY}/libdocker-test/busybox", f"uniffi-python-{time.time_ns()}"
    await d.tag_image(IMAGE, repo, tag)
    await drain(await d.push(f"{repo}:{tag}"))
    await drain(await other.pull(f"{repo}:{tag}"))
    await other.tag_image(f"{repo}:{tag}", "libdocker-test/busybox", "latest")
    await d.remove_image(f"{repo}:{tag}", False)
    await other.remove_image(f"{repo}:{tag}", False)


def two_daemon_map(name: str) -> str:
    """db (healthy after a second) on tls; web on the default client, waiting for it."""
    return f"""
name: {name}
x-libdocker:
  clients: {{tls: {{}}}}
services:
  db:
    image: {IMAGE}
    command: sh -c 'echo db starting >&2; sleep 1; touch /tmp/ready; exec sleep 600'
    stop_grace_period: 1s
    healthcheck: {{test: [CMD, test, -f, /tmp/ready], interval: 1s, retries: 30}}
    x-libdocker: {{clients: [tls]}}
  web:
    image: {IMAGE}
    command: sh -c 'echo hello from web; exec sleep 600'
    stop_grace_period: 1s
    depends_on:
      db: {{condition: service_healthy}}
"""


class Heard(ld.MapListener):
    """A map listener's events and its end, gathered from the runtime's thread."""

    def __init__(self) -> None:
        self.events: list[ld.MapEvent] = []
        self.error: object = "not ended"
        self.ended = threading.Event()

    def on_event(self, event: ld.MapEvent) -> bool:
        self.events.append(event)
        return False

    def on_end(self, error) -> None:
        self.error = error
        self.ended.set()


@pytest.fixture(scope="module")
def d() -> ld.Docker:
    return ld.Docker.connect()


def test_maps_up_ps_down(d: ld.Docker) -> None:
    async def main() -> None:
        tls = tls_daemon()
        await ensure_image_on(d, tls)
        clients = ld.MapClients(d)
        clients.add("tls", tls)
        assert clients.names() == ["", "tls"]
        name = project("maps")
        m = ld.ContainerMap.from_yaml(two_daemon_map(name), tempfile.gettempdir())
        assert (m.name(), m.services(), m.warnings()) == (name, ["db", "web"], [])
        try:
            events = await drain(m.run(clients, ld.MapAction.UP))
            lines = [e.line for e in events]
            waited = next(
                i for i, e in enumerate(events) if (e.step, e.status, e.service) == ("wait", ld.MapStatus.DONE, "web")
            )
            created = next(i for i, e in enumerate(events) if (e.step, e.service) == ("create", "web"))
            assert waited < created, lines
            assert events[waited].message == "service_healthy"

            ps = await m.ps(clients)
            assert [(c.client, c.name) for c in ps] == [("", f"{name}_web_1"), ("tls", f"{name}_db_1")]
            assert all(c.running for c in ps)
            mine = f'{{"label": ["com.docker.compose.project={name}"]}}'
            assert [c.id for c in await d.list_containers(all=True, filters_json=mine)] == [ps[0].id]
            assert [c.id for c in await tls.list_containers(all=True, filters_json=mine)] == [ps[1].id]
            for _ in range(20):  # web has only just started
                got = await drain(await m.logs(clients, ld.LogOptions()))
                if len(got) >= 2:
                    break
                await asyncio.sleep(0.1)
            lines = {(l.client, l.container, l.stream, l.line) for l in got}
            assert ("", f"{name}_web_1", ld.StdStream.STDOUT, "hello from web") in lines, lines
            assert ("tls", f"{name}_db_1", ld.StdStream.STDERR, "db starting") in lines, lines
            assert await m.plan(clients, ld.MapAction.UP) == []

            heard = Heard()
            handle = m.run_to(heard, clients, ld.MapAction.DOWN)
            assert await asyncio.to_thread(heard.ended.wait, 60)
            assert heard.error is None, [e.line for e in heard.events]
            assert handle.is_finished() or (time.sleep(0.1) or handle.is_finished())
            assert sum(e.step == "remove" and e.status == ld.MapStatus.DONE for e in heard.events) == 2
            assert await m.ps(clients) == []
        finally:
            await m.down(clients)

    asyncio.run(main())


def test_maps_errors(d: ld.Docker) -> None:
    async def main() -> None:
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "compose.yaml")
            with open(path, "w") as f:
                f.write(
                    f"name: {project('cycle')}\nservices:\n  a:\n    image: {IMAGE}\n    depends_on: [b]\n"
                    f"  b:\n    image: {IMAGE}\n    depends_on: [a]\n"
                )
            with pytest.raises(ld.DockerError.InvalidMap, match=r"compose\.yaml:5: .*cycle"):
                ld.ContainerMap.load(path)
            # Used without the client it names: refused before anything is sent.
            elsewhere = ld.ContainerMap.from_yaml(two_daemon_map(project("noclient")), tmp)
            with pytest.raises(ld.DockerError.InvalidMap, match="tls"):
                await elsewhere.ps(ld.MapClients(d))
            # A step that fails: its events, then MapFailed.
            failing = ld.ContainerMap.from_yaml(
                f"name: {project('fail')}\nservices:\n  gone:\n"
                f"    image: {REGISTRY}/libdocker-test/never-pushed-{time.time_ns()}\n",
                tmp,
            )
            clients = ld.MapClients(d)
            stream = failing.run(clients, ld.MapAction.UP)
            seen = []
            with pytest.raises(ld.DockerError.MapFailed, match="gone"):
                while (e := await stream.next()) is not None:
                    seen.append(e)
            assert any(e.step == "pull" and e.status == ld.MapStatus.FAILED for e in seen), seen
            await failing.down(clients)

    asyncio.run(main())
