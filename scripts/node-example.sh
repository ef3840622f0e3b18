#!/usr/bin/env bash
# The Node example (examples/node/): installs the freshly packed npm tarball,
# then `test` runs its tests against the sandbox, `demo` pays one order.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
. scripts/lib/sandbox.sh
mode=${1:-test}

scripts/wasm.sh build >/dev/null
cargo build -q -p jenga-sandbox --bin jenga-sandbox
work="$root/target/node-example"
rm -rf "$work" && mkdir -p "$work"
cp examples/node/*.mjs examples/node/package.json "$work/"
(cd "$work" && npm install --no-audit --no-fund --loglevel=error "$(ls "$root"/target/npm/jenga-stk-*.tgz)" >/dev/null)

if [ "$mode" = test ]; then
  (cd "$work" && JENGA_ROOT="$root" JENGA_SANDBOX_BIN="$root/target/debug/jenga-sandbox" node --test --test-reporter=spec shop.test.mjs)
  exit 0
fi

# demo: a throwaway key pair, the sandbox, one order paid through the shop.
keys=$(mktemp -d)
sandbox_pid=""
trap '[ -n "$sandbox_pid" ] && kill "$sandbox_pid" 2>/dev/null; rm -rf "$keys"' EXIT
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$keys/private.pem" 2>/dev/null
openssl rsa -in "$keys/private.pem" -pubout -out "$keys/public.pem" 2>/dev/null
port=$(free_port)
"$root/target/debug/jenga-sandbox" --public-key "$keys/public.pem" --ipn-url "http://127.0.0.1:$port/jenga/ipn" \
  --callback-delay-ms 300 --ipn-delay-ms 200 > "$keys/sandbox.out" 2> "$keys/sandbox.log" &
sandbox_pid=$!
base_url=$(wait_for_sandbox "$sandbox_pid" "$keys/sandbox.out" "$keys/sandbox.log")
(cd "$work" && JENGA_ENV="$base_url" JENGA_API_KEY=sandbox-api-key JENGA_MERCHANT_CODE=0000000000 \
  JENGA_CONSUMER_SECRET=sandbox-consumer-secret JENGA_PRIVATE_KEY="$keys/private.pem" \
  JENGA_CALLBACK_LISTEN="127.0.0.1:$port" JENGA_WAIT_SECS=20 node main.mjs)
