"""The Python examples run against the test daemon and say what they should,
and mypy --strict passes over them (and so over the API they use)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import TEST_IMAGE

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXAMPLES = os.path.join(ROOT, "examples", "python")

EXPECTED = {
    "first_five_minutes.py": ["hello from a container", "exited with 3", "the file holds copied in", "removed"],
    "asyncio_first_five_minutes.py": ["container 0", "container 2", "streamed tick 3", "exit code 2"],
    "build_with_progress.py": ["built by libdocker", "the failing step said: about to fail"],
    "tidy_up.py": ["removed stopped: ['tidy-finished']", "left: ['tidy-never-started', 'tidy-running']"],
}


@pytest.mark.parametrize("example", sorted(EXPECTED))
def test_the_example_runs(example: str) -> None:
    done = subprocess.run(
        [sys.executable, os.path.join(EXAMPLES, example), TEST_IMAGE],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    for line in EXPECTED[example]:
        assert line in done.stdout, done.stdout


def test_every_example_is_tested() -> None:
    assert sorted(f for f in os.listdir(EXAMPLES) if f.endswith(".py")) == sorted(EXPECTED)


def test_mypy_strict_passes_over_the_examples() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", EXAMPLES],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stdout + done.stderr
