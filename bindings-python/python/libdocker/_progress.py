"""A terminal renderer of pull, push and build progress: a bar per layer,
redrawn in place on a terminal, plain status lines elsewhere (logs, CI).

    docker.images.pull("busybox", progress=ProgressBars())
"""

from __future__ import annotations

import sys
from typing import IO, Any

_WIDTH = 30


class ProgressBars:
    """Call it with each progress event (``progress=ProgressBars()``). Never
    asks to stop: it returns None."""

    def __init__(self, out: IO[str] | None = None, tty: bool | None = None) -> None:
        self.out = out if out is not None else sys.stderr
        self.tty = self.out.isatty() if tty is None else tty
        self._layers: dict[str, str] = {}
        self._drawn = 0

    def __call__(self, event: dict[str, Any]) -> None:
        text = event.get("stream")
        if text:
            self._write(str(text))
            return
        layer = event.get("id")
        line = self.line(event)
        if not layer:
            self._write(line + "\n")
            return
        if not self.tty:
            if self._layers.get(layer, "").split(" ")[0:2] != line.split(" ")[0:2]:
                self._write(line + "\n")
            self._layers[layer] = line
            return
        self._layers[layer] = line
        self._redraw()

    @staticmethod
    def line(event: dict[str, Any]) -> str:
        """One event as a line: ``a1b2c3: Downloading [=====>    ] 1.2/3.4 MB``."""
        status = str(event.get("status", ""))
        layer = event.get("id")
        head = f"{layer}: {status}" if layer else status
        detail = event.get("progressDetail") or {}
        current, total = detail.get("current"), detail.get("total")
        if isinstance(current, (int, float)) and isinstance(total, (int, float)) and total > 0:
            done = int(_WIDTH * min(current, total) / total)
            bar = "=" * done + (">" if done < _WIDTH else "") + " " * max(0, _WIDTH - done - 1)
            return f"{head} [{bar}] {current / 1e6:.1f}/{total / 1e6:.1f} MB"
        return head

    def _redraw(self) -> None:
        up = f"\x1b[{self._drawn}A" if self._drawn else ""
        lines = "".join(f"\x1b[2K{line}\n" for line in self._layers.values())
        self._write(up + lines)
        self._drawn = len(self._layers)

    def _write(self, text: str) -> None:
        self.out.write(text)
        self.out.flush()
