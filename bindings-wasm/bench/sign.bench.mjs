// Signatures per second, one run, same key and message:
//   jenga-stk Signer (default: WebCrypto), jenga-stk SyncSigner (core RSA in WebAssembly),
//   node:crypto.sign with a pre-made KeyObject (the OpenSSL-backed reference).
// Every signer produces the Signature header's value (Base64), node:crypto included.
// The main comparison keeps one signature in flight; a second table runs the
// WebCrypto signer with several in flight (a server with concurrent checkouts),
// which node:crypto.sign, being synchronous, cannot do.
// Run by `scripts/wasm.sh bench` against the installed package; results go to docs/benchmarks.md.
import { readFileSync } from "node:fs";
import { createPrivateKey, sign as nodeSign } from "node:crypto";
import { gzipSync } from "node:zlib";
import { createRequire } from "node:module";
import * as jenga from "jenga-stk";

const root = process.env.JENGA_ROOT;
const pem = readFileSync(`${root}/tests/keys/test-pkcs8-2048.pem`, "utf8");
const message = "OR28922980077KES07220000002";
const seconds = Number(process.env.BENCH_SECONDS ?? 3);

async function measure(name, fn, inFlight = 1) {
  for (let i = 0; i < 50; i++) await fn(); // warm-up
  let n = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  const lane = async () => {
    while (performance.now() < end) {
      await fn();
      n++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  const rate = (n * 1000) / (performance.now() - start);
  console.log(`${name.padEnd(52)} ${rate.toFixed(0).padStart(7)} signatures/s`);
  return rate;
}

const key = createPrivateKey(pem);
const webcrypto = await jenga.Signer.fromPem(pem);
const wasm = jenga.SyncSigner.fromPem(pem);
const nodeHeader = () => nodeSign("sha256", Buffer.from(message), key).toString("base64");
const expected = nodeHeader();
if ((await webcrypto.sign(message)) !== expected || wasm.sign(message) !== expected) {
  throw new Error("signers disagree");
}

// Rounds alternate the signers so that machine noise hits them alike; the median of each is reported.
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
console.log(`node ${process.version}, ${rounds} alternating rounds of ${seconds} s, RSA-2048 PKCS#1 v1.5 SHA-256, one signature in flight`);
const runs = { node: [], webcrypto: [], wasm: [] };
for (let r = 0; r < rounds; r++) {
  runs.node.push(await measure(`  round ${r + 1}: node:crypto.sign (KeyObject, OpenSSL)`, nodeHeader));
  runs.webcrypto.push(await measure(`  round ${r + 1}: jenga-stk Signer (default, WebCrypto)`, () => webcrypto.sign(message)));
  if (r < 2) runs.wasm.push(await measure(`  round ${r + 1}: jenga-stk SyncSigner (WebAssembly RSA)`, () => wasm.sign(message)));
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const base = median(runs.node);
const fast = median(runs.webcrypto);
const slow = median(runs.wasm);
console.log(`median node:crypto.sign (KeyObject)      ${base.toFixed(0)} signatures/s`);
console.log(`median jenga-stk Signer (WebCrypto)      ${fast.toFixed(0)} signatures/s`);
console.log(`median jenga-stk SyncSigner (WebAssembly) ${slow.toFixed(0)} signatures/s`);
console.log(`ratio Signer / node:crypto = ${(fast / base).toFixed(2)} (required >= 0.80)`);
console.log(`ratio SyncSigner / node:crypto = ${(slow / base).toFixed(2)}`);
console.log("several signatures in flight (WebCrypto signs on libuv's thread pool; node:crypto.sign is synchronous):");
for (const inFlight of [2, 4]) {
  const rates = [];
  for (let r = 0; r < 3; r++) {
    rates.push(await measure(`  ${inFlight} in flight, round ${r + 1}: jenga-stk Signer (WebCrypto)`, () => webcrypto.sign(message), inFlight));
  }
  console.log(`median ${inFlight} in flight: jenga-stk Signer ${median(rates).toFixed(0)} signatures/s = ${(median(rates) / base).toFixed(2)} of node:crypto.sign`);
}
const require = createRequire(import.meta.url);
const wasmFile = readFileSync(require.resolve("jenga-stk/jenga_stk_wasm_bg.wasm"));
console.log(`main .wasm ${wasmFile.length} bytes, ${gzipSync(wasmFile, { level: 9 }).length} gzipped`);
const rsaFile = readFileSync(require.resolve("jenga-stk/jenga_stk_wasm_rsa_bg.wasm"));
console.log(`second .wasm (key checks, SyncSigner, Verifier, the doctor; loaded on first use) ${rsaFile.length} bytes, ${gzipSync(rsaFile, { level: 9 }).length} gzipped`);
if (fast / base < 0.8) process.exitCode = 1;
