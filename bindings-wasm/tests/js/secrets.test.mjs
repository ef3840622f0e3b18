// Keys, consumer secrets, passwords and tokens never show in toString, JSON.stringify or console output.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { inspect } from "node:util";
import * as jenga from "jenga-stk";

const root = process.env.JENGA_ROOT;
const pem = readFileSync(`${root}/tests/keys/test-pkcs1-2048.pem`, "utf8");
const keyLine = pem.split("\n")[5];

test("no secret in any printed form", async () => {
  const creds = { apiKey: "api-k3y", merchantCode: "m", consumerSecret: "c0nsumer-s3cret" };
  const state = new jenga.TokenState("uat", creds);
  const refresh = state.nextAction(0);
  const token = state.onResponse(200, '{"accessToken":"acc3ss.t0ken","expiresIn":"2021-07-13T07:18:02Z","issuedAt":"2021-07-13T07:03:02Z"}', 0);
  const use = state.nextAction(1);
  assert.equal(use.accessToken, "acc3ss.t0ken");
  assert.equal(token.accessToken, "acc3ss.t0ken");
  const signed = jenga.StkPush.create(JSON.parse(readFileSync(`${root}/tests/vectors/stk_push.json`, "utf8")).cases[0].input.request)
    .signSync(jenga.SyncSigner.fromPem(pem));
  const objects = [
    state, refresh, refresh.request, token, use, jenga.tokenRequest("uat", creds),
    await jenga.Signer.fromPem(pem), jenga.SyncSigner.fromPem(pem),
    new jenga.CallbackUrls("a callback secret of at least 32 bytes!!"), new jenga.IpnAuth("ipn-us3r", "ipn-p4ss"),
    signed.httpRequest("uat", "acc3ss.t0ken"),
  ];
  for (const o of objects) {
    for (const shown of [String(o), JSON.stringify(o), inspect(o, { depth: 5 })]) {
      for (const secret of ["api-k3y", "c0nsumer-s3cret", "acc3ss.t0ken", "ipn-us3r", "ipn-p4ss", "at least 32 bytes", keyLine]) {
        assert.ok(!shown.includes(secret), `${secret} leaked in ${shown}`);
      }
    }
  }
  // The error for a bad key says what is wrong, not what the key is.
  try {
    jenga.SyncSigner.fromPem(pem.replaceAll("RSA PRIVATE KEY", "PUBLIC KEY"));
    assert.fail("accepted");
  } catch (e) {
    assert.equal(e.code, "key_is_public");
    assert.ok(!JSON.stringify(e).includes(keyLine) && !String(e).includes(keyLine));
  }
});

// Every line of the key's PEM body, distinctive secrets, and their Base64 forms.
const pemLines = (text) => text.split("\n").filter((l) => l.length > 16 && !l.startsWith("-----"));
const SECRETS = ["Ap1-K3y-9f8e7d", "C0nsum3r-S3cr3t-4b5c", "eyJhbGciOiJSUzI1NiJ9.Acc3ss-T0ken-77aa.c2ln", "R3fr3sh-T0ken-88bb", "ipn-Us3r-11cc", "ipn-Pa55w0rd-22dd", "Cb-S3cr3t-of-at-least-32-bytes-33ee"];
const needles = [...SECRETS, ...SECRETS.map((s) => btoa(s)), ...pemLines(pem), btoa(`${SECRETS[4]}:${SECRETS[5]}`)];

function printed(value) {
  const out = [String(value), JSON.stringify(value) ?? "", inspect(value, { depth: 8 })];
  if (value instanceof Error) out.push(value.message, value.stack ?? "", inspect({ ...value }));
  return out;
}

function assertHidden(label, value) {
  for (const shown of printed(value)) {
    for (const secret of needles) assert.ok(!shown.includes(secret), `${label} shows ${secret.slice(0, 12)}…: ${shown.slice(0, 300)}`);
  }
}

function caught(fn) {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof jenga.JengaError, `not a JengaError: ${e}`);
    return e;
  }
  assert.fail("accepted");
}

