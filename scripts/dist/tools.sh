#!/usr/bin/env bash
# The Python wheels holding the Rust binaries, for `make dist`:
#   jenga-sandbox   the sandbox, with a pytest fixture (packaging/sandbox-wheel)
#   jenga-stk-cli   the jenga-stk command line (packaging/cli-wheel)
# Built by maturin with zig for manylinux2014 (glibc 2.17 and later), checked
# with twine and auditwheel, installed from the files into a scratch venv, and
# run there: the fixture's tests against the installed binary, and the CLI's
# doctor on a known-bad signature (exit 1, with the code) and a good one (0).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
out=dist/python
mkdir -p "$out" target/python
log() { printf '[dist/tools] %s\n' "$*"; }

. scripts/lib/maturin.sh
ensure_maturin python3
TOOLS=$(cd "$MATURIN_TOOLS" && pwd)
MATURIN=$TOOLS/bin/maturin
"$TOOLS/bin/pip" install -q --disable-pip-version-check "ziglang==0.15.*" "auditwheel>=6" "twine>=6" 2>/dev/null \
  || "$TOOLS/bin/pip" install -q --disable-pip-version-check ziglang auditwheel twine
export PATH="$TOOLS/bin:$PATH"

for project in sandbox-wheel cli-wheel; do
  log "maturin build --zig --compatibility manylinux2014 (packaging/$project)"
  (cd "packaging/$project" && "$MATURIN" build -q --release --zig --compatibility manylinux2014 \
     --out "$ROOT/$out" 2>&1 | grep -E -i 'built wheel|error|failed' || true)
done
sandbox_wheel=$(ls "$out"/jenga_sandbox-*manylinux_2_17_x86_64.whl | tail -1)
cli_wheel=$(ls "$out"/jenga_stk_cli-*manylinux_2_17_x86_64.whl | tail -1)
for wheel in "$sandbox_wheel" "$cli_wheel"; do
  twine check --strict "$wheel" >/dev/null
  auditwheel show "$wheel" | tr '\n' ' ' | grep -q 'manylinux_2_17_x86_64' \
    || { echo "[dist/tools] $wheel is not manylinux_2_17" >&2; exit 1; }
done
log "twine check and auditwheel show: ok ($(basename "$sandbox_wheel"), $(basename "$cli_wheel"))"

venv=$(mktemp -d)
trap 'rm -rf "$venv"' EXIT
python3 -m venv "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check "$sandbox_wheel" "$cli_wheel" "pytest>=8"
log "the fixture, from the installed wheel"
(cd "$venv" && "$venv/bin/python" -m pytest -q -p no:cacheprovider \
   -o "jenga_sandbox_public_key=$ROOT/tests/keys/test-pkcs1-2048.pub.pem" \
   "$ROOT/packaging/sandbox-wheel/tests" 2>&1 | tail -3)

log "the CLI, from the installed wheel"
case_json=$(python3 - "$ROOT/tests/vectors/signature_doctor.json" <<'PY'
import json, sys
cases = json.load(open(sys.argv[1]))["cases"]
bad = next(c for c in cases if c["expected"]["codes"] == ["wrong_order"] and c["input"].get("signature"))
print(json.dumps(bad["input"]))
PY
)
work=$(mktemp -d)
python3 - "$case_json" "$work" <<'PY'
import json, sys
case, work = json.loads(sys.argv[1]), sys.argv[2]
open(f"{work}/body.json", "w").write(case["body"])
open(f"{work}/signature.txt", "w").write(case["signature"])
PY
status=0
"$venv/bin/jenga-stk" doctor --json --body "$work/body.json" --signature "$work/signature.txt" \
  --public-key "$ROOT/tests/keys/$(python3 -c "import json,sys; print(json.loads(sys.argv[1])['publicKey'])" "$case_json").pem" \
  > "$work/out.json" || status=$?
rm -rf "$work"
[ "$status" = 1 ] || { echo "[dist/tools] jenga-stk doctor exited $status, expected 1" >&2; exit 1; }
"$venv/bin/jenga-stk" keygen --help >/dev/null
log "ok"
