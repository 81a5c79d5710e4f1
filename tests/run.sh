#!/usr/bin/env bash
# Runs every test of the project against the real test environment.
#
#   tests/run.sh            set up (tests/env/testenv.sh up), run all suites, tear down
#   KEEP_ENV=1 tests/run.sh leave the daemons running afterwards (faster reruns)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
WORK=${LIBDOCKER_TEST_WORK:-/tmp/libdocker-test}
export LIBDOCKER_TEST_WORK=$WORK

teardown() {
    local rc=$?
    if [ "${KEEP_ENV:-0}" = 1 ]; then
        tests/env/testenv.sh sweep || true
    else
        tests/env/testenv.sh down || true
    fi
    exit $rc
}
trap teardown EXIT

tests/env/testenv.sh up
# shellcheck disable=SC1091
. "$WORK/env"

step() { printf '\n==> %s\n' "$*"; }

# Each suite leaves its results here for the parity table (tests/parity/).
rm -rf "$WORK/parity" && mkdir -p "$WORK/parity"

step "Rust: unit, integration and doc tests (cargo test --workspace)"
cargo test --workspace --all-targets 2>&1 | tee "$WORK/parity/rust.log"
cargo test --workspace --doc

step "C ABI: C tests with -Wall -Wextra -Werror, plain, under valgrind and ASan (tests/c/run.sh)"
tests/c/run.sh 2>&1 | tee "$WORK/parity/c.log"

step "Python: pip install ./bindings-python, pytest (sync, asyncio, faults), stubtest (tests/python/run.sh)"
tests/python/run.sh

step "Kotlin through UniFFI: generated bindings compiled with Kotlin 2, run with JNA (tests/kotlin/run.sh)"
tests/kotlin/run.sh

step "UniFFI's generated Python: the parity scenarios on the FFI surface Swift uses (tests/uniffi_python/run.sh)"
tests/uniffi_python/run.sh

step "Swift through UniFFI: the committed bindings are current; swift test where Swift exists (tests/swift/run.sh)"
tests/swift/run.sh

step "the operation table matches the spec (cargo run --example ops)"
cargo run -q --example ops >"$WORK/ops.tsv"
SPEC_OPS=$ROOT/../shared/docker-api/ops-v1.55.tsv
if [ -f "$SPEC_OPS" ]; then
    diff <(cut -f1-3 "$WORK/ops.tsv" | tail -n +2 | sort) \
         <(cut -f1-3 "$SPEC_OPS" | tail -n +2 | sort)
    echo "108 operations, same ids, methods and paths as ops-v1.55.tsv"
else
    echo "not compared: $SPEC_OPS (the spec's operation table, kept beside the repository) is absent"
fi

step "parity: each scenario of tests/parity/scenarios.tsv passed on every surface, as README.md shows"
python3 tests/parity/table.py

step "the main job (cargo run --example quickstart)"
cargo run -q --example quickstart

echo
echo "all tests passed"
