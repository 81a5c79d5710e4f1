#!/usr/bin/env bash
# The monitor at scale: 1, 10 and 50 fake daemons (bench-monitor serve, a
# process of their own), each sending 1,000 container events a second, watched
# by one Monitor (bench-monitor watch) for 10 seconds each. Prints a Markdown
# table: events a second, the watching process's CPU per 1,000 events, and the
# median and p99 latency from an event's stamp to its arrival.
#
#   bench/monitor.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-10}
PORT=23100
cargo build --release -q -p libdocker-bench --bin bench-monitor
BIN=target/release/bench-monitor

echo "| daemons | events/s | CPU ms per 1,000 events | p50 latency ms | p99 latency ms |"
echo "|---|---|---|---|---|"
for n in 1 10 50; do
    "$BIN" serve --daemons "$n" --rate 1000 --port "$PORT" &
    server=$!
    sleep 0.5
    line=$("$BIN" watch --daemons "$n" --port "$PORT" --seconds "$SECONDS_EACH")
    kill "$server"
    wait "$server" 2>/dev/null || true
    python3 -c 'import json,sys
r = json.loads(sys.argv[1])
print("| %d | %s | %.2f | %.2f | %.2f |" % (r["daemons"], format(round(r["events_per_s"]), ","), r["cpu_ms_per_1000_events"], r["p50_ms"], r["p99_ms"]))' "$line"
    PORT=$((PORT + 100))
done
