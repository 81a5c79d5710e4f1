"""Plans: what a high-level method does, written once for the sync and the
asyncio client.

A plan is a generator. It yields steps (``Do``: call a method of the native
client; ``Drain``: read a stream to its end; ``Sleep``: pause) and receives each step's result;
what it returns is the method's result. An error of a step is thrown into the
plan where it yielded, so a plan can catch ``NotFound`` like any code. The
``Docker`` client runs plans with ``drive``, ``AsyncDocker`` with
``drive_async``: the only places where sync and asyncio differ.
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Callable, Generator
from typing import Any, TypeVar, Union

T = TypeVar("T")


class Do:
    """Call ``method`` of the native client with these arguments."""

    __slots__ = ("args", "kwargs", "method")

    def __init__(self, method: str, *args: Any, **kwargs: Any) -> None:
        self.method = method
        self.args = args
        self.kwargs = kwargs


def invoke(op: str, params: dict[str, Any] | None = None, **kwargs: Any) -> Do:
    """The step calling an operation by name (``body=``, ``timeout=`` pass on)."""
    return Do("invoke", op, params, **kwargs)


class Drain:
    """Read ``stream`` to its end and hand back its items. ``each`` sees every
    item first; when it returns True the stream is closed there (asyncdocker's
    callbacks that return true to stop). ``keep=False`` keeps nothing."""

    __slots__ = ("each", "keep", "stream")

    def __init__(
        self,
        stream: Any,
        each: Callable[[Any], Any] | None = None,
        keep: bool = True,
    ) -> None:
        self.stream = stream
        self.each = each
        self.keep = keep


class Sleep:
    """Pause for ``seconds`` (``time.sleep``, or ``asyncio.sleep`` in the asyncio client)."""

    __slots__ = ("seconds",)

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds


Step = Union[Do, Drain, Sleep]
Plan = Generator[Step, Any, T]


def drive(client: Any, plan: Plan[T]) -> T:
    """Runs a plan on the sync client."""
    reply: Any = None
    error: BaseException | None = None
    while True:
        try:
            step = plan.send(reply) if error is None else plan.throw(error)
        except StopIteration as done:
            return done.value  # type: ignore[no-any-return]
        error = None
        try:
            if isinstance(step, Do):
                reply = getattr(client, step.method)(*step.args, **step.kwargs)
            elif isinstance(step, Sleep):
                time.sleep(step.seconds)
                reply = None
            else:
                reply = _drain(step)
        except Exception as e:  # handed to the plan, which may catch it
            error = e


def _drain(step: Drain) -> list[Any]:
    items: list[Any] = []
    stream = step.stream
    for item in stream:
        if step.keep:
            items.append(item)
        if step.each is not None and step.each(item) is True:
            stream.close()
            break
    return items


async def drive_async(client: Any, plan: Plan[T]) -> T:
    """Runs a plan on the asyncio client."""
    reply: Any = None
    error: BaseException | None = None
    while True:
        try:
            step = plan.send(reply) if error is None else plan.throw(error)
        except StopIteration as done:
            return done.value  # type: ignore[no-any-return]
        error = None
        try:
            if isinstance(step, Do):
                reply = getattr(client, step.method)(*step.args, **step.kwargs)
                if inspect.isawaitable(reply):
                    reply = await reply
            elif isinstance(step, Sleep):
                await asyncio.sleep(step.seconds)
                reply = None
            else:
                reply = await _drain_async(step)
        except Exception as e:
            error = e


async def _drain_async(step: Drain) -> list[Any]:
    items: list[Any] = []
    stream = step.stream
    async for item in stream:
        if step.keep:
            items.append(item)
        if step.each is not None:
            stop = step.each(item)
            if inspect.isawaitable(stop):
                stop = await stop
            if stop is True:
                await stream.aclose()
                break
    return items
