"""The swarm itself: ``docker.swarm.init/join/leave/inspect/update/unlock`` and
``unlock_key``; the asyncio twin awaited."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from libdocker._async_client import AsyncDocker
    from libdocker._client import Docker


def init_body(
    advertise_addr: str | None,
    listen_addr: str,
    force_new_cluster: bool,
    default_addr_pool: Sequence[str] | None,
    data_path_addr: str | None,
    spec: dict[str, Any] | None,
) -> dict[str, Any]:
    body: dict[str, Any] = {"ListenAddr": listen_addr, "ForceNewCluster": force_new_cluster}
    if advertise_addr:
        body["AdvertiseAddr"] = advertise_addr
    if default_addr_pool:
        body["DefaultAddrPool"] = list(default_addr_pool)
    if data_path_addr:
        body["DataPathAddr"] = data_path_addr
    if spec is not None:
        body["Spec"] = spec
    return body


def join_body(
    remote_addrs: Sequence[str] | str, join_token: str, listen_addr: str, advertise_addr: str | None
) -> dict[str, Any]:
    addrs = [remote_addrs] if isinstance(remote_addrs, str) else list(remote_addrs)
    if not addrs:
        raise ValueError("joining a swarm needs the address of a manager (remote_addrs is empty)")
    body: dict[str, Any] = {"ListenAddr": listen_addr, "RemoteAddrs": addrs, "JoinToken": join_token}
    if advertise_addr:
        body["AdvertiseAddr"] = advertise_addr
    return body


def update_params(
    version: int, spec: dict[str, Any], rotate_worker_token: bool, rotate_manager_token: bool, rotate_unlock_key: bool
) -> dict[str, Any]:
    return {
        "version": version,
        "body": spec,
        "rotateWorkerToken": rotate_worker_token,
        "rotateManagerToken": rotate_manager_token,
        "rotateManagerUnlockKey": rotate_unlock_key,
    }


class Swarm:
    """``docker.swarm``."""

    def __init__(self, client: Docker) -> None:
        self.client = client

    def init(
        self,
        advertise_addr: str | None = None,
        listen_addr: str = "0.0.0.0:2377",
        force_new_cluster: bool = False,
        default_addr_pool: Sequence[str] | None = None,
        data_path_addr: str | None = None,
        spec: dict[str, Any] | None = None,
    ) -> str:
        """Makes this daemon the first manager of a new swarm; its node id."""
        body = init_body(advertise_addr, listen_addr, force_new_cluster, default_addr_pool, data_path_addr, spec)
        return str(self.client.invoke("SwarmInit", {"body": body}))

    def join(
        self,
        remote_addrs: Sequence[str] | str,
        join_token: str,
        listen_addr: str = "0.0.0.0:2377",
        advertise_addr: str | None = None,
    ) -> None:
        """Joins a swarm as the token says (worker or manager)."""
        body = join_body(remote_addrs, join_token, listen_addr, advertise_addr)
        self.client.invoke("SwarmJoin", {"body": body})

    def leave(self, force: bool = False) -> None:
        self.client.invoke("SwarmLeave", {"force": force})

    def inspect(self) -> dict[str, Any]:
        """The swarm as a manager sees it (``JoinTokens``, ``Version``, ``Spec``, ...)."""
        return dict(self.client.invoke("SwarmInspect"))

    def update(
        self,
        version: int,
        spec: dict[str, Any],
        rotate_worker_token: bool = False,
        rotate_manager_token: bool = False,
        rotate_unlock_key: bool = False,
    ) -> None:
        """Replaces the swarm's spec; ``version`` is the one ``inspect`` gave
        (an older one raises ``OutOfSequence``)."""
        params = update_params(version, spec, rotate_worker_token, rotate_manager_token, rotate_unlock_key)
        self.client.invoke("SwarmUpdate", params)

    def unlock_key(self) -> str:
        return str(self.client.invoke("SwarmUnlockkey").get("UnlockKey") or "")

    def unlock(self, key: str) -> None:
        self.client.invoke("SwarmUnlock", {"body": {"UnlockKey": key}})


class AsyncSwarm:
    """``docker.swarm`` of ``AsyncDocker``."""

    def __init__(self, client: AsyncDocker) -> None:
        self.client = client

    async def init(
        self,
        advertise_addr: str | None = None,
        listen_addr: str = "0.0.0.0:2377",
        force_new_cluster: bool = False,
        default_addr_pool: Sequence[str] | None = None,
        data_path_addr: str | None = None,
        spec: dict[str, Any] | None = None,
    ) -> str:
        body = init_body(advertise_addr, listen_addr, force_new_cluster, default_addr_pool, data_path_addr, spec)
        return str(await self.client.invoke("SwarmInit", {"body": body}))

    async def join(
        self,
        remote_addrs: Sequence[str] | str,
        join_token: str,
        listen_addr: str = "0.0.0.0:2377",
        advertise_addr: str | None = None,
    ) -> None:
        body = join_body(remote_addrs, join_token, listen_addr, advertise_addr)
        await self.client.invoke("SwarmJoin", {"body": body})

    async def leave(self, force: bool = False) -> None:
        await self.client.invoke("SwarmLeave", {"force": force})

    async def inspect(self) -> dict[str, Any]:
        return dict(await self.client.invoke("SwarmInspect"))

    async def update(
        self,
        version: int,
        spec: dict[str, Any],
        rotate_worker_token: bool = False,
        rotate_manager_token: bool = False,
        rotate_unlock_key: bool = False,
    ) -> None:
        params = update_params(version, spec, rotate_worker_token, rotate_manager_token, rotate_unlock_key)
        await self.client.invoke("SwarmUpdate", params)

    async def unlock_key(self) -> str:
        return str((await self.client.invoke("SwarmUnlockkey")).get("UnlockKey") or "")

    async def unlock(self, key: str) -> None:
        await self.client.invoke("SwarmUnlock", {"body": {"UnlockKey": key}})
