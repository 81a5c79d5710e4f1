"""Images: ``docker.images.pull/push/build/get/list/remove/prune/load/
import_image/save`` and an ``Image`` with ``tag``, ``history``, ``save``,
``remove``; ``AsyncImage`` and ``AsyncImageCollection`` the same, awaited.

Pulls, pushes and builds take the credentials of ``login`` or of the docker
CLI's configuration; a failure inside their progress raises (``ProgressError``,
``Unauthorized``, ``BuildFailed`` with the failing step's output)."""

from __future__ import annotations

import builtins

import os
from collections.abc import Callable, Mapping, Sequence
from typing import IO, TYPE_CHECKING, Any, TypedDict, Union

from libdocker import _params
from libdocker._dockerfile import Dockerfile
from libdocker._models import ImageAttrs
from libdocker._native import Archive, AsyncStream, DockerError, Stream
from libdocker._plan import Drain, Plan, drive, drive_async, invoke

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from libdocker._async_client import AsyncDocker
    from libdocker._client import Docker

#: Called with each progress event (a dict); returning True stops there.
Progress = Callable[[dict[str, Any]], Any]
#: What a build starts from: a directory, a Dockerfile, or a tar file (``custom_context``).
Context = Union[str, "os.PathLike[str]", Dockerfile, IO[bytes], IO[str], bytes]

# ---- plans ----


def pull_params(repository: str, tag: str | None, platform: str | None) -> tuple[dict[str, Any], str]:
    """ImageCreate's parameters, and the reference the pulled image goes by."""
    repo, in_name = _params.split_reference(repository)
    tag = tag or in_name
    if "@" in repo:
        return {"fromImage": repo, "platform": platform}, repo
    tag = tag or "latest"
    return {"fromImage": repo, "tag": tag, "platform": platform}, f"{repo}:{tag}"


def pull_plan(params: dict[str, Any], reference: str, progress: Progress | None) -> Plan[dict[str, Any]]:
    stream = yield invoke("ImageCreate", params)
    yield Drain(stream, each=progress, keep=False)
    inspected = yield invoke("ImageInspect", {"name": reference})
    return dict(inspected)


def push_plan(repository: str, tag: str | None, progress: Progress | None) -> Plan[str | None]:
    """Pushes; the digest the registry reported."""
    repo, in_name = _params.split_reference(repository)
    stream = yield invoke("ImagePush", {"name": repo, "tag": tag or in_name})
    events = yield Drain(stream, each=progress)
    for event in reversed(events):
        digest = (event.get("aux") or {}).get("Digest")
        if digest:
            return str(digest)
    return None


def build_context(
    path: str | os.PathLike[str] | None,
    fileobj: Context | None,
    dockerfile: str | None,
    custom_context: bool,
) -> tuple[Any, str | None]:
    """The body of a build and the Dockerfile's name inside it."""
    if (path is None) == (fileobj is None):
        raise TypeError("build needs one of path= (a directory) or fileobj= (a Dockerfile, or a tar with custom_context=True)")
    if path is not None:
        archive = Archive.build_context(os.fspath(path), dockerfile)
        return archive, archive.dockerfile
    if isinstance(fileobj, Dockerfile):
        return Archive.of_files(fileobj.files(), "Dockerfile"), "Dockerfile"
    if custom_context:
        return fileobj, dockerfile
    if isinstance(fileobj, (str, os.PathLike)):
        raise TypeError("fileobj must be a file object, bytes or a Dockerfile; for a directory use path=")
    text = fileobj if isinstance(fileobj, bytes) else fileobj.read()  # type: ignore[union-attr]
    data = text.encode() if isinstance(text, str) else bytes(text)
    return Archive.of_files({"Dockerfile": data}, "Dockerfile"), "Dockerfile"


class BuildArgs(TypedDict, total=False):
    """What ``build`` takes besides ``path`` and ``fileobj`` (docker-py's names):
    ``dockerfile``, ``tag``, ``tags`` and ``latest`` (docker-map's extra tags and
    ``latest``), ``buildargs``, ``target``, ``labels``, ``nocache``, ``pull``,
    ``platform``, ``rm`` and ``forcerm`` (True), ``network_mode``,
    ``extra_hosts``, ``cache_from``, ``custom_context`` (``fileobj`` is a tar),
    ``progress`` (called with each event; True stops)."""

    dockerfile: str | None
    tag: str | None
    tags: Sequence[str] | None
    latest: bool
    buildargs: Mapping[str, str] | None
    target: str | None
    labels: Mapping[str, str] | None
    nocache: bool
    pull: bool
    platform: str | None
    rm: bool
    forcerm: bool
    network_mode: str | None
    extra_hosts: Mapping[str, str] | None
    cache_from: Sequence[str] | None
    custom_context: bool
    progress: Progress | None


