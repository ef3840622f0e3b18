// Wrong JavaScript input of any shape is a JengaError, never a trap or an
// abort: after each hostile call the module still works.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as jenga from "jenga-stk";

const root = process.env.JENGA_ROOT;
const pem = readFileSync(join(root, "tests/keys/test-pkcs1-2048.pem"), "utf8");
const page = JSON.parse(readFileSync(join(root, "tests/vectors/stk_push.json"), "utf8")).cases[0].input.request;

function stillWorks() {
  const push = jenga.StkPush.create(page);
  assert.equal(push.signingString, "OR28922980077KES07220000002");
}

function expectJengaError(fn, code) {
  let thrown;
  try {
    const r = fn();
    if (r && typeof r.then === "function") throw new Error("async: use expectReject");
  } catch (e) {
    thrown = e;
  }
  assert.ok(thrown instanceof jenga.JengaError, `expected JengaError, got ${thrown}`);
  assert.ok(thrown instanceof Error);
  assert.equal(thrown.name, "JengaError");
  assert.equal(typeof thrown.code, "string");
  if (code) assert.equal(thrown.code, code, thrown.message);
  stillWorks();
  return thrown;
}

const cyclic = { order: {} };
cyclic.order.self = cyclic;
const huge = "x".repeat(20 * 1024 * 1024);

const hostileRequests = [
  undefined, null, 0, 42, NaN, "text", true, [], [page], () => 1, Symbol("s"), 10n,
  cyclic, { order: 10n }, {}, { order: null }, { order: [] }, { order: "x" }, { ...page, order: { ...page.order, orderAmount: 1e21 } },
  { ...page, order: { ...page.order, orderAmount: Infinity } }, { ...page, order: { ...page.order, orderReference: huge.slice(0, 70000) } },
  JSON.parse('{"__proto__": {"polluted": true}, "order": {}}'), Object.create({ order: page.order }),
  { ...page, payment: { ...page.payment, details: { msisdn: "٠٧٢٢٠٠٠٠٠٠", paymentAmount: "２" } } },
  { ...page, customer: { ...page.customer, name: "a\u0000b" } },
];

test("hostile requests are JengaErrors and the module keeps working", () => {
  for (const bad of hostileRequests) {
    expectJengaError(() => jenga.StkPush.create(bad));
  }
  expectJengaError(() => jenga.StkPush.create(page, "two"), "invalid_type");
  expectJengaError(() => jenga.StkPush.create(page, { amountDecimals: "three" }));
  expectJengaError(() => jenga.StkPush.fromJson(huge), "body_too_large");
  expectJengaError(() => jenga.StkPush.fromJson(12), "invalid_type");
  expectJengaError(() => jenga.StkPush.fromJson("{".repeat(100000)));
  expectJengaError(() => jenga.StkPush.fromJson("\uD800"));
});

test("validation reports every problem with its field", () => {
  const e = expectJengaError(() => jenga.StkPush.create({}), "validation_failed");
  assert.ok(e.problems.length >= 14);
  assert.deepEqual(e.problems[0].field, "order.orderReference");
  assert.equal(e.field, "order.orderReference");
  assert.ok(Object.isFrozen(e.problems));
});

test("a polluted Object.prototype changes nothing", () => {
  Object.prototype.amountDecimals = "two";
  Object.prototype.orderAmount = 999;
  try {
    const push = jenga.StkPush.create(page, {});
    assert.match(push.body, /"paymentAmount":2}/);
  } finally {
    delete Object.prototype.amountDecimals;
    delete Object.prototype.orderAmount;
  }
});

test("parsers take any body shape", () => {
  // Wrong JavaScript types are invalid_type everywhere; a body over 16 MiB is refused before WebAssembly.
  const parsers = [jenga.parseCallback, jenga.parseIpn, jenga.signingStringOfBody, (b) => jenga.classifyInitResponse(200, b), (b) => jenga.parseStatusResponse(200, b)];
  for (const body of [undefined, null, 12, {}, []]) {
    for (const fn of parsers) expectJengaError(() => fn(body), "invalid_type");
  }
  for (const fn of parsers) expectJengaError(() => fn(huge), "body_too_large");
  // Bytes that are not the provider's JSON: the payloads refuse them; the answers of the push and
  // of the status query classify them (issue 13: every answer classifies, a 2xx that cannot be read
  // is invalid_response), and so never throw.
  const unreadable = ["", "not json", "{", "[1,2]", new Uint8Array([0xff, 0xfe, 0]), new ArrayBuffer(3), "\uD800", "{".repeat(5000)];
  for (const body of unreadable) {
    for (const fn of [jenga.parseCallback, jenga.parseIpn, jenga.signingStringOfBody]) expectJengaError(() => fn(body));
    const init = jenga.classifyInitResponse(200, body);
    assert.deepEqual([init.type, init.kind, init.action], ["rejected", "invalid_response", "check_status_first"], String(body));
    const status = jenga.parseStatusResponse(200, body);
    assert.deepEqual([status.type, status.kind, status.action], ["rejected", "invalid_response", "retry_with_backoff"], String(body));
    stillWorks();
  }
  for (const status of [undefined, "200", 99, 600, 200.5, NaN]) {
    expectJengaError(() => jenga.classifyInitResponse(status, "{}"), "invalid_type");
  }
  for (const now of [undefined, "2021-01-01", new Date("nope"), Infinity, {}]) {
    expectJengaError(() => jenga.parseTokenResponse(200, '{"accessToken":"a"}', now), "invalid_type");
  }
});

