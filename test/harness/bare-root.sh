#!/bin/sh
# The bare Debian root the bare-host test copies: `debootstrap --variant=minbase
# bookworm` with only openssh-server added (no Node.js, no Chromium, no curl).
# Built once and kept in a cache folder named by a hash of this script and the
# mirror, so a change to either builds a new one; prints the root's path.
#   sh test/harness/bare-root.sh          (SQUALL_TEST_DEBIAN_MIRROR, SQUALL_TEST_CACHE to change where)
# `npm run setup:test` runs it in the background while npm installs, so a
# fresh machine (CI) has it before the suite starts.
set -eu
mirror="${SQUALL_TEST_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
cache="${SQUALL_TEST_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/squall-test}"
key=$( { cat "$0"; echo "$mirror"; } | sha256sum | cut -c1-16)
root="$cache/bare-root-$key"
if [ ! -e "$root/.squall-bare-root" ]; then
  mkdir -p "$cache"
  # One builder at a time (setup's background build and a test may both ask);
  # the kernel drops the lock with its holder, however that ends.
  exec 9>"$root.lock"
  flock 9
  if [ ! -e "$root/.squall-bare-root" ]; then
    rm -rf "$root"
    debootstrap --variant=minbase --include=openssh-server bookworm "$root" "$mirror" >/dev/null
    touch "$root/.squall-bare-root"
  fi
fi
echo "$root"
