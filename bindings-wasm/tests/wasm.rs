//! wasm-bindgen-test: the main module's exported functions inside
//! WebAssembly under Node (the RSA module has its own, in `rsa/tests/`).

#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use jenga_stk_wasm::{
    WasmPkcs8Key, advise_transport_failure_js, build_stk_push, classify_init_response_js,
};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

const PAGE: &str = r#"{"order":{"orderReference":"OR28922980077","orderAmount":2,"orderCurrency":"KES","countryCode":"KE","description":"Purchase"},"customer":{"name":"John Doe","email":"xyx2@gmail.com","phoneNumber":"0722000111","identityNumber":"0000000"},"payment":{"paymentReference":"MKQR28922980073","paymentCurrency":"KES","callbackUrl":"https://example.com/cb","details":{"msisdn":"0722000000","paymentAmount":2}}}"#;
const KEY: &str = include_str!("../../tests/keys/test-pkcs1-2048.pem");
const PKCS8: &str = include_str!("../../tests/keys/test-pkcs8-2048.pem");
const PUBLIC: &str = include_str!("../../tests/keys/test-pkcs1-2048.pub.pem");

fn get(v: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(v, &JsValue::from_str(key)).unwrap()
}

#[wasm_bindgen_test]
fn builds_requests_and_exports_keys_inside_webassembly() {
    let push = build_stk_push(PAGE, "{}").unwrap();
    let signing = get(&push, "signingString").as_string().unwrap();
    assert_eq!(signing, "OR28922980077KES07220000002");
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
}

#[wasm_bindgen_test]
fn errors_are_plain_objects_with_codes() {
    let err = build_stk_push("{}", "{}").unwrap_err();
    assert_eq!(get(&err, "code").as_string().unwrap(), "validation_failed");
    assert_eq!(
        get(&err, "field").as_string().unwrap(),
        "order.orderReference"
    );
    let problems = js_sys::Array::from(&get(&err, "problems"));
    assert_eq!(problems.length(), 14);
    let err = WasmPkcs8Key::new("garbage").err().unwrap();
    assert_eq!(get(&err, "code").as_string().unwrap(), "key_invalid");
    let err = WasmPkcs8Key::new(PUBLIC).err().unwrap();
    assert_eq!(get(&err, "code").as_string().unwrap(), "key_is_public");
    let err = classify_init_response_js(7, b"{}").unwrap_err();
    assert_eq!(get(&err, "code").as_string().unwrap(), "invalid_type");
    let err = advise_transport_failure_js("push", "timeout").unwrap_err();
    assert_eq!(get(&err, "field").as_string().unwrap(), "endpoint");
    let err = advise_transport_failure_js("init", "reset").unwrap_err();
    assert_eq!(get(&err, "field").as_string().unwrap(), "failure");
}

#[wasm_bindgen_test]
fn every_answer_classifies_inside_webassembly() {
    // An HTML gateway page on the push: a rejection with an excerpt, never an error.
    let html = b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>";
    let answer = classify_init_response_js(502, html).unwrap();
    assert_eq!(get(&answer, "type").as_string().unwrap(), "rejected");
    assert_eq!(get(&answer, "kind").as_string().unwrap(), "server_error");
    assert_eq!(
        get(&answer, "action").as_string().unwrap(),
        "check_status_first"
    );
    assert_eq!(
        get(&answer, "bodyExcerpt").as_string().unwrap(),
        "502 Bad Gateway nginx"
    );
    let answer = classify_init_response_js(200, b"<html>").unwrap();
    assert_eq!(
        get(&answer, "kind").as_string().unwrap(),
        "invalid_response"
    );
    // JSON bodies carry no excerpt: null, not undefined.
    let answer = classify_init_response_js(400, br#"{"code":400}"#).unwrap();
    assert!(get(&answer, "bodyExcerpt").is_null());
    assert_eq!(
        advise_transport_failure_js("init", "timeout").unwrap(),
        "check_status_first"
    );
    assert_eq!(
        advise_transport_failure_js("init", "connect_failed").unwrap(),
        "retry_with_backoff"
    );
}
