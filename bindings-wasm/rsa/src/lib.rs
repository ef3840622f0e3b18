//! The npm package's second WebAssembly module: what reads keys. The
//! private key check for the WebCrypto `Signer` (`WasmPkcs8Key`), the
//! synchronous signer and the verifier (the core built with its portable
//! `rsa` backend), and the signature doctor (`diagnoseSignature`, the core's
//! `diagnose` feature). The package loads it on first use (in Node,
//! synchronously from the package; elsewhere `Signer.fromPem` fetches it, or
//! after `await initializeSyncSigner()`), so the main module, which parses
//! and drives payments, stays within its size budget: key parsing alone is
//! ~21 KB gzipped. Thin, like the main module: types and errors converted,
//! nothing else.

// One error shape for both modules.
#[path = "../../src/errors.rs"]
mod errors;

use errors::{error, failure, plain};
use jenga_stk::{Pkcs8Key, Signature, Signer, Verifier};
use wasm_bindgen::prelude::*;

/// A private key checked and re-encoded as PKCS#8 DER, for WebCrypto's
/// `importKey("pkcs8", …)`: no RSA arithmetic, zeroized when freed.
#[wasm_bindgen]
pub struct WasmPkcs8Key(Pkcs8Key);

#[wasm_bindgen]
impl WasmPkcs8Key {
    /// Reads a PKCS#1 or PKCS#8 PEM private key (the signer's checks and errors).
    #[wasm_bindgen(constructor)]
    pub fn new(pem: &str) -> Result<WasmPkcs8Key, JsValue> {
        Pkcs8Key::from_pem(pem).map(WasmPkcs8Key).map_err(error)
    }

    /// The modulus size in bits.
    #[wasm_bindgen(getter)]
    pub fn bits(&self) -> u32 {
        u32::try_from(self.0.bits()).unwrap_or(u32::MAX)
    }

    /// The PKCS#8 DER (a copy; fill it with zeros once imported).
    pub fn der(&self) -> Vec<u8> {
        self.0.der().to_vec()
    }
}

/// The signing string of a received body, from the body's own texts (to
/// verify a request signed elsewhere, with `WasmVerifier`). Here rather than
/// in the main module, beside the verifier and the doctor: 0.8 KB gzipped.
#[wasm_bindgen(js_name = signingStringOfBody)]
pub fn signing_string_of_body_js(body: &[u8]) -> Result<String, JsValue> {
    jenga_stk::signing_string_of_body(body, &jenga_stk::Limits::default()).map_err(error)
}

/// Why the provider refuses a signature: the core's `diagnose_signature`
/// over the body and `Signature` header as sent and the registered public
/// key (the private key, if given, is used for its public half only). An
/// unusable input is an error whose `field` names it (`body`,
/// `registeredPublicKeyPem`, `privateKeyPem`).
#[wasm_bindgen(js_name = diagnoseSignature)]
pub fn diagnose_signature_js(
    body: &[u8],
    signature_header: &[u8],
    registered_public_key_pem: &str,
    private_key_pem: Option<String>,
) -> Result<JsValue, JsValue> {
    match jenga_stk::diagnose_signature(
        body,
        signature_header,
        registered_public_key_pem,
        private_key_pem.as_deref(),
    ) {
        Ok(diagnosis) => plain(&diagnosis).ok_or_else(|| {
            failure(
                "internal_error",
                None,
                "the diagnosis could not be converted",
            )
        }),
        Err(e) => {
            let field = match e.input() {
                "body" => "body",
                "public_key" => "registeredPublicKeyPem",
                _ => "privateKeyPem",
            };
            Err(failure(e.code(), Some(field), &e.to_string()))
        }
    }
}

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
