"""Container maps (docker-map's, read from Compose files): services with their
dependencies, applied to one or more daemons at once.

    >>> m = libdocker.Map.load("compose.yaml")
    >>> docker.maps.up(m, clients={"edge": edge_docker})   # events as they happen
    >>> [c.name for c in docker.maps.ps(m)]
    >>> docker.maps.down(m)
    >>> manager.maps.deploy_stack(m)          # or to a swarm, as a stack

The client a collection belongs to is the default client; services placed on
named clients (``x-libdocker: {clients: [edge]}``) run on the ones given in
``clients``. Actions run in dependency order with as much in parallel as the
graph allows; a failed service stops its dependents and raises ``MapFailed``
at the end, naming both. ``AsyncDocker.maps`` has the same methods, awaited.
"""

from __future__ import annotations

import json
import os
from collections.abc import AsyncGenerator, Callable, Generator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Union

from libdocker import _native

if TYPE_CHECKING:
    from typing_extensions import TypeAlias

    from libdocker._async_client import AsyncDocker
    from libdocker._client import Docker

    # What the actions are called, and the named clients they run on.
    _Action: TypeAlias = Literal["up", "update", "down", "start", "stop", "restart", "pull", "build"]
    _Clients: TypeAlias = Mapping[str, Union[_native.Docker, _native.AsyncDocker]]



class Map:
    """A container map: a Compose project's services, networks and volumes."""

    __slots__ = ("_native",)

    def __init__(self, native: _native.ContainerMap) -> None:
        self._native = native

    @classmethod
    def load(cls, path: str | os.PathLike[str], *, project: str | None = None) -> Map:
        """Reads a Compose file (or a JSON map), with the ``.env`` beside it.
        Errors (``InvalidMap``) name the file, line and key."""
        return cls(_native.ContainerMap.load(path, project=project))

    @classmethod
    def from_yaml(
        cls, text: str, working_dir: str | os.PathLike[str] | None = None, *, project: str | None = None
    ) -> Map:
        """Reads Compose YAML; relative paths start at ``working_dir``."""
        return cls(_native.ContainerMap.from_yaml(text, working_dir, project=project))

    @classmethod
    def from_dict(cls, document: Mapping[str, Any]) -> Map:
        """Reads a map given as data (the Compose document, or ``to_dict()``)."""
        return cls(_native.ContainerMap.from_json(json.dumps(document)))

    @property
    def name(self) -> str:
        """The project name."""
        return self._native.name

    @property
    def services(self) -> list[str]:
        return self._native.services

    @property
    def warnings(self) -> list[str]:
        """Keys read but without effect here (as Compose ignores them)."""
        return self._native.warnings

    def to_dict(self) -> dict[str, Any]:
        """The map as data, in Compose's long syntax; ``from_dict`` reads it back."""
        result: dict[str, Any] = json.loads(self._native.to_json())
        return result

    def __repr__(self) -> str:
        return f"Map({self.name!r}, services={self.services!r})"


@dataclass(frozen=True, slots=True)
class MapEvent:
    """One report of an action: ``step`` (``create``, ``start``, ``pull``…, or
    ``wait`` for a dependency's condition) reached ``status`` (``working``,
    ``progress``, ``done``, ``failed``, ``skipped``) for ``target`` (a
    container, network, volume or image) of ``service`` on ``client``
    (``""``: the default client)."""

    step: str
    status: Literal["working", "progress", "done", "failed", "skipped"]
    client: str
    target: str
    service: str | None = None
    message: str | None = None

    @classmethod
    def _of(cls, item: Mapping[str, Any]) -> MapEvent:
        return cls(
            item["step"], item["status"], item["client"], item["target"], item.get("service"), item.get("message")
        )

    def __str__(self) -> str:
        where = self.client or "default"
        text = f"[{where}] {self.step} {self.target} {self.status}"
        return f"{text}: {self.message}" if self.message else text


