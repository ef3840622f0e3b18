// Node.js (ESM): the WebAssembly is read from the package and compiled synchronously.
// The second module (key checks, SyncSigner, Verifier, the signature doctor) is read and
// compiled on first use only.
import { readFileSync } from "node:fs";
import { webcrypto } from "node:crypto";
import * as wasm from "./wasm/jenga_stk_wasm.js";
import * as rsaWasm from "./wasm/jenga_stk_wasm_rsa.js";
import { makeApi } from "./api.mjs";

wasm.initSync({ module: readFileSync(new URL("./wasm/jenga_stk_wasm_bg.wasm", import.meta.url)) });

let rsaReady = false;
function rsa() {
  if (!rsaReady) {
    rsaWasm.initSync({ module: readFileSync(new URL("./wasm/jenga_stk_wasm_rsa_bg.wasm", import.meta.url)) });
    rsaReady = true;
  }
  return rsaWasm;
}

export const {
  JengaError,
  HttpRequest,
  StkPush,
  SignedStkPush,
  Signer,
  SyncSigner,
  Verifier,
  TokenState,
  CallbackUrls,
  IpnAuth,
  tokenRequest,
  parseTokenResponse,
  classifyInitResponse,
  adviseTransportFailure,
  orderStatusRequest,
  parseStatusResponse,
  parseCallback,
  parseIpn,
  signingStringOfBody,
  reconcile,
  diagnoseSignature,
  RetryPolicy,
  SharedTokens,
  PaymentFlow,
  JengaClient,
  Payment,
} = makeApi(wasm, {
  subtle: webcrypto.subtle,
  rsa,
  randomValues: (array) => webcrypto.getRandomValues(array),
  encodeBase64: (bytes) => Buffer.from(bytes).toString("base64"),
});
