// The Node shop against the real sandbox over HTTP: a paid order, a failed
// one, a push refused at initiation, a duplicated IPN ignored, a forged
// callback refused, and lost push answers that never prompt twice. The
// sandbox is started by the package's test helper, as in a shop's own CI.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import { IpnAuth } from "jenga-stk";
import { startSandbox } from "jenga-stk/testing"; // jenga-sandbox from JENGA_SANDBOX_BIN or PATH
import { createShop } from "./shop.mjs";

const root = process.env.JENGA_ROOT;
assert.ok(root, "JENGA_ROOT must be set (scripts/node-example.sh)");

let shop;
const server = createServer((req, res) => shop.handle(req, res));
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const local = `http://127.0.0.1:${server.address().port}`;

const sandbox = await startSandbox({
  publicKeyPath: `${root}/tests/keys/test-pkcs8-2048.pub.pem`,
  ipnUrl: `${local}/jenga/ipn`,
  callbackDelayMs: 50,
  ipnDelayMs: 50,
});
const sandboxUrl = sandbox.baseUrl;
after(async () => {
  await sandbox.stop();
  server.close();
});

const lines = [];
shop = createShop({
  environment: sandboxUrl,
  credentials: sandbox.credentials,
  privateKeyPem: readFileSync(`${root}/tests/keys/test-pkcs8-2048.pem`, "utf8"),
  callbackSecret: "node example test secret, 32+ bytes long",
  ipn: sandbox.ipn,
  publicBaseUrl: local,
  // Quick polls, so a test never waits long.
  retryPolicy: { firstPollMs: 200, confirmDelayMs: 50, initialBackoffMs: 20, maxPollIntervalMs: 300 },
  log: (line) => lines.push(line),
});

async function checkout(order, msisdn) {
  return fetch(`${local}/checkout`, { method: "POST", body: JSON.stringify({ orderReference: order, msisdn, amount: "2" }) }).then((r) => r.json());
}

async function pay(order, msisdn) {
  assert.deepEqual(await checkout(order, msisdn), { status: "pending" });
  const outcome = await shop.outcome(order);
  const view = await fetch(`${local}/payments/${order}`).then((r) => r.json());
  return { outcome, view };
}

test("a paid order: one prompt, paid, confirmed", async () => {
  const { outcome, view } = await pay("NODEPAID1", "0722000000");
  assert.equal(outcome.kind, "paid");
  assert.equal(outcome.reconciliation.confirmed, true);
  assert.deepEqual(outcome.reconciliation.conflicts, []);
  assert.equal(view.status, "paid");
  assert.match(view.receipt, /^SBX/);
  assert.equal((await sandbox.counters()).pushes.NODEPAID1, 1);
});

test("a cancelled order ends failed", async () => {
  const { outcome, view } = await pay("NODEFAIL1", "0722000001");
  assert.equal(outcome.kind, "failed");
  assert.equal(view.status, "failed");
});

test("a push refused at initiation: nothing reached the customer", async () => {
  assert.deepEqual(await checkout("NODEREFUSED", "0722000005"), { status: "rejected", reason: "push_failed" });
});

test("a duplicated IPN is acknowledged and ignored; a wrong password is refused", async () => {
  await sandbox.settle(5000);
  const [body] = JSON.parse(shop.orders.get("NODEPAID1").saved).ipns; // the IPN as received
  assert.ok(body, "the paid order kept its IPN");
  const auth = new IpnAuth(sandbox.ipn.username, sandbox.ipn.password).authorizationHeader();
  for (let i = 0; i < 2; i++) {
    const r = await fetch(`${local}/jenga/ipn`, { method: "POST", headers: { authorization: auth }, body });
    assert.equal(r.status, 200);
  }
  await shop.outcome("NODEPAID1");
  assert.equal(JSON.parse(shop.orders.get("NODEPAID1").saved).ipns.length, 1);
  assert.equal(shop.orders.get("NODEPAID1").outcome.kind, "paid");
  const wrong = await fetch(`${local}/jenga/ipn`, { method: "POST", headers: { authorization: "Basic d3Jvbmc6d3Jvbmc=" }, body });
  assert.equal(wrong.status, 401);
});

test("a forged callback is refused", async () => {
  const forged = await fetch(`${local}/jenga/callback?jenga_order=NODEPAID1&jenga_payment=PNODEPAID1&jenga_token=AAAA`, {
    method: "POST",
    body: "{}",
  });
  assert.equal(forged.status, 401);
  assert.deepEqual(await forged.json(), { error: "callback_token_invalid" });
});

test("an HTML 504 or a dropped connection after the push was accepted: asked about, one prompt, paid", async () => {
  await sandbox.fault([
    { endpoint: "init", fault: "server_error_html", status: 504, afterAccept: true },
    { endpoint: "init", fault: "drop_after_accept" },
  ]);
  for (const order of ["NODE504", "NODEDROP"]) {
    const { outcome } = await pay(order, "+254 722-000-000");
    assert.equal(outcome.kind, "paid", order);
    assert.equal((await sandbox.counters()).pushes[order], 1, `${order}: one prompt`);
  }
  assert.ok(lines.includes("checkout NODE504: the prompt is on the phone"), lines.join("\n"));
  assert.ok(lines.includes("checkout NODEREFUSED: rejected (push_failed)"), lines.join("\n"));
});
