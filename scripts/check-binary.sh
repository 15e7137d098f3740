#!/usr/bin/env bash
# Checks that the charm binary runs on a stock Ubuntu 22.04/24.04 unit:
#  - it is an x86-64 ELF executable,
#  - it needs no Swift runtime library (ldd shows no libswift*),
#  - the newest glibc symbol version it needs is <= MAX_GLIBC (default 2.35, Ubuntu 22.04's glibc),
#  - every shared library it needs is one a stock Ubuntu server or cloud image has: glibc, libstdc++, libgcc_s, and
#    the system libraries the charm builds on (README, "Shared libraries"): libcrypto.so.3 (libssl3 / libssl3t64),
#    libyaml-0.so.2 (libyaml-0-2), libcrypt.so.1 (libcrypt1); libcurl.so.4 is loaded with dlopen, never linked,
#  - every OpenSSL symbol it needs is versioned OPENSSL_3.0.0 (Ubuntu 22.04 ships OpenSSL 3.0.2),
#  - libcurl is not linked (the charm loads libcurl.so.4 on its first HTTP request).
# Usage: scripts/check-binary.sh [path]   (default: bin/docker-registry-charm)
set -euo pipefail

binary="${1:-bin/docker-registry-charm}"
max_glibc="${MAX_GLIBC:-2.35}"

fail() {
    echo "check-binary: FAIL: $*" >&2
    exit 1
}

for tool in file ldd objdump sort; do
    command -v "$tool" >/dev/null 2>&1 || fail "'$tool' is not installed (apt-get install binutils file libc-bin)"
done

[[ -f "$binary" ]] || fail "$binary does not exist (run 'make charm' first)"
[[ -x "$binary" ]] || fail "$binary is not executable"

description="$(file -L "$binary")"
[[ "$description" == *"ELF 64-bit"*"x86-64"* ]] || fail "$binary is not an x86-64 ELF executable: $description"

ldd_output="$(ldd "$binary" 2>&1)" || fail "ldd failed on $binary: $ldd_output"
if grep -qi 'libswift' <<<"$ldd_output"; then
    fail "$binary links Swift runtime libraries dynamically (build with --static-swift-stdlib):
$ldd_output"
fi
if grep -q 'not found' <<<"$ldd_output"; then
    fail "$binary needs libraries that are missing here:
$ldd_output"
fi

# Shared libraries a stock Ubuntu 22.04/24.04 server or cloud image has.
allowed='^(linux-vdso\.so\.1|/lib64/ld-linux-x86-64\.so\.2|ld-linux-x86-64\.so\.2|libc\.so\.6|libm\.so\.6|libdl\.so\.2|libpthread\.so\.0|librt\.so\.1|libutil\.so\.1|libstdc\+\+\.so\.6|libgcc_s\.so\.1|libz\.so\.1|libcrypto\.so\.3|libyaml-0\.so\.2|libcrypt\.so\.1)$'
unexpected=()
while read -r lib _; do
    [[ -z "$lib" ]] && continue
    [[ "$lib" =~ $allowed ]] || unexpected+=("$lib")
done <<<"$ldd_output"
if ((${#unexpected[@]} > 0)); then
    fail "$binary needs libraries a stock Ubuntu unit may not have: ${unexpected[*]}"
fi

newest_glibc="$(objdump -T "$binary" | { grep -o 'GLIBC_[0-9][0-9.]*' || true; } | sed 's/^GLIBC_//' | sort -uV | tail -n1)"
[[ -n "$newest_glibc" ]] || fail "found no GLIBC_ symbol versions in $binary (is it dynamically linked against glibc?)"
highest="$(printf '%s\n%s\n' "$newest_glibc" "$max_glibc" | sort -V | tail -n1)"
if [[ "$highest" != "$max_glibc" ]]; then
    fail "$binary needs GLIBC_$newest_glibc, newer than GLIBC_$max_glibc (Ubuntu 22.04)"
fi

# Ubuntu 22.04's libstdc++6 (gcc 12) provides up to GLIBCXX_3.4.30.
max_glibcxx="${MAX_GLIBCXX:-3.4.30}"
newest_glibcxx="$(objdump -T "$binary" | { grep -o 'GLIBCXX_[0-9][0-9.]*' || true; } | sed 's/^GLIBCXX_//' | sort -uV | tail -n1)"
if [[ -n "$newest_glibcxx" ]]; then
    highest="$(printf '%s\n%s\n' "$newest_glibcxx" "$max_glibcxx" | sort -V | tail -n1)"
    [[ "$highest" == "$max_glibcxx" ]] ||
        fail "$binary needs GLIBCXX_$newest_glibcxx, newer than GLIBCXX_$max_glibcxx (Ubuntu 22.04)"
fi
# OpenSSL tags each function with the release that added it: OPENSSL_3.0.0 is all Ubuntu 22.04's 3.0.2 promises.
newer_openssl="$(objdump -T "$binary" | { grep -o 'OPENSSL_3\.[0-9][0-9.]*' || true; } | { grep -v '^OPENSSL_3\.0\.0$' || true; } | sort -u | tr '\n' ' ')"
[[ -z "$newer_openssl" ]] || fail "$binary needs OpenSSL symbols newer than OPENSSL_3.0.0: $newer_openssl"
if grep -q 'libcurl' <<<"$ldd_output"; then
    fail "$binary links libcurl; it must load libcurl.so.4 with dlopen on first use (see CurlLibrary.swift)"
fi

size_bytes="$(stat -c %s "$binary")"
libs="$(awk '{print $1}' <<<"$ldd_output" | tr '\n' ' ')"
echo "check-binary: OK: $binary"
echo "  size:          $size_bytes bytes ($((size_bytes / 1024 / 1024)) MiB)"
echo "  newest GLIBC:  GLIBC_$newest_glibc (limit GLIBC_$max_glibc)"
echo "  newest GLIBCXX: ${newest_glibcxx:+GLIBCXX_}${newest_glibcxx:-none} (limit GLIBCXX_$max_glibcxx)"
echo "  libraries:     $libs"
