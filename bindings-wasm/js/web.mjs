// Runtimes without Node APIs (Deno, Bun, browsers, edge workers): call
// `await initialize()` (fetches the .wasm next to this file), or
// `await initialize(urlOrBytesOrResponse)`, or `initializeSync(moduleOrBytes)`
// (e.g. a WebAssembly.Module imported by a worker bundler) before anything else.
import init, * as wasm from "./wasm/jenga_stk_wasm.js";
import { makeApi, JengaError as JengaErrorClass } from "./api.mjs";

let initialized = false;

export async function initialize(input) {
  if (initialized) return;
  await init(input === undefined ? undefined : { module_or_path: input });
  initialized = true;
}

export function initializeSync(module) {
  if (initialized) return;
  wasm.initSync({ module });
  initialized = true;
}

function ready() {
  if (!initialized) {
    throw new JengaErrorClass({ code: "not_initialized", message: "call `await initialize()` from 'jenga-stk/web' first" });
  }
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
  orderStatusRequest,
  parseStatusResponse,
  parseCallback,
  parseIpn,
  signingStringOfBody,
  reconcile,
} = makeApi(wasm, { subtle: globalThis.crypto?.subtle, ready });
