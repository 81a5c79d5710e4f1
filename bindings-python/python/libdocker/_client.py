"""``Docker``: the synchronous client a docker-py user reaches for. It is the
native client (every call in Rust, the GIL released while it waits) with the
collections on top: ``containers``, ``images``, ``networks``, ``volumes``,
the swarm's (``swarm``, ``services``, ``tasks``, ``nodes``, ``secrets``,
``configs``), and docker-map's cleanup helpers. Share one between threads."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any

from libdocker import _cleanup, _native, _params
from libdocker._containers import ContainerCollection
from libdocker._images import ImageCollection
from libdocker._maps import MapCollection
from libdocker._networks import NetworkCollection
from libdocker._nodes import NodeCollection
from libdocker._services import ServiceCollection, TaskCollection
from libdocker._swarm import Swarm
from libdocker._swarm_data import Config, Secret, SwarmDataCollection
from libdocker._plan import drive
from libdocker._volumes import VolumeCollection

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from libdocker._params import ClientArgs


class Docker(_native.Docker):
    """A Docker client, configured as the docker CLI would be unless told
    otherwise: ``DOCKER_HOST`` and the rest, the current CLI context, TLS
    files, the API version negotiated once.

        with Docker() as docker:
            print(docker.containers.run("busybox", "echo hi", remove=True))
    """

    containers: ContainerCollection
    images: ImageCollection
    networks: NetworkCollection
    volumes: VolumeCollection
    maps: MapCollection
    swarm: Swarm
    services: ServiceCollection
    tasks: TaskCollection
    nodes: NodeCollection
    secrets: SwarmDataCollection
    configs: SwarmDataCollection

    def __new__(cls, host: str | None = None, **kwargs: Unpack[ClientArgs]) -> Docker:
        """``host`` (or docker-py's ``base_url``): ``unix:///path``,
        ``tcp://host:port``, ``https://…``; the rest as ``ClientArgs`` says.
        Nothing is sent until the first call."""
        address, settings = _params.client_settings(host, kwargs)
        self = super().__new__(cls, address, **settings)
        self.containers = ContainerCollection(self)
        self.images = ImageCollection(self)
        self.networks = NetworkCollection(self)
        self.volumes = VolumeCollection(self)
        self.maps = MapCollection(self)
        self.swarm = Swarm(self)
        self.services = ServiceCollection(self)
        self.tasks = TaskCollection(self)
        self.nodes = NodeCollection(self)
        self.secrets = SwarmDataCollection(self, Secret)
        self.configs = SwarmDataCollection(self, Config)
        return self

    @classmethod
    def from_env(cls, **kwargs: Unpack[ClientArgs]) -> Docker:
        """A client configured from the environment (docker-py's ``from_env``):
        what ``Docker()`` does."""
        return cls(**kwargs)

    def __enter__(self) -> Docker:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def df(self) -> dict[str, Any]:
        """Disk usage of images, containers, volumes and the build cache."""
        return dict(self.invoke("SystemDataUsage"))

    def exec_run(
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
        """Runs ``cmd`` in a running container and waits: exit code, stdout and
        stderr (``stdin`` is written while the output is read)."""
        return super().exec_run(
            container, cmd, stdin=stdin, env=_params.environment(env), user=user, workdir=workdir, tty=tty
        )

    # docker-map's helpers

    def cleanup_containers(
        self,
        include_initial: bool = False,
        exclude: Iterable[str] | None = None,
        filters: Mapping[str, Any] | None = None,
    ) -> list[str]:
        """Removes stopped containers, keeping never-started ones unless
        ``include_initial``; the names removed."""
        return drive(self, _cleanup.cleanup_containers(include_initial, exclude, filters))

    def cleanup_images(
        self,
        remove_old: bool = False,
        keep_tags: Iterable[str] | None = None,
        force: bool = False,
        filters: Mapping[str, Any] | None = None,
    ) -> list[str]:
        """Removes dangling images; with ``remove_old``, tagged ones without a
        ``latest`` (or a ``keep_tags``) tag too; the ids removed."""
        return drive(self, _cleanup.cleanup_images(remove_old, keep_tags, force, filters))

    def remove_all_containers(self, stop_timeout: int = 10, filters: Mapping[str, Any] | None = None) -> list[str]:
        """Stops and removes every container (``filters`` narrows it); the names."""
        return drive(self, _cleanup.remove_all_containers(stop_timeout, filters))

    def container_names(self, filters: Mapping[str, Any] | None = None) -> set[str]:
        """The names of all containers."""
        return drive(self, _cleanup.container_names(filters))

    def image_tags(self, filters: Mapping[str, Any] | None = None) -> dict[str, str]:
        """Every ``repo:tag`` and its image id."""
        return drive(self, _cleanup.image_tags(filters))


def from_env(**kwargs: Unpack[ClientArgs]) -> Docker:
    """``Docker.from_env()``: a client configured from the environment."""
    return Docker.from_env(**kwargs)
