#!/usr/bin/env bash
# The jenga-stk Python package for `make dist`, into dist/python/:
#   jenga_stk-<v>-cp39-abi3-manylinux2014_x86_64.manylinux_2_17_x86_64.whl   (aws-lc-rs)
#   jenga_stk-<v>-cp39-abi3-manylinux2014_aarch64.manylinux_2_17_aarch64.whl (aws-lc-rs, or
#                                                                             ring if it will not cross-build)
#   jenga_stk-<v>.tar.gz                                                      (the sdist)
#   python.txt: what was built and checked, with the figures
# Built by maturin (pinned, scripts/lib/maturin.sh) with zig (`--zig --compatibility
# manylinux2014`: linked against glibc 2.17), and checked as PyPI and pip would:
#   * twine check --strict (all three) and auditwheel show (each wheel says manylinux_2_17);
#   * the glibc symbol versions the extension needs (objdump -T): none newer than 2.17;
#   * the x86_64 wheel installed by the pip of an old userland (Debian 11, glibc 2.31,
#     Python 3.9: debootstrap into target/python/dist/bullseye, kept) and run there:
#     its signature equals OpenSSL's on this machine; without debootstrap or Debian's
#     mirror, only the symbol check stands and it says so (SKIPPED);
#   * the sdist holds what building needs (the core crate's sources, the lock file)
#     and builds outside the repository (unpacked into a scratch folder, `pip wheel`
#     in a scratch venv); the wheel it makes is installed into another scratch venv
#     with the test dependencies and passes the pytest suite and the Django app's
#     suite against the sandbox;
#   * the aarch64 build: which backend, and its signing speed measured under
#     qemu-user (the core's signing benchmark for aarch64 with that backend; emulated,
#     so far slower than real hardware: the same benchmark natively is printed beside it).
# Installs its own tools (maturin, ziglang, twine, auditwheel in target/python/tools;
# the aarch64 target with rustup; debootstrap, qemu-user and the arm64 libc with apt).
# Idempotent; exits non-zero on any failed check.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
OUT=dist/python
WORK=$ROOT/target/python/dist
SUMMARY=$OUT/python.txt
PIP_FLAGS=(--disable-pip-version-check --no-input -q)
START=$(date +%s)
mkdir -p "$OUT" "$WORK"

log() { printf '[dist/python] %s\n' "$*"; }
fail() { printf '[dist/python] FAILED: %s\n' "$*" >&2; exit 1; }
note() { printf '%s\n' "$*" | tee -a "$WORK/summary.txt"; }
apt_install() {
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "apt-get install $*"
    apt-get update -qq >/dev/null 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  else
    return 1
  fi
}
: > "$WORK/summary.txt"

# ---------------------------------------------------------------- tools
. scripts/lib/maturin.sh
ensure_maturin python3
TOOLS=$ROOT/$MATURIN_TOOLS
MATURIN=$TOOLS/bin/maturin
have_tool() { "$TOOLS/bin/python" -c "import importlib.metadata as m, sys; sys.exit(0 if m.version('$1').startswith('$2') else 1)" 2>/dev/null; }
if ! have_tool ziglang 0.15 || ! have_tool auditwheel "" || ! have_tool twine "" || ! have_tool build ""; then
  log "pip install ziglang auditwheel twine build (into $MATURIN_TOOLS)"
  "$TOOLS/bin/pip" install "${PIP_FLAGS[@]}" "ziglang==0.15.*" "auditwheel>=6" "twine>=6" "build>=1.2"
fi
export PATH="$TOOLS/bin:$PATH"  # maturin --zig runs `python -m ziglang` from here
rustup target list --installed | grep -qx aarch64-unknown-linux-gnu || rustup target add aarch64-unknown-linux-gnu
command -v objdump >/dev/null || apt_install binutils || fail "objdump is needed (binutils)"

VERSION=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
[ -n "$VERSION" ] || fail "no workspace version in Cargo.toml"
rm -f "$OUT"/jenga_stk-*.whl "$OUT"/jenga_stk-*.tar.gz "$SUMMARY"
export CARGO_TARGET_DIR=$WORK/cargo

