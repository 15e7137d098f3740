#!/usr/bin/env bash
# Prepares this machine for the charm's tests and for `make try` (DESIGN.md §5). Idempotent: run it
# as often as you like; it only does what is missing. Needs root, Debian 12 or Ubuntu 22.04/24.04,
# and Debian/Ubuntu archives and PyPI; it never contacts Docker Hub and talks to 127.0.0.1 only.
#
#  1. installs the Debian packages the tests use (skipped when all are present; FORCE_APT=1 forces it),
#     and Ceph's (scripts/ceph-backend.sh install),
#  2. starts dockerd (--bridge=none, no iptables) when no daemon answers; no systemd is needed,
#  3. builds, with `docker import`, the registry image $REGISTRY_IMAGE from Debian's docker-registry binary
#     (ENTRYPOINT the binary, CMD "serve /etc/docker/registry/config.yml"); two images from the same binary
#     laid out like the official ones: $REGISTRY_V2_IMAGE like registry:2 (/bin/registry, ENTRYPOINT
#     /entrypoint.sh = scripts/registry-entrypoint.sh, CMD /etc/docker/registry/config.yml) and
#     $REGISTRY_V3_IMAGE like registry:3 (the same entrypoint, CMD /etc/distribution/config.yml, nothing in
#     /etc/docker/registry, /bin/registry a wrapper that reports v3.1.1 for --version), both with
#     busybox-static's sh; and a small image $BUSYBOX_IMAGE from busybox-static for push tests
#     (each rebuilt only when its packages' versions, the entrypoint script or this recipe changed),
#  4. checks the registry images: the v2 API, a push to $REGISTRY_IMAGE, and the official layouts' --version,
#     default command, `serve <path>` and `garbage-collect --dry-run` (scripts/smoke-registry-image.sh),
#  5. installs charm-tools (charm-proof) from PyPI into $CHARM_TOOLS_VENV, and charmcraft (for
#     `charmcraft analyse`, which needs neither snap nor LXD) into $CHARMCRAFT_VENV.
#
# Environment (defaults in brackets):
#   REGISTRY_IMAGE [localhost/registry:test]  BUSYBOX_IMAGE [localhost/busybox:test]
#   REGISTRY_V2_IMAGE [localhost/registry:2-layout]  REGISTRY_V3_IMAGE [localhost/registry:3-layout]
#   CHARM_TOOLS_VENV [/opt/charm-tools-venv]  CHARM_TOOLS_VERSION [3.0.9]
#   CHARMCRAFT_VENV [/opt/charmcraft-venv]  CHARMCRAFT_VERSION [4.5.0]
#   DOCKERD_LOG [/var/log/dockerd-charm-test.log]  DOCKERD_WAIT [60 seconds]
#   DOCKERD_PIDFILE [/var/run/docker.pid]  DOCKERD_EXTRA_ARGS [] (e.g. "-H unix:///x.sock --data-root /x";
#   set DOCKER_HOST to match, so that the docker client finds that daemon)
#   SKIP_SMOKE=1 skips step 4; FORCE_IMAGES=1 rebuilds all four images.
set -euo pipefail

REGISTRY_IMAGE="${REGISTRY_IMAGE:-localhost/registry:test}"
REGISTRY_V2_IMAGE="${REGISTRY_V2_IMAGE:-localhost/registry:2-layout}"
REGISTRY_V3_IMAGE="${REGISTRY_V3_IMAGE:-localhost/registry:3-layout}"
BUSYBOX_IMAGE="${BUSYBOX_IMAGE:-localhost/busybox:test}"
CHARM_TOOLS_VENV="${CHARM_TOOLS_VENV:-/opt/charm-tools-venv}"
CHARM_TOOLS_VERSION="${CHARM_TOOLS_VERSION:-3.0.9}"
CHARMCRAFT_VENV="${CHARMCRAFT_VENV:-/opt/charmcraft-venv}"
CHARMCRAFT_VERSION="${CHARMCRAFT_VERSION:-4.5.0}"
DOCKERD_LOG="${DOCKERD_LOG:-/var/log/dockerd-charm-test.log}"
DOCKERD_WAIT="${DOCKERD_WAIT:-60}"
DOCKERD_PIDFILE="${DOCKERD_PIDFILE:-/var/run/docker.pid}"
read -r -a dockerd_extra_args <<<"${DOCKERD_EXTRA_ARGS:-}"
# Bump when the way the images are built changes, so existing images are rebuilt.
IMAGE_RECIPE=1
LABEL_PREFIX="io.github.docker-registry-swift.test"

