"""Arguments in docker-py's forms, turned into the Engine API's JSON: commands as
a string or a list, environments and labels as dicts or lists, ports and volumes
in docker-py's dict forms, times as datetimes or seconds. Pure functions, shared
by the sync and asyncio clients; a wrong argument is a TypeError or ValueError
naming it, raised before anything is sent."""

from __future__ import annotations

import datetime
import shlex
from collections.abc import Iterable, Mapping
from typing import IO, Any, TypedDict, Union

Command = Union[str, "list[str]"]
Time = Union[datetime.datetime, int, float, str]
#: A request body: bytes as they are; a binary file or an iterable of bytes, streamed.
Body = Union[bytes, bytearray, memoryview, IO[bytes], Iterable[bytes]]


def command(value: Command | None, name: str = "command") -> list[str] | None:
    """`"sh -c 'echo hi'"` or `["sh", "-c", "echo hi"]`; None for the image's."""
    if value is None:
        return None
    if isinstance(value, str):
        return shlex.split(value)
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return list(value)
    raise TypeError(f"{name} must be a str or a list of str, not {type(value).__name__}")


def environment(value: Mapping[str, Any] | Iterable[str] | None) -> list[str] | None:
    """`{"A": "1"}` or `["A=1"]` → `["A=1"]` (a None value gives `A` alone)."""
    if value is None:
        return None
    if isinstance(value, Mapping):
        return [k if v is None else f"{k}={v}" for k, v in value.items()]
    if isinstance(value, str):
        raise TypeError("environment must be a dict or a list of 'KEY=value', not str")
    items = list(value)
    if not all(isinstance(i, str) for i in items):
        raise TypeError("environment must be a dict or a list of 'KEY=value'")
    return items


def labels(value: Mapping[str, str] | Iterable[str] | None, name: str = "labels") -> dict[str, str] | None:
    """`{"a": "b"}`, or `["a=b", "c"]` (a label without a value is empty)."""
    if value is None:
        return None
    if isinstance(value, Mapping):
        return {str(k): str(v) for k, v in value.items()}
    if isinstance(value, str):
        raise TypeError(f"{name} must be a dict or a list of 'key=value', not str")
    out: dict[str, str] = {}
    for item in value:
        key, _, val = str(item).partition("=")
        out[key] = val
    return out


def _port_key(port: int | str) -> str:
    text = str(port)
    if not text.split("/")[0].isdigit():
        raise ValueError(f"ports: `{port}` is not a port such as 80 or '80/tcp'")
    return text if "/" in text else f"{text}/tcp"


def _binding(value: Any, key: str) -> dict[str, str]:
    if value is None:
        return {"HostIp": "", "HostPort": ""}
    if isinstance(value, int):
        return {"HostIp": "", "HostPort": str(value)}
    if isinstance(value, str):
        return {"HostIp": "", "HostPort": value}
    if isinstance(value, tuple) and len(value) in (1, 2):
        ip = str(value[0])
        host_port = "" if len(value) == 1 or value[1] is None else str(value[1])
        return {"HostIp": ip, "HostPort": host_port}
    if isinstance(value, Mapping) and ("HostPort" in value or "HostIp" in value):
        return {"HostIp": str(value.get("HostIp", "")), "HostPort": str(value.get("HostPort", ""))}
    raise ValueError(
        f"ports: the binding of {key} must be a host port, (ip, port), (ip,), a list of those, or None"
    )


def ports(value: Mapping[int | str, Any] | None) -> tuple[dict[str, dict[str, Any]], dict[str, list[dict[str, str]]]]:
    """docker-py's `ports`: `{'2222/tcp': 3333, 80: None, '53/udp': ('127.0.0.1', 53),
    8080: [8080, 9090]}` → (ExposedPorts, PortBindings)."""
    exposed: dict[str, dict[str, Any]] = {}
    bindings: dict[str, list[dict[str, str]]] = {}
    if value is None:
        return exposed, bindings
    if not isinstance(value, Mapping):
        raise TypeError("ports must be a dict of container port to host port(s)")
    for port, host in value.items():
        key = _port_key(port)
        exposed[key] = {}
        hosts = host if isinstance(host, list) else [host]
        bindings[key] = [_binding(h, key) for h in hosts]
    return exposed, bindings


