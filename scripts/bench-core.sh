#!/usr/bin/env bash
# Signing benchmarks of the Rust core next to OpenSSL, in one run on one machine:
# `openssl speed rsa2048`, then the criterion benchmarks (core/benches/signing.rs)
# once per signing backend (rsa, ring, aws-lc-rs), the signature doctor's
# benchmark (core/benches/diagnose.rs), then `openssl speed` again to
# bracket the run. docs/benchmarks.md records a run.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "== $(openssl version)"
echo "== openssl speed -seconds 5 rsa2048 (single process)"
openssl speed -seconds 5 rsa2048 2>/dev/null | grep -E '^(rsa 2048|                  sign)' || true

for backend in rsa ring aws-lc-rs; do
  echo "== backend $backend: cargo bench -p jenga-stk --no-default-features --features $backend --bench signing"
  cargo bench -q -p jenga-stk --no-default-features --features "$backend" --bench signing -- \
    --warm-up-time 2 --measurement-time 8 --noplot 2>&1 \
    | grep -E '^[a-z_0-9]+ +time:|^[a-z_0-9]+$|time:' || true
done

echo "== the signature doctor: cargo bench -p jenga-stk --bench diagnose (a typical 403, valid 2048/4096, the worst case)"
cargo bench -q -p jenga-stk --bench diagnose -- --warm-up-time 1 --measurement-time 5 --noplot 2>&1 \
  | grep -E '^[a-z_0-9/ ]+ +time:|time:' || true

echo "== openssl speed again, to bracket the run"
openssl speed -seconds 5 rsa2048 2>/dev/null | grep -E '^rsa 2048' || true
