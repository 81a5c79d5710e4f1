"""docker-py's argument forms turned into Engine JSON (pure functions, no
daemon): every keyword of containers.create is typed, and wrong forms are
refused with errors naming the argument."""

from __future__ import annotations

import datetime

import pytest

from libdocker import _params


def test_every_create_keyword_is_typed_and_handled() -> None:
    typed = set(_params.CreateArgs.__annotations__)
    handled = set(_params._CREATE_FIELDS) | _params._SPECIAL
    assert typed == handled


def test_docker_py_forms() -> None:
    body, name, platform = _params.container_body(
        "img",
        "sh -c 'echo \"a b\"'",
        name="web",
        environment={"A": 1, "B": None},
        labels=["x=1", "y"],
        ports={"53/udp": ("127.0.0.1",), 80: None},
        volumes=["/a:/b:ro"],
        extra_hosts={"db": "10.0.0.2"},
        network="backend",
        restart_policy="always",
        shm_size="1g",
    )
    assert (name, platform) == ("web", None)
    assert body["Cmd"] == ["sh", "-c", 'echo "a b"']
    assert body["Env"] == ["A=1", "B"] and body["Labels"] == {"x": "1", "y": ""}
    assert body["ExposedPorts"] == {"53/udp": {}, "80/tcp": {}}
    host = body["HostConfig"]
    assert host["PortBindings"]["53/udp"] == [{"HostIp": "127.0.0.1", "HostPort": ""}]
    assert host["Binds"] == ["/a:/b:ro"] and host["ExtraHosts"] == ["db:10.0.0.2"]
    assert host["NetworkMode"] == "backend" and body["NetworkingConfig"] == {"EndpointsConfig": {"backend": {}}}
    assert host["RestartPolicy"] == {"Name": "always"} and host["ShmSize"] == 1 << 30


def test_references_times_and_versions() -> None:
    assert _params.split_reference("localhost:5000/a/b:1.2") == ("localhost:5000/a/b", "1.2")
    assert _params.split_reference("localhost:5000/a") == ("localhost:5000/a", None)
    assert _params.split_reference("a@sha256:00") == ("a@sha256:00", None)
    at = datetime.datetime(2026, 1, 2, tzinfo=datetime.timezone.utc)
    assert _params.timestamp(at, "since") == str(int(at.timestamp()))
    assert _params.timestamp(1.5, "since") == "1.5"
    assert _params.api_version(None, "auto") is None and _params.api_version(None, "1.41") == "1.41"


@pytest.mark.parametrize(
    ("kwargs", "error", "named"),
    [
        ({"ports": {"eighty": 80}}, ValueError, "ports"),
        ({"ports": [80]}, TypeError, "ports"),
        ({"volumes": "/a:/b"}, TypeError, "volumes"),
        ({"volumes": {"/a": 3}}, ValueError, "volumes"),
        ({"environment": ["A=1", 2]}, TypeError, "environment"),
        ({"labels": "a=b"}, TypeError, "labels"),
        ({"mem_limit": True}, TypeError, "mem_limit"),
        ({"entrypoint": 5}, TypeError, "entrypoint"),
        ({"colour": "blue"}, TypeError, "colour"),
    ],
)
def test_wrong_forms_name_the_argument(kwargs: dict[str, object], error: type[Exception], named: str) -> None:
    with pytest.raises(error, match=named):
        _params.container_body("img", None, **kwargs)  # type: ignore[arg-type]
