#!/usr/bin/env bash
# Builds the UniFFI library and its bindgen, generates the Kotlin bindings,
# compiles them with the Flow extension, the tests and the README's Kotlin
# snippets with the Kotlin 2 compiler, and runs them on the JVM with JNA
# against the test daemon.
# The toolchain: tests/kotlin/toolchain.sh.
# Needs the environment of tests/env/testenv.sh (tests/run.sh provides it).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
WORK=${LIBDOCKER_TEST_WORK:-/tmp/libdocker-test}
OUT=$WORK/kotlin

# Tools: a JDK, JNA, the compiler (KOTLIN_CP, JNA_JAR, kotlinc).
. tests/kotlin/toolchain.sh

# The library and the bindings generated from it.
cargo build -q -p libdocker-uniffi -p uniffi-bindgen
# The test image, made by our own client if absent.
cargo run -q --example run -- libdocker-test/busybox:latest true >/dev/null
rm -rf "$OUT" && mkdir -p "$OUT/gen" "$OUT/classes" "$OUT/snippets"
./target/debug/uniffi-bindgen generate --library target/debug/liblibdocker_uniffi.so \
    --language kotlin --out-dir "$OUT/gen" --no-format >/dev/null

# The README's Kotlin snippets, each wrapped as a function that the test runs.
python3 tests/kotlin/readme_snippets.py README.md >"$OUT/snippets/ReadmeSnippets.kt"

echo "-- compiling the bindings, the extension, the tests and the README snippets"
kotlinc "$OUT/classes" $(find "$OUT/gen" -name '*.kt') bindings-uniffi/kotlin/dev/libdocker/*.kt \
    tests/kotlin/*.kt "$OUT/snippets/ReadmeSnippets.kt"
[ -f "$OUT/classes/LibDockerTestKt.class" ] || { echo "Kotlin compilation failed"; exit 1; }

echo "-- running"
mkdir -p "$WORK/parity"
java -Djna.library.path="$ROOT/target/debug" -cp "$OUT/classes:$KOTLIN_CP$JNA_JAR" LibDockerTestKt | tee "$WORK/parity/kotlin.log"
