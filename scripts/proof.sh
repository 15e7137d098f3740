#!/usr/bin/env bash
# Lints the charm with charm-proof (charm-tools) and `charmcraft analyse`; fails on any error or warning but the one
# the original option names force.
#
# 1. charm-proof on the checkout itself (the repository root is the charm directory) and, when it exists, on the
#    unpacked docker-registry.charm: neither an error nor a warning (exit 0), but the warnings about `type: secret`
#    for the charm's four secret options (charm-tools predates Juju secrets). hooks/* are small text shims that exec
#    dispatch (Juju runs dispatch when it exists, so they cost nothing there), which charm-proof reads as text;
#    actions/* link to dispatch, which it only checks for being executable. charm-proof's note that the directory
#    name differs from the charm name is informational, so no copy or stand-in is needed.
# 2. `charmcraft analyse --format json docker-registry.charm` (charmcraft from PyPI): every linter ok, not
#    applicable or unknown, except `naming-conventions`, which warns because the reactive charm's option names mix
#    snake_case (docker_runtime, nagios_context, …) and hyphens; they are the drop-in contract and stay.
# Usage: scripts/proof.sh [charm-file]
#   env: CHARM_PROOF (default /opt/charm-tools-venv/bin/charm-proof), CHARMCRAFT (default
#   /opt/charmcraft-venv/bin/charmcraft); scripts/test-env.sh installs both.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
charm_file="${1:-$root/docker-registry.charm}"
[[ "$charm_file" == /* ]] || charm_file="$PWD/$charm_file"
CHARM_PROOF="${CHARM_PROOF:-${CHARM_TOOLS_VENV:-/opt/charm-tools-venv}/bin/charm-proof}"
CHARMCRAFT="${CHARMCRAFT:-${CHARMCRAFT_VENV:-/opt/charmcraft-venv}/bin/charmcraft}"

die() {
    echo "proof: ERROR: $*" >&2
    exit 1
}

[[ -x "$CHARM_PROOF" ]] || die "charm-proof not found at $CHARM_PROOF (scripts/test-env.sh installs it)"
[[ -x "$CHARMCRAFT" ]] || die "charmcraft not found at $CHARMCRAFT (scripts/test-env.sh installs it)"
name="$(sed -n 's/^name:[[:space:]]*//p' "$root/metadata.yaml" | tr -d '"'"'" | head -n1)"
[[ -n "$name" ]] || die "no name in metadata.yaml"
[[ -x "$root/bin/docker-registry-charm" ]] || die "bin/docker-registry-charm is missing (make charm builds it)"
for hook in "$root"/hooks/*; do
    [[ -f "$hook" && ! -L "$hook" && -x "$hook" ]] || die "${hook#"$root/"} must be an executable text shim"
    grep -qxF 'JUJU_DISPATCH_PATH="hooks/${0##*/}" exec "${0%/*}/../dispatch"' "$hook" ||
        die "${hook#"$root/"} does not exec dispatch"
done

scratch="$(mktemp -d /tmp/proof.XXXXXX)"
trap 'rm -rf "$scratch"' EXIT

# charm-tools predates Juju secrets (Juju 3.3): it warns that `type: secret` is invalid. These warnings, for the
# charm's secret options and nothing else, are expected.
secret_type_warning='^W: config\.yaml: option (auth-accounts|storage-s3-credentials|storage-swift-credentials|cache-credentials) has an invalid type \(secret\)$'

run_proof() {
    local label="$1" dir="$2" rc=0
    echo "proof: charm-proof $label"
    "$CHARM_PROOF" "$dir" >"$scratch/proof.out" 2>&1 || rc=$?
    cat "$scratch/proof.out"
    if [[ "$rc" == 100 ]] && ! grep '^[EW]:' "$scratch/proof.out" | grep -qvE "$secret_type_warning"; then
        echo "proof: $label: only charm-tools' warnings about type: secret (it predates Juju secrets)"
        return
    fi
    case "$rc" in
    0) echo "proof: $label: no errors, no warnings" ;;
    100) die "$label: charm-proof reported warnings (exit 100)" ;;
    200) die "$label: charm-proof reported errors (exit 200)" ;;
    *) die "$label: charm-proof failed (exit $rc)" ;;
    esac
}

# 1. The checkout itself, then the packed charm (unpacked as it is, compiled binary included).
run_proof "charm directory $root" "$root"
[[ -f "$charm_file" ]] || die "$charm_file does not exist (make charm packs it)"
unpacked="$scratch/$name"
mkdir -p "$unpacked"
unzip -q "$charm_file" -d "$unpacked" || die "cannot unpack $charm_file"
run_proof "$(basename "$charm_file")" "$unpacked"

# 2. charmcraft analyse on the packed charm (no build environment, snap or LXD needed).
echo "proof: charmcraft analyse $(basename "$charm_file")"
rc=0
(cd "$scratch" && XDG_RUNTIME_DIR="$scratch" "$CHARMCRAFT" analyse --format json "$charm_file") \
    >"$scratch/analyse.json" 2>"$scratch/analyse.log" || rc=$?
# charmcraft exits 0 when all is well, 3 for warnings only (2 for errors, 1 when it could not run).
[[ "$rc" == 0 || "$rc" == 3 ]] || die "charmcraft analyse failed (exit $rc): $(cat "$scratch/analyse.log")"
python3 - "$scratch/analyse.json" <<'PY' || die "charmcraft analyse reported more than the naming-conventions warning"
import json, sys

allowed = {"ok", "nonapplicable", "unknown"}
results = json.load(open(sys.argv[1]))
bad = [r for r in results if r["result"] not in allowed and not (r["name"] == "naming-conventions" and r["result"] == "warning")]
for r in results:
    print(f"proof:   {r['name']}: {r['result']}")
for r in bad:
    print(f"proof: charmcraft analyse: {r['name']}: {r['result']}: {r['text']}", file=sys.stderr)
sys.exit(1 if bad else 0)
PY
echo "proof: charmcraft analyse: only the naming-conventions warning (the reactive charm's option names)"
