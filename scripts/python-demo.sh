#!/usr/bin/env bash
# `make demo-python`: the Django example shop takes a payment through the
# local sandbox, over real HTTP, with every step printed:
#  1. the wheel and a venv (scripts/python-test.sh --setup-only), a throwaway key pair;
#  2. the sandbox, with the public key registered and the shop's IPN URL;
#  3. the shop (manage.py runserver) on a free port, with a fresh SQLite database;
#  4. a customer checks out (manage.py demo_payment): the jenga_stk app signs and
#     sends the push, verifies the callback's URL token and the IPN's Basic auth,
#     the payment's flow decides, and the shop's payment_paid handler fulfils the
#     order (the receipt e-mail is printed); then a cancelled payment (…001) ends failed.
# Stops everything it started; exits 0 only if both payments end as expected.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
. scripts/lib/sandbox.sh

scripts/python-test.sh --setup-only
PY=$ROOT/target/python/venv/bin/python
SANDBOX_BIN=$ROOT/target/debug/jenga-sandbox
command -v openssl >/dev/null 2>&1 || { echo "[demo] openssl is needed (scripts/setup.sh installs it)" >&2; exit 1; }

work=$(mktemp -d)
sandbox_pid=""
shop_pid=""
stop() {
  local pid=$1
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
}
cleanup() {
  stop "$shop_pid"
  stop "$sandbox_pid"
  rm -rf "$work"
}
trap cleanup EXIT

echo
echo "== a throwaway RSA-2048 key pair (never use it for real payments)"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/private.pem" 2>/dev/null
openssl rsa -in "$work/private.pem" -pubout -out "$work/public.pem" 2>/dev/null

port=$(free_port)
shop_url="http://127.0.0.1:$port"
ipn_password=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(18))')

echo "== the sandbox (IPNs to $shop_url/jenga/ipn)"
"$SANDBOX_BIN" --bind 127.0.0.1:0 --public-key "$work/public.pem" \
  --ipn-url "$shop_url/jenga/ipn" --ipn-username demo-ipn --ipn-password "$ipn_password" \
  --callback-delay-ms 700 --ipn-delay-ms 500 \
  > "$work/sandbox.out" 2> "$work/sandbox.log" &
sandbox_pid=$!
sandbox_url=$(wait_for_sandbox "$sandbox_pid" "$work/sandbox.out" "$work/sandbox.log")
echo "   listening on $sandbox_url"

echo "== the shop on $shop_url"
export PYTHONDONTWRITEBYTECODE=1
export DATABASE_URL="sqlite:///$work/shop.sqlite3"
export JENGA_ENV="$sandbox_url"
export JENGA_PRIVATE_KEY="$work/private.pem"
export JENGA_CALLBACK_SECRET
JENGA_CALLBACK_SECRET=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(32))')
export SHOP_PUBLIC_URL="$shop_url"
export JENGA_IPN_USERNAME=demo-ipn
export JENGA_IPN_PASSWORD="$ipn_password"
export DJANGO_EMAIL_BACKEND=django.core.mail.backends.console.EmailBackend
cd examples/django_shop
"$PY" manage.py migrate -v 0
"$PY" manage.py runserver "127.0.0.1:$port" --noreload > "$work/shop.log" 2>&1 &
shop_pid=$!
for _ in $(seq 1 100); do
  "$PY" -c "import urllib.request, sys; urllib.request.urlopen('$shop_url/checkout/', timeout=1)" 2>/dev/null && break
  kill -0 "$shop_pid" 2>/dev/null || { cat "$work/shop.log" >&2; exit 1; }
  sleep 0.2
done

status=0
echo
echo "== payment 1: 0722000000 pays"
"$PY" manage.py demo_payment --server "$shop_url" --msisdn 0722000000 --amount 2 || status=$?
echo
echo "== payment 2: 0722000001 cancels the prompt"
"$PY" manage.py demo_payment --server "$shop_url" --msisdn 0722000001 --amount 5 --expect failed || status=$?
cd "$ROOT"

echo
echo "== the shop's log (the receipt e-mail included)"
sed 's/^/   /' "$work/shop.log"
echo
echo "== the sandbox's log"
sed 's/^/   /' "$work/sandbox.log"
if [ "$status" -eq 0 ]; then
  echo "== demo OK: the first payment ended confirmed paid and fulfilled, the second failed"
else
  echo "== demo FAILED (exit $status)" >&2
fi
exit "$status"
