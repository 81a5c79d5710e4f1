"""Containers, as a docker-py user finds them: ``docker.containers.run/create/
get/list/prune`` and a ``Container`` with its lifecycle, logs, exec, archives
and the rest; ``AsyncContainer`` has the same methods, awaited.

Each method is one call of the native client, or a plan (``_plan``) shared by
both clients when it takes several."""

from __future__ import annotations

import builtins

import shlex
from collections.abc import AsyncIterator, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Literal, TypedDict, overload

from libdocker import _images, _params
from libdocker._models import ContainerAttrs
from libdocker._native import (
    AsyncAttached,
    AsyncStream,
    Attached,
    ContainerFailed,
    ExecResult,
    NotFound,
    Stream,
)
from libdocker._params import Time
from libdocker._plan import Do, Drain, Plan, drive, drive_async, invoke

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from libdocker._async_client import AsyncDocker
    from libdocker._client import Docker
    from libdocker._images import AsyncImage, Image
    from libdocker._params import CreateArgs, RunArgs

class LogsArgs(TypedDict, total=False):
    """What ``logs`` takes besides ``stdout``, ``stderr`` and ``stream``:
    ``timestamps`` (False), ``tail`` (a count or ``"all"``), ``since`` and
    ``until`` (a datetime, seconds or the daemon's text), ``follow`` (False)."""

    timestamps: bool
    tail: int | str | None
    since: Time | None
    until: Time | None
    follow: bool


class ExecArgs(TypedDict, total=False):
    """What ``exec_run`` takes besides ``cmd``, ``stream`` and ``stdin``."""

    tty: bool
    user: str | None
    environment: Mapping[str, Any] | list[str] | None
    workdir: str | None
    privileged: bool


# ---- plans: what each multi-step method does, for both clients ----


def _logs_params(stdout: bool, stderr: bool, args: LogsArgs) -> dict[str, Any]:
    unknown = set(args) - set(LogsArgs.__annotations__)
    if unknown:
        raise TypeError(f"logs() got unexpected keyword argument(s): {', '.join(sorted(unknown))}")
    return {"stdout": stdout, "stderr": stderr, **args}


def logs_plan(cid: str, params: dict[str, Any]) -> Plan[bytes]:
    """A container's output read whole, stdout and stderr as they came."""
    stream = yield Do("logs", cid, **params)
    items = yield Drain(stream)
    return b"".join(data for _, data in items)


def create_plan(
    image: str,
    command: _params.Command | None,
    kwargs: dict[str, Any],
    pull_missing: bool,
) -> Plan[str]:
    """Creates a container (pulling its image first when it is missing, for
    ``run``); returns its id."""
    body, name, platform = _params.container_body(image, command, **kwargs)
    params = {"body": body, "name": name, "platform": platform}
    try:
        created = yield invoke("ContainerCreate", params)
    except NotFound:
        if not pull_missing:
            raise
        pull, reference = _images.pull_params(image, None, platform)
        yield from _images.pull_plan(pull, reference, None)
        created = yield invoke("ContainerCreate", params)
    return str(created["Id"])


def run_plan(image: str, command: _params.Command | None, detach: bool, kwargs: dict[str, Any]) -> Plan[str | bytes]:
    """docker-py's ``run``: the id when detached, else the output once the
    container has exited (``ContainerFailed`` if its exit code is not 0)."""
    remove = bool(kwargs.pop("remove", False))
    stdout = bool(kwargs.pop("stdout", True))
    stderr = bool(kwargs.pop("stderr", False))
    cid = yield from create_plan(image, command, kwargs, pull_missing=True)
    yield invoke("ContainerStart", {"id": cid})
    if detach:
        return cid
    waited = yield invoke("ContainerWait", {"id": cid})
    code = int(waited.get("StatusCode", 0))
    out = b""
    if stdout or stderr:
        out = yield from logs_plan(cid, _logs_params(stdout, stderr, {}))
    err = b""
    if code != 0 and not stderr:
        err = yield from logs_plan(cid, _logs_params(False, True, {}))
    if remove:
        yield invoke("ContainerDelete", {"id": cid, "force": True})
    if code != 0:
        raise container_failed(cid, code, command, image, err or out)
    return out