# ---------------------------------------------------------------- builds
build_wheel() {  # target, extra maturin args...
  local target=$1
  shift
  "$MATURIN" build --release --strip --zig --compatibility manylinux2014 --target "$target" \
    --manifest-path bindings-python/Cargo.toml --out "$OUT" "$@" > "$WORK/maturin-$target.log" 2>&1
}
log "x86_64 wheel: maturin build --release --zig --compatibility manylinux2014 (aws-lc-rs)"
build_wheel x86_64-unknown-linux-gnu || { tail -n 30 "$WORK/maturin-x86_64-unknown-linux-gnu.log" >&2; fail "the x86_64 wheel did not build"; }
X86=$(ls "$OUT"/jenga_stk-"$VERSION"-cp39-abi3-*x86_64.whl)

log "aarch64 wheel: the same with --target aarch64-unknown-linux-gnu (aws-lc-rs first)"
ARM_BACKEND=aws-lc-rs
if ! build_wheel aarch64-unknown-linux-gnu; then
  log "aws-lc-rs did not cross-build for aarch64 (tail of the log below); trying ring for this wheel"
  tail -n 15 "$WORK/maturin-aarch64-unknown-linux-gnu.log" >&2
  ARM_BACKEND=ring
  build_wheel aarch64-unknown-linux-gnu --no-default-features --features ring \
    || { tail -n 30 "$WORK/maturin-aarch64-unknown-linux-gnu.log" >&2; fail "the aarch64 wheel did not build with ring either"; }
fi
ARM=$(ls "$OUT"/jenga_stk-"$VERSION"-cp39-abi3-*aarch64.whl)

log "sdist: maturin sdist"
"$MATURIN" sdist --manifest-path bindings-python/Cargo.toml --out "$OUT" > "$WORK/maturin-sdist.log" 2>&1 \
  || { cat "$WORK/maturin-sdist.log" >&2; fail "maturin sdist failed"; }
SDIST=$OUT/jenga_stk-$VERSION.tar.gz
[ -f "$SDIST" ] || fail "no $SDIST"
note "built: $(basename "$X86") (aws-lc-rs), $(basename "$ARM") ($ARM_BACKEND), $(basename "$SDIST")"

# ---------------------------------------------------------------- metadata and tags
log "twine check --strict"
"$TOOLS/bin/twine" check --strict "$X86" "$ARM" "$SDIST" > "$WORK/twine.log" 2>&1 || { cat "$WORK/twine.log" >&2; fail "twine check"; }
note "twine check --strict: PASSED (3 files)"

for wheel in "$X86" "$ARM"; do
  arch=x86_64
  case "$wheel" in *aarch64.whl) arch=aarch64 ;; esac
  "$TOOLS/bin/auditwheel" show "$wheel" > "$WORK/auditwheel-$arch.txt" 2>&1 || { cat "$WORK/auditwheel-$arch.txt" >&2; fail "auditwheel show $wheel"; }
  tr '\n' ' ' < "$WORK/auditwheel-$arch.txt" | grep -q "consistent with the following platform tag: *\"manylinux_2_17_$arch\"" \
    || { cat "$WORK/auditwheel-$arch.txt" >&2; fail "auditwheel: $(basename "$wheel") is not manylinux_2_17_$arch"; }
  # The newest glibc symbol version the extension asks for.
  unpacked=$WORK/unpacked-$arch
  rm -rf "$unpacked"
  python3 -m zipfile -e "$wheel" "$unpacked"
  so=$(ls "$unpacked"/jenga_stk/_native*.so)
  newest=$(objdump -T "$so" | grep -o 'GLIBC_[0-9.]*' | sort -u -V | tail -n 1)
  python3 - "$newest" <<'PY' || fail "$(basename "$wheel") needs $newest, newer than glibc 2.17"
import sys
v = tuple(int(x) for x in sys.argv[1].removeprefix("GLIBC_").split("."))
sys.exit(0 if v <= (2, 17) else 1)
PY
  note "auditwheel show $(basename "$wheel"): manylinux_2_17_$arch; newest glibc symbol: $newest; $(du -k "$wheel" | cut -f1) KB"
done

