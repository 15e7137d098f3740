#!/usr/bin/env bash
# Packs the charm directory (the repository root) into a .charm zip, leaving out what .jujuignore
# excludes, as `juju deploy ./` does, and storing symlinks (dispatch, actions/*) as symlinks.
# Then checks the archive: the required files are there, the symlinks resolve inside it, dispatch is
# executable, and every hooks/* is an executable text shim that execs dispatch (for agents before 2.8;
# Juju runs dispatch when it exists).
# Usage: scripts/pack-charm.sh [output]   (default: docker-registry.charm; run from anywhere)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
output="${1:-docker-registry.charm}"
[[ "$output" == /* ]] || output="$PWD/$output"

die() {
    echo "pack-charm: ERROR: $*" >&2
    exit 1
}

for tool in git zip unzip; do
    command -v "$tool" >/dev/null || die "'$tool' is not installed"
done

cd "$root"
required=(
    metadata.yaml config.yaml actions.yaml manifest.yaml dispatch bin/docker-registry-charm LICENSE README.md
    templates/haproxy-services.yaml templates/nrpe-command.cfg templates/nrpe-service.cfg
    templates/docker-registry-dashboard.json.xz.b64
)
for file in "${required[@]}"; do
    [[ -e "$file" ]] || die "$file is missing (bin/docker-registry-charm comes from 'make charm')"
done
[[ -f .jujuignore ]] || die ".jujuignore is missing"

scratch="$(mktemp -d /tmp/pack-charm.XXXXXX)"
trap 'rm -rf "$scratch"' EXIT

# git applies .gitignore-style rules exactly as Juju applies .jujuignore. A throw-away git dir makes
# every file "untracked", and without --exclude-standard only .jujuignore's rules apply (not .gitignore,
# which rightly ignores bin/). Ignored directories such as .build are not even descended into.
git init -q --bare "$scratch/git"
git --git-dir="$scratch/git" --work-tree="$root" ls-files --others --exclude-from="$root/.jujuignore" -z |
    sort -z >"$scratch/files"
[[ -s "$scratch/files" ]] || die "nothing to pack: .jujuignore excludes everything"

rm -f "$output"
# -X: no extra file attributes; --symlinks: store links as links; -@: names from stdin.
tr '\0' '\n' <"$scratch/files" | zip -q -X --symlinks "$output" -@ || die "zip failed"

# Check the archive as Juju will see it.
mkdir "$scratch/unpacked"
unzip -q "$output" -d "$scratch/unpacked" || die "the archive does not unpack"
for file in "${required[@]}"; do
    [[ -e "$scratch/unpacked/$file" ]] || die "$file is missing from $output (check .jujuignore)"
done
[[ -L "$scratch/unpacked/dispatch" ]] || die "dispatch is not stored as a symlink in $output"
[[ -x "$scratch/unpacked/dispatch" ]] || die "dispatch does not resolve to an executable in $output"
while IFS= read -r -d '' link; do
    target="$(readlink -f "$link")" || die "cannot resolve ${link#"$scratch/unpacked/"}"
    [[ "$target" == "$scratch/unpacked/"* ]] || die "${link#"$scratch/unpacked/"} points outside the charm"
    [[ -e "$target" ]] || die "${link#"$scratch/unpacked/"} is a dangling symlink in $output"
done < <(find "$scratch/unpacked" -type l -print0)
for hook in "$scratch/unpacked"/hooks/*; do
    [[ -f "$hook" && ! -L "$hook" && -x "$hook" ]] || die "${hook#"$scratch/unpacked/"} is not an executable file in $output"
    grep -qxF 'JUJU_DISPATCH_PATH="hooks/${0##*/}" exec "${0%/*}/../dispatch"' "$hook" ||
        die "${hook#"$scratch/unpacked/"} does not exec dispatch"
done
for leaked in Sources Tests Package.swift .git .build scripts Makefile; do
    [[ ! -e "$scratch/unpacked/$leaked" ]] || die "$leaked must not be in $output (check .jujuignore)"
done

count="$(tr -cd '\0' <"$scratch/files" | wc -c)"
echo "pack-charm: $output: $count entries, $(stat -c %s "$output") bytes"