def container_failed(
    cid: str, code: int, command: _params.Command | None, image: str, stderr: bytes
) -> ContainerFailed:
    """The error of a container that exited with a non-zero code, with
    ``exit_status``, ``stderr`` and ``container`` (the id)."""
    shown = command if isinstance(command, str) or command is None else shlex.join(command)
    text = stderr.decode(errors="replace").strip()
    message = f"Command '{shown}' in image '{image}' returned non-zero exit status {code}: {text}"
    e = ContainerFailed(message)
    e.kind = "ContainerFailed"
    e.status = None
    e.message = message
    e.valid = []
    e.exit_status = code  # type: ignore[attr-defined]
    e.stderr = stderr  # type: ignore[attr-defined]
    e.container = cid  # type: ignore[attr-defined]
    return e


def exec_start_plan(cid: str, cmd: _params.Command, stdin: bool, args: ExecArgs) -> Plan[tuple[str, Any]]:
    """Creates an exec and starts it attached: its id and the attached process."""
    unknown = set(args) - set(ExecArgs.__annotations__)
    if unknown:
        raise TypeError(f"exec_run() got unexpected keyword argument(s): {', '.join(sorted(unknown))}")
    tty = args.get("tty", False)
    config = {
        "Cmd": _params.command(cmd, "cmd"),
        "AttachStdout": True,
        "AttachStderr": True,
        "AttachStdin": stdin,
        "Tty": tty,
        "Privileged": args.get("privileged", False),
        "User": args.get("user"),
        "Env": _params.environment(args.get("environment")),
        "WorkingDir": args.get("workdir"),
    }
    created = yield invoke("ContainerExec", {"id": cid, "execConfig": config})
    exec_id = str(created["Id"])
    attached = yield invoke("ExecStart", {"id": exec_id, "execStartConfig": {"Detach": False, "Tty": tty}})
    return exec_id, attached


def exec_whole(stdin: bytes | bool | None, args: ExecArgs) -> dict[str, Any]:
    """The native ``exec_run``'s arguments for an exec read whole."""
    if stdin is not None and not isinstance(stdin, (bytes, bytearray)):
        raise TypeError("stdin must be bytes (or, with stream=True, True to write to it)")
    if args.get("privileged"):
        raise ValueError("privileged exec needs stream=True")
    unknown = set(args) - set(ExecArgs.__annotations__)
    if unknown:
        raise TypeError(f"exec_run() got unexpected keyword argument(s): {', '.join(sorted(unknown))}")
    return {
        "stdin": None if stdin is None else bytes(stdin),
        "env": _params.environment(args.get("environment")),
        "user": args.get("user"),
        "workdir": args.get("workdir"),
        "tty": args.get("tty", False),
    }


def wait_plan(cid: str, condition: str | None, timeout: float | None) -> Plan[int]:
    waited = yield invoke("ContainerWait", {"id": cid, "condition": condition}, timeout=timeout)
    return int(waited.get("StatusCode", 0))


def _list_params(
    all: bool,
    filters: Mapping[str, Any] | None,
    limit: int | None,
    since: str | None,
    before: str | None,
) -> dict[str, Any]:
    found = dict(_params.filters(filters) or {})
    if since is not None:
        found["since"] = [since]
    if before is not None:
        found["before"] = [before]
    return {"all": all, "limit": limit, "filters": found or None}


def _stop_params(cid: str, timeout: int | None) -> dict[str, Any]:
    return {"id": cid, "t": timeout}


def _commit_params(cid: str, repository: str | None, tag: str | None, **kwargs: Any) -> dict[str, Any]:
    conf = kwargs.pop("conf", None)
    changes = kwargs.pop("changes", None)
    if isinstance(changes, str):
        changes = [changes]
    return {
        "container": cid,
        "repo": repository,
        "tag": tag,
        "comment": kwargs.pop("message", None),
        "author": kwargs.pop("author", None),
        "pause": kwargs.pop("pause", True),
        "changes": "\n".join(changes) if changes else None,
        "containerConfig": conf,
    }


