// JengaClient against the sandbox over real HTTP (the package installed from its
// tarball): one test per fault, each asserting on the sandbox's own counters.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import * as jenga from "jenga-stk";
import { start, details, FAST, CREDENTIALS, PRIVATE_KEY } from "./sandbox.mjs";

let sb;
before(async () => {
  sb = await start(jenga);
});
after(() => sb?.stop());
beforeEach(() => sb.reset());

/** Starts a payment for `order`, has the server hand it its deliveries, waits for the outcome. */
async function pay(client, order, phone) {
  const payment = await client.startPayment(details(order, phone));
  const tracked = sb.track(payment);
  const outcome = await payment.wait();
  return { payment, outcome, tracked };
}

test("a payment: pushed once, paid, confirmed", async () => {
  const client = sb.client();
  const payment = await client.startPayment(details("CLPAID1"));
  assert.equal(payment.phase, "waiting");
  assert.ok(payment.pushKnown);
  assert.equal(payment.accepted.type, "accepted");
  const outcome = await payment.wait();
  assert.equal(outcome.kind, "paid");
  assert.equal(outcome.reconciliation.confirmed, true);
  assert.match(outcome.reconciliation.mpesaReceipt, /^SBX/);
  assert.equal(outcome.reconciliation.amountPaid, "2");
  assert.deepEqual(outcome.paymentReferences, [payment.paymentReference]);
  const c = await sb.counters();
  assert.equal(c.pushes.CLPAID1, 1);
  assert.equal(c.tokenRequests, 1);
});

test("a cancelled payment ends failed; a push refused at initiation is payment_rejected (nothing reached the customer)", async () => {
  const client = sb.client();
  const { outcome } = await pay(client, "CLFAIL1", "0722000001");
  assert.equal(outcome.kind, "failed");
  assert.equal(outcome.reconciliation.state, "failed");
  await assert.rejects(client.startPayment(details("CLREFUSED1", "0722000005")), (e) => {
    assert.ok(e instanceof jenga.JengaError);
    assert.equal(e.code, "payment_rejected");
    assert.equal(e.outcome.kind, "rejected");
    assert.equal(e.rejection.kind, "push_failed");
    return true;
  });
  assert.equal((await sb.counters()).pushes.CLREFUSED1, undefined);
});

test("the answer to an accepted push is dropped: the status is asked, never a second prompt; paid", async () => {
  await sb.faults({ endpoint: "init", fault: "drop_after_accept" });
  const client = sb.client();
  const { payment, outcome } = await pay(client, "CLDROP1");
  assert.equal(outcome.kind, "paid");
  assert.equal(outcome.transportFailure, "connection_lost");
  assert.equal(payment.paymentReferences.length, 1);
  const c = await sb.counters();
  assert.equal(c.pushes.CLDROP1, 1, "exactly one prompt");
  assert.equal(c.initRequests, 1);
  assert.ok(c.statusQueries >= 1);
});

test("the answer to an accepted push is slower than the request timeout: one prompt, paid", async () => {
  await sb.faults({ endpoint: "init", fault: "slow", delayMs: 1500 });
  const client = sb.client({ retryPolicy: { ...FAST, requestTimeoutMs: 300 } });
  const started = Date.now();
  const { outcome } = await pay(client, "CLSLOW1");
  assert.equal(outcome.kind, "paid");
  assert.equal(outcome.transportFailure, "timeout");
  const c = await sb.counters();
  assert.equal(c.pushes.CLSLOW1, 1, "exactly one prompt");
  assert.equal(c.initRequests, 1);
  assert.ok(Date.now() - started < 1500, "the client gave up on the slow answer instead of waiting for it");
});

test("a 5xx page replacing an accepted push's answer: asked about, one prompt, paid", async () => {
  await sb.faults({ endpoint: "init", fault: "server_error_html", status: 504, afterAccept: true });
  const { outcome } = await pay(sb.client(), "CL504A");
  assert.equal(outcome.kind, "paid");
  assert.equal(outcome.rejection.kind, "server_error");
  assert.equal((await sb.counters()).pushes.CL504A, 1);
});

