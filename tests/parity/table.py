"""The parity table: which scenario (scenarios.tsv) passes on which surface.

Reads what the test run left in $LIBDOCKER_TEST_WORK/parity/ (cargo test's, the
C tests' and the Kotlin test's `test <name> ... ok` lines; pytest's JUnit XML),
looks up each cell's tests (cells.tsv), writes the table to parity/table.md and
checks that README.md shows the same table. It fails when a cell has no test,
when a test of a cell did not run or did not pass, or when README.md differs
(LIBDOCKER_BLESS=1 rewrites README.md's table).
"""

from __future__ import annotations

import csv
import os
import re
import sys
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
WORK = os.environ.get("LIBDOCKER_TEST_WORK", "/tmp/libdocker-test")
RESULTS = os.path.join(WORK, "parity")
SURFACES = ["rust-async", "rust-blocking", "c", "python-sync", "python-asyncio", "kotlin", "uniffi-python"]
HEADINGS = ["Rust async", "Rust blocking", "C", "Python sync", "Python asyncio", "Kotlin", "UniFFI Python"]
BEGIN, END = "<!-- parity table: tests/parity/table.py -->", "<!-- end of parity table -->"


def rows(name: str) -> list[dict[str, str]]:
    with open(os.path.join(HERE, name), encoding="utf-8") as f:
        lines = [line for line in f if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def test_lines(log: str, outcomes: dict[str, bool]) -> None:
    """`test <name> ... ok|FAILED` lines; cargo's names are qualified by the
    `Running tests/<file>.rs` line above them."""
    if not os.path.exists(log):
        return
    current = ""
    with open(log, encoding="utf-8", errors="replace") as f:
        for line in f:
            running = re.match(r"\s*Running (\S+\.rs) \(", line)
            if running:
                path = running.group(1)
                current = f"core/{path}" if os.path.exists(os.path.join(ROOT, "core", path)) else path
                continue
            m = re.match(r"test (\S+) \.\.\. (ok|FAILED|ignored)", line)
            if m:
                name = m.group(1) if "::" in m.group(1) and m.group(1).startswith("tests/") else f"{current}::{m.group(1)}"
                outcomes[name] = m.group(2) == "ok" and outcomes.get(name, True)


def junit(path: str, prefix: str, outcomes: dict[str, bool]) -> None:
    if not os.path.exists(path):
        return
    for case in ET.parse(path).getroot().iter("testcase"):
        module = case.get("classname", "").replace(".", "/")
        name = f"{prefix}{module}.py::{case.get('name')}"
        passed = not any(child.tag in ("failure", "error", "skipped") for child in case)
        outcomes[name] = passed and outcomes.get(name, True)


def main() -> int:
    outcomes: dict[str, bool] = {}
    for log in ("rust.log", "c.log", "kotlin.log"):
        test_lines(os.path.join(RESULTS, log), outcomes)
    junit(os.path.join(RESULTS, "python.xml"), "tests/python/", outcomes)
    junit(os.path.join(RESULTS, "uniffi-python.xml"), "", outcomes)

    scenarios = [r["scenario"] for r in rows("scenarios.tsv")]
    cells: dict[tuple[str, str], list[str]] = {}
    for r in rows("cells.tsv"):
        if r["scenario"] not in scenarios or r["surface"] not in SURFACES:
            print(f"cells.tsv: unknown scenario or surface in {r}")
            return 1
        cells.setdefault((r["scenario"], r["surface"]), []).append(r["test"])

    problems = []
    table = ["| scenario | " + " | ".join(HEADINGS) + " |", "|---" * (len(SURFACES) + 1) + "|"]
    for scenario in scenarios:
        marks = []
        for surface in SURFACES:
            tests = cells.get((scenario, surface), [])
            if not tests:
                problems.append(f"{scenario} on {surface}: no test")
            for t in tests:
                if t not in outcomes:
                    problems.append(f"{scenario} on {surface}: {t} did not run")
                elif not outcomes[t]:
                    problems.append(f"{scenario} on {surface}: {t} failed")
            ok = bool(tests) and all(outcomes.get(t) for t in tests)
            marks.append("pass" if ok else "**FAIL**")
        table.append(f"| {scenario} | " + " | ".join(marks) + " |")
    text = "\n".join(table) + "\n"
    os.makedirs(RESULTS, exist_ok=True)
    with open(os.path.join(RESULTS, "table.md"), "w", encoding="utf-8") as f:
        f.write(text)
    print(text)

    readme_path = os.path.join(ROOT, "README.md")
    with open(readme_path, encoding="utf-8") as f:
        readme = f.read()
    start, end = readme.find(BEGIN), readme.find(END)
    if start < 0 or end < 0:
        problems.append(f"README.md has no parity table between {BEGIN!r} and {END!r}")
    else:
        shown = readme[start + len(BEGIN) : end].strip() + "\n"
        if shown != text:
            if os.environ.get("LIBDOCKER_BLESS") == "1" and not problems:
                with open(readme_path, "w", encoding="utf-8") as f:
                    f.write(readme[: start + len(BEGIN)] + "\n" + text + readme[end:])
            else:
                problems.append("README.md's parity table differs from this run's (LIBDOCKER_BLESS=1 rewrites it)")
    for p in problems:
        print("parity:", p)
    if not problems:
        print(f"parity: {len(scenarios)} scenarios pass on all {len(SURFACES)} surfaces")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
