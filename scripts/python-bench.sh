#!/usr/bin/env bash
# The Python wheel's benchmarks (`make bench-python`). Builds the release wheel
# (default features: the aws-lc-rs signer), installs it with `cryptography` and
# httpx into a scratch venv under target/python-bench/ and runs there:
#   sign    bindings-python/bench/sign_bench.py: signing speed next to `cryptography`;
#   client  bindings-python/bench/client_bench.py: payments per second through a
#           release build of the sandbox (no delays), Client and AsyncClient,
#           1 and 100 in flight, with each side's CPU time per payment.
# docs/benchmarks.md records the runs.
#
#   scripts/python-bench.sh            both
#   scripts/python-bench.sh sign|client
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=target/python-bench
CRYPTOGRAPHY_VERSION=50.0.2
HTTPX_VERSION=0.28.1
WHAT=${1:-all}
case "$WHAT" in
  all|sign|client) ;;
  *) echo "usage: $0 [sign|client]" >&2; exit 2 ;;
esac
PIP_FLAGS=(--disable-pip-version-check --no-input -q)
PYTHON=${PYTHON:-python3}

mkdir -p "$OUT"
# shellcheck source=lib/maturin.sh
. scripts/lib/maturin.sh
ensure_maturin "$PYTHON"
echo "== maturin build --release (default features)"
rm -rf "$OUT/wheels"
CARGO_TARGET_DIR=target/python/cargo "$MATURIN" build --release --strip \
  --manifest-path bindings-python/Cargo.toml --out "$OUT/wheels" >"$OUT/maturin.log" 2>&1 \
  || { cat "$OUT/maturin.log" >&2; exit 1; }
WHEEL=$(ls "$OUT"/wheels/jenga_stk-*.whl | head -n 1)
echo "wheel: $WHEEL ($(wc -c <"$WHEEL") bytes)"
rm -rf "$OUT/venv"
"$PYTHON" -m venv "$OUT/venv"
"$OUT/venv/bin/pip" install "${PIP_FLAGS[@]}" "cryptography==$CRYPTOGRAPHY_VERSION" "httpx==$HTTPX_VERSION"
# The wheel with its extra, as a merchant installs it (`jenga-stk[httpx]`).
"$OUT/venv/bin/pip" install "${PIP_FLAGS[@]}" "$WHEEL[httpx]"
echo "== $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
if [ "$WHAT" != client ]; then
  echo "== signing (bindings-python/bench/sign_bench.py)"
  (cd "$OUT" && JENGA_ROOT="$ROOT" venv/bin/python "$ROOT/bindings-python/bench/sign_bench.py")
fi
if [ "$WHAT" != sign ]; then
  echo "== cargo build --release -p jenga-sandbox"
  cargo build --release -q -p jenga-sandbox --bin jenga-sandbox
  echo "== payments through the sandbox (bindings-python/bench/client_bench.py)"
  (cd "$OUT" && JENGA_ROOT="$ROOT" JENGA_SANDBOX_BIN="$ROOT/target/release/jenga-sandbox" \
    venv/bin/python "$ROOT/bindings-python/bench/client_bench.py")
fi