test("100 concurrent payments from one client make one token request", async () => {
  await sb.setDeliveries({ callback: "never", ipn: "never" });
  const client = sb.client();
  const orders = Array.from({ length: 100 }, (_, i) => `CLMANY${i}`);
  const payments = await Promise.all(orders.map((o) => client.startPayment(details(o))));
  const outcomes = await Promise.all(payments.map((p) => p.wait()));
  assert.deepEqual(new Set(outcomes.map((o) => o.kind)), new Set(["paid"]));
  const c = await sb.counters();
  assert.equal(c.tokenRequests, 1);
  assert.equal(c.pushesTotal, 100);
  for (const o of orders) assert.equal(c.pushes[o], 1, o);
});

test("a 401 on the push is recovered with one token refresh", async () => {
  const client = sb.client();
  await pay(client, "CL401WARM"); // the client holds a token
  await sb.reset();
  await sb.faults({ endpoint: "init", fault: "unauthorized" });
  const { outcome } = await pay(client, "CL401");
  assert.equal(outcome.kind, "paid");
  const c = await sb.counters();
  assert.equal(c.tokenRequests, 1, "one refresh after the 401");
  assert.equal(c.initRequests, 2);
  assert.equal(c.pushes.CL401, 1);
});

test("a 401 on the first push of a new client: two token requests in all, one prompt", async () => {
  await sb.faults({ endpoint: "init", fault: "unauthorized" });
  const { outcome } = await pay(sb.client(), "CL401NEW");
  assert.equal(outcome.kind, "paid");
  const c = await sb.counters();
  assert.equal(c.tokenRequests, 2);
  assert.equal(c.pushes.CL401NEW, 1);
});

test("the token endpoint failing more than maxRetries times: not sent, after maxRetries + 1 token requests", async () => {
  const maxRetries = 2;
  await sb.faults({ endpoint: "token", fault: "server_error_html", status: 503, count: maxRetries + 1 });
  const client = sb.client({ retryPolicy: { ...FAST, maxRetries } });
  await assert.rejects(client.startPayment(details("CLTOKEN5XX")), (e) => {
    assert.equal(e.code, "payment_not_sent");
    assert.equal(e.outcome.kind, "not_sent");
    assert.equal(e.rejection.kind, "server_error");
    assert.equal(e.rejection.bodyExcerpt, null, "no excerpt of the token endpoint's page");
    return true;
  });
  const c = await sb.counters();
  assert.equal(c.tokenRequests, maxRetries + 1);
  assert.equal(c.initRequests, 0);
  assert.equal(c.pushesTotal, 0);
});

test("the token endpoint failing maxRetries times, then answering: retried within bounds, paid", async () => {
  await sb.faults({ endpoint: "token", fault: "rate_limited", count: 2, retryAfterSecs: 1 });
  const started = Date.now();
  const { outcome } = await pay(sb.client({ retryPolicy: { ...FAST, maxRetries: 2 } }), "CLTOKEN429");
  assert.equal(outcome.kind, "paid");
  assert.ok(Date.now() - started >= 2000, "Retry-After (1 s) was honoured for each retry");
  assert.equal((await sb.counters()).tokenRequests, 3);
});

test("the push answered 429 twice: refused after maxPushes pushes, none of which prompted", async () => {
  await sb.faults({ endpoint: "init", fault: "rate_limited", count: 2, retryAfterSecs: 1 });
  const client = sb.client({ retryPolicy: { ...FAST, maxPushes: 2 } });
  await assert.rejects(client.startPayment(details("CLINIT429")), (e) => {
    assert.equal(e.code, "payment_rejected");
    assert.equal(e.rejection.kind, "rate_limited");
    assert.equal(e.outcome.paymentReferences.length, 2, "the second push had a new payment reference");
    return true;
  });
  const c = await sb.counters();
  assert.equal(c.initRequests, 2);
  assert.equal(c.pushesTotal, 0);
});

