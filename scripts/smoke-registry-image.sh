#!/usr/bin/env bash
# Checks that the locally built registry images work, with host networking on 127.0.0.1 only.
# $REGISTRY_IMAGE: runs it on a free port (5999 or the next free one), expects the v2 API header, pushes
# $BUSYBOX_IMAGE to it, reads it back from the catalog, pulls it again.
# $REGISTRY_V2_IMAGE and $REGISTRY_V3_IMAGE (laid out like the official registry:2 and registry:3 images, with
# /entrypoint.sh): `<image> --version` prints the expected line; the default command (CMD = the default config
# path, addr overridden by REGISTRY_HTTP_ADDR to a free port from 5997) serves GET /v2/ with 200 over plain http,
# with the registry as the container's process 1 (the entrypoint execs); `serve /etc/docker/registry/config.yml`
# with a config mounted there serves on that config's port; `garbage-collect --dry-run <default config>` on an
# empty filesystem store exits 0. Removes everything it created, also on failure.
# Usage: scripts/smoke-registry-image.sh
#   (env: REGISTRY_IMAGE, REGISTRY_V2_IMAGE, REGISTRY_V3_IMAGE, BUSYBOX_IMAGE, SMOKE_PORT [5999], SMOKE_LAYOUT_PORT [5997])
set -euo pipefail

REGISTRY_IMAGE="${REGISTRY_IMAGE:-localhost/registry:test}"
REGISTRY_V2_IMAGE="${REGISTRY_V2_IMAGE:-localhost/registry:2-layout}"
REGISTRY_V3_IMAGE="${REGISTRY_V3_IMAGE:-localhost/registry:3-layout}"
BUSYBOX_IMAGE="${BUSYBOX_IMAGE:-localhost/busybox:test}"
first_port="${SMOKE_PORT:-5999}"
first_layout_port="${SMOKE_LAYOUT_PORT:-5997}"
name="charm-test-smoke-registry-$$"
# What registry:3's binary prints for --version (the 3-layout image's /bin/registry wrapper prints the same).
V3_VERSION_LINE="registry github.com/distribution/distribution/v3 v3.1.1"

log() { echo "smoke: $*" >&2; }
die() {
    echo "smoke: ERROR: $*" >&2
    exit 1
}

port_in_use() { ss -Htln "sport = :$1" 2>/dev/null | grep -q .; }

# pick_port <variable> <first>: sets <variable> to the first port from <first> on that nothing listens on and
# that this script has not picked already.
picked_ports=" "
pick_port() {
    local candidate="$2" # not "port": printf -v would set this local instead of the caller's variable
    while port_in_use "$candidate" || [[ "$picked_ports" == *" $candidate "* ]]; do
        candidate=$((candidate + 1))
        ((candidate < $2 + 100)) || die "no free TCP port in $2-$(($2 + 99)) on 127.0.0.1"
    done
    picked_ports+="$candidate "
    printf -v "$1" '%s' "$candidate"
}

for tool in docker curl ss timeout; do
    command -v "$tool" >/dev/null || die "'$tool' is not installed"
done
for image in "$REGISTRY_IMAGE" "$REGISTRY_V2_IMAGE" "$REGISTRY_V3_IMAGE" "$BUSYBOX_IMAGE"; do
    docker image inspect "$image" >/dev/null 2>&1 || die "image $image does not exist (run scripts/test-env.sh)"
done

port=""
pick_port port "$first_port"

workdir="$(mktemp -d /tmp/smoke-registry.XXXXXX)"
pushed=""
containers=("$name")
cleanup() {
    local container
    for container in "${containers[@]}"; do
        docker rm -f -v "$container" >/dev/null 2>&1 || true
    done
    [[ -z "$pushed" ]] || docker rmi "$pushed" >/dev/null 2>&1 || true
    rm -rf "$workdir"
}
trap cleanup EXIT

# wait_for_v2 <container> <url>: waits up to 10 s for <url> to answer; sets headers to the response (status line,
# headers and body). Dies, with the container's log, if the container exits or nothing answers.
headers=""
wait_for_v2() {
    local container="$1" url="$2"
    headers=""
    for _ in $(seq 1 100); do
        if headers="$(curl -sS -i --max-time 2 "$url" 2>/dev/null)"; then
            break
        fi
        headers=""
        if [[ "$(docker inspect --format '{{.State.Running}}' "$container" 2>/dev/null)" != true ]]; then
            docker logs "$container" >&2 || true
            die "the registry container $container exited; its log is above"
        fi
        sleep 0.1
    done
    [[ -n "$headers" ]] || {
        docker logs "$container" >&2 || true
        die "no answer from $url within 10s"
    }
}

# write_config <file> <port>: a minimal registry configuration listening on 127.0.0.1:<port>.
write_config() {
    cat >"$1" <<YAML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: /var/lib/registry
http:
  addr: 127.0.0.1:$2
YAML
}

write_config "$workdir/config.yml" "$port"

started=$(date +%s%N)
docker run -d --name "$name" --network host \
    -v "$workdir/config.yml:/etc/docker/registry/config.yml:ro" \
    "$REGISTRY_IMAGE" >/dev/null || die "docker run $REGISTRY_IMAGE failed"

url="http://127.0.0.1:$port/v2/"
wait_for_v2 "$name" "$url"
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

# --- the images laid out like the official registry:2 and registry:3 --------------------------------------------
layout_port="" serve_port=""
pick_port layout_port "$first_layout_port" # the default command, its addr set through REGISTRY_HTTP_ADDR
pick_port serve_port "$first_layout_port"  # `serve /etc/docker/registry/config.yml` with a mounted config

