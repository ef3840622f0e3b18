#!/usr/bin/env bash
# `make demo`: a throwaway key pair, the page's example request built and
# signed by the core, printed as the HTTP request it would send, and its
# signature verified independently by OpenSSL. Cleans up after itself.
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== generating a throwaway RSA-2048 key pair (never use it for real payments)"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/private.pem" 2>/dev/null
openssl rsa -in "$work/private.pem" -pubout -out "$work/public.pem" 2>/dev/null

echo "== building and signing the provider page's example request"
cargo run -q -p jenga-stk --example demo -- "$work/private.pem" "$work/out"

echo "== verifying the signature with OpenSSL, independently of the library"
openssl dgst -sha256 -verify "$work/public.pem" -signature "$work/out/signature.bin" "$work/out/signing-string.txt"

echo "== checking the signed text is the body's own text (python3 json)"
python3 - "$work/out" <<'PY'
import json, pathlib, re, sys
out = pathlib.Path(sys.argv[1])
body_text = (out / "body.json").read_text()
body = json.loads(body_text)
amount = re.search(r'"paymentAmount":"?([0-9.]+)"?', body_text).group(1)
signed = (out / "signing-string.txt").read_text()
from_body = body["order"]["orderReference"] + body["payment"]["paymentCurrency"] + body["payment"]["details"]["msisdn"] + amount
assert signed == from_body, (signed, from_body)
print(f"signing string {signed!r} == body fields {from_body!r}")
PY
echo "== demo OK"
