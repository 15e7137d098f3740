#!/usr/bin/env bash
# Checks that the locally built registry image works: runs it with host networking on a free port on
# 127.0.0.1 (5999 or the next free one), expects the v2 API header, pushes $BUSYBOX_IMAGE to it,
# reads it back from the catalog, pulls it again, and removes everything it created.
# Usage: scripts/smoke-registry-image.sh   (env: REGISTRY_IMAGE, BUSYBOX_IMAGE, SMOKE_PORT)
set -euo pipefail

REGISTRY_IMAGE="${REGISTRY_IMAGE:-localhost/registry:test}"
BUSYBOX_IMAGE="${BUSYBOX_IMAGE:-localhost/busybox:test}"
first_port="${SMOKE_PORT:-5999}"
name="charm-test-smoke-registry-$$"

log() { echo "smoke: $*" >&2; }
die() {
    echo "smoke: ERROR: $*" >&2
    exit 1
}

port_in_use() { ss -Htln "sport = :$1" 2>/dev/null | grep -q .; }

for tool in docker curl ss; do
    command -v "$tool" >/dev/null || die "'$tool' is not installed"
done
docker image inspect "$REGISTRY_IMAGE" >/dev/null 2>&1 || die "image $REGISTRY_IMAGE does not exist (run scripts/test-env.sh)"
docker image inspect "$BUSYBOX_IMAGE" >/dev/null 2>&1 || die "image $BUSYBOX_IMAGE does not exist (run scripts/test-env.sh)"

port="$first_port"
while port_in_use "$port"; do
    port=$((port + 1))
    ((port < first_port + 100)) || die "no free TCP port in $first_port-$((first_port + 99)) on 127.0.0.1"
done

workdir="$(mktemp -d /tmp/smoke-registry.XXXXXX)"
pushed=""
cleanup() {
    docker rm -f -v "$name" >/dev/null 2>&1 || true
    [[ -z "$pushed" ]] || docker rmi "$pushed" >/dev/null 2>&1 || true
    rm -rf "$workdir"
}
trap cleanup EXIT

cat >"$workdir/config.yml" <<YAML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: /var/lib/registry
http:
  addr: 127.0.0.1:$port
YAML

started=$(date +%s%N)
docker run -d --name "$name" --network host \
    -v "$workdir/config.yml:/etc/docker/registry/config.yml:ro" \
    "$REGISTRY_IMAGE" >/dev/null || die "docker run $REGISTRY_IMAGE failed"

url="http://127.0.0.1:$port/v2/"
headers=""
for _ in $(seq 1 100); do
    if headers="$(curl -sS -i --max-time 2 "$url" 2>/dev/null)"; then
        break
    fi
    if [[ "$(docker inspect --format '{{.State.Running}}' "$name" 2>/dev/null)" != true ]]; then
        docker logs "$name" >&2 || true
        die "the registry container exited; its log is above"
    fi
    sleep 0.1
done
[[ -n "$headers" ]] || {
    docker logs "$name" >&2 || true
    die "no answer from $url within 10s"
}
ready_ms=$((($(date +%s%N) - started) / 1000000))
grep -qi '^Docker-Distribution-API-Version: registry/2.0' <<<"$headers" ||
    die "$url did not send 'Docker-Distribution-API-Version: registry/2.0'; it sent:
$headers"
log "$REGISTRY_IMAGE answers on $url with registry/2.0 (ready after ${ready_ms} ms)"

pushed="127.0.0.1:$port/smoke/busybox:test"
docker tag "$BUSYBOX_IMAGE" "$pushed"
docker push "$pushed" >"$workdir/push.log" 2>&1 || {
    cat "$workdir/push.log" >&2
    die "docker push $pushed failed"
}
catalog="$(curl -sS --max-time 5 "http://127.0.0.1:$port/v2/_catalog")"
grep -q '"smoke/busybox"' <<<"$catalog" || die "the catalog does not list smoke/busybox after the push: $catalog"
docker rmi "$pushed" >/dev/null
docker pull "$pushed" >"$workdir/pull.log" 2>&1 || {
    cat "$workdir/pull.log" >&2
    die "docker pull $pushed failed"
}
docker run --rm --network none "$pushed" true || die "the pulled busybox image does not run"
log "pushed, listed, pulled and ran $pushed"
log "OK"
