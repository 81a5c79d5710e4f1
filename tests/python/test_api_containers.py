"""Containers through the high-level API, each scenario run on the sync and the
asyncio client against the real daemon: a testcontainers-like flow (published
port, label, a log line waited for, exec with exit code 3, a file copied in and
back, nothing left behind), the lifecycle, run's output and failure, exec
streams, attach, archives, stats, commit and export."""

from __future__ import annotations

import io
import os
import tarfile
import tempfile
import time
import urllib.request
from typing import Any

import pytest
from conftest import TEST_IMAGE, TEST_LABEL, a, drain, until

import libdocker

SERVE = "mkdir -p /www && echo hello-from-httpd > /www/index.html && echo ready && exec httpd -f -p 80 -h /www"


async def test_a_testcontainers_like_flow_leaves_nothing_behind(api: Any, label: dict[str, str]) -> None:
    c = await a(
        api.containers.run(
            TEST_IMAGE,
            ["sh", "-c", SERVE],
            detach=True,
            ports={80: ("127.0.0.1", None)},
            labels=label,
            name=f"libdocker-py-flow-{label[TEST_LABEL]}",
        )
    )
    assert isinstance(c, (libdocker.Container, libdocker.AsyncContainer))
    assert c.status == "running" and c.labels[TEST_LABEL] == label[TEST_LABEL]
    assert c.name == f"libdocker-py-flow-{label[TEST_LABEL]}"
    assert c.image == TEST_IMAGE and len(c.short_id) == 12 and c.id.startswith(c.short_id)

    # Wait for the log line, as testcontainers does.
    lines = await until(await a(c.logs(stream=True, follow=True)), lambda item: b"ready" in item[1])
    assert lines[-1] == (libdocker.STDOUT, b"ready\n")

    # The published port, assigned by the daemon, answers.
    binding = c.ports["80/tcp"][0]
    assert binding["HostIp"] == "127.0.0.1" and int(binding["HostPort"]) > 0
    url = f"http://127.0.0.1:{binding['HostPort']}/index.html"
    for _ in range(50):
        try:
            with urllib.request.urlopen(url, timeout=2) as page:
                assert page.read() == b"hello-from-httpd\n"
                break
        except OSError:
            time.sleep(0.1)
    else:
        pytest.fail(f"nothing answered at {url}")

    result = await a(c.exec_run("sh -c 'echo out; echo err >&2; exit 3'"))
    assert (result.exit_code, result.stdout, result.stderr) == (3, b"out\n", b"err\n")

    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "note.txt")
        with open(src, "wb") as f:
            f.write(b"copied in\n")
        await a(c.copy_to(src, "/tmp"))
        assert (await a(c.exec_run("cat /tmp/note.txt"))).stdout == b"copied in\n"
        back = os.path.join(tmp, "back")
        await a(c.copy_from("/tmp/note.txt", back))
        with open(os.path.join(back, "note.txt"), "rb") as f:
            assert f.read() == b"copied in\n"

    await a(c.stop(timeout=1))
    await a(c.remove())
    left = await a(api.containers.list(all=True, filters={"label": f"{TEST_LABEL}={label[TEST_LABEL]}"}))
    assert left == []


async def test_the_lifecycle_as_a_docker_py_user_writes_it(api: Any, label: dict[str, str]) -> None:
    c = await a(api.containers.create(TEST_IMAGE, "sleep 300", labels=label, environment={"A": "1"}))
    assert c.status == "created" and "A=1" in c.attrs["Config"]["Env"]
    await a(c.start())
    await a(c.reload())
    assert c.status == "running"
    await a(c.pause())
    await a(c.reload())
    assert c.status == "paused"
    await a(c.unpause())
    await a(c.restart(timeout=1))
    await a(c.reload())
    assert c.status == "running"
    top = await a(c.top())
    assert any("sleep 300" in " ".join(p) for p in top["Processes"])
    await a(c.exec_run(["touch", "/tmp/new-file"]))
    assert {"Path": "/tmp/new-file", "Kind": 1} in await a(c.diff())
    await a(c.update(mem_limit="64m", memswap_limit=-1))
    await a(c.reload())
    assert c.attrs["HostConfig"]["Memory"] == 64 * 1024 * 1024
    stats = await a(c.stats())
    assert "memory_stats" in stats and "cpu_stats" in stats
    samples = await until(await a(c.stats(stream=True)), lambda _: True)
    assert "cpu_stats" in samples[0]
    new_name = f"libdocker-py-renamed-{label[TEST_LABEL]}"
    await a(c.rename(new_name))
    await a(c.reload())
    assert c.name == new_name
    await a(c.kill())
    assert await a(c.wait()) == 137
    await a(c.reload())
    assert c.status == "exited" and c.exit_code == 137
    listed = await a(api.containers.list(all=True, filters={"label": f"{TEST_LABEL}={label[TEST_LABEL]}"}))
    assert [x.id for x in listed] == [c.id] and listed[0].status == "exited" and listed[0].name == new_name
    assert await a(api.containers.get(new_name)) == c
    await a(c.remove())
    with pytest.raises(libdocker.NotFound):
        await a(api.containers.get(c.id))