def _update_body(**kwargs: Any) -> dict[str, Any]:
    names = {
        "blkio_weight": "BlkioWeight",
        "cpu_period": "CpuPeriod",
        "cpu_quota": "CpuQuota",
        "cpu_shares": "CpuShares",
        "cpuset_cpus": "CpusetCpus",
        "cpuset_mems": "CpusetMems",
        "mem_limit": "Memory",
        "mem_reservation": "MemoryReservation",
        "memswap_limit": "MemorySwap",
        "kernel_memory": "KernelMemory",
        "nano_cpus": "NanoCpus",
        "pids_limit": "PidsLimit",
        "restart_policy": "RestartPolicy",
    }
    unknown = sorted(set(kwargs) - set(names))
    if unknown:
        raise TypeError(f"update() got unexpected keyword argument(s): {', '.join(unknown)}")
    body: dict[str, Any] = {}
    for key, value in kwargs.items():
        if value is None:
            continue
        if key in ("mem_limit", "mem_reservation", "memswap_limit", "kernel_memory"):
            value = _params.size(value, key)
        if key == "restart_policy" and isinstance(value, str):
            value = {"Name": value}
        body[names[key]] = value
    return body


# ---- exec streams ----


class ExecStream:
    """The output of ``exec_run(..., stream=True)``: iterate it for ``(stream,
    bytes)`` chunks as they come; then ``exit_code`` holds the exit code
    (``wait()`` reads what is left and gives it)."""

    def __init__(self, client: Docker, exec_id: str, attached: Attached) -> None:
        self._client = client
        self._attached = attached
        self.exec_id = exec_id
        self.exit_code: int | None = None

    def __iter__(self) -> Iterator[tuple[int, bytes]]:
        yield from self._attached.output
        self.exit_code = self._inspect()

    def _inspect(self) -> int:
        inspected = self._client.invoke("ExecInspect", {"id": self.exec_id})
        return int(inspected.get("ExitCode") or 0)

    def write(self, data: bytes) -> None:
        """Writes to the process's stdin (``stdin=True``)."""
        self._attached.write(data)

    def close_stdin(self) -> None:
        self._attached.close_stdin()

    def wait(self) -> int:
        """Reads the rest of the output and gives the exit code."""
        for _ in self:
            pass
        assert self.exit_code is not None
        return self.exit_code

    def close(self) -> None:
        """Stops reading; the process goes on in the container."""
        self._attached.close()


class AsyncExecStream:
    """``ExecStream`` for asyncio: ``async for`` chunks, then ``exit_code``."""

    def __init__(self, client: AsyncDocker, exec_id: str, attached: AsyncAttached) -> None:
        self._client = client
        self._attached = attached
        self.exec_id = exec_id
        self.exit_code: int | None = None

    async def __aiter__(self) -> AsyncIterator[tuple[int, bytes]]:
        async for item in self._attached.output:
            yield item
        self.exit_code = await self._inspect()

    async def _inspect(self) -> int:
        inspected = await self._client.invoke("ExecInspect", {"id": self.exec_id})
        return int(inspected.get("ExitCode") or 0)

    async def write(self, data: bytes) -> None:
        await self._attached.write(data)

    async def close_stdin(self) -> None:
        await self._attached.close_stdin()

    async def wait(self) -> int:
        async for _ in self:
            pass
        assert self.exit_code is not None
        return self.exit_code

    async def close(self) -> None:
        await self._attached.output.aclose()


# ---- the sync client's ----