write_config "$workdir/serve-config.yml" "$serve_port"

# An empty filesystem store. registry 2.8's garbage-collect fails on a store without these two directories
# ("failed to mark: filesystem: Path not found: /docker/registry/v2/repositories", then the same for blobs),
# as a store has them once anything was pushed; check_layout_image logs what it does on a bare one.
mkdir -p "$workdir/gc-store/docker/registry/v2/repositories" "$workdir/gc-store/docker/registry/v2/blobs"
mkdir -p "$workdir/bare-store"

# expect_200 <container> <url> <what>: the registry in <container> answers GET <url> with 200 and the v2 header.
expect_200() {
    local container="$1" url="$2" what="$3" status
    wait_for_v2 "$container" "$url"
    status="$(head -n 1 <<<"$headers" | tr -d '\r')"
    [[ "$status" =~ ^HTTP/[0-9.]+\ 200 ]] || die "$what: GET $url answered '$status', not 200; the response:
$headers"
    grep -qi '^Docker-Distribution-API-Version: registry/2.0' <<<"$headers" ||
        die "$what: $url did not send 'Docker-Distribution-API-Version: registry/2.0'; it sent:
$headers"
}

# check_layout_image <image> <major> <default config path>
check_layout_image() {
    local image="$1" major="$2" config="$3" output container url pid cmdline
    local tag="$image (registry:$major layout)"

    # (1) --version goes through the entrypoint (it begins with "-") to /bin/registry.
    container="$name-v$major-version"
    containers+=("$container")
    output="$(timeout 60 docker run --rm --name "$container" --network none "$image" --version 2>&1)" ||
        die "$tag: 'docker run $image --version' failed: $output"
    if [[ "$major" == 3 ]]; then
        [[ "$output" == "$V3_VERSION_LINE" ]] || die "$tag: --version printed '$output', not '$V3_VERSION_LINE'"
    else
        [[ "$output" == *2.8* ]] || die "$tag: --version printed '$output', which does not contain 2.8"
    fi
    log "$tag: --version: $output"

    # (2) The default command (CMD [<config>], through the entrypoint's *.yml rule) serves plain http; only the
    # listening address is moved off :5000, with the environment. X-Content-Type-Options comes from the image's
    # default config, so that file was read. The registry is process 1: the entrypoint (and the v3 wrapper) exec.
    container="$name-v$major-default"
    containers+=("$container")
    docker run -d --name "$container" --network host -e "REGISTRY_HTTP_ADDR=127.0.0.1:$layout_port" \
        "$image" >/dev/null || die "$tag: docker run with the default command failed"
    url="http://127.0.0.1:$layout_port/v2/"
    expect_200 "$container" "$url" "$tag, default command"
    grep -qi '^X-Content-Type-Options: nosniff' <<<"$headers" ||
        die "$tag: $url lacks the X-Content-Type-Options header of the default config $config; it sent:
$headers"
    pid="$(docker inspect --format '{{.State.Pid}}' "$container")"
    cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline")"
    cmdline="${cmdline% }"
    [[ "$cmdline" == *registry*" serve $config" ]] ||
        die "$tag: the container's process 1 is '$cmdline', not the registry serving $config"
    log "$tag: default command serves $url with 200 (process 1: $cmdline)"
    docker rm -f -v "$container" >/dev/null

    # (3) The explicit `serve <path>` form, with a config mounted at the registry:2 path (absent from registry:3).
    container="$name-v$major-serve"
    containers+=("$container")
    docker run -d --name "$container" --network host \
        -v "$workdir/serve-config.yml:/etc/docker/registry/config.yml:ro" \
        "$image" serve /etc/docker/registry/config.yml >/dev/null ||
        die "$tag: docker run ... serve /etc/docker/registry/config.yml failed"
    url="http://127.0.0.1:$serve_port/v2/"
    expect_200 "$container" "$url" "$tag, serve /etc/docker/registry/config.yml"
    log "$tag: 'serve /etc/docker/registry/config.yml' serves $url with 200"
    docker rm -f -v "$container" >/dev/null

    # (4) garbage-collect --dry-run <default config> on an empty store.
    container="$name-v$major-gc"
    containers+=("$container")
    output="$(timeout 60 docker run --rm --name "$container" --network none \
        -v "$workdir/gc-store:/var/lib/registry" "$image" garbage-collect --dry-run "$config" 2>&1)" ||
        die "$tag: 'garbage-collect --dry-run $config' on an empty store failed: $output"
    log "$tag: garbage-collect --dry-run $config on an empty store: exit 0 ($(tail -n 1 <<<"$output"))"
    # For information only: a store nothing was ever pushed to (not even the directories).
    container="$name-v$major-gc-bare"
    containers+=("$container")
    if output="$(timeout 60 docker run --rm --name "$container" --network none \
        -v "$workdir/bare-store:/var/lib/registry" "$image" garbage-collect --dry-run "$config" 2>&1)"; then
        log "$tag: note: garbage-collect --dry-run on a bare store (no directories) exits 0"
    else
        log "$tag: note: garbage-collect --dry-run on a bare store (no directories) exits $?: $output"
    fi
}

check_layout_image "$REGISTRY_V2_IMAGE" 2 /etc/docker/registry/config.yml
check_layout_image "$REGISTRY_V3_IMAGE" 3 /etc/distribution/config.yml
log "OK"
