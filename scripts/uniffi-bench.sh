#!/usr/bin/env bash
# The uniffi library's signing speed from Kotlin next to java.security
# (`make bench-kotlin`). Builds the release cdylib (default features: the ring
# signer), generates the Kotlin bindings, compiles bindings-uniffi/bench/SignBench.kt
# and runs it on the JVM. Needs what scripts/uniffi.sh sets up (it runs its
# setup first when the Kotlin compiler is missing). docs/benchmarks.md records a run.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/target/uniffi-bench
KOTLIN_HOME=$ROOT/target/kotlin/package
JNA=/usr/share/java/jna.jar
LIB=libjenga_stk_uniffi.so
FEATURES=${UNIFFI_BENCH_FEATURES:-}

if [ ! -x "$KOTLIN_HOME/bin/kotlinc-jvm" ] || [ ! -f "$JNA" ]; then
  echo "== setting up Kotlin and JNA (scripts/uniffi.sh)"
  bash scripts/uniffi.sh
fi
cargo build -q -p jenga-stk-uniffi-bindgen --features cli --bin uniffi-bindgen
echo "== cargo build --release -p jenga-stk-uniffi ${FEATURES:+--no-default-features --features $FEATURES}"
if [ -n "$FEATURES" ]; then
  cargo build -q --release -p jenga-stk-uniffi --no-default-features --features "$FEATURES"
else
  cargo build -q --release -p jenga-stk-uniffi
fi
rm -rf "$OUT" && mkdir -p "$OUT/lib" "$OUT/classes"
cp "target/release/$LIB" "$OUT/lib/"
"$ROOT/target/debug/uniffi-bindgen" generate "$OUT/lib/$LIB" --language kotlin --no-format --out-dir "$OUT/gen" >/dev/null
"$KOTLIN_HOME/bin/kotlinc-jvm" -nowarn -cp "$JNA" -d "$OUT/classes" \
  "$OUT/gen/jenga/stk/jenga_stk.kt" bindings-uniffi/bench/SignBench.kt
echo "== $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
java -Djna.library.path="$OUT/lib" -cp "$OUT/classes:$JNA:$KOTLIN_HOME/lib/kotlin-stdlib.jar" \
  jenga.stk.bench.SignBenchKt "$ROOT"
