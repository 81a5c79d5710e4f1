"""Volumes: ``docker.volumes.create/get/list/prune`` and a ``Volume`` with
``remove`` and ``reload``; the asyncio twins awaited."""

from __future__ import annotations

import builtins

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from libdocker import _params
from libdocker._models import VolumeAttrs

if TYPE_CHECKING:
    from libdocker._async_client import AsyncDocker
    from libdocker._client import Docker


def create_body(
    name: str | None,
    driver: str | None,
    driver_opts: Mapping[str, str] | None,
    labels: Mapping[str, str] | None,
) -> dict[str, Any]:
    return {
        "Name": name,
        "Driver": driver,
        "DriverOpts": dict(driver_opts) if driver_opts else None,
        "Labels": _params.labels(labels),
    }


def volumes_of(listed: dict[str, Any]) -> list[dict[str, Any]]:
    """VolumeList answers ``{"Volumes": [...], "Warnings": [...]}``."""
    return list(listed.get("Volumes") or [])


class Volume(VolumeAttrs):

    __slots__ = ()
    client: Docker

    def reload(self) -> None:
        self.attrs = self.client.invoke("VolumeInspect", {"name": self.id})

    def remove(self, force: bool = False) -> None:
        self.client.invoke("VolumeDelete", {"name": self.id, "force": force})


class VolumeCollection:
    """``docker.volumes``."""

    def __init__(self, client: Docker) -> None:
        self.client = client

    def create(
        self,
        name: str | None = None,
        driver: str | None = None,
        driver_opts: Mapping[str, str] | None = None,
        labels: Mapping[str, str] | None = None,
    ) -> Volume:
        """A volume (named, or with a generated name)."""
        made = self.client.invoke("VolumeCreate", {"volumeConfig": create_body(name, driver, driver_opts, labels)})
        return Volume(made, self.client)

    def get(self, volume_id: str) -> Volume:
        return Volume(self.client.invoke("VolumeInspect", {"name": volume_id}), self.client)

    def list(self, filters: Mapping[str, Any] | None = None) -> builtins.list[Volume]:
        listed = self.client.invoke("VolumeList", {"filters": _params.filters(filters)})
        return [Volume(a, self.client) for a in volumes_of(listed)]

    def prune(self, filters: Mapping[str, Any] | None = None) -> dict[str, Any]:
        return dict(self.client.invoke("VolumePrune", {"filters": _params.filters(filters)}))


class AsyncVolume(VolumeAttrs):

    __slots__ = ()
    client: AsyncDocker

    async def reload(self) -> None:
        self.attrs = await self.client.invoke("VolumeInspect", {"name": self.id})

    async def remove(self, force: bool = False) -> None:
        await self.client.invoke("VolumeDelete", {"name": self.id, "force": force})


class AsyncVolumeCollection:
    """``docker.volumes`` of ``AsyncDocker``."""

    def __init__(self, client: AsyncDocker) -> None:
        self.client = client

    async def create(
        self,
        name: str | None = None,
        driver: str | None = None,
        driver_opts: Mapping[str, str] | None = None,
        labels: Mapping[str, str] | None = None,
    ) -> AsyncVolume:
        body = create_body(name, driver, driver_opts, labels)
        return AsyncVolume(await self.client.invoke("VolumeCreate", {"volumeConfig": body}), self.client)

    async def get(self, volume_id: str) -> AsyncVolume:
        return AsyncVolume(await self.client.invoke("VolumeInspect", {"name": volume_id}), self.client)

    async def list(self, filters: Mapping[str, Any] | None = None) -> builtins.list[AsyncVolume]:
        listed = await self.client.invoke("VolumeList", {"filters": _params.filters(filters)})
        return [AsyncVolume(a, self.client) for a in volumes_of(listed)]

    async def prune(self, filters: Mapping[str, Any] | None = None) -> dict[str, Any]:
        return dict(await self.client.invoke("VolumePrune", {"filters": _params.filters(filters)}))
