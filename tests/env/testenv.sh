#!/usr/bin/env bash
# The real test environment: Docker daemons, proxies and certificates the tests use.
#
#   tests/env/testenv.sh up     install what is missing, start what is not running,
#                               write the variables the tests read to $WORK/env
#   tests/env/testenv.sh daemon only the main daemon and the busybox package (what the
#                               quickstart needs when no daemon is reachable)
#   tests/env/testenv.sh down   stop what `up` started, remove what the tests left
#
# Reuses a daemon that is already reachable (DOCKER_HOST, else /var/run/docker.sock);
# otherwise starts dockerd on a private socket. Always starts, on private ports:
#   - dockerd with --tlsverify on 127.0.0.1:2376 (own data/exec root, no bridge),
#     with a fresh CA, server and client certificate (and a second, unrelated CA);
#   - socat on 127.0.0.1:2375 (plain TCP) and 127.0.0.1:2377 (TLS, no client
#     certificate) in front of the main daemon's socket;
#   - Debian's docker-registry on 127.0.0.1:5000 (open) and 127.0.0.1:5001 (htpasswd);
#   - podman's Docker-compatible API on a private socket, with its own storage and
#     configuration;
#   - a two-node swarm (manager and worker), each dockerd in a network namespace of
#     its own (tests/env/swarm.sh).
# Needs root (to install packages and run dockerd).
set -euo pipefail

WORK=${LIBDOCKER_TEST_WORK:-/tmp/libdocker-test}
HERE=$(cd "$(dirname "$0")" && pwd)
PACKAGES=(docker.io busybox-static socat openssl curl iptables iproute2 ca-certificates docker-registry apache2-utils podman netavark docker-compose)
REGISTRY_USER=libdocker
REGISTRY_PASSWORD=registry-pass-4711
TLS_BRIDGE=ldtls0

log() { printf '[testenv] %s\n' "$*" >&2; }
die() { printf '[testenv] error: %s\n' "$*" >&2; exit 1; }

need_root() {
    [ "$(id -u)" = 0 ] || die "run as root: installing packages and starting dockerd need it (missing: $*)"
}

install_missing() {
    local missing=()
    for p in "$@"; do
        dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    need_root "${missing[*]}"
    log "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2 || log "apt-get update failed; trying the install anyway"
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 ||
        die "could not install ${missing[*]} (no network to Debian's mirror?)"
}

# daemon_ok HOST: does a Docker daemon answer /_ping at HOST (unix:// or tcp://)?
daemon_ok() {
    local host=$1
    case "$host" in
        unix://*) curl -sf --max-time 3 --unix-socket "${host#unix://}" http://docker/_ping >/dev/null 2>&1 ;;
        tcp://*) curl -sf --max-time 3 "http://${host#tcp://}/_ping" >/dev/null 2>&1 ;;
        *) return 1 ;;
    esac
}

wait_for() { # wait_for SECONDS DESCRIPTION COMMAND...
    local limit=$1 what=$2; shift 2
    local i
    for ((i = 0; i < limit * 10; i++)); do
        "$@" && return 0
        sleep 0.1
    done
    return 1
}

start_bg() { # start_bg NAME LOGFILE COMMAND... (records the pid in $WORK/pids/NAME)
    local name=$1 logfile=$2; shift 2
    mkdir -p "$WORK/pids"
    setsid "$@" >"$logfile" 2>&1 < /dev/null &
    echo $! >"$WORK/pids/$name"
}

