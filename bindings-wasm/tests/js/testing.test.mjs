// `jenga-stk/testing` from the installed tarball: startSandbox finds the
// binary (option, JENGA_SANDBOX_BIN, PATH) or says how to install it, starts
// it on a free port with flags from options, drives its control API, and
// stops it. (Every client test also starts its sandbox through it.)
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { dirname } from "node:path";
import { JengaError } from "jenga-stk";
import { startSandbox, findSandbox } from "jenga-stk/testing";

const require = createRequire(import.meta.url);
const root = process.env.JENGA_ROOT;
const bin = process.env.JENGA_SANDBOX_BIN;
const publicKeyPath = `${root}/tests/keys/test-pkcs8-2048.pub.pem`;

/** Runs `fn` with environment variables changed, then puts them back. */
async function withEnv(vars, fn) {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(vars)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

test("the same functions and errors through require", () => {
  assert.equal(require("jenga-stk/testing").startSandbox, startSandbox);
  assert.equal(require("jenga-stk/testing").findSandbox, findSandbox);
});

test("the binary: the option, else JENGA_SANDBOX_BIN, else PATH; else a clear error", async () => {
  assert.equal(findSandbox(bin), bin);
  await withEnv({ JENGA_SANDBOX_BIN: bin, PATH: "" }, () => assert.equal(findSandbox(), bin));
  await withEnv({ JENGA_SANDBOX_BIN: undefined, PATH: dirname(bin) }, () => assert.equal(findSandbox(), bin));
  await withEnv({ JENGA_SANDBOX_BIN: undefined, PATH: "/nonexistent" }, async () => {
    assert.throws(findSandbox, (e) => e instanceof JengaError && e.code === "sandbox_not_found" && /cargo install --path sandbox/.test(e.message) && /pip install/.test(e.message));
    await assert.rejects(startSandbox({ publicKeyPath }), (e) => e instanceof JengaError && e.code === "sandbox_not_found");
  });
  assert.throws(() => findSandbox(publicKeyPath), (e) => e.code === "sandbox_not_found" && e.field === "binary", "not executable");
  await withEnv({ JENGA_SANDBOX_BIN: "/nonexistent/jenga-sandbox" }, () =>
    assert.throws(findSandbox, (e) => e.code === "sandbox_not_found" && /JENGA_SANDBOX_BIN/.test(e.message)),
  );
});

test("bad options are JengaErrors, before anything starts", async () => {
  for (const options of [undefined, null, 42]) await assert.rejects(startSandbox(options), (e) => e instanceof JengaError && e.code === "invalid_type");
  await assert.rejects(startSandbox({}), (e) => e.code === "invalid_option" && e.field === "publicKeyPem");
  await assert.rejects(startSandbox({ publicKeyPath, publicKeyPem: "x" }), (e) => e.code === "invalid_option");
  await assert.rejects(startSandbox({ publicKeyPath, callbackDelayMs: {} }), (e) => e.code === "invalid_type" && e.field === "callbackDelayMs");
  await assert.rejects(startSandbox({ publicKeyPath, "--bind": "x" }), (e) => e.code === "invalid_option");
});

test("a sandbox from the key's text, flags from options: counters, faults, reset, stop", async () => {
  const sandbox = await startSandbox({
    publicKeyPem: readFileSync(publicKeyPath, "utf8"),
    callbackDelayMs: 20,
    ipnDelayMs: 20,
    apiKey: "my-api-key",
    sendFailedIpns: false,
  });
  try {
    assert.match(sandbox.baseUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(sandbox.credentials.apiKey, "my-api-key", "the apiKey flag was passed and is reported");
    const token = (key) =>
      fetch(`${sandbox.baseUrl}/authentication/api/v3/authenticate/merchant`, {
        method: "POST",
        headers: { "Api-Key": key, "content-type": "application/json" },
        body: JSON.stringify({ merchantCode: sandbox.credentials.merchantCode, consumerSecret: sandbox.credentials.consumerSecret }),
      }).then((r) => r.status);
    assert.equal(await token("sandbox-api-key"), 401, "the default key is refused: --api-key reached the binary");
    assert.equal(await token("my-api-key"), 200);
    let c = await sandbox.counters();
    assert.equal(c.tokenRequests, 2);
    assert.equal(c.tokensIssued, 1);
    const pending = await sandbox.fault({ endpoint: "init", fault: "drop_after_accept" });
    assert.deepEqual(pending.map((f) => f.fault), ["drop_after_accept"]);
    await assert.rejects(sandbox.fault({ endpoint: "token", fault: "drop_after_accept" }), (e) => e instanceof JengaError && e.code === "sandbox_refused" && /init_only/.test(e.message));
    await sandbox.clearFaults();
    assert.deepEqual(await sandbox.deliveries({ callback: "twice" }), { callback: "twice", ipn: "normal", callbackDelayMs: null, ipnDelayMs: null });
    assert.equal((await sandbox.settle(1000)).settled, true);
    await sandbox.expireTokens();
    await sandbox.reset();
    c = await sandbox.counters();
    assert.equal(c.tokenRequests, 0);
  } finally {
    const log = await sandbox.stop();
    assert.equal(typeof log, "string");
  }
  await assert.rejects(fetch(`${sandbox.baseUrl}/sandbox/health`), "stopped: nothing listens");
  assert.equal(await sandbox.stop(), await sandbox.stop(), "stop() again is harmless");
});

test("a sandbox that cannot start: sandbox_failed with its log", async () => {
  await assert.rejects(startSandbox({ publicKeyPem: "not a key" }), (e) => {
    assert.ok(e instanceof JengaError);
    assert.equal(e.code, "sandbox_failed");
    assert.ok(e.message.length > 60, e.message);
    return true;
  });
  await assert.rejects(startSandbox({ publicKeyPath, noSuchFlag: 1 }), (e) => e.code === "sandbox_failed" && /no-such-flag/.test(e.message));
});