def build_request(
    path: str | os.PathLike[str] | None, fileobj: Context | None, args: BuildArgs
) -> tuple[Any, dict[str, Any], Progress | None]:
    """The body, parameters and progress callback of a build."""
    unknown = set(args) - set(BuildArgs.__annotations__)
    if unknown:
        raise TypeError(f"build() got unexpected keyword argument(s): {', '.join(sorted(unknown))}")
    body, name = build_context(path, fileobj, args.get("dockerfile"), args.get("custom_context", False))
    extra_hosts = args.get("extra_hosts")
    buildargs, labels, cache_from = args.get("buildargs"), args.get("labels"), args.get("cache_from")
    params = {
        "dockerfile": name,
        "t": all_tags(args.get("tag"), args.get("tags"), args.get("latest", False)) or None,
        "buildargs": dict(buildargs) if buildargs else None,
        "target": args.get("target"),
        "labels": dict(labels) if labels else None,
        "nocache": args.get("nocache", False),
        "pull": "1" if args.get("pull") else None,
        "platform": args.get("platform"),
        "rm": args.get("rm", True),
        "forcerm": args.get("forcerm", True),
        "networkmode": args.get("network_mode"),
        "extrahosts": ",".join(f"{h}:{ip}" for h, ip in extra_hosts.items()) if extra_hosts else None,
        "cachefrom": list(cache_from) if cache_from else None,
    }
    return body, params, args.get("progress")


def all_tags(tag: str | None, tags: Sequence[str] | None, latest: bool) -> list[str]:
    """The build's names: ``tag``, the extra ``tags``, and with ``latest`` each
    repository's ``latest`` too (docker-map's build extras)."""
    names = ([tag] if tag else []) + list(tags or [])
    if latest:
        for name in list(names):
            repo, _ = _params.split_reference(name)
            if f"{repo}:latest" not in names:
                names.append(f"{repo}:latest")
    return names


def build_plan(body: Any, params: dict[str, Any], progress: Progress | None) -> Plan[tuple[str, list[dict[str, Any]]]]:
    """Builds; the image id and the build's log (its progress events)."""
    stream = yield invoke("ImageBuild", params, body=body)
    log = yield Drain(stream, each=progress)
    for event in reversed(log):
        image_id = (event.get("aux") or {}).get("ID")
        if image_id:
            return str(image_id), log
    for event in reversed(log):
        text = str(event.get("stream", ""))
        if text.startswith("Successfully built "):
            return text.split()[-1], log
    raise DockerError("the build ended without naming an image (was it stopped early?)")


def loaded_names(events: list[dict[str, Any]]) -> list[str]:
    """The images an ImageLoad reported: ``Loaded image: x:y`` or ``Loaded image ID: sha256:…``."""
    names = []
    for event in events:
        text = str(event.get("stream", "")).strip()
        for prefix in ("Loaded image: ", "Loaded image ID: "):
            if text.startswith(prefix):
                names.append(text[len(prefix) :])
    return names


def load_plan(data: _params.Body) -> Plan[list[str]]:
    stream = yield invoke("ImageLoad", {"quiet": True}, body=data)
    events = yield Drain(stream)
    return loaded_names(events)


def save_plan(names: list[str], out: IO[bytes]) -> Plan[int]:
    """Writes ``docker save`` of ``names`` to ``out``; the bytes written."""
    stream = yield invoke("ImageGetAll", {"names": names})
    written = [0]

    def write(chunk: bytes) -> None:
        written[0] += out.write(chunk)

    yield Drain(stream, each=write, keep=False)
    return written[0]


def import_plan(
    source: _params.Body, repository: str | None, tag: str | None, changes: list[str] | None
) -> Plan[str]:
    stream = yield invoke(
        "ImageCreate",
        {"fromSrc": "-", "repo": repository, "tag": tag, "changes": changes},
        body=source,
    )
    events = yield Drain(stream)
    for event in reversed(events):
        status = str(event.get("status", ""))
        if status.startswith("sha256:"):
            return status
    raise DockerError(f"the import reported no image: {events[-1:] or 'nothing'}")


def _list_params(name: str | None, all: bool, filters: Mapping[str, Any] | None) -> dict[str, Any]:
    found = dict(_params.filters(filters) or {})
    if name is not None:
        found["reference"] = [name]
    return {"all": all, "filters": found or None}


def _tag_params(image_id: str, repository: str, tag: str | None) -> dict[str, Any]:
    repo, in_name = _params.split_reference(repository)
    return {"name": image_id, "repo": repo, "tag": tag or in_name}


