#!/usr/bin/env bash
# The Python wheel's tests (`make test-python`). Does all its own setup,
# idempotently, under target/python/:
#   tools/      a venv with maturin 1.16 (kept)
#   wheelhouse/ the test dependencies as wheels, filled once per requirements file
#   cargo/      maturin's Cargo target dir (kept apart from target/debug, so the
#               workspace's plain `cargo test` and this build never rebuild each other)
#   wheels/     the built abi3 wheel
#   venv/       a FRESH venv each run: the wheel and the test dependencies, nothing else
# then runs, against the installed wheel and a sandbox the tests start and stop:
#   pytest (conformance vectors and flow transcripts, the signature doctor, API, threads,
#   robustness, Client and AsyncClient against the sandbox, examples, README snippets),
#   mypy --strict over the package's Python, the examples and the README program, mypy.stubtest,
#   the Django example's checks, its mypy --strict, and its test suite.
# Exits non-zero if anything fails; prints a summary.
#
#   scripts/python-test.sh               everything
#   scripts/python-test.sh --setup-only  build the wheel and the venv, run nothing
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

SETUP_ONLY=0
for arg in "$@"; do
  case "$arg" in
    --setup-only) SETUP_ONLY=1 ;;
    *) echo "usage: $0 [--setup-only]" >&2; exit 2 ;;
  esac
done

OUT=target/python
VENV=$OUT/venv
WHEELHOUSE=$OUT/wheelhouse
WHEELS=$OUT/wheels
REQUIREMENTS=bindings-python/tests/requirements.txt
PIP_FLAGS=(--disable-pip-version-check --no-input -q)
START=$(date +%s)

