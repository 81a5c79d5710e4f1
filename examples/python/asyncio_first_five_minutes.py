"""The same first five minutes with asyncio: every call awaited, several
containers run at once, an exec's output streamed before its exit code.

    python examples/python/asyncio_first_five_minutes.py [image]
"""

from __future__ import annotations

import asyncio
import sys

import libdocker


async def main(image: str) -> None:
    async with libdocker.AsyncDocker() as docker:
        print("ping", await docker.ping())

        # Three containers at once; each gives its output when it ends.
        outputs = await asyncio.gather(
            *(docker.containers.run(image, f"echo container {i}", remove=True) for i in range(3))
        )
        for out in outputs:
            print(out.decode(), end="")

        box = await docker.containers.run(image, "sleep 300", detach=True, labels={"example": "asyncio"})
        try:
            ex = await box.exec_run("sh -c 'for i in 1 2 3; do echo tick $i; done; exit 2'", stream=True)
            async for _stream, data in ex:  # chunks as they come, maybe several lines each
                for line in data.decode().splitlines():
                    print("streamed", line)
            print("exit code", ex.exit_code)
        finally:
            await box.remove(force=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else "busybox:latest"))
