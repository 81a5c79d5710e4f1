#!/usr/bin/env bash
# Benchmarks libdocker (Rust, C, Python, Kotlin) against curl, a raw-socket loop,
# bollard, docker-py, aiodocker and the docker CLI, and writes bench/RESULTS.md.
#
#   bench/run.sh [--quick] [--only ping-seq,C2,...]   (workloads or section ids)
#
# Reuses a reachable daemon (DOCKER_HOST, /var/run/docker.sock, or the test
# environment's), else starts one the way the tests do and stops it afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=${LIBDOCKER_TEST_WORK:-/tmp/libdocker-test}
export LIBDOCKER_TEST_WORK=$WORK

ping_ok() { curl -sf --max-time 3 --unix-socket "${1#unix://}" http://d/_ping >/dev/null 2>&1; }
HOST=""
for h in "${DOCKER_HOST:-}" unix:///var/run/docker.sock "unix://$WORK/main/docker.sock"; do
    case "$h" in unix://*) ping_ok "$h" && { HOST=$h; break; } ;; esac
done
if [ -z "$HOST" ]; then
    tests/env/testenv.sh daemon
    trap 'tests/env/testenv.sh down' EXIT
    # shellcheck disable=SC1091
    . "$WORK/env"
    HOST=$DOCKER_HOST
fi
export DOCKER_HOST=$HOST
echo "benchmarking against $HOST"

# GNU time measures the peak RSS of the command-line peers.
if [ ! -x /usr/bin/time ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
fi

cargo build --release -q -p libdocker-bench -p libdocker-ffi
# The C ABI's client, linked against target/release/libdocker.so.
cc -std=c11 -O2 -Wall -Wextra -Werror -Iinclude bench/c/bench_c.c -Ltarget/release \
    -Wl,-rpath,"$PWD/target/release" -ldocker -lpthread -o target/release/bench-libdocker-c
# The Kotlin bindings' client: the generated bindings, their Flow extension and
# bench/kotlin/Bench.kt, compiled with the Kotlin 2 compiler (tests/kotlin/toolchain.sh).
. tests/kotlin/toolchain.sh
cargo build --release -q -p libdocker-uniffi -p uniffi-bindgen
KB=target/release/kotlin-bench
rm -rf "$KB" && mkdir -p "$KB/gen" "$KB/classes"
./target/release/uniffi-bindgen generate --library target/release/liblibdocker_uniffi.so \
    --language kotlin --out-dir "$KB/gen" --no-format >/dev/null
kotlinc "$KB/classes" $(find "$KB/gen" -name '*.kt') bindings-uniffi/kotlin/dev/libdocker/*.kt bench/kotlin/Bench.kt
echo "$PWD/$KB/classes:$KOTLIN_CP$JNA_JAR" >"$KB/classpath"
# The test image, made by our own client if absent.
cargo run --release -q --example run -- libdocker-test/busybox:latest true >/dev/null

VENV=bench/.venv
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
fi
"$VENV/bin/pip" install -q -r bench/requirements.txt
# libdocker's Python package, built in release mode as pip builds it for users.
"$VENV/bin/pip" install -q --force-reinstall --no-deps ./bindings-python

"$VENV/bin/python" bench/run.py --host "$HOST" --python "$VENV/bin/python" "$@"
