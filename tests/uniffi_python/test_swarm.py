"""The swarm through UniFFI's generated Python (the surface Swift and Kotlin
get): a service on the test environment's two-node swarm, created, watched
converging with a listener, its logs demultiplexed, scaled, updated with a stale
version (OutOfSequence naming both), rolled back; a secret mounted in it; nodes
labelled; unknown objects NotFound."""

from __future__ import annotations

import asyncio
import json
import os
import uuid

import pytest

import libdocker_uniffi as ld

IMAGE = "libdocker-test/busybox:latest"
LABEL = {"libdocker-test": "uniffi-python"}


def unique(prefix: str) -> str:
    return f"libdocker-uniffi-{prefix}-{uuid.uuid4().hex[:10]}"


@pytest.fixture(scope="module")
def m() -> ld.Docker:
    host = os.environ.get("LIBDOCKER_TEST_SWARM_MANAGER")
    if not host:
        pytest.fail("LIBDOCKER_TEST_SWARM_MANAGER is not set: run through tests/run.sh")
    return ld.Docker(ld.DockerOptions(host=host))


class Progress(ld.ConvergenceListener):
    def __init__(self) -> None:
        self.heard: list[ld.Convergence] = []

    def on_progress(self, progress: ld.Convergence) -> None:
        self.heard.append(progress)


async def drain(stream) -> list:
    items = []
    while (item := await stream.next()) is not None:
        items.append(item)
    return items


def test_a_service_converges_logs_scales_and_refuses_a_stale_version(m: ld.Docker) -> None:
    async def main() -> None:
        secret = await m.create_secret(unique("secret"), b"from-uniffi\n", LABEL)
        spec = ld.ServiceSpec(
            name=unique("svc"),
            image=IMAGE,
            command=["sh", "-c", "echo out-$(hostname); echo err-$(hostname) >&2; exec sleep 600"],
            labels=LABEL,
            replicas=2,
            secrets=[ld.FileMount(id=secret, name=(await m.inspect_secret(secret)).name, target="token")],
            stop_grace_seconds=1,
        )
        sid = await m.create_service(spec)
        try:
            progress = Progress()
            done = await m.wait_service_converged(sid, 90000, progress)
            assert (done.running, done.desired, done.converged) == (2, 2, True)
            assert progress.heard and progress.heard[-1].converged
            tasks = await m.list_tasks(json.dumps({"service": [sid], "desired-state": ["running"]}))
            assert len({t.node_id for t in tasks}) == 2, "one task on each node"
            assert all(t.state == "running" and t.container_id for t in tasks)

            hosts = {t.container_id[:12] for t in tasks}
            for _ in range(100):
                chunks = await drain(await m.service_logs(sid, ld.LogOptions()))
                out = b"".join(c.data for c in chunks if c.stream == ld.StdStream.STDOUT).decode()
                err = b"".join(c.data for c in chunks if c.stream == ld.StdStream.STDERR).decode()
                if all(f"out-{h}" in out and f"err-{h}" in err for h in hosts):
                    break
                await asyncio.sleep(0.2)
            assert all(f"out-{h}" in out and f"err-{h}" in err for h in hosts), (out, err)
            assert "err-" not in out and "out-" not in err

            await m.scale_service(sid, 3)
            assert (await m.wait_service_converged(sid, 90000, None)).running == 3

            service = await m.inspect_service(sid)
            assert service.labels == LABEL and service.name == spec.name
            edited = json.loads(service.spec_json)
            edited["TaskTemplate"]["ContainerSpec"]["Env"] = ["MODE=green"]
            await m.update_service(sid, service.version, json.dumps(edited))
            with pytest.raises(ld.DockerError.OutOfSequence) as refused:
                await m.update_service(sid, service.version, json.dumps(edited))
            assert f"version {service.version}," in str(refused.value)
            done = await m.wait_service_converged(sid, 90000, None)
            assert done.update_state == "completed" and all(t.current for t in done.tasks)
            await m.rollback_service(sid)
            done = await m.wait_service_converged(sid, 90000, None)
            assert done.update_state == "rollback_completed"
            assert "Env" not in json.loads((await m.inspect_service(sid)).spec_json)["TaskTemplate"]["ContainerSpec"]
        finally:
            await m.remove_service(sid)
        for _ in range(50):
            try:
                await m.remove_secret(secret)
                break
            except ld.DockerError:
                await asyncio.sleep(0.2)  # the tasks still hold it
        with pytest.raises(ld.DockerError.NotFound):
            await m.inspect_secret(secret)

    asyncio.run(main())


