"""What the one call pipeline gives Python, sync and asyncio, against the real
daemon and registries: failures inside a 200 stream raise their exception with
the daemon's message, pushes and pulls take config.json's credentials, a client
pinned to 1.25 can wait, concurrent calls stay under the connection cap, bodies
stream from files and iterables, requests outside the table, TLS without
verification, and the exception classes follow the core's one list of kinds."""

from __future__ import annotations

import asyncio
import base64
import io
import json
import os
import tarfile
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import TEST_IMAGE, CountingProxy, run_to_end, unique

import libdocker


def context_tar(dockerfile: str) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as tar:
        data = dockerfile.encode()
        info = tarfile.TarInfo("Dockerfile")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return out.getvalue()


FAILING = f"FROM {TEST_IMAGE}\nRUN echo first step\nRUN echo step-output && exit 7\n"


def check_build_failed(e: libdocker.BuildFailed) -> None:
    assert "non-zero code: 7" in str(e)
    assert "step-output" in e.output
    assert "first step" not in e.output, "only the failing step's output"


def pieces(data: bytes, size: int = 1000) -> Iterator[bytes]:
    for i in range(0, len(data), size):
        yield data[i : i + size]


def test_error_classes_follow_the_cores_list() -> None:
    kinds = libdocker.error_kinds()
    assert len(kinds) >= 23
    classes = set()
    for kind, code, name, cls, parent in kinds:
        exc = getattr(libdocker, cls)
        assert issubclass(exc, getattr(libdocker, parent)), cls
        assert issubclass(exc, libdocker.DockerError)
        assert cls in libdocker.__all__ and parent in libdocker.__all__
        assert isinstance(code, int) and name
        classes.add(cls)
    exported = {
        n
        for n in libdocker.__all__
        if isinstance(getattr(libdocker, n), type) and issubclass(getattr(libdocker, n), BaseException)
    }
    assert exported == classes | {"DockerError"}, exported ^ (classes | {"DockerError"})


def test_a_failing_build_step_raises_build_failed_sync(docker: libdocker.Docker) -> None:
    ctx = context_tar(FAILING)
    # From a file object, streamed.
    with pytest.raises(libdocker.BuildFailed) as failed:
        for _ in docker.invoke("ImageBuild", {"rm": True, "forcerm": True}, body=io.BytesIO(ctx)):
            pass
    check_build_failed(failed.value)
    # From an iterable of pieces.
    with pytest.raises(libdocker.BuildFailed) as failed:
        list(docker.invoke("ImageBuild", {"rm": True, "forcerm": True}, body=pieces(ctx)))
    check_build_failed(failed.value)


async def test_a_failing_build_step_raises_build_failed_async(host: str) -> None:
    d = libdocker.AsyncDocker(host)
    stream = await d.invoke("ImageBuild", {"rm": True, "forcerm": True}, body=pieces(context_tar(FAILING)))
    with pytest.raises(libdocker.BuildFailed) as failed:
        async for _ in stream:
            pass
    check_build_failed(failed.value)


def test_bodies_of_the_wrong_type_are_refused(docker: libdocker.Docker) -> None:
    with pytest.raises(TypeError, match="body must be bytes"):
        docker.invoke("ImageBuild", {}, body="FROM scratch")
    with pytest.raises(TypeError, match="not int"):
        docker.invoke("ImageBuild", {}, body=7)  # type: ignore[arg-type]
    with pytest.raises(libdocker.IoError, match="where bytes were expected"):
        list(docker.invoke("ImageLoad", {}, body=iter(["text"])))  # type: ignore[list-item]


@pytest.fixture
def closed_port_image(docker: libdocker.Docker) -> Iterator[str]:
    repo = f"127.0.0.1:1/libdocker-test/{unique('closed')}"
    docker.invoke("ImageTag", {"name": TEST_IMAGE, "repo": repo, "tag": "t"})
    yield repo
    docker.invoke("ImageDelete", {"name": f"{repo}:t"})


