#!/bin/sh
# Installs what squall needs on Debian or Ubuntu, then its npm dependencies,
# and builds it. With --test, also what the test suite needs.
#   npm run setup          Chromium's headless shell + npm dependencies + build
#   npm run setup:test     the same, plus OpenSSH server, tmux, debootstrap (a bare host for the tests)
#                          and full Chromium for the tests and benchmarks
set -eu
cd "$(dirname "$0")/.."

packages="chromium-headless-shell"
if [ "${1:-}" = "--test" ]; then
  packages="$packages openssh-server tmux chromium debootstrap"
fi

missing=""
for package in $packages; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing="$missing $package"
done

if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "squall setup: installing Debian packages:$missing"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
  else
    echo "squall setup: missing Debian packages:$missing" >&2
    echo "install them first:  sudo apt-get install -y$missing" >&2
    exit 1
  fi
fi

echo "squall setup: installing npm dependencies and building (better-sqlite3 compiles from source: about 2 minutes)"
if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
echo "squall setup: ready"