make_certs() {
    local d=$WORK/certs
    if [ -f "$d/cert.pem" ] && openssl x509 -checkend 86400 -noout -in "$d/server-cert.pem" >/dev/null 2>&1; then
        return 0
    fi
    rm -rf "$d" && mkdir -p "$d" && cd "$d"
    log "generating a CA, server and client certificates in $d"
    openssl req -x509 -newkey rsa:2048 -nodes -days 7 -subj "/CN=libdocker test CA" \
        -keyout ca-key.pem -out ca.pem 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
        -keyout server-key.pem -out server.csr 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >server.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 7 \
        -extfile server.ext -out server-cert.pem 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=libdocker test client" \
        -keyout key.pem -out client.csr 2>/dev/null
    printf 'extendedKeyUsage=clientAuth\n' >client.ext
    openssl x509 -req -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 7 \
        -extfile client.ext -out cert.pem 2>/dev/null
    # An unrelated CA: a client trusting only it must refuse the daemon.
    mkdir -p other && openssl req -x509 -newkey rsa:2048 -nodes -days 7 -subj "/CN=some other CA" \
        -keyout other/ca-key.pem -out other/ca.pem 2>/dev/null
    cat server-cert.pem server-key.pem >server-bundle.pem
    chmod 600 ./*key.pem other/ca-key.pem server-bundle.pem
    cd - >/dev/null
}

main_daemon() {
    local host
    for host in "${DOCKER_HOST:-}" unix:///var/run/docker.sock "unix://$WORK/main/docker.sock"; do
        [ -n "$host" ] || continue
        if daemon_ok "$host"; then
            log "reusing the daemon at $host"
            MAIN_HOST=$host
            return 0
        fi
    done
    need_root dockerd
    MAIN_HOST=unix://$WORK/main/docker.sock
    mkdir -p "$WORK/main"
    log "no daemon reachable: starting dockerd at $MAIN_HOST"
    start_bg dockerd-main "$WORK/main/dockerd.log" dockerd \
        -H "$MAIN_HOST" --data-root "$WORK/main/data" --exec-root "$WORK/main/exec" \
        --pidfile "$WORK/main/docker.pid"
    wait_for 60 "dockerd" daemon_ok "$MAIN_HOST" ||
        die "dockerd did not come up; see $WORK/main/dockerd.log: $(tail -n 5 "$WORK/main/dockerd.log")"
}

tls_daemon() {
    local d=$WORK/tls c=$WORK/certs
    if curl -sf --max-time 3 --cacert "$c/ca.pem" --cert "$c/cert.pem" --key "$c/key.pem" \
        https://127.0.0.1:2376/_ping >/dev/null 2>&1; then
        log "reusing the TLS daemon on 127.0.0.1:2376"
        return 0
    fi
    mkdir -p "$d"
    # Its own bridge: with --bridge=none dockerd would delete the main daemon's docker0.
    if ! ip link show "$TLS_BRIDGE" >/dev/null 2>&1; then
        ip link add "$TLS_BRIDGE" type bridge
        ip addr add 172.31.254.1/24 dev "$TLS_BRIDGE"
        ip link set "$TLS_BRIDGE" up
    fi
    log "starting dockerd --tlsverify on 127.0.0.1:2376"
    start_bg dockerd-tls "$d/dockerd.log" dockerd \
        -H tcp://127.0.0.1:2376 --tlsverify --tlscacert "$c/ca.pem" \
        --tlscert "$c/server-cert.pem" --tlskey "$c/server-key.pem" \
        --data-root "$d/data" --exec-root "$d/exec" --pidfile "$d/docker.pid" \
        --bridge="$TLS_BRIDGE" --iptables=false --ip-masq=false
    wait_for 60 "TLS dockerd" curl -sf --max-time 3 --cacert "$c/ca.pem" --cert "$c/cert.pem" \
        --key "$c/key.pem" https://127.0.0.1:2376/_ping -o /dev/null ||
        die "the TLS dockerd did not come up; see $d/dockerd.log: $(tail -n 5 "$d/dockerd.log")"
}

proxies() {
    local sock=${MAIN_HOST#unix://} c=$WORK/certs
    case "$MAIN_HOST" in unix://*) ;; *) log "main daemon is not on a unix socket: no proxies"; return 0 ;; esac
    if ! daemon_ok tcp://127.0.0.1:2375; then
        start_bg socat-tcp "$WORK/socat-tcp.log" socat TCP-LISTEN:2375,bind=127.0.0.1,reuseaddr,fork "UNIX-CONNECT:$sock"
    fi
    if ! curl -sf --max-time 3 --cacert "$c/ca.pem" https://127.0.0.1:2377/_ping >/dev/null 2>&1; then
        start_bg socat-tls "$WORK/socat-tls.log" socat \
            "OPENSSL-LISTEN:2377,bind=127.0.0.1,reuseaddr,fork,cert=$c/server-bundle.pem,verify=0" "UNIX-CONNECT:$sock"
    fi
    wait_for 10 "tcp proxy" daemon_ok tcp://127.0.0.1:2375 || die "socat on 127.0.0.1:2375 did not start"
    wait_for 10 "tls proxy" curl -sf --max-time 3 --cacert "$c/ca.pem" https://127.0.0.1:2377/_ping -o /dev/null ||
        die "socat TLS on 127.0.0.1:2377 did not start: $(cat "$WORK/socat-tls.log")"
}

# registry PORT NAME [auth]: Debian's docker-registry on 127.0.0.1:PORT, optionally
# with htpasswd basic auth. The daemon treats 127.0.0.0/8 registries as insecure.
registry() {
    local port=$1 name=$2 auth=${3:-} d=$WORK/$2
    if curl -s --max-time 3 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/v2/" | grep -qE '^(200|401)$'; then
        log "reusing the registry on 127.0.0.1:$port"
        return 0
    fi
    mkdir -p "$d/data"
    {
        echo "version: 0.1"
        echo "log: {level: warn}"
        echo "storage: {filesystem: {rootdirectory: $d/data}, delete: {enabled: true}}"
        echo "http: {addr: 127.0.0.1:$port}"
        if [ -n "$auth" ]; then
            htpasswd -Bbn "$REGISTRY_USER" "$REGISTRY_PASSWORD" >"$d/htpasswd"
            echo "auth: {htpasswd: {realm: libdocker-test, path: $d/htpasswd}}"
        fi
    } >"$d/config.yml"
    log "starting docker-registry on 127.0.0.1:$port${auth:+ (htpasswd)}"
    start_bg "$name" "$d/registry.log" docker-registry serve "$d/config.yml"
    wait_for 30 "registry" sh -c "curl -s --max-time 2 -o /dev/null -w '%{http_code}' http://127.0.0.1:$port/v2/ | grep -qE '^(200|401)$'" ||
        die "docker-registry on :$port did not start: $(tail -n 5 "$d/registry.log")"
}

# podman_command: PODMAN=(the command line of podman on the test environment's private
# storage, run and temporary directories, networks and configuration); nothing in /etc
# is touched or read for these. The default ulimits are ones a container here may set.
podman_command() {
    local d=$WORK/podman
    PODMAN=(env CONTAINERS_CONF="$d/containers.conf" podman --root "$d/root" --runroot "$d/run"
        --tmpdir "$d/tmp" --network-config-dir "$d/networks")
}

# podman_service: `podman system service` on $WORK/podman/podman.sock.
podman_service() {
    local d=$WORK/podman
    PODMAN_HOST=unix://$d/podman.sock
    if daemon_ok "$PODMAN_HOST"; then
        log "reusing podman at $PODMAN_HOST"
        return 0
    fi
    mkdir -p "$d/tmp" "$d/networks"
    printf '[containers]\ndefault_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]\n' >"$d/containers.conf"
    log "starting podman system service at $PODMAN_HOST"
    podman_command
    start_bg podman "$d/podman.log" "${PODMAN[@]}" system service --time 0 "$PODMAN_HOST"
    wait_for 30 "podman" daemon_ok "$PODMAN_HOST" ||
        die "podman did not come up; see $d/podman.log: $(tail -n 5 "$d/podman.log")"
}

write_env() {
    cat >"$WORK/env" <<EOF
export DOCKER_HOST=$MAIN_HOST
export LIBDOCKER_TEST_MAIN_HOST=$MAIN_HOST
export LIBDOCKER_TEST_TLS_HOST=tcp://127.0.0.1:2376
export LIBDOCKER_TEST_TCP_HOST=tcp://127.0.0.1:2375
export LIBDOCKER_TEST_TLS_PROXY_HOST=tcp://127.0.0.1:2377
export LIBDOCKER_TEST_CERTS=$WORK/certs
export LIBDOCKER_TEST_WORK=$WORK
export LIBDOCKER_TEST_REGISTRY=127.0.0.1:5000
export LIBDOCKER_TEST_AUTH_REGISTRY=127.0.0.1:5001
export LIBDOCKER_TEST_REGISTRY_USER=$REGISTRY_USER
export LIBDOCKER_TEST_REGISTRY_PASSWORD=$REGISTRY_PASSWORD
export LIBDOCKER_TEST_PODMAN_HOST=$PODMAN_HOST
EOF
    log "environment written to $WORK/env"
}

up() {
    install_missing "${PACKAGES[@]}"
    mkdir -p "$WORK"
    make_certs
    main_daemon
    tls_daemon
    proxies
    registry 5000 registry-open
    registry 5001 registry-auth auth
    podman_service
    write_env
    "$HERE/swarm.sh" up
}

# Removes what tests may have left on the main daemon: objects labelled libdocker-test
# and the test image.
sweep() {
    [ -f "$WORK/env" ] || return 0
    # shellcheck disable=SC1091
    . "$WORK/env"
    local sock=${LIBDOCKER_TEST_MAIN_HOST#unix://} api=http://docker/v1.41
    local q='filters=%7B%22label%22%3A%5B%22libdocker-test%22%5D%7D'
    daemon_ok "$LIBDOCKER_TEST_MAIN_HOST" || return 0
    local ids id
    ids=$(curl -sf --unix-socket "$sock" "$api/containers/json?all=1&$q" | grep -o '"Id":"[0-9a-f]*"' | cut -d'"' -f4 || true)
    for id in $ids; do curl -sf -X DELETE --unix-socket "$sock" "$api/containers/$id?force=1&v=1" >/dev/null || true; done
    ids=$(curl -sf --unix-socket "$sock" "$api/networks?$q" | grep -o '"Id":"[0-9a-f]*"' | cut -d'"' -f4 || true)
    for id in $ids; do curl -sf -X DELETE --unix-socket "$sock" "$api/networks/$id" >/dev/null || true; done
    ids=$(curl -sf --unix-socket "$sock" "$api/volumes?$q" | grep -o '"Name":"[^"]*"' | cut -d'"' -f4 || true)
    for id in $ids; do curl -sf -X DELETE --unix-socket "$sock" "$api/volumes/$id?force=1" >/dev/null || true; done
    ids=$(curl -sf --unix-socket "$sock" "$api/images/json?$q" | grep -o '"Id":"sha256:[0-9a-f]*"' | cut -d'"' -f4 || true)
    for id in $ids; do curl -sf -X DELETE --unix-socket "$sock" "$api/images/$id?force=1" >/dev/null || true; done
    curl -sf -X DELETE --unix-socket "$sock" "$api/images/libdocker-test/busybox:latest?force=1" >/dev/null || true
    "$HERE/swarm.sh" sweep
}

down() {
    sweep
    "$HERE/swarm.sh" down
    local started_podman=
    # Podman's containers live on in their own conmon processes: remove them first.
    if [ -f "$WORK/pids/podman" ]; then
        started_podman=1
        podman_command
        "${PODMAN[@]}" rm --all --force --time 0 >/dev/null 2>&1 || true
    fi
    local f pid
    for f in "$WORK"/pids/*; do
        [ -e "$f" ] || continue
        pid=$(cat "$f")
        if kill -0 "$pid" 2>/dev/null; then
            log "stopping $(basename "$f") (pid $pid)"
            kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
            wait_for 20 "$(basename "$f") to stop" sh -c "! kill -0 $pid 2>/dev/null" || kill -KILL -- "-$pid" 2>/dev/null || true
        fi
        rm -f "$f"
    done
    # A dockerd a test started for itself (core/tests/monitor.rs), if the test died.
    pkill -KILL -f "$WORK/monitor-own-" 2>/dev/null || true
    # dockerd and podman leave their mounts behind when killed hard; clean the private roots.
    rm -rf "$WORK/registry-open" "$WORK/registry-auth"
    for d in "$WORK/main" "$WORK/tls" "$WORK/podman" "$WORK"/monitor-own-*; do
        [ -d "$d" ] || continue
        grep -o " $d/[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
        rm -rf "$d" 2>/dev/null || true
    done
    ip link del "$TLS_BRIDGE" 2>/dev/null || true
    ip link del ldmon0 2>/dev/null || true
    [ -z "$started_podman" ] || ip link del podman0 2>/dev/null || true
    rm -f "$WORK/env"
}

case "${1:-}" in
    up) up ;;
    daemon)
        install_missing docker.io busybox-static curl iptables
        mkdir -p "$WORK"
        main_daemon
        echo "export DOCKER_HOST=$MAIN_HOST" >"$WORK/env"
        echo "export LIBDOCKER_TEST_MAIN_HOST=$MAIN_HOST" >>"$WORK/env"
        ;;
    down) down ;;
    sweep) sweep ;;
    *) echo "usage: $0 up|daemon|down|sweep" >&2; exit 2 ;;
esac
