// CommonJS require, the ESM entry, and the entry for runtimes without Node APIs
// (web.mjs: what `jenga-stk` and `jenga-stk/web` are outside Node; in Node both
// are the Node entry, so it is imported here by its file).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import * as esm from "jenga-stk";
import * as webEntry from "jenga-stk/web";

const require = createRequire(import.meta.url);
// web.mjs itself: the file `jenga-stk/web` resolves to where there is no "node" condition.
const web = await import(new URL("web.mjs", `file://${require.resolve("jenga-stk/package.json")}`));
const page = JSON.parse(readFileSync(`${process.env.JENGA_ROOT}/tests/vectors/stk_push.json`, "utf8")).cases[0];

test("require('jenga-stk') works and builds the same body", () => {
  const cjs = require("jenga-stk");
  assert.equal(cjs.StkPush.create(page.input.request).body, page.expected.body);
  assert.throws(() => cjs.StkPush.create({}), (e) => e instanceof cjs.JengaError && e instanceof Error && e.code === "validation_failed");
});

test("the three entries export the same API (the client, the flow, the status query and the initializers included)", () => {
  const cjs = require("jenga-stk");
  const names = Object.keys(cjs).sort();
  for (const name of ["adviseTransportFailure", "classifyInitResponse", "JengaClient", "Payment", "PaymentFlow", "SharedTokens", "RetryPolicy", "StatusQuery", "diagnoseSignature", "initialize", "initializeSync", "initializeSyncSigner", "initializeSyncSignerSync"]) {
    assert.ok(names.includes(name), name);
  }
  assert.deepEqual(Object.keys(esm).sort(), names);
  assert.deepEqual(Object.keys(web).sort(), names);
});

test("one implementation in Node: `import` and `require` give the same classes, and errors cross", async () => {
  const cjs = require("jenga-stk");
  for (const name of Object.keys(cjs)) assert.equal(esm[name], cjs[name], name);
  // An error thrown by a function obtained through require is an instance of the imported class.
  assert.throws(() => cjs.StkPush.create({}), (e) => e instanceof esm.JengaError && e.code === "validation_failed");
  assert.throws(() => new cjs.RetryPolicy({ firstPollMs: 0 }), (e) => e instanceof esm.JengaError);
  await assert.rejects(cjs.Signer.fromPem("not a key"), (e) => e instanceof esm.JengaError);
  // And the reverse.
  assert.throws(() => esm.parseCallback("not json"), (e) => e instanceof cjs.JengaError);
  // Objects made through one are accepted by the other: the same WebAssembly instance holds them
  // (a SharedTokens is a handle into its memory, looked up by the flow).
  const pem = readFileSync(`${process.env.JENGA_ROOT}/tests/keys/test-pkcs1-2048.pem`, "utf8");
  const tokens = new cjs.SharedTokens("uat", { apiKey: "k", merchantCode: "m", consumerSecret: "s" });
  const signed = esm.StkPush.create(page.input.request).signSync(cjs.SyncSigner.fromPem(pem));
  const flow = new esm.PaymentFlow(signed, { tokens }, { seed: 1n, now: 0 });
  assert.ok(flow instanceof cjs.PaymentFlow);
  assert.equal(flow.poll(0).request.endpoint, "token");
  const body = JSON.parse(readFileSync(`${process.env.JENGA_ROOT}/tests/vectors/callbacks.json`, "utf8")).cases.find((c) => !c.error).input.body;
  const callback = cjs.parseCallback(body);
  // Evidence parsed through require is known to the imported flow (else: invalid_type, "authenticate it first").
  try {
    flow.handleCallback(callback);
  } catch (e) {
    assert.ok(e instanceof cjs.JengaError && e.code !== "invalid_type", `${e.code}: ${e.message}`);
  }
  // The testing helper too.
  const testing = await import("jenga-stk/testing");
  assert.equal(require("jenga-stk/testing").startSandbox, testing.startSandbox);
});

test("in Node the initializers of the web entry do nothing harmful on the main entries", async () => {
  await esm.initialize();
  esm.initializeSync(new Uint8Array());
  await esm.initializeSyncSigner();
  esm.initializeSyncSignerSync();
  assert.equal(esm.StkPush.create(page.input.request).body, page.expected.body);
});

