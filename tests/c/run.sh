#!/usr/bin/env bash
# Builds the C ABI and runs the C tests against the test daemon: compiled with
# -Wall -Wextra -Werror, run plainly against libdocker.so, under valgrind
# (memcheck, definite leaks are errors) and with AddressSanitizer against libdocker.a.
# Needs the environment of tests/env/testenv.sh (tests/run.sh provides it).
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${LIBDOCKER_TEST_WORK:-/tmp/libdocker-test}/c
mkdir -p "$OUT"

for tool in cc valgrind; do
    command -v "$tool" >/dev/null || {
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc valgrind >/dev/null
        break
    }
done

cargo build -q -p libdocker-ffi
LIB=$PWD/target/debug
# The test image, made by our own client if absent.
cargo run -q --example run -- libdocker-test/busybox:latest true >/dev/null

CFLAGS=(-std=c11 -Wall -Wextra -Werror -g -Iinclude -Itests/c)
TESTS=(test_client test_pipeline test_lifetimes test_pending test_monitor test_maps test_swarm)
for t in "${TESTS[@]}"; do
    cc "${CFLAGS[@]}" "tests/c/$t.c" -L"$LIB" -ldocker -lpthread -o "$OUT/$t"
    cc "${CFLAGS[@]}" -fsanitize=address,undefined "tests/c/$t.c" "$LIB/libdocker.a" \
        -lpthread -ldl -lm -o "$OUT/${t}_asan"
done

for t in "${TESTS[@]}"; do
    echo "-- $t: plain"
    LD_LIBRARY_PATH=$LIB "$OUT/$t"
    echo "-- $t: valgrind"
    LD_LIBRARY_PATH=$LIB valgrind -q --error-exitcode=99 --num-callers=40 --leak-check=full --suppressions=tests/c/valgrind.supp \
        --errors-for-leak-kinds=definite --show-leak-kinds=definite "$OUT/$t"
    echo "-- $t: AddressSanitizer"
    ASAN_OPTIONS=detect_leaks=1 "$OUT/${t}_asan"
done