def _open_for_save(path: str | os.PathLike[str] | IO[bytes]) -> tuple[IO[bytes], bool]:
    if isinstance(path, (str, os.PathLike)):
        return open(path, "wb"), True  # noqa: SIM115 (closed by the caller)
    return path, False


# ---- the sync client's ----


class Image(ImageAttrs):
    """An image; ``attrs`` is the daemon's dict (a list entry until ``reload()``)."""

    __slots__ = ()

    client: Docker

    def reload(self) -> None:
        self.attrs = self.client.invoke("ImageInspect", {"name": self.id})

    def tag(self, repository: str, tag: str | None = None) -> bool:
        """Names it ``repository:tag`` (``tag`` may be part of ``repository``)."""
        self.client.invoke("ImageTag", _tag_params(self.id, repository, tag))
        return True

    def history(self) -> list[dict[str, Any]]:
        return list(self.client.invoke("ImageHistory", {"name": self.id}))

    def remove(self, force: bool = False, noprune: bool = False) -> list[dict[str, Any]]:
        return list(self.client.invoke("ImageDelete", {"name": self.id, "force": force, "noprune": noprune}))

    def save(self, path: str | os.PathLike[str] | IO[bytes]) -> int:
        """Writes it as ``docker save`` does to a file (a path or a binary file
        object), streamed; the bytes written."""
        return self.client.images.save([self.tags[0] if self.tags else self.id], path)