test("in Node, jenga-stk/web is the Node entry too: one instance whatever the entry or the loading", () => {
  const cjs = require("jenga-stk");
  for (const name of Object.keys(cjs)) {
    assert.equal(webEntry[name], cjs[name], name);
    assert.equal(require("jenga-stk/web")[name], cjs[name], name);
  }
  assert.notEqual(web.JengaError, cjs.JengaError, "web.mjs, imported by its file, is its own module");
});

test("the ESM entry", () => {
  assert.equal(esm.StkPush.create(page.input.request).body, page.expected.body);
});

test("jenga-stk/web needs initialize(), then works from bytes; the second module is loaded only when asked", async () => {
  const pem = readFileSync(`${process.env.JENGA_ROOT}/tests/keys/test-pkcs1-2048.pem`, "utf8");
  const pub = readFileSync(`${process.env.JENGA_ROOT}/tests/keys/test-pkcs1-2048.pub.pem`, "utf8");
  assert.throws(() => web.StkPush.create(page.input.request), (e) => e.code === "not_initialized");
  const wasmPath = require.resolve("jenga-stk/jenga_stk_wasm_bg.wasm");
  web.initializeSync(readFileSync(wasmPath));
  await web.initialize(); // idempotent
  assert.equal(web.StkPush.create(page.input.request).body, page.expected.body);
  // Payments work without the second module (no key read yet) ...
  const tokens = new web.SharedTokens("uat", { apiKey: "k", merchantCode: "m", consumerSecret: "s" });
  assert.equal(tokens.grant(0).type, "refresh");
  // ... and what reads keys says what to do. Signer.fromPem fetches the module next to web.mjs,
  // which Node's fetch cannot do for a file: URL (as in a worker that imports its .wasm modules).
  await assert.rejects(web.Signer.fromPem(pem), (e) => e instanceof web.JengaError && e.code === "not_initialized" && /initializeSyncSignerSync/.test(e.message));
  assert.throws(() => web.SyncSigner.fromPem(pem), (e) => e instanceof web.JengaError && e.code === "not_initialized" && /initializeSyncSigner/.test(e.message));
  assert.throws(() => new web.Verifier(pub), (e) => e instanceof web.JengaError && e.code === "not_initialized");
  assert.throws(() => web.diagnoseSignature(page.expected.body, page.expected.signature, pub), (e) => e.code === "not_initialized");
  assert.throws(() => web.signingStringOfBody(page.expected.body), (e) => e.code === "not_initialized");
  web.initializeSyncSignerSync(readFileSync(require.resolve("jenga-stk/jenga_stk_wasm_rsa_bg.wasm")));
  await web.initializeSyncSigner(); // idempotent
  const signer = await web.Signer.fromPem(pem);
  assert.equal((await web.StkPush.create(page.input.request).sign(signer)).signature, page.expected.signature);
  const signed = web.StkPush.create(page.input.request).signSync(web.SyncSigner.fromPem(pem));
  assert.equal(signed.signature, page.expected.signature);
  new web.Verifier(pub).verify(signed.push.signingString, signed.signature);
  assert.equal(web.diagnoseSignature(signed.push.body, signed.signature, pub).ok, true);
  assert.equal(web.signingStringOfBody(signed.push.body), page.expected.signingString);
});

test("the CommonJS entry runs the client's flow too", async () => {
  const cjs = require("jenga-stk");
  const pem = readFileSync(`${process.env.JENGA_ROOT}/tests/keys/test-pkcs1-2048.pem`, "utf8");
  const signed = await cjs.StkPush.create(page.input.request).sign(await cjs.Signer.fromPem(pem));
  const tokens = new cjs.SharedTokens("uat", { apiKey: "k", merchantCode: "m", consumerSecret: "s" });
  const flow = new cjs.PaymentFlow(signed, { tokens }, { seed: 1n, now: 0 });
  assert.equal(flow.poll(0).request.endpoint, "token");
  assert.ok(new cjs.JengaClient({ credentials: { apiKey: "k", merchantCode: "m", consumerSecret: "s" }, privateKeyPem: pem, callbackUrl: "https://shop.example/cb" }) instanceof cjs.JengaClient);
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
  assert.ok(pkg.exports["."].node.import.types.endsWith(".d.mts") && pkg.exports["."].node.require.types.endsWith(".d.cts"));
  assert.ok(pkg.exports["./jenga_stk_wasm_rsa_bg.wasm"]);
});
