"""Images through the high-level API, sync and asyncio, against the real daemon
and the test registries: a build from a directory honours .dockerignore, a
failing step raises BuildFailed with its output, builds from a Dockerfile
object and a file, extra and latest tags; pull and push with progress through
the local registry; login remembered for the htpasswd registry; save and load
through a file, import, tag, history, list, remove and prune."""

from __future__ import annotations

import io
import os
import tarfile
import tempfile
from typing import Any

import pytest
from conftest import TEST_IMAGE, TEST_LABEL, a, drain

import libdocker

REGISTRY = os.environ.get("LIBDOCKER_TEST_REGISTRY", "127.0.0.1:5000")


def context_dir(tmp: str, files: dict[str, str]) -> str:
    for name, text in files.items():
        path = os.path.join(tmp, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
    return tmp


async def test_build_honours_dockerignore_and_tags(api: Any, label: dict[str, str]) -> None:
    repo = f"libdocker-test/built-{label[TEST_LABEL]}"
    seen: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        context_dir(
            tmp,
            {
                "Dockerfile": f"FROM {TEST_IMAGE}\nARG GREETING\nCOPY . /ctx\nRUN echo $GREETING > /greeting\n",
                ".dockerignore": "secret.txt\nlogs/\n",
                "kept.txt": "kept\n",
                "secret.txt": "do not ship\n",
                "logs/today.log": "noise\n",
            },
        )
        image, log = await a(
            api.images.build(
                path=tmp,
                tag=f"{repo}:v1",
                tags=[f"{repo}:extra"],
                latest=True,
                buildargs={"GREETING": "hi"},
                labels=label,
                progress=seen.append,
            )
        )
    assert set(image.tags) == {f"{repo}:v1", f"{repo}:extra", f"{repo}:latest"}
    assert image.labels[TEST_LABEL] == label[TEST_LABEL]
    assert log == seen and any("Step" in str(e.get("stream", "")) for e in log)
    listing = await a(api.containers.run(f"{repo}:v1", "sh -c 'ls -A /ctx; cat /greeting'", remove=True, labels=label))
    assert listing.split() == [b".dockerignore", b"Dockerfile", b"kept.txt", b"hi"]


async def test_a_failing_step_raises_build_failed_with_its_output(api: Any, label: dict[str, str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        context_dir(tmp, {"Dockerfile": f"FROM {TEST_IMAGE}\nRUN printf '\\033[31mred step\\033[0m\\n'; exit 7\n"})
        with pytest.raises(libdocker.BuildFailed) as failed:
            await a(api.images.build(path=tmp, labels=label))
    assert "returned a non-zero code: 7" in str(failed.value)
    assert "red step" in failed.value.output and "\x1b" not in failed.value.output


async def test_build_from_a_dockerfile_object_and_a_file(api: Any, label: dict[str, str]) -> None:
    df = libdocker.Dockerfile(TEST_IMAGE).add_file("/etc/motd", "from memory\n").label(TEST_LABEL, label[TEST_LABEL])
    df.cmd(["cat", "/etc/motd"])
    image, _ = await a(api.images.build(fileobj=df))
    assert await a(api.containers.run(image.id, remove=True, labels=label)) == b"from memory\n"
    image, _ = await a(api.images.build(fileobj=io.BytesIO(f"FROM {TEST_IMAGE}\nCMD echo from-file\n".encode()), labels=label))
    assert await a(api.containers.run(image.id, remove=True, labels=label)) == b"from-file\n"
    with pytest.raises(TypeError, match="path= .* or fileobj="):
        await a(api.images.build())


async def test_pull_and_push_with_progress_through_the_registry(api: Any, label: dict[str, str]) -> None:
    repo = f"{REGISTRY}/libdocker-test/pushed-{label[TEST_LABEL]}"
    base = await a(api.images.get(TEST_IMAGE))
    assert await a(base.tag(repo, "v1")) is True
    events: list[dict[str, Any]] = []
    digest = await a(api.images.push(repo, "v1", progress=events.append))
    assert digest is not None and digest.startswith("sha256:")
    assert any(e.get("status") == "Pushed" or "digest" in str(e.get("status", "")) for e in events)
    await a(api.images.remove(f"{repo}:v1"))

    shown = io.StringIO()
    pulled = await a(api.images.pull(f"{repo}:v1", progress=libdocker.ProgressBars(shown, tty=True)))
    assert f"{repo}:v1" in pulled.tags and pulled.id == base.id
    assert "Pull complete" in shown.getvalue() or "Already exists" in shown.getvalue() or "Digest" in shown.getvalue()
    stream = await a(api.images.pull_stream(repo, "v1"))
    statuses = [e.get("status", "") for e in await drain(stream)]
    assert any("up to date" in s or "Downloaded" in s for s in statuses), statuses
    await a(api.images.remove(f"{repo}:v1"))
    with pytest.raises(libdocker.NotFound):
        await a(api.images.pull(f"{REGISTRY}/libdocker-test/never-pushed-{label[TEST_LABEL]}"))


async def test_login_is_remembered_for_pushes(host: str, label: dict[str, str]) -> None:
    registry = os.environ["LIBDOCKER_TEST_AUTH_REGISTRY"]
    user = os.environ["LIBDOCKER_TEST_REGISTRY_USER"]
    password = os.environ["LIBDOCKER_TEST_REGISTRY_PASSWORD"]
    with tempfile.TemporaryDirectory() as config:
        env = {"DOCKER_HOST": host, "DOCKER_CONFIG": config}  # no credentials anywhere
        for api in (libdocker.Docker(environment=env), libdocker.AsyncDocker(environment=env)):
            repo = f"{registry}/libdocker-test/login-{label[TEST_LABEL]}"
            await a((await a(api.images.get(TEST_IMAGE))).tag(repo, "v1"))
            with pytest.raises(libdocker.Unauthorized):
                await a(api.images.push(repo, "v1"))
            assert await a(api.login(user, "wrong", registry=registry)) is False
            assert await a(api.login(user, password, registry=registry)) is True
            assert (await a(api.images.push(repo, "v1"))) is not None
            assert api.logout(registry) is True
            with pytest.raises(libdocker.Unauthorized):
                await a(api.images.push(repo, "v1"))
            await a(api.images.remove(f"{repo}:v1"))


async def test_save_load_import_tag_history_list_remove(api: Any, label: dict[str, str]) -> None:
    repo = f"libdocker-test/saved-{label[TEST_LABEL]}"
    base = await a(api.images.get(TEST_IMAGE))
    await a(base.tag(f"{repo}:v1"))
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "saved.tar")
        written = await a(api.images.save([f"{repo}:v1"], path))
        assert written == os.path.getsize(path) > 0
        with tarfile.open(path) as tar:
            assert "manifest.json" in tar.getnames()
        await a(api.images.remove(f"{repo}:v1"))
        with open(path, "rb") as f:
            loaded = await a(api.images.load(f))
        assert [f"{repo}:v1" in i.tags for i in loaded] == [True]

        image = await a(api.images.get(f"{repo}:v1"))
        assert [i.id for i in await a(api.images.list(name=repo))] == [image.id]
        again = os.path.join(tmp, "again.tar")
        with open(again, "wb") as out:  # a file object works as well as a path
            assert await a(image.save(out)) == written
        history = await a(image.history())
        assert history and "CreatedBy" in history[0]

        # import: a container's filesystem as a new image.
        c = await a(api.containers.run(TEST_IMAGE, "sh -c 'echo imported > /mark'", detach=True, labels=label))
        await a(c.wait())
        rootfs = os.path.join(tmp, "rootfs.tar")
        with open(rootfs, "wb") as out:
            for chunk in await drain(await a(c.export())):
                out.write(chunk)
        with open(rootfs, "rb") as f:
            imported = await a(api.images.import_image(f, repository=repo, tag="imported", changes=[f"LABEL {TEST_LABEL}={label[TEST_LABEL]}"]))
        assert f"{repo}:imported" in imported.tags and imported.labels[TEST_LABEL] == label[TEST_LABEL]
        assert await a(api.containers.run(f"{repo}:imported", "cat /mark", remove=True, labels=label)) == b"imported\n"
    assert {"Untagged": f"{repo}:v1"} in await a(api.images.remove(f"{repo}:v1"))
    removed = await a(imported.remove())
    assert {"Untagged": f"{repo}:imported"} in removed and {"Deleted": imported.id} in removed
    assert await a(api.images.list(name=repo)) == []
    pruned = await a(api.images.prune(filters={"label": f"{TEST_LABEL}={label[TEST_LABEL]}"}))
    assert "SpaceReclaimed" in pruned