def test_nodes_swarm_and_unknown_objects(m: ld.Docker) -> None:
    async def main() -> None:
        nodes = await m.list_nodes("")
        assert sorted(n.role for n in nodes) == ["manager", "worker"]
        worker = next(n for n in nodes if n.role == "worker")
        await m.set_node_labels(worker.id, {"zone": "b"})
        assert (await m.inspect_node(worker.id)).labels == {"zone": "b"}
        await m.set_node_labels(worker.id, {})
        with pytest.raises(ld.DockerError.InvalidParams):
            await m.set_node_availability(worker.id, "asleep")
        swarm = await m.inspect_swarm()
        assert swarm.worker_token.startswith("SWMTKN-1-") and swarm.version > 0
        name = unique("nothing")
        for missing in (m.inspect_service(name), m.inspect_node(name), m.inspect_secret(name), m.inspect_config(name)):
            with pytest.raises(ld.DockerError.NotFound) as e:
                await missing
            assert name in str(e.value)
        bad = ld.ServiceSpec(name="not a valid name!", image=IMAGE)
        with pytest.raises(ld.DockerError.BadParameter):
            await m.create_service(bad)

    asyncio.run(main())


def test_a_map_deploys_as_a_stack_and_is_removed(m: ld.Docker, tmp_path) -> None:
    (tmp_path / "app.conf").write_text("from-uniffi\n")
    name = unique("stack").replace("-", "")
    yaml = f"""
name: {name}
services:
  web:
    image: {IMAGE}
    command: [sh, -c, 'cat /app.conf; exec sleep 600']
    deploy: {{replicas: 2, placement: {{max_replicas_per_node: 1}}}}
    configs: [{{source: conf, target: /app.conf}}]
configs:
  conf: {{file: ./app.conf}}
"""
    cmap = ld.ContainerMap.from_yaml(yaml, str(tmp_path))

    async def scenario() -> None:
        report = await cmap.deploy_stack(m)
        assert report.services == [f"{name}_web"]
        assert report.networks == [f"{name}_default"] and report.configs == [f"{name}_conf"]
        again = await cmap.deploy_stack(m)
        assert again.services == [] and again.updated == [f"{name}_web"]
        removed = await cmap.remove_stack(m)
        assert removed.services == [f"{name}_web"] and removed.configs == [f"{name}_conf"]

    asyncio.run(scenario())


def test_draining_the_worker_moves_the_tasks_to_the_manager(m: ld.Docker) -> None:
    async def main() -> None:
        nodes = await m.list_nodes("")
        worker = next(n for n in nodes if n.role == "worker")
        boss = next(n for n in nodes if n.role == "manager")
        spec = ld.ServiceSpec(
            name=unique("drain"), image=IMAGE, command=["sleep", "600"], labels=LABEL, replicas=2, stop_grace_seconds=1
        )
        sid = await m.create_service(spec)
        running = json.dumps({"service": [sid], "desired-state": ["running"]})
        try:
            await m.wait_service_converged(sid, 90000, Progress())
            assert {t.node_id for t in await m.list_tasks(running)} == {worker.id, boss.id}
            await m.set_node_availability(worker.id, "drain")
            assert (await m.inspect_node(worker.id)).availability == "drain"
            done = await m.wait_service_converged(sid, 90000, Progress())
            assert done.running == 2
            assert {t.node_id for t in await m.list_tasks(running)} == {boss.id}
        finally:
            await m.set_node_availability(worker.id, "active")
            await m.remove_service(sid)
        assert (await m.inspect_node(worker.id)).availability == "active"

    asyncio.run(main())