def volumes(value: Mapping[str, Any] | Iterable[str] | None) -> list[str]:
    """docker-py's `volumes`: `{'/host': {'bind': '/mnt', 'mode': 'ro'}}`,
    `{'name': '/mnt'}`, or `['/host:/mnt:ro']` → Binds."""
    if value is None:
        return []
    if isinstance(value, str):
        raise TypeError("volumes must be a dict or a list of 'source:target[:mode]', not str")
    if isinstance(value, Mapping):
        binds = []
        for source, spec in value.items():
            if isinstance(spec, str):
                binds.append(f"{source}:{spec}")
            elif isinstance(spec, Mapping) and "bind" in spec:
                mode = spec.get("mode", "rw")
                binds.append(f"{source}:{spec['bind']}:{mode}")
            else:
                raise ValueError(f"volumes: `{source}` must map to a path or {{'bind': path, 'mode': 'ro'}}")
        return binds
    return [str(v) for v in value]


def timestamp(value: Time | None, name: str) -> str | None:
    """A datetime, Unix seconds (int or float) or the daemon's text (`10m`)."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise TypeError(f"{name} must be a datetime, seconds or a string, not bool")
    if isinstance(value, datetime.datetime):
        value = value.timestamp()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:.9f}".rstrip("0").rstrip(".")
    if isinstance(value, str):
        return value
    raise TypeError(f"{name} must be a datetime, seconds or a string, not {type(value).__name__}")


class ClientArgs(TypedDict, total=False):
    """What ``Docker(host, ...)`` and ``AsyncDocker(host, ...)`` take besides the
    host: ``base_url`` (docker-py's name for it), ``api_version`` or ``version``
    (``"auto"`` negotiates), ``timeout`` and ``connect_timeout`` (seconds),
    ``tls_ca``, ``tls_cert``, ``tls_key``, ``tls_verify``, ``max_connections``,
    ``context`` (a docker CLI context by name), ``environment`` (``DOCKER_*``
    variables to use instead of the process's)."""

    base_url: str | None
    version: str | None
    api_version: str | None
    timeout: float | None
    connect_timeout: float | None
    tls_ca: str | None
    tls_cert: str | None
    tls_key: str | None
    tls_verify: bool | None
    max_connections: int | None
    context: str | None
    environment: Mapping[str, str] | None


def client_settings(host: str | None, args: ClientArgs) -> tuple[str | None, dict[str, Any]]:
    """The native client's host and keyword arguments from ``ClientArgs``."""
    unknown = set(args) - set(ClientArgs.__annotations__)
    if unknown:
        raise TypeError(f"unexpected keyword argument(s): {', '.join(sorted(unknown))}")
    settings: dict[str, Any] = dict(args)
    base_url = settings.pop("base_url", None)
    settings["api_version"] = api_version(settings.pop("api_version", None), settings.pop("version", None))
    if settings.get("environment") is not None:
        settings["environment"] = dict(settings["environment"])
    return (host if host is not None else base_url), settings


def api_version(api_version: str | None, version: str | None) -> str | None:
    """``api_version``, or docker-py's ``version`` (``"auto"``: negotiate)."""
    if api_version is not None and version is not None:
        raise TypeError("give api_version or version, not both")
    chosen = api_version if api_version is not None else version
    if chosen is None or chosen == "auto":
        return None
    major, dot, minor = str(chosen).partition(".")
    if not (isinstance(chosen, str) and dot and major.isdigit() and minor.isdigit()):
        raise ValueError(f"api_version: `{chosen}` is not an API version such as 1.41 (or 'auto')")
    return chosen


def filters(value: Mapping[str, Any] | None) -> dict[str, list[str]] | None:
    """`{"label": "a=b", "status": ["running"]}` with strings or lists of them."""
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise TypeError("filters must be a dict of filter name to value(s)")
    out: dict[str, list[str]] = {}
    for key, v in value.items():
        if isinstance(v, bool):
            out[key] = ["true" if v else "false"]
        elif isinstance(v, (str, int)):
            out[key] = [str(v)]
        else:
            out[key] = [str(x) for x in v]
    return out


#: `containers.run/create` keywords and where they go in ContainerCreate's body:
#: (top-level field or None, HostConfig field or None).
_CREATE_FIELDS: dict[str, tuple[str | None, str | None]] = {
    "hostname": ("Hostname", None),
    "domainname": ("Domainname", None),
    "user": ("User", None),
    "working_dir": ("WorkingDir", None),
    "tty": ("Tty", None),
    "stdin_open": ("OpenStdin", None),
    "stdin_once": ("StdinOnce", None),
    "stop_signal": ("StopSignal", None),
    "stop_timeout": ("StopTimeout", None),
    "mac_address": ("MacAddress", None),
    "healthcheck": ("Healthcheck", None),
    "network_disabled": ("NetworkDisabled", None),
    "auto_remove": (None, "AutoRemove"),
    "privileged": (None, "Privileged"),
    "network_mode": (None, "NetworkMode"),
    "restart_policy": (None, "RestartPolicy"),
    "cap_add": (None, "CapAdd"),
    "cap_drop": (None, "CapDrop"),
    "dns": (None, "Dns"),
    "dns_search": (None, "DnsSearch"),
    "devices": (None, "Devices"),
    "init": (None, "Init"),
    "ipc_mode": (None, "IpcMode"),
    "pid_mode": (None, "PidMode"),
    "read_only": (None, "ReadonlyRootfs"),
    "security_opt": (None, "SecurityOpt"),
    "shm_size": (None, "ShmSize"),
    "sysctls": (None, "Sysctls"),
    "tmpfs": (None, "Tmpfs"),
    "ulimits": (None, "Ulimits"),
    "userns_mode": (None, "UsernsMode"),
    "volumes_from": (None, "VolumesFrom"),
    "log_config": (None, "LogConfig"),
    "mounts": (None, "Mounts"),
    "mem_limit": (None, "Memory"),
    "memswap_limit": (None, "MemorySwap"),
    "mem_reservation": (None, "MemoryReservation"),
    "nano_cpus": (None, "NanoCpus"),
    "cpu_shares": (None, "CpuShares"),
    "cpu_period": (None, "CpuPeriod"),
    "cpu_quota": (None, "CpuQuota"),
    "cpuset_cpus": (None, "CpusetCpus"),
    "pids_limit": (None, "PidsLimit"),
    "oom_kill_disable": (None, "OomKillDisable"),
    "group_add": (None, "GroupAdd"),
    "links": (None, "Links"),
}

class CreateArgs(TypedDict, total=False):
    """docker-py's keyword arguments of ``containers.create`` and ``run``."""

    name: str
    platform: str
    entrypoint: Command
    environment: Union[Mapping[str, Any], "list[str]"]
    labels: Union[Mapping[str, str], "list[str]"]
    ports: Mapping[Union[int, str], Any]
    volumes: Union[Mapping[str, Any], "list[str]"]
    extra_hosts: Union[Mapping[str, str], "list[str]"]
    network: str
    hostname: str
    domainname: str
    user: str
    working_dir: str
    tty: bool
    stdin_open: bool
    stdin_once: bool
    stop_signal: str
    stop_timeout: int
    mac_address: str
    healthcheck: Mapping[str, Any]
    network_disabled: bool
    auto_remove: bool
    privileged: bool
    network_mode: str
    restart_policy: Union[str, Mapping[str, Any]]
    cap_add: "list[str]"
    cap_drop: "list[str]"
    dns: "list[str]"
    dns_search: "list[str]"
    devices: "list[Any]"
    init: bool
    ipc_mode: str
    pid_mode: str
    read_only: bool
    security_opt: "list[str]"
    shm_size: Union[int, str]
    sysctls: Mapping[str, str]
    tmpfs: Mapping[str, str]
    ulimits: "list[Mapping[str, Any]]"
    userns_mode: str
    volumes_from: "list[str]"
    log_config: Mapping[str, Any]
    mounts: "list[Mapping[str, Any]]"
    mem_limit: Union[int, str]
    memswap_limit: Union[int, str]
    mem_reservation: Union[int, str]
    nano_cpus: int
    cpu_shares: int
    cpu_period: int
    cpu_quota: int
    cpuset_cpus: str
    pids_limit: int
    oom_kill_disable: bool
    group_add: "list[str]"
    links: "list[str]"


class RunArgs(CreateArgs, total=False):
    """``containers.run``'s keyword arguments: ``create``'s, and ``remove``
    (False), ``stdout`` (True) and ``stderr`` (False): what the output holds."""

    remove: bool
    stdout: bool
    stderr: bool


def split_reference(reference: str) -> tuple[str, str | None]:
    """``host:5000/repo:tag`` → (``host:5000/repo``, ``tag``); a digest
    reference or one without a tag keeps its whole self and None."""
    if "@" in reference:
        return reference, None
    name, sep, tag = reference.rpartition(":")
    if sep and "/" not in tag:
        return name, tag
    return reference, None


#: Keywords handled apart from the table above.
_SPECIAL = {"entrypoint", "environment", "labels", "ports", "volumes", "extra_hosts", "network", "name", "platform"}


def size(value: Any, name: str) -> int:
    """Bytes from an int or docker-py's `'512m'`, `'1g'`."""
    if isinstance(value, bool):
        raise TypeError(f"{name} must be bytes or a size such as '512m'")
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        text = value.strip().lower()
        units = {"b": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}
        if text and text[-1] in units:
            return int(float(text[:-1]) * units[text[-1]])
        if text.isdigit():
            return int(text)
    raise ValueError(f"{name}: `{value}` is not a size such as 512m or 1g")


def container_body(image: str, command_: Command | None = None, **kwargs: Any) -> tuple[dict[str, Any], str | None, str | None]:
    """ContainerCreate's body from docker-py's `containers.create` arguments;
    also the container name and platform. Unknown keywords are a TypeError."""
    body: dict[str, Any] = {"Image": image}
    host: dict[str, Any] = {}
    unknown = sorted(set(kwargs) - set(_CREATE_FIELDS) - _SPECIAL)
    if unknown:
        raise TypeError(f"unexpected keyword argument(s): {', '.join(unknown)}")
    cmd = command(command_)
    if cmd is not None:
        body["Cmd"] = cmd
    if kwargs.get("entrypoint") is not None:
        body["Entrypoint"] = command(kwargs["entrypoint"], "entrypoint")
    env = environment(kwargs.get("environment"))
    if env is not None:
        body["Env"] = env
    lab = labels(kwargs.get("labels"))
    if lab is not None:
        body["Labels"] = lab
    exposed, bindings = ports(kwargs.get("ports"))
    if exposed:
        body["ExposedPorts"] = exposed
        host["PortBindings"] = bindings
    binds = volumes(kwargs.get("volumes"))
    if binds:
        host["Binds"] = binds
    extra_hosts = kwargs.get("extra_hosts")
    if extra_hosts is not None:
        host["ExtraHosts"] = (
            [f"{h}:{ip}" for h, ip in extra_hosts.items()] if isinstance(extra_hosts, Mapping) else list(extra_hosts)
        )
    for key, (top, in_host) in _CREATE_FIELDS.items():
        if kwargs.get(key) is None:
            continue
        value = kwargs[key]
        if key in ("mem_limit", "memswap_limit", "mem_reservation", "shm_size"):
            value = size(value, key)
        if key == "restart_policy" and isinstance(value, str):
            value = {"Name": value}
        if key == "healthcheck":
            value = {
                {"test": "Test", "interval": "Interval", "timeout": "Timeout", "retries": "Retries",
                 "start_period": "StartPeriod"}.get(k, k): v
                for k, v in value.items()
            }
        if top:
            body[top] = value
        else:
            host[in_host or key] = value
    network = kwargs.get("network")
    if network is not None:
        host.setdefault("NetworkMode", network)
        body["NetworkingConfig"] = {"EndpointsConfig": {network: {}}}
    if host:
        body["HostConfig"] = host
    return body, kwargs.get("name"), kwargs.get("platform")