test("the push's answer lost and the status endpoint failing: undecided, never pushed again", async () => {
  await sb.faults([
    { endpoint: "init", fault: "drop_after_accept" },
    { endpoint: "status", fault: "server_error_html", status: 502, count: 3 },
  ]);
  const client = sb.client({ retryPolicy: { ...FAST, maxRetries: 2 } });
  const payment = await client.startPayment(details("CLUNDECIDED"));
  assert.equal(payment.outcome.kind, "undecided", "an undecided end is not an error: the prompt may be on the phone");
  const c = await sb.counters();
  assert.equal(c.pushes.CLUNDECIDED, 1);
  assert.equal(c.initRequests, 1);
  assert.equal(c.statusQueries, 3);
  // Later (a job re-checking pending orders): the status decides.
  payment.checkStatus();
  assert.equal((await payment.wait()).kind, "paid");
});

test("duplicate deliveries (callback twice, IPN twice) change nothing: one paid outcome", async () => {
  await sb.setDeliveries({ callback: "twice", ipn: "twice", callbackDelayMs: 300, ipnDelayMs: 50 });
  const client = sb.client({ retryPolicy: { ...FAST, firstPollMs: 5000, maxPollIntervalMs: 5000 } });
  const { payment, outcome, tracked } = await pay(client, "CLTWICE");
  await sb.settle();
  assert.equal(outcome.kind, "paid");
  assert.deepEqual(outcome.reconciliation.conflicts, []);
  // Four deliveries handed in; once paid (the callback's status query, or the IPN), paid it stays.
  assert.equal(tracked.kinds.length, 4, String(tracked.kinds));
  const paidFrom = tracked.kinds.indexOf("paid");
  assert.ok(paidFrom !== -1 && tracked.kinds.slice(paidFrom).every((k) => k === "paid"), String(tracked.kinds));
  const saved = payment.toJSON();
  assert.equal(saved.callbacks.length, 1);
  assert.equal(saved.ipns.length, 1);
  assert.equal(payment.outcome.kind, "paid");
  const c = await sb.counters();
  assert.equal(c.callbackAttempts, 2);
  assert.equal(c.ipnAttempts, 2);
  assert.equal(c.pushes.CLTWICE, 1);
});

test("the callback after the IPN changes nothing", async () => {
  await sb.setDeliveries({ callback: "after_ipn", callbackDelayMs: 300, ipnDelayMs: 100 });
  const client = sb.client({ retryPolicy: { ...FAST, firstPollMs: 5000, maxPollIntervalMs: 5000 } });
  const { payment, outcome, tracked } = await pay(client, "CLLATECB");
  await sb.settle();
  assert.equal(outcome.kind, "paid");
  assert.deepEqual(tracked.kinds, ["paid", "paid"], "IPN decides, the late callback changes nothing");
  assert.equal(payment.outcome.kind, "paid");
  assert.deepEqual(payment.outcome.reconciliation.conflicts, []);
});

test("no callback and no IPN ever: the status query decides", async () => {
  await sb.setDeliveries({ callback: "never", ipn: "never" });
  const { outcome, tracked } = await pay(sb.client(), "CLSILENT");
  assert.equal(outcome.kind, "paid");
  assert.equal(outcome.reconciliation.decidedBy, "status_query");
  assert.deepEqual(tracked.kinds, []);
  const c = await sb.counters();
  assert.equal(c.callbackAttempts, 0);
  assert.equal(c.ipnAttempts, 0);
  assert.ok(c.statusQueries >= 1);
});

test("aborted while the push is in flight: reported as a lost answer; the resumed payment asks first, one prompt", async () => {
  await sb.faults({ endpoint: "init", fault: "slow", delayMs: 1000 });
  const client = sb.client();
  const controller = new AbortController();
  setTimeout(() => controller.abort(new Error("shutting down")), 300);
  let saved;
  await assert.rejects(client.startPayment(details("CLABORT"), { signal: controller.signal }), (e) => {
    assert.ok(e instanceof jenga.JengaError);
    assert.equal(e.name, "AbortError");
    assert.equal(e.code, "aborted");
    assert.equal(e.cause.message, "shutting down");
    // The push may have been sent: the error carries the payment, to save and resume.
    assert.ok(e.payment instanceof jenga.Payment);
    assert.equal(e.payment.phase, "confirming");
    saved = JSON.stringify(e.payment);
    return true;
  });
  assert.equal(JSON.parse(saved).lastFailure, "connection_lost");
  assert.equal(JSON.parse(saved).pending, null);
  // Another process picks the order up: it asks the provider before anything else.
  const resumed = sb.client().resume(saved);
  assert.equal((await resumed.wait()).kind, "paid");
  const c = await sb.counters();
  assert.equal(c.pushes.CLABORT, 1, "exactly one prompt");
  assert.equal(c.initRequests, 1, "never pushed again");
});

