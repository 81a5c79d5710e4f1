"""The synchronous client against the real test daemon."""

from __future__ import annotations

import io
import tarfile
import threading
import time

import libdocker
from conftest import TEST_IMAGE, TEST_LABEL, now, run_to_end


def split(items: list[tuple[int, bytes]]) -> tuple[bytes, bytes]:
    out = b"".join(d for s, d in items if s == libdocker.STDOUT)
    err = b"".join(d for s, d in items if s == libdocker.STDERR)
    return out, err


def test_ping_and_version_negotiated_with_the_daemon(docker, host):
    assert docker.ping() is True
    assert docker.host == host
    version = docker.version()
    assert docker.api_version() == version["ApiVersion"]
    assert "Containers" in docker.info()


def test_pinned_version_is_used_as_is(host):
    assert libdocker.Docker(host, api_version="1.30").api_version() == "1.30"


def test_lifecycle_with_demultiplexed_logs(docker, make_container):
    cid = make_container(["sh", "-c", "echo out1; echo err1 >&2; echo out2"])
    assert run_to_end(docker, cid) == 0
    items = list(docker.logs(cid))
    assert all(isinstance(s, int) and isinstance(d, bytes) for s, d in items)
    assert split(items) == (b"out1\nout2\n", b"err1\n")
    assert split(list(docker.logs(cid, stderr=False))) == (b"out1\nout2\n", b"")
    # The daemon's last line may be either stream's: the two are copied apart.
    last = b"".join(d for _, d in docker.logs(cid, tail=1))
    assert last in (b"out2\n", b"err1\n")
    docker.invoke("ContainerDelete", {"id": cid})
    try:
        docker.invoke("ContainerInspect", {"id": cid})
    except libdocker.NotFound as e:
        assert e.status == 404
        assert "No such container" in e.message
    else:
        raise AssertionError("inspect of a removed container succeeded")


def test_many_frames_arrive_whole_and_in_order(docker, make_container):
    # 20,000 lines on each stream: many frames per read, many reads per stream.
    script = "i=0; while [ $i -lt 20000 ]; do echo o$i; echo e$i >&2; i=$((i+1)); done"
    cid = make_container(["sh", "-c", script])
    assert run_to_end(docker, cid) == 0
    out, err = split(list(docker.logs(cid)))
    assert out == b"".join(b"o%d\n" % i for i in range(20000))
    assert err == b"".join(b"e%d\n" % i for i in range(20000))


def test_tty_logs_are_one_stream(docker, make_container):
    cid = make_container(["sh", "-c", "echo tty-out; echo tty-err >&2"], Tty=True)
    assert run_to_end(docker, cid) == 0
    items = list(docker.logs(cid))
    assert {s for s, _ in items} == {libdocker.STDOUT}
    assert b"".join(d for _, d in items).replace(b"\r\n", b"\n") == b"tty-out\ntty-err\n"


def test_invoke_answers_by_kind(docker, make_container):
    images = docker.invoke("ImageList", {"filters": {"reference": [TEST_IMAGE]}})
    assert [TEST_IMAGE] in [i["RepoTags"] for i in images]
    cid = make_container(["true"])
    export = docker.invoke("ContainerExport", {"id": cid})
    assert isinstance(export, libdocker.Stream) and export.kind == "bytes"
    tar = tarfile.open(fileobj=io.BytesIO(b"".join(export)))
    assert "bin/busybox" in tar.getnames()
    assert docker.invoke("ContainerStart", {"id": cid}) is None


def test_events_between_two_times(docker, make_container):
    since = now() - 1
    cid = make_container(["true"])
    run_to_end(docker, cid)
    events = docker.events(
        since=since, until=now() + 1, filters={"type": ["container"], "label": [TEST_LABEL]}
    )
    assert events.kind == "json"
    actions = [e["Action"] for e in events if e.get("id") == cid]
    assert actions[:3] == ["create", "start", "die"]


def test_stream_closed_early_ends_iteration(docker, make_container):
    cid = make_container(["sh", "-c", "while true; do echo tick; sleep 0.05; done"])
    docker.invoke("ContainerStart", {"id": cid})
    with docker.logs(cid, follow=True) as logs:
        first = next(logs)
        assert first == (libdocker.STDOUT, b"tick\n")
    assert list(logs) == []


def test_exec_run_with_stdin_and_exit_code(docker, make_container):
    cid = make_container(["sleep", "60"])
    docker.invoke("ContainerStart", {"id": cid})
    r = docker.exec_run(cid, ["sh", "-c", "tr a-z A-Z; echo done >&2; exit 3"], stdin=b"hello")
    assert (r.exit_code, r.stdout, r.stderr) == (3, b"HELLO", b"done\n")
    r = docker.exec_run(cid, ["sh", "-c", "echo $X $(pwd)"], env=["X=1"], workdir="/tmp")
    assert (r.exit_code, r.stdout) == (0, b"1 /tmp\n")


def test_attached_process_gets_stdin_and_eof(docker, make_container):
    cid = make_container(["sleep", "60"])
    docker.invoke("ContainerStart", {"id": cid})
    exec_id = docker.invoke(
        "ContainerExec",
        {"id": cid, "execConfig": {"Cmd": ["sh", "-c", "cat; echo bye >&2"],
                                   "AttachStdin": True, "AttachStdout": True, "AttachStderr": True}},
    )["Id"]
    attached = docker.invoke("ExecStart", {"id": exec_id, "execStartConfig": {"Detach": False}})
    assert isinstance(attached, libdocker.Attached)
    attached.write(b"ping\n")
    attached.close_stdin()
    assert split(list(attached)) == (b"ping\n", b"bye\n")


def test_threads_share_one_client(docker):
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(50):
                assert docker.ping()
                assert isinstance(docker.invoke("ContainerList", {"all": True}), list)
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(16)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    assert all(not t.is_alive() for t in threads), f"threads hung after {time.monotonic() - started:.0f}s"


def test_operation_table_is_reachable_from_python():
    ops = libdocker.operations()
    assert len(ops) == 108 and "ContainerLogs" in ops
    assert "ContainerLogs" in libdocker.operations("container")
    assert "Container" in libdocker.categories()
    text = libdocker.doc("ContainerLogs")
    assert "GET /containers/{id}/logs" in text and "follow" in text
