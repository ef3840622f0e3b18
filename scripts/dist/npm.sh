#!/usr/bin/env bash
# The npm package for `make dist`: dist/npm/jenga-stk-<version>.tgz, checked as
# its users get it. Exits non-zero on any failed check:
#   - the main WebAssembly module within its budget: 150 KiB (153,600 bytes) by
#     `gzip -9 | wc -c`, the measure scripts/wasm.sh prints;
#   - publint --strict and @arethetypeswrong/cli (attw, every entry, every
#     resolution: node10, node16 from CJS and from ESM, bundler) clean on the
#     tarball;
#   - installed from the tarball into a scratch project: node --test of the
#     dual-package proof (one WebAssembly instance and one JengaError whether
#     loaded by import or require), the module formats, and jenga-stk/testing
#     against the sandbox; tsc --strict over every entry's types (import,
#     require, web, testing);
#   - every runtime it claims, from that install: Node, Bun and Deno (the main
#     entry and jenga-stk/web as each resolves them: the Node entry, by the
#     "node" condition; and web.mjs itself, loaded from the .wasm bytes) and
#     Cloudflare's workerd (a worker bundled as wrangler does, through the web
#     entry, which is also what the bare `jenga-stk` is there): every
#     conformance vector, WebCrypto signatures equal to `openssl dgst -sha256
#     -sign`'s, and a payment whose push answer the sandbox drops after
#     accepting it (drop_after_accept): one init request, one prompt, paid.
# Its tools (publint, attw, bun, deno 2.9.6 and 2.9.5, workerd, esbuild:
# pinned, from the npm registry) are installed once into target/npm-dist/tools.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
export PATH="$HOME/.cargo/bin:$PATH"
log() { printf '[dist/npm] %s\n' "$*"; }
failures=()
fail() {
  printf '[dist/npm] FAILED: %s\n' "$*" >&2
  failures+=("$*")
}

version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
tools="$root/target/npm-dist/tools"
work="$root/target/npm-dist/work"
out="$root/dist/npm"
tarball="$out/jenga-stk-$version.tgz"

