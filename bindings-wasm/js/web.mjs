// Runtimes without Node APIs (Deno, Bun, browsers, edge workers): call
// `await initialize()` (fetches the .wasm next to this file), or
// `await initialize(urlOrBytesOrResponse)`, or `initializeSync(moduleOrBytes)`
// (e.g. a WebAssembly.Module imported by a worker bundler) before anything else.
// SyncSigner and Verifier use a second module, the core's RSA, fetched only
// when asked for: `await initializeSyncSigner()` (or with a URL, bytes or a
// Response for jenga_stk_wasm_rsa_bg.wasm), or `initializeSyncSignerSync(module)`.
// The default Signer (WebCrypto) does not need it.
import init, * as wasm from "./wasm/jenga_stk_wasm.js";
import initRsa, * as rsaWasm from "./wasm/jenga_stk_wasm_rsa.js";
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

let rsaInitialized = false;

export async function initializeSyncSigner(input) {
  if (rsaInitialized) return;
  await initRsa(input === undefined ? undefined : { module_or_path: input });
  rsaInitialized = true;
}

export function initializeSyncSignerSync(module) {
  if (rsaInitialized) return;
  rsaWasm.initSync({ module });
  rsaInitialized = true;
}

function rsa() {
  if (!rsaInitialized) {
    throw new JengaErrorClass({
      code: "not_initialized",
      message: "SyncSigner and Verifier use the RSA module: call `await initializeSyncSigner()` from 'jenga-stk/web' first",
    });
  }
  return rsaWasm;
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
  adviseTransportFailure,
  orderStatusRequest,
  parseStatusResponse,
  parseCallback,
  parseIpn,
  signingStringOfBody,
  reconcile,
} = makeApi(wasm, { subtle: globalThis.crypto?.subtle, ready, rsa });
