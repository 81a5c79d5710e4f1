#!/usr/bin/env bash
# A two-node swarm on this machine, for the swarm tests (called by testenv.sh).
#
#   tests/env/swarm.sh up     start it (reused when it already answers), load the test
#                             image into both nodes, add its variables to $WORK/env
#   tests/env/swarm.sh sweep  remove the services, secrets and configs labelled
#                             libdocker-test that tests left on it
#   tests/env/swarm.sh down   leave the swarm, stop the daemons, remove the namespaces,
#                             links, bridge, firewall rules and directories
#
# Two dockerd, each in a network namespace of its own (entered with `nsenter --net`:
# `ip netns exec` remounts /sys and dockerd then finds no devices cgroup), each with
# its own data root, exec root, pidfile, socket and managed containerd. A veth pair
# links each namespace to a bridge of ours on a private subnet; the host's FORWARD
# chain gets an ACCEPT rule for that bridge (removed at `down`). Node 1 is the
# manager, node 2 joins it as a worker. Inside its namespace each daemon keeps the
# default docker0 and docker_gwbridge, which are not the host's.
#
# Overlay networks: VXLAN (udp 4789), gossip (7946) and the manager port (2377) cross
# the bridge, so task-to-task traffic over an overlay network works between the
# nodes (checked by hand and by core/tests/swarm.rs: a task on the manager reaches a
# task on the worker by its overlay address). A service's virtual IP does not
# answer: this kernel has no IPVS (CONFIG_IP_VS is unset), which the VIP and the
# ingress routing mesh need; services reached across nodes use
# `EndpointSpec.Mode = dnsrr`, whose name resolves to the tasks' own addresses.
#
# There is no registry: the test image is imported into each node, and services are
# created without resolving their image.
set -euo pipefail

WORK=${LIBDOCKER_TEST_WORK:-/tmp/libdocker-test}
BRIDGE=ldswarm0
NET=100.77.13            # a /24 in the shared address space, far from docker's pools
HOST_IP=$NET.1
NODES=(1 2)
TEST_IMAGE=libdocker-test/busybox:latest

log() { printf '[swarm] %s\n' "$*" >&2; }
die() { printf '[swarm] error: %s\n' "$*" >&2; exit 1; }

ns() { echo "ldswarm-$1"; }
node_ip() { echo "$NET.1$1"; }
sock() { echo "$WORK/swarm-$1.sock"; }
dir() { echo "$WORK/swarm-$1"; }
dk() { local n=$1; shift; docker -H "unix://$(sock "$n")" "$@"; }

