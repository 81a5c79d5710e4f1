"""Networks: ``docker.networks.create/get/list/prune`` and a ``Network`` with
``connect``, ``disconnect``, ``remove``, ``reload``; the asyncio twins awaited."""

from __future__ import annotations

import builtins

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypedDict, Union

from libdocker import _params
from libdocker._models import ContainerAttrs, NetworkAttrs

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from libdocker._async_client import AsyncDocker
    from libdocker._client import Docker

#: A container as an argument: its id or name, or the object.
ContainerRef = Union[str, ContainerAttrs]


def _container_id(container: ContainerRef) -> str:
    if isinstance(container, ContainerAttrs):
        return container.id
    if isinstance(container, str):
        return container
    raise TypeError(f"container must be a Container, an id or a name, not {type(container).__name__}")


class NetworkArgs(TypedDict, total=False):
    """What ``networks.create`` takes besides the name (docker-py's names)."""

    driver: str | None
    options: Mapping[str, str] | None
    ipam: Mapping[str, Any] | None
    internal: bool
    labels: Mapping[str, str] | None
    enable_ipv6: bool
    attachable: bool | None
    scope: str | None
    ingress: bool | None


def create_body(name: str, args: NetworkArgs) -> dict[str, Any]:
    """NetworkCreate's body from docker-py's arguments."""
    unknown = set(args) - set(NetworkArgs.__annotations__)
    if unknown:
        raise TypeError(f"create() got unexpected keyword argument(s): {', '.join(sorted(unknown))}")
    options, ipam = args.get("options"), args.get("ipam")
    return {
        "Name": name,
        "Driver": args.get("driver"),
        "Options": dict(options) if options else None,
        "IPAM": dict(ipam) if ipam else None,
        "Internal": args.get("internal", False),
        "Labels": _params.labels(args.get("labels")),
        "EnableIPv6": args.get("enable_ipv6", False),
        "Attachable": args.get("attachable"),
        "Scope": args.get("scope"),
        "Ingress": args.get("ingress"),
    }


def connect_body(
    container: ContainerRef,
    aliases: Sequence[str] | None,
    ipv4_address: str | None,
    ipv6_address: str | None,
    links: Sequence[str] | None,
) -> dict[str, Any]:
    endpoint: dict[str, Any] = {}
    if aliases:
        endpoint["Aliases"] = list(aliases)
    if links:
        endpoint["Links"] = list(links)
    if ipv4_address or ipv6_address:
        endpoint["IPAMConfig"] = {"IPv4Address": ipv4_address, "IPv6Address": ipv6_address}
    return {"Container": _container_id(container), "EndpointConfig": endpoint or None}


def _list_params(
    names: Sequence[str] | None, ids: Sequence[str] | None, filters: Mapping[str, Any] | None
) -> dict[str, Any]:
    found = dict(_params.filters(filters) or {})
    if names:
        found["name"] = list(names)
    if ids:
        found["id"] = list(ids)
    return {"filters": found or None}


class Network(NetworkAttrs):

    __slots__ = ()
    client: Docker

    def reload(self) -> None:
        self.attrs = self.client.invoke("NetworkInspect", {"id": self.id})

    def connect(
        self,
        container: ContainerRef,
        aliases: Sequence[str] | None = None,
        ipv4_address: str | None = None,
        ipv6_address: str | None = None,
        links: Sequence[str] | None = None,
    ) -> None:
        """Attaches a container (by object, id or name), with DNS ``aliases``."""
        body = connect_body(container, aliases, ipv4_address, ipv6_address, links)
        self.client.invoke("NetworkConnect", {"id": self.id, "container": body})

    def disconnect(self, container: ContainerRef, force: bool = False) -> None:
        body = {"Container": _container_id(container), "Force": force}
        self.client.invoke("NetworkDisconnect", {"id": self.id, "container": body})

    def remove(self) -> None:
        self.client.invoke("NetworkDelete", {"id": self.id})


class NetworkCollection:
    """``docker.networks``."""

    def __init__(self, client: Docker) -> None:
        self.client = client

    def create(self, name: str, **kwargs: Unpack[NetworkArgs]) -> Network:
        made = self.client.invoke("NetworkCreate", {"networkConfig": create_body(name, kwargs)})
        return self.get(str(made["Id"]))

    def get(self, network_id: str) -> Network:
        return Network(self.client.invoke("NetworkInspect", {"id": network_id}), self.client)

    def list(
        self,
        names: Sequence[str] | None = None,
        ids: Sequence[str] | None = None,
        filters: Mapping[str, Any] | None = None,
    ) -> builtins.list[Network]:
        found = self.client.invoke("NetworkList", _list_params(names, ids, filters))
        return [Network(a, self.client) for a in found]

    def prune(self, filters: Mapping[str, Any] | None = None) -> dict[str, Any]:
        return dict(self.client.invoke("NetworkPrune", {"filters": _params.filters(filters)}))


class AsyncNetwork(NetworkAttrs):

    __slots__ = ()
    client: AsyncDocker

    async def reload(self) -> None:
        self.attrs = await self.client.invoke("NetworkInspect", {"id": self.id})

    async def connect(
        self,
        container: ContainerRef,
        aliases: Sequence[str] | None = None,
        ipv4_address: str | None = None,
        ipv6_address: str | None = None,
        links: Sequence[str] | None = None,
    ) -> None:
        body = connect_body(container, aliases, ipv4_address, ipv6_address, links)
        await self.client.invoke("NetworkConnect", {"id": self.id, "container": body})

    async def disconnect(self, container: ContainerRef, force: bool = False) -> None:
        body = {"Container": _container_id(container), "Force": force}
        await self.client.invoke("NetworkDisconnect", {"id": self.id, "container": body})

    async def remove(self) -> None:
        await self.client.invoke("NetworkDelete", {"id": self.id})


class AsyncNetworkCollection:
    """``docker.networks`` of ``AsyncDocker``."""

    def __init__(self, client: AsyncDocker) -> None:
        self.client = client

    async def create(self, name: str, **kwargs: Unpack[NetworkArgs]) -> AsyncNetwork:
        made = await self.client.invoke("NetworkCreate", {"networkConfig": create_body(name, kwargs)})
        return await self.get(str(made["Id"]))

    async def get(self, network_id: str) -> AsyncNetwork:
        return AsyncNetwork(await self.client.invoke("NetworkInspect", {"id": network_id}), self.client)

    async def list(
        self,
        names: Sequence[str] | None = None,
        ids: Sequence[str] | None = None,
        filters: Mapping[str, Any] | None = None,
    ) -> builtins.list[AsyncNetwork]:
        found = await self.client.invoke("NetworkList", _list_params(names, ids, filters))
        return [AsyncNetwork(a, self.client) for a in found]

    async def prune(self, filters: Mapping[str, Any] | None = None) -> dict[str, Any]:
        return dict(await self.client.invoke("NetworkPrune", {"filters": _params.filters(filters)}))
