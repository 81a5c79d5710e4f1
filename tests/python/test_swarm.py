"""Swarm collections (services, tasks, nodes, secrets, configs, the swarm) on the
test environment's two-node swarm (tests/env/swarm.sh), sync and asyncio."""

from __future__ import annotations

import asyncio
import os
import threading
import uuid
from collections.abc import Iterator

import pytest

import libdocker

TEST_IMAGE = "libdocker-test/busybox:latest"
TEST_LABEL = "libdocker-test"


def unique(prefix: str) -> str:
    return f"libdocker-py-{prefix}-{uuid.uuid4().hex[:10]}"


@pytest.fixture(scope="module")
def manager_host() -> str:
    value = os.environ.get("LIBDOCKER_TEST_SWARM_MANAGER")
    if not value:
        pytest.fail("LIBDOCKER_TEST_SWARM_MANAGER is not set: run through tests/run.sh (or source $WORK/env)")
    return value


@pytest.fixture
def manager(manager_host: str) -> Iterator[libdocker.Docker]:
    with libdocker.Docker(manager_host) as docker:
        yield docker
        for service in docker.services.list(filters={"label": TEST_LABEL}):
            service.remove()


def test_a_service_spreads_over_both_nodes_scales_and_logs_demultiplexed(manager: libdocker.Docker) -> None:
    service = manager.services.create(
        TEST_IMAGE,
        "sh -c 'echo out-$(hostname); echo err-$(hostname) >&2; exec sleep 600'",
        name=unique("svc"),
        replicas=2,
        labels={TEST_LABEL: "1"},
        stop_grace_period=1,
    )
    assert service.name.startswith("libdocker-py-svc-") and service.labels == {TEST_LABEL: "1"}
    heard: list[libdocker.Convergence] = []
    done = service.wait_converged(timeout=90, poll=0.2, progress=heard.append)
    assert (done.running, done.desired, done.converged) == (2, 2, True)
    assert heard[-1] == done and heard[0].running < 2
    running = service.tasks(filters={"desired-state": "running"})
    nodes = {t.node_id for t in running}
    assert len(nodes) == 2, "one task on each node"
    assert {n.id for n in manager.nodes.list()} == nodes

    hosts = {t.container_id[:12] for t in running if t.container_id}
    for _ in range(100):
        items = service.logs()
        out = b"".join(d for s, d in items if s == libdocker.STDOUT).decode()
        err = b"".join(d for s, d in items if s == libdocker.STDERR).decode()
        if all(f"out-{h}" in out and f"err-{h}" in err for h in hosts):
            break
    assert all(f"out-{h}" in out and f"err-{h}" in err for h in hosts), (out, err)
    assert "err-" not in out and "out-" not in err

    # Followed as a stream opened before scaling: the task that scaling adds
    # speaks on it, which only following can show. Closing it from another
    # thread ends the read if its line never comes.
    followed = service.logs(follow=True, stream=True)
    service.scale(3)
    assert service.spec["Mode"]["Replicated"]["Replicas"] == 3
    assert service.wait_converged(timeout=90, poll=0.2).running == 3
    assert len(manager.tasks.list(filters={"service": service.id, "desired-state": "running"})) == 3
    added = {t.container_id[:12] for t in service.tasks(filters={"desired-state": "running"}) if t.container_id} - hosts
    assert len(added) == 1
    seen = b""
    guard = threading.Timer(60, followed.close)
    guard.start()
    with followed:
        for s, d in followed:
            assert s in (libdocker.STDOUT, libdocker.STDERR) and isinstance(d, bytes)
            seen += d
            if all(f"out-{h}".encode() in seen for h in added):
                break
    guard.cancel()
    assert all(f"out-{h}".encode() in seen for h in added), seen


def test_a_stale_version_raises_out_of_sequence_naming_both(manager: libdocker.Docker) -> None:
    service = manager.services.create(TEST_IMAGE, ["sleep", "600"], name=unique("svc"), labels={TEST_LABEL: "1"})
    read_at = service.version
    spec = service.spec
    spec["TaskTemplate"]["ContainerSpec"]["Env"] = ["MODE=green"]
    service.update(spec)  # the version it was read at
    assert service.version > read_at
    with pytest.raises(libdocker.OutOfSequence) as refused:
        service.update(spec, version=read_at)
    e = refused.value
    # The rolling update moves the version on: the current one is at least the last read.
    assert e.given == read_at and e.current is not None and e.current >= service.version
    assert e.object == f"service {service.id}"
    assert f"version {read_at}" in str(e) and f"version {e.current}" in str(e)
    assert isinstance(e, libdocker.ApiError)
    assert "update out of sequence" in e.message
    service.rollback()
    assert "Env" not in service.spec["TaskTemplate"]["ContainerSpec"]


