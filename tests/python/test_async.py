"""The asyncio client against the real test daemon."""

from __future__ import annotations

import asyncio

import pytest

import libdocker
from conftest import TEST_LABEL, now, run_to_end
from test_sync import split


@pytest.fixture
def adocker(host: str) -> libdocker.AsyncDocker:
    return libdocker.AsyncDocker(host)


def test_ping_version_and_many_calls_in_flight(adocker, docker):
    async def main() -> None:
        assert await adocker.ping() is True
        version = await adocker.version()
        assert await adocker.api_version() == version["ApiVersion"] == docker.api_version()
        answers = await asyncio.gather(*(adocker.ping() for _ in range(200)))
        assert answers == [True] * 200
        lists = await asyncio.gather(*(adocker.invoke("ContainerList", {"all": True}) for _ in range(32)))
        assert all(isinstance(x, list) for x in lists)

    asyncio.run(main())


def test_no_call_is_left_waiting_under_load(adocker):
    # Thousands of calls finishing on the runtime's thread while the loop is busy:
    # a lost wake-up would leave one waiting forever (caught by wait_for).
    async def rounds() -> int:
        done = 0
        for _ in range(15):
            done += sum(await asyncio.gather(*(adocker.ping() for _ in range(300))))
        return done

    assert asyncio.run(asyncio.wait_for(rounds(), 120)) == 4500


def test_lifecycle_and_logs(adocker, docker, make_container):
    script = "i=0; while [ $i -lt 20000 ]; do echo o$i; echo e$i >&2; i=$((i+1)); done"
    cid = make_container(["sh", "-c", script])

    async def main() -> list[tuple[int, bytes]]:
        await adocker.invoke("ContainerStart", {"id": cid})
        assert (await adocker.invoke("ContainerWait", {"id": cid}))["StatusCode"] == 0
        return [item async for item in adocker.logs(cid)]

    out, err = split(asyncio.run(main()))
    assert out == b"".join(b"o%d\n" % i for i in range(20000))
    assert err == b"".join(b"e%d\n" % i for i in range(20000))


def test_invoked_stream_and_errors(adocker, make_container):
    cid = make_container(["true"])

    async def main() -> None:
        export = await adocker.invoke("ContainerExport", {"id": cid})
        assert isinstance(export, libdocker.AsyncStream) and export.kind == "bytes"
        size = 0
        async for piece in export:
            size += len(piece)
        assert size > 500_000  # busybox is in it
        with pytest.raises(libdocker.NotFound) as e:
            await adocker.invoke("ContainerInspect", {"id": "libdocker-py-missing"})
        assert e.value.status == 404
        with pytest.raises(libdocker.InvalidParams, match="bogus"):
            await adocker.invoke("ContainerList", {"bogus": 1})
        with pytest.raises(libdocker.NotFound):
            async for _ in adocker.logs("libdocker-py-missing"):
                pass

    asyncio.run(main())


def test_following_events_and_stopping_early(adocker, docker, make_container):
    cid = make_container(["true"])

    async def main() -> list[str]:
        seen: list[str] = []
        events = adocker.events(since=now() - 1, filters={"label": [TEST_LABEL], "container": [cid]})
        async with events:
            starter = asyncio.get_running_loop().run_in_executor(None, run_to_end, docker, cid)
            async for event in events:
                seen.append(event["Action"])
                if event["Action"] == "die":
                    break
            assert await starter == 0
        with pytest.raises(StopAsyncIteration):
            await events.__anext__()
        return seen

    seen = asyncio.run(asyncio.wait_for(main(), 60))
    assert seen[:2] == ["create", "start"] and seen[-1] == "die"


def test_exec_and_attach(adocker, docker, make_container):
    cid = make_container(["sleep", "60"])
    docker.invoke("ContainerStart", {"id": cid})

    async def main() -> None:
        r = await adocker.exec_run(cid, ["sh", "-c", "tr a-z A-Z; exit 4"], stdin=b"quiet")
        assert (r.exit_code, r.stdout, r.stderr) == (4, b"QUIET", b"")
        exec_id = (await adocker.invoke(
            "ContainerExec",
            {"id": cid, "execConfig": {"Cmd": ["cat"], "AttachStdin": True, "AttachStdout": True}},
        ))["Id"]
        attached = await adocker.invoke("ExecStart", {"id": exec_id, "execStartConfig": {}})
        assert isinstance(attached, libdocker.AsyncAttached)
        await attached.write(b"async stdin\n")
        await attached.close_stdin()
        items = [item async for item in attached]
        assert split(items) == (b"async stdin\n", b"")

    asyncio.run(main())


def test_one_client_across_event_loops(adocker):
    # Each asyncio.run makes a new loop; the client and its pool outlive them.
    for _ in range(3):
        assert asyncio.run(adocker.ping()) is True
