#!/usr/bin/env bash
# Hook latency and cost benchmark: the built charm under charm-sim against the real dockerd.
#
# For hooks with nothing to do (update-status, config-changed with no change) it reports, over N runs:
# the median wall time of the hook process (spawn to exit, measured by charm-sim), the hook-tool calls and the
# docker CLI calls each hook made, plus the median cost of one bare `docker container inspect` for comparison.
#
#   Benchmarks/hook-latency.sh [runs]        (default 30; needs `make charm` and `swift build --product charm-sim`)
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${1:-30}
sim_bin=${CHARM_SIM_BIN:-.build/debug/charm-sim}
charm_bin=${CHARM_BINARY:-bin/docker-registry-charm}
image=${REGISTRY_IMAGE:-localhost/registry:test}
[[ -x $sim_bin ]] || { echo "hook-latency: $sim_bin is missing; run 'swift build --product charm-sim'" >&2; exit 1; }
[[ -x $charm_bin ]] || { echo "hook-latency: $charm_bin is missing; run 'make charm'" >&2; exit 1; }
docker info >/dev/null 2>&1 || { echo "hook-latency: dockerd does not answer; run scripts/test-env.sh" >&2; exit 1; }

work=$(mktemp -d)
trap '"$sim_bin" --state-dir "$work/state" remove >/dev/null 2>&1 || true; docker rm -f registry >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

# The charm directory as juju deploy would see it.
mkdir -p "$work/charm/bin"
cp metadata.yaml config.yaml actions.yaml manifest.yaml "$work/charm/"
cp -a dispatch hooks actions templates "$work/charm/"
cp "$charm_bin" "$work/charm/bin/docker-registry-charm"

# A docker shim first on PATH counts the charm's docker calls per hook.
mkdir -p "$work/shim"
real_docker=$(command -v docker)
cat >"$work/shim/docker" <<SHIM
#!/bin/sh
echo "\$*" >>"\$DOCKER_CALL_LOG"
exec "$real_docker" "\$@"
SHIM
chmod +x "$work/shim/docker"
export DOCKER_CALL_LOG="$work/docker-calls.log"
export CHARM_SIM_PASSTHROUGH_ENV=DOCKER_CALL_LOG
export PATH="$work/shim:$PATH"

sim() { "$sim_bin" --state-dir "$work/state" "$@"; }
docker rm -f registry >/dev/null 2>&1 || true
sim deploy "$work/charm" "registry-image=$image" >/dev/null
sim update-status >/dev/null  # settle

