"""A Dockerfile written from Python, with files of its own context, as
docker-map's ``DockerFile``: ``images.build(fileobj=Dockerfile(...))`` sends
the text and the files as the build context, without a directory.

    >>> df = Dockerfile("busybox").add_file("/etc/motd", b"hello\\n").cmd(["cat", "/etc/motd"])
    >>> print(df)
    FROM busybox
    COPY context-0 /etc/motd
    CMD ["cat", "/etc/motd"]
"""

from __future__ import annotations

import json
from collections.abc import Sequence


class Dockerfile:
    """Instructions in order; each method adds one and returns the Dockerfile."""

    def __init__(self, image: str, as_: str | None = None) -> None:
        self._lines: list[str] = []
        self._files: dict[str, bytes] = {}
        self.from_(image, as_)

    def line(self, text: str) -> Dockerfile:
        """Any instruction, as written."""
        self._lines.append(text)
        return self

    def from_(self, image: str, as_: str | None = None) -> Dockerfile:
        """A (further) ``FROM``, optionally naming the stage."""
        return self.line(f"FROM {image}" + (f" AS {as_}" if as_ else ""))

    def run(self, command: str | Sequence[str]) -> Dockerfile:
        return self.line(f"RUN {_form(command)}")

    def cmd(self, command: str | Sequence[str]) -> Dockerfile:
        return self.line(f"CMD {_form(command)}")

    def entrypoint(self, command: str | Sequence[str]) -> Dockerfile:
        return self.line(f"ENTRYPOINT {_form(command)}")

    def env(self, key: str, value: str) -> Dockerfile:
        return self.line(f"ENV {key}={json.dumps(value)}")

    def arg(self, name: str, default: str | None = None) -> Dockerfile:
        return self.line(f"ARG {name}" + ("" if default is None else f"={default}"))

    def label(self, key: str, value: str) -> Dockerfile:
        return self.line(f"LABEL {json.dumps(key)}={json.dumps(value)}")

    def workdir(self, path: str) -> Dockerfile:
        return self.line(f"WORKDIR {path}")

    def user(self, user: str) -> Dockerfile:
        return self.line(f"USER {user}")

    def expose(self, port: int | str) -> Dockerfile:
        return self.line(f"EXPOSE {port}")

    def volume(self, path: str) -> Dockerfile:
        return self.line(f"VOLUME {json.dumps([path])}")

    def copy(self, sources: str | Sequence[str], dest: str, from_: str | None = None) -> Dockerfile:
        """``COPY`` of paths in the context (or of another stage, ``from_``)."""
        paths = [sources] if isinstance(sources, str) else list(sources)
        flag = f"--from={from_} " if from_ else ""
        return self.line(f"COPY {flag}{json.dumps([*paths, dest])}")

    def add_file(self, dest: str, contents: bytes | str, mode: str | None = None) -> Dockerfile:
        """Puts ``contents`` into the context and copies it to ``dest`` in the image."""
        name = f"context-{len(self._files)}"
        self._files[name] = contents.encode() if isinstance(contents, str) else bytes(contents)
        chmod = f"--chmod={mode} " if mode else ""
        return self.line(f"COPY {chmod}{name} {dest}")

    def files(self) -> dict[str, bytes]:
        """The build context: the Dockerfile and the files added."""
        return {"Dockerfile": str(self).encode(), **self._files}

    def __str__(self) -> str:
        return "\n".join(self._lines) + "\n"

    def __repr__(self) -> str:
        return f"<Dockerfile: {self._lines[0]}, {len(self._lines)} lines, {len(self._files)} files>"


def _form(command: str | Sequence[str]) -> str:
    """A shell form for a str, the exec form (JSON) for a list."""
    return command if isinstance(command, str) else json.dumps(list(command))
