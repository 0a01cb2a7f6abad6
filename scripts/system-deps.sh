#!/usr/bin/env bash
# Install the Debian packages Jumin needs outside Python, only when something is missing.
#
#   chromium, chromium-driver         browser tests (Playwright drives /usr/bin/chromium;
#                                     Playwright's own browser download is not used)
#   fonts-ipamj-mincho, fonts-noto-cjk  Japanese rendering (IPAmj明朝 covers 戸籍統一文字 glyphs)
#   postgresql-client                 psql / pgbench for `make bench`
#
# Idempotent: when everything is installed it prints nothing and exits 0 without touching apt.
# Needs root (or passwordless sudo) only when it has to install. Without either it prints what is
# missing and exits 0, unless JUMIN_REQUIRE_SYSTEM_DEPS=1 (CI), in which case it exits 1.
set -euo pipefail

PACKAGES=(chromium chromium-driver fonts-ipamj-mincho fonts-noto-cjk postgresql-client)

is_installed() {
    local status
    status=$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)
    if [[ "$status" == "installed" ]]; then
        return 0
    fi
    # A versioned client (postgresql-client-15) without the metapackage is just as good.
    if [[ "$1" == "postgresql-client" ]] && command -v psql >/dev/null 2>&1 \
        && command -v pgbench >/dev/null 2>&1; then
        return 0
    fi
    return 1
}

require=${JUMIN_REQUIRE_SYSTEM_DEPS:-0}

fail_or_warn() {
    echo "system-deps: $*" >&2
    if [[ "$require" == "1" ]]; then
        echo "system-deps: JUMIN_REQUIRE_SYSTEM_DEPS=1, giving up." >&2
        exit 1
    fi
    echo "system-deps: continuing without them (browser tests will be skipped)." >&2
    exit 0
}

if ! command -v dpkg-query >/dev/null 2>&1; then
    fail_or_warn "dpkg-query not found: not a Debian system; install by hand: ${PACKAGES[*]}"
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
    is_installed "$pkg" || missing+=("$pkg")
done

if [[ ${#missing[@]} -eq 0 ]]; then
    exit 0
fi

echo "system-deps: missing Debian packages: ${missing[*]}"

if [[ $(id -u) -eq 0 ]]; then
    SUDO=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO=(sudo -n)
else
    fail_or_warn "not root and no passwordless sudo; run as root:
    apt-get update && apt-get -y install --no-install-recommends ${missing[*]}"
fi

if ! "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q; then
    fail_or_warn "apt-get update failed"
fi
if ! "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get -y -q install --no-install-recommends "${missing[@]}"; then
    fail_or_warn "apt-get install failed for: ${missing[*]}"
fi

still_missing=()
for pkg in "${missing[@]}"; do
    is_installed "$pkg" || still_missing+=("$pkg")
done
if [[ ${#still_missing[@]} -gt 0 ]]; then
    fail_or_warn "apt-get did not install: ${still_missing[*]}"
fi
echo "system-deps: installed ${missing[*]}"
