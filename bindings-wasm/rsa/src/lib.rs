//! The npm package's second WebAssembly module: the synchronous signer and
//! the verifier, i.e. the core built with its portable `rsa` backend. The
//! package loads it only when `SyncSigner` or `Verifier` is first used (in
//! Node, synchronously from the package; elsewhere after
//! `await initializeSyncSigner()`), so the default path (WebCrypto signing,
//! parsing, callbacks) never downloads or compiles RSA code. Thin, like the
//! main module: types and errors converted, nothing else.

// One error shape for both modules (`failure` is used by the main module only).
#[allow(dead_code)]
#[path = "../../src/errors.rs"]
mod errors;

use errors::error;
use jenga_stk::{Signature, Signer, Verifier};
use wasm_bindgen::prelude::*;

/// Signs with the core's pure-Rust RSA (blinded), synchronously: the npm
/// package's `SyncSigner`.
#[wasm_bindgen]
pub struct WasmSigner(Signer);

#[wasm_bindgen]
impl WasmSigner {
    /// Loads a PKCS#1 or PKCS#8 PEM private key.
    #[wasm_bindgen(constructor)]
    pub fn new(pem: &str) -> Result<WasmSigner, JsValue> {
        Signer::from_pem(pem).map(WasmSigner).map_err(error)
    }

    /// The modulus size in bits.
    #[wasm_bindgen(getter)]
    pub fn bits(&self) -> u32 {
        u32::try_from(self.0.bits()).unwrap_or(u32::MAX)
    }

    /// Signs `message` (UTF-8 bytes); returns Base64.
    pub fn sign(&self, message: &[u8]) -> Result<String, JsValue> {
        self.0
            .sign(message)
            .map(|s| s.as_str().to_owned())
            .map_err(error)
    }

    /// The key as PKCS#8 DER, for `crypto.subtle.importKey("pkcs8", …)`.
    #[wasm_bindgen(js_name = pkcs8Der)]
    pub fn pkcs8_der(&self) -> Result<Vec<u8>, JsValue> {
        self.0.to_pkcs8_der().map(|d| d.to_vec()).map_err(error)
    }
}

/// Verifies RSA-SHA256 signatures with a public key: the npm package's `Verifier`.
#[wasm_bindgen]
pub struct WasmVerifier(Verifier);

#[wasm_bindgen]
impl WasmVerifier {
    /// Loads an SPKI or PKCS#1 PEM public key.
    #[wasm_bindgen(constructor)]
    pub fn new(pem: &str) -> Result<WasmVerifier, JsValue> {
        Verifier::from_pem(pem).map(WasmVerifier).map_err(error)
    }

    /// The modulus size in bits.
    #[wasm_bindgen(getter)]
    pub fn bits(&self) -> u32 {
        u32::try_from(self.0.bits()).unwrap_or(u32::MAX)
    }

    /// Throws unless `signature_base64` signs `message` under this key.
    pub fn verify(&self, message: &[u8], signature_base64: &str) -> Result<(), JsValue> {
        let sig = Signature::from_base64(signature_base64).map_err(error)?;
        self.0.verify(message, &sig).map_err(error)
    }
}