test("aborting a wait leaves the payment usable, and saved state made then is asked about first", async () => {
  await sb.faults({ endpoint: "status", fault: "slow", delayMs: 1000 });
  await sb.setDeliveries({ callback: "never", ipn: "never" });
  const client = sb.client();
  const payment = await client.startPayment(details("CLWAITABORT"));
  await assert.rejects(payment.wait({ signal: AbortSignal.timeout(300) }), (e) => e.name === "AbortError" && e.code === "aborted");
  // The in-flight status query was reported lost; the payment goes on.
  const saved = payment.toJSON();
  assert.equal(saved.pending, null);
  assert.equal(saved.lastFailure, "connection_lost");
  const resumed = client.resume(saved);
  assert.equal((await resumed.wait()).kind, "paid");
  assert.equal((await sb.counters()).pushes.CLWAITABORT, 1);
});

test("saved after the push and resumed by another client: the IPN handed to the resumed payment decides", async () => {
  await sb.setDeliveries({ callback: "never", callbackDelayMs: 300, ipnDelayMs: 50 });
  const first = sb.client({ retryPolicy: { ...FAST, firstPollMs: 10_000, maxPollIntervalMs: 10_000 } });
  const payment = await first.startPayment(details("CLRESUME"));
  const saved = JSON.stringify(payment); // stored with the order
  const second = sb.client({ retryPolicy: { ...FAST, firstPollMs: 10_000, maxPollIntervalMs: 10_000 } }); // another process
  const resumed = second.resume(saved);
  assert.equal(resumed.orderReference, "CLRESUME");
  assert.equal(resumed.phase, "waiting");
  const tracked = sb.track(resumed);
  const outcome = await resumed.wait();
  assert.equal(outcome.kind, "paid");
  assert.equal(outcome.reconciliation.decidedBy, "ipn");
  assert.deepEqual(tracked.kinds, ["paid"]);
  assert.equal((await sb.counters()).statusQueries, 0, "the IPN decided at once, before any poll");
  assert.throws(() => second.resume("{}"), (e) => e.code === "flow_state_invalid");
});

test("evidence for another order is refused by the payment", async () => {
  await sb.setDeliveries({ callback: "never", ipn: "never" });
  const client = sb.client();
  const payment = await client.startPayment(details("CLMINE"));
  const ipn = jenga.parseIpn(
    JSON.stringify({
      callbackType: "IPN",
      customer: { name: "X", mobileNumber: "0722000000", reference: "SOMEONEELSE" },
      transaction: { date: "2024-08-09 16:22:50", reference: "SH90HU7FO2", paymentMode: "MPESA", amount: 2, currency: "KES", status: "SUCCESS" },
      bank: { reference: "NONE", transactionType: "C", account: "NONE" },
    }),
  );
  assert.throws(() => payment.handleIpn(ipn), (e) => e.code === "flow_not_this_payment");
  assert.throws(() => payment.handleIpn({ ...ipn }), (e) => e.code === "invalid_type" && e.field === "ipn", "a copy is not authenticated evidence");
  assert.equal((await payment.wait()).kind, "paid");
});