@dataclass(frozen=True, slots=True)
class MapStep:
    """One step of a plan: what ``plan`` says an action would do."""

    step: str
    client: str
    target: str
    service: str | None = None
    reason: str = ""
    number: int = 0

    @classmethod
    def _of(cls, item: Mapping[str, Any]) -> MapStep:
        return cls(
            item["step"],
            item["client"],
            item["target"],
            item.get("service"),
            item.get("reason", ""),
            item.get("number", 0),
        )


@dataclass(frozen=True, slots=True)
class MapContainer:
    """A container of the project on one daemon, as ``ps`` lists it."""

    client: str
    id: str
    name: str
    service: str
    number: int
    state: str
    status: str
    image: str
    hash: str

    @classmethod
    def _of(cls, item: Mapping[str, Any]) -> MapContainer:
        return cls(
            item["client"],
            item["id"],
            item["name"],
            item["service"],
            item["number"],
            item["state"],
            item["status"],
            item["image"],
            item["hash"],
        )


@dataclass(frozen=True, slots=True)
class MapLogLine:
    """A line of a container's output (``stream``: ``stdout`` or ``stderr``)."""

    client: str
    service: str
    container: str
    stream: Literal["stdout", "stderr"]
    line: str

    def prefixed(self, width: int = 0) -> str:
        """``name | line``, as Compose prints it."""
        return f"{self.container:<{width}} | {self.line}"


@dataclass(frozen=True, slots=True)
class StackReport:
    """What a stack deploy made (or a removal removed), by the swarm's names:
    ``services`` created, ``updated`` in place, ``networks``, ``secrets``,
    ``configs``; ``warnings`` for what a stack ignores (``depends_on``)."""

    stack: str
    services: list[str]
    updated: list[str]
    networks: list[str]
    secrets: list[str]
    configs: list[str]
    warnings: list[str]

    @classmethod
    def _of(cls, item: Mapping[str, Any]) -> StackReport:
        return cls(
            item["stack"],
            item["services"],
            item["updated"],
            item["networks"],
            item["secrets"],
            item["configs"],
            item["warnings"],
        )


def _clients(clients: _Clients | None) -> dict[str, Any] | None:
    return None if clients is None else dict(clients)


def _map(m: Map | str | os.PathLike[str]) -> Map:
    return m if isinstance(m, Map) else Map.load(m)


