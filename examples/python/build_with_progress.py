"""Builds an image from a Dockerfile written in Python (docker-map's
DockerFile), with the build's output drawn as it comes, then runs it, and
reports a failing build the way BuildFailed carries it.

    python examples/python/build_with_progress.py [base image]
"""

from __future__ import annotations

import sys

import libdocker


def main(base: str) -> None:
    docker = libdocker.Docker()
    dockerfile = (
        libdocker.Dockerfile(base)
        .add_file("/app/greeting.txt", "built by libdocker\n")
        .label("example", "build-with-progress")
        .cmd(["cat", "/app/greeting.txt"])
    )
    image, log = docker.images.build(
        fileobj=dockerfile, tag="libdocker-example/greeting:1", latest=True, progress=libdocker.ProgressBars(sys.stdout)
    )
    print("built", image.short_id, "as", sorted(image.tags), "in", len(log), "steps of output")
    print(docker.containers.run(image.id, remove=True).decode(), end="")

    try:
        docker.images.build(fileobj=libdocker.Dockerfile(base).run("echo about to fail; exit 3"))
    except libdocker.BuildFailed as failed:
        print("the build failed:", str(failed).splitlines()[0])
        print("the failing step said:", failed.output.strip().splitlines()[-1])

    for tag in image.tags:
        docker.images.remove(tag)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "busybox:latest")
