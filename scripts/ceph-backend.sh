#!/usr/bin/env bash
# A throw-away one-node Ceph cluster with a RADOS Gateway (S3 and Swift APIs), for the object-storage
# integration tests (docs: /work/shared/reference/test-backends.md). One monitor, one OSD on memstore (its
# data lives in the OSD's memory), one radosgw; no manager. Everything listens on loopback (radosgw on
# $CEPH_RGW_ADDR), every daemon runs under setsid with its pid recorded, and `stop` kills exactly those pids
# and removes the state directory. Two instances with different CEPH_DIR and ports can run side by side.
#
# Usage: scripts/ceph-backend.sh install|start|stop|env
#   install  apt-get the Debian packages (ceph-mon ceph-osd radosgw ceph-common python3-boto3); idempotent
#   start    create the cluster, start mon, osd and radosgw, create a user with S3 keys and a Swift subuser,
#            and write $CEPH_DIR/env (0600); if this instance is already up, only says so
#   stop     SIGTERM (then SIGKILL) the recorded pids and remove $CEPH_DIR; safe to run when nothing runs
#   env      print $CEPH_DIR/env (KEY=value lines; `eval` them or `set -a; . file`)
#
# Environment (defaults in brackets):
#   CEPH_DIR [/run/charm-ceph]  CEPH_MON_PORT_V2 [3300]  CEPH_MON_PORT_V1 [6789]
#   CEPH_RGW_ADDR [127.0.0.1]  CEPH_RGW_PORT [7480]
#
# $CEPH_DIR/env holds: CEPH_S3_ENDPOINT CEPH_S3_ACCESS_KEY CEPH_S3_SECRET_KEY CEPH_S3_REGION
#                      CEPH_SWIFT_AUTHURL CEPH_SWIFT_USER CEPH_SWIFT_KEY
set -euo pipefail

CEPH_DIR="${CEPH_DIR:-/run/charm-ceph}"
CEPH_MON_PORT_V2="${CEPH_MON_PORT_V2:-3300}"
CEPH_MON_PORT_V1="${CEPH_MON_PORT_V1:-6789}"
CEPH_RGW_ADDR="${CEPH_RGW_ADDR:-127.0.0.1}"
CEPH_RGW_PORT="${CEPH_RGW_PORT:-7480}"

PACKAGES=(ceph-mon ceph-osd radosgw ceph-common python3-boto3)
# The OSD keeps objects in memory; the tests push images of a few MB.
MEMSTORE_BYTES=$((512 * 1024 * 1024))
RGW_UID=charm-test
START_WAIT=60

conf="$CEPH_DIR/ceph.conf"
log() { echo "ceph-backend: $*" >&2; }
die() {
    echo "ceph-backend: ERROR: $*" >&2
    exit 1
}

cephc() { timeout 30 ceph -c "$conf" "$@"; }
rgw_admin() { timeout 60 radosgw-admin -c "$conf" "$@"; }