class MapCollection:
    """``docker.maps``: container maps applied with this client as the default."""

    def __init__(self, docker: Docker) -> None:
        self._docker = docker

    def load(self, path: str | os.PathLike[str], *, project: str | None = None) -> Map:
        return Map.load(path, project=project)

    def plan(
        self, m: Map | str, action: _Action = "up", *, clients: _Clients | None = None, volumes: bool = False
    ) -> list[MapStep]:
        """What ``action`` would do now, step by step; nothing is changed."""
        steps = _map(m)._native.plan(self._docker, _clients(clients), action, volumes=volumes)
        return [MapStep._of(s) for s in steps]

    def run(
        self,
        m: Map | str,
        action: _Action = "up",
        *,
        clients: _Clients | None = None,
        volumes: bool = False,
        timeout: float | None = None,
    ) -> Generator[MapEvent, None, None]:
        """Runs ``action``, yielding its events; ``MapFailed`` (naming what
        failed and what was skipped) is raised at the end if a step failed.
        Stopping the iteration early cancels the action; ``up`` resumes it."""
        stream = _map(m)._native.run(self._docker, _clients(clients), action, volumes=volumes, timeout=timeout)
        with stream:
            for item in stream:
                yield MapEvent._of(item)

    def _act(
        self,
        m: Map | str,
        action: _Action,
        clients: _Clients | None,
        on_event: Callable[[MapEvent], bool | None] | None,
        volumes: bool = False,
        timeout: float | None = None,
    ) -> list[MapEvent]:
        done = []
        events = self.run(m, action, clients=clients, volumes=volumes, timeout=timeout)
        try:
            for event in events:
                if event.status == "done":
                    done.append(event)
                if on_event is not None and on_event(event):
                    break
        finally:
            events.close()  # stops the action if it was left early
        return done

    def up(
        self,
        m: Map | str,
        *,
        clients: _Clients | None = None,
        on_event: Callable[[MapEvent], bool | None] | None = None,
    ) -> list[MapEvent]:
        """Creates the networks and volumes, then creates and starts every
        service (recreating what changed) in dependency order, waiting for
        ``depends_on`` conditions. ``on_event`` sees each event and may return
        True to stop (the action is cancelled where it is). Returns the steps done."""
        return self._act(m, "up", clients, on_event)

    def update(
        self,
        m: Map | str,
        *,
        clients: _Clients | None = None,
        on_event: Callable[[MapEvent], bool | None] | None = None,
    ) -> list[MapEvent]:
        """Recreates only the containers whose configuration changed (and creates new ones)."""
        return self._act(m, "update", clients, on_event)

    def down(
        self,
        m: Map | str,
        *,
        clients: _Clients | None = None,
        volumes: bool = False,
        timeout: float | None = None,
        on_event: Callable[[MapEvent], bool | None] | None = None,
    ) -> list[MapEvent]:
        """Stops and removes the project's containers in reverse dependency
        order, then its networks (``volumes=True``: its volumes too)."""
        return self._act(m, "down", clients, on_event, volumes, timeout)

    def start(self, m: Map | str, *, clients: _Clients | None = None) -> list[MapEvent]:
        return self._act(m, "start", clients, None)

    def stop(self, m: Map | str, *, clients: _Clients | None = None, timeout: float | None = None) -> list[MapEvent]:
        return self._act(m, "stop", clients, None, timeout=timeout)

    def restart(
        self, m: Map | str, *, clients: _Clients | None = None, timeout: float | None = None
    ) -> list[MapEvent]:
        return self._act(m, "restart", clients, None, timeout=timeout)

    def pull(self, m: Map | str, *, clients: _Clients | None = None) -> list[MapEvent]:
        return self._act(m, "pull", clients, None)

    def build(self, m: Map | str, *, clients: _Clients | None = None) -> list[MapEvent]:
        return self._act(m, "build", clients, None)

    def deploy_stack(self, m: Map | str) -> StackReport:
        """Deploys the map to the swarm this client manages, as the stack named
        after its project (``docker stack deploy``): each service's ``deploy:``
        section becomes its service spec; networks are overlay; secrets and
        configs are the swarm's. A second deploy updates the services in place."""
        return StackReport._of(_map(m)._native.deploy_stack(self._docker))

    def remove_stack(self, m: Map | str) -> StackReport:
        """Removes the stack's services, then its networks, secrets and configs."""
        return StackReport._of(_map(m)._native.remove_stack(self._docker))

    def ps(self, m: Map | str, *, clients: _Clients | None = None) -> list[MapContainer]:
        """The project's containers on every daemon the map uses (whoever made them)."""
        return [MapContainer._of(c) for c in _map(m)._native.ps(self._docker, _clients(clients))]

    def logs(
        self, m: Map | str, *, clients: _Clients | None = None, follow: bool = False, tail: int | None = None
    ) -> Generator[MapLogLine, None, None]:
        """Every container's output merged, line by line, as it comes."""
        stream = _map(m)._native.logs(self._docker, _clients(clients), follow=follow, tail=tail)
        with stream:
            for item in stream:
                yield MapLogLine(item["client"], item["service"], item["container"], item["stream"], item["line"])


