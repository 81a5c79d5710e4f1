"""Many daemons watched at once (nkdocker's monitor): one stream of their
events, each tagged with its daemon, with ``daemon_down`` / ``daemon_up`` when
one goes away and comes back. The core reconnects with backoff and resumes from
the last event delivered, so nothing is lost or doubled across an outage.

Three ways to listen, as the seed's users do: iterate (``for e in monitor``),
``async for e in monitor``, or ``monitor.listen(callback)`` (a thread; the
callback returns True to stop). The monitor runs while someone listens.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

from libdocker import _native

@dataclass(frozen=True, slots=True)
class MonitorEvent:
    """One report: an ``event`` of ``daemon`` (the daemon's event dict:
    ``Type``, ``Action``, ``Actor``, ``timeNano``...), the daemon going
    ``daemon_down`` (with ``error``) or coming ``daemon_up``, or a running
    container's ``stats`` (with ``stats_every``: ``cpu_percent``,
    ``memory_usage``, ``memory_limit``, ``memory_percent``, ``net_rx_rate``,
    ``block_write_bytes``... computed as ``docker stats`` does)."""

    daemon: str
    kind: Literal["event", "daemon_up", "daemon_down", "stats"]
    event: dict[str, Any] | None = None
    error: str | None = None
    stats: dict[str, Any] | None = None

    @property
    def action(self) -> str | None:
        """The event's action (``create``, ``start``, ``die``...), if an event."""
        return None if self.event is None else self.event.get("Action")

    @property
    def actor_id(self) -> str | None:
        """The id of the object the event is about, if an event."""
        return None if self.event is None else self.event.get("Actor", {}).get("ID")


def _report(item: dict[str, Any]) -> MonitorEvent:
    return MonitorEvent(item["daemon"], item["kind"], item.get("event"), item.get("error"), item.get("stats"))


class Listening:
    """A callback listening on its own thread: ``stop()`` ends it from any thread."""

    def __init__(self, stream: _native.Stream, callback: Callable[[MonitorEvent], bool | None]) -> None:
        self._stream = stream
        self.error: BaseException | None = None

        def run() -> None:
            try:
                with stream:
                    for item in stream:
                        if callback(_report(item)):
                            return
            except BaseException as e:  # noqa: BLE001 - kept for the caller to see
                self.error = e

        self._thread = threading.Thread(target=run, name="libdocker-monitor", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Ends the listening (and the monitor, if it was the last listener)."""
        self._stream.close()

    def join(self, timeout: float | None = None) -> bool:
        """Waits for the end; whether it ended."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def is_alive(self) -> bool:
        return self._thread.is_alive()


class Monitor(_native.Monitor):
    """Watches daemons: ``add(name, docker)`` for each (a ``Docker`` or an
    ``AsyncDocker``), then listen. ``filters`` are the daemon's event filters
    (``{"label": ["app=web"], "type": ["container"]}``); their ``label`` part
    also selects the containers that ``containers(daemon)`` holds. With
    ``stats_every`` (seconds), the running ones' stats are reported that often."""

    def events(self) -> Iterator[MonitorEvent]:
        """The reports from now on; closing the iterator stops listening."""
        stream = self.subscribe()
        with stream:
            for item in stream:
                yield _report(item)

    def __iter__(self) -> Iterator[MonitorEvent]:
        return self.events()

    async def aevents(self) -> AsyncIterator[MonitorEvent]:
        """The reports from now on, for ``async for``."""
        stream = self.subscribe_async()
        async with stream:
            async for item in stream:
                yield _report(item)

    def __aiter__(self) -> AsyncIterator[MonitorEvent]:
        return self.aevents()

    def listen(self, callback: Callable[[MonitorEvent], bool | None]) -> Listening:
        """Calls ``callback`` with each report on a thread of its own, until it
        returns True or ``stop()`` is called on the result."""
        return Listening(self.subscribe(), callback)
