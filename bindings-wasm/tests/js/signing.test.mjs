// The WebCrypto signer (default) and the WebAssembly signer give the same
// bytes as OpenSSL and node:crypto for PKCS#1, PKCS#8 and 4096-bit keys.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { createPrivateKey, sign as nodeSign } from "node:crypto";
import { join } from "node:path";
import * as jenga from "jenga-stk";

const root = process.env.JENGA_ROOT;
const keyPath = (stem) => join(root, "tests/keys", `${stem}.pem`);

// The message goes on stdin: no shared file for concurrent tests to race on.
function openssl(stem, message) {
  return execFileSync("openssl", ["dgst", "-sha256", "-sign", keyPath(stem)], { input: message }).toString("base64");
}

for (const stem of ["test-pkcs1-2048", "test-pkcs8-2048", "test-pkcs8-4096"]) {
  test(`${stem}: WebCrypto, WebAssembly, node:crypto and OpenSSL agree`, async () => {
    const pem = readFileSync(keyPath(stem), "utf8");
    const webcrypto = await jenga.Signer.fromPem(pem);
    const wasm = jenga.SyncSigner.fromPem(pem);
    const verifier = jenga.Verifier.fromPem(readFileSync(keyPath(`${stem}.pub`), "utf8"));
    for (const message of ["OR28922980077KES07220000002", "", "Wanjikũ 2.50"]) {
      const expected = openssl(stem, message);
      assert.equal(await webcrypto.sign(message), expected);
      assert.equal(wasm.sign(message), expected);
      assert.equal(nodeSign("sha256", Buffer.from(message), createPrivateKey(pem)).toString("base64"), expected);
      verifier.verify(message, expected);
    }
    assert.equal(webcrypto.bits, wasm.bits);
  });
}

test("a signed push verifies and carries the signature header", async () => {
  const page = JSON.parse(readFileSync(join(root, "tests/vectors/stk_push.json"), "utf8")).cases[0];
  const signer = await jenga.Signer.fromPem(readFileSync(keyPath("test-pkcs1-2048"), "utf8"));
  const signed = await jenga.StkPush.create(page.input.request).sign(signer);
  assert.equal(signed.signature, page.expected.signature);
  const request = signed.httpRequest("uat", "token.value");
  assert.equal(request.headers.Signature, page.expected.signature);
  assert.equal(request.body, page.expected.body);
});
