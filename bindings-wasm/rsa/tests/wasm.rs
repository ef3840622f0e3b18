//! wasm-bindgen-test: the RSA module inside WebAssembly under Node, with the
//! blinded RSA running on the `wasm_js` random source.

#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use jenga_stk_wasm_rsa::{WasmSigner, WasmVerifier};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

const KEY: &str = include_str!("../../../tests/keys/test-pkcs1-2048.pem");
const PUBLIC: &str = include_str!("../../../tests/keys/test-pkcs1-2048.pub.pem");
// openssl dgst -sha256 -sign test-pkcs1-2048.pem of the page example's signing string
// (tests/vectors/signatures.json, case sign-test-pkcs1-2048-27).
const SIGNATURES: &str = include_str!("../../../tests/vectors/signatures.json");

fn get(v: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(v, &JsValue::from_str(key)).unwrap()
}

#[wasm_bindgen_test]
fn signs_like_openssl_and_verifies_inside_webassembly() {
    let message = "OR28922980077KES07220000002";
    let signer = WasmSigner::new(KEY).unwrap();
    assert_eq!(signer.bits(), 2048);
    let sig = signer.sign(message.as_bytes()).unwrap();
    let vectors = js_sys::JSON::parse(SIGNATURES).unwrap();
    let cases = js_sys::Array::from(&get(&vectors, "cases"));
    let expected = cases
        .iter()
        .find(|c| get(c, "id").as_string().as_deref() == Some("sign-test-pkcs1-2048-27"))
        .map(|c| get(&get(&c, "expected"), "signature").as_string().unwrap())
        .unwrap();
    assert_eq!(sig, expected);
    // Blinded and still deterministic.
    assert_eq!(sig, signer.sign(message.as_bytes()).unwrap());
    let verifier = WasmVerifier::new(PUBLIC).unwrap();
    verifier.verify(message.as_bytes(), &sig).unwrap();
    let err = verifier.verify(b"other", &sig).unwrap_err();
    assert_eq!(get(&err, "code").as_string().unwrap(), "signature_mismatch");
    let err = WasmSigner::new("garbage").err().unwrap();
    assert_eq!(get(&err, "code").as_string().unwrap(), "key_invalid");
}