class ImageCollection:
    """``docker.images``."""

    def __init__(self, client: Docker) -> None:
        self.client = client

    def _model(self, attrs: dict[str, Any]) -> Image:
        return Image(attrs, self.client)

    def get(self, name: str) -> Image:
        """An image by name or id (``NotFound`` if there is none)."""
        return self._model(self.client.invoke("ImageInspect", {"name": name}))

    def list(self, name: str | None = None, all: bool = False, filters: Mapping[str, Any] | None = None) -> builtins.list[Image]:
        """Images (``name``: only that repository, or ``repo:tag``)."""
        return [self._model(a) for a in self.client.invoke("ImageList", _list_params(name, all, filters))]

    def pull(
        self,
        repository: str,
        tag: str | None = None,
        *,
        platform: str | None = None,
        progress: Progress | None = None,
    ) -> Image:
        """Pulls ``repository[:tag]`` (``latest`` by default) and gives the image.
        ``progress`` sees each progress event (``ProgressBars()`` draws them);
        for the events themselves, use ``pull_stream``."""
        params, reference = pull_params(repository, tag, platform)
        return self._model(drive(self.client, pull_plan(params, reference, progress)))

    def pull_stream(self, repository: str, tag: str | None = None, *, platform: str | None = None) -> Stream:
        """A pull's progress events as they come (the last one says it is done)."""
        params, _ = pull_params(repository, tag, platform)
        stream: Stream = self.client.invoke("ImageCreate", params)
        return stream

    def push(self, repository: str, tag: str | None = None, *, progress: Progress | None = None) -> str | None:
        """Pushes ``repository[:tag]``; the digest the registry gave it."""
        return drive(self.client, push_plan(repository, tag, progress))

    def build(
        self, path: str | os.PathLike[str] | None = None, *, fileobj: Context | None = None, **kwargs: Unpack[BuildArgs]
    ) -> tuple[Image, builtins.list[dict[str, Any]]]:
        """Builds an image from a directory (``path``: its ``.dockerignore``
        applies, the context is streamed) or from ``fileobj`` (a Dockerfile as
        a file, bytes or a ``Dockerfile``; a tar with ``custom_context``); the
        rest as ``BuildArgs`` says. Gives the image and the build's log; a
        failing step raises ``BuildFailed`` with its output."""
        body, params, progress = build_request(path, fileobj, kwargs)
        image_id, log = drive(self.client, build_plan(body, params, progress))
        return self.get(image_id), log

    def remove(self, image: str, force: bool = False, noprune: bool = False) -> builtins.list[dict[str, Any]]:
        return list(self.client.invoke("ImageDelete", {"name": image, "force": force, "noprune": noprune}))

    def prune(self, filters: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Removes unused images (dangling ones unless ``filters={'dangling': False}``)."""
        return dict(self.client.invoke("ImagePrune", {"filters": _params.filters(filters)}))

    def load(self, data: _params.Body) -> builtins.list[Image]:
        """Loads images from a ``docker save`` tarball (bytes, or a file read as
        it is sent); the images it held."""
        return [self.get(name) for name in drive(self.client, load_plan(data))]

    def save(self, names: Sequence[str], path: str | os.PathLike[str] | IO[bytes]) -> int:
        """Writes ``docker save`` of the images ``names`` to a path or binary
        file, streamed; the bytes written."""
        out, owned = _open_for_save(path)
        try:
            return drive(self.client, save_plan(list(names), out))
        finally:
            if owned:
                out.close()

    def import_image(
        self,
        source: _params.Body,
        repository: str | None = None,
        tag: str | None = None,
        changes: builtins.list[str] | None = None,
    ) -> Image:
        """An image from a root filesystem tarball (``docker import``)."""
        return self.get(drive(self.client, import_plan(source, repository, tag, changes)))


# ---- the asyncio client's ----


class AsyncImage(ImageAttrs):
    """An image, for ``AsyncDocker``."""

    __slots__ = ()

    client: AsyncDocker

    async def reload(self) -> None:
        self.attrs = await self.client.invoke("ImageInspect", {"name": self.id})

    async def tag(self, repository: str, tag: str | None = None) -> bool:
        await self.client.invoke("ImageTag", _tag_params(self.id, repository, tag))
        return True

    async def history(self) -> list[dict[str, Any]]:
        return list(await self.client.invoke("ImageHistory", {"name": self.id}))

    async def remove(self, force: bool = False, noprune: bool = False) -> list[dict[str, Any]]:
        return list(await self.client.invoke("ImageDelete", {"name": self.id, "force": force, "noprune": noprune}))

    async def save(self, path: str | os.PathLike[str] | IO[bytes]) -> int:
        return await self.client.images.save([self.tags[0] if self.tags else self.id], path)


class AsyncImageCollection:
    """``docker.images`` of ``AsyncDocker``."""

    def __init__(self, client: AsyncDocker) -> None:
        self.client = client

    def _model(self, attrs: dict[str, Any]) -> AsyncImage:
        return AsyncImage(attrs, self.client)

    async def get(self, name: str) -> AsyncImage:
        return self._model(await self.client.invoke("ImageInspect", {"name": name}))

    async def list(
        self, name: str | None = None, all: bool = False, filters: Mapping[str, Any] | None = None
    ) -> builtins.list[AsyncImage]:
        return [self._model(a) for a in await self.client.invoke("ImageList", _list_params(name, all, filters))]

    async def pull(
        self,
        repository: str,
        tag: str | None = None,
        *,
        platform: str | None = None,
        progress: Progress | None = None,
    ) -> AsyncImage:
        params, reference = pull_params(repository, tag, platform)
        return self._model(await drive_async(self.client, pull_plan(params, reference, progress)))

    async def pull_stream(self, repository: str, tag: str | None = None, *, platform: str | None = None) -> AsyncStream:
        params, _ = pull_params(repository, tag, platform)
        stream: AsyncStream = await self.client.invoke("ImageCreate", params)
        return stream

    async def push(self, repository: str, tag: str | None = None, *, progress: Progress | None = None) -> str | None:
        return await drive_async(self.client, push_plan(repository, tag, progress))

    async def build(
        self, path: str | os.PathLike[str] | None = None, *, fileobj: Context | None = None, **kwargs: Unpack[BuildArgs]
    ) -> tuple[AsyncImage, builtins.list[dict[str, Any]]]:
        body, params, progress = build_request(path, fileobj, kwargs)
        image_id, log = await drive_async(self.client, build_plan(body, params, progress))
        return await self.get(image_id), log

    async def remove(self, image: str, force: bool = False, noprune: bool = False) -> builtins.list[dict[str, Any]]:
        return list(await self.client.invoke("ImageDelete", {"name": image, "force": force, "noprune": noprune}))

    async def prune(self, filters: Mapping[str, Any] | None = None) -> dict[str, Any]:
        return dict(await self.client.invoke("ImagePrune", {"filters": _params.filters(filters)}))

    async def load(self, data: _params.Body) -> builtins.list[AsyncImage]:
        return [await self.get(name) for name in await drive_async(self.client, load_plan(data))]

    async def save(self, names: Sequence[str], path: str | os.PathLike[str] | IO[bytes]) -> int:
        out, owned = _open_for_save(path)
        try:
            return await drive_async(self.client, save_plan(list(names), out))
        finally:
            if owned:
                out.close()

    async def import_image(
        self,
        source: _params.Body,
        repository: str | None = None,
        tag: str | None = None,
        changes: builtins.list[str] | None = None,
    ) -> AsyncImage:
        return await self.get(await drive_async(self.client, import_plan(source, repository, tag, changes)))


__all__ = ["AsyncImage", "AsyncImageCollection", "Image", "ImageCollection"]