async def test_run_gives_the_output_and_raises_container_failed(api: Any, label: dict[str, str]) -> None:
    out = await a(api.containers.run(TEST_IMAGE, "sh -c 'echo out; echo err >&2'", remove=True, labels=label))
    assert out == b"out\n"
    both = await a(
        api.containers.run(TEST_IMAGE, ["sh", "-c", "echo out; echo err >&2"], stderr=True, remove=True, labels=label)
    )
    assert sorted(both.splitlines()) == [b"err", b"out"]
    with pytest.raises(libdocker.ContainerFailed) as failed:
        await a(api.containers.run(TEST_IMAGE, "sh -c 'echo bad >&2; exit 4'", remove=True, labels=label))
    assert failed.value.exit_status == 4
    assert failed.value.stderr == b"bad\n"
    assert "exit status 4" in str(failed.value)
    # remove=True removed them all.
    assert await a(api.containers.list(all=True, filters={"label": f"{TEST_LABEL}={label[TEST_LABEL]}"})) == []


async def test_docker_py_forms_of_ports_volumes_and_environment(api: Any, label: dict[str, str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        c = await a(
            api.containers.create(
                TEST_IMAGE,
                "true",
                labels=label,
                environment=["B=2"],
                ports={"53/udp": 5353, 8080: [("127.0.0.1", 18080), 18081]},
                volumes={tmp: {"bind": "/data", "mode": "ro"}},
                restart_policy="on-failure",
                mem_limit="32m",
                working_dir="/tmp",
            )
        )
        host = c.attrs["HostConfig"]
        assert host["Binds"] == [f"{tmp}:/data:ro"]
        assert host["PortBindings"]["53/udp"] == [{"HostIp": "", "HostPort": "5353"}]
        assert host["PortBindings"]["8080/tcp"] == [
            {"HostIp": "127.0.0.1", "HostPort": "18080"},
            {"HostIp": "", "HostPort": "18081"},
        ]
        assert host["RestartPolicy"]["Name"] == "on-failure" and host["Memory"] == 32 << 20
        assert "B=2" in c.attrs["Config"]["Env"] and c.attrs["Config"]["WorkingDir"] == "/tmp"


async def test_logs_whole_or_demultiplexed(api: Any, label: dict[str, str]) -> None:
    c = await a(api.containers.run(TEST_IMAGE, "sh -c 'echo one; echo two >&2'", detach=True, labels=label))
    assert await a(c.wait()) == 0
    whole = await a(c.logs())
    assert sorted(whole.splitlines()) == [b"one", b"two"]
    assert await a(c.logs(stderr=False)) == b"one\n"
    items = await drain(await a(c.logs(stream=True)))
    assert sorted(items) == [(libdocker.STDOUT, b"one\n"), (libdocker.STDERR, b"two\n")]
    assert await a(c.logs(tail=2, stderr=False)) == b"one\n"


async def test_exec_streams_its_output_then_gives_the_exit_code(api: Any, label: dict[str, str]) -> None:
    c = await a(api.containers.run(TEST_IMAGE, "sleep 300", detach=True, labels=label))
    ex = await a(c.exec_run("sh -c 'echo a; sleep 0.2; echo b >&2; exit 5'", stream=True, environment={"X": "y"}))
    assert ex.exit_code is None
    chunks = await drain(ex)
    assert b"".join(d for s, d in chunks if s == libdocker.STDOUT) == b"a\n"
    assert b"".join(d for s, d in chunks if s == libdocker.STDERR) == b"b\n"
    assert ex.exit_code == 5

    # stdin written while the output is read, and the environment as a dict.
    ex = await a(c.exec_run(["sh", "-c", 'tr a-z A-Z; echo "$X"'], stream=True, stdin=True, environment={"X": "y"}))
    await a(ex.write(b"shout\n"))
    await a(ex.close_stdin())
    assert await a(ex.wait()) == 0
    assert ex.exit_code == 0

    ex = await a(c.exec_run("cat", stream=True, stdin=True))
    await a(ex.write(b"x" * 100))
    await a(ex.close_stdin())
    got = await drain(ex)
    assert b"".join(d for _, d in got) == b"x" * 100 and ex.exit_code == 0


async def test_attach_writes_stdin_and_reads_the_output(api: Any, label: dict[str, str]) -> None:
    c = await a(api.containers.create(TEST_IMAGE, "cat", stdin_open=True, stdin_once=True, labels=label))
    attached = await a(c.attach(stdin=True))
    await a(c.start())
    await a(attached.write(b"through attach\n"))
    await a(attached.close_stdin())
    got = await drain(attached.output)
    assert b"".join(d for _, d in got) == b"through attach\n"
    assert await a(c.wait()) == 0


async def test_archives_in_and_out(api: Any, label: dict[str, str]) -> None:
    c = await a(api.containers.run(TEST_IMAGE, "sleep 300", detach=True, labels=label))
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        info = tarfile.TarInfo("hello.txt")
        info.size = 6
        tar.addfile(info, io.BytesIO(b"hello\n"))
    assert await a(c.put_archive("/tmp", buf.getvalue())) is True
    stream, stat = await a(c.get_archive("/tmp/hello.txt"))
    assert stat["name"] == "hello.txt" and stat["size"] == 6
    data = b"".join(await drain(stream))
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        member = tar.extractfile("hello.txt")
        assert member is not None and member.read() == b"hello\n"

    exported = b"".join(await drain(await a(c.export())))
    with tarfile.open(fileobj=io.BytesIO(exported)) as tar:
        assert "tmp/hello.txt" in tar.getnames()


async def test_commit_makes_an_image(api: Any, label: dict[str, str]) -> None:
    c = await a(api.containers.run(TEST_IMAGE, "sh -c 'echo made > /made'", detach=True, labels=label))
    await a(c.wait())
    repo = f"libdocker-test/committed-{label[TEST_LABEL]}"
    image = await a(c.commit(repo, "v1", message="by libdocker", conf={"Labels": label}))
    try:
        assert f"{repo}:v1" in image.tags and image.labels[TEST_LABEL] == label[TEST_LABEL]
        out = await a(api.containers.run(f"{repo}:v1", "cat /made", remove=True, labels=label))
        assert out == b"made\n"
    finally:
        await a(api.images.remove(image.id, force=True))


async def test_resize_a_tty_container(api: Any, label: dict[str, str]) -> None:
    script = "while ! [ -e /tmp/go ]; do sleep 0.05; done; stty size"
    c = await a(api.containers.run(TEST_IMAGE, ["sh", "-c", script], detach=True, tty=True, labels=label))
    await a(c.resize(height=40, width=100))
    await a(c.exec_run("touch /tmp/go"))
    assert await a(c.wait()) == 0
    assert (await a(c.logs())).strip() == b"40 100"


async def test_bad_arguments_raise_python_errors_and_send_nothing(counting_proxy: Any, label: dict[str, str]) -> None:
    for api in (libdocker.Docker(counting_proxy.host), libdocker.AsyncDocker(counting_proxy.host)):
        with pytest.raises(TypeError, match="bogus"):
            await a(api.containers.create(TEST_IMAGE, bogus=1))
        with pytest.raises(TypeError, match="command must be a str or a list of str"):
            await a(api.containers.run(TEST_IMAGE, 7))
        with pytest.raises(ValueError, match="ports"):
            await a(api.containers.create(TEST_IMAGE, ports={"http": 80}))
        with pytest.raises(ValueError, match="mem_limit"):
            await a(api.containers.create(TEST_IMAGE, mem_limit="lots"))
        with pytest.raises(TypeError, match="environment"):
            await a(api.containers.create(TEST_IMAGE, environment="A=1"))
        with pytest.raises(TypeError, match="update"):
            c = libdocker.Container({"Id": "x"}, api) if isinstance(api, libdocker.Docker) else None
            if c is None:
                c = libdocker.AsyncContainer({"Id": "x"}, api)
            await a(c.update(cpus=2))
        with pytest.raises(TypeError, match="colour"):
            await a(c.logs(colour=True))  # type: ignore[call-overload]
        with pytest.raises(TypeError, match="usr"):
            await a(c.exec_run("true", usr="root"))  # type: ignore[call-overload]
        with pytest.raises(TypeError, match="stdin must be bytes"):
            await a(c.exec_run("true", stdin="text"))  # type: ignore[call-overload]
        with pytest.raises(TypeError, match="nocahce"):
            await a(api.images.build(path=".", nocahce=True))
        with pytest.raises(TypeError, match="drivr"):
            await a(api.networks.create("n", drivr="bridge"))
        with pytest.raises(TypeError, match="hots"):
            type(api)(hots=counting_proxy.host)
        with pytest.raises(ValueError, match="api_version|version"):
            type(api)(counting_proxy.host, version="one")
    assert counting_proxy.accepted == 0, "nothing was sent"