def test_nodes_secrets_configs_and_unknown_objects(manager: libdocker.Docker) -> None:
    nodes = manager.nodes.list()
    assert sorted(n.role for n in nodes) == ["manager", "worker"]
    assert all(n.state == "ready" and n.availability == "active" for n in nodes)
    worker = next(n for n in nodes if n.role == "worker")
    worker.set_labels({"zone": "b"})
    assert manager.nodes.get(worker.id).labels == {"zone": "b"}
    worker.set_labels({})
    assert worker.labels == {}
    with pytest.raises(ValueError, match="availability"):
        worker.set_availability("asleep")

    secret = manager.secrets.create(unique("secret"), b"s3cret", labels={TEST_LABEL: "1"})
    config = manager.configs.create(unique("config"), "port=80\n", labels={TEST_LABEL: "1"})
    try:
        assert secret.data is None, "a secret's data is never given back"
        assert manager.configs.get(config.name).data == b"port=80\n"
        assert [s.id for s in manager.secrets.list(filters={"name": secret.name})] == [secret.id]
    finally:
        secret.remove()
        config.remove()

    name = unique("nothing")
    for lookup in (manager.services.get, manager.nodes.get, manager.secrets.get, manager.configs.get, manager.tasks.get):
        with pytest.raises(libdocker.NotFound, match=name):
            lookup(name)
    with pytest.raises(libdocker.BadParameter, match="DNS name"):
        manager.services.create(TEST_IMAGE, name="not a valid name!")
    with pytest.raises(ValueError, match="global"):
        manager.services.create(TEST_IMAGE, mode="global", replicas=2)
    token = manager.swarm.inspect()["JoinTokens"]["Worker"]
    assert token.startswith("SWMTKN-1-")


async def test_asyncio_service_with_a_secret_converges_updates_and_rolls_back(manager_host: str) -> None:
    async with libdocker.AsyncDocker(manager_host) as docker:
        secret = await docker.secrets.create(unique("secret"), b"from-asyncio\n", labels={TEST_LABEL: "1"})
        service = await docker.services.create(
            TEST_IMAGE,
            "sh -c 'echo ready-$(hostname); exec sleep 600'",
            name=unique("svc"),
            replicas=2,
            labels={TEST_LABEL: "1"},
            constraints=["node.role==worker"],
            secrets=[libdocker.file_ref("Secret", secret.id, secret.name, "token")],
            stop_grace_period=1,
        )
        try:
            done = await service.wait_converged(timeout=90, poll=0.2)
            assert (done.running, done.desired) == (2, 2)
            tasks = await service.tasks(filters={"desired-state": "running"})
            workers = await docker.nodes.list(filters={"role": "worker"})
            assert {t.node_id for t in tasks} == {workers[0].id}
            # Followed as a stream opened before the update: the tasks it starts
            # speak on it, which only following can show.
            followed = await service.logs(follow=True, stream=True)
            spec = service.spec
            spec["TaskTemplate"]["ContainerSpec"]["Env"] = ["MODE=green"]
            await service.update(spec)
            heard: list[str | None] = []
            done = await service.wait_converged(timeout=90, poll=0.2, progress=lambda p: heard.append(p.update_state))
            assert done.update_state == "completed" and done.running == 2
            started = await service.tasks(filters={"desired-state": "running"})
            new_hosts = {t.container_id[:12] for t in started if t.container_id}
            assert len(new_hosts) == 2 and not new_hosts & {t.container_id[:12] for t in tasks if t.container_id}
            seen = b""

            async def read() -> None:
                nonlocal seen
                async for s, d in followed:
                    assert s in (libdocker.STDOUT, libdocker.STDERR)
                    seen += d
                    if all(f"ready-{h}".encode() in seen for h in new_hosts):
                        return

            async with followed:
                await asyncio.wait_for(read(), 60)
            assert all(f"ready-{h}".encode() in seen for h in new_hosts), seen
            assert all(t.current for t in done.tasks)
            await service.rollback()
            done = await service.wait_converged(timeout=90, poll=0.2)
            assert done.update_state == "rollback_completed"
            with pytest.raises(libdocker.OutOfSequence):
                await service.update(spec, version=service.version - 1)
        finally:
            await service.remove()
        for _ in range(50):
            try:
                await secret.remove()
                break
            except libdocker.ApiError:
                pass  # still in use by the tasks being removed
        with pytest.raises(libdocker.NotFound):
            await secret.reload()


def test_draining_the_worker_moves_its_tasks_to_the_manager(manager: libdocker.Docker) -> None:
    service = manager.services.create(
        TEST_IMAGE, ["sleep", "600"], name=unique("drain"), replicas=2, labels={TEST_LABEL: "1"}, stop_grace_period=1
    )
    worker = next(n for n in manager.nodes.list() if n.role == "worker")
    boss = next(n for n in manager.nodes.list() if n.role == "manager")
    try:
        service.wait_converged(timeout=90, poll=0.2)
        assert {t.node_id for t in service.tasks(filters={"desired-state": "running"})} == {worker.id, boss.id}
        worker.set_availability("drain")
        assert worker.availability == "drain"
        done = service.wait_converged(timeout=90, poll=0.2)
        assert done.running == 2
        running = service.tasks(filters={"desired-state": "running"})
        assert {t.node_id for t in running} == {boss.id}, "every task moved to the manager"
    finally:
        worker.set_availability("active")
        assert manager.nodes.get(worker.id).availability == "active"