daemon_ok() { curl -sf --max-time 3 --unix-socket "$(sock "$1")" http://docker/_ping >/dev/null 2>&1; }

wait_for() { # wait_for SECONDS COMMAND...
    local limit=$1 i; shift
    for ((i = 0; i < limit * 10; i++)); do
        "$@" && return 0
        sleep 0.1
    done
    return 1
}

forward_rules() { # forward_rules -I|-D
    local op=$1 dirn
    for dirn in -i -o; do
        if [ "$op" = -I ]; then
            iptables -C FORWARD "$dirn" "$BRIDGE" -j ACCEPT 2>/dev/null ||
                iptables -I FORWARD 1 "$dirn" "$BRIDGE" -j ACCEPT
        else
            while iptables -D FORWARD "$dirn" "$BRIDGE" -j ACCEPT 2>/dev/null; do :; done
        fi
    done
}

network() {
    if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
        if ip -4 route | grep -q "^$NET\."; then
            die "$NET.0/24 is in use on this machine: $(ip -4 route | grep "^$NET\.")"
        fi
        ip link add "$BRIDGE" type bridge
        ip addr add "$HOST_IP/24" dev "$BRIDGE"
        ip link set "$BRIDGE" up
    fi
    forward_rules -I
    local n name
    for n in "${NODES[@]}"; do
        name=$(ns "$n")
        [ -e "/var/run/netns/$name" ] || ip netns add "$name"
        if ! ip link show "ldsw${n}h" >/dev/null 2>&1; then
            ip link add "ldsw${n}h" type veth peer name "ldsw${n}n"
            ip link set "ldsw${n}n" netns "$name"
            ip link set "ldsw${n}h" master "$BRIDGE" up
            ip -n "$name" link set "ldsw${n}n" name eth0
            ip -n "$name" addr add "$(node_ip "$n")/24" dev eth0
            ip -n "$name" link set eth0 up
            ip -n "$name" link set lo up
            # No default route: a node's attempt to pull the test image from Docker Hub
            # fails at once ("network is unreachable") instead of waiting on DNS, and
            # the task starts from the image already loaded.
        fi
    done
}

daemon() {
    local n=$1 d
    d=$(dir "$n")
    daemon_ok "$n" && return 0
    mkdir -p "$d"
    log "starting dockerd $n in namespace $(ns "$n") at unix://$(sock "$n")"
    # Its own managed containerd: state under the exec root, content under the data root.
    setsid nsenter --net="/var/run/netns/$(ns "$n")" dockerd \
        -H "unix://$(sock "$n")" --data-root "$d/data" --exec-root "$d/exec" \
        --pidfile "$d/docker.pid" >"$d/dockerd.log" 2>&1 </dev/null &
    echo $! >"$d/nsenter.pid"
}

image() {
    local n=$1 root
    dk "$n" image inspect "$TEST_IMAGE" >/dev/null 2>&1 && return 0
    root=$WORK/swarm-rootfs
    if [ ! -x "$root/bin/busybox" ]; then
        rm -rf "$root" && mkdir -p "$root/bin" "$root/etc" "$root/tmp" "$root/root"
        chmod 1777 "$root/tmp"
        cp /bin/busybox "$root/bin/busybox"
        local a
        for a in $(/bin/busybox --list); do [ "$a" = busybox ] || ln -sf busybox "$root/bin/$a"; done
        printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$root/etc/passwd"
        printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
    fi
    tar -C "$root" -cf - . | dk "$n" import --change 'CMD ["sh"]' - "$TEST_IMAGE" >/dev/null
}

swarm_state() { dk "$1" info --format '{{.Swarm.LocalNodeState}}' 2>/dev/null; }

form_swarm() {
    if [ "$(swarm_state 1)" != active ]; then
        log "node 1 initialises the swarm on $(node_ip 1):2377"
        dk 1 swarm init --advertise-addr "$(node_ip 1)" --listen-addr "$(node_ip 1):2377" >/dev/null
    fi
    if [ "$(swarm_state 2)" != active ]; then
        log "node 2 joins as a worker"
        dk 2 swarm join --token "$(dk 1 swarm join-token -q worker)" \
            --advertise-addr "$(node_ip 2)" --listen-addr "$(node_ip 2):2377" "$(node_ip 1):2377" >/dev/null
    fi
    # Both nodes ready in the manager's view.
    wait_for 60 sh -c "[ \$(docker -H unix://$(sock 1) node ls --format '{{.Status}}' | grep -c Ready) = 2 ]" ||
        die "the worker did not become ready: $(dk 1 node ls 2>&1)"
}

write_env() {
    local f=$WORK/env
    touch "$f"
    sed -i '/LIBDOCKER_TEST_SWARM_/d' "$f"
    cat >>"$f" <<EOF
export LIBDOCKER_TEST_SWARM_MANAGER=unix://$(sock 1)
export LIBDOCKER_TEST_SWARM_WORKER=unix://$(sock 2)
export LIBDOCKER_TEST_SWARM_MANAGER_ADDR=$(node_ip 1):2377
export LIBDOCKER_TEST_SWARM_WORKER_ADDR=$(node_ip 2)
EOF
}

up() {
    [ "$(id -u)" = 0 ] || die "run as root: network namespaces and dockerd need it"
    mkdir -p "$WORK"
    network
    local n
    for n in "${NODES[@]}"; do daemon "$n"; done
    for n in "${NODES[@]}"; do
        wait_for 60 daemon_ok "$n" ||
            die "dockerd $n did not come up; see $(dir "$n")/dockerd.log: $(tail -n 5 "$(dir "$n")/dockerd.log")"
        image "$n"
    done
    form_swarm
    write_env
    log "swarm up: manager unix://$(sock 1), worker unix://$(sock 2)"
}

sweep() {
    daemon_ok 1 || return 0
    local kind ids
    for kind in service secret config; do
        ids=$(dk 1 "$kind" ls -q --filter label=libdocker-test 2>/dev/null || true)
        [ -z "$ids" ] || dk 1 "$kind" rm $ids >/dev/null 2>&1 || true
    done
}

down() {
    local n pid d
    for n in 2 1; do
        daemon_ok "$n" && dk "$n" swarm leave --force >/dev/null 2>&1 || true
    done
    for n in "${NODES[@]}"; do
        d=$(dir "$n")
        for pid in $(cat "$d/nsenter.pid" "$d/docker.pid" 2>/dev/null | sort -u); do
            kill -0 "$pid" 2>/dev/null || continue
            log "stopping dockerd $n (pid $pid)"
            kill -TERM "$pid" 2>/dev/null || true
            wait_for 20 sh -c "! kill -0 $pid 2>/dev/null" || kill -KILL "$pid" 2>/dev/null || true
        done
        # Its managed containerd and the shims under its exec root, if dockerd died hard.
        for pid in $(pgrep -f "$d/exec" 2>/dev/null || true); do kill -KILL "$pid" 2>/dev/null || true; done
        grep -o " $d/[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
        rm -rf "$d" "$(sock "$n")"
        ip netns del "$(ns "$n")" 2>/dev/null || true
        ip link del "ldsw${n}h" 2>/dev/null || true
    done
    rm -rf "$WORK/swarm-rootfs"
    forward_rules -D
    ip link del "$BRIDGE" 2>/dev/null || true
    [ ! -f "$WORK/env" ] || sed -i '/LIBDOCKER_TEST_SWARM_/d' "$WORK/env"
}

case "${1:-}" in
    up) up ;;
    sweep) sweep ;;
    down) down ;;
    *) echo "usage: $0 up|sweep|down" >&2; exit 2 ;;
esac
