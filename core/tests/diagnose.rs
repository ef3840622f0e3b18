//! The signature doctor against `tests/vectors/signature_doctor.json`: every
//! signing mistake, each signature made by OpenSSL over the mistaken text and
//! re-checked with OpenSSL here; plus the properties no vector can show (no
//! private key material in any output, unusable inputs, no panic).
//!
//! Needs no signing backend: runs in `--no-default-features --features diagnose`.

#![cfg(feature = "diagnose")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod support;

use std::collections::BTreeSet;
use std::io::Write;
use std::process::{Command, Stdio};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use jenga_stk::{DiagnoseError, FindingCode, KeyError, diagnose_signature};
use serde::Deserialize;
use sha2::{Digest, Sha256};

#[derive(Deserialize)]
struct File {
    operation: String,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    id: String,
    input: Input,
    expected: Expected,
    oracle: Option<Oracle>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Input {
    body: String,
    signature: Option<String>,
    signature_bytes_base64: Option<String>,
    public_key: String,
    private_key: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Expected {
    ok: bool,
    codes: Vec<String>,
    signed_text: Option<String>,
    registered_fingerprint: String,
    signing_key_fingerprint: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Oracle {
    key: String,
    args: Vec<String>,
    stdin: String,
    #[serde(default)]
    stdin_sha256: bool,
    signature: String,
}

fn cases() -> Vec<Case> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/vectors/signature_doctor.json"
    );
    let file: File = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert_eq!(file.operation, "diagnose_signature");
    assert!(file.cases.len() > 50, "{} cases", file.cases.len());
    file.cases
}

fn key(stem: &str) -> String {
    std::fs::read_to_string(support::keys_dir().join(format!("{stem}.pem"))).unwrap()
}

fn header(input: &Input) -> Vec<u8> {
    match (&input.signature, &input.signature_bytes_base64) {
        (Some(text), None) => text.as_bytes().to_vec(),
        (None, Some(b64)) => STANDARD.decode(b64).unwrap(),
        _ => panic!("a case has exactly one of signature / signatureBytesBase64"),
    }
}

/// Runs `openssl <args>` with `{key}` replaced and `stdin` on standard input.
fn openssl(args: &[String], key: &str, stdin: &[u8]) -> std::process::Output {
    let path = support::keys_dir().join(format!("{key}.pem"));
    let mut child = Command::new("openssl")
        .args(args.iter().map(|a| {
            if a == "{key}" {
                path.as_os_str().to_owned()
            } else {
                a.into()
            }
        }))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("`openssl` is required for this test: {e}"));
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

/// The oracle's signature is what OpenSSL makes (PKCS#1 v1.5, deterministic:
/// re-signed and compared) or accepts (PSS, randomized: verified).
fn check_oracle(id: &str, o: &Oracle) {
    let stdin = if o.stdin_sha256 {
        Sha256::digest(o.stdin.as_bytes()).to_vec()
    } else {
        o.stdin.as_bytes().to_vec()
    };
    let expected = STANDARD.decode(&o.signature).unwrap();
    let randomized = o.args.iter().any(|a| a.contains("pss"))
        && !o.args.iter().any(|a| a == "rsa_pss_saltlen:0");
    if randomized {
        let dir = std::env::temp_dir().join(format!("jenga-doctor-{}-{id}", std::process::id()));
        std::fs::write(&dir, &expected).unwrap();
        let public = support::keys_dir().join(format!("{}.pub.pem", o.key));
        let mut args: Vec<String> = Vec::new();
        let mut it = o.args.iter();
        while let Some(a) = it.next() {
            if a == "-sign" {
                it.next();
                args.extend(["-verify".to_owned(), public.display().to_string()]);
            } else {
                args.push(a.clone());
            }
        }
        args.extend(["-signature".to_owned(), dir.display().to_string()]);
        let out = openssl(&args, &o.key, &stdin);
        std::fs::remove_file(&dir).unwrap();
        assert!(
            out.status.success(),
            "{id}: OpenSSL does not verify the PSS signature"
        );
    } else {
        let out = openssl(&o.args, &o.key, &stdin);
        assert!(
            out.status.success(),
            "{id}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(out.stdout, expected, "{id}: OpenSSL signs differently");
    }
}

#[test]
fn every_vector_gives_its_codes() {
    let mut failures = Vec::new();
    for case in cases() {
        let private = case.input.private_key.as_deref().map(key);
        let d = diagnose_signature(
            case.input.body.as_bytes(),
            &header(&case.input),
            &key(&case.input.public_key),
            private.as_deref(),
        )
        .unwrap_or_else(|e| panic!("{}: {e}", case.id));
        let codes: Vec<&str> = d.findings.iter().map(|f| f.code.code()).collect();
        let e = &case.expected;
        if codes != e.codes || d.ok != e.ok {
            failures.push(format!(
                "{}: got {codes:?} (ok {}), want {:?}\n{d}",
                case.id, d.ok, e.codes
            ));
            continue;
        }
        if d.signed_text != e.signed_text {
            failures.push(format!(
                "{}: signed text {:?}, want {:?}",
                case.id, d.signed_text, e.signed_text
            ));
        }
        for f in &d.findings {
            assert!(
                f.signed_text.is_none() || f.signed_text == d.signed_text,
                "{}: a finding shows another signed text",
                case.id
            );
        }
        assert_eq!(
            d.registered_key.fingerprint, e.registered_fingerprint,
            "{}",
            case.id
        );
        assert_eq!(
            d.signing_key.as_ref().map(|k| k.fingerprint.as_str()),
            e.signing_key_fingerprint.as_deref(),
            "{}",
            case.id
        );
        // The expected signing string is the body's own (independent reading).
        let body: serde_json::Value = serde_json::from_str(&case.input.body).unwrap();
        let amount = &body["payment"]["details"]["paymentAmount"];
        let amount = amount
            .as_str()
            .map_or_else(|| amount.to_string(), str::to_owned);
        if !case.input.body.contains("500.0") {
            let want = format!(
                "{}{}{}{}",
                body["order"]["orderReference"].as_str().unwrap(),
                body["payment"]["paymentCurrency"].as_str().unwrap(),
                body["payment"]["details"]["msisdn"].as_str().unwrap(),
                amount
            );
            assert_eq!(d.signing_string, want, "{}", case.id);
        }
    }
    assert!(
        failures.is_empty(),
        "{} failing cases:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_vector_signature_is_openssls() {
    let mut checked = 0;
    for case in cases() {
        if let Some(o) = &case.oracle {
            check_oracle(&case.id, o);
            checked += 1;
        }
    }
    assert!(checked > 50, "{checked}");
}

#[test]
fn every_finding_code_has_a_vector() {
    let used: BTreeSet<String> = cases().into_iter().flat_map(|c| c.expected.codes).collect();
    for code in FindingCode::ALL {
        assert!(used.contains(code.code()), "no vector for {code}");
    }
    for code in &used {
        assert!(
            FindingCode::from_code(code).is_some(),
            "unknown code {code} in the vectors"
        );
    }
}

const BODY: &[u8] = br#"{"order":{"orderReference":"OR28922980077"},"payment":{"paymentCurrency":"KES","details":{"msisdn":"0722000000","paymentAmount":2}}}"#;

#[test]
fn private_key_material_never_appears() {
    for stem in ["test-pkcs1-2048", "test-pkcs8-2048"] {
        let private = key(stem);
        let other = support::openssl_sign("test-pkcs8-4096", b"OR28922980077KES07220000002");
        for header in [STANDARD.encode(&other), "garbage".to_owned(), String::new()] {
            let d = diagnose_signature(
                BODY,
                header.as_bytes(),
                &key("test-pkcs1-2048.pub"),
                Some(&private),
            )
            .unwrap();
            let shown = format!("{d}{d:?}{}", serde_json::to_string(&d).unwrap());
            for line in private
                .lines()
                .filter(|l| l.len() > 16 && !l.starts_with("-----"))
            {
                assert!(
                    !shown.contains(line),
                    "{stem}: a line of the private key is printed"
                );
            }
            // Nor the private key's DER, in Base64 or hex.
            let (_, der) = der_of(&private);
            let hex: String = der[40..72].iter().map(|b| format!("{b:02x}")).collect();
            assert!(!shown.contains(&hex));
        }
    }
}

fn der_of(pem: &str) -> (String, Vec<u8>) {
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    (body.clone(), STANDARD.decode(body).unwrap())
}

#[test]
fn unusable_inputs_are_typed_errors() {
    let public = key("test-pkcs1-2048.pub");
    let sig = STANDARD.encode(support::openssl_sign("test-pkcs1-2048", b"x"));
    let err = diagnose_signature(b"<html>502</html>", sig.as_bytes(), &public, None).unwrap_err();
    assert_eq!((err.code(), err.input()), ("not_json", "body"));
    let err = diagnose_signature(br#"{"order":{}}"#, sig.as_bytes(), &public, None).unwrap_err();
    assert_eq!((err.code(), err.input()), ("missing_field", "body"));
    let err = diagnose_signature(BODY, sig.as_bytes(), &key("test-pkcs1-2048"), None).unwrap_err();
    assert_eq!(err, DiagnoseError::PublicKey(KeyError::IsPrivate));
    let err = diagnose_signature(BODY, sig.as_bytes(), &public, Some(&public)).unwrap_err();
    assert_eq!(err, DiagnoseError::PrivateKey(KeyError::IsPublic));
    let err = diagnose_signature(BODY, sig.as_bytes(), &key("test-1024.pub"), None).unwrap_err();
    assert_eq!(err.code(), "key_too_small");
    assert!(!err.to_string().is_empty());
}

#[test]
fn an_8192_bit_registered_key_is_diagnosed() {
    let sig = support::openssl_sign("test-pkcs1-8192", b"OR28922980077KES07220000002");
    let d = diagnose_signature(
        BODY,
        STANDARD.encode(&sig).as_bytes(),
        &key("test-pkcs1-8192.pub"),
        None,
    )
    .unwrap();
    assert!(d.ok, "{d}");
    assert_eq!(d.registered_key.bits, 8192);
}

#[test]
fn json_output_has_the_documented_shape() {
    let sig = support::openssl_sign("test-pkcs1-2048", b"OR28922980077KES07220000002.00");
    let d = diagnose_signature(
        BODY,
        STANDARD.encode(&sig).as_bytes(),
        &key("test-pkcs1-2048.pub"),
        None,
    )
    .unwrap();
    let v: serde_json::Value = serde_json::to_value(&d).unwrap();
    assert_eq!(v["ok"], false);
    assert_eq!(v["findings"][0]["code"], "amount_text");
    assert_eq!(
        v["findings"][0]["signedText"],
        "OR28922980077KES07220000002.00"
    );
    assert!(
        v["findings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("2.00")
    );
    assert!(v["findings"][0]["fix"].is_string());
    assert_eq!(v["signingString"], "OR28922980077KES07220000002");
    assert_eq!(v["registeredKey"]["bits"], 2048);
    assert_eq!(v["signingKey"], serde_json::Value::Null);
    assert_eq!(v["algorithm"], "RSA PKCS#1 v1.5 with SHA-256");
}

#[test]
fn arbitrary_headers_never_panic() {
    let public = key("test-pkcs1-2048.pub");
    let sig = support::openssl_sign("test-pkcs1-2048", b"OR28922980077KES07220000002");
    let mut inputs: Vec<Vec<u8>> = vec![
        vec![],
        vec![0; 256],
        vec![0xff; 256],
        vec![0xff; 257],
        b"====".to_vec(),
        b"%".to_vec(),
        b"%2".to_vec(),
        b"\"".to_vec(),
        b"Signature:".to_vec(),
        "é".repeat(200).into_bytes(),
    ];
    // Every prefix and every single-byte change of a valid header.
    let good = STANDARD.encode(&sig).into_bytes();
    for i in (0..good.len()).step_by(7) {
        inputs.push(good[..i].to_vec());
        let mut flipped = good.clone();
        flipped[i] ^= 0x01;
        inputs.push(flipped);
    }
    for input in inputs {
        let d = diagnose_signature(BODY, &input, &public, None).unwrap();
        assert!(
            !d.ok || input == good,
            "{:?}",
            String::from_utf8_lossy(&input)
        );
    }
}

#[test]
fn long_values_still_get_single_mistakes_diagnosed() {
    // A 300-character order reference: pairs are not searched, single
    // mistakes still are.
    let reference = "R".repeat(300);
    let body = format!(
        r#"{{"order":{{"orderReference":"{reference}"}},"payment":{{"paymentCurrency":"KES","details":{{"msisdn":"0722000000","paymentAmount":2}}}}}}"#
    );
    let public = key("test-pkcs1-2048.pub");
    let one = support::openssl_sign(
        "test-pkcs1-2048",
        format!("{reference}KES07220000002.00").as_bytes(),
    );
    let d = diagnose_signature(
        body.as_bytes(),
        STANDARD.encode(&one).as_bytes(),
        &public,
        None,
    )
    .unwrap();
    assert_eq!(d.codes(), vec![FindingCode::AmountText]);
    let two = support::openssl_sign(
        "test-pkcs1-2048",
        format!("KES,{reference},0722000000,2").as_bytes(),
    );
    let d = diagnose_signature(
        body.as_bytes(),
        STANDARD.encode(&two).as_bytes(),
        &public,
        None,
    )
    .unwrap();
    assert_eq!(d.codes(), vec![FindingCode::Unknown]);
}