log "contents: the package, its stubs and the Django app in each wheel; the core's sources in the sdist"
python3 - "$X86" "$ARM" "$SDIST" <<'PY' || fail "contents"
import sys, tarfile, zipfile
for wheel in sys.argv[1:3]:
    names = set(zipfile.ZipFile(wheel).namelist())
    for need in ["jenga_stk/__init__.py", "jenga_stk/__init__.pyi", "jenga_stk/py.typed", "jenga_stk/_client.py",
                 "jenga_stk/django/apps.py", "jenga_stk/django/migrations/0001_initial.py",
                 "jenga_stk/django/management/commands/jenga_stk_reconcile.py"]:
        assert need in names, (wheel, need)
    meta = next(n for n in names if n.endswith(".dist-info/METADATA"))
    text = zipfile.ZipFile(wheel).read(meta).decode()
    for need in ["Provides-Extra: django", "Provides-Extra: httpx", "Requires-Python: >=3.9", "License-Expression: MIT OR Apache-2.0"]:
        assert need in text, (wheel, need)
    assert "Requires-Dist: django>=5.2,<6.2 ; extra == 'django'" in text, text
sdist = tarfile.open(sys.argv[3])
names = set(sdist.getnames())
root = sorted(names)[0].split("/")[0]
for need in ["pyproject.toml", "Cargo.toml", "Cargo.lock", "core/Cargo.toml", "core/src/lib.rs", "core/src/flow/mod.rs",
             "core/src/diagnose/mod.rs", "bindings-python/Cargo.toml", "bindings-python/src/lib.rs",
             "python/jenga_stk/django/models.py", "python/jenga_stk/django/migrations/0001_initial.py",
             "python/jenga_stk/__init__.pyi", "bindings-python/LICENSE-MIT", "PKG-INFO"]:
    assert f"{root}/{need}" in names, need
# Nothing from the rest of the workspace that the build does not need.
for never in ["sandbox/", "cli/", "bindings-wasm/", "bindings-uniffi/", "tests/keys/", "target/"]:
    assert not any(n.startswith(f"{root}/{never}") for n in names), never
print(f"sdist: {len(names)} entries; core sources, Cargo.lock, the binding; no other workspace member")
PY

# ---------------------------------------------------------------- the sdist builds outside the repository and passes the tests
log "sdist: unpacked outside the repository, built in a scratch venv (pip wheel --no-build-isolation, the pinned maturin)"
scratch=$(mktemp -d /tmp/jenga-stk-sdist.XXXXXX)
cleanup() { rm -rf "$scratch"; }
trap cleanup EXIT
# --touch: the sdist's files all carry maturin's fixed 2006 timestamp, older
# than the kept build in sdist-cargo, which cargo would then reuse as is (a
# stale wheel, without what changed since); extracted "now", the core and the
# binding are rebuilt from the sdist's sources (the dependencies stay cached).
tar -xzf "$SDIST" -C "$scratch" --touch
python3 -m venv "$scratch/build-venv"
"$scratch/build-venv/bin/pip" install "${PIP_FLAGS[@]}" "maturin==$MATURIN_VERSION"
(cd "$scratch" && CARGO_TARGET_DIR=$WORK/sdist-cargo PATH="$scratch/build-venv/bin:$PATH" \
   "$scratch/build-venv/bin/pip" wheel "${PIP_FLAGS[@]}" --no-build-isolation --no-deps -w "$scratch/wheels" "./jenga_stk-$VERSION") \
   > "$WORK/sdist-build.log" 2>&1 || { tail -n 30 "$WORK/sdist-build.log" >&2; fail "the sdist does not build outside the repository"; }
FROM_SDIST=$(ls "$scratch"/wheels/jenga_stk-*.whl)
note "the sdist builds outside the repository: $(basename "$FROM_SDIST")"

