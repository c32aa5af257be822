#!/usr/bin/env bash
# Debian's Chromium for the browser tests (driven by playwright-core; never a browser download).
# Installs the package when missing. Idempotent. Output goes to stderr.
set -euo pipefail
exec 1>&2

if [ "$(id -u)" -eq 0 ]; then as_root() { "$@"; }; else as_root() { sudo "$@"; }; fi

if [ ! -x /usr/bin/chromium ]; then
  echo "installing Chromium from Debian's packages"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
fi
/usr/bin/chromium --version 2>/dev/null || true
