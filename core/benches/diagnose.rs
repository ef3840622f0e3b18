//! Criterion benchmarks of the signature doctor (`diagnose_signature`): a
//! valid signature, typical 403s, the worst case (nothing matches, every
//! candidate is tried) and, for scale, one RSA verification by the signing
//! backend (what each candidate would cost a doctor that verified them one by
//! one). Inputs come from `tests/vectors/signature_doctor.json` (signatures
//! made by OpenSSL). Results: `docs/benchmarks.md`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::hint::black_box;

use base64::Engine as _;
use criterion::{Criterion, criterion_group, criterion_main};
use jenga_stk::diagnose_signature;
use serde_json::Value;

fn root() -> String {
    format!("{}/..", env!("CARGO_MANIFEST_DIR"))
}

fn key(stem: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/keys/{stem}.pem", root())).unwrap()
}

/// A vector's inputs: body, header, registered public key PEM, private key PEM.
struct Inputs {
    body: Vec<u8>,
    header: Vec<u8>,
    public: String,
    private: Option<String>,
    codes: Vec<String>,
}

fn vector(id: &str) -> Inputs {
    let text =
        std::fs::read_to_string(format!("{}/tests/vectors/signature_doctor.json", root())).unwrap();
    let file: Value = serde_json::from_str(&text).unwrap();
    let case = file["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no vector {id}"));
    let input = &case["input"];
    let header = match input["signature"].as_str() {
        Some(s) => s.as_bytes().to_vec(),
        None => base64::engine::general_purpose::STANDARD
            .decode(input["signatureBytesBase64"].as_str().unwrap())
            .unwrap(),
    };
    Inputs {
        body: input["body"].as_str().unwrap().as_bytes().to_vec(),
        header,
        public: key(input["publicKey"].as_str().unwrap()),
        private: input["privateKey"].as_str().map(key),
        codes: case["expected"]["codes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap().to_owned())
            .collect(),
    }
}

fn run(v: &Inputs) -> jenga_stk::Diagnosis {
    diagnose_signature(
        black_box(&v.body),
        black_box(&v.header),
        &v.public,
        v.private.as_deref(),
    )
    .unwrap()
}

fn benches(c: &mut Criterion) {
    for (name, id) in [
        ("diagnose_valid_rsa2048", "valid-test-pkcs1-2048-pub"),
        ("diagnose_valid_rsa4096", "valid-test-pkcs1-4096-pub"),
        ("diagnose_403_amount_text", "amount-two-decimals-for-whole"),
        ("diagnose_403_msisdn_and_amount", "msisdn-and-amount"),
        ("diagnose_403_order_and_commas", "wrong-order-and-commas"),
        ("diagnose_403_pss", "wrong-algorithm-pss-default"),
        ("diagnose_403_key_mismatch_with_private_key", "key-mismatch"),
        ("diagnose_403_unknown_key", "unknown-key"),
        ("diagnose_403_unknown_worst_case", "unknown-stale-reference"),
    ] {
        let v = vector(id);
        // The benchmark measures what the vector says it should.
        let got: Vec<String> = run(&v)
            .findings
            .iter()
            .map(|f| f.code.code().to_owned())
            .collect();
        assert_eq!(got, v.codes, "{id}");
        c.bench_function(name, |b| b.iter(|| run(&v)));
    }
    #[cfg(any(feature = "rsa", feature = "ring", feature = "aws-lc-rs"))]
    {
        let v = vector("valid-test-pkcs1-2048-pub");
        let verifier = jenga_stk::Verifier::from_pem(&v.public).unwrap();
        let signature =
            jenga_stk::Signature::from_base64(std::str::from_utf8(&v.header).unwrap()).unwrap();
        c.bench_function("baseline_one_rsa2048_verification_by_the_backend", |b| {
            b.iter(|| verifier.verify(black_box(b"OR28922980077KES07220000002"), &signature))
        });
    }
}

criterion_group!(diagnose, benches);
criterion_main!(diagnose);
