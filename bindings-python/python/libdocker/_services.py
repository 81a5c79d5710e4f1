"""Services: ``docker.services.create/get/list`` and a ``Service`` with
``update`` (taking the version index), ``scale``, ``rollback``, ``logs``,
``tasks``, ``wait_converged`` and ``remove``; tasks (``docker.tasks``); the
asyncio twins awaited. Several-call methods are plans, written once."""

from __future__ import annotations

import builtins
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, TypedDict, overload

from libdocker import _params
from libdocker._convergence import Convergence, converge_plan
from libdocker._models import SwarmObjectAttrs, TaskAttrs
from libdocker._native import InvalidParams
from libdocker._plan import Drain, Plan, drive, drive_async, invoke

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from libdocker._async_client import AsyncDocker
    from libdocker._client import Docker
    from libdocker._native import AsyncStream, Stream


class ServiceArgs(TypedDict, total=False):
    """What ``services.create`` takes besides the image and command."""

    name: str | None
    args: Sequence[str] | None
    env: Mapping[str, Any] | Sequence[str] | None
    labels: Mapping[str, str] | None
    container_labels: Mapping[str, str] | None
    replicas: int | None
    mode: str
    """``replicated`` (the default) or ``global``."""
    networks: Sequence[str] | None
    constraints: Sequence[str] | None
    secrets: Sequence[Mapping[str, Any]] | None
    """``{"SecretID": ..., "SecretName": ..., "File": {"Name": ...}}`` (``file_ref`` makes one)."""
    configs: Sequence[Mapping[str, Any]] | None
    endpoint_mode: str | None
    tty: bool
    restart_condition: str | None
    update_config: Mapping[str, Any] | None
    """The daemon's ``UpdateConfig`` (``Parallelism``, ``Delay`` in ns, ``FailureAction``, ...)."""
    stop_grace_period: float | None
    """Seconds."""


def file_ref(kind: str, object_id: str, name: str, target: str, mode: int = 0o444) -> dict[str, Any]:
    """A secret (``kind="Secret"``) or config mounted as the file ``target``."""
    return {
        f"{kind}ID": object_id,
        f"{kind}Name": name,
        "File": {"Name": target, "UID": "0", "GID": "0", "Mode": mode},
    }


def service_spec(image: str, command: _params.Command | None, args: ServiceArgs) -> dict[str, Any]:
    """ServiceCreate's body from the arguments."""
    unknown = set(args) - set(ServiceArgs.__annotations__)
    if unknown:
        raise TypeError(f"create() got unexpected keyword argument(s): {', '.join(sorted(unknown))}")
    container: dict[str, Any] = {"Image": image, "TTY": args.get("tty", False)}
    cmd = _params.command(command)
    if cmd:
        container["Command"] = cmd
    if args.get("args"):
        container["Args"] = list(args["args"] or [])
    env = _params.environment(args.get("env"))
    if env:
        container["Env"] = env
    if args.get("container_labels"):
        container["Labels"] = _params.labels(args.get("container_labels"))
    if args.get("secrets"):
        container["Secrets"] = [dict(s) for s in args["secrets"] or []]
    if args.get("configs"):
        container["Configs"] = [dict(c) for c in args["configs"] or []]
    grace = args.get("stop_grace_period")
    if grace is not None:
        container["StopGracePeriod"] = int(grace * 1e9)
    task: dict[str, Any] = {"ContainerSpec": container}
    if args.get("constraints"):
        task["Placement"] = {"Constraints": list(args["constraints"] or [])}
    if args.get("restart_condition"):
        task["RestartPolicy"] = {"Condition": args["restart_condition"]}
    if args.get("networks"):
        task["Networks"] = [{"Target": n} for n in args["networks"] or []]
    mode = args.get("mode", "replicated")
    if mode == "global":
        if args.get("replicas") is not None:
            raise ValueError("a global service has no replicas")
        service_mode: dict[str, Any] = {"Global": {}}
    elif mode == "replicated":
        replicas = args.get("replicas")
        service_mode = {"Replicated": {"Replicas": 1 if replicas is None else int(replicas)}}
    else:
        raise ValueError(f"mode must be 'replicated' or 'global', not {mode!r}")
    spec: dict[str, Any] = {"Labels": _params.labels(args.get("labels")) or {}, "TaskTemplate": task, "Mode": service_mode}
    if args.get("name"):
        spec["Name"] = args["name"]
    if args.get("endpoint_mode"):
        spec["EndpointSpec"] = {"Mode": args["endpoint_mode"]}
    if args.get("update_config"):
        spec["UpdateConfig"] = dict(args["update_config"] or {})
    return spec


