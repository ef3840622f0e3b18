#!/usr/bin/env bash
# What each signing backend adds to the native libraries (issue 9): builds the
# uniffi cdylib and the Python wheel in release mode with each backend (rsa,
# ring, aws-lc-rs) and prints a Markdown table of stripped library sizes and
# wheel sizes. docs/benchmarks.md records a run. Slow (6 release builds).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=target/backend-sizes
mkdir -p "$OUT"
# shellcheck source=lib/maturin.sh
. scripts/lib/maturin.sh
ensure_maturin

rows=()
for backend in rsa ring aws-lc-rs; do
  echo "== $backend" >&2
  cargo build -q --release -p jenga-stk-uniffi --no-default-features --features "$backend"
  cp target/release/libjenga_stk_uniffi.so "$OUT/uniffi-$backend.so"
  strip "$OUT/uniffi-$backend.so"
  rm -rf "$OUT/wheels-$backend"
  CARGO_TARGET_DIR=target/python/cargo "$MATURIN" build --release --strip \
    --manifest-path bindings-python/Cargo.toml --no-default-features --features "$backend" \
    --out "$OUT/wheels-$backend" >"$OUT/maturin-$backend.log" 2>&1 || { cat "$OUT/maturin-$backend.log" >&2; exit 1; }
  wheel=$(ls "$OUT/wheels-$backend"/*.whl)
  so=$(unzip -l "$wheel" | awk '/\.so$/ {print $1}')
  rows+=("$backend $(wc -c <"$OUT/uniffi-$backend.so") $so $(wc -c <"$wheel")")
done

read -r _ base_u base_p base_w <<<"${rows[0]}"
echo "| backend | uniffi .so (stripped) | vs rsa | wheel's .so (stripped) | vs rsa | wheel file | vs rsa |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for row in "${rows[@]}"; do
  read -r b u p w <<<"$row"
  printf '| `%s` | %s | %+d | %s | %+d | %s | %+d |\n' "$b" "$u" $((u - base_u)) "$p" $((p - base_p)) "$w" $((w - base_w))
done
