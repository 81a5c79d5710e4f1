"""The parity scenarios through UniFFI's generated Python (libdocker_uniffi): the
exact FFI surface the Swift bindings use, run against the real daemon and
registries (tests/uniffi_python/run.sh generates the module beside the library).
Each test is named after its scenario in tests/parity/scenarios.tsv."""

from __future__ import annotations

import asyncio
import os
import tempfile
import threading
import time

import pytest

import libdocker_uniffi as ld

IMAGE = "libdocker-test/busybox:latest"
LABEL = {"libdocker-test": "uniffi-python"}
MINE = '{"label": ["libdocker-test=uniffi-python"]}'


def spec(*cmd: str, open_stdin: bool = False) -> ld.ContainerSpec:
    return ld.ContainerSpec(image=IMAGE, cmd=list(cmd), labels=LABEL, open_stdin=open_stdin)


def joined(chunks: list[ld.LogChunk], stream: ld.StdStream) -> bytes:
    return b"".join(c.data for c in chunks if c.stream == stream)


async def drain(stream) -> list:
    items = []
    while (item := await stream.next()) is not None:
        items.append(item)
    return items


async def settled(d: ld.Docker, most: int) -> int:
    for _ in range(100):
        if d.open_connections() <= most:
            break
        await asyncio.sleep(0.02)
    return d.open_connections()


class Heard:
    """A listener's items and its end, gathered from the runtime's thread."""

    def __init__(self, stop_after: int = 0, throw: bool = False) -> None:
        self.items: list = []
        self.error: object = "not ended"
        self.ended = threading.Event()
        self.stop_after = stop_after
        self.throw = throw

    def hear(self, item) -> bool:
        if self.throw:
            raise RuntimeError("listener broke")
        self.items.append(item)
        return self.stop_after > 0 and len(self.items) >= self.stop_after

    def on_end(self, error) -> None:
        self.error = error
        self.ended.set()


class LogHeard(Heard, ld.LogListener):
    def on_chunk(self, chunk) -> bool:
        return self.hear(chunk)


class EventHeard(Heard, ld.EventListener):
    def on_event(self, event) -> bool:
        return self.hear(event)


class ProgressHeard(Heard, ld.ProgressListener):
    def on_event(self, event) -> bool:
        return self.hear(event)


@pytest.fixture(scope="module")
def d() -> ld.Docker:
    return ld.Docker.connect()


def test_lifecycle(d: ld.Docker) -> None:
    async def main() -> None:
        cid = await d.create_container(spec("sh", "-c", "sleep 0.2; exit 5"))
        try:
            assert (await d.inspect_container(cid)).status == "created"
            await d.start_container(cid)
            assert await d.wait_container(cid) == 5
            details = await d.inspect_container(cid)
            assert (details.status, details.exit_code, details.labels) == ("exited", 5, LABEL)
            assert any(c.id == cid for c in await d.list_containers(all=True, filters_json=MINE))
        finally:
            await d.remove_container(cid, force=True)
        with pytest.raises(ld.DockerError.NotFound):
            await d.inspect_container(cid)
        out = await d.run(spec("sh", "-c", "echo ran; echo oops >&2"))
        assert (out.exit_code, out.stdout, out.stderr) == (0, b"ran\n", b"oops\n")

    asyncio.run(main())


def test_logs_demux(d: ld.Docker) -> None:
    async def main() -> None:
        cid = await d.create_container(spec("sh", "-c", "printf 'out1\\000\\001'; printf 'err1' >&2; sleep 0.1; printf 'out2'"))
        try:
            await d.start_container(cid)
            await d.wait_container(cid)
            chunks = await drain(await d.logs(cid, ld.LogOptions()))
            assert joined(chunks, ld.StdStream.STDOUT) == b"out1\x00\x01out2"
            assert joined(chunks, ld.StdStream.STDERR) == b"err1"
            heard = LogHeard(stop_after=1)
            handle = d.logs_to(cid, ld.LogOptions(), heard)
            assert heard.ended.wait(5) and heard.error is None and len(heard.items) == 1
            time.sleep(0.1)
            assert handle.is_finished()
        finally:
            await d.remove_container(cid, force=True)

    asyncio.run(main())


