#!/usr/bin/env bash
# The parity scenarios through UniFFI's generated Python: generates
# libdocker_uniffi.py beside the library and runs test_scenarios.py (and
# test_maps.py, container maps over the main and TLS daemons) with the
# Python tests' venv (tests/python/run.sh makes it). Needs the environment of
# tests/env/testenv.sh (tests/run.sh provides it).
set -euo pipefail
cd "$(dirname "$0")/../.."
WORK=${LIBDOCKER_TEST_WORK:-/tmp/libdocker-test}
OUT=$WORK/uniffi-python
PY=$WORK/venv/bin/python
[ -x "$PY" ] || { python3 -m venv "$WORK/venv" && "$WORK/venv/bin/pip" install -q -r tests/python/requirements.txt; }

cargo build -q -p libdocker-uniffi -p uniffi-bindgen
# The test image, made by our own client if absent.
cargo run -q --example run -- libdocker-test/busybox:latest true >/dev/null
rm -rf "$OUT" && mkdir -p "$OUT"
./target/debug/uniffi-bindgen generate --library target/debug/liblibdocker_uniffi.so \
    --language python --out-dir "$OUT" --no-format >/dev/null
cp target/debug/liblibdocker_uniffi.so "$OUT/"
mkdir -p "$WORK/parity"

PYTHONPATH=$OUT "$PY" -m pytest -q -p no:cacheprovider --junitxml="$WORK/parity/uniffi-python.xml" \
    tests/uniffi_python/test_scenarios.py tests/uniffi_python/test_maps.py
# The swarm on the two-node test swarm (not a parity scenario).
PYTHONPATH=$OUT "$PY" -m pytest -q -p no:cacheprovider tests/uniffi_python/test_swarm.py
