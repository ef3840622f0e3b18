#!/usr/bin/env bash
# `make dist`: every artifact into dist/, each checked as its ecosystem would.
#   dist/rust/     the core, the sandbox and the CLI as .crate files (scripts/dist/rust.sh)
#   dist/python/   the jenga-stk wheels and sdist (scripts/dist/python.sh), the
#                  jenga-sandbox and jenga-stk-cli wheels (scripts/dist/tools.sh)
#   dist/npm/      the npm tarball (scripts/dist/npm.sh)
#   dist/maven/    the Kotlin/JVM jar and POM as a local Maven repository,
#   dist/swift/    the Swift package (scripts/dist/uniffi.sh)
# Run one part with `scripts/dist.sh rust` (or python, tools, npm, uniffi).
set -euo pipefail
cd "$(dirname "$0")/.."
parts=("$@")
[ ${#parts[@]} -gt 0 ] || parts=(rust tools python npm uniffi)
start=$(date +%s)
for part in "${parts[@]}"; do
  script=scripts/dist/$part.sh
  [ -x "$script" ] || { echo "[dist] no $script" >&2; exit 2; }
  echo "== dist: $part"
  "$script"
done
echo "[dist] all checks passed in $(( $(date +%s) - start )) s: $(cd dist && find . -type f \( -name '*.whl' -o -name '*.tar.gz' -o -name '*.tgz' -o -name '*.crate' -o -name '*.jar' -o -name '*.pom' -o -name Package.swift \) | sort | tr '\n' ' ')"
