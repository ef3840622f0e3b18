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