def test_exec_stdin_exit_code(d: ld.Docker) -> None:
    async def main() -> None:
        cid = await d.create_container(spec("sleep", "300"))
        try:
            await d.start_container(cid)
            data = os.urandom(8 << 20)
            whole = await d.exec(cid, ld.ExecSpec(cmd=["cat"]), stdin=data)
            assert whole.exit_code == 0 and whole.stdout == data
            assert (await d.exec(cid, ld.ExecSpec(cmd=["sh", "-c", "exit 3"]))).exit_code == 3
            p = await d.exec_start(cid, ld.ExecSpec(cmd=["sh", "-c", "tr a-z A-Z; exit 4"]), stdin=True)
            reader = asyncio.ensure_future(drain(p))
            await p.write(b"shout\n")
            await p.close_stdin()
            assert joined(await reader, ld.StdStream.STDOUT) == b"SHOUT\n"
            assert await p.exit_code() == 4
        finally:
            await d.remove_container(cid, force=True)

    asyncio.run(main())


def test_pull_progress(d: ld.Docker) -> None:
    registry = os.environ.get("LIBDOCKER_TEST_REGISTRY", "127.0.0.1:5000")
    repo = f"{registry}/libdocker-test/uniffi-python-{time.time_ns()}"

    async def main() -> None:
        await d.tag_image(IMAGE, repo, "v1")
        pushed = await drain(await d.push(f"{repo}:v1"))
        assert any("Digest" in (e.aux_json or "") for e in pushed)
        await d.remove_image(f"{repo}:v1")
        heard = ProgressHeard()
        handle = d.pull_to(f"{repo}:v1", heard)  # the pull lasts as long as its handle
        assert await asyncio.to_thread(heard.ended.wait, 30) and heard.error is None
        assert handle.is_finished() or time.sleep(0.1) or handle.is_finished()
        assert any((e.status or "").startswith("Digest:") for e in heard.items)
        assert '"Id"' in await d.inspect_image(f"{repo}:v1")
        await d.remove_image(f"{repo}:v1")
        with pytest.raises(ld.DockerError.NotFound):
            await drain(await d.pull(f"{registry}/libdocker-test/never-pushed-{time.time_ns()}"))

    asyncio.run(main())


def test_events(d: ld.Docker) -> None:
    async def main() -> None:
        stream = await d.events(filters_json='{"label": ["libdocker-test=uniffi-python"], "type": ["container"]}')
        cid = await d.create_container(spec("true"))
        await d.remove_container(cid, force=True)
        first = await asyncio.wait_for(stream.next(), 10)
        stream.cancel()
        assert first is not None and first.action == "create" and first.actor_id == cid
        assert await stream.next() is None
        heard = EventHeard(stop_after=1)
        handle = d.events_to(heard, filters_json=MINE)
        await asyncio.sleep(0.2)
        cid = await d.create_container(spec("true"))
        await d.remove_container(cid, force=True)
        assert await asyncio.to_thread(heard.ended.wait, 5) and heard.error is None
        assert [e.action for e in heard.items] == ["create"]
        del handle

    asyncio.run(main())


def test_errors(d: ld.Docker) -> None:
    async def main() -> None:
        with pytest.raises(ld.DockerError.NotFound, match="No such container"):
            await d.inspect_container("libdocker-no-such-container")
        with pytest.raises(ld.DockerError.InvalidParams):
            await d.invoke("ContainerList", "{not json")
        with pytest.raises(ld.DockerError.InvalidParams, match="bogus"):
            await d.invoke("ContainerList", '{"bogus": 1}')
        with pytest.raises(ld.DockerError):
            await d.invoke("NoSuchOperation", "")
        with pytest.raises(ld.DockerError.WrongOutputKind):
            await d.invoke("ContainerLogs", '{"id": "x"}')
        with pytest.raises(ld.DockerError.Connect):
            await ld.Docker(ld.DockerOptions(host="unix:///nonexistent/docker.sock")).ping()
        with pytest.raises(ld.DockerError.InvalidParams):
            ld.Docker(ld.DockerOptions(api_version="one"))
        assert await d.invoke("SystemPing", "") == "OK"
        assert len(ld.operations(None)) == 108 and "Container" in ld.categories()
        cid = await d.create_container(spec("echo", "x"))
        try:
            await d.start_container(cid)
            await d.wait_container(cid)
            heard = LogHeard(throw=True)
            handle = d.logs_to(cid, ld.LogOptions(), heard)
            assert await asyncio.to_thread(heard.ended.wait, 5), handle
            assert isinstance(heard.error, ld.DockerError.Callback) and "listener broke" in str(heard.error)
        finally:
            await d.remove_container(cid, force=True)

    asyncio.run(main())


