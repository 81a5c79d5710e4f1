#!/usr/bin/env bash
# Builds the Python package the way a user installs it (pip install
# ./bindings-python) into a venv, then runs the Python tests against the test
# daemon, checks the type stubs against the module with mypy's stubtest and
# the package with mypy --strict (the examples are checked by test_examples.py).
# Needs the environment of tests/env/testenv.sh (tests/run.sh provides it).
set -euo pipefail
cd "$(dirname "$0")/../.."
WORK=${LIBDOCKER_TEST_WORK:-/tmp/libdocker-test}
VENV=$WORK/venv

if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
fi
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/pip" install -q -r tests/python/requirements.txt
# Built in the workspace's target directory, so reruns are incremental.
"$VENV/bin/pip" install -q --force-reinstall --no-deps ./bindings-python

# The test image, made by our own client if absent.
cargo run -q --example run -- libdocker-test/busybox:latest true >/dev/null

echo "-- pytest"
mkdir -p "$WORK/parity"
(cd tests/python && "$VENV/bin/python" -m pytest -q -p no:cacheprovider --junitxml="$WORK/parity/python.xml")
echo "-- stubtest, and mypy --strict over the package"
(cd "$WORK" && "$VENV/bin/python" -m mypy.stubtest libdocker && "$VENV/bin/python" -m mypy --strict -p libdocker)
