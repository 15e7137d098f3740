#!/usr/bin/env bash
# Runs charm-proof (charm-tools) and fails unless it reports neither an error nor a warning (exit 0).
#
# It proofs a copy of the charm directory named like the charm (charm-proof wants the directory name
# to match the charm name), and, when it exists, the unpacked docker-registry.charm. dispatch,
# hooks/* and actions/* are symlinks to bin/docker-registry-charm; when that binary has not been
# built yet, the copy gets a stand-in executable so that charm-proof judges the layout rather than
# the missing build product (it is said so in the output).
# Usage: scripts/proof.sh [charm-file]   (env: CHARM_PROOF, default /opt/charm-tools-venv/bin/charm-proof)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
charm_file="${1:-$root/docker-registry.charm}"
CHARM_PROOF="${CHARM_PROOF:-${CHARM_TOOLS_VENV:-/opt/charm-tools-venv}/bin/charm-proof}"

die() {
    echo "proof: ERROR: $*" >&2
    exit 1
}

[[ -x "$CHARM_PROOF" ]] || die "charm-proof not found at $CHARM_PROOF (scripts/test-env.sh installs it)"
name="$(sed -n 's/^name:[[:space:]]*//p' "$root/metadata.yaml" | tr -d '"'"'" | head -n1)"
[[ -n "$name" ]] || die "no name in metadata.yaml"

scratch="$(mktemp -d /tmp/proof.XXXXXX)"
trap 'rm -rf "$scratch"' EXIT

run_proof() {
    local label="$1" dir="$2" rc=0
    echo "proof: charm-proof $label"
    "$CHARM_PROOF" "$dir" || rc=$?
    case "$rc" in
    0) echo "proof: $label: no errors, no warnings" ;;
    100) die "$label: charm-proof reported warnings (exit 100)" ;;
    200) die "$label: charm-proof reported errors (exit 200)" ;;
    *) die "$label: charm-proof failed (exit $rc)" ;;
    esac
}

# 1. The charm directory (the repository root).
stage="$scratch/dir/$name"
mkdir -p "$stage/bin"
for item in metadata.yaml config.yaml actions.yaml manifest.yaml dispatch hooks actions templates \
    LICENSE copyright README.md icon.svg; do
    [[ -e "$root/$item" || -L "$root/$item" ]] && cp -a "$root/$item" "$stage/"
done
if [[ -x "$root/bin/docker-registry-charm" ]]; then
    cp "$root/bin/docker-registry-charm" "$stage/bin/"
else
    echo "proof: bin/docker-registry-charm is not built; proofing with a stand-in executable"
    printf '#!/bin/sh\nexit 0\n' >"$stage/bin/docker-registry-charm"
    chmod 0755 "$stage/bin/docker-registry-charm"
fi
run_proof "charm directory" "$stage"

# 2. The packed charm, if there is one.
if [[ -f "$charm_file" ]]; then
    unpacked="$scratch/charm/$name"
    mkdir -p "$unpacked"
    unzip -q "$charm_file" -d "$unpacked" || die "cannot unpack $charm_file"
    run_proof "$(basename "$charm_file")" "$unpacked"
fi
