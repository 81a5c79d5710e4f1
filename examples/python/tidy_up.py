"""docker-map's cleanup helpers: what exists, then stopped containers removed
(keeping those never started), then everything of one label removed. Scoped
by a label, so nothing else on the daemon is touched.

    python examples/python/tidy_up.py [image]
"""

from __future__ import annotations

import sys

import libdocker

MINE = {"label": "example=tidy-up"}


def main(image: str) -> None:
    docker = libdocker.Docker()
    labels = {"example": "tidy-up"}
    docker.containers.create(image, "true", labels=labels, name="tidy-never-started")
    docker.containers.run(image, "true", detach=True, labels=labels, name="tidy-finished").wait()
    docker.containers.run(image, "sleep 300", detach=True, labels=labels, name="tidy-running")
    print("containers:", sorted(docker.container_names(filters=MINE)))
    print("removed stopped:", docker.cleanup_containers(filters=MINE))
    print("left:", sorted(docker.container_names(filters=MINE)))
    print("removed the rest:", sorted(docker.remove_all_containers(stop_timeout=1, filters=MINE)))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "busybox:latest")
