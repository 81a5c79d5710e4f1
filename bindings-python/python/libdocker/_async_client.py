"""``AsyncDocker``: the asyncio client, the same shape as ``Docker`` with
``await`` wherever there is I/O. Every call runs on libdocker's tokio runtime
and wakes the event loop when done; share one between tasks."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any

from libdocker import _cleanup, _native, _params
from libdocker._containers import AsyncContainerCollection
from libdocker._images import AsyncImageCollection
from libdocker._maps import AsyncMapCollection
from libdocker._networks import AsyncNetworkCollection
from libdocker._nodes import AsyncNodeCollection
from libdocker._services import AsyncServiceCollection, AsyncTaskCollection
from libdocker._swarm import AsyncSwarm
from libdocker._swarm_data import AsyncConfig, AsyncSecret, AsyncSwarmDataCollection
from libdocker._plan import drive_async
from libdocker._volumes import AsyncVolumeCollection

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from libdocker._params import ClientArgs


class AsyncDocker(_native.AsyncDocker):
    """An asyncio Docker client, configured as ``Docker`` is.

        async with AsyncDocker() as docker:
            print(await docker.containers.run("busybox", "echo hi", remove=True))
    """

    containers: AsyncContainerCollection
    images: AsyncImageCollection
    networks: AsyncNetworkCollection
    volumes: AsyncVolumeCollection
    maps: AsyncMapCollection
    swarm: AsyncSwarm
    services: AsyncServiceCollection
    tasks: AsyncTaskCollection
    nodes: AsyncNodeCollection
    secrets: AsyncSwarmDataCollection
    configs: AsyncSwarmDataCollection

    def __new__(cls, host: str | None = None, **kwargs: Unpack[ClientArgs]) -> AsyncDocker:
        """``host`` (or docker-py's ``base_url``): ``unix:///path``,
        ``tcp://host:port``, ``https://…``; the rest as ``ClientArgs`` says.
        Nothing is sent until the first call."""
        address, settings = _params.client_settings(host, kwargs)
        self = super().__new__(cls, address, **settings)
        self.containers = AsyncContainerCollection(self)
        self.images = AsyncImageCollection(self)
        self.networks = AsyncNetworkCollection(self)
        self.volumes = AsyncVolumeCollection(self)
        self.maps = AsyncMapCollection(self)
        self.swarm = AsyncSwarm(self)
        self.services = AsyncServiceCollection(self)
        self.tasks = AsyncTaskCollection(self)
        self.nodes = AsyncNodeCollection(self)
        self.secrets = AsyncSwarmDataCollection(self, AsyncSecret)
        self.configs = AsyncSwarmDataCollection(self, AsyncConfig)
        return self

    @classmethod
    def from_env(cls, **kwargs: Unpack[ClientArgs]) -> AsyncDocker:
        """A client configured from the environment (docker-py's ``from_env``):
        what ``AsyncDocker()`` does."""
        return cls(**kwargs)

    async def __aenter__(self) -> AsyncDocker:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    async def df(self) -> dict[str, Any]:
        return dict(await self.invoke("SystemDataUsage"))

    async def exec_run(
        self,
        container: str,
        cmd: _params.Command,
        *,
        stdin: bytes | None = None,
        env: Mapping[str, Any] | list[str] | None = None,
        user: str | None = None,
        workdir: str | None = None,
        tty: bool = False,
    ) -> _native.ExecResult:
        return await super().exec_run(
            container, cmd, stdin=stdin, env=_params.environment(env), user=user, workdir=workdir, tty=tty
        )

    async def cleanup_containers(
        self,
        include_initial: bool = False,
        exclude: Iterable[str] | None = None,
        filters: Mapping[str, Any] | None = None,
    ) -> list[str]:
        return await drive_async(self, _cleanup.cleanup_containers(include_initial, exclude, filters))

    async def cleanup_images(
        self,
        remove_old: bool = False,
        keep_tags: Iterable[str] | None = None,
        force: bool = False,
        filters: Mapping[str, Any] | None = None,
    ) -> list[str]:
        return await drive_async(self, _cleanup.cleanup_images(remove_old, keep_tags, force, filters))

    async def remove_all_containers(
        self, stop_timeout: int = 10, filters: Mapping[str, Any] | None = None
    ) -> list[str]:
        return await drive_async(self, _cleanup.remove_all_containers(stop_timeout, filters))

    async def container_names(self, filters: Mapping[str, Any] | None = None) -> set[str]:
        return await drive_async(self, _cleanup.container_names(filters))

    async def image_tags(self, filters: Mapping[str, Any] | None = None) -> dict[str, str]:
        return await drive_async(self, _cleanup.image_tags(filters))
