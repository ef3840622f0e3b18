# The pinned maturin, in one kept venv (target/python/tools), shared by the
# Python test, benchmark and size scripts. Source from the repository root,
# then call `ensure_maturin [python]`; it sets MATURIN to the binary.
MATURIN_VERSION=1.16.0
MATURIN_TOOLS=target/python/tools

ensure_maturin() {
  local python=${1:-python3}
  if ! "$MATURIN_TOOLS/bin/python" -c "import sys" >/dev/null 2>&1; then
    echo "[maturin] creating $MATURIN_TOOLS"
    rm -rf "$MATURIN_TOOLS"
    mkdir -p "$(dirname "$MATURIN_TOOLS")"
    "$python" -m venv "$MATURIN_TOOLS"
  fi
  if [ "$("$MATURIN_TOOLS/bin/maturin" --version 2>/dev/null || true)" != "maturin $MATURIN_VERSION" ]; then
    echo "[maturin] pip install maturin==$MATURIN_VERSION"
    "$MATURIN_TOOLS/bin/pip" install --disable-pip-version-check --no-input -q "maturin==$MATURIN_VERSION"
  fi
  MATURIN=$MATURIN_TOOLS/bin/maturin
}
