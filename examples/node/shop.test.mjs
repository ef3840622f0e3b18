// The Node shop against the real sandbox over HTTP: a paid order, a failed
// one, a duplicated IPN ignored, and a forged callback refused.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { IpnAuth } from "jenga-stk";
import { createShop } from "./shop.mjs";

const root = process.env.JENGA_ROOT;
const sandboxBin = process.env.JENGA_SANDBOX_BIN;
assert.ok(root && sandboxBin, "JENGA_ROOT and JENGA_SANDBOX_BIN must be set (scripts/node-example.sh)");

let shop;
const server = createServer((req, res) => shop.handle(req, res));
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const local = `http://127.0.0.1:${server.address().port}`;

const sandbox = spawn(sandboxBin, [
  "--public-key", `${root}/tests/keys/test-pkcs8-2048.pub.pem`,
  "--ipn-url", `${local}/jenga/ipn`,
  "--callback-delay-ms", "50", "--ipn-delay-ms", "50",
], { stdio: ["ignore", "pipe", "inherit"] });
const sandboxUrl = await new Promise((resolve, reject) => {
  createInterface({ input: sandbox.stdout }).once("line", resolve);
  sandbox.once("exit", (code) => reject(new Error(`sandbox exited ${code}`)));
});
after(() => {
  sandbox.kill();
  server.close();
});

shop = await createShop({
  environment: sandboxUrl,
  credentials: { apiKey: "sandbox-api-key", merchantCode: "0000000000", consumerSecret: "sandbox-consumer-secret" },
  privateKeyPem: readFileSync(`${root}/tests/keys/test-pkcs8-2048.pem`, "utf8"),
  callbackSecret: "node example test secret, 32+ bytes long",
  ipn: { username: "sandbox-ipn", password: "sandbox-ipn-password" },
  publicBaseUrl: local,
});

async function pay(order, msisdn) {
  const answer = await fetch(`${local}/checkout`, {
    method: "POST",
    body: JSON.stringify({ orderReference: order, paymentReference: `P${order}`, msisdn, amount: "2" }),
  }).then((r) => r.json());
  assert.equal(answer.type, "accepted", JSON.stringify(answer));
  await shop.settled(order, 20000);
  return fetch(`${local}/payments/${order}`).then((r) => r.json());
}

test("a paid order is confirmed by the IPN and the status query", async () => {
  const decision = await pay("NODEPAID1", "0722000000");
  assert.equal(decision.state, "paid");
  assert.equal(decision.confirmed, true);
  assert.deepEqual(decision.conflicts, []);
  assert.match(decision.mpesaReceipt, /^SBX/);
});

test("a cancelled order ends failed", async () => {
  const decision = await pay("NODEFAIL1", "0722000001");
  assert.equal(decision.state, "failed");
  assert.equal(decision.confirmed, true);
});

test("a duplicated IPN is acknowledged and ignored", async () => {
  const payment = shop.payments.get("NODEPAID1");
  const [body] = payment.ipns.values();
  const auth = new IpnAuth("sandbox-ipn", "sandbox-ipn-password").authorizationHeader();
  for (let i = 0; i < 2; i++) {
    const r = await fetch(`${local}/jenga/ipn`, { method: "POST", headers: { authorization: auth }, body });
    assert.equal(r.status, 200);
  }
  assert.equal(payment.ipns.size, 1);
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

test("an HTML 502 or a dropped connection on the push: the order is kept for the status query", async () => {
  // A provider double that answers the token call, then fails the push in the two ambiguous ways.
  let mode = "html";
  const fake = createServer((req, res) => {
    if (req.url.startsWith("/authentication/")) {
      res.writeHead(200, { "content-type": "application/json" });
      return res.end(JSON.stringify({ accessToken: "fake.access.token", expiresIn: 3600, tokenType: "Bearer" }));
    }
    if (mode === "html") {
      res.writeHead(502, { "content-type": "text/html" });
      return res.end("<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>");
    }
    req.socket.destroy(); // the connection drops before any answer
  });
  await new Promise((resolve) => fake.listen(0, "127.0.0.1", resolve));
  try {
    const lines = [];
    const flaky = await createShop({
      environment: `http://127.0.0.1:${fake.address().port}`,
      credentials: { apiKey: "k", merchantCode: "0000000000", consumerSecret: "s" },
      privateKeyPem: readFileSync(`${root}/tests/keys/test-pkcs8-2048.pem`, "utf8"),
      callbackSecret: "node example test secret, 32+ bytes long",
      ipn: { username: "u", password: "p" },
      publicBaseUrl: local,
      log: (line) => lines.push(line),
    });
    const html = await flaky.checkout({ orderReference: "NODE502", paymentReference: "PNODE502", msisdn: "+254 722-000-000", amount: "2" });
    assert.equal(html.type, "rejected");
    assert.equal(html.kind, "server_error");
    assert.equal(html.action, "check_status_first");
    assert.equal(html.bodyExcerpt, "502 Bad Gateway nginx");
    assert.ok(flaky.payments.has("NODE502"), "an order that may be on the phone is kept");
    assert.equal(flaky.payments.get("NODE502").push.msisdn, "254722000000");
    mode = "drop";
    const dropped = await flaky.checkout({ orderReference: "NODEDROP", paymentReference: "PNODEDROP", msisdn: "0722000000", amount: "2" });
    assert.deepEqual(dropped, { type: "no_answer", failure: "connection_lost", action: "check_status_first" });
    assert.ok(flaky.payments.has("NODEDROP"));
    assert.deepEqual(lines, [
      "checkout NODE502: rejected (server_error, check_status_first)",
      "checkout NODEDROP: no_answer (connection_lost, check_status_first)",
    ]);
  } finally {
    fake.close();
  }
});
