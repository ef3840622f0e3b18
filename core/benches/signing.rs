//! Criterion benchmarks: signing alone, and validate + write + sign.
//! Results and the same-run OpenSSL comparison: `docs/benchmarks.md`.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use jenga_stk::{RequestOptions, Signer, StkPush};

const PAGE_EXAMPLE: &[u8] = br#"{"order":{"orderReference":"OR28922980077","orderAmount":2,"orderCurrency":"KES","source":"APICHECKOUT","countryCode":"KE","description":"Purchase"},"customer":{"name":"John Doe","email":"xyx2@gmail.com","phoneNumber":"0722000111","identityNumber":"0000000","firstAddress":"","secondAddress":""},"payment":{"paymentReference":"MKQR28922980073","paymentCurrency":"KES","channel":"MOBILE","service":"MPESA","provider":"JENGA","callbackUrl":"https://webhook.site/5c74a733-1caa-4f10-b876-3df9c0d7453c","details":{"msisdn":"0722000000","paymentAmount":2}}}"#;

fn key(stem: &str) -> Signer {
    let path = format!("{}/../tests/keys/{stem}.pem", env!("CARGO_MANIFEST_DIR"));
    Signer::from_pem(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn benches(c: &mut Criterion) {
    let signer = key("test-pkcs8-2048");
    let options = RequestOptions::default();
    c.bench_function("sign_rsa2048", |b| {
        b.iter(|| {
            signer
                .sign(black_box(b"OR28922980077KES07220000002"))
                .unwrap()
        })
    });
    c.bench_function("build_and_sign_rsa2048", |b| {
        b.iter(|| {
            StkPush::from_json(black_box(PAGE_EXAMPLE), &options)
                .unwrap()
                .sign(&signer)
                .unwrap()
        })
    });
    c.bench_function("build_only", |b| {
        b.iter(|| StkPush::from_json(black_box(PAGE_EXAMPLE), &options).unwrap())
    });
}

criterion_group!(signing, benches);
criterion_main!(signing);
