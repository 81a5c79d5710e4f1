#!/usr/bin/env bash
# The Swift package (bindings-uniffi/swift): regenerates the Swift bindings from
# the library with the workspace's uniffi-bindgen and fails if the committed
# ones differ (LIBDOCKER_BLESS=1 rewrites them). Where a Swift toolchain is
# installed, it also builds the package and runs its tests against the test
# daemon; this kind of machine has none, so that part is skipped, and says so.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
WORK=${LIBDOCKER_TEST_WORK:-/tmp/libdocker-test}
OUT=$WORK/swift-gen
PKG=bindings-uniffi/swift

cargo build -q -p libdocker-uniffi -p uniffi-bindgen
rm -rf "$OUT" && mkdir -p "$OUT"
./target/debug/uniffi-bindgen generate --library target/debug/liblibdocker_uniffi.so \
    --language swift --out-dir "$OUT" --no-format >/dev/null

stale=0
for pair in "LibDocker.swift:Sources/LibDocker/LibDocker.swift" \
            "LibDockerFFI.h:Sources/LibDockerFFI/LibDockerFFI.h"; do
    generated=$OUT/${pair%%:*}
    committed=$PKG/${pair#*:}
    if [ "${LIBDOCKER_BLESS:-0}" = 1 ]; then
        cp "$generated" "$committed"
    elif ! cmp -s "$generated" "$committed"; then
        echo "stale: $committed differs from what uniffi-bindgen generates now:"
        diff -u "$committed" "$generated" | head -40 || true
        stale=1
    fi
done
if [ $stale = 1 ]; then
    echo "regenerate with: LIBDOCKER_BLESS=1 tests/swift/run.sh"
    exit 1
fi
echo "the committed Swift bindings are what uniffi-bindgen generates"

if command -v swift >/dev/null; then
    cargo build -q --release -p libdocker-uniffi
    (cd "$PKG" && LD_LIBRARY_PATH=$ROOT/target/release DYLD_LIBRARY_PATH=$ROOT/target/release \
        swift test -Xlinker -L"$ROOT/target/release")
else
    echo "no Swift toolchain here: the package is not compiled (a machine with Swift 6 runs: cd $PKG && swift test -Xlinker -L../../target/release)"
fi
