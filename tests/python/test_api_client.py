"""The client, networks, volumes and docker-map's cleanup helpers through the
high-level API, sync and asyncio, against the real daemon: from_env, with /
async with and close (connections counted at a proxy), a CLI context chosen by
name, ping/version/info/df/events; networks with aliases; volumes; cleanup
that keeps never-started containers; the models' typed properties."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from typing import Any

import pytest
from conftest import TEST_IMAGE, TEST_LABEL, CountingProxy, a, until

import libdocker


def settles(proxy: CountingProxy, most: int) -> int:
    for _ in range(100):
        if proxy.open <= most:
            break
        time.sleep(0.02)
    return proxy.open


async def test_the_client_as_a_docker_py_user_opens_and_closes_it(counting_proxy: CountingProxy) -> None:
    env = {"DOCKER_HOST": counting_proxy.host}
    sync = libdocker.from_env(environment=env)
    assert isinstance(sync, libdocker.Docker) and sync.host == counting_proxy.host
    with sync as d:
        assert d.ping() is True
        assert d.version()["ApiVersion"] and "Containers" in d.info()
        assert {"Images", "Containers", "Volumes"} <= set(d.df())
        assert counting_proxy.open == 1
    assert settles(counting_proxy, 0) == 0, "leaving `with` closed the kept connection"
    assert sync.ping(), "a closed client opens a new connection when called again"
    sync.close()
    sync.close()  # again: nothing happens

    async with libdocker.AsyncDocker.from_env(environment=env) as ad:
        assert await ad.ping() is True
        assert "Images" in await ad.df()
    assert settles(counting_proxy, 0) == 0
    # docker-py's names for the address and the version.
    d = libdocker.Docker(base_url=counting_proxy.host, version="1.41")
    assert d.api_version() == "1.41"
    assert libdocker.Docker(base_url=counting_proxy.host, version="auto").ping()


def test_a_cli_context_chosen_by_name(host: str) -> None:
    with tempfile.TemporaryDirectory() as config:
        name = "libdocker-test-context"
        meta = os.path.join(config, "contexts", "meta", hashlib.sha256(name.encode()).hexdigest())
        os.makedirs(meta)
        with open(os.path.join(meta, "meta.json"), "w") as f:
            json.dump({"Name": name, "Metadata": {}, "Endpoints": {"docker": {"Host": host}}}, f)
        env = {"DOCKER_CONFIG": config, "DOCKER_HOST": ""}
        d = libdocker.Docker(context=name, environment=env)
        assert d.host == host and d.ping()
        with pytest.raises(libdocker.ConfigError, match="nope"):
            libdocker.Docker(context="nope", environment=env)


async def test_events_of_our_own_container(api: Any, label: dict[str, str]) -> None:
    since = time.time()
    c = await a(api.containers.run(TEST_IMAGE, "true", detach=True, labels=label))
    await a(c.wait())
    events = await until(
        api.events(since=since, filters={"label": [f"{TEST_LABEL}={label[TEST_LABEL]}"]}),
        lambda e: e.get("Action") == "die",
    )
    assert [e["Action"] for e in events if e["Type"] == "container"][:3] == ["create", "start", "die"]


async def test_networks_with_aliases(api: Any, label: dict[str, str]) -> None:
    name = f"libdocker-py-net-{label[TEST_LABEL]}"
    net = await a(api.networks.create(name, driver="bridge", labels=label, internal=True))
    assert net.name == name and net.attrs["Internal"] is True
    c = await a(api.containers.run(TEST_IMAGE, "sleep 300", detach=True, labels=label))
    await a(net.connect(c, aliases=["db"]))
    await a(c.reload())
    assert "db" in c.attrs["NetworkSettings"]["Networks"][name]["Aliases"]
    await a(net.reload())
    assert net.containers == [c.id]
    other = await a(api.containers.run(TEST_IMAGE, "sleep 300", detach=True, network=name, labels=label))
    ping = await a(other.exec_run("ping -c 1 -W 2 db"))
    assert ping.exit_code == 0, ping.stdout
    assert [n.id for n in await a(api.networks.list(names=[name]))] == [net.id]
    await a(net.disconnect(c.id))
    await a(other.remove(force=True))
    await a(net.reload())
    assert net.containers == []
    await a(net.remove())
    with pytest.raises(libdocker.NotFound):
        await a(api.networks.get(net.id))
    spare = await a(api.networks.create(f"{name}-spare", labels=label))
    pruned = await a(api.networks.prune(filters={"label": f"{TEST_LABEL}={label[TEST_LABEL]}"}))
    assert spare.name in pruned["NetworksDeleted"]


async def test_volumes(api: Any, label: dict[str, str]) -> None:
    vol = await a(api.volumes.create(f"libdocker-py-vol-{label[TEST_LABEL]}", labels=label))
    assert vol.name == vol.id == vol.short_id and vol.attrs["Labels"] == label
    out = await a(
        api.containers.run(
            TEST_IMAGE, "sh -c 'echo kept > /v/f; cat /v/f'", volumes={vol.name: {"bind": "/v"}}, remove=True, labels=label
        )
    )
    assert out == b"kept\n"
    assert [v.name for v in await a(api.volumes.list(filters={"label": f"{TEST_LABEL}={label[TEST_LABEL]}"}))] == [vol.name]
    await a(vol.reload())
    await a(vol.remove())
    with pytest.raises(libdocker.NotFound):
        await a(api.volumes.get(vol.name))
    anonymous = await a(api.volumes.create(labels=label))
    pruned = await a(api.volumes.prune(filters={"label": f"{TEST_LABEL}={label[TEST_LABEL]}"}))
    assert anonymous.name in pruned["VolumesDeleted"]


async def test_cleanup_helpers_keep_never_started_containers(api: Any, label: dict[str, str]) -> None:
    mine = {"label": f"{TEST_LABEL}={label[TEST_LABEL]}"}
    fresh = await a(api.containers.create(TEST_IMAGE, "true", labels=label, name=f"fresh-{label[TEST_LABEL]}"))
    done = await a(api.containers.run(TEST_IMAGE, "true", detach=True, labels=label, name=f"done-{label[TEST_LABEL]}"))
    await a(done.wait())
    running = await a(api.containers.run(TEST_IMAGE, "sleep 300", detach=True, labels=label, name=f"up-{label[TEST_LABEL]}"))
    assert await a(api.container_names(filters=mine)) == {fresh.name, done.name, running.name}

    assert await a(api.cleanup_containers(filters=mine)) == [done.name]
    assert await a(api.container_names(filters=mine)) == {fresh.name, running.name}
    assert await a(api.cleanup_containers(filters=mine, include_initial=True, exclude=[])) == [fresh.name]
    assert await a(api.remove_all_containers(stop_timeout=1, filters=mine)) == [running.name]
    assert await a(api.container_names(filters=mine)) == set()

    # Images: dangling ones go; with remove_old, tags without `latest` too.
    def dockerfile(n: int) -> libdocker.Dockerfile:
        return libdocker.Dockerfile(TEST_IMAGE).label(TEST_LABEL, label[TEST_LABEL]).run(f"echo {n} > /v")

    repo = f"libdocker-test/cleanup-{label[TEST_LABEL]}"
    old, _ = await a(api.images.build(fileobj=dockerfile(1), tag=f"{repo}:v1"))
    await a(api.images.build(fileobj=dockerfile(2), tag=f"{repo}:v1"))  # v1 moves: the old one dangles
    kept, _ = await a(api.images.build(fileobj=dockerfile(3), tag=f"{repo}:latest"))
    tags = await a(api.image_tags(filters=mine))
    assert set(tags) == {f"{repo}:v1", f"{repo}:latest"} and tags[f"{repo}:latest"] == kept.id
    assert await a(api.cleanup_images(filters=mine)) == [old.id]
    removed = await a(api.cleanup_images(remove_old=True, filters=mine))
    assert removed == [tags[f"{repo}:v1"]]
    assert set(await a(api.image_tags(filters=mine))) == {f"{repo}:latest"}


async def test_models_show_the_common_fields(api: Any, label: dict[str, str]) -> None:
    c = await a(api.containers.run(TEST_IMAGE, "sleep 300", detach=True, labels=label, ports={"80/tcp": None}))
    [listed] = await a(api.containers.list(filters={"label": f"{TEST_LABEL}={label[TEST_LABEL]}"}))
    for model in (c, listed):
        assert model.id == c.id and model.short_id == c.id[:12]
        assert model.status == "running" and model.labels == label and model.image == TEST_IMAGE
        assert model.health == "unknown" and model.image_id.startswith("sha256:")
        assert "80/tcp" in model.ports
    assert listed == c and hash(listed) == hash(c) and repr(c) == f"<{type(c).__name__}: {c.short_id}>"
    assert "Config" not in listed.attrs  # a list entry, until reload()
    await a(listed.reload())
    assert listed.attrs["Config"]["Labels"] == label
    image = await a(api.images.get(TEST_IMAGE))
    assert TEST_IMAGE in image.tags and image.short_id == image.id[:19]
