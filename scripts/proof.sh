#!/usr/bin/env bash
# Runs charm-proof (charm-tools) and fails unless it reports neither an error nor a warning (exit 0).
#
# It proofs a copy of the charm directory named like the charm (charm-proof wants the directory name
# to match the charm name) and, when it exists, the unpacked docker-registry.charm.
#
# In both copies bin/docker-registry-charm is replaced by a one-line shell stand-in: charm-proof
# (3.0.9) opens every hook as UTF-8 text to grep it, and hooks/* -> ../dispatch ->
# bin/docker-registry-charm resolve to a compiled binary, on which it crashes with
# UnicodeDecodeError. Juju itself runs compiled hooks fine. The real binary is checked by
# scripts/check-binary.sh, and scripts/pack-charm.sh checks that dispatch resolves to it in the archive.
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

stand_in() {
    printf '#!/bin/sh\n# stand-in for the compiled charm binary, for charm-proof only\nexit 0\n' >"$1/bin/docker-registry-charm"
    chmod 0755 "$1/bin/docker-registry-charm"
}

# 1. The charm directory (the repository root).
stage="$scratch/dir/$name"
mkdir -p "$stage/bin"
for item in metadata.yaml config.yaml actions.yaml manifest.yaml dispatch hooks actions templates \
    LICENSE copyright README.md icon.svg; do
    [[ -e "$root/$item" || -L "$root/$item" ]] && cp -a "$root/$item" "$stage/"
done
stand_in "$stage"
run_proof "charm directory" "$stage"

# 2. The packed charm, if there is one.
if [[ -f "$charm_file" ]]; then
    unpacked="$scratch/charm/$name"
    mkdir -p "$unpacked"
    unzip -q "$charm_file" -d "$unpacked" || die "cannot unpack $charm_file"
    [[ -f "$unpacked/bin/docker-registry-charm" ]] || die "$charm_file holds no bin/docker-registry-charm"
    stand_in "$unpacked"
    run_proof "$(basename "$charm_file")" "$unpacked"
fi
echo "proof: (bin/docker-registry-charm was replaced by a text stand-in: charm-proof cannot read compiled hooks)"
