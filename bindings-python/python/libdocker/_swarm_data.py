"""Secrets and configs: data the swarm keeps and mounts into tasks as files.
``docker.secrets`` and ``docker.configs`` (``create``, ``get``, ``list``) with
models that ``remove`` and ``reload``; written once for both kinds (they differ
in their operations' names, and a secret's data is never given back)."""

from __future__ import annotations

import base64
import builtins
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from libdocker import _params
from libdocker._models import SwarmObjectAttrs

if TYPE_CHECKING:
    from libdocker._async_client import AsyncDocker
    from libdocker._client import Docker


def create_body(name: str, data: bytes | str, labels: Mapping[str, str] | None) -> dict[str, Any]:
    raw = data.encode() if isinstance(data, str) else bytes(data)
    return {"Name": name, "Labels": _params.labels(labels) or {}, "Data": base64.b64encode(raw).decode()}


class SwarmData(SwarmObjectAttrs):
    """A secret or a config."""

    __slots__ = ()
    client: Docker
    kind = ""

    @property
    def data(self) -> bytes | None:
        """A config's data (a secret's is never given back: None)."""
        encoded = self.spec.get("Data")
        return None if encoded is None else base64.b64decode(encoded)

    def reload(self) -> None:
        self.attrs = self.client.invoke(f"{self.kind}Inspect", {"id": self.id})

    def remove(self) -> None:
        self.client.invoke(f"{self.kind}Delete", {"id": self.id})


class Secret(SwarmData):
    __slots__ = ()
    kind = "Secret"


class Config(SwarmData):
    __slots__ = ()
    kind = "Config"


class SwarmDataCollection:
    """``docker.secrets`` or ``docker.configs``."""

    def __init__(self, client: Docker, model: type[SwarmData]) -> None:
        self.client = client
        self.model = model

    def create(self, name: str, data: bytes | str, labels: Mapping[str, str] | None = None) -> SwarmData:
        made = self.client.invoke(f"{self.model.kind}Create", {"body": create_body(name, data, labels)})
        return self.get(str(made["ID"]))

    def get(self, object_id: str) -> SwarmData:
        return self.model(self.client.invoke(f"{self.model.kind}Inspect", {"id": object_id}), self.client)

    def list(self, filters: Mapping[str, Any] | None = None) -> builtins.list[SwarmData]:
        found = self.client.invoke(f"{self.model.kind}List", {"filters": _params.filters(filters)})
        return [self.model(a, self.client) for a in found]


class AsyncSwarmData(SwarmObjectAttrs):
    """A secret or a config of ``AsyncDocker``."""

    __slots__ = ()
    client: AsyncDocker
    kind = ""

    @property
    def data(self) -> bytes | None:
        encoded = self.spec.get("Data")
        return None if encoded is None else base64.b64decode(encoded)

    async def reload(self) -> None:
        self.attrs = await self.client.invoke(f"{self.kind}Inspect", {"id": self.id})

    async def remove(self) -> None:
        await self.client.invoke(f"{self.kind}Delete", {"id": self.id})


class AsyncSecret(AsyncSwarmData):
    __slots__ = ()
    kind = "Secret"


class AsyncConfig(AsyncSwarmData):
    __slots__ = ()
    kind = "Config"


class AsyncSwarmDataCollection:
    """``docker.secrets`` or ``docker.configs`` of ``AsyncDocker``."""

    def __init__(self, client: AsyncDocker, model: type[AsyncSwarmData]) -> None:
        self.client = client
        self.model = model

    async def create(self, name: str, data: bytes | str, labels: Mapping[str, str] | None = None) -> AsyncSwarmData:
        made = await self.client.invoke(f"{self.model.kind}Create", {"body": create_body(name, data, labels)})
        return await self.get(str(made["ID"]))

    async def get(self, object_id: str) -> AsyncSwarmData:
        return self.model(await self.client.invoke(f"{self.model.kind}Inspect", {"id": object_id}), self.client)

    async def list(self, filters: Mapping[str, Any] | None = None) -> builtins.list[AsyncSwarmData]:
        found = await self.client.invoke(f"{self.model.kind}List", {"filters": _params.filters(filters)})
        return [self.model(a, self.client) for a in found]