test("keys, secrets and signatures", async () => {
  for (const bad of [undefined, 1, "", "garbage", huge.slice(0, 100000), pem.replace("MII", "XXX")]) {
    expectJengaError(() => jenga.SyncSigner.fromPem(bad));
    await assert.rejects(jenga.Signer.fromPem(bad), (e) => e instanceof jenga.JengaError);
  }
  expectJengaError(() => new jenga.CallbackUrls("short"), "validation_failed");
  expectJengaError(() => new jenga.CallbackUrls(42), "invalid_type");
  expectJengaError(() => new jenga.IpnAuth(undefined, "p"), "invalid_type");
  const push = jenga.StkPush.create(page);
  for (const bad of ["", "not base64!", 5, null]) expectJengaError(() => push.withSignature(bad));
  await assert.rejects(push.sign({ sign: () => "x" }), (e) => e instanceof jenga.JengaError && e.code === "invalid_type");
  expectJengaError(() => new jenga.TokenState("uat", null), "invalid_type");
  expectJengaError(() => new jenga.TokenState("uat", { apiKey: "a", merchantCode: "m", consumerSecret: "s" }, { marginSeconds: -1 }), "invalid_option");
  expectJengaError(() => new jenga.TokenState("ftp://x", { apiKey: "a", merchantCode: "m", consumerSecret: "s" }));
  expectJengaError(() => jenga.reconcile(null, {}), "invalid_type");
  expectJengaError(() => jenga.reconcile({ orderReference: "x", amount: {} }, {}), "invalid_type");
  expectJengaError(() => jenga.reconcile({ orderReference: "x" }, { ipns: "nope" }), "invalid_type");
  // Evidence must be a status body that found the order; an unreadable one is refused, not reconciled.
  const e = expectJengaError(() => jenga.reconcile({ orderReference: "x" }, { status: "<html>502</html>" }), "invalid_field");
  assert.equal(e.field, "evidence.status");
  for (const [endpoint, failure, field] of [["push", "timeout", "endpoint"], ["init", "reset", "failure"], [undefined, "timeout", "endpoint"], ["init", 3, "failure"]]) {
    const e = expectJengaError(() => jenga.adviseTransportFailure(endpoint, failure), "invalid_type");
    assert.equal(e.field, field);
  }
});

test("a RetryPolicy that would spin is refused by the core's validate(): every problem, named as the options are", () => {
  let thrown;
  try {
    new jenga.RetryPolicy({ maxPushes: 0, firstPollMs: 0, confirmDelayMs: 0, tokenWaitMs: 0, initialBackoffMs: 10, maxBackoffMs: 5 });
  } catch (e) {
    thrown = e;
  }
  assert.ok(thrown instanceof jenga.JengaError);
  assert.equal(thrown.code, "validation_failed");
  assert.deepEqual(
    thrown.problems.map((p) => [p.field, p.code]),
    [
      ["policy.maxPushes", "invalid_option"],
      ["policy.confirmDelayMs", "invalid_option"],
      ["policy.firstPollMs", "invalid_option"],
      ["policy.tokenWaitMs", "invalid_option"],
      ["policy.maxBackoffMs", "invalid_option"],
    ],
  );
  assert.equal(thrown.field, "policy.maxPushes");
  assert.doesNotMatch(thrown.message, /policy\.(firstPoll|confirmDelay|tokenWait|maxBackoff)\b/, "the core's names, not the options'");
  assert.match(thrown.problems[4].message, /initialBackoffMs/);
  // A cap below its start, and the same refusal from every place a policy is given.
  expectJengaError(() => new jenga.RetryPolicy({ firstPollMs: 5000, maxPollIntervalMs: 1000 }), "validation_failed");
  const tokens = new jenga.SharedTokens("uat", { apiKey: "k", merchantCode: "m", consumerSecret: "s" });
  const signed = jenga.StkPush.create(page).signSync(jenga.SyncSigner.fromPem(pem));
  expectJengaError(() => new jenga.PaymentFlow(signed, { tokens }, { policy: { firstPollMs: 0 } }), "validation_failed");
  expectJengaError(() => new jenga.StatusQuery("OR1", tokens, { policy: { requestTimeoutMs: 0 } }), "validation_failed");
  expectJengaError(
    () => new jenga.JengaClient({ credentials: { apiKey: "k", merchantCode: "m", consumerSecret: "s" }, privateKeyPem: pem, callbackUrl: "https://shop.example/cb", retryPolicy: { timeoutMs: 0 } }),
    "validation_failed",
  );
  assert.equal(new jenga.RetryPolicy({ firstPollMs: 1, confirmDelayMs: 1, tokenWaitMs: 1, maxPollIntervalMs: 1 }).firstPollMs, 1, "1 ms is allowed");
  stillWorks();
});

