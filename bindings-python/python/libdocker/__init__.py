"""libdocker: a complete Docker Engine API client on a Rust core.

``Docker`` is the synchronous client (share one between threads), ``AsyncDocker``
the asyncio one, with the same methods awaited. Both have the collections a
docker-py user knows (``containers``, ``images``, ``networks``, ``volumes``)
and reach every operation of the Engine API by name through ``invoke(op,
params)``; ``operations()``, ``categories()`` and ``doc(op)`` list and describe
them. Streams (logs, events, progress, tar) are iterators; log items are
``(stream, data)`` tuples with ``STDOUT`` or ``STDERR`` as the stream.

    >>> import libdocker
    >>> docker = libdocker.from_env()              # DOCKER_HOST, contexts, TLS env
    >>> docker.containers.run("busybox", "echo hi", remove=True)
    b'hi\n'
"""

from libdocker._async_client import AsyncDocker
from libdocker._client import Docker, from_env
from libdocker._containers import (
    AsyncContainer,
    AsyncContainerCollection,
    AsyncExecStream,
    Container,
    ContainerCollection,
    ExecArgs,
    ExecStream,
    LogsArgs,
)
from libdocker._dockerfile import Dockerfile
from libdocker._images import AsyncImage, AsyncImageCollection, BuildArgs, Image, ImageCollection
from libdocker._maps import AsyncMapCollection, Map, MapCollection, MapContainer, MapEvent, MapLogLine, MapStep
from libdocker._monitor import Listening, Monitor, MonitorEvent
from libdocker._native import (
    STDERR,
    STDIN,
    STDOUT,
    ApiError,
    Archive,
    AsyncAttached,
    AsyncStream,
    Attached,
    BadParameter,
    BuildFailed,
    Cancelled,
    ConfigError,
    ConnectError,
    Conflict,
    ContainerFailed,
    DecodeError,
    DockerError,
    ExecResult,
    Forbidden,
    InvalidMap,
    InvalidParams,
    IoError,
    MapFailed,
    NotAcceptable,
    NotFound,
    NotModified,
    ProgressError,
    ServerError,
    Stream,
    StreamClosed,
    Timeout,
    TlsError,
    Unauthorized,
    Unavailable,
    UnsupportedApiVersion,
    WrongOutputKind,
    __version__,
    categories,
    doc,
    error_kinds,
    operations,
)
from libdocker._networks import AsyncNetwork, AsyncNetworkCollection, Network, NetworkArgs, NetworkCollection
from libdocker._params import ClientArgs, CreateArgs, RunArgs
from libdocker._progress import ProgressBars
from libdocker._volumes import AsyncVolume, AsyncVolumeCollection, Volume, VolumeCollection

__all__ = [
    "STDERR",
    "STDIN",
    "STDOUT",
    "ApiError",
    "Archive",
    "AsyncAttached",
    "AsyncContainer",
    "AsyncContainerCollection",
    "AsyncDocker",
    "AsyncExecStream",
    "AsyncImage",
    "AsyncImageCollection",
    "AsyncMapCollection",
    "AsyncNetwork",
    "AsyncNetworkCollection",
    "AsyncStream",
    "AsyncVolume",
    "AsyncVolumeCollection",
    "Attached",
    "BadParameter",
    "BuildArgs",
    "BuildFailed",
    "Cancelled",
    "ClientArgs",
    "ConfigError",
    "Conflict",
    "ConnectError",
    "Container",
    "ContainerCollection",
    "ContainerFailed",
    "CreateArgs",
    "DecodeError",
    "Docker",
    "DockerError",
    "Dockerfile",
    "ExecArgs",
    "ExecResult",
    "ExecStream",
    "Forbidden",
    "Image",
    "ImageCollection",
    "InvalidMap",
    "InvalidParams",
    "IoError",
    "Listening",
    "LogsArgs",
    "Map",
    "MapCollection",
    "MapContainer",
    "MapEvent",
    "MapFailed",
    "MapLogLine",
    "MapStep",
    "Monitor",
    "MonitorEvent",
    "Network",
    "NetworkArgs",
    "NetworkCollection",
    "NotAcceptable",
    "NotFound",
    "NotModified",
    "ProgressBars",
    "ProgressError",
    "RunArgs",
    "ServerError",
    "Stream",
    "StreamClosed",
    "Timeout",
    "TlsError",
    "Unauthorized",
    "Unavailable",
    "UnsupportedApiVersion",
    "Volume",
    "VolumeCollection",
    "WrongOutputKind",
    "__version__",
    "categories",
    "doc",
    "error_kinds",
    "from_env",
    "operations",
]
