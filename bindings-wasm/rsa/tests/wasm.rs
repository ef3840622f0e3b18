//! wasm-bindgen-test: the second module inside WebAssembly under Node: the
//! key check for WebCrypto, the blinded RSA running on the `wasm_js` random
//! source, and the signature doctor.

#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use jenga_stk_wasm_rsa::{WasmPkcs8Key, WasmSigner, WasmVerifier, diagnose_signature_js};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

const KEY: &str = include_str!("../../../tests/keys/test-pkcs1-2048.pem");
const PUBLIC: &str = include_str!("../../../tests/keys/test-pkcs1-2048.pub.pem");
const PKCS8: &str = include_str!("../../../tests/keys/test-pkcs8-2048.pem");
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

#[wasm_bindgen_test]
fn checks_and_exports_keys_for_webcrypto_inside_webassembly() {
    let pkcs8 = WasmPkcs8Key::new(KEY).unwrap();
    assert_eq!(pkcs8.bits(), 2048);
    // The PKCS#8 file was written by OpenSSL; re-exporting it gives the same DER.
    let again = WasmPkcs8Key::new(PKCS8).unwrap();
    let b64: String = PKCS8.lines().filter(|l| !l.starts_with("-----")).collect();
    let der = js_sys::Uint8Array::from(again.der().as_slice());
    let decoded = js_sys::Uint8Array::new(
        &js_sys::eval(&format!(
            "Uint8Array.from(atob('{b64}'), c => c.charCodeAt(0))"
        ))
        .unwrap(),
    );
    assert_eq!(der.to_vec(), decoded.to_vec());
    let err = WasmPkcs8Key::new("garbage").err().unwrap();
    assert_eq!(get(&err, "code").as_string().unwrap(), "key_invalid");
    let err = WasmPkcs8Key::new(PUBLIC).err().unwrap();
    assert_eq!(get(&err, "code").as_string().unwrap(), "key_is_public");
}

#[wasm_bindgen_test]
fn diagnoses_signatures_inside_webassembly() {
    let body = br#"{"order":{"orderReference":"OR28922980077"},"payment":{"paymentCurrency":"KES","details":{"msisdn":"0722000000","paymentAmount":2}}}"#;
    let signer = WasmSigner::new(KEY).unwrap();
    let wrong = signer.sign(b"OR28922980077KES07220000002.00").unwrap();
    let d = diagnose_signature_js(body, wrong.as_bytes(), PUBLIC, None).unwrap();
    assert_eq!(get(&d, "ok").as_bool(), Some(false));
    let findings = js_sys::Array::from(&get(&d, "findings"));
    assert_eq!(
        get(&findings.get(0), "code").as_string().unwrap(),
        "amount_text"
    );
    assert!(get(&d, "signingKey").is_null());
    // Unusable inputs name the input at fault.
    let err = diagnose_signature_js(b"<html>", wrong.as_bytes(), PUBLIC, None).unwrap_err();
    assert_eq!(get(&err, "code").as_string().unwrap(), "not_json");
    assert_eq!(get(&err, "field").as_string().unwrap(), "body");
    let err = diagnose_signature_js(body, wrong.as_bytes(), KEY, None).unwrap_err();
    assert_eq!(get(&err, "code").as_string().unwrap(), "key_is_private");
    assert_eq!(
        get(&err, "field").as_string().unwrap(),
        "registeredPublicKeyPem"
    );
    let err =
        diagnose_signature_js(body, wrong.as_bytes(), PUBLIC, Some(PUBLIC.to_owned())).unwrap_err();
    assert_eq!(get(&err, "field").as_string().unwrap(), "privateKeyPem");
}