def scale_plan(service_id: str, replicas: int) -> Plan[None]:
    """An inspect, then an update of that version with the new number of replicas."""
    service = yield invoke("ServiceInspect", {"id": service_id})
    spec = service["Spec"]
    if "Replicated" not in (spec.get("Mode") or {}):
        raise InvalidParams(f"service {service_id} is not replicated: only a replicated service scales")
    spec["Mode"]["Replicated"]["Replicas"] = int(replicas)
    yield invoke("ServiceUpdate", {"id": service_id, "version": service["Version"]["Index"], "body": spec})


def rollback_plan(service_id: str) -> Plan[None]:
    """Back to the spec before the last update."""
    service = yield invoke("ServiceInspect", {"id": service_id})
    params = {"id": service_id, "version": service["Version"]["Index"], "rollback": "previous", "body": service["Spec"]}
    yield invoke("ServiceUpdate", params)


def logs_params(
    object_id: str, stdout: bool, stderr: bool, follow: bool, tail: int | str | None, since: _params.Time | None, timestamps: bool
) -> dict[str, Any]:
    return {
        "id": object_id,
        "stdout": stdout,
        "stderr": stderr,
        "follow": follow,
        "tail": None if tail is None else str(tail),
        "since": _params.timestamp(since, "since"),
        "timestamps": timestamps,
    }


def logs_plan(op: str, params: dict[str, Any]) -> Plan[builtins.list[tuple[int, bytes]]]:
    stream = yield invoke(op, params)
    items = yield Drain(stream)
    return [(int(s), bytes(d)) for s, d in items]


def _task_filters(service_id: str, filters: Mapping[str, Any] | None) -> dict[str, Any]:
    found = dict(_params.filters(filters) or {})
    found["service"] = [service_id]
    return {"filters": found}


class Task(TaskAttrs):

    __slots__ = ()
    client: Docker

    def reload(self) -> None:
        self.attrs = self.client.invoke("TaskInspect", {"id": self.id})

    def logs(self, stdout: bool = True, stderr: bool = True, tail: int | str | None = None) -> builtins.list[tuple[int, bytes]]:
        """The task's output as ``(stream, data)`` items, demultiplexed unless the service has a TTY."""
        params = logs_params(self.id, stdout, stderr, False, tail, None, False)
        return drive(self.client, logs_plan("TaskLogs", params))


class TaskCollection:
    """``docker.tasks``."""

    def __init__(self, client: Docker) -> None:
        self.client = client

    def get(self, task_id: str) -> Task:
        return Task(self.client.invoke("TaskInspect", {"id": task_id}), self.client)

    def list(self, filters: Mapping[str, Any] | None = None) -> builtins.list[Task]:
        """Tasks matching ``filters`` (``service``, ``node``, ``desired-state``, ...)."""
        found = self.client.invoke("TaskList", {"filters": _params.filters(filters)})
        return [Task(a, self.client) for a in found]


