#!/bin/sh
# Installs what squall needs on Debian or Ubuntu, then its npm dependencies,
# and builds it. With --test, also what the test suite needs.
#   npm run setup          Chromium's headless shell + npm dependencies + build
#   npm run setup:test     the same, plus OpenSSH server, tmux, debootstrap (a bare host for the tests),
#                          full Chromium for the tests and benchmarks, and Prometheus (the live-outputs
#                          test starts its own, on loopback, as a remote-write receiver)
set -eu
cd "$(dirname "$0")/.."

packages="chromium-headless-shell"
if [ "${1:-}" = "--test" ]; then
  packages="$packages openssh-server tmux chromium debootstrap prometheus"
fi

missing=""
for package in $packages; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing="$missing $package"
done

if [ -n "$missing" ] && ! { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; }; then
  echo "squall setup: missing Debian packages:$missing" >&2
  echo "install them first:  sudo apt-get install -y$missing" >&2
  exit 1
fi

# Debian's packages (and, for the tests, the bare-host test's Debian root, cached
# by its inputs) come in the background while npm installs and compiles: both
# are mostly downloads and unpacking, npm's part mostly one core's compile. The
# root is built beside the other packages' install, once debootstrap is there.
system_log=$(mktemp)
bare_root_note=$(mktemp)
system_pid=""
# However setup ends (npm failing too), the background work goes with it, and the notes.
trap 'if [ -n "$system_pid" ]; then kill "$system_pid" 2>/dev/null || true; fi; rm -f "$system_log" "$bare_root_note" "$system_log.bare"' EXIT
build_bare_root=""
if [ "${1:-}" = "--test" ] && [ "$(id -u)" = 0 ]; then build_bare_root=yes; fi
(
  apt_install() { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null; }
  if [ -n "$missing" ]; then apt-get update -qq || exit 1; fi
  bare_pid=""
  if [ -n "$build_bare_root" ]; then
    case "$missing" in *debootstrap*) apt_install debootstrap || exit 1 ;; esac
    (
      if root=$(sh test/harness/bare-root.sh 2>"$system_log.bare"); then
        echo "squall setup: bare Debian root for the tests ready at $root" > "$bare_root_note"
      else
        printf 'squall setup: could not build the bare Debian root (the bare-host test will try again):\n%s\n' "$(tail -n 20 "$system_log.bare")" > "$bare_root_note"
      fi
    ) &
    bare_pid=$!
  fi
  # Prometheus recommends its node exporter (and that, collectors pulling smartmontools and more):
  # the tests need only the server; "package-" keeps one out within the same apt call.
  case "$missing" in *prometheus*) missing="$missing prometheus-node-exporter-" ;; esac
  if [ -n "$missing" ]; then apt_install $missing || exit 1; fi
  # The package starts a system Prometheus where systemd runs: the tests start their own, and a
  # fresh install's service should not outlive setup unasked.
  case "$missing" in *prometheus*) systemctl disable --now prometheus >/dev/null 2>&1 || true ;; esac
  if [ -n "$bare_pid" ]; then wait "$bare_pid"; fi
) > "$system_log" 2>&1 &
system_pid=$!
if [ -n "$missing" ]; then echo "squall setup: installing Debian packages:$missing (in the background)"; fi
if [ -n "$build_bare_root" ]; then echo "squall setup: building the tests' bare Debian root (debootstrap, in the background)"; fi

# better-sqlite3 compiles SQLite at -O3; -O2 (SQLite's own default, and Debian's for its libsqlite3)
# compiles in about 50 s instead of 65 s here. The test suite's setup takes -O1 (41 s instead of 59 s
# with both units at once; the tests measure no store speed, the benchmarks run on a -O2 build).
# Its two compile units go at once (JOBS): 7 s less. A CFLAGS, CXXFLAGS or JOBS of your own wins.
if [ "${1:-}" = "--test" ]; then optimise=-O1; else optimise=-O2; fi
export CFLAGS="${CFLAGS:-$optimise}" CXXFLAGS="${CXXFLAGS:--O2}" JOBS="${JOBS:-max}"
echo "squall setup: installing npm dependencies and building (better-sqlite3 compiles from source: about a minute)"
if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi

if ! wait "$system_pid"; then
  system_pid=""
  echo "squall setup: installing Debian packages failed:" >&2
  tail -n 30 "$system_log" >&2
  exit 1
fi
system_pid=""
cat "$bare_root_note"
echo "squall setup: ready"