def test_a_push_to_a_closed_port_raises_progress_error(docker: libdocker.Docker, closed_port_image: str) -> None:
    with pytest.raises(libdocker.ProgressError, match="127.0.0.1:1"):
        list(docker.invoke("ImagePush", {"name": closed_port_image, "tag": "t"}))


async def test_a_push_to_a_closed_port_raises_progress_error_async(host: str, closed_port_image: str) -> None:
    d = libdocker.AsyncDocker(host)
    stream = await d.invoke("ImagePush", {"name": closed_port_image, "tag": "t"})
    with pytest.raises(libdocker.ProgressError, match="push failed"):
        async for _ in stream:
            pass


@pytest.fixture
def auth_registry_image(docker: libdocker.Docker, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """An image tagged for the htpasswd registry, and DOCKER_CONFIG pointing at
    a config.json whose `auths` holds the registry's login (nothing else does)."""
    registry = os.environ["LIBDOCKER_TEST_AUTH_REGISTRY"]
    login = f"{os.environ['LIBDOCKER_TEST_REGISTRY_USER']}:{os.environ['LIBDOCKER_TEST_REGISTRY_PASSWORD']}"
    (tmp_path / "config.json").write_text(
        json.dumps({"auths": {registry: {"auth": base64.b64encode(login.encode()).decode()}}})
    )
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path))
    repo = f"{registry}/libdocker-test/{unique('py')}"
    docker.invoke("ImageTag", {"name": TEST_IMAGE, "repo": repo, "tag": "p"})
    yield repo
    try:
        docker.invoke("ImageDelete", {"name": f"{repo}:p"})
    except libdocker.NotFound:
        pass


