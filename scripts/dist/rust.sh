#!/usr/bin/env bash
# The Rust artifacts of `make dist`: the core crate, the sandbox and the
# command line as .crate files (what `cargo publish` would upload) in
# dist/rust/, each checked as crates.io would (`cargo publish --dry-run`
# packages them together, so the unpublished path dependencies resolve, and
# builds each from its package alone), and the core's docs built as docs.rs
# builds them (all features, `--cfg docsrs`), with each feature's badge.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=dist/rust
mkdir -p "$out"
log() { printf '[dist/rust] %s\n' "$*"; }

log "cargo publish --dry-run: jenga-stk, jenga-sandbox, jenga-stk-cli"
cargo publish --dry-run --allow-dirty -p jenga-stk -p jenga-sandbox -p jenga-stk-cli 2>&1 \
  | grep -E '^ *(Packag|Verif|Finished|error|warning: [^a])' || true
# The dry run verified them; package them again where cargo keeps its .crate files.
cargo package -q --no-verify --allow-dirty -p jenga-stk -p jenga-sandbox -p jenga-stk-cli
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
for crate in jenga-stk jenga-sandbox jenga-stk-cli; do
  cp "target/package/$crate-$version.crate" "$out/"
done

log "docs as docs.rs builds them (all features, --cfg docsrs, warnings are errors)"
RUSTC_BOOTSTRAP=1 RUSTDOCFLAGS="--cfg docsrs -D warnings" \
  cargo doc -q --no-deps -p jenga-stk --all-features --target-dir target/docsrs
doc=target/docsrs/doc/jenga_stk
for item in fn.diagnose_signature.html:diagnose struct.HttpConversionError.html:http struct.Signer.html:rsa; do
  page=${item%%:*} feature=${item##*:}
  grep -q "crate feature <code>$feature</code>" "$doc/$page" \
    || grep -q "crate features <code>" "$doc/$page" \
    || { echo "[dist/rust] $page shows no badge for feature $feature" >&2; exit 1; }
done
log "ok: $(ls "$out" | tr '\n' ' ')"