test("queryStatus: one status query with the shared token; webhook helpers refuse forgeries", async () => {
  const client = sb.client();
  const { payment } = await pay(client, "CLQUERY");
  await sb.reset();
  const status = await client.queryStatus("CLQUERY");
  assert.equal(status.type, "found");
  assert.equal(status.order.orderReference, "CLQUERY");
  assert.equal((await client.queryStatus("CLNOSUCHORDER")).type, "not_found");
  const c = await sb.counters();
  assert.equal(c.statusQueries, 2);
  assert.equal(c.tokenRequests, 0, "the token the payment fetched is reused");
  assert.throws(
    () => client.verifyCallback(`/jenga/callback?jenga_order=CLQUERY&jenga_payment=${payment.paymentReference}&jenga_token=AAAA`, "{}"),
    (e) => e instanceof jenga.JengaError && e.code.startsWith("callback_"),
  );
  assert.throws(() => client.verifyIpn("Basic d3Jvbmc6d3Jvbmc=", "{}"), (e) => e.code === "ipn_auth_invalid");
  assert.throws(() => client.verifyIpn(undefined, "{}"), (e) => e.code === "ipn_auth_missing");
  const bare = sb.client({ callbackSecret: undefined, ipn: undefined });
  assert.throws(() => bare.verifyCallback("/jenga/callback", "{}"), (e) => e.code === "not_configured");
  assert.throws(() => bare.verifyIpn("Basic x", "{}"), (e) => e.code === "not_configured");
});

test("queryStatus runs the core's StatusQuery: a 401 costs one new token, a 5xx is retried within the policy", async () => {
  const client = sb.client({ retryPolicy: { ...FAST, maxRetries: 2 } });
  await pay(client, "CLQ401");
  await sb.reset();
  await sb.faults({ endpoint: "status", fault: "unauthorized" });
  assert.equal((await client.queryStatus("CLQ401")).type, "found");
  let c = await sb.counters();
  assert.equal(c.tokenRequests, 1, "one new token after the 401");
  assert.equal(c.statusQueries, 2);
  await sb.reset();
  await sb.faults({ endpoint: "status", fault: "server_error_html", status: 503, count: 2 });
  assert.equal((await client.queryStatus("CLQ401")).type, "found", "two 503s, then the answer: within maxRetries");
  assert.equal((await sb.counters()).statusQueries, 3);
  await sb.reset();
  await sb.faults({ endpoint: "status", fault: "server_error_html", status: 503, count: 3 });
  const refused = await client.queryStatus("CLQ401");
  assert.equal(refused.type, "rejected", "the provider's refusal after maxRetries + 1 tries is its answer");
  assert.equal(refused.kind, "server_error");
  c = await sb.counters();
  assert.equal(c.statusQueries, 3);
  assert.equal(c.tokenRequests, 0);
});

test("queryStatus: no answer after the retries is transport_failed; a refused token request is the answer", async () => {
  await sb.faults({ endpoint: "status", fault: "slow", delayMs: 1500, count: 2 });
  const client = sb.client({ retryPolicy: { ...FAST, maxRetries: 1, requestTimeoutMs: 300 } });
  await assert.rejects(client.queryStatus("CLQSLOW"), (e) => {
    assert.ok(e instanceof jenga.JengaError);
    assert.equal(e.code, "transport_failed");
    assert.equal(e.transportFailure, "timeout");
    return true;
  });
  assert.equal((await sb.counters()).statusQueries, 2, "maxRetries + 1 tries");
  await sb.reset();
  await sb.faults({ endpoint: "token", fault: "unauthorized" });
  const refused = await sb.client().queryStatus("CLQSLOW");
  assert.equal(refused.type, "rejected");
  assert.equal(refused.action, "do_not_retry");
  const c = await sb.counters();
  assert.equal(c.tokenRequests, 1, "refused credentials are not retried");
  assert.equal(c.statusQueries, 0);
  await sb.reset();
  await sb.faults({ endpoint: "token", fault: "server_error_html", status: 503, count: 2 });
  const down = await sb.client({ retryPolicy: { ...FAST, maxRetries: 1 } }).queryStatus("CLQSLOW");
  assert.equal(down.type, "rejected", "the token endpoint's last 503 is the answer after the retries");
  assert.equal(down.httpStatus, 503);
  assert.equal((await sb.counters()).tokenRequests, 2);
});

