"""Errors a user meets: typed daemon errors, bad parameters caught before
sending, and faults injected by fake servers (hangs, garbage, a daemon that
dies mid-stream). Each must raise a clear exception, never hang or lose data."""

from __future__ import annotations

import asyncio
import struct
import time

import pytest

import libdocker
from conftest import TEST_IMAGE, http


def test_daemon_errors_map_to_one_class_per_status(docker, make_container):
    with pytest.raises(libdocker.NotFound) as e:
        docker.invoke("ContainerInspect", {"id": "libdocker-py-no-such-container"})
    assert isinstance(e.value, libdocker.ApiError) and isinstance(e.value, libdocker.DockerError)
    assert (e.value.status, e.value.kind) == (404, "NotFound")
    assert "libdocker-py-no-such-container" in e.value.message

    cid = make_container(["true"])
    name = docker.invoke("ContainerInspect", {"id": cid})["Name"].lstrip("/")
    with pytest.raises(libdocker.Conflict) as e:
        docker.invoke("ContainerCreate", {"name": name, "body": {"Image": TEST_IMAGE}})
    assert e.value.status == 409 and name in str(e.value)

    cid = make_container(["sleep", "30"])
    docker.invoke("ContainerStart", {"id": cid})
    with pytest.raises(libdocker.NotModified):
        docker.invoke("ContainerStart", {"id": cid})


def test_unknown_parameter_is_refused_before_sending(docker):
    with pytest.raises(libdocker.InvalidParams) as e:
        docker.invoke("ContainerList", {"all": True, "bogus": 1})
    assert "bogus" in str(e.value)
    assert "all" in e.value.valid and "filters" in e.value.valid


def test_unknown_operation_suggests_close_ones(docker):
    with pytest.raises(libdocker.InvalidParams) as e:
        docker.invoke("ContainerLog", {})
    assert "ContainerLogs" in str(e.value)


def test_values_that_are_not_json_are_named(docker):
    with pytest.raises(TypeError, match=r"params\[.all.\]: a set cannot be sent as JSON"):
        docker.invoke("ContainerList", {"all": {1}})
    with pytest.raises(TypeError, match="params must be a dict"):
        docker.invoke("ContainerList", [("all", True)])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="keys must be str"):
        docker.invoke("ContainerList", {1: True})
    with pytest.raises(ValueError, match="timeout must be a positive"):
        docker.invoke("ContainerList", timeout=-1)
    with pytest.raises(ValueError, match="tls_cert and tls_key go together"):
        libdocker.Docker("tcp://127.0.0.1:1", tls_cert="/x")


def test_pinned_old_version_refuses_a_newer_operation(host):
    old = libdocker.Docker(host, api_version="1.25")
    with pytest.raises(libdocker.UnsupportedApiVersion, match="nothing was sent"):
        old.invoke("SystemPingHead")


def test_connect_error_names_the_socket():
    with pytest.raises(libdocker.ConnectError, match="/tmp/libdocker-py-missing.sock"):
        libdocker.Docker("unix:///tmp/libdocker-py-missing.sock").ping()
    with pytest.raises(libdocker.ConfigError):
        libdocker.Docker("ftp://nowhere")


def test_a_hung_daemon_times_out_naming_the_request(fake_daemon):
    hung = fake_daemon(lambda head: None)
    docker = libdocker.Docker(hung.host, api_version="1.41", timeout=0.3)
    started = time.monotonic()
    with pytest.raises(libdocker.Timeout, match="_ping"):
        docker.ping()
    assert time.monotonic() - started < 10


def test_garbage_json_is_a_decode_error(fake_daemon):
    garbage = fake_daemon(lambda head: http("200 OK", b"{not json"))
    docker = libdocker.Docker(garbage.host, api_version="1.41")
    with pytest.raises(libdocker.DecodeError):
        docker.invoke("ContainerList")


def by_stream(items: list[tuple[int, bytes]]) -> tuple[bytes, bytes]:
    out = b"".join(d for s, d in items if s == libdocker.STDOUT)
    err = b"".join(d for s, d in items if s == libdocker.STDERR)
    return out, err


def dying_log_daemon(head: bytes) -> bytes:
    """Answers inspect with a non-TTY container and logs with one whole frame,
    then 3 bytes of a 100-byte frame, then hangs up."""
    if b"/json" in head.split(b"\r\n")[0]:
        return http("200 OK", b'{"Id":"x","Config":{"Tty":false}}')
    frame = struct.pack(">BxxxI", 1, 6) + b"whole\n"
    half = struct.pack(">BxxxI", 2, 100) + b"cut"
    body = frame + half
    return (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.multiplexed-stream\r\n"
        b"Connection: close\r\nContent-Length: 200\r\n\r\n" + body
    )


def test_a_daemon_dying_mid_stream_raises_after_the_whole_frames(fake_daemon):
    dying = fake_daemon(dying_log_daemon)
    docker = libdocker.Docker(dying.host, api_version="1.41")
    logs = docker.logs("x")
    got = []
    with pytest.raises(libdocker.StreamClosed):
        for item in logs:
            got.append(item)
    # The whole frame, what arrived of the cut one, then the error (chunk
    # boundaries are the reads', not the frames').
    assert by_stream(got) == (b"whole\n", b"cut")
    assert list(logs) == []


def test_async_faults(fake_daemon):
    dying = fake_daemon(dying_log_daemon)
    hung = fake_daemon(lambda head: None)

    async def main() -> None:
        docker = libdocker.AsyncDocker(dying.host, api_version="1.41")
        got = []
        with pytest.raises(libdocker.StreamClosed):
            async for item in docker.logs("x"):
                got.append(item)
        assert by_stream(got) == (b"whole\n", b"cut")
        slow = libdocker.AsyncDocker(hung.host, api_version="1.41", timeout=0.3)
        with pytest.raises(libdocker.Timeout):
            await slow.ping()
        # Cancelling a call in flight (here by wait_for) drops it at once.
        patient = libdocker.AsyncDocker(hung.host, api_version="1.41", timeout=30)
        started = time.monotonic()
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(patient.ping(), 0.2)
        assert time.monotonic() - started < 5

    asyncio.run(main())
