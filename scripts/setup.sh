#!/usr/bin/env bash
# Installs what `make test` and `make demo` need on a fresh machine. Idempotent:
# everything already present is skipped, so a second run takes a second.
set -euo pipefail

log() { printf '[setup] %s\n' "$*"; }

if ! command -v cargo >/dev/null 2>&1; then
  echo "[setup] cargo not found: install Rust with rustup (https://rustup.rs) first" >&2
  exit 1
fi

if command -v rustup >/dev/null 2>&1; then
  for component in rustfmt clippy; do
    if ! rustup component list --installed 2>/dev/null | grep -q "^${component}"; then
      log "rustup component add ${component}"
      rustup component add "${component}"
    fi
  done
fi

apt_install() {
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    log "apt-get install $*"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  else
    echo "[setup] please install: $* (no apt-get or not root)" >&2
    exit 1
  fi
}

command -v openssl >/dev/null 2>&1 || apt_install openssl
command -v python3 >/dev/null 2>&1 || apt_install python3
command -v node >/dev/null 2>&1 || apt_install nodejs npm
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 18 ]; then echo "[setup] Node.js >= 18 is required (found $(node --version))" >&2; exit 1; fi
# The npm package's tools: wasm32 target, wasm-bindgen-cli pinned to the library, npm tools.
"$(dirname "$0")/wasm.sh" setup
exit 0
