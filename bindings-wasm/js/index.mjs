// Node.js (ESM): the WebAssembly is read from the package and compiled synchronously.
import { readFileSync } from "node:fs";
import { webcrypto } from "node:crypto";
import * as wasm from "./wasm/jenga_stk_wasm.js";
import { makeApi } from "./api.mjs";

wasm.initSync({ module: readFileSync(new URL("./wasm/jenga_stk_wasm_bg.wasm", import.meta.url)) });

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
  orderStatusRequest,
  parseStatusResponse,
  parseCallback,
  parseIpn,
  signingStringOfBody,
  reconcile,
} = makeApi(wasm, {
  subtle: webcrypto.subtle,
  encodeBase64: (bytes) => Buffer.from(bytes).toString("base64"),
});
