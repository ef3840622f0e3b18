// CommonJS require, the ESM entry and the entry for runtimes without Node APIs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import * as esm from "jenga-stk";
import * as web from "jenga-stk/web";

const require = createRequire(import.meta.url);
const page = JSON.parse(readFileSync(`${process.env.JENGA_ROOT}/tests/vectors/stk_push.json`, "utf8")).cases[0];

test("require('jenga-stk') works and builds the same body", () => {
  const cjs = require("jenga-stk");
  assert.equal(cjs.StkPush.create(page.input.request).body, page.expected.body);
  assert.throws(() => cjs.StkPush.create({}), (e) => e instanceof cjs.JengaError && e instanceof Error && e.code === "validation_failed");
});

test("the three entries export the same API (adviseTransportFailure included)", () => {
  const cjs = require("jenga-stk");
  const names = Object.keys(cjs).sort();
  assert.ok(names.includes("adviseTransportFailure") && names.includes("classifyInitResponse"));
  assert.deepEqual(Object.keys(esm).sort(), names);
  const initializers = ["initialize", "initializeSync", "initializeSyncSigner", "initializeSyncSignerSync"];
  assert.deepEqual(Object.keys(web).filter((n) => !initializers.includes(n)).sort(), names);
});

test("the ESM entry", () => {
  assert.equal(esm.StkPush.create(page.input.request).body, page.expected.body);
});

test("jenga-stk/web needs initialize(), then works from bytes", async () => {
  assert.throws(() => web.StkPush.create(page.input.request), (e) => e.code === "not_initialized");
  const wasmPath = require.resolve("jenga-stk/jenga_stk_wasm_bg.wasm");
  web.initializeSync(readFileSync(wasmPath));
  await web.initialize(); // idempotent
  assert.equal(web.StkPush.create(page.input.request).body, page.expected.body);
  const signer = await web.Signer.fromPem(readFileSync(`${process.env.JENGA_ROOT}/tests/keys/test-pkcs1-2048.pem`, "utf8"));
  assert.equal((await web.StkPush.create(page.input.request).sign(signer)).signature, page.expected.signature);
});

test("jenga-stk/web loads the RSA module (SyncSigner, Verifier) only when asked", async () => {
  const pem = readFileSync(`${process.env.JENGA_ROOT}/tests/keys/test-pkcs1-2048.pem`, "utf8");
  const pub = readFileSync(`${process.env.JENGA_ROOT}/tests/keys/test-pkcs1-2048.pub.pem`, "utf8");
  web.initializeSync(readFileSync(require.resolve("jenga-stk/jenga_stk_wasm_bg.wasm")));
  // Everything else works without it; these two say what to do.
  assert.throws(() => web.SyncSigner.fromPem(pem), (e) => e instanceof web.JengaError && e.code === "not_initialized" && /initializeSyncSigner/.test(e.message));
  assert.throws(() => new web.Verifier(pub), (e) => e instanceof web.JengaError && e.code === "not_initialized");
  web.initializeSyncSignerSync(readFileSync(require.resolve("jenga-stk/jenga_stk_wasm_rsa_bg.wasm")));
  await web.initializeSyncSigner(); // idempotent
  const signed = web.StkPush.create(page.input.request).signSync(web.SyncSigner.fromPem(pem));
  assert.equal(signed.signature, page.expected.signature);
  new web.Verifier(pub).verify(signed.push.signingString, signed.signature);
});

test("in Node the RSA module is loaded on first use, by both entries", () => {
  const pem = readFileSync(`${process.env.JENGA_ROOT}/tests/keys/test-pkcs1-2048.pem`, "utf8");
  const cjs = require("jenga-stk");
  for (const api of [esm, cjs]) {
    const signed = api.StkPush.create(page.input.request).signSync(api.SyncSigner.fromPem(pem));
    assert.equal(signed.signature, page.expected.signature);
  }
});

test("the package.json is publishable", () => {
  const pkg = require("jenga-stk/package.json");
  assert.equal(pkg.name, "jenga-stk");
  assert.match(pkg.version, /^\d+\.\d+\.\d+/);
  assert.equal(pkg.engines.node, ">=18");
  assert.equal(pkg.license, "MIT OR Apache-2.0");
  assert.ok(pkg.exports["."].types && pkg.exports["."].node.import && pkg.exports["."].node.require);
  assert.ok(pkg.exports["./jenga_stk_wasm_rsa_bg.wasm"]);
});
