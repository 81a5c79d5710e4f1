"""What the models of both clients share: ``attrs`` (the daemon's dict, as it
came from a list or an inspect) and typed properties for the common fields,
which read either shape. ``reload()`` (on each client's model) replaces
``attrs`` with a fresh inspect."""

from __future__ import annotations

from typing import Any


class Model:
    """A daemon object: ``attrs`` is its dict, ``id`` its identity."""

    __slots__ = ("attrs", "client")
    id_attribute = "Id"

    def __init__(self, attrs: dict[str, Any], client: Any) -> None:
        self.attrs: dict[str, Any] = attrs
        self.client = client

    @property
    def id(self) -> str:
        value = self.attrs.get(self.id_attribute)
        return "" if value is None else str(value)

    @property
    def short_id(self) -> str:
        """The id's first 12 characters (after ``sha256:`` for images)."""
        ident = self.id
        if ident.startswith("sha256:"):
            return ident[:19]
        return ident[:12]

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.id == self.id

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.id))

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self.short_id}>"


def _dig(attrs: dict[str, Any], *path: str) -> Any:
    value: Any = attrs
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


class ContainerAttrs(Model):
    __slots__ = ()

    """The common fields of a container, from a list entry or an inspect."""

    @property
    def name(self) -> str:
        if "Name" in self.attrs:
            return str(self.attrs["Name"]).lstrip("/")
        names = self.attrs.get("Names") or [""]
        return str(names[0]).lstrip("/")

    @property
    def status(self) -> str:
        """``created``, ``running``, ``paused``, ``restarting``, ``exited``, ..."""
        state = self.attrs.get("State")
        if isinstance(state, dict):
            return str(state.get("Status", ""))
        return str(state or "")

    @property
    def labels(self) -> dict[str, str]:
        labels = _dig(self.attrs, "Config", "Labels") if "Config" in self.attrs else self.attrs.get("Labels")
        return dict(labels or {})

    @property
    def image(self) -> str:
        """The image as the container was created from it (a name or an id)."""
        if "Config" in self.attrs:
            return str(_dig(self.attrs, "Config", "Image") or "")
        return str(self.attrs.get("Image", ""))

    @property
    def image_id(self) -> str:
        if "Config" in self.attrs:
            return str(self.attrs.get("Image", ""))
        return str(self.attrs.get("ImageID", ""))

    @property
    def ports(self) -> dict[str, list[dict[str, str]] | None]:
        """Published ports as docker-py shows them:
        ``{'80/tcp': [{'HostIp': '0.0.0.0', 'HostPort': '8080'}], '443/tcp': None}``."""
        if "NetworkSettings" in self.attrs and "Ports" not in self.attrs:
            ports = _dig(self.attrs, "NetworkSettings", "Ports")
            return dict(ports or {})
        out: dict[str, list[dict[str, str]] | None] = {}
        for p in self.attrs.get("Ports") or []:
            key = f"{p.get('PrivatePort')}/{p.get('Type', 'tcp')}"
            if p.get("PublicPort") is None:
                out.setdefault(key, None)
                continue
            binding = {"HostIp": str(p.get("IP", "")), "HostPort": str(p["PublicPort"])}
            listed = out.get(key) or []
            out[key] = [*listed, binding]
        return out

    @property
    def health(self) -> str:
        """``healthy``, ``unhealthy``, ``starting``, or ``unknown`` (no health check)."""
        state = self.attrs.get("State")
        if isinstance(state, dict):
            return str(_dig(state, "Health", "Status") or "unknown")
        status = str(self.attrs.get("Status", ""))
        for word in ("unhealthy", "healthy", "starting"):
            if f"({word}" in status:
                return word
        return "unknown"

    @property
    def exit_code(self) -> int | None:
        """The exit code of an exited container (from an inspect), else None."""
        state = self.attrs.get("State")
        if isinstance(state, dict) and state.get("Status") == "exited":
            return int(state.get("ExitCode", 0))
        return None


class ImageAttrs(Model):
    __slots__ = ()

    @property
    def tags(self) -> list[str]:
        return [t for t in self.attrs.get("RepoTags") or [] if t != "<none>:<none>"]

    @property
    def labels(self) -> dict[str, str]:
        labels = _dig(self.attrs, "Config", "Labels") if "Config" in self.attrs else self.attrs.get("Labels")
        return dict(labels or {})


class NetworkAttrs(Model):
    __slots__ = ()

    @property
    def name(self) -> str:
        return str(self.attrs.get("Name", ""))

    @property
    def containers(self) -> list[str]:
        """Ids of the containers attached (as the last inspect saw them)."""
        return list((self.attrs.get("Containers") or {}).keys())


class VolumeAttrs(Model):
    __slots__ = ()

    id_attribute = "Name"

    @property
    def name(self) -> str:
        return str(self.attrs.get("Name", ""))

    @property
    def short_id(self) -> str:
        return self.name


class SwarmObjectAttrs(Model):
    """A service, node, secret or config: ``ID``, ``Version.Index``, ``Spec``."""

    __slots__ = ()
    id_attribute = "ID"

    @property
    def version(self) -> int:
        """The version index an update names (as the last read saw it)."""
        return int(_dig(self.attrs, "Version", "Index") or 0)

    @property
    def spec(self) -> dict[str, Any]:
        return dict(self.attrs.get("Spec") or {})

    @property
    def name(self) -> str:
        return str(self.spec.get("Name") or "")

    @property
    def labels(self) -> dict[str, str]:
        return dict(self.spec.get("Labels") or {})


class TaskAttrs(Model):
    """A task: one run of a service's container on a node."""

    __slots__ = ()
    id_attribute = "ID"

    @property
    def service_id(self) -> str:
        return str(self.attrs.get("ServiceID") or "")

    @property
    def node_id(self) -> str:
        return str(self.attrs.get("NodeID") or "")

    @property
    def slot(self) -> int | None:
        slot = self.attrs.get("Slot")
        return None if slot is None else int(slot)

    @property
    def state(self) -> str:
        """``pending``, ``preparing``, ``running``, ``failed``, ``shutdown``, ..."""
        return str(_dig(self.attrs, "Status", "State") or "")

    @property
    def desired_state(self) -> str:
        return str(self.attrs.get("DesiredState") or "")

    @property
    def error(self) -> str | None:
        return _dig(self.attrs, "Status", "Err") or None

    @property
    def container_id(self) -> str | None:
        return _dig(self.attrs, "Status", "ContainerStatus", "ContainerID") or None