log "the wheel built from the sdist: pytest suite and the Django app's suite, against the sandbox"
cargo build -q -p jenga-sandbox --bin jenga-sandbox
python3 -m venv "$scratch/test-venv"
TPY=$scratch/test-venv/bin/python
"$scratch/test-venv/bin/pip" install "${PIP_FLAGS[@]}" -r bindings-python/tests/requirements.txt
"$scratch/test-venv/bin/pip" install "${PIP_FLAGS[@]}" --no-index --no-deps "$FROM_SDIST"
export JENGA_SANDBOX_BIN=$ROOT/target/debug/jenga-sandbox PYTHONDONTWRITEBYTECODE=1
(cd bindings-python && "$TPY" -m pytest -q -p no:cacheprovider tests) > "$WORK/sdist-pytest.log" 2>&1 \
  || { tail -n 40 "$WORK/sdist-pytest.log" >&2; fail "pytest against the wheel built from the sdist"; }
note "pytest against the wheel built from the sdist: $(grep -E '^[0-9]+ passed' "$WORK/sdist-pytest.log" | tail -n 1)"
(cd bindings-python/tests_django && DATABASE_URL="sqlite:///$scratch/django.sqlite3" \
   "$TPY" -m django test --settings=settings --noinput -v 1) > "$WORK/sdist-django.log" 2>&1 \
  || { tail -n 40 "$WORK/sdist-django.log" >&2; fail "the Django app's suite against the wheel built from the sdist"; }
note "Django app suite against the wheel built from the sdist: $(grep -E '^Ran [0-9]+ tests' "$WORK/sdist-django.log") OK"

log "the README's install lines, as written, in a scratch venv: pip install --find-links dist/python 'jenga-stk[django]'"
python3 -m venv "$scratch/readme-venv"
(cd "$ROOT" && "$scratch/readme-venv/bin/pip" install "${PIP_FLAGS[@]}" --find-links dist/python 'jenga-stk[django]') \
  || fail "pip install --find-links dist/python 'jenga-stk[django]'"
"$scratch/readme-venv/bin/python" - "$X86" <<'PY' || fail "the package installed by the README's line"
import importlib.metadata as m, os, sys
import django, httpx, jenga_stk
from jenga_stk.django import checks, conf  # noqa: F401  (the app imports without settings)
files = m.files("jenga-stk")
assert any(str(f).endswith("0001_initial.py") for f in files)
print(f"jenga-stk {m.version('jenga-stk')} ({jenga_stk.SIGNER_BACKEND}) with Django {django.get_version()} and httpx {httpx.__version__}")
PY
note "the README's line 'pip install --find-links dist/python jenga-stk[django]' installs the wheel, Django and httpx"

# ---------------------------------------------------------------- an old glibc: Debian 11 (2.31)
OLD=$WORK/bullseye
if [ ! -x "$OLD/usr/bin/python3" ] || ! [ -f "$OLD/usr/lib/python3/dist-packages/pip/__init__.py" ]; then
  command -v debootstrap >/dev/null || apt_install debootstrap || true
  if command -v debootstrap >/dev/null && [ "$(id -u)" = 0 ]; then
    log "debootstrap Debian 11 (bullseye, glibc 2.31, Python 3.9) into $OLD (once; a few minutes)"
    rm -rf "$OLD"
    debootstrap --variant=minbase --include=python3,python3-pip bullseye "$OLD" http://deb.debian.org/debian \
      > "$WORK/debootstrap.log" 2>&1 || { tail -n 5 "$WORK/debootstrap.log" >&2; rm -rf "$OLD"; }
  fi
