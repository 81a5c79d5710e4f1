"""libdocker: a complete Docker Engine API client on a Rust core.

``Docker`` is the synchronous client (share one between threads), ``AsyncDocker``
the asyncio one. Both reach every operation of the Engine API by name through
``invoke(op, params)``; ``operations()``, ``categories()`` and ``doc(op)`` list
and describe them. Streams (logs, events, progress, tar) are iterators; log items
are ``(stream, data)`` tuples with ``STDOUT`` or ``STDERR`` as the stream.

    >>> from libdocker import Docker
    >>> docker = Docker()                          # DOCKER_HOST, contexts, TLS env
    >>> docker.ping()
    True
"""

from libdocker._native import (
    STDERR,
    STDIN,
    STDOUT,
    ApiError,
    AsyncAttached,
    AsyncDocker,
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
    Docker,
    DockerError,
    ExecResult,
    Forbidden,
    InvalidParams,
    IoError,
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

__all__ = [
    "STDERR",
    "STDIN",
    "STDOUT",
    "ApiError",
    "AsyncAttached",
    "AsyncDocker",
    "AsyncStream",
    "Attached",
    "BadParameter",
    "BuildFailed",
    "Cancelled",
    "ConfigError",
    "ConnectError",
    "Conflict",
    "ContainerFailed",
    "DecodeError",
    "Docker",
    "DockerError",
    "ExecResult",
    "Forbidden",
    "InvalidParams",
    "IoError",
    "NotAcceptable",
    "NotFound",
    "NotModified",
    "ProgressError",
    "ServerError",
    "Stream",
    "StreamClosed",
    "Timeout",
    "TlsError",
    "Unauthorized",
    "Unavailable",
    "UnsupportedApiVersion",
    "WrongOutputKind",
    "__version__",
    "categories",
    "doc",
    "error_kinds",
    "operations",
]