class Service(SwarmObjectAttrs):

    __slots__ = ()
    client: Docker

    def reload(self) -> None:
        self.attrs = self.client.invoke("ServiceInspect", {"id": self.id})

    def update(self, spec: Mapping[str, Any], version: int | None = None) -> builtins.list[str]:
        """Replaces the spec. ``version`` is the one the spec was read at (by
        default this object's, from its last read); if the service changed since,
        ``OutOfSequence`` is raised, naming both versions. The daemon's warnings."""
        params = {"id": self.id, "version": self.version if version is None else version, "body": dict(spec)}
        answer = self.client.invoke("ServiceUpdate", params)
        self.reload()
        return list(answer.get("Warnings") or [])

    def scale(self, replicas: int) -> None:
        drive(self.client, scale_plan(self.id, replicas))
        self.reload()

    def rollback(self) -> None:
        drive(self.client, rollback_plan(self.id))
        self.reload()

    def remove(self) -> None:
        self.client.invoke("ServiceDelete", {"id": self.id})

    def tasks(self, filters: Mapping[str, Any] | None = None) -> builtins.list[Task]:
        found = self.client.invoke("TaskList", _task_filters(self.id, filters))
        return [Task(a, self.client) for a in found]

    @overload
    def logs(
        self,
        stdout: bool = True,
        stderr: bool = True,
        follow: bool = False,
        tail: int | str | None = None,
        since: _params.Time | None = None,
        timestamps: bool = False,
        *,
        stream: Literal[False] = False,
    ) -> builtins.list[tuple[int, bytes]]: ...
    @overload
    def logs(
        self,
        stdout: bool = True,
        stderr: bool = True,
        follow: bool = False,
        tail: int | str | None = None,
        since: _params.Time | None = None,
        timestamps: bool = False,
        *,
        stream: Literal[True],
    ) -> Stream: ...
    def logs(
        self,
        stdout: bool = True,
        stderr: bool = True,
        follow: bool = False,
        tail: int | str | None = None,
        since: _params.Time | None = None,
        timestamps: bool = False,
        *,
        stream: bool = False,
    ) -> builtins.list[tuple[int, bytes]] | Stream:
        """The output of all its tasks, on every node, as ``(stream, data)``
        items (``libdocker.STDOUT`` / ``STDERR``; raw when it has a TTY): all of
        it as a list, or with ``stream=True`` as they arrive (``follow``: until
        the stream is closed or the service removed)."""
        params = logs_params(self.id, stdout, stderr, follow, tail, since, timestamps)
        if stream:
            found: Stream = self.client.invoke("ServiceLogs", params)
            return found
        return drive(self.client, logs_plan("ServiceLogs", params))

    def wait_converged(
        self, timeout: float = 120.0, poll: float = 0.5, progress: Callable[[Convergence], Any] | None = None
    ) -> Convergence:
        """Waits until its tasks run as its spec wants (and an update has ended);
        ``progress`` hears each change. Raises ``Timeout`` or ``ProgressError``."""
        return drive(self.client, converge_plan(self.id, timeout, poll, progress))


class ServiceCollection:
    """``docker.services``."""

    def __init__(self, client: Docker) -> None:
        self.client = client

    def create(self, image: str, command: _params.Command | None = None, **kwargs: Unpack[ServiceArgs]) -> Service:
        """A service of ``image`` (used as named: not resolved to a digest)."""
        made = self.client.invoke("ServiceCreate", {"body": service_spec(image, command, kwargs)})
        return self.get(str(made["ID"]))

    def get(self, service_id: str) -> Service:
        return Service(self.client.invoke("ServiceInspect", {"id": service_id}), self.client)

    def list(self, filters: Mapping[str, Any] | None = None) -> builtins.list[Service]:
        found = self.client.invoke("ServiceList", {"filters": _params.filters(filters)})
        return [Service(a, self.client) for a in found]


class AsyncTask(TaskAttrs):

    __slots__ = ()
    client: AsyncDocker

    async def reload(self) -> None:
        self.attrs = await self.client.invoke("TaskInspect", {"id": self.id})

    async def logs(self, stdout: bool = True, stderr: bool = True, tail: int | str | None = None) -> builtins.list[tuple[int, bytes]]:
        params = logs_params(self.id, stdout, stderr, False, tail, None, False)
        return await drive_async(self.client, logs_plan("TaskLogs", params))


