//! The build without a signing backend (`--no-default-features`): no RSA
//! code, requests signed elsewhere and attached. The other integration tests
//! sign or load keys, so they are compiled out of this build; this file says
//! so loudly and checks what remains.

#![cfg(not(any(feature = "rsa", feature = "ring", feature = "aws-lc-rs")))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use jenga_stk::{
    AccessToken, Environment, Pkcs8Key, RequestOptions, SIGNER_BACKEND, SIGNER_IS_CONSTANT_TIME,
    Signature, StkPush,
};

const PAGE_EXAMPLE: &[u8] = br#"{"order":{"orderReference":"OR28922980077","orderAmount":2,"orderCurrency":"KES","source":"APICHECKOUT","countryCode":"KE","description":"Purchase"},"customer":{"name":"John Doe","email":"xyx2@gmail.com","phoneNumber":"0722000111","identityNumber":"0000000","firstAddress":"","secondAddress":""},"payment":{"paymentReference":"MKQR28922980073","paymentCurrency":"KES","channel":"MOBILE","service":"MPESA","provider":"JENGA","callbackUrl":"https://webhook.site/5c74a733-1caa-4f10-b876-3df9c0d7453c","details":{"msisdn":"0722000000","paymentAmount":2}}}"#;

#[test]
fn bring_your_own_signature_without_any_rsa_code() {
    eprintln!(
        "NOTE: built without a signing backend: the signing tests (vectors, hostile, secrets, \
         properties, request, lifecycle_vectors, openssl_oracle) are compiled out of this build; \
         `make test` runs them with each backend"
    );
    assert_eq!(SIGNER_BACKEND, "none");
    const { assert!(!SIGNER_IS_CONSTANT_TIME) };
    let push = StkPush::from_json(PAGE_EXAMPLE, &RequestOptions::default()).unwrap();
    assert_eq!(push.signing_string(), "OR28922980077KES07220000002");
    // A signature made elsewhere (here: any valid Base64 of the right shape).
    let signature = Signature::from_bytes(&[7; 256]).unwrap();
    let signed = push.with_signature(signature.clone());
    let token = AccessToken::new("tok.en.value").unwrap();
    let request = signed.http_request(&Environment::Uat, &token);
    assert_eq!(request.header("Signature"), Some(signature.as_str()));
    // Keys can still be checked and exported for a platform signer.
    let pem = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/keys/test-pkcs1-2048.pem"
    ))
    .unwrap();
    assert_eq!(Pkcs8Key::from_pem(&pem).unwrap().bits(), 2048);
}
