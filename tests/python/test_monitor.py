"""The monitor from Python: sync iteration, ``async for`` and the callback form,
each seeing an event of its own container tagged with its daemon, the container
cache, and the monitor stopping once no one listens."""

from __future__ import annotations

import asyncio
import os

import libdocker
import pytest
from conftest import TEST_IMAGE, unique


def watching(run: str) -> libdocker.Monitor:
    return libdocker.Monitor(filters={"label": [f"libdocker-monitor={run}"], "type": ["container"]})


def test_iterating_sees_our_container_tagged_with_its_daemon(docker: libdocker.Docker) -> None:
    run = unique("py-monitor")
    monitor = watching(run)
    monitor.add("main", docker)
    assert monitor.daemons() == ["main"]
    events = monitor.events()
    first = next(events)
    assert (first.daemon, first.kind) == ("main", "daemon_up")
    box = docker.containers.create(TEST_IMAGE, "true", labels={"libdocker-test": "1", "libdocker-monitor": run})
    try:
        created = next(events)
        assert (created.daemon, created.kind, created.action, created.actor_id) == ("main", "event", "create", box.id)
        assert created.event is not None and created.event["Actor"]["Attributes"]["libdocker-monitor"] == run
        assert [(c["id"], c["state"]) for c in monitor.containers("main")] == [(box.id, "created")]
    finally:
        box.remove(force=True)
    destroyed = next(e for e in events if e.action == "destroy")
    assert destroyed.actor_id == box.id
    events.close()  # the last listener: the monitor stops and forgets
    assert monitor.containers("main") == []


def test_async_for_and_the_callback_form(host: str) -> None:
    run = unique("py-monitor-async")

    async def main() -> list[libdocker.MonitorEvent]:
        async with libdocker.AsyncDocker(host) as docker:
            monitor = watching(run)
            monitor.add("main", docker)
            seen: list[libdocker.MonitorEvent] = []
            async for report in monitor:
                seen.append(report)
                if report.kind == "daemon_up":
                    box = await docker.containers.create(
                        TEST_IMAGE, "true", labels={"libdocker-test": "1", "libdocker-monitor": run}
                    )
                    await box.remove(force=True)
                if report.action == "destroy":
                    break
            return seen

    seen = asyncio.run(asyncio.wait_for(main(), 30))
    assert [e.action for e in seen] == [None, "create", "destroy"]

    with libdocker.Docker(host) as docker:
        monitor = watching(run)
        monitor.add("main", docker)
        heard: list[libdocker.MonitorEvent] = []

        def hear(report: libdocker.MonitorEvent) -> bool:
            heard.append(report)
            return report.action == "create"  # True: stop listening

        listening = monitor.listen(hear)
        while not heard:
            assert listening.is_alive()
            listening.join(0.05)
        box = docker.containers.create(TEST_IMAGE, "true", labels={"libdocker-test": "1", "libdocker-monitor": run})
        try:
            assert listening.join(10), "the callback's True stops it"
        finally:
            box.remove(force=True)
        assert listening.error is None
        assert [e.action for e in heard] == [None, "create"]
        # stop() from another thread ends a listener that waits.
        waiting = monitor.listen(lambda report: False)
        waiting.stop()
        assert waiting.join(5)


def test_bad_filters_and_clients_are_refused() -> None:
    with pytest.raises(ValueError, match="label"):
        libdocker.Monitor(filters={"label": [1]})  # type: ignore[list-item]
    with pytest.raises(TypeError, match="Docker or AsyncDocker"):
        libdocker.Monitor().add("x", os)  # type: ignore[arg-type]


def test_stats_of_running_containers(docker: libdocker.Docker) -> None:
    run = unique("py-monitor-stats")
    box = docker.containers.run(
        TEST_IMAGE, "sleep 300", detach=True, labels={"libdocker-test": "1", "libdocker-monitor": run}
    )
    try:
        monitor = libdocker.Monitor(filters={"label": [f"libdocker-monitor={run}"]}, stats_every=0.5)
        monitor.add("main", docker)
        reports = monitor.events()
        stats = next(e for e in reports if e.kind == "stats")
        reports.close()
        assert stats.daemon == "main" and stats.stats is not None and stats.stats["id"] == box.id
        assert stats.stats["memory_usage"] > 0 and 0 < stats.stats["memory_percent"] <= 100
        assert stats.stats["pids"] >= 1 and stats.stats["cpu_percent"] >= 0
    finally:
        box.remove(force=True)
    with pytest.raises(ValueError, match="stats_every"):
        libdocker.Monitor(stats_every=-1)