log() { printf '\n[python] %s\n' "$*"; }
die() { printf '[python] error: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- prerequisites
command -v cargo >/dev/null 2>&1 || die "cargo not found: install Rust with rustup (https://rustup.rs)"
PYTHON=${PYTHON:-python3}
command -v "$PYTHON" >/dev/null 2>&1 || die "python3 not found (CPython 3.10 or later is needed for the test tools)"
"$PYTHON" - <<'EOF' || die "the test tools need CPython 3.10 or later (the wheel itself supports 3.9+)"
import sys
sys.exit(0 if sys.version_info >= (3, 10) else 1)
EOF
if ! "$PYTHON" -m venv --help >/dev/null 2>&1 || ! "$PYTHON" -c "import ensurepip" >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    log "apt-get install python3-venv"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
  else
    die "python3 -m venv does not work: install python3-venv"
  fi
fi
command -v openssl >/dev/null 2>&1 || true  # only the demo needs it

# ---------------------------------------------------------------- tools venv (maturin)
mkdir -p "$OUT"
# shellcheck source=lib/maturin.sh
. scripts/lib/maturin.sh
ensure_maturin "$PYTHON"
TOOLS=$MATURIN_TOOLS

# ---------------------------------------------------------------- wheelhouse (test dependencies)
stamp=$(sha256sum "$REQUIREMENTS" | cut -d' ' -f1)-$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
if [ "$(cat "$WHEELHOUSE/.stamp" 2>/dev/null || true)" != "$stamp" ]; then
  log "filling $WHEELHOUSE from PyPI ($REQUIREMENTS)"
  rm -rf "$WHEELHOUSE"
  mkdir -p "$WHEELHOUSE"
  "$TOOLS/bin/pip" wheel "${PIP_FLAGS[@]}" --wheel-dir "$WHEELHOUSE" -r "$REQUIREMENTS"
  echo "$stamp" > "$WHEELHOUSE/.stamp"
fi

# ---------------------------------------------------------------- builds
log "building the sandbox (cargo build -p jenga-sandbox)"
cargo build -q -p jenga-sandbox --bin jenga-sandbox
SANDBOX_BIN=$ROOT/target/debug/jenga-sandbox

log "building the wheel (maturin build --release, abi3)"
rm -rf "$WHEELS"
if ! CARGO_TARGET_DIR=$OUT/cargo "$MATURIN" build --release --strip \
  --manifest-path bindings-python/Cargo.toml --out "$WHEELS" > "$OUT/maturin.log" 2>&1; then
  cat "$OUT/maturin.log" >&2
  die "maturin build failed"
fi
grep -Ev '^\s+(Compiling|Checking|Downloaded|Downloading) ' "$OUT/maturin.log" | tail -n 5
WHEEL=$(ls "$WHEELS"/jenga_stk-*-cp39-abi3-*.whl 2>/dev/null | head -n 1)
[ -n "$WHEEL" ] || die "maturin produced no cp39-abi3 wheel in $WHEELS"
echo "wheel: $WHEEL"

log "installing the wheel into a fresh $VENV"
rm -rf "$VENV"
"$PYTHON" -m venv "$VENV"
"$VENV/bin/pip" install "${PIP_FLAGS[@]}" --no-index --find-links "$WHEELHOUSE" -r "$REQUIREMENTS"
"$VENV/bin/pip" install "${PIP_FLAGS[@]}" --no-index --no-deps "$WHEEL"
"$VENV/bin/python" -c "import jenga_stk, sys; print('jenga_stk', jenga_stk.__version__, 'from', jenga_stk.__file__, 'on Python', sys.version.split()[0])"

if [ "$SETUP_ONLY" = 1 ]; then
  log "setup done: $WHEEL installed in $VENV ($(( $(date +%s) - START )) s)"
  exit 0
fi

# ---------------------------------------------------------------- checks
PY=$ROOT/$VENV/bin/python
export JENGA_SANDBOX_BIN=$SANDBOX_BIN
# Nothing is written into the source tree: no bytecode, and the Django
# example's database (for `check`) and test database live under target/.
export PYTHONDONTWRITEBYTECODE=1
export DATABASE_URL="sqlite:///$ROOT/$OUT/django-shop.sqlite3"
names=()
results=()
times=()
step() {
  local name=$1
  shift
  log "== $name"
  local t0 status
  t0=$(date +%s)
  ABI3_NOTE=""
  if "$@"; then status=${ABI3_NOTE:-ok}; else status=FAILED; fi
  names+=("$name")
  results+=("$status")
  times+=("$(( $(date +%s) - t0 ))")
}

run_pytest() {
  (cd bindings-python && "$PY" -m pytest -q -o cache_dir="$ROOT/$OUT/pytest-cache" tests)
}
run_mypy_examples() {
  "$PY" bindings-python/tests/readme_snippets.py "$OUT/readme_program.py" &&
    "$PY" -m mypy --strict --cache-dir "$OUT/mypy-cache" bindings-python/examples "$OUT/readme_program.py" &&
    # The package's own Python (the clients), as installed from the wheel.
    (cd "$OUT" && "$PY" -m mypy --strict --cache-dir mypy-cache-package -p jenga_stk)
}
run_stubtest() {
  # From a neutral folder, so `jenga_stk` is the installed package.
  (cd "$OUT" && "$PY" -m mypy.stubtest jenga_stk)
}
run_django_checks() {
  (cd examples/django_shop &&
    "$PY" manage.py check --fail-level WARNING &&
    "$PY" manage.py makemigrations --check --dry-run payments)
}
run_django_mypy() {
  (cd examples/django_shop && "$PY" -m mypy --cache-dir "$ROOT/$OUT/mypy-cache-django" .)
}
run_abi3_elsewhere() {
  # The same wheel in a bare venv of every other CPython 3.9+ found here.
  local found=() seen=" $("$PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])') " candidate version
  local candidates=()
  for version in 9 10 12 13 14; do
    command -v "python3.$version" >/dev/null 2>&1 && candidates+=("$(command -v "python3.$version")")
  done
  if command -v pyenv >/dev/null 2>&1; then
    for candidate in "$(pyenv root)"/versions/3.*/bin/python3; do
      [ -x "$candidate" ] && candidates+=("$candidate")
    done
  fi
  for candidate in "${candidates[@]}"; do
    version=$("$candidate" -c 'import sys; print("%d.%d" % sys.version_info[:2] if sys.version_info >= (3, 9) else "old")' 2>/dev/null) || continue
    case "$version" in 3.*) ;; *) continue ;; esac
    case "$seen" in *" $version "*) continue ;; esac
    seen="$seen$version "
    "$candidate" -m pip --version >/dev/null 2>&1 || { echo "python $version: no pip, not tried"; continue; }
    # The wheel alone, installed by that interpreter's pip (its own tags) into a bare folder.
    local dir=$OUT/abi3-$version
    rm -rf "$dir"
    PIP_ROOT_USER_ACTION=ignore "$candidate" -m pip install "${PIP_FLAGS[@]}" --no-index --no-deps --target "$dir" "$WHEEL" &&
      PYTHONPATH=$dir PYTHONNOUSERSITE=1 "$candidate" bindings-python/tests/abi3_smoke.py "$ROOT" || return 1
    found+=("$version")
  done
  if [ "${#found[@]}" = 0 ]; then
    echo "no other CPython 3.9+ on this machine"
    ABI3_NOTE="n/a"
  fi
  return 0
}
run_django_tests() {
  (cd examples/django_shop &&
    SHOP_LOG_LEVEL=ERROR SHOP_REQUEST_LOG_LEVEL=CRITICAL DJANGO_TEST_SQLITE="$ROOT/$OUT/django-test.sqlite3" \
      "$PY" manage.py test payments --noinput -v 1)
}

step "pytest: vectors, flows, doctor, API, clients vs sandbox, examples, README" run_pytest
step "mypy --strict: the package, examples and README snippets" run_mypy_examples
step "mypy.stubtest: stubs vs the built module" run_stubtest
step "abi3: the same wheel on the other CPythons found" run_abi3_elsewhere
step "django: check and migrations" run_django_checks
step "django: mypy --strict (django-stubs)" run_django_mypy
step "django: payments against the sandbox over HTTP" run_django_tests

# ---------------------------------------------------------------- summary
failed=0
printf '\n[python] summary (wheel %s)\n' "$(basename "$WHEEL")"
for i in "${!names[@]}"; do
  printf '  %-8s %4ss  %s\n' "${results[$i]}" "${times[$i]}" "${names[$i]}"
  if [ "${results[$i]}" = FAILED ]; then failed=1; fi
done
total=$(( $(date +%s) - START ))
if [ "$failed" = 0 ]; then
  printf '[python] all checks passed in %s s\n' "$total"
else
  printf '[python] FAILED (%s s)\n' "$total" >&2
fi
exit "$failed"