fi
if [ -x "$OLD/usr/bin/python3" ]; then
  log "the x86_64 wheel in Debian 11: installed by its pip, run by its Python"
  cp "$X86" "$OLD/tmp/"
  cp tests/keys/test-pkcs1-2048.pem "$OLD/tmp/key.pem"
  rm -rf "$OLD/tmp/site"
  chroot "$OLD" /usr/bin/python3 -m pip install -q --disable-pip-version-check --no-index --no-deps --target /tmp/site "/tmp/$(basename "$X86")" \
    || fail "Debian 11's pip refused $(basename "$X86")"
  glibc=$(chroot "$OLD" /usr/bin/ldd --version | head -n 1 | awk '{print $NF}')
  got=$(chroot "$OLD" /usr/bin/env PYTHONPATH=/tmp/site /usr/bin/python3 -c '
import sys, jenga_stk
signer = jenga_stk.Signer.from_pem(open("/tmp/key.pem").read())
print(sys.version.split()[0], jenga_stk.SIGNER_BACKEND, signer.sign(b"OR28922980077KES07220000002").base64)
') || fail "the x86_64 wheel does not run on Debian 11"
  want=$(printf 'OR28922980077KES07220000002' | openssl dgst -sha256 -sign tests/keys/test-pkcs1-2048.pem | base64 -w0)
  [ "${got##* }" = "$want" ] || fail "Debian 11: the signature differs from OpenSSL's"
  note "Debian 11 (glibc $glibc, Python ${got%% *}): pip installed $(basename "$X86"); its signature equals OpenSSL's (backend $(echo "$got" | awk '{print $2}'))"
else
  note "SKIPPED: no Debian 11 userland (debootstrap or Debian's mirror unavailable): the old-glibc claim rests on the symbol versions above"
fi

# ---------------------------------------------------------------- aarch64: the backend's signing speed under qemu-user
command -v qemu-aarch64 >/dev/null && [ -f /usr/aarch64-linux-gnu/lib/libc.so.6 ] || apt_install qemu-user libc6-arm64-cross || true
if command -v qemu-aarch64 >/dev/null && [ -f /usr/aarch64-linux-gnu/lib/libc.so.6 ]; then
  log "aarch64: the core's signing benchmark with $ARM_BACKEND, cross-built (zig) and run under qemu-user"
  zigcc=$WORK/zigcc-aarch64
  # zig as the C compiler and linker for aarch64 (glibc 2.17); cc-rs adds --target=<rust triple>, which zig refuses.
  cat > "$zigcc" <<EOF
#!/usr/bin/env bash
args=()
for a in "\$@"; do case "\$a" in --target=*) ;; *) args+=("\$a") ;; esac; done
exec "$TOOLS/bin/python" -m ziglang cc -target aarch64-linux-gnu.2.17 "\${args[@]}"
EOF
  chmod +x "$zigcc"
  bench() {  # target, runner...
    local target=$1
    shift
    local bin
    CARGO_TARGET_DIR=$WORK/bench-cargo CC_aarch64_unknown_linux_gnu=$zigcc CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=$zigcc \
      cargo bench -q -p jenga-stk --no-default-features --features "$ARM_BACKEND" --bench signing --target "$target" --no-run \
      > "$WORK/bench-build-$target.log" 2>&1 || { tail -n 20 "$WORK/bench-build-$target.log" >&2; return 1; }
    bin=$(ls -t "$WORK/bench-cargo/$target"/release/deps/signing-* | grep -v '\.d$' | head -n 1)
    "$@" "$bin" --bench sign_rsa2048 --warm-up-time 1 --measurement-time 4 --noplot 2>&1 | grep -E 'time:' | head -n 1
  }
  arm=$(QEMU_LD_PREFIX=/usr/aarch64-linux-gnu bench aarch64-unknown-linux-gnu qemu-aarch64) || fail "the aarch64 benchmark did not build or run"
  native=$(bench x86_64-unknown-linux-gnu env) || fail "the x86_64 benchmark did not build or run"
  per_second() { python3 -c '
import re, sys
m = re.search(r"\[\S+ \S+ (\S+) (\S+) ", sys.argv[1])
value, unit = float(m.group(1)), m.group(2)
scale = {"ns": 1e-9, "µs": 1e-6, "us": 1e-6, "ms": 1e-3, "s": 1.0}[unit]
print(f"{1 / (value * scale):,.0f} signatures/s ({value} {unit} each)")' "$1"; }
  note "aarch64 wheel backend: $ARM_BACKEND; RSA-2048 signing under qemu-user (emulated on this x86_64 host, not real arm64 hardware): $(per_second "$arm")"
  note "the same benchmark natively on this x86_64 host: $(per_second "$native")"
else
  note "NOT MEASURED: qemu-user or the arm64 libc could not be installed: the aarch64 wheel ($ARM_BACKEND) was built, not run"
fi

cp "$WORK/summary.txt" "$SUMMARY"
log "all checks passed in $(( $(date +%s) - START )) s:"
sed 's/^/  /' "$SUMMARY"
