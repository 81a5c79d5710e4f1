"""A docker-py user's first five minutes with libdocker, synchronously:
connect from the environment, run a container and read its output, keep one
running, exec in it, copy a file in, read its logs, and clean up.

    python examples/python/first_five_minutes.py [image]
"""

from __future__ import annotations

import os
import sys
import tempfile

import libdocker


def main(image: str) -> None:
    with libdocker.from_env() as docker:
        print("daemon", docker.version()["Version"], "ping", docker.ping())

        # Run to completion: the output as bytes (ContainerFailed if it fails).
        print(docker.containers.run(image, "echo hello from a container", remove=True).decode(), end="")

        # Keep one running, labelled so it is easy to find and tidy.
        web = docker.containers.run(
            image, "sh -c 'echo ready; sleep 300'", detach=True, labels={"example": "first-five-minutes"}
        )
        try:
            print("started", web.name, web.status)
            result = web.exec_run("sh -c 'echo in the container; exit 3'")
            print("exec said", result.stdout.decode().strip(), "and exited with", result.exit_code)

            with tempfile.TemporaryDirectory() as tmp:
                note = os.path.join(tmp, "note.txt")
                with open(note, "w") as f:
                    f.write("copied in\n")
                web.copy_to(note, "/tmp")
            print("the file holds", web.exec_run("cat /tmp/note.txt").stdout.decode().strip())

            for stream, data in web.logs(stream=True):
                print("log", "stdout" if stream == libdocker.STDOUT else "stderr", data.decode().strip())

            running = docker.containers.list(filters={"label": "example=first-five-minutes"})
            print("running with the label:", [c.short_id for c in running])
        finally:
            web.remove(force=True)
        try:
            docker.containers.get(web.id)
        except libdocker.NotFound:
            print("removed", web.short_id)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "busybox:latest")