class Container(ContainerAttrs):
    """A container; ``attrs`` is the daemon's dict (a list entry until
    ``reload()``)."""

    __slots__ = ()

    client: Docker

    def reload(self) -> None:
        """Reads the container again (``attrs`` becomes its inspect)."""
        self.attrs = self.client.invoke("ContainerInspect", {"id": self.id})

    def start(self) -> None:
        self.client.invoke("ContainerStart", {"id": self.id})

    def stop(self, timeout: int | None = None) -> None:
        """Stops it (SIGTERM, then SIGKILL after ``timeout`` seconds)."""
        self.client.invoke("ContainerStop", _stop_params(self.id, timeout))

    def restart(self, timeout: int | None = None) -> None:
        self.client.invoke("ContainerRestart", _stop_params(self.id, timeout))

    def kill(self, signal: str | int | None = None) -> None:
        self.client.invoke("ContainerKill", {"id": self.id, "signal": None if signal is None else str(signal)})

    def pause(self) -> None:
        self.client.invoke("ContainerPause", {"id": self.id})

    def unpause(self) -> None:
        self.client.invoke("ContainerUnpause", {"id": self.id})

    def remove(self, v: bool = False, link: bool = False, force: bool = False) -> None:
        """Removes it (``v``: its anonymous volumes too; ``force``: even running)."""
        self.client.invoke("ContainerDelete", {"id": self.id, "v": v, "link": link, "force": force})

    def wait(self, timeout: float | None = None, condition: str | None = None) -> int:
        """Waits until it stops; its exit code. ``condition``: ``not-running``
        (default), ``next-exit`` or ``removed``."""
        return drive(self.client, wait_plan(self.id, condition, timeout))

    def rename(self, name: str) -> None:
        self.client.invoke("ContainerRename", {"id": self.id, "name": name})

    def resize(self, height: int, width: int) -> None:
        self.client.invoke("ContainerResize", {"id": self.id, "h": height, "w": width})

    def top(self, ps_args: str | None = None) -> dict[str, Any]:
        return dict(self.client.invoke("ContainerTop", {"id": self.id, "ps_args": ps_args}))

    def diff(self) -> list[dict[str, Any]]:
        """Changes to its filesystem: ``[{'Path': '/tmp/x', 'Kind': 1}]``."""
        return list(self.client.invoke("ContainerChanges", {"id": self.id}) or [])

    def update(self, **kwargs: Any) -> dict[str, Any]:
        """Changes its resources (``mem_limit='256m'``, ``cpu_shares``,
        ``restart_policy``, ...)."""
        return dict(self.client.invoke("ContainerUpdate", {"id": self.id, "update": _update_body(**kwargs)}))

    def commit(self, repository: str | None = None, tag: str | None = None, **kwargs: Any) -> Image:
        """An image of it (``message``, ``author``, ``changes``, ``conf``, ``pause``)."""
        made = self.client.invoke("ImageCommit", _commit_params(self.id, repository, tag, **kwargs))
        return self.client.images.get(str(made["Id"]))

    def export(self) -> Stream:
        """Its filesystem as a tar stream of bytes."""
        stream: Stream = self.client.invoke("ContainerExport", {"id": self.id})
        return stream

    @overload
    def stats(self, stream: Literal[False] = False) -> dict[str, Any]: ...
    @overload
    def stats(self, stream: Literal[True]) -> Stream: ...
    def stats(self, stream: bool = False) -> dict[str, Any] | Stream:
        """One sample of its resource use, or a stream of them (one a second)."""
        return self.client.invoke("ContainerStats", {"id": self.id, "stream": stream})  # type: ignore[no-any-return]

    @overload
    def logs(
        self, stdout: bool = True, stderr: bool = True, *, stream: Literal[False] = False, **kwargs: Unpack[LogsArgs]
    ) -> bytes: ...
    @overload
    def logs(
        self, stdout: bool = True, stderr: bool = True, *, stream: Literal[True], **kwargs: Unpack[LogsArgs]
    ) -> Stream: ...
    def logs(
        self, stdout: bool = True, stderr: bool = True, *, stream: bool = False, **kwargs: Unpack[LogsArgs]
    ) -> bytes | Stream:
        """Its output: all of it as bytes, or with ``stream=True`` a stream of
        ``(STDOUT or STDERR, bytes)`` chunks (``follow``: until it stops)."""
        params = _logs_params(stdout, stderr, kwargs)
        if stream:
            return self.client.logs(self.id, **params)
        return drive(self.client, logs_plan(self.id, params))

    def attach(self, stdout: bool = True, stderr: bool = True, stdin: bool = False, logs: bool = False) -> Attached:
        """Attaches to its process: iterate the output, ``write`` to its stdin."""
        params = {"id": self.id, "stream": True, "stdout": stdout, "stderr": stderr, "stdin": stdin, "logs": logs}
        attached: Attached = self.client.invoke("ContainerAttach", params)
        return attached

    @overload
    def exec_run(
        self, cmd: _params.Command, *, stream: Literal[False] = False, stdin: bytes | None = None, **kwargs: Unpack[ExecArgs]
    ) -> ExecResult: ...
    @overload
    def exec_run(
        self, cmd: _params.Command, *, stream: Literal[True], stdin: bool = False, **kwargs: Unpack[ExecArgs]
    ) -> ExecStream: ...
    def exec_run(
        self, cmd: _params.Command, *, stream: bool = False, stdin: bytes | bool | None = None, **kwargs: Unpack[ExecArgs]
    ) -> ExecResult | ExecStream:
        """Runs ``cmd`` (a str split like a shell, or a list) in it. Waits and
        gives ``exit_code``, ``stdout`` and ``stderr`` (``stdin``: bytes written
        while the output is read); with ``stream=True``, an ``ExecStream`` of
        output chunks that then holds ``exit_code`` (``stdin=True`` lets you
        write to it). Also ``tty``, ``user``, ``environment``, ``workdir``,
        ``privileged`` (streamed only)."""
        if stream:
            plan = exec_start_plan(self.id, cmd, bool(stdin), kwargs)
            exec_id, attached = drive(self.client, plan)
            return ExecStream(self.client, exec_id, attached)
        return self.client.exec_run(self.id, cmd, **exec_whole(stdin, kwargs))

    def put_archive(self, path: str, data: _params.Body) -> bool:
        """Extracts a tar archive (bytes, a file, or an iterable of bytes) into
        its directory ``path``."""
        self.client.invoke("PutContainerArchive", {"id": self.id, "path": path}, body=data)
        return True

    def get_archive(self, path: str) -> tuple[Stream, dict[str, Any]]:
        """A tar stream of ``path``, and the path's stat."""
        stat = self.client.invoke("ContainerArchiveInfo", {"id": self.id, "path": path})
        stream: Stream = self.client.invoke("ContainerArchive", {"id": self.id, "path": path})
        return stream, stat

    def copy_to(self, src: str, dest: str) -> None:
        """Copies a local file or directory into its directory ``dest``."""
        self.client.copy_to(self.id, src, dest)

    def copy_from(self, src: str, dest: str) -> None:
        """Copies its ``src`` into the local directory ``dest``."""
        self.client.copy_from(self.id, src, dest)


