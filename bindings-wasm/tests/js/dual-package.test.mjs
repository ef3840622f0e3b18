// The dual-package hazard, measured: in one Node process that loads the
// package by `import` AND by `require` (and `jenga-stk/web` both ways),
// exactly one WebAssembly instance of each module is made (WebAssembly.Instance
// and instantiate are counted from before the package loads), and there is one
// JengaError class.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";

const made = [];
const Instance = WebAssembly.Instance;
WebAssembly.Instance = new Proxy(Instance, {
  construct(target, args, newTarget) {
    made.push(WebAssembly.Module.exports(args[0]).length);
    return Reflect.construct(target, args, newTarget);
  },
});
const instantiate = WebAssembly.instantiate;
WebAssembly.instantiate = async (...args) => {
  const result = await instantiate(...args);
  made.push(WebAssembly.Module.exports(result.module ?? args[0]).length);
  return result;
};

const require = createRequire(import.meta.url);
const root = process.env.JENGA_ROOT;

test("import and require in one process: one WebAssembly instance per module, one JengaError", async () => {
  const esm = await import("jenga-stk");
  const cjs = require("jenga-stk");
  const webImported = await import("jenga-stk/web");
  const webRequired = require("jenga-stk/web");
  assert.equal(made.length, 1, `main module instances: ${made.length}`);
  assert.equal(esm.JengaError, cjs.JengaError);
  assert.equal(webImported.JengaError, cjs.JengaError);
  assert.equal(webRequired.JengaError, cjs.JengaError);
  let thrown;
  try {
    cjs.classifyInitResponse(99, "");
  } catch (e) {
    thrown = e;
  }
  assert.ok(thrown instanceof esm.JengaError, "an error from a required function is an instance of the imported JengaError");
  // Both use the second module (key reading): still one instance of it.
  const pem = readFileSync(`${root}/tests/keys/test-pkcs1-2048.pem`, "utf8");
  const a = esm.SyncSigner.fromPem(pem).sign("x");
  const b = cjs.SyncSigner.fromPem(pem).sign("x");
  assert.equal(a, b);
  await esm.Signer.fromPem(pem);
  await cjs.Signer.fromPem(pem);
  assert.equal(made.length, 2, `instances after both used the second module: ${made.length}`);
  assert.notEqual(made[0], made[1], "the two instances are of the two modules");
  // Loading again through either path makes none.
  await import("jenga-stk");
  require("jenga-stk");
  assert.equal(made.length, 2);
});
