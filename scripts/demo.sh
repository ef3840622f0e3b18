#!/usr/bin/env bash
# `make demo`: a real end-to-end payment through the local sandbox.
#  1. a throwaway key pair; the page's example request signed by the core and
#     its signature verified independently by OpenSSL;
#  2. the sandbox started on a free port with the public key registered;
#  3. the e2e example: token, signed push, callback and IPN received and
#     verified, status query, reconciliation.
# Stops everything it started; exits 0 only if the payment ends paid.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/sandbox.sh

work=$(mktemp -d)
sandbox_pid=""
cleanup() {
  if [ -n "$sandbox_pid" ] && kill -0 "$sandbox_pid" 2>/dev/null; then
    kill "$sandbox_pid" 2>/dev/null || true
    wait "$sandbox_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "== building the core example, the sandbox and the end-to-end program"
cargo build -q -p jenga-stk --example demo
cargo build -q -p jenga-sandbox --bin jenga-sandbox --example e2e
bin=target/debug

echo "== generating a throwaway RSA-2048 key pair (never use it for real payments)"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/private.pem" 2>/dev/null
openssl rsa -in "$work/private.pem" -pubout -out "$work/public.pem" 2>/dev/null

echo
echo "== part 1: the page's example request, signed by the core, verified by OpenSSL"
"$bin/examples/demo" "$work/private.pem" "$work/out"
openssl dgst -sha256 -verify "$work/public.pem" -signature "$work/out/signature.bin" "$work/out/signing-string.txt"

echo
echo "== part 2: an end-to-end payment through the local sandbox"
# The merchant's listener needs a port known before the sandbox starts (the IPN URL).
port=$(free_port)
"$bin/jenga-sandbox" --bind 127.0.0.1:0 --public-key "$work/public.pem" \
  --ipn-url "http://127.0.0.1:$port/jenga/ipn" --callback-delay-ms 500 --ipn-delay-ms 300 \
  > "$work/sandbox.out" 2> "$work/sandbox.log" &
sandbox_pid=$!
base_url=$(wait_for_sandbox "$sandbox_pid" "$work/sandbox.out" "$work/sandbox.log")
echo "sandbox listening on $base_url"

status=0
JENGA_ENV="$base_url" \
JENGA_API_KEY=sandbox-api-key JENGA_MERCHANT_CODE=0000000000 JENGA_CONSUMER_SECRET=sandbox-consumer-secret \
JENGA_PRIVATE_KEY="$work/private.pem" JENGA_MSISDN=0722000000 JENGA_AMOUNT=2 \
JENGA_CALLBACK_LISTEN="127.0.0.1:$port" JENGA_WAIT_SECS=30 \
  "$bin/examples/e2e" || status=$?

echo
echo "== sandbox log"
sed 's/^/   /' "$work/sandbox.log"
if [ "$status" -eq 0 ]; then
  echo "== demo OK: the payment ended paid"
else
  echo "== demo FAILED (exit $status)" >&2
fi
exit "$status"