class AsyncMapCollection:
    """``AsyncDocker.maps``: ``MapCollection``'s methods, awaited."""

    def __init__(self, docker: AsyncDocker) -> None:
        self._docker = docker

    def load(self, path: str | os.PathLike[str], *, project: str | None = None) -> Map:
        return Map.load(path, project=project)

    async def plan(
        self, m: Map | str, action: _Action = "up", *, clients: _Clients | None = None, volumes: bool = False
    ) -> list[MapStep]:
        steps = await _map(m)._native.plan_async(self._docker, _clients(clients), action, volumes=volumes)
        return [MapStep._of(s) for s in steps]

    async def run(
        self,
        m: Map | str,
        action: _Action = "up",
        *,
        clients: _Clients | None = None,
        volumes: bool = False,
        timeout: float | None = None,
    ) -> AsyncGenerator[MapEvent, None]:
        """Runs ``action``, yielding its events (``async for``); see ``MapCollection.run``."""
        stream = _map(m)._native.run_async(self._docker, _clients(clients), action, volumes=volumes, timeout=timeout)
        async with stream:
            async for item in stream:
                yield MapEvent._of(item)

    async def _act(
        self,
        m: Map | str,
        action: _Action,
        clients: _Clients | None,
        on_event: Callable[[MapEvent], bool | None] | None,
        volumes: bool = False,
        timeout: float | None = None,
    ) -> list[MapEvent]:
        done = []
        events = self.run(m, action, clients=clients, volumes=volumes, timeout=timeout)
        try:
            async for event in events:
                if event.status == "done":
                    done.append(event)
                if on_event is not None and on_event(event):
                    break
        finally:
            await events.aclose()  # stops the action if it was left early
        return done

    async def up(
        self,
        m: Map | str,
        *,
        clients: _Clients | None = None,
        on_event: Callable[[MapEvent], bool | None] | None = None,
    ) -> list[MapEvent]:
        return await self._act(m, "up", clients, on_event)

    async def update(
        self,
        m: Map | str,
        *,
        clients: _Clients | None = None,
        on_event: Callable[[MapEvent], bool | None] | None = None,
    ) -> list[MapEvent]:
        return await self._act(m, "update", clients, on_event)

    async def down(
        self,
        m: Map | str,
        *,
        clients: _Clients | None = None,
        volumes: bool = False,
        timeout: float | None = None,
        on_event: Callable[[MapEvent], bool | None] | None = None,
    ) -> list[MapEvent]:
        return await self._act(m, "down", clients, on_event, volumes, timeout)

    async def start(self, m: Map | str, *, clients: _Clients | None = None) -> list[MapEvent]:
        return await self._act(m, "start", clients, None)

    async def stop(
        self, m: Map | str, *, clients: _Clients | None = None, timeout: float | None = None
    ) -> list[MapEvent]:
        return await self._act(m, "stop", clients, None, timeout=timeout)

    async def restart(
        self, m: Map | str, *, clients: _Clients | None = None, timeout: float | None = None
    ) -> list[MapEvent]:
        return await self._act(m, "restart", clients, None, timeout=timeout)

    async def pull(self, m: Map | str, *, clients: _Clients | None = None) -> list[MapEvent]:
        return await self._act(m, "pull", clients, None)

    async def build(self, m: Map | str, *, clients: _Clients | None = None) -> list[MapEvent]:
        return await self._act(m, "build", clients, None)

    async def deploy_stack(self, m: Map | str) -> StackReport:
        return StackReport._of(await _map(m)._native.deploy_stack_async(self._docker))

    async def remove_stack(self, m: Map | str) -> StackReport:
        return StackReport._of(await _map(m)._native.remove_stack_async(self._docker))

    async def ps(self, m: Map | str, *, clients: _Clients | None = None) -> list[MapContainer]:
        rows = await _map(m)._native.ps_async(self._docker, _clients(clients))
        return [MapContainer._of(c) for c in rows]

    async def logs(
        self, m: Map | str, *, clients: _Clients | None = None, follow: bool = False, tail: int | None = None
    ) -> AsyncGenerator[MapLogLine, None]:
        stream = await _map(m)._native.logs_async(self._docker, _clients(clients), follow=follow, tail=tail)
        async with stream:
            async for item in stream:
                yield MapLogLine(item["client"], item["service"], item["container"], item["stream"], item["line"])
