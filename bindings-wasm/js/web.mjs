// Runtimes without Node APIs (edge workers, browsers): what `jenga-stk` and
// `jenga-stk/web` are where the "node" export condition does not apply (Node,
// Bun and Deno take the Node entry, index.cjs, for both). Call
// `await initialize()` (fetches the .wasm next to this file), or
// `await initialize(urlOrBytesOrResponse)`, or `initializeSync(moduleOrBytes)`
// (e.g. a WebAssembly.Module imported by a worker bundler) before anything else.
// Reading keys is a second module (jenga_stk_wasm_rsa_bg.wasm: the key check of
// the WebCrypto Signer, SyncSigner, Verifier and diagnoseSignature), loaded only
// when asked for: `Signer.fromPem` fetches it next to this file unless it is
// loaded already; `await initializeSyncSigner()` (or with a URL, bytes or a
// Response) or `initializeSyncSignerSync(module)` loads it up front (needed
// before SyncSigner, Verifier and diagnoseSignature, which are synchronous, and
// where nothing can be fetched, e.g. a worker that imports its .wasm modules).
import init, * as wasm from "./wasm/jenga_stk_wasm.js";
import initRsa, * as rsaWasm from "./wasm/jenga_stk_wasm_rsa.js";
import { makeApi } from "./api.mjs";
import { JengaError as JengaErrorClass } from "./base.mjs";

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
      message: "SyncSigner, Verifier and diagnoseSignature use the second module: call `await initializeSyncSigner()` from 'jenga-stk/web' first",
    });
  }
  return rsaWasm;
}

async function rsaAsync() {
  if (!rsaInitialized) {
    try {
      await initializeSyncSigner();
    } catch (e) {
      throw new JengaErrorClass({
        code: "not_initialized",
        message: "the WebCrypto Signer checks the key in the second module, which could not be fetched: call `initializeSyncSignerSync(module)` (or `await initializeSyncSigner(urlOrBytes)`) from 'jenga-stk/web' first",
        cause: e,
      });
    }
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
  diagnoseSignature,
  RetryPolicy,
  SharedTokens,
  PaymentFlow,
  StatusQuery,
  JengaClient,
  Payment,
} = makeApi(wasm, {
  subtle: globalThis.crypto?.subtle,
  ready,
  rsa,
  rsaAsync,
  randomValues: globalThis.crypto?.getRandomValues ? (array) => globalThis.crypto.getRandomValues(array) : undefined,
});
