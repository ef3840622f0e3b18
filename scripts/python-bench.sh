#!/usr/bin/env bash
# The wheel's signing speed next to Python `cryptography` (`make bench-python`).
# Builds the release wheel (default features: the aws-lc-rs signer), installs it
# with `cryptography` into a scratch venv under target/python-bench/ and runs
# bindings-python/bench/sign_bench.py there. docs/benchmarks.md records a run.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=target/python-bench
CRYPTOGRAPHY_VERSION=50.0.2
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
"$OUT/venv/bin/pip" install "${PIP_FLAGS[@]}" "cryptography==$CRYPTOGRAPHY_VERSION"
"$OUT/venv/bin/pip" install "${PIP_FLAGS[@]}" --no-deps "$WHEEL"
echo "== $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
(cd "$OUT" && JENGA_ROOT="$ROOT" venv/bin/python "$ROOT/bindings-python/bench/sign_bench.py")