test("errors about keys, tokens, credentials and secrets never quote them", async () => {
  const [apiKey, secret, token, refresh, user, password, cbSecret] = SECRETS;
  const tokenBody = `{"accessToken":"${token}","refreshToken":"${refresh}","expiresIn":"2021-07-13T07:18:02Z","issuedAt":"2021-07-13T07:03:02Z","tokenType":"Bearer"}`;
  const errors = [];
  // Bad keys built from the real one: truncated, corrupted, relabelled, with NULs.
  for (const bad of [pem.slice(0, pem.length / 2), pem.replace("MII", "XXX"), pem.replaceAll("RSA PRIVATE KEY", "PUBLIC KEY"), pem.replaceAll("\n", "\n\0")]) {
    errors.push(caught(() => jenga.SyncSigner.fromPem(bad)));
    await jenga.Signer.fromPem(bad).then(() => assert.fail("accepted"), (e) => errors.push(e));
  }
  errors.push(caught(() => new jenga.Verifier(pem))); // a private key where a public one is needed
  // Token answers that carry the token but are refused: a bad token is an error; a body that is
  // not a JSON object (issue 13) is a rejection, whose excerpt is null for JSON-shaped text.
  for (const bad of [tokenBody.replace(token, `${token} with space`), tokenBody.replace(token, `${token}\\u0000`)]) {
    errors.push(caught(() => jenga.parseTokenResponse(200, bad, 0)));
  }
  for (const bad of [`${tokenBody}trailing`, tokenBody.slice(0, -5), `[${tokenBody}]`]) {
    const answer = jenga.parseTokenResponse(200, bad, 0);
    assert.equal(answer.type, "rejected");
    assert.equal(answer.bodyExcerpt, null);
    assertHidden("token answer classified as rejected", answer);
  }
  for (const bad of [
    tokenBody.replace(token, `${token} with space`),
    tokenBody.replace(token, `${token}\\u0000`),
    `${tokenBody}trailing`,
    tokenBody.slice(0, -5),
    `[${tokenBody}]`,
  ]) {
    const state = new jenga.TokenState("uat", { apiKey, merchantCode: "m", consumerSecret: secret });
    errors.push(caught(() => state.onResponse(200, bad, 0)));
    assertHidden("TokenState after a refused answer", state);
  }
  // Credentials, tokens and secrets refused as values.
  errors.push(caught(() => jenga.tokenRequest("uat", { apiKey: `${apiKey} x`, merchantCode: "m", consumerSecret: `${secret}\n` })));
  errors.push(caught(() => new jenga.TokenState("uat", { apiKey: `${apiKey}\0`, merchantCode: "m", consumerSecret: `${secret}é` })));
  const signed = jenga.StkPush.create(JSON.parse(readFileSync(`${root}/tests/vectors/stk_push.json`, "utf8")).cases[0].input.request).withSignature("QUFB");
  errors.push(caught(() => signed.httpRequest("uat", `${token}\r\nX-Evil: 1`)));
  errors.push(caught(() => jenga.orderStatusRequest("uat", `${token} x`, "OR1")));
  errors.push(caught(() => new jenga.IpnAuth(`${user}:`, "")));
  const auth = new jenga.IpnAuth(user, password);
  for (const wrong of [`${user}:wrong`, `wrong:${password}`, `${user}:${password}x`]) {
    errors.push(caught(() => auth.verify(`Basic ${btoa(wrong)}`)));
  }
  errors.push(caught(() => new jenga.CallbackUrls(cbSecret.slice(0, 20))));
  const urls = new jenga.CallbackUrls(cbSecret);
  errors.push(caught(() => urls.verifyUrl(urls.callbackUrl("https://shop.example.com/cb", "OR1", "PR1").replace("OR1", "OR2"))));
  for (const e of errors) assertHidden(`JengaError ${e.code}`, e);
  assert.ok(errors.length >= 26, `only ${errors.length} errors checked`);
});

test("a rejection's body excerpt never shows a token, key or Base64 credentials the page echoes", () => {
  const [apiKey, secret, token, refresh, user, password] = SECRETS;
  const basic = btoa(`${user}:${password}`);
  // Gateway pages that echo what they received: headers, a token in a query, a key line, a JWT run.
  const pages = [
    `<html><body><h1>502 Bad Gateway</h1><pre>Authorization: Bearer ${token}</pre></body></html>`,
    `<html><body>upstream error for /init?access_token=${token}&amp;x=1</body></html>`,
    `Bad Request: Authorization: Basic ${basic}`,
    `<p>invalid key</p><pre>${pemLines(pem).slice(0, 3).join("\n")}</pre>`,
    `error: accessToken="${token}" refused; refresh=${btoa(refresh)}; secret=${btoa(secret)}; key=${btoa(apiKey)}`,
    `${"<i></i>".repeat(700)} Bearer ${token}`,
  ];
  const state = new jenga.TokenState("uat", { apiKey: "k", merchantCode: "m", consumerSecret: "s" });
  let excerpts = 0;
  for (const body of pages) {
    for (const status of [200, 401, 403, 502]) {
      const answers = [jenga.classifyInitResponse(status, body), jenga.parseTokenResponse(status, body, 0), jenga.parseStatusResponse(status, body)];
      for (const answer of answers) {
        assert.equal(answer.type, "rejected");
        if (answer.bodyExcerpt !== null) excerpts++;
        // The token endpoint's rejections never carry an excerpt (its request holds the credentials).
        if (answer === answers[1]) assert.equal(answer.bodyExcerpt, null);
        assertHidden(`rejection of ${body.slice(0, 40)}`, answer);
      }
      // The error carrying the rejection (message, stack, rejection, JSON, inspect).
      const e = caught(() => state.onResponse(status, body, 0));
      assert.equal(e.code, "provider_rejected");
      assertHidden(`JengaError for ${body.slice(0, 40)}`, e);
      assertHidden("its rejection", e.rejection);
    }
  }
  assert.ok(excerpts >= 40, `only ${excerpts} rejections carried an excerpt`);
});

