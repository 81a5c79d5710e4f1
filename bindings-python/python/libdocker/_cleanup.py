"""docker-map's cleanup helpers, as plans both clients run: remove stopped
containers (keeping those never started), remove dangling or old images,
remove every container, and list container names and image tags.

``filters`` narrows any of them (e.g. ``{"label": "app=web"}``), so a program
can tidy what it made without touching the rest of a shared daemon."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from libdocker import _params
from libdocker._native import NotFound
from libdocker._plan import Plan, invoke


def _name(entry: dict[str, Any]) -> str:
    names = entry.get("Names") or [entry.get("Id", "")]
    return str(names[0]).lstrip("/")


def _listed(filters: Mapping[str, Any] | None, **more: list[str]) -> dict[str, Any]:
    found = dict(_params.filters(filters) or {})
    found.update(more)
    return {"all": True, "filters": found or None}


def cleanup_containers(
    include_initial: bool, exclude: Iterable[str] | None, filters: Mapping[str, Any] | None
) -> Plan[list[str]]:
    """Removes stopped containers; never-started ones (``created``) only with
    ``include_initial``. Names in ``exclude`` stay. The names removed."""
    states = ["exited", "dead"] + (["created"] if include_initial else [])
    listed = yield invoke("ContainerList", _listed(filters, status=states))
    keep = set(exclude or ())
    removed = []
    for entry in listed:
        name = _name(entry)
        if name in keep:
            continue
        try:
            yield invoke("ContainerDelete", {"id": entry["Id"], "v": True})
        except NotFound:
            continue  # removed meanwhile (auto-remove, another client)
        removed.append(name)
    return removed


def remove_all_containers(stop_timeout: int, filters: Mapping[str, Any] | None) -> Plan[list[str]]:
    """Stops (``stop_timeout`` seconds, then killed) and removes every
    container; the names removed."""
    listed = yield invoke("ContainerList", _listed(filters))
    removed = []
    for entry in listed:
        try:
            if entry.get("State") in ("running", "paused", "restarting"):
                yield invoke("ContainerStop", {"id": entry["Id"], "t": stop_timeout})
            yield invoke("ContainerDelete", {"id": entry["Id"], "v": True, "force": True})
        except NotFound:
            continue
        removed.append(_name(entry))
    return removed


def cleanup_images(
    remove_old: bool, keep_tags: Iterable[str] | None, force: bool, filters: Mapping[str, Any] | None
) -> Plan[list[str]]:
    """Removes dangling images (no tag left); with ``remove_old``, also tagged
    images none of whose tags is ``latest`` or in ``keep_tags``. Images a
    container uses are left (unless ``force``). The ids removed."""
    images = yield invoke("ImageList", {"filters": _params.filters(filters)})
    keep = set(keep_tags or ())
    removed = []
    for image in images:
        tags = [t for t in image.get("RepoTags") or [] if t != "<none>:<none>"]
        if tags:
            if not remove_old or any(t.endswith(":latest") or t in keep for t in tags):
                continue
            names = tags
        else:
            names = [image["Id"]]
        try:
            for name in names:
                yield invoke("ImageDelete", {"name": name, "force": force})
        except NotFound:
            continue
        except Exception as e:  # in use by a container: left, as docker-map does
            if getattr(e, "status", None) == 409:
                continue
            raise
        removed.append(str(image["Id"]))
    return removed


def container_names(filters: Mapping[str, Any] | None) -> Plan[set[str]]:
    listed = yield invoke("ContainerList", _listed(filters))
    return {_name(entry) for entry in listed}


def image_tags(filters: Mapping[str, Any] | None) -> Plan[dict[str, str]]:
    """Every ``repo:tag`` and the id of the image it names."""
    images = yield invoke("ImageList", {"filters": _params.filters(filters)})
    return {
        tag: str(image["Id"])
        for image in images
        for tag in image.get("RepoTags") or []
        if tag != "<none>:<none>"
    }
