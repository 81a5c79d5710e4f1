"""Container maps from Python, sync and asyncio, against two real daemons at
once: the main dockerd (the default client) and the TLS dockerd (``tls``)."""

from __future__ import annotations

import os
import uuid
from typing import Any

import pytest

import libdocker
from conftest import TEST_IMAGE


def tls_client(kind: type[Any]) -> Any:
    certs = os.environ["LIBDOCKER_TEST_CERTS"]
    return kind(
        os.environ["LIBDOCKER_TEST_TLS_HOST"],
        tls_ca=f"{certs}/ca.pem",
        tls_cert=f"{certs}/cert.pem",
        tls_key=f"{certs}/key.pem",
        tls_verify=True,
    )


def two_daemon_map(project: str, mark: str = "v1") -> libdocker.Map:
    return libdocker.Map.from_yaml(
        f"""
name: {project}
x-libdocker:
  clients:
    tls: {{}}
services:
  db:
    image: {TEST_IMAGE}
    command: sh -c 'sleep 1; touch /tmp/ready; exec sleep 600'
    stop_grace_period: 1s
    healthcheck: {{test: [CMD, test, -f, /tmp/ready], interval: 1s, retries: 30}}
    x-libdocker: {{clients: [tls]}}
  web:
    image: {TEST_IMAGE}
    command: [sh, -c, 'echo web {mark}; exec sleep 600']
    stop_grace_period: 1s
    depends_on:
      db: {{condition: service_healthy}}
"""
    )


def project() -> str:
    return f"mappy{uuid.uuid4().hex[:10]}"


def test_up_update_ps_logs_down_sync(docker: libdocker.Docker) -> None:
    tls = tls_client(libdocker.Docker)
    tls.containers.run(TEST_IMAGE, "true", remove=True)  # the image exists there (made by conftest's peers)
    name = project()
    m = two_daemon_map(name)
    events: list[libdocker.MapEvent] = []
    done = docker.maps.up(m, clients={"tls": tls}, on_event=events.append)
    waited = next(i for i, e in enumerate(events) if e.step == "wait" and e.status == "done")
    web_created = next(i for i, e in enumerate(events) if e.step == "create" and e.service == "web")
    assert waited < web_created
    assert {(e.client, e.step, e.target) for e in done} >= {("tls", "start", f"{name}_db_1"), ("", "start", f"{name}_web_1")}

    ps = docker.maps.ps(m, clients={"tls": tls})
    assert sorted((c.client, c.service, c.state) for c in ps) == [("", "web", "running"), ("tls", "db", "running")]
    assert docker.maps.plan(m, clients={"tls": tls}) == []

    edited = two_daemon_map(name, "v2")
    plan = docker.maps.plan(edited, "update", clients={"tls": tls})
    assert [(s.step, s.target, s.reason) for s in plan] == [("recreate", f"{name}_web_1", "configuration changed")]
    docker.maps.update(edited, clients={"tls": tls})
    line = next(line for line in docker.maps.logs(edited, clients={"tls": tls}) if line.service == "web")
    assert line.prefixed() == f"{name}_web_1 | web v2"
    assert line.stream == "stdout"

    docker.maps.down(edited, clients={"tls": tls})
    assert docker.maps.ps(edited, clients={"tls": tls}) == []


async def test_up_and_down_asyncio(host: str) -> None:
    docker = libdocker.AsyncDocker(host)
    tls = tls_client(libdocker.AsyncDocker)
    name = project()
    m = two_daemon_map(name)
    seen = [e async for e in docker.maps.run(m, clients={"tls": tls})]
    assert any(e.step == "wait" and e.status == "done" and e.target == f"{name}_db_1" for e in seen)
    rows = await docker.maps.ps(m, clients={"tls": tls})
    assert sorted(c.name for c in rows) == [f"{name}_db_1", f"{name}_web_1"]
    lines = docker.maps.logs(m, clients={"tls": tls})
    first = await lines.__anext__()
    assert first.container in {f"{name}_db_1", f"{name}_web_1"}
    await lines.aclose()
    await docker.maps.down(m, clients={"tls": tls})
    assert await docker.maps.ps(m, clients={"tls": tls}) == []


