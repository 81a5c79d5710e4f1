"""Waiting for a service to converge, as ``docker service create
--detach=false`` does: until as many tasks of its current spec run as it wants
(and a rolling update or rollback has finished), reporting progress on the way.
The same rule as the core's ``resources/convergence.rs``, as a plan."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from libdocker._native import ProgressError, Timeout
from libdocker._plan import Plan, Sleep, invoke


@dataclass(frozen=True)
class TaskProgress:
    """One task meant to run."""

    id: str
    slot: int | None
    node_id: str
    state: str
    current: bool
    """Made from the service's current spec (not one an update replaces)."""
    error: str | None


@dataclass(frozen=True)
class Convergence:
    """Where a service is on its way to the state it wants."""

    service: str
    desired: int
    running: int
    tasks: list[TaskProgress] = field(default_factory=list)
    update_state: str | None = None
    converged: bool = False

    def summary(self) -> str:
        """``2/3 running (updating)``."""
        text = f"{self.running}/{self.desired} running"
        if self.update_state:
            text += f" ({self.update_state})"
        return text + (", converged" if self.converged else "")


def _made_from(task_spec: dict[str, Any], template: dict[str, Any]) -> bool:
    want = template.get("ContainerSpec") or {}
    have = task_spec.get("ContainerSpec") or {}
    same_force = int(task_spec.get("ForceUpdate") or 0) == int(template.get("ForceUpdate") or 0)
    return bool(want) and same_force and all(have.get(k) == v for k, v in want.items())


def convergence_of(service: dict[str, Any], tasks: list[dict[str, Any]]) -> Convergence:
    """The progress a service and its tasks (as ``TaskList`` gives them) show."""
    spec = service.get("Spec") or {}
    template = spec.get("TaskTemplate") or {}
    wanted = sorted(
        (
            TaskProgress(
                id=str(t.get("ID")),
                slot=t.get("Slot"),
                node_id=str(t.get("NodeID") or ""),
                state=str((t.get("Status") or {}).get("State") or ""),
                current=_made_from(t.get("Spec") or {}, template),
                error=(t.get("Status") or {}).get("Err") or None,
            )
            for t in tasks
            if t.get("DesiredState") == "running"
        ),
        key=lambda t: (t.slot or 0, t.node_id),
    )
    replicated = (spec.get("Mode") or {}).get("Replicated")
    desired = int(replicated.get("Replicas") or 0) if replicated is not None else len({t.node_id for t in wanted})
    running = sum(1 for t in wanted if t.current and t.state == "running")
    update_state = (service.get("UpdateStatus") or {}).get("State")
    updating = update_state in ("updating", "rollback_started", "paused", "rollback_paused")
    return Convergence(
        service=str(service.get("ID")),
        desired=desired,
        running=running,
        tasks=wanted,
        update_state=update_state,
        converged=running == desired and len(wanted) == desired and not updating,
    )


def converge_plan(
    service_id: str,
    timeout: float,
    poll: float,
    progress: Callable[[Convergence], Any] | None,
) -> Plan[Convergence]:
    """Waits until the service converges, ``progress`` hearing each change."""
    deadline = time.monotonic() + timeout
    last: Convergence | None = None
    while True:
        service = yield invoke("ServiceInspect", {"id": service_id})
        tasks = yield invoke("TaskList", {"filters": {"service": [service["ID"]]}})
        now = convergence_of(service, tasks)
        if now.update_state in ("paused", "rollback_paused"):
            why = (service.get("UpdateStatus") or {}).get("Message") or "no reason given"
            raise ProgressError(f"the update of service {service_id} failed: {now.update_state} ({why})")
        if now != last and progress is not None:
            progress(now)
        last = now
        if now.converged:
            return now
        if time.monotonic() >= deadline:
            raise Timeout(f"timed out after {timeout}s while waiting for service {service_id} to converge ({now.summary()})")
        yield Sleep(poll)
