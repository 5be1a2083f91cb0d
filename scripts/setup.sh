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

bare_root_log=""
if [ "${1:-}" = "--test" ] && [ "$(id -u)" = 0 ]; then
  # The bare-host test's Debian root (cached by its inputs), built while npm works: mostly downloads and unpacking.
  bare_root_log=$(mktemp)
  echo "squall setup: building the tests' bare Debian root in the background (debootstrap)"
  sh test/harness/bare-root.sh > "$bare_root_log" 2>&1 &
  bare_root_pid=$!
fi

echo "squall setup: installing npm dependencies and building (better-sqlite3 compiles from source: about 2 minutes)"
if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi

if [ -n "$bare_root_log" ]; then
  if wait "$bare_root_pid"; then
    echo "squall setup: bare Debian root ready at $(tail -n 1 "$bare_root_log")"
  else
    echo "squall setup: could not build the bare Debian root (the bare-host test will try again):" >&2
    tail -n 20 "$bare_root_log" >&2
  fi
  rm -f "$bare_root_log"
fi
echo "squall setup: ready"
