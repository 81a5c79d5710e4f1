#!/usr/bin/env bash
# Container maps at scale, against the test environment's daemons
# (tests/env/testenv.sh up): `up` then `down`
#   - of 100 containers by libdocker across two daemons (50 on the main dockerd,
#     50 on the TLS one), and on the main daemon alone;
#   - of SAME containers (default 40) by libdocker and by docker-compose 1.29
#     (`up -d`, `down`) from the same file on the main daemon (Compose 1.29 takes
#     about a second a container here, and did not finish 100 in 14 minutes);
# each ROUNDS times (default 3), median wall time; and the CPU that loading and
# planning maps of 100 and 1,000 services takes. Prints Markdown tables.
#
#   bench/maps.sh [ROUNDS] [SAME]
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
SAME=${2:-40}
WORK=${LIBDOCKER_TEST_WORK:-/tmp/libdocker-test}
# shellcheck disable=SC1091
source "$WORK/env"
export DOCKER_HOST=$LIBDOCKER_TEST_MAIN_HOST
command -v docker-compose >/dev/null || {
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose >/dev/null
}
cargo build --release -q -p libdocker-bench --bin bench-maps
cargo run -q --example run -- libdocker-test/busybox:latest true >/dev/null
BIN=$PWD/target/release/bench-maps
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT

# 100 one-container services; SIGKILL stops them at once, so `down` measures
# the clients rather than a stop timeout.
service() { # service NAME [CLIENT]
    printf '  %s:\n    image: libdocker-test/busybox:latest\n    command: [sleep, "600"]\n    stop_signal: SIGKILL\n' "$1"
    [ -n "${2:-}" ] && printf '    x-libdocker: {clients: [%s]}\n' "$2"
    true
}
{
    echo "services:"
    for i in $(seq 1 100); do service "s$i"; done
} > "$DIR/one.yml"
mkdir -p "$DIR/same"
{
    echo "services:"
    for i in $(seq 1 "$SAME"); do service "s$i"; done
} > "$DIR/same/docker-compose.yml"
{
    echo "name: benchtwo"
    echo "services:"
    for i in $(seq 1 50); do service "s$i"; done
    for i in $(seq 51 100); do service "s$i" tls; done
} > "$DIR/two.yml"
# The TLS daemon needs the image too.
DOCKER_HOST=$LIBDOCKER_TEST_TLS_HOST DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=$LIBDOCKER_TEST_CERTS \
    cargo run -q --example run -- libdocker-test/busybox:latest true >/dev/null

seconds() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])["seconds"])' "$1"; }
timed() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null 2>&1; t1=$(date +%s.%N); python3 -c "print(round($t1 - $t0, 3))"; }
median() { python3 -c 'import statistics,sys; print("%.2f" % statistics.median(map(float, sys.argv[1:])))' "$@"; }

declare -a two_up two_down one_up one_down same_up same_down compose_up compose_down
for _ in $(seq 1 "$ROUNDS"); do
    two_up+=("$(seconds "$("$BIN" up "$DIR/two.yml")")")
    two_down+=("$(seconds "$("$BIN" down "$DIR/two.yml")")")
    one_up+=("$(seconds "$(LIBDOCKER_TEST_TLS_HOST= "$BIN" up "$DIR/one.yml")")")
    one_down+=("$(seconds "$(LIBDOCKER_TEST_TLS_HOST= "$BIN" down "$DIR/one.yml")")")
    same_up+=("$(seconds "$(LIBDOCKER_TEST_TLS_HOST= "$BIN" up "$DIR/same/docker-compose.yml")")")
    same_down+=("$(seconds "$(LIBDOCKER_TEST_TLS_HOST= "$BIN" down "$DIR/same/docker-compose.yml")")")
    compose_up+=("$(timed docker-compose -p benchcompose -f "$DIR/same/docker-compose.yml" up -d)")
    compose_down+=("$(timed docker-compose -p benchcompose -f "$DIR/same/docker-compose.yml" down)")
done

echo "| containers | client | up s (median of $ROUNDS) | down s |"
echo "|---|---|---|---|"
echo "| 100 | libdocker, two daemons (50 + 50) | $(median "${two_up[@]}") | $(median "${two_down[@]}") |"
echo "| 100 | libdocker, one daemon | $(median "${one_up[@]}") | $(median "${one_down[@]}") |"
echo "| $SAME | libdocker, one daemon | $(median "${same_up[@]}") | $(median "${same_down[@]}") |"
echo "| $SAME | docker-compose 1.29, same file | $(median "${compose_up[@]}") | $(median "${compose_down[@]}") |"
echo
echo "| services | load + plan CPU ms | of which loading |"
echo "|---|---|---|"
for n in 100 1000; do
    "$BIN" plan-cpu "$n" | python3 -c 'import json,sys; r=json.load(sys.stdin); print("| {:,} | {:.1f} | {:.1f} |".format(r["services"], r["cpu_ms"], r["load_cpu_ms"]))'
done