test("the payment flow's bad input and misuse are JengaErrors with their codes", async () => {
  const signed = jenga.StkPush.create(page).signSync(jenga.SyncSigner.fromPem(pem));
  const tokens = new jenga.SharedTokens("uat", { apiKey: "k", merchantCode: "m", consumerSecret: "s" });
  const trap = new Proxy({}, { get: () => { throw new Error("trap"); }, ownKeys: () => { throw new Error("trap"); } });
  const make = (context, options) => new jenga.PaymentFlow(signed, context, options);
  for (const push of [undefined, null, {}, page, jenga.StkPush.create(page), trap]) {
    expectJengaError(() => new jenga.PaymentFlow(push, { tokens }), "invalid_type");
  }
  for (const context of [undefined, null, {}, { tokens: {} }, { tokens, callbackUrls: {} }, { tokens, callbackUrls: signed }, trap]) {
    expectJengaError(() => make(context), "invalid_type");
  }
  for (const seed of [-1, 1.5, "1", -1n, 1n << 64n, NaN]) expectJengaError(() => make({ tokens }, { seed }), "invalid_type");
  for (const now of ["2024", NaN, Infinity, {}, trap]) expectJengaError(() => make({ tokens }, { now }), "invalid_type");
  expectJengaError(() => make({ tokens }, { policy: { firstPollMs: -1 } }), "invalid_option");
  expectJengaError(() => make({ tokens }, { policy: { maxPushes: 2 ** 32 } }), "invalid_option");
  expectJengaError(() => make({ tokens }, { policy: { timeoutMs: 1e15 } }), "invalid_option");
  expectJengaError(() => make({ tokens }, { policy: { firstPollMs: "100" } }), "invalid_type");
  expectJengaError(() => make({ tokens }, { policy: { firstPol: 1 } }), "invalid_option");
  expectJengaError(() => make({ tokens }, { policy: trap }), "invalid_type");
  expectJengaError(() => make({ tokens }, { statusSignature: "not base64!" }), "invalid_signature_encoding");

  const flow = make({ tokens }, { seed: 3n, now: 0 });
  expectJengaError(() => flow.handleResponse(0, 200, null, "{}"), "flow_idle");
  expectJengaError(() => flow.handleTransportFailure(0, "timeout"), "flow_idle");
  assert.equal(flow.poll(0).type, "send");
  expectJengaError(() => flow.poll(0), "flow_busy");
  for (const status of [0, 99, 600, 200.5, "200", null]) expectJengaError(() => flow.handleResponse(0, status, null, "{}"), "invalid_type");
  expectJengaError(() => flow.handleResponse(0, 200, 5, "{}"), "invalid_type");
  expectJengaError(() => flow.handleResponse(0, 200, null, 42), "invalid_type");
  expectJengaError(() => flow.handleTransportFailure(0, "reset"), "invalid_type");
  expectJengaError(() => flow.handleTransportFailure(0, undefined), "invalid_type");
  // Bad input did not consume the awaited answer: the flow still takes it.
  flow.handleTransportFailure(0, "connect_failed");
  for (const evidence of [undefined, null, "{}", {}, new Uint8Array(2), trap]) {
    expectJengaError(() => flow.handleCallback(evidence), "invalid_type");
    expectJengaError(() => flow.handleIpn(evidence), "invalid_type");
  }
  for (const saved of [undefined, 42, trap]) expectJengaError(() => jenga.PaymentFlow.fromJSON(saved, { tokens }), "invalid_type");
  for (const saved of ["", "{}", "[]", "null", '{"version":2}', JSON.stringify({ ...flow.toJSON(), phase: "flying" }), "x".repeat(100)]) {
    expectJengaError(() => jenga.PaymentFlow.fromJSON(saved, { tokens }), "flow_state_invalid");
  }
  expectJengaError(() => jenga.PaymentFlow.fromJSON("x".repeat(20 * 1024 * 1024), { tokens }), "body_too_large");
  assert.equal(jenga.PaymentFlow.fromJSON(flow.toJSON(), { tokens }).phase, "starting");

  for (const options of [undefined, null, 42, {}, { credentials: null }, trap]) expectJengaError(() => new jenga.JengaClient(options));
  const client = new jenga.JengaClient({ credentials: { apiKey: "k", merchantCode: "m", consumerSecret: "s" }, privateKeyPem: pem, callbackUrl: "https://x.example/cb", fetch: () => Promise.reject(new Error("unused")) });
  for (const details of [undefined, null, 42, trap]) await assert.rejects(client.startPayment(details), (e) => e instanceof jenga.JengaError && e.code === "invalid_type");
  await assert.rejects(client.startPayment({}, { signal: {} }), (e) => e.code === "invalid_type" && e.field === "signal");
  await assert.rejects(client.queryStatus(42), (e) => e.code === "invalid_type");
  expectJengaError(() => client.resume(42), "invalid_type");
});
