#!/usr/bin/env bash
# Checks that only Sources/SystemLibraries imports the system-library modules (COpenSSL, CCurl, CYAML, CCrypt):
# it is the one module that touches their C pointers and turns their errors into typed Swift errors.
# Usage: scripts/check-c-boundary.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

offenders="$(grep -rlE '^\s*(@_implementationOnly |internal |public |package )?import (COpenSSL|CCurl|CYAML|CCrypt)\b' \
    Sources Tests --include='*.swift' | grep -v '^Sources/SystemLibraries/' || true)"
if [[ -n "$offenders" ]]; then
    echo "check-c-boundary: FAIL: only Sources/SystemLibraries may import the C library modules; these do:" >&2
    echo "$offenders" >&2
    exit 1
fi
echo "check-c-boundary: OK: only Sources/SystemLibraries imports COpenSSL, CCurl, CYAML and CCrypt"
