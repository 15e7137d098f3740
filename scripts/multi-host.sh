#!/usr/bin/env bash
# Several "machines" on this one machine, for the scale-out tests: one network namespace per host, each with its
# own address on a bridge the script creates, its own mount namespace (its own /etc/docker, /srv and the files
# the charm reloads dockerd through), and its own dockerd (own data root, exec root, pid file and socket) holding
# the test images. Nothing here touches the machine's own dockerd or its containers.
#
# Usage: scripts/multi-host.sh up|down|env
#   up    create the bridge, the namespaces and the dockerds; load the images; write $SCALE_DIR/env.
#         A host set already up is torn down first.
#   down  stop every recorded dockerd (its containers first), remove namespaces, links and state. Idempotent:
#         safe to run when nothing is up, and run by `up` itself when it fails part-way.
#   env   print $SCALE_DIR/env
#
# Environment (defaults in brackets):
#   SCALE_DIR [/run/charm-scale]         sockets, pid files, mount namespaces, per-host /etc/docker and /srv
#   SCALE_DATA [/var/lib/charm-scale]    the dockerds' data roots (images, containers)
#   SCALE_HOSTS [u0 u1 u2 u3 client]     host names; u<N> are the units' machines, `client` pushes and pulls
#   SCALE_SUBNET [10.77.0]               /24 on the bridge: the bridge is .1, client .2, u<N> .(10+N)
#   SCALE_IMAGES [localhost/registry:test localhost/busybox:test]
#
# Addresses are private to this machine: the bridge and veth pairs join only the namespaces created here, and
# nothing is routed off the machine (no default route in the namespaces, no NAT).
#
# $SCALE_DIR/env holds, per host H: SCALE_<H>_ADDRESS, SCALE_<H>_DOCKER_HOST, SCALE_<H>_PREFIX (the command prefix
# that runs a program on that host: nsenter into its network and mount namespaces, keeping the caller's working
# directory), plus SCALE_BRIDGE_ADDRESS.
#
# Pids: each dockerd's is in $SCALE_DIR/<H>/dockerd.launch-pid (nsenter and setsid exec, so it is dockerd's own) and
# its own pid file $SCALE_DIR/<H>/docker.pid; `down` stops exactly those.
set -euo pipefail

SCALE_DIR="${SCALE_DIR:-/run/charm-scale}"
SCALE_DATA="${SCALE_DATA:-/var/lib/charm-scale}"
SCALE_HOSTS="${SCALE_HOSTS:-u0 u1 u2 u3 client}"
SCALE_SUBNET="${SCALE_SUBNET:-10.77.0}"
SCALE_IMAGES="${SCALE_IMAGES:-localhost/registry:test localhost/busybox:test}"
BRIDGE=chs-br0
NETNS_PREFIX=chs-
START_WAIT=60

log() { echo "multi-host: $*" >&2; }
die() {
    echo "multi-host: ERROR: $*" >&2
    exit 1
}

address_of() {
    case "$1" in
    client) echo "$SCALE_SUBNET.2" ;;
    u[0-9] | u[0-9][0-9]) echo "$SCALE_SUBNET.$((10 + ${1#u}))" ;;
    *) die "host name $1 is neither client nor u<N>" ;;
    esac
}

# The prefix that runs a command on host $1 (its network and mount namespaces).
prefix_of() { echo "/usr/bin/nsenter --net=/run/netns/$NETNS_PREFIX$1 --mount=$SCALE_DIR/ns/$1.mnt --wd=. --"; }

host_dockerd() {
    local host=$1 dir="$SCALE_DIR/$1" extra=()
    [[ "$host" == client ]] && extra=(--insecure-registry "$SCALE_SUBNET.0/24")
    mkdir -p "$SCALE_DATA/$host" "$dir/exec"
    # shellcheck disable=SC2046
    $(prefix_of "$host") setsid dockerd \
        --data-root "$SCALE_DATA/$host" --exec-root "$dir/exec" --pidfile "$dir/docker.pid" \
        -H "unix://$dir/docker.sock" --bridge=none --iptables=false --ip6tables=false "${extra[@]}" \
        </dev/null >"$dir/dockerd.log" 2>&1 &
    echo $! >"$dir/dockerd.launch-pid"
}

# The mount namespace of a host: its own /etc/docker, /srv, /run/containerd (so dockerd starts its own
# containerd) and /run/docker.pid (the charm reloads "the" dockerd through it). Persisted on $SCALE_DIR/ns/H.mnt.
host_mounts() {
    local host=$1 dir="$SCALE_DIR/$1"
    mkdir -p "$dir/etc-docker" "$dir/srv" "$dir/run-containerd"
    : >"$dir/docker.pid"
    : >"$SCALE_DIR/ns/$host.mnt"
    [[ -e /run/docker.pid ]] || die "/run/docker.pid is missing (the machine's dockerd writes it); run scripts/test-env.sh"
    mkdir -p /etc/docker /srv /run/containerd
    unshare --mount="$SCALE_DIR/ns/$host.mnt" --propagation private /bin/sh -ec "
        mount --bind '$dir/etc-docker' /etc/docker
        mount --bind '$dir/srv' /srv
        mount -t tmpfs -o mode=0700 tmpfs /run/containerd
        mount --bind '$dir/docker.pid' /run/docker.pid
    "
}