test("requests carrying a bearer token, and the objects holding secrets, are redacted", async () => {
  const [apiKey, secret, token, refresh, user, password, cbSecret] = SECRETS;
  const signer = jenga.SyncSigner.fromPem(pem);
  const signed = jenga.StkPush.create(JSON.parse(readFileSync(`${root}/tests/vectors/stk_push.json`, "utf8")).cases[0].input.request).signSync(signer);
  const pushRequest = signed.httpRequest("uat", token);
  const statusRequest = jenga.orderStatusRequest("uat", token, "OR28922980077", signer.sign("OR28922980077"));
  for (const request of [pushRequest, statusRequest]) {
    assert.equal(request.headers.Authorization, `Bearer ${token}`); // the value is there for fetch
    assertHidden("HttpRequest", request);
  }
  const creds = { apiKey, merchantCode: "4445776666", consumerSecret: secret };
  const state = new jenga.TokenState("uat", creds);
  const refreshAction = state.nextAction(0);
  const stored = state.onResponse(200, `{"accessToken":"${token}","refreshToken":"${refresh}","expiresIn":"2021-07-13T07:18:02Z","issuedAt":"2021-07-13T07:03:02Z"}`, 0);
  const parsed = jenga.parseTokenResponse(200, `{"accessToken":"${token}","refreshToken":"${refresh}"}`, 0);
  assert.equal(parsed.accessToken, token);
  for (const [label, value] of Object.entries({
    signer, webcrypto: await jenga.Signer.fromPem(pem), state, refreshAction, refreshRequest: refreshAction.request, stored, parsed,
    use: state.nextAction(1), tokenRequest: jenga.tokenRequest("uat", creds), ipnAuth: new jenga.IpnAuth(user, password),
    callbackUrls: new jenga.CallbackUrls(cbSecret), signed,
  })) {
    assertHidden(label, value);
  }
});

test("the client, its payments, the shared tokens and the flow show no secret", async () => {
  const [apiKey, secret, token, , user, password, cbSecret] = SECRETS;
  const creds = { apiKey, merchantCode: "4445776666", consumerSecret: secret };
  // A fetch double: the token endpoint answers with the token, the push is accepted.
  const seen = [];
  const fakeFetch = async (url, init) => {
    seen.push(init);
    const body = url.includes("/authentication/")
      ? `{"accessToken":"${token}","expiresIn":900}`
      : '{"status":true,"code":"0","message":"ok","data":{}}';
    return new Response(body, { status: 200 });
  };
  const client = new jenga.JengaClient({
    credentials: creds,
    privateKeyPem: pem,
    callbackUrl: "https://shop.example.com/jenga/callback",
    callbackSecret: cbSecret,
    ipn: { username: user, password },
    fetch: fakeFetch,
  });
  const payment = await client.startPayment({
    orderReference: "OR1",
    amount: "2",
    phone: "0722000000",
    customer: { name: "John Doe", email: "john@example.com", identityNumber: "0000000" },
    description: "Purchase",
  });
  assert.equal(payment.phase, "waiting");
  // The secrets did go where they belong (the token request's headers and body, the bearer).
  assert.equal(seen[0].headers["Api-Key"], apiKey);
  assert.ok(seen[0].body.includes(secret));
  assert.equal(seen[1].headers.Authorization, `Bearer ${token}`);
  const tokens = new jenga.SharedTokens("uat", creds);
  const refresh = tokens.grant(0);
  tokens.onRefreshResponse(200, `{"accessToken":"${token}","expiresIn":900}`, 0);
  const use = tokens.grant(1);
  assert.equal(use.accessToken, token);
  const signed = jenga.StkPush.create(JSON.parse(readFileSync(`${root}/tests/vectors/stk_push.json`, "utf8")).cases[0].input.request).signSync(jenga.SyncSigner.fromPem(pem));
  const flow = new jenga.PaymentFlow(signed, { tokens, callbackUrls: new jenga.CallbackUrls(cbSecret) }, { seed: 1n, now: 2 });
  const send = flow.poll(2);
  assert.equal(send.request.http.headers.Authorization, `Bearer ${token}`);
  for (const [label, value] of Object.entries({ client, payment, saved: payment.toJSON(), tokens, refresh, use, flow, send, savedFlow: flow.toJSON() })) {
    assertHidden(label, value);
  }
  // An aborted start's error, and a refused one's.
  const aborted = new AbortController();
  aborted.abort();
  const e = await client.startPayment({ orderReference: "OR2", amount: "2", phone: "0722000000", customer: { name: "J", email: "j@example.com", identityNumber: "0" }, description: "x" }, { signal: aborted.signal }).catch((x) => x);
  assert.equal(e.code, "aborted");
  assertHidden("the abort error", e);
});