class AsyncTaskCollection:
    """``docker.tasks`` of ``AsyncDocker``."""

    def __init__(self, client: AsyncDocker) -> None:
        self.client = client

    async def get(self, task_id: str) -> AsyncTask:
        return AsyncTask(await self.client.invoke("TaskInspect", {"id": task_id}), self.client)

    async def list(self, filters: Mapping[str, Any] | None = None) -> builtins.list[AsyncTask]:
        found = await self.client.invoke("TaskList", {"filters": _params.filters(filters)})
        return [AsyncTask(a, self.client) for a in found]


class AsyncService(SwarmObjectAttrs):

    __slots__ = ()
    client: AsyncDocker

    async def reload(self) -> None:
        self.attrs = await self.client.invoke("ServiceInspect", {"id": self.id})

    async def update(self, spec: Mapping[str, Any], version: int | None = None) -> builtins.list[str]:
        params = {"id": self.id, "version": self.version if version is None else version, "body": dict(spec)}
        answer = await self.client.invoke("ServiceUpdate", params)
        await self.reload()
        return list(answer.get("Warnings") or [])

    async def scale(self, replicas: int) -> None:
        await drive_async(self.client, scale_plan(self.id, replicas))
        await self.reload()

    async def rollback(self) -> None:
        await drive_async(self.client, rollback_plan(self.id))
        await self.reload()

    async def remove(self) -> None:
        await self.client.invoke("ServiceDelete", {"id": self.id})

    async def tasks(self, filters: Mapping[str, Any] | None = None) -> builtins.list[AsyncTask]:
        found = await self.client.invoke("TaskList", _task_filters(self.id, filters))
        return [AsyncTask(a, self.client) for a in found]

    @overload
    async def logs(
        self,
        stdout: bool = True,
        stderr: bool = True,
        follow: bool = False,
        tail: int | str | None = None,
        since: _params.Time | None = None,
        timestamps: bool = False,
        *,
        stream: Literal[False] = False,
    ) -> builtins.list[tuple[int, bytes]]: ...
    @overload
    async def logs(
        self,
        stdout: bool = True,
        stderr: bool = True,
        follow: bool = False,
        tail: int | str | None = None,
        since: _params.Time | None = None,
        timestamps: bool = False,
        *,
        stream: Literal[True],
    ) -> AsyncStream: ...
    async def logs(
        self,
        stdout: bool = True,
        stderr: bool = True,
        follow: bool = False,
        tail: int | str | None = None,
        since: _params.Time | None = None,
        timestamps: bool = False,
        *,
        stream: bool = False,
    ) -> builtins.list[tuple[int, bytes]] | AsyncStream:
        params = logs_params(self.id, stdout, stderr, follow, tail, since, timestamps)
        if stream:
            found: AsyncStream = await self.client.invoke("ServiceLogs", params)
            return found
        return await drive_async(self.client, logs_plan("ServiceLogs", params))

    async def wait_converged(
        self, timeout: float = 120.0, poll: float = 0.5, progress: Callable[[Convergence], Any] | None = None
    ) -> Convergence:
        return await drive_async(self.client, converge_plan(self.id, timeout, poll, progress))


class AsyncServiceCollection:
    """``docker.services`` of ``AsyncDocker``."""

    def __init__(self, client: AsyncDocker) -> None:
        self.client = client

    async def create(self, image: str, command: _params.Command | None = None, **kwargs: Unpack[ServiceArgs]) -> AsyncService:
        made = await self.client.invoke("ServiceCreate", {"body": service_spec(image, command, kwargs)})
        return await self.get(str(made["ID"]))

    async def get(self, service_id: str) -> AsyncService:
        return AsyncService(await self.client.invoke("ServiceInspect", {"id": service_id}), self.client)

    async def list(self, filters: Mapping[str, Any] | None = None) -> builtins.list[AsyncService]:
        found = await self.client.invoke("ServiceList", {"filters": _params.filters(filters)})
        return [AsyncService(a, self.client) for a in found]
