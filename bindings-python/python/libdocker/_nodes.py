"""Nodes: ``docker.nodes.get/list`` and a ``Node`` with ``update`` (taking the
version index), ``set_availability``, ``set_labels`` and ``remove``; the
asyncio twins awaited."""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from libdocker import _params
from libdocker._models import SwarmObjectAttrs, _dig
from libdocker._plan import Plan, drive, drive_async, invoke

if TYPE_CHECKING:
    from libdocker._async_client import AsyncDocker
    from libdocker._client import Docker

AVAILABILITIES = ("active", "pause", "drain")


def edit_plan(node_id: str, changes: dict[str, Any]) -> Plan[None]:
    """An inspect, then an update of that version with ``changes`` in the spec."""
    if "Availability" in changes and changes["Availability"] not in AVAILABILITIES:
        raise ValueError(f"availability must be one of {', '.join(AVAILABILITIES)}, not {changes['Availability']!r}")
    node = yield invoke("NodeInspect", {"id": node_id})
    spec = dict(node.get("Spec") or {})
    spec.update(changes)
    yield invoke("NodeUpdate", {"id": node["ID"], "version": node["Version"]["Index"], "body": spec})


class NodeAttrs(SwarmObjectAttrs):
    __slots__ = ()

    @property
    def hostname(self) -> str:
        return str(_dig(self.attrs, "Description", "Hostname") or "")

    @property
    def role(self) -> str:
        """``manager`` or ``worker``."""
        return str(self.spec.get("Role") or "")

    @property
    def availability(self) -> str:
        """``active``, ``pause`` or ``drain``."""
        return str(self.spec.get("Availability") or "")

    @property
    def state(self) -> str:
        """``ready``, ``down``, ``unknown``, ``disconnected``."""
        return str(_dig(self.attrs, "Status", "State") or "")


class Node(NodeAttrs):

    __slots__ = ()
    client: Docker

    def reload(self) -> None:
        self.attrs = self.client.invoke("NodeInspect", {"id": self.id})

    def update(self, spec: Mapping[str, Any], version: int | None = None) -> None:
        """Replaces the spec; ``version`` is the one it was read at (by default
        this object's; an older one raises ``OutOfSequence``)."""
        params = {"id": self.id, "version": self.version if version is None else version, "body": dict(spec)}
        self.client.invoke("NodeUpdate", params)
        self.reload()

    def set_availability(self, availability: str) -> None:
        """``active``, ``pause`` or ``drain`` (its tasks move to other nodes)."""
        drive(self.client, edit_plan(self.id, {"Availability": availability}))
        self.reload()

    def set_labels(self, labels: Mapping[str, str]) -> None:
        drive(self.client, edit_plan(self.id, {"Labels": _params.labels(labels) or {}}))
        self.reload()

    def remove(self, force: bool = False) -> None:
        self.client.invoke("NodeDelete", {"id": self.id, "force": force})


class NodeCollection:
    """``docker.nodes``."""

    def __init__(self, client: Docker) -> None:
        self.client = client

    def get(self, node_id: str) -> Node:
        return Node(self.client.invoke("NodeInspect", {"id": node_id}), self.client)

    def list(self, filters: Mapping[str, Any] | None = None) -> builtins.list[Node]:
        """Nodes matching ``filters`` (``role``, ``membership``, ``name``, ``label``, ...)."""
        found = self.client.invoke("NodeList", {"filters": _params.filters(filters)})
        return [Node(a, self.client) for a in found]


class AsyncNode(NodeAttrs):

    __slots__ = ()
    client: AsyncDocker

    async def reload(self) -> None:
        self.attrs = await self.client.invoke("NodeInspect", {"id": self.id})

    async def update(self, spec: Mapping[str, Any], version: int | None = None) -> None:
        params = {"id": self.id, "version": self.version if version is None else version, "body": dict(spec)}
        await self.client.invoke("NodeUpdate", params)
        await self.reload()

    async def set_availability(self, availability: str) -> None:
        await drive_async(self.client, edit_plan(self.id, {"Availability": availability}))
        await self.reload()

    async def set_labels(self, labels: Mapping[str, str]) -> None:
        await drive_async(self.client, edit_plan(self.id, {"Labels": _params.labels(labels) or {}}))
        await self.reload()

    async def remove(self, force: bool = False) -> None:
        await self.client.invoke("NodeDelete", {"id": self.id, "force": force})


class AsyncNodeCollection:
    """``docker.nodes`` of ``AsyncDocker``."""

    def __init__(self, client: AsyncDocker) -> None:
        self.client = client

    async def get(self, node_id: str) -> AsyncNode:
        return AsyncNode(await self.client.invoke("NodeInspect", {"id": node_id}), self.client)

    async def list(self, filters: Mapping[str, Any] | None = None) -> builtins.list[AsyncNode]:
        found = await self.client.invoke("NodeList", {"filters": _params.filters(filters)})
        return [AsyncNode(a, self.client) for a in found]
