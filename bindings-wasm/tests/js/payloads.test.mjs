// Side fields never fail a payload (issue 13): callbacks and IPNs without
// their optional fields, an IPN that did not come from a push, the currency
// in the reconciliation, payments that disagree, and phone numbers as people
// type them. Through the npm package installed from its tarball.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as jenga from "jenga-stk";

const root = process.env.JENGA_ROOT;
assert.ok(root, "JENGA_ROOT must point at the repository");
const templates = JSON.parse(readFileSync(join(root, "tests/hostile/hostile.json"), "utf8")).templates;
const page = () => JSON.parse(templates.request);
const ipnOf = (edit) => {
  const ipn = JSON.parse(templates.ipn);
  edit(ipn);
  return JSON.stringify(ipn);
};

test("an IPN without customer.reference parses, with orderReference null", () => {
  const ipn = jenga.parseIpn(ipnOf((i) => delete i.customer.reference));
  assert.equal(ipn.orderReference, null);
  assert.equal(ipn.customer.reference, null);
  assert.equal(ipn.dedupeKey, "SH90HU7FO2");
  assert.equal(ipn.transaction.status, "SUCCESS");
  // With it, the reference is the order's.
  assert.equal(jenga.parseIpn(templates.ipn).orderReference, "OR28922980077");
});

test("an IPN without date, payment mode or currency parses with nulls", () => {
  const ipn = jenga.parseIpn(
    ipnOf((i) => {
      delete i.transaction.date;
      delete i.transaction.paymentMode;
      delete i.transaction.currency;
    }),
  );
  assert.deepEqual([ipn.transaction.date, ipn.transaction.paymentMode, ipn.transaction.currency], [null, null, null]);
  assert.equal(ipn.transaction.amount, "2");
  const odd = jenga.parseIpn(ipnOf((i) => (i.transaction.date = "yesterday")));
  assert.equal(odd.transaction.date, null);
  assert.equal(jenga.parseIpn(templates.ipn).transaction.date, "2024-08-09T16:22:50+03:00");
});

test("a callback without its side fields parses; a masked phone is kept as sent", () => {
  const callback = JSON.parse(templates.callback);
  const stk = callback.data.Body.stkCallback;
  delete stk.MerchantRequestID;
  delete stk.CheckoutRequestID;
  delete stk.ResultDesc;
  stk.CallbackMetadata.Item = stk.CallbackMetadata.Item.filter((item) => item.Name !== "TransactionDate").map((item) =>
    item.Name === "PhoneNumber" ? { Name: "PhoneNumber", Value: "2547*****000" } : item,
  );
  const parsed = jenga.parseCallback(JSON.stringify(callback));
  assert.deepEqual([parsed.merchantRequestId, parsed.checkoutRequestId, parsed.resultDesc], [null, null, null]);
  assert.equal(parsed.outcome.result, "paid");
  assert.equal(parsed.outcome.mpesaReceipt, "SH90HU7FO2");
  assert.equal(parsed.outcome.phoneNumber, "2547*****000");
  assert.equal(parsed.outcome.transactionDate, null);
  // 1031 is a cancellation.
  stk.ResultCode = 1031;
  delete stk.CallbackMetadata;
  assert.deepEqual(jenga.parseCallback(JSON.stringify(callback)).outcome, { result: "failed", reason: "cancelled" });
});

test("the reconciliation states the currency paid and whether it is confirmed", () => {
  const expected = { orderReference: "OR28922980077", amount: "2", currency: "KES" };
  const paid = jenga.reconcile(expected, { ipns: [templates.ipn] });
  assert.deepEqual([paid.state, paid.currencyPaid, paid.currencyConfirmed, paid.conflicts], ["paid", "KES", true, []]);
  const noCurrency = jenga.reconcile(expected, { ipns: [ipnOf((i) => delete i.transaction.currency)] });
  assert.deepEqual([noCurrency.state, noCurrency.currencyPaid, noCurrency.currencyConfirmed], ["paid", null, false]);
  const pending = jenga.reconcile(expected, {});
  assert.deepEqual([pending.state, pending.currencyPaid, pending.currencyConfirmed], ["pending", null, false]);
});

test("two successful IPNs naming different receipts are payments_disagree, in any order", () => {
  const expected = { orderReference: "OR28922980077", amount: "2", currency: "KES" };
  const first = templates.ipn;
  const second = ipnOf((i) => (i.transaction.reference = "SH90HU7FO3"));
  const one = jenga.reconcile(expected, { ipns: [first, second] });
  const other = jenga.reconcile(expected, { ipns: [second, first] });
  assert.equal(one.state, "paid");
  assert.deepEqual(
    one.conflicts.map((c) => [c.kind, c.sources]),
    [["payments_disagree", ["ipn"]]],
  );
  assert.deepEqual(other, one);
  // An IPN about no order is ignored and named, not fatal.
  const stray = jenga.reconcile(expected, { ipns: [ipnOf((i) => delete i.customer.reference)] });
  assert.equal(stray.state, "pending");
  assert.deepEqual(stray.conflicts.map((c) => c.kind), ["reference_mismatch"]);
});

test("a phone number as people type it is sent as digits only", () => {
  const request = page();
  request.payment.details.msisdn = "+254 722-000-000";
  request.customer.phoneNumber = "00254 (722) 000.111";
  const push = jenga.StkPush.create(request);
  assert.equal(push.msisdn, "254722000000");
  assert.equal(push.signingString, "OR28922980077KES2547220000002");
  assert.ok(push.body.includes('"msisdn":"254722000000"'), push.body);
  assert.ok(!/[+() ]/.test(JSON.parse(push.body).customer.phoneNumber + JSON.parse(push.body).payment.details.msisdn), push.body);
  // The local form, asked for, is still available.
  assert.equal(jenga.StkPush.create(request, { phoneFormat: "local" }).msisdn, "0722000000");
});