class ContainerCollection:
    """``docker.containers``."""

    def __init__(self, client: Docker) -> None:
        self.client = client

    def _model(self, attrs: dict[str, Any]) -> Container:
        return Container(attrs, self.client)

    @overload
    def run(
        self, image: str, command: _params.Command | None = None, *, detach: Literal[True], **kwargs: Unpack[RunArgs]
    ) -> Container: ...
    @overload
    def run(
        self,
        image: str,
        command: _params.Command | None = None,
        *,
        detach: Literal[False] = False,
        **kwargs: Unpack[RunArgs],
    ) -> bytes: ...
    def run(
        self, image: str, command: _params.Command | None = None, *, detach: bool = False, **kwargs: Unpack[RunArgs]
    ) -> Container | bytes:
        """Runs a container (pulling its image if missing). Detached: the started
        ``Container``. Else waits for it and gives its output (stdout unless
        ``stderr=True`` too), raising ``ContainerFailed`` if it exits with
        another code than 0; ``remove=True`` removes it afterwards."""
        out = drive(self.client, run_plan(image, command, detach, dict(kwargs)))
        if isinstance(out, str):
            return self.get(out)
        return out

    def create(self, image: str, command: _params.Command | None = None, **kwargs: Unpack[CreateArgs]) -> Container:
        """Creates a container (docker-py's arguments: ``name``, ``environment``,
        ``ports``, ``volumes``, ``labels``, ``mem_limit``, ...)."""
        cid = drive(self.client, create_plan(image, command, dict(kwargs), pull_missing=False))
        return self.get(cid)

    def get(self, container_id: str) -> Container:
        """A container by id or name (``NotFound`` if there is none)."""
        return self._model(self.client.invoke("ContainerInspect", {"id": container_id}))

    def list(
        self,
        all: bool = False,
        filters: Mapping[str, Any] | None = None,
        limit: int | None = None,
        since: str | None = None,
        before: str | None = None,
    ) -> builtins.list[Container]:
        """Containers (running ones unless ``all``), as list entries: ``reload()``
        one for its full inspect."""
        found = self.client.invoke("ContainerList", _list_params(all, filters, limit, since, before))
        return [self._model(attrs) for attrs in found]

    def prune(self, filters: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Removes stopped containers; what was removed and the space reclaimed."""
        return dict(self.client.invoke("ContainerPrune", {"filters": _params.filters(filters)}))


# ---- the asyncio client's ----


class AsyncContainer(ContainerAttrs):
    """A container, for ``AsyncDocker``: the methods of ``Container``, awaited."""

    __slots__ = ()

    client: AsyncDocker

    async def reload(self) -> None:
        self.attrs = await self.client.invoke("ContainerInspect", {"id": self.id})

    async def start(self) -> None:
        await self.client.invoke("ContainerStart", {"id": self.id})

    async def stop(self, timeout: int | None = None) -> None:
        await self.client.invoke("ContainerStop", _stop_params(self.id, timeout))

    async def restart(self, timeout: int | None = None) -> None:
        await self.client.invoke("ContainerRestart", _stop_params(self.id, timeout))

    async def kill(self, signal: str | int | None = None) -> None:
        await self.client.invoke("ContainerKill", {"id": self.id, "signal": None if signal is None else str(signal)})

    async def pause(self) -> None:
        await self.client.invoke("ContainerPause", {"id": self.id})

    async def unpause(self) -> None:
        await self.client.invoke("ContainerUnpause", {"id": self.id})

    async def remove(self, v: bool = False, link: bool = False, force: bool = False) -> None:
        await self.client.invoke("ContainerDelete", {"id": self.id, "v": v, "link": link, "force": force})

    async def wait(self, timeout: float | None = None, condition: str | None = None) -> int:
        return await drive_async(self.client, wait_plan(self.id, condition, timeout))

    async def rename(self, name: str) -> None:
        await self.client.invoke("ContainerRename", {"id": self.id, "name": name})

    async def resize(self, height: int, width: int) -> None:
        await self.client.invoke("ContainerResize", {"id": self.id, "h": height, "w": width})

    async def top(self, ps_args: str | None = None) -> dict[str, Any]:
        return dict(await self.client.invoke("ContainerTop", {"id": self.id, "ps_args": ps_args}))

    async def diff(self) -> list[dict[str, Any]]:
        return list(await self.client.invoke("ContainerChanges", {"id": self.id}) or [])

    async def update(self, **kwargs: Any) -> dict[str, Any]:
        return dict(await self.client.invoke("ContainerUpdate", {"id": self.id, "update": _update_body(**kwargs)}))

    async def commit(self, repository: str | None = None, tag: str | None = None, **kwargs: Any) -> AsyncImage:
        made = await self.client.invoke("ImageCommit", _commit_params(self.id, repository, tag, **kwargs))
        return await self.client.images.get(str(made["Id"]))

    async def export(self) -> AsyncStream:
        stream: AsyncStream = await self.client.invoke("ContainerExport", {"id": self.id})
        return stream

    @overload
    async def stats(self, stream: Literal[False] = False) -> dict[str, Any]: ...
    @overload
    async def stats(self, stream: Literal[True]) -> AsyncStream: ...
    async def stats(self, stream: bool = False) -> dict[str, Any] | AsyncStream:
        return await self.client.invoke("ContainerStats", {"id": self.id, "stream": stream})  # type: ignore[no-any-return]

    @overload
    async def logs(
        self, stdout: bool = True, stderr: bool = True, *, stream: Literal[False] = False, **kwargs: Unpack[LogsArgs]
    ) -> bytes: ...
    @overload
    async def logs(
        self, stdout: bool = True, stderr: bool = True, *, stream: Literal[True], **kwargs: Unpack[LogsArgs]
    ) -> AsyncStream: ...
    async def logs(
        self, stdout: bool = True, stderr: bool = True, *, stream: bool = False, **kwargs: Unpack[LogsArgs]
    ) -> bytes | AsyncStream:
        params = _logs_params(stdout, stderr, kwargs)
        if stream:
            return self.client.logs(self.id, **params)
        return await drive_async(self.client, logs_plan(self.id, params))

    async def attach(
        self, stdout: bool = True, stderr: bool = True, stdin: bool = False, logs: bool = False
    ) -> AsyncAttached:
        params = {"id": self.id, "stream": True, "stdout": stdout, "stderr": stderr, "stdin": stdin, "logs": logs}
        attached: AsyncAttached = await self.client.invoke("ContainerAttach", params)
        return attached

    @overload
    async def exec_run(
        self, cmd: _params.Command, *, stream: Literal[False] = False, stdin: bytes | None = None, **kwargs: Unpack[ExecArgs]
    ) -> ExecResult: ...
    @overload
    async def exec_run(
        self, cmd: _params.Command, *, stream: Literal[True], stdin: bool = False, **kwargs: Unpack[ExecArgs]
    ) -> AsyncExecStream: ...
    async def exec_run(
        self, cmd: _params.Command, *, stream: bool = False, stdin: bytes | bool | None = None, **kwargs: Unpack[ExecArgs]
    ) -> ExecResult | AsyncExecStream:
        if stream:
            plan = exec_start_plan(self.id, cmd, bool(stdin), kwargs)
            exec_id, attached = await drive_async(self.client, plan)
            return AsyncExecStream(self.client, exec_id, attached)
        return await self.client.exec_run(self.id, cmd, **exec_whole(stdin, kwargs))

    async def put_archive(self, path: str, data: _params.Body) -> bool:
        await self.client.invoke("PutContainerArchive", {"id": self.id, "path": path}, body=data)
        return True

    async def get_archive(self, path: str) -> tuple[AsyncStream, dict[str, Any]]:
        stat = await self.client.invoke("ContainerArchiveInfo", {"id": self.id, "path": path})
        stream: AsyncStream = await self.client.invoke("ContainerArchive", {"id": self.id, "path": path})
        return stream, stat

    async def copy_to(self, src: str, dest: str) -> None:
        await self.client.copy_to(self.id, src, dest)

    async def copy_from(self, src: str, dest: str) -> None:
        await self.client.copy_from(self.id, src, dest)


class AsyncContainerCollection:
    """``docker.containers`` of ``AsyncDocker``."""

    def __init__(self, client: AsyncDocker) -> None:
        self.client = client

    def _model(self, attrs: dict[str, Any]) -> AsyncContainer:
        return AsyncContainer(attrs, self.client)

    @overload
    async def run(
        self, image: str, command: _params.Command | None = None, *, detach: Literal[True], **kwargs: Unpack[RunArgs]
    ) -> AsyncContainer: ...
    @overload
    async def run(
        self,
        image: str,
        command: _params.Command | None = None,
        *,
        detach: Literal[False] = False,
        **kwargs: Unpack[RunArgs],
    ) -> bytes: ...
    async def run(
        self, image: str, command: _params.Command | None = None, *, detach: bool = False, **kwargs: Unpack[RunArgs]
    ) -> AsyncContainer | bytes:
        out = await drive_async(self.client, run_plan(image, command, detach, dict(kwargs)))
        if isinstance(out, str):
            return await self.get(out)
        return out

    async def create(
        self, image: str, command: _params.Command | None = None, **kwargs: Unpack[CreateArgs]
    ) -> AsyncContainer:
        cid = await drive_async(self.client, create_plan(image, command, dict(kwargs), pull_missing=False))
        return await self.get(cid)

    async def get(self, container_id: str) -> AsyncContainer:
        return self._model(await self.client.invoke("ContainerInspect", {"id": container_id}))

    async def list(
        self,
        all: bool = False,
        filters: Mapping[str, Any] | None = None,
        limit: int | None = None,
        since: str | None = None,
        before: str | None = None,
    ) -> builtins.list[AsyncContainer]:
        found = await self.client.invoke("ContainerList", _list_params(all, filters, limit, since, before))
        return [self._model(attrs) for attrs in found]

    async def prune(self, filters: Mapping[str, Any] | None = None) -> dict[str, Any]:
        return dict(await self.client.invoke("ContainerPrune", {"filters": _params.filters(filters)}))


__all__ = [
    "AsyncContainer",
    "AsyncContainerCollection",
    "AsyncExecStream",
    "Container",
    "ContainerCollection",
    "ExecStream",
]