measure() {  # measure <label> <command…>: runs the command $runs times, one hook each
    local label=$1; shift
    : >"$DOCKER_CALL_LOG"
    local before; before=$(sim history --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
    for _ in $(seq "$runs"); do
        echo "--- hook" >>"$DOCKER_CALL_LOG"
        "$@" >/dev/null
    done
    sim history --format json >"$work/history.json"
    python3 - "$label" "$before" "$DOCKER_CALL_LOG" "$work/history.json" <<'PY'
import json, statistics, sys
label, before, log, history = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
records = json.load(open(history))[before:]
assert records and all(r["exit-code"] == 0 for r in records), f"{label}: a hook failed"
durations = [r["duration-ms"] for r in records]
calls = [len(r.get("tool-calls", [])) for r in records]
names = records[-1].get("tool-calls", [])
chunks = open(log).read().split("--- hook\n")[1:]
docker = [len([l for l in c.splitlines() if l]) for c in chunks]
print(f"{label:<34} median {statistics.median(durations):7.1f} ms  p90 {sorted(durations)[int(len(durations)*0.9)-1]:7.1f} ms"
      f"  tool calls {statistics.median(calls):.0f} ({', '.join(names)})  docker calls {statistics.median(docker):.0f}")
PY
}

echo "hook latency over $runs runs each (charm: $charm_bin, $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg))"
measure "update-status, nothing to do" sim update-status
measure "config-changed, nothing changed" sim hook config-changed

# Each relation's -changed hook with nothing new (the relation data was published when it was related).
relate() {  # relate <endpoint> <remote-app> [unit-data JSON] → the relation id
    local data="$work/data-$1.json" json=${3:-}
    [[ -n $json ]] || json='{}'
    echo "$json" >"$data"
    sim relate "$1" "$2" --unit-data "$data" --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'
}
clients=$(relate docker-registry containerd)
website=$(relate website haproxy '{"ingress-address": "127.0.0.1"}')
nrpe=$(relate nrpe-external-master nrpe)
measure "docker-registry-relation-changed" sim hook docker-registry-relation-changed --relation "$clients" --remote-unit containerd/0
measure "website-relation-changed" sim hook website-relation-changed --relation "$website" --remote-unit haproxy/0
measure "nrpe-external-master-relation-changed" sim hook nrpe-external-master-relation-changed --relation "$nrpe" --remote-unit nrpe/0
measure "update-status with three relations" sim update-status

# Reference costs: one bare docker call, and the charm binary starting and exiting (no Juju environment).
time_runs() {  # time_runs <label> <command…>
    local label=$1; shift
    local samples=()
    for _ in $(seq "$runs"); do
        local start end
        start=$(date +%s%N); "$@" >/dev/null 2>&1 || true; end=$(date +%s%N)
        samples+=($(( (end - start) / 1000 )))
    done
    printf '%s\n' "${samples[@]}" | python3 -c '
import statistics, sys
label = sys.argv[1]
values = [int(l) / 1000 for l in sys.stdin if l.strip()]
print(f"{label:<34} median {statistics.median(values):7.1f} ms")' "$label"
}
time_runs "one bare docker container inspect" docker container inspect registry
time_runs "charm binary start and exit" env -i "$charm_bin"

# The charm's own cost: the same update-status through the real dispatch, with the hook tools answered by
# one-line stubs (the unit state and config captured above) and docker answered by a stub printing the
# container's captured inspect output. What remains is the charm binary's own work.
stubs="$work/stubs"
mkdir -p "$stubs"
python3 - "$work/state/model.json" "$stubs" <<'PY'
import json, sys, os
model, stubs = json.load(open(sys.argv[1])), sys.argv[2]
unit = model["units"][0]
open(os.path.join(stubs, "state.json"), "w").write(json.dumps(unit.get("state", {})))
PY
# config-get leaves out options that are unset and have no default.
sim config --format json | python3 -c 'import json,sys; print(json.dumps({k: v for k, v in json.load(sys.stdin).items() if v is not None}))' >"$stubs/config.json"
docker container inspect registry >"$stubs/inspect.json"
printf '#!/bin/sh\ncat "%s/state.json"\n' "$stubs" >"$stubs/state-get"
printf '#!/bin/sh\ncat "%s/config.json"\n' "$stubs" >"$stubs/config-get"
printf '#!/bin/sh\ncat "%s/inspect.json"\n' "$stubs" >"$stubs/docker"
for tool in status-set state-set juju-log is-leader relation-ids relation-get unit-get open-port close-port; do
    printf '#!/bin/sh\necho "unexpected hook tool %s" >&2\nexit 1\n' "$tool" >"$stubs/$tool"
done
chmod +x "$stubs"/*
time_runs "charm alone (stub tools and docker)" env -i PATH="$stubs:/usr/bin:/bin" JUJU_DISPATCH_PATH=hooks/update-status \
    JUJU_UNIT_NAME=docker-registry/0 JUJU_MODEL_NAME=bench JUJU_CHARM_DIR="$work/charm" "$work/charm/dispatch"
env -i PATH="$stubs:/usr/bin:/bin" JUJU_DISPATCH_PATH=hooks/update-status JUJU_UNIT_NAME=docker-registry/0 \
    JUJU_CHARM_DIR="$work/charm" "$work/charm/dispatch" || { echo "hook-latency: the stubbed hook failed" >&2; exit 1; }