def test_push_and_pull_take_config_json_credentials(
    docker: libdocker.Docker, auth_registry_image: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    repo = auth_registry_image
    pushed = list(docker.invoke("ImagePush", {"name": repo, "tag": "p"}))
    assert any("aux" in m for m in pushed), pushed
    docker.invoke("ImageDelete", {"name": f"{repo}:p"})
    list(docker.invoke("ImageCreate", {"fromImage": repo, "tag": "p"}))
    assert docker.invoke("ImageInspect", {"name": f"{repo}:p"})["Id"]
    # Without the configuration the registry refuses: the login came from it.
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("DOCKER_CONFIG", str(empty))
    with pytest.raises(libdocker.Unauthorized):
        list(docker.invoke("ImagePush", {"name": repo, "tag": "p"}))


async def test_push_and_pull_take_config_json_credentials_async(
    host: str, docker: libdocker.Docker, auth_registry_image: str
) -> None:
    repo = auth_registry_image
    d = libdocker.AsyncDocker(host)
    pushed = [m async for m in await d.invoke("ImagePush", {"name": repo, "tag": "p"})]
    assert any("aux" in m for m in pushed), pushed
    await d.invoke("ImageDelete", {"name": f"{repo}:p"})
    async for _ in await d.invoke("ImageCreate", {"fromImage": repo, "tag": "p"}):
        pass
    assert (await d.invoke("ImageInspect", {"name": f"{repo}:p"}))["Id"]


def test_wait_on_a_client_pinned_to_1_25(host: str, make_container: Any) -> None:
    pinned = libdocker.Docker(host, api_version="1.25")
    cid = make_container(["sh", "-c", "exit 3"])
    pinned.invoke("ContainerStart", {"id": cid})
    assert pinned.invoke("ContainerWait", {"id": cid, "condition": "not-running"})["StatusCode"] == 3
    with pytest.raises(libdocker.UnsupportedApiVersion, match="condition"):
        pinned.invoke("ContainerWait", {"id": cid, "condition": "next-exit"})


async def test_wait_on_a_client_pinned_to_1_25_async(host: str, make_container: Any) -> None:
    pinned = libdocker.AsyncDocker(host, api_version="1.25")
    cid = make_container(["sh", "-c", "exit 4"])
    await pinned.invoke("ContainerStart", {"id": cid})
    waited = await pinned.invoke("ContainerWait", {"id": cid, "condition": "not-running"})
    assert waited["StatusCode"] == 4


async def test_a_thousand_concurrent_calls_stay_under_the_cap(host: str, counting_proxy: CountingProxy) -> None:
    capped = libdocker.AsyncDocker(counting_proxy.host, max_connections=8)
    answers = await asyncio.gather(*(capped.ping() for _ in range(1000)))
    assert all(answers)
    assert 1 <= counting_proxy.most_open <= 8, counting_proxy.most_open

    # The default cap, through a proxy of its own.
    proxy = CountingProxy(host)
    try:
        default = libdocker.AsyncDocker(proxy.host)
        answers = await asyncio.gather(*(default.invoke("SystemPing") for _ in range(1000)))
        assert answers == ["OK"] * 1000
        assert 1 <= proxy.most_open <= 100, proxy.most_open
    finally:
        proxy.close()


def test_threads_stay_under_the_cap(counting_proxy: CountingProxy) -> None:
    import threading

    capped = libdocker.Docker(counting_proxy.host, max_connections=3)

    def pings() -> None:
        for _ in range(20):
            capped.ping()

    threads = [threading.Thread(target=pings) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert 1 <= counting_proxy.most_open <= 3, counting_proxy.most_open
    with pytest.raises(ValueError, match="max_connections"):
        libdocker.Docker(counting_proxy.host, max_connections=0)


def test_requests_outside_the_table(docker: libdocker.Docker, make_container: Any) -> None:
    cid = make_container(["true"])
    listed = docker.request("GET", "/containers/json?all=1")
    assert any(c["Id"] == cid for c in listed)
    with pytest.raises(libdocker.NotFound):
        docker.request("GET", "/no/such/endpoint")
    with pytest.raises(ValueError, match="method"):
        docker.request("GE T", "/info")
    events = docker.request("GET", "/events?since=0&until=1", stream=True)
    assert isinstance(events, libdocker.Stream)
    list(events)


async def test_requests_outside_the_table_async(host: str) -> None:
    d = libdocker.AsyncDocker(host)
    info = await d.request("GET", "/info", headers={"X-Libdocker-Test": "1"})
    assert "ServerVersion" in info
    with pytest.raises(libdocker.NotFound):
        await d.request("GET", "/no/such/endpoint")


def test_tls_without_verification_needs_no_files() -> None:
    proxy = os.environ["LIBDOCKER_TEST_TLS_PROXY_HOST"]  # server-only TLS, our own CA
    assert libdocker.Docker(proxy, tls_verify=False).ping()
    with pytest.raises(libdocker.TlsError, match="certificate"):
        libdocker.Docker(proxy, tls_verify=True).ping()
    ca = os.path.join(os.environ["LIBDOCKER_TEST_CERTS"], "ca.pem")
    assert libdocker.Docker(proxy, tls_ca=ca).ping()


async def test_tls_without_verification_needs_no_files_async() -> None:
    proxy = os.environ["LIBDOCKER_TEST_TLS_PROXY_HOST"]
    assert await libdocker.AsyncDocker(proxy, tls_verify=False).ping()


def test_build_then_run_with_a_streamed_context(docker: libdocker.Docker, make_container: Any) -> None:
    tag = f"libdocker-test/{unique('built')}:1"
    ctx = context_tar(f"FROM {TEST_IMAGE}\nRUN echo built > /built\n")
    out = list(docker.invoke("ImageBuild", {"t": tag, "rm": True}, body=io.BytesIO(ctx)))
    assert any("Successfully built" in m.get("stream", "") for m in out), out
    cid = make_container(["cat", "/built"], Image=tag)
    assert run_to_end(docker, cid) == 0
    docker.invoke("ContainerDelete", {"id": cid, "force": True})
    docker.invoke("ImageDelete", {"name": tag})