# --- tools (idempotent: installed again only when their pins change)
mkdir -p "$tools"
cat > "$tools/package.json.new" <<'JSON'
{
  "name": "jenga-stk-dist-tools",
  "private": true,
  "description": "Pinned tools for scripts/dist/npm.sh (not published).",
  "devDependencies": {
    "@arethetypeswrong/cli": "0.18.5",
    "bun": "1.4.4",
    "deno": "2.9.6",
    "deno-2.9.5": "npm:deno@2.9.5",
    "esbuild": "0.28.2",
    "publint": "0.3.25",
    "workerd": "1.20261117.1"
  }
}
JSON
if ! cmp -s "$tools/package.json.new" "$tools/package.json" || [ ! -x "$tools/node_modules/.bin/workerd" ] \
   || [ ! -x "$tools/node_modules/deno-2.9.5/deno" ]; then
  mv "$tools/package.json.new" "$tools/package.json"
  log "npm install (publint, attw, bun, deno, workerd, esbuild) into target/npm-dist/tools"
  (cd "$tools" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
else
  rm "$tools/package.json.new"
fi
bin="$tools/node_modules/.bin"
# Two Deno packages provide a `deno` bin: each is run by its own path.
for deno in "$tools/node_modules/deno/deno" "$tools/node_modules/deno-2.9.5/deno"; do
  [ -x "$deno" ] || { fail "no $deno"; exit 1; }
done

# --- the tarball
log "scripts/wasm.sh build"
scripts/wasm.sh build
mkdir -p "$out"
rm -f "$out"/jenga-stk-*.tgz
cp "$root/target/npm/jenga-stk-$version.tgz" "$tarball"
log "built $tarball ($(wc -c < "$tarball") bytes)"

# --- the size budget, measured on the tarball's own file
rm -rf "$work" && mkdir -p "$work/unpacked"
tar -xzf "$tarball" -C "$work/unpacked"
main_gz=$(gzip -9 -c "$work/unpacked/package/wasm/jenga_stk_wasm_bg.wasm" | wc -c)
budget=$((150 * 1024))
if [ "$main_gz" -le "$budget" ]; then
  log "main module: $main_gz bytes gzipped (gzip -9), within 150 KiB ($budget bytes)"
else
  fail "the main module is $main_gz bytes gzipped (gzip -9), above its 150 KiB budget ($budget bytes)"
fi

# --- publint and attw on the tarball
log "publint --strict"
"$bin/publint" run "$tarball" --strict || fail "publint"
# The two .wasm exports are files for initializers and bundlers, not modules with types: attw
# cannot resolve them as TypeScript imports, so they are left out; every JavaScript entry is checked.
log "attw (every entry, every resolution)"
"$bin/attw" "$tarball" --format table-flipped --no-emoji \
  --exclude-entrypoints ./jenga_stk_wasm_bg.wasm ./jenga_stk_wasm_rsa_bg.wasm || fail "attw"

# --- a scratch project with the package installed from the tarball
project="$work/project"
mkdir -p "$project"
echo '{ "name": "jenga-stk-dist-check", "private": true, "type": "module" }' > "$project/package.json"
(cd "$project" && npm install --no-audit --no-fund --loglevel=error "$tarball" "$root/bindings-wasm/tools/node_modules/@types/node" >/dev/null)
log "cargo build -p jenga-sandbox"
cargo build -q -p jenga-sandbox --bin jenga-sandbox
sandbox_bin="$root/target/debug/jenga-sandbox"

log "node --test: one instance and one JengaError by import and require; the module formats; jenga-stk/testing"
cp bindings-wasm/tests/js/dual-package.test.mjs bindings-wasm/tests/js/module-formats.test.mjs \
   bindings-wasm/tests/js/testing.test.mjs "$project/"
(cd "$project" && JENGA_ROOT="$root" JENGA_SANDBOX_BIN="$sandbox_bin" \
   node --test --test-reporter=dot dual-package.test.mjs module-formats.test.mjs testing.test.mjs) \
  || fail "node --test from the tarball"

log "tsc --strict over every entry's types (import, require, web, testing)"
cp bindings-wasm/tests/types/*.ts bindings-wasm/tests/types/*.cts "$project/"
cat > "$project/tsconfig.json" <<'JSON'
{ "compilerOptions": { "strict": true, "noEmit": true, "module": "nodenext", "moduleResolution": "nodenext",
  "target": "es2022", "lib": ["es2022", "dom"], "types": ["node"], "skipLibCheck": false },
  "include": ["typed-*.ts", "typed-*.cts"] }
JSON
(cd "$project" && "$root/bindings-wasm/tools/node_modules/.bin/tsc" -p tsconfig.json) || fail "tsc"

# --- every runtime it claims
log "OpenSSL's signatures (openssl dgst -sha256 -sign), for the WebCrypto comparison"
node - "$root" "$work/openssl.json" <<'JS'
const { execFileSync } = require("node:child_process");
const { writeFileSync } = require("node:fs");
const [root, outPath] = process.argv.slice(2);
const messages = ["OR28922980077KES07220000002", "", "Wanjiru Njoroge – ksh 1 500,00 ✓ 0722 000 000"];
const out = [];
for (const key of ["test-pkcs8-2048", "test-pkcs1-4096"]) {
  for (const message of messages) {
    const signature = execFileSync("openssl", ["dgst", "-sha256", "-sign", `${root}/tests/keys/${key}.pem`], { input: Buffer.from(message, "utf8") });
    out.push({ key, message, signature: signature.toString("base64") });
  }
}
writeFileSync(outPath, JSON.stringify(out));
JS

cp bindings-wasm/tests/runtimes/*.mjs bindings-wasm/tests/js/conformance.mjs "$project/"
. scripts/lib/sandbox.sh
"$sandbox_bin" --public-key "$root/tests/keys/test-pkcs8-2048.pub.pem" \
  --callback-delay-ms 20 --ipn-delay-ms 20 --retry-delay-ms 20 > "$work/sandbox.out" 2> "$work/sandbox.log" &
sandbox_pid=$!
trap 'kill "$sandbox_pid" 2>/dev/null || true' EXIT
sandbox_url=$(wait_for_sandbox "$sandbox_pid" "$work/sandbox.out" "$work/sandbox.log")

summary=()
run_checks() { # label, command...
  local label=$1
  shift
  log "$label"
  local line status=0
  line=$(cd "$project" && "$@" 2> "$work/stderr.txt") || status=$?
  if [ "$status" -ne 0 ] || [ -z "$line" ]; then
    echo "$line"
    cat "$work/stderr.txt" >&2
    fail "$label"
  fi
  summary+=("$(node -e '
    const r = JSON.parse(process.argv[1] || "{}");
    const failed = Object.entries(r).filter(([, v]) => typeof v === "string" && v.startsWith("FAILED")).map(([k]) => k);
    const pay = r["payment, push answer dropped"];
    const parts = [
      r.runtime ?? "?",
      r.label ?? "?",
      r.resolved ? `resolves to ${r.resolved}` : null,
      `vector files ${r.vectorFiles ?? 0}/16`,
      r["webcrypto = openssl"],
      typeof pay === "object" ? `payment ${pay.kind}, initRequests ${pay.initRequests}, prompts ${pay.prompts}` : `payment ${pay}`,
      r["import = require"],
      r["jenga-stk = jenga-stk/web"] ? `jenga-stk: ${r["jenga-stk = jenga-stk/web"]}` : null,
      r["without the guard (record only)"] ? `without the guard: initRequests ${r["without the guard (record only)"].initRequests}` : null,
      failed.length ? `FAILED: ${failed.join(", ")}` : "ok",
    ];
    console.log(parts.filter(Boolean).join("; "));
  ' "$line" 2>/dev/null || echo "$label: no results")")
}

for entry in jenga-stk jenga-stk/web ./node_modules/jenga-stk/web.mjs; do
  run_checks "node, $entry" node run.mjs "$entry" "$sandbox_url" "$root" "$work/openssl.json"
  run_checks "bun, $entry" "$bin/bun" run.mjs "$entry" "$sandbox_url" "$root" "$work/openssl.json"
  run_checks "deno, $entry" "$tools/node_modules/deno/deno" run -A run.mjs "$entry" "$sandbox_url" "$root" "$work/openssl.json"
done
# Deno 2.7.0 to 2.9.5 re-send a POST on any connection (2.9.6 only on a pooled one): the client
# sends its POSTs there as streams, which Deno cannot replay. One of those versions, checked too.
run_checks "deno 2.9.5, jenga-stk" "$tools/node_modules/deno-2.9.5/deno" run -A run.mjs jenga-stk "$sandbox_url" "$root" "$work/openssl.json"
run_checks "workerd, a worker through jenga-stk/web" \
  node workerd.mjs "$sandbox_url" "$root" "$work/openssl.json" "$bin/esbuild" "$bin/workerd"

log "runtimes:"
for line in "${summary[@]}"; do printf '  %s\n' "$line"; done
if [ "${#failures[@]}" -ne 0 ]; then
  printf '[dist/npm] %d check(s) failed:\n' "${#failures[@]}" >&2
  printf '  - %s\n' "${failures[@]}" >&2
  exit 1
fi
log "ok: $tarball (install: npm install ./dist/npm/jenga-stk-$version.tgz)"
