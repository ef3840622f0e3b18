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
#   the Django app (jenga_stk.django, bindings-python/tests_django): its migrations, mypy
#   --strict (django-stubs), its suite against the sandbox on SQLite and on PostgreSQL (a
#   throwaway cluster of Debian's PostgreSQL, installed with apt when missing, started here
#   and always stopped), and on the newest Django (6.1, in a venv of the newest CPython 3.12+
#   found: SKIPPED, loudly, when there is none);
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
trap stop_postgres EXIT
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
    # The repository README's Python blocks too (type-checked, not run: they hold placeholders).
    "$PY" bindings-python/tests/readme_snippets.py "$OUT/root_readme_program.py" README.md &&
    "$PY" -m mypy --strict --cache-dir "$OUT/mypy-cache" bindings-python/examples "$OUT/readme_program.py" &&
    "$PY" -m mypy --strict --cache-dir "$OUT/mypy-cache" "$OUT/root_readme_program.py" &&
    # The package's own Python (the clients and the Django app), as installed
    # from the wheel, with the django-stubs plugin (tests_django/mypy.ini:
    # strict); then the app's test project.
    (cd bindings-python/tests_django &&
      "$PY" -m mypy --config-file mypy.ini --cache-dir "$ROOT/$OUT/mypy-cache-package" -p jenga_stk &&
      "$PY" -m mypy --config-file mypy.ini --cache-dir "$ROOT/$OUT/mypy-cache-package" .)
}
run_stubtest() {
  # Django set up first (the package ships jenga_stk.django); `jenga_stk` is the installed package.
  (cd bindings-python/tests_django && "$PY" stubtest.py jenga_stk)
}
# The Django app's suite (bindings-python/tests_django) against the sandbox.
django_app_suite() {
  local python=$1
  (cd bindings-python/tests_django &&
    "$python" -m django makemigrations --check --dry-run jenga_stk --settings=settings -v 0 &&
    "$python" -m django test --settings=settings --noinput -v 1)
}
run_django_app_sqlite() {
  DATABASE_URL="sqlite:///$ROOT/$OUT/django-app-test.sqlite3" django_app_suite "$PY"
}
PG_DIR=""
stop_postgres() {
  if [ -n "$PG_DIR" ] && [ -d "$PG_DIR" ]; then
    as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
  fi
  PG_DIR=""
}
as_postgres() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}
run_django_app_postgres() {
  # A throwaway cluster of Debian's PostgreSQL: its own folder, a free port, the
  # socket in that folder (no TCP), trust auth; stopped and removed by the trap.
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/initdb" ]; then
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
      log "apt-get install postgresql"
      apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
      PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    else
      echo "PostgreSQL's initdb not found and cannot apt-get install postgresql (not root)" >&2
      return 1
    fi
  fi
  PG_DIR=$(mktemp -d /tmp/jenga-stk-pg.XXXXXX)
  [ "$(id -u)" = 0 ] && chown postgres "$PG_DIR"
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  as_postgres "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U postgres --no-sync >/dev/null || return 1
  as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
    -o "-p $port -k $PG_DIR -c listen_addresses= -c fsync=off -c max_connections=100" start >/dev/null || { cat "$PG_DIR/log" >&2; return 1; }
  echo "$("$PG_BIN/postgres" --version) on $PG_DIR, port $port"
  local status=0
  DATABASE_URL="postgres://postgres@/postgres?host=$PG_DIR&port=$port" django_app_suite "$PY" || status=$?
  stop_postgres
  return "$status"
}
run_django_app_newest() {
  # The newest Django supported upstream needs CPython 3.12+: the newest one found.
  local candidate="" version
  for version in 14 13 12; do
    if command -v "python3.$version" >/dev/null 2>&1 && "python3.$version" -c "import sys" >/dev/null 2>&1; then
      candidate=$(command -v "python3.$version"); break
    fi
    if command -v pyenv >/dev/null 2>&1; then
      local found
      found=$(ls -d "$(pyenv root)"/versions/3."$version".*/bin/python3 2>/dev/null | sort -V | tail -n 1)
      if [ -n "$found" ]; then candidate=$found; break; fi
    fi
  done
  if [ -z "$candidate" ]; then
    echo "SKIPPED: no CPython 3.12+ on this machine, so Django 6.1 (the newest supported) is not tested here; Django 5.2 is" >&2
    ABI3_NOTE="SKIPPED"
    return 0
  fi
  local requirements=bindings-python/tests_django/requirements-newest.txt
  local house=$OUT/wheelhouse-newest venv=$OUT/venv-newest
  local stamp
  stamp=$(sha256sum "$requirements" | cut -d' ' -f1)-$("$candidate" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
  if [ "$(cat "$house/.stamp" 2>/dev/null || true)" != "$stamp" ]; then
    rm -rf "$house"; mkdir -p "$house"
    "$candidate" -m pip wheel "${PIP_FLAGS[@]}" --wheel-dir "$house" -r "$requirements" || return 1
    echo "$stamp" > "$house/.stamp"
  fi
  rm -rf "$venv"
  "$candidate" -m venv "$venv" &&
    "$venv/bin/pip" install "${PIP_FLAGS[@]}" --no-index --find-links "$house" -r "$requirements" &&
    "$venv/bin/pip" install "${PIP_FLAGS[@]}" --no-index --no-deps "$WHEEL" || return 1
  echo "Django $("$venv/bin/python" -c 'import django; print(django.get_version())') on Python $("$venv/bin/python" -c 'import sys; print(sys.version.split()[0])')"
  DATABASE_URL="sqlite:///$ROOT/$OUT/django-app-newest.sqlite3" django_app_suite "$ROOT/$venv/bin/python"
}
run_django_checks() {
  (cd examples/django_shop &&
    "$PY" manage.py check --fail-level WARNING &&
    "$PY" manage.py makemigrations --check --dry-run store jenga_stk &&
    # With DEBUG off, the jenga_stk app refuses the example's sandbox defaults.
    if DJANGO_DEBUG=0 DJANGO_SECRET_KEY=x "$PY" manage.py check --deploy > "$ROOT/$OUT/deploy-check.log" 2>&1; then
      echo "check --deploy passed with the sandbox's credentials" >&2; false
    else
      grep -o 'jenga_stk\.E00[0-9]' "$ROOT/$OUT/deploy-check.log" | sort -u | tr '\n' ' '
      grep -q 'jenga_stk.E002' "$ROOT/$OUT/deploy-check.log"
    fi)
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
  # `manage.py test` runs the system checks with DEBUG off first: production-like values.
  (cd examples/django_shop &&
    SHOP_LOG_LEVEL=ERROR SHOP_REQUEST_LOG_LEVEL=CRITICAL DJANGO_TEST_SQLITE="$ROOT/$OUT/django-test.sqlite3" \
      JENGA_API_KEY=shop-test-api-key-4f7q JENGA_MERCHANT_CODE=4455667788 JENGA_CONSUMER_SECRET=shop-test-consumer-9w2x \
      JENGA_PRIVATE_KEY="$ROOT/tests/keys/test-pkcs1-2048.pem" JENGA_CALLBACK_SECRET=Tn4Rk8Wq2Zx6Lp0Vb3Mc7Hd1Jf5Gs9Ya \
      JENGA_IPN_USERNAME=shop-ipn JENGA_IPN_PASSWORD=Hq7Wd2Xk9Lp4Zr8T SHOP_PUBLIC_URL=https://shop.example.test \
      "$PY" manage.py test store --noinput -v 1)
}

step "pytest: vectors, flows, doctor, API, clients vs sandbox, examples, README" run_pytest
step "mypy --strict: the package, examples and README snippets" run_mypy_examples
step "mypy.stubtest: stubs vs the built module" run_stubtest
step "abi3: the same wheel on the other CPythons found" run_abi3_elsewhere
step "django app: migrations and suite vs sandbox, SQLite (Django 5.2)" run_django_app_sqlite
step "django app: the same suite on PostgreSQL" run_django_app_postgres
step "django app: the same suite on the newest Django (6.1)" run_django_app_newest
step "django example: check, migrations, check --deploy refuses" run_django_checks
step "django example: mypy --strict (django-stubs)" run_django_mypy
step "django example: checkout to fulfilment against the sandbox" run_django_tests

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