def test_a_failed_service_raises_map_failed_naming_its_dependents(docker: libdocker.Docker) -> None:
    name = project()
    m = libdocker.Map.from_dict(
        {
            "name": name,
            "services": {
                "broken": {"image": f"{os.environ['LIBDOCKER_TEST_REGISTRY']}/libdocker-test/absent:{name}"},
                "after": {"image": TEST_IMAGE, "command": ["sleep", "600"], "depends_on": ["broken"]},
            },
        }
    )
    with pytest.raises(libdocker.MapFailed) as raised:
        docker.maps.up(m)
    assert "pull" in str(raised.value) and "broken" in str(raised.value)
    assert "after" in str(raised.value)
    assert docker.maps.ps(m) == []
    docker.maps.down(m)


def test_bad_maps_name_the_line_and_nothing_is_touched(docker: libdocker.Docker, tmp_path: Any) -> None:
    path = tmp_path / "compose.yaml"
    path.write_text(f"services:\n  a:\n    image: {TEST_IMAGE}\n    depends_on: [b]\n  b:\n    image: {TEST_IMAGE}\n    depends_on: [a]\n")
    with pytest.raises(libdocker.InvalidMap) as raised:
        libdocker.Map.load(path)
    message = str(raised.value)
    assert f"{path}:4: services.a.depends_on" in message and "a → b → a" in message
    m = libdocker.Map.from_yaml(f"name: {project()}\nservices:\n  a:\n    image: {TEST_IMAGE}\n    x-libdocker: {{clients: [edge]}}\n")
    with pytest.raises(libdocker.InvalidMap, match="no client called `edge`"):
        docker.maps.up(m)
    with pytest.raises(ValueError, match="unknown map action"):
        docker.maps.plan(m, "launch")  # type: ignore[arg-type]


def test_stopping_early_cancels_and_up_resumes(docker: libdocker.Docker) -> None:
    name = project()
    slow = {"test": ["CMD", "test", "-f", "/tmp/ready"], "interval": "1s", "retries": 30}
    services: dict[str, Any] = {
        s: {"image": TEST_IMAGE, "command": ["sleep", "600"], "stop_grace_period": "1s", "scale": 2} for s in "ab"
    }
    services["a"]["command"] = ["sh", "-c", "sleep 2; touch /tmp/ready; exec sleep 600"]
    services["a"]["healthcheck"] = slow
    services["late"] = {
        "image": TEST_IMAGE,
        "command": ["sleep", "600"],
        "stop_grace_period": "1s",
        "depends_on": {"a": {"condition": "service_healthy"}},
    }
    m = libdocker.Map.from_dict({"name": name, "services": services})
    # Stopped at the first container started: `late` waits for `a` to be healthy, so it is not made.
    docker.maps.up(m, on_event=lambda e: e.step == "start" and e.status == "done")
    assert "late" not in {c.service for c in docker.maps.ps(m)}
    assert docker.maps.plan(m) != []
    docker.maps.up(m)
    rows = docker.maps.ps(m)
    assert sorted(r.name for r in rows) == sorted(
        [f"{name}_a_1", f"{name}_a_2", f"{name}_b_1", f"{name}_b_2", f"{name}_late_1"]
    )
    assert all(r.state == "running" for r in rows)
    assert docker.maps.plan(m) == []
    docker.maps.down(m)


@pytest.mark.parametrize("kind", ["sync", "asyncio"])
async def test_a_map_deploys_to_the_swarm_as_a_stack(kind: str, tmp_path: Any) -> None:
    manager = os.environ["LIBDOCKER_TEST_SWARM_MANAGER"]
    (tmp_path / "token.txt").write_text("py-token\n")
    name = project()
    m = libdocker.Map.from_yaml(
        f"""
name: {name}
services:
  web:
    image: {TEST_IMAGE}
    command: [sh, -c, 'cat /run/secrets/token; exec sleep 600']
    deploy: {{replicas: 2, labels: {{tier: front}}}}
    secrets: [token]
secrets:
  token: {{file: ./token.txt}}
""",
        tmp_path,
    )
    if kind == "sync":
        docker = libdocker.Docker(manager)
        report = docker.maps.deploy_stack(m)
        service = docker.services.get(f"{name}_web")
    else:
        adocker = libdocker.AsyncDocker(manager)
        report = await adocker.maps.deploy_stack(m)
        service = await adocker.services.get(f"{name}_web")
    assert report.services == [f"{name}_web"]
    assert report.networks == [f"{name}_default"] and report.secrets == [f"{name}_token"]
    assert service.spec["Labels"] == {"com.docker.stack.namespace": name, "tier": "front"}
    assert service.spec["Mode"] == {"Replicated": {"Replicas": 2}}
    removed = docker.maps.remove_stack(m) if kind == "sync" else await adocker.maps.remove_stack(m)
    assert removed.services == [f"{name}_web"] and removed.secrets == [f"{name}_token"]
