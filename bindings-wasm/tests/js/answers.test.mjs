// Every answer classifies (issue 13): HTML and empty bodies are rejections
// with an excerpt, "check_status_first" after an ambiguous answer to the push,
// adviseTransportFailure when no answer came, and where a token's lifetime
// came from. Through the npm package installed from its tarball.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as jenga from "jenga-stk";

const HTML_502 = "<html><head><title>502 Bad Gateway</title></head>\r\n<body><center>nginx</center></body></html>";

test("an HTML 502 on the push is a rejection with an excerpt, and says: query the status first", () => {
  const answer = jenga.classifyInitResponse(502, HTML_502);
  assert.equal(answer.type, "rejected");
  assert.equal(answer.httpStatus, 502);
  assert.equal(answer.kind, "server_error");
  assert.equal(answer.action, "check_status_first");
  assert.equal(answer.bodyExcerpt, "502 Bad Gateway nginx");
  assert.equal(answer.providerCode, null);
  assert.match(answer.hint, /status/);
  // The same bytes as a Uint8Array, and an ArrayBuffer, classify the same.
  const bytes = new TextEncoder().encode(HTML_502);
  assert.deepEqual(jenga.classifyInitResponse(502, bytes), answer);
  assert.deepEqual(jenga.classifyInitResponse(502, bytes.buffer), answer);
});

test("unreadable 2xx answers, 429 and a JSON refusal", () => {
  const empty = jenga.classifyInitResponse(200, "");
  assert.deepEqual([empty.kind, empty.action, empty.bodyExcerpt], ["invalid_response", "check_status_first", null]);
  const limited = jenga.classifyInitResponse(429, "Too Many Requests");
  assert.deepEqual([limited.kind, limited.action, limited.bodyExcerpt], ["rate_limited", "retry_with_backoff", "Too Many Requests"]);
  // A JSON body never gets an excerpt: it is null (present), not undefined.
  const refused = jenga.classifyInitResponse(400, '{"status":false,"code":400,"message":"Invalid request"}');
  assert.equal(refused.kind, "invalid_request");
  assert.equal(refused.action, "do_not_retry");
  assert.ok("bodyExcerpt" in refused);
  assert.equal(refused.bodyExcerpt, null);
  // A duplicate reference may hide an accepted push.
  const duplicate = jenga.classifyInitResponse(400, '{"status":false,"code":400,"message":"Duplicate order reference"}');
  assert.equal(duplicate.action, "check_status_first");
});

test("the token and status endpoints classify non-JSON answers too", () => {
  // The token endpoint's rejections carry no excerpt: its request holds the API key and the
  // consumer secret, which a gateway page could echo in a form too short to recognise.
  const token = jenga.parseTokenResponse(502, HTML_502, 0);
  assert.deepEqual([token.type, token.kind, token.action, token.bodyExcerpt], ["rejected", "server_error", "retry_with_backoff", null]);
  const status = jenga.parseStatusResponse(200, "<html>oops</html>");
  assert.deepEqual([status.type, status.kind, status.action, status.bodyExcerpt], ["rejected", "invalid_response", "retry_with_backoff", "oops"]);
  // The token holder throws the rejection as a JengaError (no excerpt from the token endpoint).
  const state = new jenga.TokenState("uat", { apiKey: "k", merchantCode: "m", consumerSecret: "s" });
  assert.throws(
    () => state.onResponse(502, HTML_502, 0),
    (e) =>
      e instanceof jenga.JengaError &&
      e.code === "provider_rejected" &&
      e.rejection.kind === "server_error" &&
      e.rejection.bodyExcerpt === null &&
      !e.message.includes("nginx"),
  );
  assert.equal(state.nextAction(0).type, "refresh");
});

test("adviseTransportFailure: only a push that may have been sent needs a status query", () => {
  const table = {
    init: { connect_failed: "retry_with_backoff", timeout: "check_status_first", connection_lost: "check_status_first" },
    token: { connect_failed: "retry_with_backoff", timeout: "retry_with_backoff", connection_lost: "retry_with_backoff" },
    status: { connect_failed: "retry_with_backoff", timeout: "retry_with_backoff", connection_lost: "retry_with_backoff" },
  };
  for (const [endpoint, row] of Object.entries(table)) {
    for (const [failure, action] of Object.entries(row)) {
      assert.equal(jenga.adviseTransportFailure(endpoint, failure), action, `${endpoint} ${failure}`);
    }
  }
  for (const [endpoint, failure, field] of [["INIT", "timeout", "endpoint"], ["init", "Timeout", "failure"], ["init", "", "failure"], [null, "timeout", "endpoint"]]) {
    assert.throws(
      () => jenga.adviseTransportFailure(endpoint, failure),
      (e) => e instanceof jenga.JengaError && e.code === "invalid_type" && e.field === field,
      `${endpoint} ${failure}`,
    );
  }
});

test("token.lifetime says where the expiry came from", () => {
  const now = Date.parse("2021-07-13T07:03:05Z");
  const body = (expiry) => `{"accessToken":"acc3ss.t0ken"${expiry},"tokenType":"Bearer"}`;
  const stamps = jenga.parseTokenResponse(200, body(',"issuedAt":"2021-07-13T07:03:02Z","expiresIn":"2021-07-13T07:18:02Z"'), now);
  assert.equal(stamps.lifetime, "timestamps");
  assert.equal(Date.parse(stamps.expiresAt), now + 15 * 60 * 1000);
  for (const expiresIn of ["3599", '"3599"']) {
    const seconds = jenga.parseTokenResponse(200, body(`,"expiresIn":${expiresIn}`), now);
    assert.equal(seconds.lifetime, "seconds");
    assert.equal(seconds.providerExpiresAt, null);
    assert.equal(Date.parse(seconds.expiresAt), now + 3599 * 1000);
  }
  for (const expiry of ["", ',"expiresIn":"soon"', ',"expiresIn":-5']) {
    const assumed = jenga.parseTokenResponse(200, body(expiry), now);
    assert.equal(assumed.lifetime, "assumed", expiry);
    assert.equal(Date.parse(assumed.expiresAt), now + 15 * 60 * 1000);
  }
  // The token holder's token says it too; the object stays frozen and the token hidden.
  const state = new jenga.TokenState("uat", { apiKey: "k", merchantCode: "m", consumerSecret: "s" });
  const stored = state.onResponse(200, body(',"expiresIn":600'), now);
  assert.equal(stored.lifetime, "seconds");
  assert.ok(Object.isFrozen(stored));
  assert.deepEqual(Object.keys(stored), ["type", "tokenType", "issuedAt", "providerExpiresAt", "lifetime", "expiresAt"]);
  assert.equal(state.nextAction(now + 600 * 1000 - 61 * 1000).type, "use");
  assert.equal(state.nextAction(now + 600 * 1000 - 59 * 1000).type, "refresh");
});
