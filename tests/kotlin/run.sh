#!/usr/bin/env bash
# Builds the UniFFI library and its bindgen, generates the Kotlin bindings,
# compiles them with the Flow extension, the tests and the README's Kotlin
# snippets with the Kotlin 2 compiler, and runs them on the JVM with JNA
# against the test daemon.
#
# The compiler (the PyPI wheel kotlin-jupyter-kernel, which ships JetBrains'
# K2JVMCompiler, kotlin-stdlib and kotlinx-coroutines) is cached outside the
# repository in $LIBDOCKER_KOTLIN_CACHE; JNA comes from Debian's libjna-java.
# Needs the environment of tests/env/testenv.sh (tests/run.sh provides it).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
WORK=${LIBDOCKER_TEST_WORK:-/tmp/libdocker-test}
CACHE=${LIBDOCKER_KOTLIN_CACHE:-$HOME/.cache/libdocker-kotlin}
OUT=$WORK/kotlin
KERNEL_VERSION=0.19.0.944

# Tools: a JDK, JNA, the compiler.
need=()
command -v java >/dev/null || need+=(default-jdk-headless)
[ -f /usr/share/java/jna.jar ] || need+=(libjna-java)
command -v unzip >/dev/null || need+=(unzip)
if [ ${#need[@]} -gt 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
JARS=$CACHE/run_kotlin_kernel/jars
if ! ls "$JARS"/kotlin-jupyter-kernel-*-all.jar >/dev/null 2>&1; then
    mkdir -p "$CACHE"
    python3 -m pip download -q --no-deps "kotlin-jupyter-kernel==$KERNEL_VERSION" -d "$CACHE/wheel"
    (cd "$CACHE" && unzip -q -o wheel/kotlin_jupyter_kernel-*.whl 'run_kotlin_kernel/jars/*')
fi
CP=$(ls "$JARS"/*.jar | tr '\n' ':')
JNA=/usr/share/java/jna.jar

# The library and the bindings generated from it.
cargo build -q -p libdocker-uniffi -p uniffi-bindgen
rm -rf "$OUT" && mkdir -p "$OUT/gen" "$OUT/classes" "$OUT/snippets"
./target/debug/uniffi-bindgen generate --library target/debug/liblibdocker_uniffi.so \
    --language kotlin --out-dir "$OUT/gen" --no-format >/dev/null

# The README's Kotlin snippets, each wrapped as a function that the test runs.
python3 tests/kotlin/readme_snippets.py README.md >"$OUT/snippets/ReadmeSnippets.kt"

echo "-- compiling the bindings, the extension, the tests and the README snippets"
java -cp "$CP" org.jetbrains.kotlin.cli.jvm.K2JVMCompiler -no-stdlib -no-reflect \
    -classpath "$CP$JNA" -d "$OUT/classes" \
    $(find "$OUT/gen" -name '*.kt') bindings-uniffi/kotlin/dev/libdocker/*.kt \
    tests/kotlin/*.kt "$OUT/snippets/ReadmeSnippets.kt" 2>&1 | grep -v '^warning:' || true
[ -f "$OUT/classes/LibDockerTestKt.class" ] || { echo "Kotlin compilation failed"; exit 1; }

echo "-- running"
mkdir -p "$WORK/parity"
java -Djna.library.path="$ROOT/target/debug" -cp "$OUT/classes:$CP$JNA" LibDockerTestKt | tee "$WORK/parity/kotlin.log"
