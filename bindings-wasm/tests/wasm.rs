//! wasm-bindgen-test: the main module's exported functions inside
//! WebAssembly under Node (the RSA module has its own, in `rsa/tests/`).

#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use jenga_stk_wasm::{
    WasmFlowContext, WasmPaymentFlow, WasmSharedTokens, advise_transport_failure_js,
    build_stk_push, check_retry_policy, classify_init_response_js, retry_policy_defaults,
};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

const PAGE: &str = r#"{"order":{"orderReference":"OR28922980077","orderAmount":2,"orderCurrency":"KES","countryCode":"KE","description":"Purchase"},"customer":{"name":"John Doe","email":"xyx2@gmail.com","phoneNumber":"0722000111","identityNumber":"0000000"},"payment":{"paymentReference":"MKQR28922980073","paymentCurrency":"KES","callbackUrl":"https://example.com/cb","details":{"msisdn":"0722000000","paymentAmount":2}}}"#;

fn get(v: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(v, &JsValue::from_str(key)).unwrap()
}

#[wasm_bindgen_test]
fn builds_requests_inside_webassembly() {
    let push = build_stk_push(PAGE, "{}").unwrap();
    let signing = get(&push, "signingString").as_string().unwrap();
    assert_eq!(signing, "OR28922980077KES07220000002");
}

/// A signature of the page example by test-pkcs1-2048 (tests/vectors/signatures.json).
const SIGNATURE: &str = "i33xC9RHwOW5so07W6CPs3xmY0kCd5v/E11jzuZiE0PTDtCcgh6DmRGvdJCW/lRPBhAO7g64U/wmhivXc0st110b5e+udxGjKAmZhbW4iifuVpLSysZ7gk8gNOENSHHQLRym9hiwQXdnkXJJs4pII07OkbdD/zl2fhlDCZqB7iCgIMzA0fZGvZ17Kip+35z0aD+ha6x5aHNMpJlqPcN9qmCXQ8ID5wUvMFsWun9xIRLy+xFc+ntt0BFrqVCvD07Wc56sEV+7k2atpEA34si+64AXvASbKYkOQCDJoeWvImqXrsGTe9iGO9n9jithoU7pq++WHXzmItu20ANW52gKBg==";

#[wasm_bindgen_test]
fn the_payment_flow_runs_inside_webassembly() {
    let tokens = WasmSharedTokens::new("uat", "key", "merchant", "secret", 60.0).unwrap();
    let context = WasmFlowContext::new(&tokens);
    let policy = retry_policy_defaults();
    assert_eq!(policy.len(), 10);
    check_retry_policy(&policy).unwrap();
    let mut flow =
        WasmPaymentFlow::new(PAGE, "{}", SIGNATURE, &context, &policy, None, 42, 0.0).unwrap();
    let action = flow.poll(0.0).unwrap();
    assert_eq!(get(&action, "type").as_string().unwrap(), "send");
    assert_eq!(get(&action, "endpoint").as_string().unwrap(), "token");
    assert_eq!(get(&action, "timeoutMs").as_f64().unwrap(), 30_000.0);
    // Polling again before the answer is a misuse, with its own code.
    let err = flow.poll(1.0).unwrap_err();
    assert_eq!(get(&err, "code").as_string().unwrap(), "flow_busy");
    flow.handle_response(
        100.0,
        200,
        None,
        br#"{"accessToken":"eyJ.a.b","expiresIn":900}"#,
    )
    .unwrap();
    let action = flow.poll(100.0).unwrap();
    assert_eq!(get(&action, "endpoint").as_string().unwrap(), "init");
    flow.handle_transport_failure(200.0, "timeout").unwrap();
    assert_eq!(flow.phase(), "confirming");
    let err = flow.handle_transport_failure(200.0, "timeout").unwrap_err();
    assert_eq!(get(&err, "code").as_string().unwrap(), "flow_idle");
    let action = flow.poll(200.0).unwrap();
    assert_eq!(get(&action, "type").as_string().unwrap(), "wait");
    assert_eq!(get(&action, "untilMs").as_f64().unwrap(), 2200.0);
    // Saved and restored: the same state.
    let saved = flow.to_json();
    let again = WasmPaymentFlow::from_json(saved.as_bytes(), &context).unwrap();
    assert_eq!(again.to_json(), saved);
    let err = WasmPaymentFlow::from_json(b"{}", &context).err().unwrap();
    assert_eq!(get(&err, "code").as_string().unwrap(), "flow_state_invalid");
    // A policy value out of range names its field.
    let mut bad = policy.clone();
    bad[5] = -1.0;
    let err = check_retry_policy(&bad).unwrap_err();
    assert_eq!(
        get(&err, "field").as_string().unwrap(),
        "policy.firstPollMs"
    );
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
