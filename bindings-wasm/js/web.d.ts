export * from "./index.js";
/** Loads the WebAssembly: no argument fetches the .wasm next to the module. */
export function initialize(input?: URL | string | Response | BufferSource | WebAssembly.Module): Promise<void>;
/** Loads the WebAssembly synchronously from bytes or a compiled module. */
export function initializeSync(module: BufferSource | WebAssembly.Module): void;
/**
 * Loads the second WebAssembly module (what reads keys: the WebCrypto `Signer`'s key check,
 * `SyncSigner`, `Verifier`, `signingStringOfBody` and `diagnoseSignature`): no argument fetches
 * `jenga_stk_wasm_rsa_bg.wasm` next to the module. `Signer.fromPem` does that itself when needed;
 * the synchronous ones throw `JengaError` with code `not_initialized` until it is loaded.
 */
export function initializeSyncSigner(input?: URL | string | Response | BufferSource | WebAssembly.Module): Promise<void>;
/** Loads the RSA module synchronously from bytes or a compiled module. */
export function initializeSyncSignerSync(module: BufferSource | WebAssembly.Module): void;