def test_cancel(d: ld.Docker) -> None:
    quiet = '{"label": ["libdocker-test-never-set=1"]}'

    async def main() -> None:
        await d.ping()
        d.close_idle()
        base = d.open_connections()
        # A cancelled asyncio task drops the Rust future: the connection closes.
        stream = await d.events(filters_json=quiet)
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(stream.next(), 0.3)
        stream.cancel()
        assert await settled(d, base) <= base
        # cancel() from elsewhere wakes a pending next(), which gives None.
        stream = await d.events(filters_json=quiet)
        pending = asyncio.ensure_future(stream.next())
        await asyncio.sleep(0.2)
        assert d.open_connections() == base + 1
        threading.Thread(target=stream.cancel).start()
        assert await asyncio.wait_for(pending, 2) is None
        assert await settled(d, base) <= base
        # A CancelHandle ends a long call on its client.
        fire = ld.CancelHandle()
        scoped = d.with_cancel(fire)
        cid = await d.create_container(spec("sleep", "300"))
        try:
            await d.start_container(cid)
            waiting = asyncio.ensure_future(scoped.wait_container(cid))
            await asyncio.sleep(0.3)
            fire.cancel()
            with pytest.raises(ld.DockerError.Cancelled):
                await asyncio.wait_for(waiting, 2)
            assert await settled(d, base) <= base
        finally:
            await d.remove_container(cid, force=True)
        # A listener's TaskHandle: cancel() or dropping it ends the stream,
        # and the listener hears on_end(Cancelled).
        heard = EventHeard()
        handle = d.events_to(heard, filters_json=quiet)
        await asyncio.sleep(0.2)
        handle.cancel()
        assert await asyncio.to_thread(heard.ended.wait, 2)
        assert isinstance(heard.error, ld.DockerError.Cancelled)
        assert await settled(d, base) <= base
        heard = EventHeard()
        handle = d.events_to(heard, filters_json=quiet)
        await asyncio.sleep(0.2)
        del handle
        assert await asyncio.to_thread(heard.ended.wait, 2)
        assert await settled(d, base) <= base

    asyncio.run(main())


def test_concurrency(d: ld.Docker) -> None:
    async def main() -> None:
        assert await asyncio.gather(*(d.ping() for _ in range(200))) == [True] * 200
        versions = await asyncio.gather(*(d.version() for _ in range(50)))
        assert len({v.api_version for v in versions}) == 1

    asyncio.run(main())


def test_in_stream_errors(d: ld.Docker) -> None:
    async def main() -> None:
        with tempfile.TemporaryDirectory() as ctx:
            with open(os.path.join(ctx, "Dockerfile"), "w") as f:
                f.write(f"FROM {IMAGE}\nRUN echo step-output; exit 7\n")
            with pytest.raises(ld.DockerError.BuildFailed, match="non-zero code: 7"):
                await drain(await d.build(ld.BuildSpec(context_dir=ctx, labels=LABEL)))
            with open(os.path.join(ctx, "Dockerfile"), "w") as f:
                f.write(f"FROM {IMAGE}\nCOPY . /ctx\n")
            for name, text in {".dockerignore": "secret.txt\n", "kept.txt": "kept\n", "secret.txt": "s\n"}.items():
                with open(os.path.join(ctx, name), "w") as f:
                    f.write(text)
            tag = f"libdocker-test/uniffi-python-built:{time.time_ns()}"
            await drain(await d.build(ld.BuildSpec(context_dir=ctx, tags=[tag], labels=LABEL)))
            listing = await d.run(ld.ContainerSpec(image=tag, cmd=["ls", "-A", "/ctx"], labels=LABEL))
            assert listing.stdout.split() == [b".dockerignore", b"Dockerfile", b"kept.txt"]
            await d.remove_image(tag, force=True)

    asyncio.run(main())


def test_monitor(d: ld.Docker) -> None:
    run = f"uniffi-python-{time.time_ns()}"

    async def main() -> None:
        m = ld.Monitor(filters_json=f'{{"label": ["libdocker-monitor={run}"]}}')
        m.add("main", d)
        reports = await m.subscribe()
        first = await asyncio.wait_for(reports.next(), 20)
        assert first is not None and (first.daemon, first.kind) == ("main", ld.MonitorEventKind.DAEMON_UP)
        cid = await d.create_container(
            ld.ContainerSpec(image=IMAGE, cmd=["true"], labels={**LABEL, "libdocker-monitor": run})
        )
        try:
            created = await asyncio.wait_for(reports.next(), 10)
            assert created is not None and created.event is not None
            assert (created.daemon, created.event.action, created.event.actor_id) == ("main", "create", cid)
            assert [c.id for c in m.containers("main")] == [cid]
        finally:
            await d.remove_container(cid, force=True)
        reports.cancel()
        del reports
        # No one listens: the monitor stops and its connections close.
        for _ in range(100):
            d.close_idle()
            if d.open_connections() == 0:
                break
            await asyncio.sleep(0.02)
        assert d.open_connections() == 0
        assert m.containers("main") == []

    asyncio.run(main())
