"""Type stubs of libdocker's native module (kept true by mypy's stubtest)."""

from collections.abc import Awaitable, Generator, Iterable, Mapping, Sequence
from datetime import datetime
from os import PathLike
from types import TracebackType
from typing import IO, Any, final

from typing_extensions import Self, disjoint_base

# What a request body may be: bytes, sent as they are; a binary file or any
# iterable of bytes, streamed.
_Body = bytes | bytearray | memoryview | IO[bytes] | Iterable[bytes] | Archive
# A point in time: a datetime, Unix seconds, or the daemon's text ("10m").
_Time = datetime | int | float | str

__all__ = [
    "ApiError",
    "Archive",
    "AsyncAttached",
    "AsyncDocker",
    "AsyncStream",
    "Attached",
    "BadParameter",
    "BuildFailed",
    "Call",
    "Cancelled",
    "ConfigError",
    "Conflict",
    "ConnectError",
    "ContainerFailed",
    "ContainerMap",
    "DecodeError",
    "Docker",
    "DockerError",
    "ExecResult",
    "Forbidden",
    "InvalidParams",
    "InvalidMap",
    "IoError",
    "MapFailed",
    "Monitor",
    "NotAcceptable",
    "NotFound",
    "NotModified",
    "OutOfSequence",
    "ProgressError",
    "Ready",
    "STDERR",
    "STDIN",
    "STDOUT",
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
__version__: str
STDIN: int
STDOUT: int
STDERR: int


@disjoint_base
class Docker:
    """A synchronous Docker client; safe to share between threads."""

    def __new__(
        cls,
        host: str | None = None,
        *,
        api_version: str | None = None,
        timeout: float | None = None,
        connect_timeout: float | None = None,
        tls_ca: str | None = None,
        tls_cert: str | None = None,
        tls_key: str | None = None,
        tls_verify: bool | None = None,
        max_connections: int | None = None,
        context: str | None = None,
        environment: dict[str, str] | None = None,
    ) -> Self: ...
    @property
    def host(self) -> str: ...
    def api_version(self) -> str: ...
    def ping(self) -> bool: ...
    def version(self) -> dict[str, Any]: ...
    def info(self) -> dict[str, Any]: ...
    def invoke(
        self,
        op: str,
        params: dict[str, Any] | None = None,
        *,
        body: _Body | None = None,
        timeout: float | None = None,
    ) -> Any: ...
    def request(
        self,
        method: str,
        path: str,
        *,
        body: _Body | None = None,
        headers: dict[str, str] | None = None,
        timeout: float | None = None,
        stream: bool = False,
    ) -> Any: ...
    def logs(
        self,
        container: str,
        *,
        stdout: bool = True,
        stderr: bool = True,
        follow: bool = False,
        tail: int | str | None = None,
        since: _Time | None = None,
        until: _Time | None = None,
        timestamps: bool = False,
    ) -> Stream: ...
    def events(
        self,
        *,
        since: _Time | None = None,
        until: _Time | None = None,
        filters: dict[str, list[str]] | None = None,
    ) -> Stream: ...
    def exec_run(
        self,
        container: str,
        cmd: str | list[str],
        *,
        stdin: bytes | None = None,
        env: list[str] | None = None,
        user: str | None = None,
        workdir: str | None = None,
        tty: bool = False,
    ) -> ExecResult: ...
    def close(self) -> None: ...
    def login(
        self, username: str, password: str, *, registry: str | None = None, email: str | None = None
    ) -> bool: ...
    def logout(self, registry: str) -> bool: ...
    def copy_to(self, container: str, src: str | PathLike[str], dest: str) -> None: ...
    def copy_from(self, container: str, src: str, dest: str | PathLike[str]) -> None: ...

@final
class Stream:
    """A daemon stream read as it arrives: log items, JSON values or bytes."""

    @property
    def kind(self) -> str: ...
    def __iter__(self) -> Stream: ...
    def __next__(self) -> Any: ...
    def close(self) -> None: ...
    def __enter__(self) -> Stream: ...
    def __exit__(
        self,
        *_args: type[BaseException] | BaseException | TracebackType | None,
    ) -> None: ...

@final
class Attached:
    """An attached process: iterate its output, write to its stdin."""

    @property
    def output(self) -> Stream: ...
    def __iter__(self) -> Stream: ...
    def write(self, data: bytes) -> None: ...
    def close_stdin(self) -> None: ...
    def close(self) -> None: ...

@disjoint_base
class AsyncDocker:
    """An asyncio Docker client; share one between tasks."""

    def __new__(
        cls,
        host: str | None = None,
        *,
        api_version: str | None = None,
        timeout: float | None = None,
        connect_timeout: float | None = None,
        tls_ca: str | None = None,
        tls_cert: str | None = None,
        tls_key: str | None = None,
        tls_verify: bool | None = None,
        max_connections: int | None = None,
        context: str | None = None,
        environment: dict[str, str] | None = None,
    ) -> Self: ...
    @property
    def host(self) -> str: ...
    async def api_version(self) -> str: ...
    async def ping(self) -> bool: ...
    async def version(self) -> dict[str, Any]: ...
    async def info(self) -> dict[str, Any]: ...
    async def invoke(
        self,
        op: str,
        params: dict[str, Any] | None = None,
        *,
        body: _Body | None = None,
        timeout: float | None = None,
    ) -> Any: ...
    async def request(
        self,
        method: str,
        path: str,
        *,
        body: _Body | None = None,
        headers: dict[str, str] | None = None,
        timeout: float | None = None,
        stream: bool = False,
    ) -> Any: ...
    def logs(
        self,
        container: str,
        *,
        stdout: bool = True,
        stderr: bool = True,
        follow: bool = False,
        tail: int | str | None = None,
        since: _Time | None = None,
        until: _Time | None = None,
        timestamps: bool = False,
    ) -> AsyncStream: ...
    def events(
        self,
        *,
        since: _Time | None = None,
        until: _Time | None = None,
        filters: dict[str, list[str]] | None = None,
    ) -> AsyncStream: ...
    async def exec_run(
        self,
        container: str,
        cmd: str | list[str],
        *,
        stdin: bytes | None = None,
        env: list[str] | None = None,
        user: str | None = None,
        workdir: str | None = None,
        tty: bool = False,
    ) -> ExecResult: ...
    async def close(self) -> None: ...
    async def login(
        self, username: str, password: str, *, registry: str | None = None, email: str | None = None
    ) -> bool: ...
    def logout(self, registry: str) -> bool: ...
    async def copy_to(self, container: str, src: str | PathLike[str], dest: str) -> None: ...
    async def copy_from(self, container: str, src: str, dest: str | PathLike[str]) -> None: ...

@disjoint_base
class Monitor:
    """Many daemons' events as one stream (see ``libdocker.Monitor``)."""

    def __new__(
        cls, filters: Mapping[str, str | Sequence[str]] | None = None, *, stats_every: float | None = None
    ) -> Self: ...
    def add(self, name: str, docker: Docker | AsyncDocker) -> None: ...
    def remove(self, name: str) -> bool: ...
    def daemons(self) -> list[str]: ...
    def containers(self, daemon: str) -> list[dict[str, Any]]: ...
    def subscribe(self) -> Stream: ...
    def subscribe_async(self) -> AsyncStream: ...

@disjoint_base
class ContainerMap:
    """A container map (see ``libdocker.Map``)."""

    @staticmethod
    def load(path: str | PathLike[str], *, project: str | None = None) -> ContainerMap: ...
    @staticmethod
    def from_yaml(
        text: str, working_dir: str | PathLike[str] | None = None, *, project: str | None = None
    ) -> ContainerMap: ...
    @staticmethod
    def from_json(text: str) -> ContainerMap: ...
    @property
    def name(self) -> str: ...
    @property
    def services(self) -> list[str]: ...
    @property
    def warnings(self) -> list[str]: ...
    def to_json(self) -> str: ...
    def run(
        self,
        docker: Docker,
        clients: dict[str, Docker | AsyncDocker] | None = None,
        action: str = "up",
        *,
        volumes: bool = False,
        timeout: float | None = None,
    ) -> Stream: ...
    def run_async(
        self,
        docker: AsyncDocker,
        clients: dict[str, Docker | AsyncDocker] | None = None,
        action: str = "up",
        *,
        volumes: bool = False,
        timeout: float | None = None,
    ) -> AsyncStream: ...
    def plan(
        self,
        docker: Docker,
        clients: dict[str, Docker | AsyncDocker] | None = None,
        action: str = "up",
        *,
        volumes: bool = False,
    ) -> list[dict[str, Any]]: ...
    def plan_async(
        self,
        docker: AsyncDocker,
        clients: dict[str, Docker | AsyncDocker] | None = None,
        action: str = "up",
        *,
        volumes: bool = False,
    ) -> Call: ...
    def deploy_stack(self, docker: Docker) -> dict[str, Any]: ...
    def remove_stack(self, docker: Docker) -> dict[str, Any]: ...
    def deploy_stack_async(self, docker: AsyncDocker) -> Call: ...
    def remove_stack_async(self, docker: AsyncDocker) -> Call: ...
    def ps(self, docker: Docker, clients: dict[str, Docker | AsyncDocker] | None = None) -> list[dict[str, Any]]: ...
    def ps_async(self, docker: AsyncDocker, clients: dict[str, Docker | AsyncDocker] | None = None) -> Call: ...
    def logs(
        self,
        docker: Docker,
        clients: dict[str, Docker | AsyncDocker] | None = None,
        *,
        follow: bool = False,
        tail: int | None = None,
    ) -> Stream: ...
    def logs_async(
        self,
        docker: AsyncDocker,
        clients: dict[str, Docker | AsyncDocker] | None = None,
        *,
        follow: bool = False,
        tail: int | None = None,
    ) -> Call: ...

@final
class AsyncStream:
    """A daemon stream for ``async for``: log items, JSON values or bytes."""

    @property
    def kind(self) -> str: ...
    def __aiter__(self) -> AsyncStream: ...
    def __anext__(self) -> Awaitable[Any]: ...
    async def aclose(self) -> None: ...
    def __aenter__(self) -> Awaitable[AsyncStream]: ...
    async def __aexit__(
        self,
        *_args: type[BaseException] | BaseException | TracebackType | None,
    ) -> None: ...

@final
class AsyncAttached:
    """An attached process for asyncio."""

    @property
    def output(self) -> AsyncStream: ...
    def __aiter__(self) -> AsyncStream: ...
    async def write(self, data: bytes) -> None: ...
    async def close_stdin(self) -> None: ...

@final
class Call:
    """A call in flight, as a coroutine: what ``AsyncDocker``'s methods return."""

    def __await__(self) -> Generator[Any, None, Any]: ...
    def __iter__(self) -> Call: ...
    def __next__(self) -> Any: ...
    def send(self, _value: Any) -> Any: ...
    def throw(self, exc: Any, _value: Any = None, _traceback: Any = None) -> Any: ...
    def close(self) -> None: ...

@final
class Ready:
    """An awaitable that is already done (an item read with an earlier batch)."""

    def __await__(self) -> Generator[Any, None, Any]: ...
    def __iter__(self) -> Ready: ...
    def __next__(self) -> Any: ...

@final
class ExecResult:
    """What ``exec_run`` returns."""

    @property
    def exit_code(self) -> int: ...
    @property
    def stdout(self) -> bytes: ...
    @property
    def stderr(self) -> bytes: ...

@final
class Archive:
    """A tar archive made by libdocker, sent once as a request body."""

    @staticmethod
    def build_context(path: str | PathLike[str], dockerfile: str | None = None) -> Archive: ...
    @staticmethod
    def of_path(path: str | PathLike[str], name: str | None = None) -> Archive: ...
    @staticmethod
    def of_files(files: dict[str, bytes], dockerfile: str | None = None) -> Archive: ...
    @property
    def dockerfile(self) -> str | None: ...

def operations(category: str | None = None) -> list[str]: ...
def categories() -> list[str]: ...
def doc(op: str) -> str: ...
def error_kinds() -> list[tuple[str, int, str, str, str]]: ...

class DockerError(Exception):
    """Any error of libdocker."""

    kind: str
    status: int | None
    message: str
    valid: list[str]

class ApiError(DockerError): ...
class NotModified(ApiError): ...
class BadParameter(ApiError): ...
class Unauthorized(ApiError): ...
class Forbidden(ApiError): ...
class NotFound(ApiError): ...
class NotAcceptable(ApiError): ...
class Conflict(ApiError): ...
class ServerError(ApiError): ...
class Unavailable(ApiError): ...
class ConnectError(DockerError): ...
class TlsError(ConnectError): ...
class Timeout(DockerError): ...
class InvalidParams(DockerError, ValueError): ...
class UnsupportedApiVersion(DockerError): ...
class DecodeError(DockerError): ...
class StreamClosed(DockerError): ...
class ProgressError(DockerError): ...
class BuildFailed(DockerError):
    output: str

class ContainerFailed(DockerError): ...
class ConfigError(DockerError): ...
class IoError(DockerError): ...
class Cancelled(DockerError): ...
class InvalidMap(DockerError): ...
class MapFailed(DockerError): ...
class WrongOutputKind(DockerError): ...
class OutOfSequence(ApiError):
    """An update named a version older than the object's current one."""

    object: str
    given: int
    current: int | None