PACKAGES=(
    docker.io containerd docker-registry haproxy easy-rsa monitoring-plugins-basic zip unzip binutils curl jq
    openssl busybox-static python3-venv ca-certificates file iproute2 apache2-utils python3-yaml skopeo
    # The token service the mirror tests put in front of an upstream registry (scripts/token-server.py).
    python3-cryptography
    # The judges of the cos-agent data: a real Prometheus scrapes the published job, promtool checks and tests the
    # alert rules; xz decodes the dashboard.
    prometheus xz-utils
    # What the charm builds on (Sources/COpenSSL, CCurl, CYAML, CCrypt): headers and pkg-config files.
    pkg-config libssl-dev libcurl4-openssl-dev libyaml-dev libcrypt-dev
)

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

log() { echo "test-env: $*" >&2; }
scratch_dirs=()
cleanup() { ((${#scratch_dirs[@]} == 0)) || rm -rf "${scratch_dirs[@]}"; }
trap cleanup EXIT
die() {
    echo "test-env: ERROR: $*" >&2
    exit 1
}

[[ "$(id -u)" == 0 ]] || die "must run as root (it installs packages and starts dockerd); try: sudo $0"

# --- 1. Debian packages ----------------------------------------------------------------------------
install_packages() {
    local missing=() pkg
    for pkg in "${PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
    done
    if ((${#missing[@]} == 0)) && [[ "${FORCE_APT:-0}" != 1 ]]; then
        log "Debian packages: all ${#PACKAGES[@]} present"
        return
    fi
    log "Debian packages: installing ${missing[*]:-${PACKAGES[*]}}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q || die "apt-get update failed"
    apt-get install -y -q --no-install-recommends "${PACKAGES[@]}" </dev/null ||
        die "apt-get install failed for: ${PACKAGES[*]}"
}

# --- 2. dockerd ------------------------------------------------------------------------------------
docker_answers() { timeout 10 docker info >/dev/null 2>&1; }

start_dockerd() {
    command -v docker >/dev/null || die "the docker client is not installed (package docker.io)"
    if docker_answers; then
        log "dockerd: already answering ($(docker version --format '{{.Server.Version}}' 2>/dev/null || echo '?'))"
        return
    fi
    command -v dockerd >/dev/null || die "dockerd is not installed (package docker.io)"
    # A pid file left by a dockerd that died makes the next one refuse to start.
    local pidfile="$DOCKERD_PIDFILE"
    if [[ -f "$pidfile" ]] && ! kill -0 "$(cat "$pidfile" 2>/dev/null)" 2>/dev/null; then
        log "dockerd: removing stale $pidfile"
        rm -f "$pidfile"
    fi
    if [[ -f "$pidfile" ]]; then
        die "dockerd (pid $(cat "$pidfile")) is running but does not answer 'docker info'; see $DOCKERD_LOG"
    fi
    mkdir -p "$(dirname "$DOCKERD_LOG")"
    log "dockerd: starting (--bridge=none --iptables=false --ip6tables=false), log in $DOCKERD_LOG"
    # setsid: dockerd outlives this script and the make/CI step that ran it.
    setsid dockerd --bridge=none --iptables=false --ip6tables=false --pidfile "$pidfile" \
        "${dockerd_extra_args[@]}" >>"$DOCKERD_LOG" 2>&1 </dev/null &
    local pid=$! waited=0
    until docker_answers; do
        if ! kill -0 "$pid" 2>/dev/null; then
            tail -n 20 "$DOCKERD_LOG" >&2 || true
            die "dockerd exited during start-up; the last lines of $DOCKERD_LOG are above"
        fi
        if ((waited >= DOCKERD_WAIT)); then
            tail -n 20 "$DOCKERD_LOG" >&2 || true
            die "dockerd (pid $pid) did not answer 'docker info' within ${DOCKERD_WAIT}s; see $DOCKERD_LOG"
        fi
        sleep 1
        waited=$((waited + 1))
    done
    log "dockerd: answering after ${waited}s (pid $pid)"
}

# --- 3. images -------------------------------------------------------------------------------------
image_label() { docker image inspect --format "{{ index .Config.Labels \"$2\" }}" "$1" 2>/dev/null || true; }

image_is_current() {
    local image="$1" version="$2"
    [[ "${FORCE_IMAGES:-0}" != 1 ]] &&
        [[ "$(image_label "$image" "$LABEL_PREFIX.package-version")" == "$version" ]] &&
        [[ "$(image_label "$image" "$LABEL_PREFIX.recipe")" == "$IMAGE_RECIPE" ]]
}

package_version() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || die "package $1 is not installed"; }

# Copies a dynamically linked executable's shared libraries (as ldd resolves them) into a rootfs.
copy_libraries() {
    local binary="$1" rootfs="$2" lib
    if ! ldd "$binary" >/dev/null 2>&1; then
        return # statically linked: nothing to copy
    fi
    while read -r lib; do
        [[ -n "$lib" && -e "$lib" ]] || continue
        mkdir -p "$rootfs$(dirname "$lib")"
        cp -L "$lib" "$rootfs$lib"
    done < <(ldd "$binary" | grep -o '/[^ )]*')
}

write_common_etc() {
    local rootfs="$1"
    mkdir -p "$rootfs/etc" "$rootfs/tmp"
    chmod 1777 "$rootfs/tmp"
    printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n' \
        >"$rootfs/etc/passwd"
    printf 'root:x:0:\nnogroup:x:65534:\n' >"$rootfs/etc/group"
    printf 'hosts: files dns\n' >"$rootfs/etc/nsswitch.conf"
}

copy_ca_bundle() {
    local rootfs="$1"
    mkdir -p "$rootfs/etc/ssl/certs"
    if [[ -f /etc/ssl/certs/ca-certificates.crt ]]; then
        cp /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/ca-certificates.crt"
    else
        log "warning: /etc/ssl/certs/ca-certificates.crt is missing; the image has no CA bundle"
    fi
}

# The default configuration of the official registry:2 and registry:3 images; the charm mounts its own over it.
write_registry_config() {
    mkdir -p "$(dirname "$1")"
    cat >"$1" <<'YAML'
version: 0.1
log:
  fields:
    service: registry
storage:
  cache:
    blobdescriptor: inmemory
  filesystem:
    rootdirectory: /var/lib/registry
http:
  addr: :5000
  headers:
    X-Content-Type-Options: [nosniff]
health:
  storagedriver:
    enabled: true
    interval: 10s
    threshold: 3
YAML
}

import_rootfs() {
    local rootfs="$1" image="$2" version="$3"
    shift 3
    # Any further arguments are --change instructions.
    tar -C "$rootfs" --numeric-owner --owner=0 --group=0 -cf - . |
        docker import \
            --change "LABEL $LABEL_PREFIX.package-version=$version" \
            --change "LABEL $LABEL_PREFIX.recipe=$IMAGE_RECIPE" \
            "$@" - "$image" >/dev/null ||
        die "docker import of $image failed"
}

build_registry_image() {
    local version
    version="$(package_version docker-registry)"
    if image_is_current "$REGISTRY_IMAGE" "$version"; then
        log "image $REGISTRY_IMAGE: up to date (docker-registry $version)"
        return
    fi
    local binary=/usr/bin/docker-registry
    [[ -x "$binary" ]] || die "$binary is missing (package docker-registry)"
    log "image $REGISTRY_IMAGE: building from docker-registry $version"
    local rootfs
    rootfs="$(mktemp -d /tmp/registry-rootfs.XXXXXX)"
    scratch_dirs+=("$rootfs")

    mkdir -p "$rootfs/usr/bin" "$rootfs/bin" "$rootfs/etc/docker/registry" "$rootfs/var/lib/registry"
    cp "$binary" "$rootfs/usr/bin/docker-registry"
    ln -s ../usr/bin/docker-registry "$rootfs/bin/registry"
    copy_libraries "$binary" "$rootfs"
    write_common_etc "$rootfs"
    copy_ca_bundle "$rootfs"
    write_registry_config "$rootfs/etc/docker/registry/config.yml"
    import_rootfs "$rootfs" "$REGISTRY_IMAGE" "$version" \
        --change 'ENTRYPOINT ["/bin/registry"]' \
        --change 'CMD ["serve", "/etc/docker/registry/config.yml"]' \
        --change 'EXPOSE 5000' \
        --change 'VOLUME ["/var/lib/registry"]' \
        --change "LABEL org.opencontainers.image.title=registry" \
        --change "LABEL org.opencontainers.image.version=$version"
    log "image $REGISTRY_IMAGE: built ($(docker image inspect --format '{{.Size}}' "$REGISTRY_IMAGE") bytes)"
}

# An image laid out like the official registry:<major> image (2 or 3), from Debian's docker-registry binary
# and busybox-static's sh: ENTRYPOINT /entrypoint.sh (scripts/registry-entrypoint.sh), CMD <config path>.
#   2: /bin/registry is Debian's binary; the default configuration is /etc/docker/registry/config.yml.
#   3: /bin/registry is a sh wrapper that answers --version/-v as registry 3.1.1 does and otherwise execs
#      Debian's binary (/usr/libexec/registry-real); the default configuration is /etc/distribution/config.yml,
#      and there is no /etc/docker/registry.
# The package-version label holds both packages' versions and the entrypoint script's digest, so a change
# to any of them rebuilds the image.
build_registry_layout_image() {
    local image="$1" major="$2" config
    case "$major" in
        2) config=/etc/docker/registry/config.yml ;;
        3) config=/etc/distribution/config.yml ;;
        *) die "build_registry_layout_image: unknown layout '$major'" ;;
    esac
    local entrypoint="$here/registry-entrypoint.sh" registry_version busybox_version digest
    [[ -f "$entrypoint" ]] || die "$entrypoint is missing"
    registry_version="$(package_version docker-registry)"
    busybox_version="$(package_version busybox-static)"
    digest="$(sha256sum "$entrypoint")"
    local version="docker-registry_$registry_version,busybox-static_$busybox_version,entrypoint_${digest:0:12}"
    if image_is_current "$image" "$version"; then
        log "image $image: up to date (registry:$major layout; $version)"
        return
    fi
    local binary=/usr/bin/docker-registry busybox=/bin/busybox
    [[ -x "$binary" ]] || die "$binary is missing (package docker-registry)"
    [[ -x "$busybox" ]] || die "$busybox is missing (package busybox-static)"
    log "image $image: building the registry:$major layout ($version)"
    local rootfs
    rootfs="$(mktemp -d /tmp/registry-layout-rootfs.XXXXXX)"
    scratch_dirs+=("$rootfs")

    mkdir -p "$rootfs/bin" "$rootfs/var/lib/registry"
    # The shell for the entrypoint (and the version wrapper); no other busybox applet is linked.
    cp "$busybox" "$rootfs/bin/busybox"
    copy_libraries "$busybox" "$rootfs"
    ln -s busybox "$rootfs/bin/sh"
    if [[ "$major" == 2 ]]; then
        cp "$binary" "$rootfs/bin/registry"
    else
        mkdir -p "$rootfs/usr/libexec"
        cp "$binary" "$rootfs/usr/libexec/registry-real"
        cat >"$rootfs/bin/registry" <<'SH'
#!/bin/sh
# Test image laid out like registry:3 (scripts/test-env.sh): reports registry 3.1.1's version and
# otherwise runs Debian's registry 2.8 binary with all the arguments.
case "${1:-}" in
    --version | -v)
        echo "registry github.com/distribution/distribution/v3 v3.1.1"
        exit 0
        ;;
esac
exec /usr/libexec/registry-real "$@"
SH
        chmod 0755 "$rootfs/bin/registry"
    fi
    copy_libraries "$binary" "$rootfs"
    install -m 0755 "$entrypoint" "$rootfs/entrypoint.sh"
    write_common_etc "$rootfs"
    copy_ca_bundle "$rootfs"
    write_registry_config "$rootfs$config"
    import_rootfs "$rootfs" "$image" "$version" \
        --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'ENTRYPOINT ["/entrypoint.sh"]' \
        --change "CMD [\"$config\"]" \
        --change 'EXPOSE 5000' \
        --change 'VOLUME ["/var/lib/registry"]' \
        --change "LABEL $LABEL_PREFIX.layout=registry:$major" \
        --change "LABEL org.opencontainers.image.title=registry" \
        --change "LABEL org.opencontainers.image.version=$registry_version"
    log "image $image: built ($(docker image inspect --format '{{.Size}}' "$image") bytes)"
}

build_busybox_image() {
    local version
    version="$(package_version busybox-static)"
    if image_is_current "$BUSYBOX_IMAGE" "$version"; then
        log "image $BUSYBOX_IMAGE: up to date (busybox-static $version)"
        return
    fi
    local binary=/bin/busybox
    [[ -x "$binary" ]] || die "$binary is missing (package busybox-static)"
    log "image $BUSYBOX_IMAGE: building from busybox-static $version"
    local rootfs applet
    rootfs="$(mktemp -d /tmp/busybox-rootfs.XXXXXX)"
    scratch_dirs+=("$rootfs")
    mkdir -p "$rootfs/bin"
    cp "$binary" "$rootfs/bin/busybox"
    copy_libraries "$binary" "$rootfs"
    while read -r applet; do
        [[ -n "$applet" && "$applet" != busybox ]] || continue
        ln -sf busybox "$rootfs/bin/$applet"
    done < <("$binary" --list)
    write_common_etc "$rootfs"
    import_rootfs "$rootfs" "$BUSYBOX_IMAGE" "$version" \
        --change 'CMD ["sh"]' \
        --change "LABEL org.opencontainers.image.title=busybox" \
        --change "LABEL org.opencontainers.image.version=$version"
    log "image $BUSYBOX_IMAGE: built ($(docker image inspect --format '{{.Size}}' "$BUSYBOX_IMAGE") bytes)"
}

# --- 5. charm-tools --------------------------------------------------------------------------------
# Installs <package>==<version> from PyPI into the venv <venv>, unless that version is there already and
# <check…> (a command proving the tool runs) succeeds; <check…> must succeed after installing.
install_pip_tool() {
    local package="$1" version="$2" venv="$3"
    shift 3
    if [[ "$("$venv/bin/pip" show "$package" 2>/dev/null | sed -n 's/^Version: //p')" == "$version" ]] &&
        "$@" >/dev/null 2>&1; then
        log "$package $version: present in $venv"
        return
    fi
    local python=/usr/bin/python3
    [[ -x "$python" ]] || python="$(command -v python3)" || die "python3 is not installed"
    log "$package $version: installing into $venv (PyPI)"
    if [[ ! -x "$venv/bin/pip" ]]; then
        rm -rf "$venv"
        "$python" -m venv "$venv" || die "could not create the venv $venv (package python3-venv)"
    fi
    "$venv/bin/pip" install --quiet --disable-pip-version-check "$package==$version" </dev/null ||
        die "pip install $package==$version failed"
    "$@" >/dev/null 2>&1 || die "$package does not run after installation ($*)"
}

install_charm_tools() {
    install_pip_tool charm-tools "$CHARM_TOOLS_VERSION" "$CHARM_TOOLS_VENV" "$CHARM_TOOLS_VENV/bin/charm-proof" --help
}

# charmcraft from PyPI, for `charmcraft analyse` (scripts/proof.sh); pinned like charm-tools.
install_charmcraft() {
    install_pip_tool charmcraft "$CHARMCRAFT_VERSION" "$CHARMCRAFT_VENV" \
        env XDG_RUNTIME_DIR=/tmp "$CHARMCRAFT_VENV/bin/charmcraft" version
}

install_packages
"$here/ceph-backend.sh" install # Ceph for the object-storage integration tests (started by `make test`)
start_dockerd
build_registry_image
build_registry_layout_image "$REGISTRY_V2_IMAGE" 2
build_registry_layout_image "$REGISTRY_V3_IMAGE" 3
build_busybox_image
if [[ "${SKIP_SMOKE:-0}" == 1 ]]; then
    log "smoke test: skipped (SKIP_SMOKE=1)"
else
    REGISTRY_IMAGE="$REGISTRY_IMAGE" REGISTRY_V2_IMAGE="$REGISTRY_V2_IMAGE" REGISTRY_V3_IMAGE="$REGISTRY_V3_IMAGE" \
        BUSYBOX_IMAGE="$BUSYBOX_IMAGE" "$here/smoke-registry-image.sh"
fi
install_charm_tools
install_charmcraft

log "ready"
# For `eval "$(scripts/test-env.sh)"`; the Makefile exports the same values.
echo "export REGISTRY_IMAGE=$REGISTRY_IMAGE"
echo "export REGISTRY_V2_IMAGE=$REGISTRY_V2_IMAGE"
echo "export REGISTRY_V3_IMAGE=$REGISTRY_V3_IMAGE"
echo "export BUSYBOX_IMAGE=$BUSYBOX_IMAGE"
echo "export CHARM_PROOF=$CHARM_TOOLS_VENV/bin/charm-proof"
echo "export CHARMCRAFT=$CHARMCRAFT_VENV/bin/charmcraft"
