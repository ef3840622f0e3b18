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