# --- install ---------------------------------------------------------------------------------------
cmd_install() {
    local missing=() pkg
    for pkg in "${PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
    done
    if ((${#missing[@]} == 0)); then
        log "Debian packages: all ${#PACKAGES[@]} present"
        return
    fi
    [[ "$(id -u)" == 0 ]] || die "must run as root to install ${missing[*]}"
    log "Debian packages: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >&2 || die "apt-get update failed"
    # Debian's policy-rc.d keeps the packaged services from starting; this script starts its own daemons.
    apt-get install -y -q --no-install-recommends "${PACKAGES[@]}" </dev/null >&2 ||
        die "apt-get install failed for: ${PACKAGES[*]}"
}

# --- pids ------------------------------------------------------------------------------------------
pid_alive() { [[ -n "$1" ]] && kill -0 "$1" 2>/dev/null; }

recorded_pids() {
    local file
    for file in "$CEPH_DIR"/pids/*.pid; do
        [[ -f "$file" ]] && cat "$file"
    done
    return 0
}

# Starts a daemon in the foreground of its own session and records its pid as pids/<name>.pid.
spawn() {
    local name="$1"
    shift
    setsid "$@" -f >>"$CEPH_DIR/log/$name.out" 2>&1 </dev/null &
    echo $! >"$CEPH_DIR/pids/$name.pid"
}

wait_until() {
    local what="$1" name="$2" waited=0
    shift 2
    until "$@" >/dev/null 2>&1; do
        if ! pid_alive "$(cat "$CEPH_DIR/pids/$name.pid")"; then
            tail -n 20 "$CEPH_DIR/log/$name.out" "$CEPH_DIR/log/"*"$name"*.log >&2 2>/dev/null || true
            die "$name exited before $what"
        fi
        ((waited < START_WAIT * 10)) || die "$name: no $what within ${START_WAIT}s; see $CEPH_DIR/log"
        sleep 0.1
        waited=$((waited + 1))
    done
}

# --- stop ------------------------------------------------------------------------------------------
cmd_stop() {
    if [[ ! -d "$CEPH_DIR" ]]; then
        log "nothing to stop ($CEPH_DIR does not exist)"
        return
    fi
    local pids=() pid waited=0
    # radosgw first, the monitor last: clients and the OSD leave cleanly while the monitor still answers.
    for pid in $(cat "$CEPH_DIR/pids/rgw.pid" "$CEPH_DIR/pids/osd.pid" "$CEPH_DIR/pids/mon.pid" 2>/dev/null); do
        pid_alive "$pid" && pids+=("$pid")
    done
    for pid in $(recorded_pids); do
        [[ " ${pids[*]} " == *" $pid "* ]] || ! pid_alive "$pid" || pids+=("$pid")
    done
    for pid in "${pids[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        while pid_alive "$pid" && ((waited < 100)); do
            sleep 0.1
            waited=$((waited + 1))
        done
        if pid_alive "$pid"; then
            log "pid $pid did not stop on SIGTERM within 10s: SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
        fi
    done
    rm -rf "$CEPH_DIR"
    log "stopped ${#pids[@]} daemon(s), removed $CEPH_DIR"
}

# --- start -----------------------------------------------------------------------------------------
rgw_url() {
    local host="$CEPH_RGW_ADDR"
    [[ "$host" == *:* ]] && host="[$host]"
    echo "http://$host:$CEPH_RGW_PORT"
}

rgw_answers() { curl -fsS --noproxy '*' -o /dev/null --max-time 2 "$(rgw_url)/"; }

# True when something already listens on TCP $1:$2 (then this instance would talk to someone else's daemon).
port_taken() {
    local host="$1"
    [[ "$host" == *:* ]] && host="[$host]"
    ss -Hltn "sport = :$2" | awk '{print $4}' | grep -qxF -e "$host:$2" -e "*:$2" -e "0.0.0.0:$2" -e "[::]:$2"
}

already_running() {
    [[ -f "$CEPH_DIR/env" ]] || return 1
    local pid
    for pid in $(cat "$CEPH_DIR/pids/mon.pid" "$CEPH_DIR/pids/osd.pid" "$CEPH_DIR/pids/rgw.pid" 2>/dev/null); do
        pid_alive "$pid" || return 1
    done
    [[ -f "$CEPH_DIR/pids/rgw.pid" ]] && rgw_answers
}

write_conf() {
    local fsid="$1" mon_addrs="$2"
    cat >"$conf" <<EOF
[global]
fsid = $fsid
mon host = $mon_addrs
public addr = 127.0.0.1
cluster addr = 127.0.0.1
ms bind ipv6 = false
auth cluster required = none
auth service required = none
auth client required = none
keyring = $CEPH_DIR/keyring
run dir = $CEPH_DIR/run
admin socket = $CEPH_DIR/run/\$name.asok
log file = $CEPH_DIR/log/\$name.log
log to stderr = false
err to stderr = true
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon warn on pool no redundancy = false

[mon]
mon data = $CEPH_DIR/mon/\$name
paxos propose interval = 0.05

[osd]
osd data = $CEPH_DIR/osd/\$name
osd objectstore = memstore
memstore device bytes = $MEMSTORE_BYTES

[client]
ms mon client mode = crc

[client.rgw]
rgw data = $CEPH_DIR/rgw
rgw frontends = beast endpoint=$CEPH_RGW_ADDR:$CEPH_RGW_PORT
rgw swift url = $(rgw_url)
EOF
}

# Reads one field of radosgw-admin's JSON user description from stdin.
user_field() {
    /usr/bin/python3 -c '
import json, sys
user, path = json.load(sys.stdin), sys.argv[1]
if path == "s3.access":
    print(user["keys"][0]["access_key"])
elif path == "s3.secret":
    print(user["keys"][0]["secret_key"])
else:
    print(next(k["secret_key"] for k in user["swift_keys"] if k["user"] == path))
' "$1"
}

cmd_start() {
    if already_running; then
        log "already running in $CEPH_DIR (radosgw at $(rgw_url))"
        return
    fi
    command -v ceph-mon >/dev/null && command -v ceph-osd >/dev/null && command -v radosgw >/dev/null ||
        die "Ceph is not installed; run: $0 install"
    if [[ -d "$CEPH_DIR" ]]; then
        log "a stale $CEPH_DIR exists: stopping what it recorded first"
        cmd_stop
    fi
    local port
    for port in "127.0.0.1 $CEPH_MON_PORT_V2" "127.0.0.1 $CEPH_MON_PORT_V1" "$CEPH_RGW_ADDR $CEPH_RGW_PORT"; do
        # shellcheck disable=SC2086 # two words on purpose: address and port
        ! port_taken $port || die "${port/ /:} is already in use: choose other CEPH_MON_PORT_V2/V1, CEPH_RGW_PORT"
    done
    local started
    started=$(date +%s%N)
    mkdir -p "$CEPH_DIR"/{pids,log,run,mon,osd,rgw}
    chmod 0700 "$CEPH_DIR"
    : >"$CEPH_DIR/keyring"
    # Whatever fails from here on, nothing is left running or on disk.
    trap 'status=$?; if ((status != 0)); then log "start failed: cleaning up"; cmd_stop; fi' EXIT

    local fsid mon_addrs
    fsid="$(uuidgen)"
    mon_addrs="[v2:127.0.0.1:$CEPH_MON_PORT_V2,v1:127.0.0.1:$CEPH_MON_PORT_V1]"
    write_conf "$fsid" "$mon_addrs"

    # Monitor.
    monmaptool --create --fsid "$fsid" --addv a "$mon_addrs" "$CEPH_DIR/monmap" >/dev/null
    ceph-mon -c "$conf" --mkfs -i a --monmap "$CEPH_DIR/monmap" --keyring /dev/null
    spawn mon ceph-mon -c "$conf" -i a
    wait_until "monitor quorum" mon cephc --connect-timeout 2 mon stat

    # OSD on memstore.
    local osd_uuid osd_id
    osd_uuid="$(uuidgen)"
    osd_id="$(cephc osd new "$osd_uuid")"
    mkdir -p "$CEPH_DIR/osd/osd.$osd_id"
    ceph-osd -c "$conf" -i "$osd_id" --mkfs --osd-uuid "$osd_uuid" >>"$CEPH_DIR/log/osd.out" 2>&1
    spawn osd ceph-osd -c "$conf" -i "$osd_id"
    wait_until "the OSD up" osd bash -c "ceph -c '$conf' osd dump --format json | grep -q '\"up\":1'"

    # RADOS Gateway.
    spawn rgw radosgw -c "$conf" -n client.rgw
    wait_until "radosgw answering at $(rgw_url)" rgw rgw_answers

    # A user with S3 keys and a Swift subuser with its own key.
    local user s3_access s3_secret swift_key
    user="$(rgw_admin user create --uid "$RGW_UID" --display-name "charm integration tests")"
    s3_access="$(user_field s3.access <<<"$user")"
    s3_secret="$(user_field s3.secret <<<"$user")"
    rgw_admin subuser create --uid "$RGW_UID" --subuser "$RGW_UID:swift" --access full >/dev/null
    user="$(rgw_admin key create --subuser "$RGW_UID:swift" --key-type swift --gen-secret)"
    swift_key="$(user_field "$RGW_UID:swift" <<<"$user")"

    (
        umask 077
        cat >"$CEPH_DIR/env.tmp" <<EOF
CEPH_S3_ENDPOINT=$(rgw_url)
CEPH_S3_ACCESS_KEY=$s3_access
CEPH_S3_SECRET_KEY=$s3_secret
CEPH_S3_REGION=us-east-1
CEPH_SWIFT_AUTHURL=$(rgw_url)/auth/1.0
CEPH_SWIFT_USER=$RGW_UID:swift
CEPH_SWIFT_KEY=$swift_key
EOF
    )
    mv -f "$CEPH_DIR/env.tmp" "$CEPH_DIR/env"
    trap - EXIT
    log "started in $((($(date +%s%N) - started) / 1000000)) ms: mon $mon_addrs, radosgw $(rgw_url)," \
        "pids $(recorded_pids | tr '\n' ' ')(state in $CEPH_DIR)"
}

cmd_env() {
    [[ -f "$CEPH_DIR/env" ]] || die "no $CEPH_DIR/env: run '$0 start' first"
    cat "$CEPH_DIR/env"
}

case "${1:-}" in
install) cmd_install ;;
start) cmd_start ;;
stop) cmd_stop ;;
env) cmd_env ;;
*)
    echo "usage: $0 install|start|stop|env (see the comment at the top of this script)" >&2
    exit 2
    ;;
esac