host_network() {
    local host=$1 ns="$NETNS_PREFIX$1" veth="$NETNS_PREFIX$1-h"
    ip netns add "$ns"
    ip link add "$veth" type veth peer name eth0 netns "$ns"
    ip link set "$veth" master "$BRIDGE" up
    ip -n "$ns" link set lo up
    ip -n "$ns" addr add "$(address_of "$host")/24" dev eth0
    ip -n "$ns" link set eth0 up
}

wait_docker() {
    local host=$1 socket="unix://$SCALE_DIR/$1/docker.sock" i
    for ((i = 0; i < START_WAIT * 10; i++)); do
        docker -H "$socket" version >/dev/null 2>&1 && return 0
        kill -0 "$(cat "$SCALE_DIR/$host/dockerd.launch-pid")" 2>/dev/null ||
            die "dockerd of $host exited: $(tail -5 "$SCALE_DIR/$host/dockerd.log")"
        sleep 0.1
    done
    die "dockerd of $host did not answer on $socket within ${START_WAIT}s"
}

cmd_up() {
    [[ "$(id -u)" == 0 ]] || die "must run as root"
    for tool in ip nsenter unshare dockerd docker; do command -v "$tool" >/dev/null || die "$tool is missing"; done
    cmd_down
    # Any failure from here on (a command under set -e, or die) leaves nothing behind.
    trap 'status=$?; if ((status != 0)); then log "up failed; tearing down"; cmd_down; fi' EXIT
    mkdir -p "$SCALE_DIR/ns" "$SCALE_DATA"
    # Persistent mount namespaces need a private mount to live on (as ip-netns does for /run/netns).
    mount --bind "$SCALE_DIR/ns" "$SCALE_DIR/ns"
    mount --make-private "$SCALE_DIR/ns"
    ip link add "$BRIDGE" type bridge
    ip addr add "$SCALE_SUBNET.1/24" dev "$BRIDGE"
    ip link set "$BRIDGE" up
    local host images="$SCALE_DIR/images.tar"
    # shellcheck disable=SC2086
    docker save -o "$images" $SCALE_IMAGES
    for host in $SCALE_HOSTS; do
        mkdir -p "$SCALE_DIR/$host"
        host_network "$host"
        host_mounts "$host"
        host_dockerd "$host"
    done
    {
        echo "SCALE_BRIDGE_ADDRESS=$SCALE_SUBNET.1"
        for host in $SCALE_HOSTS; do
            wait_docker "$host"
            docker -H "unix://$SCALE_DIR/$host/docker.sock" load -q -i "$images" >/dev/null
            local key="${host^^}"
            echo "SCALE_${key}_ADDRESS=$(address_of "$host")"
            echo "SCALE_${key}_DOCKER_HOST=unix://$SCALE_DIR/$host/docker.sock"
            echo "SCALE_${key}_PREFIX=\"$(prefix_of "$host")\""
        done
    } >"$SCALE_DIR/env.tmp"
    mv "$SCALE_DIR/env.tmp" "$SCALE_DIR/env"
    rm -f "$images"
    trap - EXIT
    log "up: $SCALE_HOSTS on $BRIDGE ($SCALE_SUBNET.0/24); env in $SCALE_DIR/env"
}

stop_pid() {
    local pid=$1 i
    [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || return 0
    for ((i = 0; i < 200; i++)); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
}

cmd_down() {
    local host dir pid
    # Every host ever started under $SCALE_DIR, not only those named now.
    for dir in "$SCALE_DIR"/*/; do
        [[ -f "$dir/dockerd.launch-pid" ]] || continue
        host=$(basename "$dir")
        if [[ -S "$dir/docker.sock" ]]; then
            local ids
            ids=$(timeout 20 docker -H "unix://$dir/docker.sock" ps -aq 2>/dev/null || true)
            # shellcheck disable=SC2086
            [[ -z "$ids" ]] || timeout 60 docker -H "unix://$dir/docker.sock" rm -f $ids >/dev/null 2>&1 || true
        fi
        # The launch pid is nsenter's child chain: nsenter execs setsid, which execs dockerd (same pid).
        pid=$(cat "$dir/dockerd.launch-pid" 2>/dev/null || true)
        stop_pid "$pid"
        rm -f "$dir/dockerd.launch-pid"
        log "down: $host stopped"
    done
    for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^$NETNS_PREFIX" || true); do
        ip netns del "$ns" 2>/dev/null || true
        ip link del "$ns-h" 2>/dev/null || true
    done
    ip link del "$BRIDGE" 2>/dev/null || true
    if [[ -d "$SCALE_DIR/ns" ]]; then
        for file in "$SCALE_DIR"/ns/*.mnt; do
            [[ -e "$file" ]] || continue
            umount "$file" 2>/dev/null || true
        done
        umount "$SCALE_DIR/ns" 2>/dev/null || true
    fi
    # Data roots may hold overlay mounts of a dockerd killed hard; unmount before removing.
    if [[ -d "$SCALE_DATA" ]]; then
        { grep -o " $SCALE_DATA/[^ ]*" /proc/self/mounts || true; } | sort -r | while read -r mount; do
            umount -l "$mount" 2>/dev/null || true
        done
        rm -rf "$SCALE_DATA"
    fi
    rm -rf "$SCALE_DIR"
}

case "${1:-}" in
up) cmd_up ;;
down) cmd_down ;;
env) cat "$SCALE_DIR/env" ;;
*) die "usage: $0 up|down|env" ;;
esac