test("StatusQuery for those who own their I/O: poll, send, hand in, done", async () => {
  const client = sb.client();
  await pay(client, "CLSQ");
  const tokens = new jenga.SharedTokens(sb.url, CREDENTIALS);
  const query = new jenga.StatusQuery("CLSQ", tokens, { policy: FAST, seed: 1n });
  const endpoints = [];
  for (;;) {
    const action = query.poll(new Date());
    if (action.type === "done") {
      assert.equal(action.response.type, "found");
      assert.equal(action.transportFailure, null);
      break;
    }
    assert.equal(action.type, "send");
    assert.throws(() => query.poll(new Date()), (e) => e.code === "flow_busy");
    endpoints.push(action.request.endpoint);
    const { method, url, headers, body } = action.request.http;
    const r = await fetch(url, { method, headers, body });
    query.handleResponse(new Date(), r.status, r.headers.get("retry-after"), new Uint8Array(await r.arrayBuffer()));
  }
  assert.deepEqual(endpoints, ["token", "status"]);
  assert.throws(() => query.handleResponse(new Date(), 200, null, "{}"), (e) => e.code === "flow_idle");
  assert.equal(new jenga.StatusQuery(" CLSQ ", tokens).orderReference, "CLSQ", "the reference queried, and signed, is trimmed");
  assert.throws(
    () => new jenga.StatusQuery("  ", tokens),
    (e) => e.code === "validation_failed" && e.problems[0].field === "orderReference" && e.problems[0].code === "required",
  );
  assert.throws(() => new jenga.StatusQuery("CLSQ", {}), (e) => e.code === "invalid_type" && e.field === "tokens");
  assert.throws(() => new jenga.StatusQuery("CLSQ", tokens, { policy: { firstPollMs: 0 } }), (e) => e.code === "validation_failed");
});

test("bad details: validation_failed with every problem, and nothing sent", async () => {
  const client = sb.client();
  await assert.rejects(
    client.startPayment({ ...details("CL BAD!"), amount: "2.005", phone: "12", customer: { name: "", email: "x", identityNumber: "" } }),
    (e) => {
      assert.equal(e.code, "validation_failed");
      const fields = e.problems.map((p) => p.field);
      for (const f of ["order.orderReference", "order.orderAmount", "payment.details.msisdn", "customer.name"]) {
        assert.ok(fields.includes(f), `${f} in ${fields}`);
      }
      return true;
    },
  );
  const c = await sb.counters();
  assert.equal(c.tokenRequests + c.initRequests, 0);
});

test("a custom fetch and a custom signer are used; a refused connection is not_sent", async () => {
  let calls = 0;
  const signer = await jenga.Signer.fromPem(PRIVATE_KEY);
  const client = sb.client({
    privateKeyPem: undefined,
    signer: { sign: (text) => signer.sign(text) },
    fetch: (url, init) => {
      calls++;
      return fetch(url, init);
    },
  });
  const { outcome } = await pay(client, "CLCUSTOM");
  assert.equal(outcome.kind, "paid");
  assert.ok(calls >= 3, `${calls} fetch calls`);
  // Nothing listens on a port just freed: connect_failed (refused), retried, then not sent.
  const closed = createServer();
  await new Promise((resolve) => closed.listen(0, "127.0.0.1", resolve));
  const port = closed.address().port;
  await new Promise((resolve) => closed.close(resolve));
  const nowhere = new jenga.JengaClient({
    environment: `http://127.0.0.1:${port}`,
    credentials: CREDENTIALS,
    privateKeyPem: PRIVATE_KEY,
    callbackUrl: `${sb.local}/jenga/callback`,
    retryPolicy: { ...FAST, maxRetries: 1 },
  });
  await assert.rejects(nowhere.startPayment(details("CLNOWHERE")), (e) => {
    assert.equal(e.code, "payment_not_sent");
    assert.equal(e.transportFailure, "connect_failed");
    return true;
  });
});

test("a bad private key rejects the first payment with the key's code", async () => {
  const client = sb.client({ privateKeyPem: "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n" });
  await assert.rejects(client.startPayment(details("CLBADKEY")), (e) => e.code === "key_is_public");
  assert.throws(() => sb.client({ fetch: 42 }), (e) => e.code === "invalid_option" && e.field === "fetch");
  assert.throws(() => sb.client({ retryPolicy: { firstPoll: 1 } }), (e) => e.code === "invalid_option");
  assert.throws(() => sb.client({ callbackSecret: "short" }), (e) => e instanceof jenga.JengaError);
  assert.equal((await sb.counters()).tokenRequests, 0);
});
