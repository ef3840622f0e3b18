//! The `jenga-stk` binary as users run it: exit codes (0 valid, 1 findings,
//! 2 bad usage), JSON output, standard input, and OpenSSL as the oracle for
//! what `keygen`, `sign` and `fingerprint` produce.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_jenga-stk");

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn key(stem: &str) -> PathBuf {
    root().join("tests/keys").join(format!("{stem}.pem"))
}

/// A fresh scratch folder for one test, removed when dropped.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl std::ops::Deref for Scratch {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

fn scratch(name: &str) -> Scratch {
    let dir = std::env::temp_dir().join(format!("jenga-stk-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    Scratch(dir)
}

fn run(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    if let Some(input) = stdin {
        pipe.write_all(input).unwrap();
    }
    drop(pipe);
    child.wait_with_output().unwrap()
}

fn code(out: &Output) -> i32 {
    out.status.code().unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

fn openssl(args: &[&str], stdin: &[u8]) -> Vec<u8> {
    let mut child = Command::new("openssl")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("`openssl` is required for this test: {e}"));
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

const BODY: &str = r#"{"order":{"orderReference":"OR28922980077","orderAmount":2,"orderCurrency":"KES","source":"APICHECKOUT","countryCode":"KE","description":"Purchase"},"customer":{"name":"John Doe","email":"xyx2@gmail.com","phoneNumber":"0722000111","identityNumber":"0000000","firstAddress":"","secondAddress":""},"payment":{"paymentReference":"MKQR28922980073","paymentCurrency":"KES","channel":"MOBILE","service":"MPESA","provider":"JENGA","callbackUrl":"https://webhook.site/5c74a733-1caa-4f10-b876-3df9c0d7453c","details":{"msisdn":"0722000000","paymentAmount":2}}}"#;

/// OpenSSL's Base64 signature of `text` with a test key.
fn openssl_signature(stem: &str, text: &str) -> String {
    let k = key(stem);
    STANDARD.encode(openssl(
        &["dgst", "-sha256", "-sign", k.to_str().unwrap()],
        text.as_bytes(),
    ))
}

/// Writes the page body and a signature over `signed` into a scratch folder.
fn files(name: &str, signed: &str) -> (Scratch, PathBuf, PathBuf) {
    let dir = scratch(name);
    let body = dir.join("body.json");
    let sig = dir.join("signature.txt");
    std::fs::write(&body, BODY).unwrap();
    // A trailing newline, as `> signature.txt` leaves it.
    std::fs::write(
        &sig,
        format!("{}\n", openssl_signature("test-pkcs1-2048", signed)),
    )
    .unwrap();
    (dir, body, sig)
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn doctor_exits_0_for_a_valid_signature() {
    let (_dir, body, sig) = files("valid", "OR28922980077KES07220000002");
    let public = key("test-pkcs1-2048.pub");
    let out = run(
        &[
            "doctor",
            "--body",
            s(&body),
            "--signature",
            s(&sig),
            "--public-key",
            s(&public),
        ],
        None,
    );
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    assert!(
        stdout(&out).starts_with("OK: the signature is valid"),
        "{}",
        stdout(&out)
    );
    let out = run(
        &[
            "doctor",
            "--body",
            s(&body),
            "--signature",
            s(&sig),
            "--public-key",
            s(&public),
            "--json",
        ],
        None,
    );
    let v = json(&out);
    assert_eq!(
        (code(&out), &v["ok"], &v["findings"]),
        (0, &Value::Bool(true), &Value::Array(vec![]))
    );
}

#[test]
fn doctor_exits_1_with_the_findings() {
    let (_dir, body, sig) = files("amount", "OR28922980077KES07220000002.00");
    let public = key("test-pkcs1-2048.pub");
    let out = run(
        &[
            "doctor",
            "--body",
            s(&body),
            "--signature",
            s(&sig),
            "--public-key",
            s(&public),
        ],
        None,
    );
    assert_eq!(code(&out), 1);
    let text = stdout(&out);
    assert!(
        text.contains("[amount_text]") && text.contains("`2.00`"),
        "{text}"
    );
    let out = run(
        &[
            "doctor",
            "--body",
            s(&body),
            "--signature",
            s(&sig),
            "--public-key",
            s(&public),
            "--json",
        ],
        None,
    );
    assert_eq!(code(&out), 1);
    let v = json(&out);
    assert_eq!(v["findings"][0]["code"], "amount_text");
    assert_eq!(v["signedText"], "OR28922980077KES07220000002.00");
    assert_eq!(v["signingString"], "OR28922980077KES07220000002");
}

#[test]
fn doctor_reads_standard_input_and_inline_signatures() {
    let (dir, _body, sig) = files("stdin", "KESOR2892298007707220000002");
    let public = key("test-pkcs1-2048.pub");
    let out = run(
        &[
            "doctor",
            "--body",
            "-",
            "--signature",
            s(&sig),
            "--public-key",
            s(&public),
            "--json",
        ],
        Some(BODY.as_bytes()),
    );
    assert_eq!(
        (code(&out), json(&out)["findings"][0]["code"].as_str()),
        (1, Some("wrong_order"))
    );
    let header = std::fs::read_to_string(&sig).unwrap();
    let body = dir.join("second-body.json");
    std::fs::write(&body, BODY).unwrap();
    let out = run(
        &[
            "doctor",
            "--body",
            s(&body),
            "--signature",
            "-",
            "--public-key",
            s(&public),
            "--json",
        ],
        Some(header.as_bytes()),
    );
    assert_eq!(code(&out), 1);
    let url_safe = header.trim().replace('+', "-").replace('/', "_");
    let out = run(
        &[
            "doctor",
            "--body",
            s(&body),
            "--signature-value",
            &url_safe,
            "--public-key",
            s(&public),
            "--json",
        ],
        None,
    );
    let codes: Vec<Value> = json(&out)["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].clone())
        .collect();
    assert_eq!(codes, vec!["not_base64", "wrong_order"]);
}

#[test]
fn doctor_proves_a_key_mismatch_without_printing_the_private_key() {
    let dir = scratch("mismatch");
    let body = dir.join("body.json");
    std::fs::write(&body, BODY).unwrap();
    let header = openssl_signature("test-pkcs8-2048", "OR28922980077KES07220000002");
    let private = key("test-pkcs8-2048");
    let out = run(
        &[
            "doctor",
            "--body",
            s(&body),
            "--signature-value",
            &header,
            "--public-key",
            s(&key("test-pkcs1-2048.pub")),
            "--private-key",
            s(&private),
        ],
        None,
    );
    assert_eq!(code(&out), 1);
    let text = stdout(&out);
    assert!(text.contains("[key_mismatch]"), "{text}");
    let pem = std::fs::read_to_string(&private).unwrap();
    for line in pem.lines().filter(|l| !l.starts_with("-----")) {
        assert!(!text.contains(line), "the private key is printed");
    }
    // Both fingerprints, as OpenSSL computes them.
    for (stem, flag) in [("test-pkcs1-2048.pub", "-pubin"), ("test-pkcs8-2048", "")] {
        let k = key(stem);
        let mut args = vec!["pkey", "-in", s(&k), "-pubout", "-outform", "DER"];
        if !flag.is_empty() {
            args.insert(1, flag);
        }
        let der = openssl(&args, b"");
        let digest = openssl(&["dgst", "-sha256", "-r"], &der);
        let hex = String::from_utf8(digest).unwrap();
        let hex = hex.split_whitespace().next().unwrap();
        assert!(text.contains(hex), "{stem}: {hex} not in\n{text}");
    }
}

#[test]
fn bad_usage_and_unusable_inputs_exit_2() {
    let (dir, body, sig) = files("usage", "x");
    let public = key("test-pkcs1-2048.pub");
    let cases: Vec<Vec<String>> = vec![
        vec!["doctor".into()],
        vec![
            "doctor".into(),
            "--body".into(),
            s(&body).into(),
            "--public-key".into(),
            s(&public).into(),
        ],
        vec![
            "doctor".into(),
            "--body".into(),
            "-".into(),
            "--signature".into(),
            "-".into(),
            "--public-key".into(),
            s(&public).into(),
        ],
        vec![
            "doctor".into(),
            "--body".into(),
            s(&dir.join("missing.json")).into(),
            "--signature".into(),
            s(&sig).into(),
            "--public-key".into(),
            s(&public).into(),
        ],
        vec![
            "doctor".into(),
            "--body".into(),
            s(&body).into(),
            "--signature".into(),
            s(&sig).into(),
            "--public-key".into(),
            s(&key("test-pkcs1-2048")).into(),
        ],
        vec![
            "doctor".into(),
            "--body".into(),
            s(&public).into(),
            "--signature".into(),
            s(&sig).into(),
            "--public-key".into(),
            s(&public).into(),
        ],
        vec!["frobnicate".into()],
        vec!["keygen".into(), "--bits".into(), "1024".into()],
    ];
    for args in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = run(&args, Some(b""));
        assert_eq!(
            code(&out),
            2,
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let out = run(
        &[
            "doctor",
            "--body",
            s(&body),
            "--signature",
            s(&sig),
            "--public-key",
            s(&key("test-pkcs1-2048")),
            "--json",
        ],
        None,
    );
    assert_eq!(code(&out), 2);
    assert_eq!(json(&out)["error"]["code"], "key_is_private");
    assert_eq!(code(&run(&["--help"], None)), 0);
    assert!(stdout(&run(&["--help"], None)).contains("jenga-stk doctor --body"));
    assert_eq!(code(&run(&["--version"], None)), 0);
}

#[test]
fn keygen_sign_verify_round_trip_checked_by_openssl() {
    let dir = scratch("keygen");
    let private = dir.join("private.pem");
    let public = dir.join("public.pem");
    let out = run(
        &[
            "keygen",
            "--private-key-out",
            s(&private),
            "--public-key-out",
            s(&public),
            "--json",
        ],
        None,
    );
    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stderr));
    let v = json(&out);
    assert_eq!(v["bits"], 2048);
    let private_pem = std::fs::read_to_string(&private).unwrap();
    assert!(private_pem.starts_with("-----BEGIN PRIVATE KEY-----"));
    assert!(
        !stdout(&out).contains("PRIVATE KEY"),
        "keygen prints the private key"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&private).unwrap().permissions().mode();
        assert_eq!(
            mode & 0o077,
            0,
            "the private key is readable by others: {mode:o}"
        );
    }
    // OpenSSL: a valid RSA-2048 key, e = 65537, and the same fingerprint.
    let check = openssl(
        &["pkey", "-in", s(&private), "-check", "-noout", "-text"],
        b"",
    );
    let check = String::from_utf8(check).unwrap();
    assert!(
        check.contains("Key is valid") || check.contains("valid"),
        "{check}"
    );
    assert!(
        check.contains("2048 bit") && check.contains("65537"),
        "{check}"
    );
    let der = openssl(
        &["pkey", "-pubin", "-in", s(&public), "-outform", "DER"],
        b"",
    );
    let digest = String::from_utf8(openssl(&["dgst", "-sha256", "-r"], &der)).unwrap();
    assert_eq!(v["fingerprint"].as_str(), digest.split_whitespace().next());
    assert_eq!(
        v["publicKey"].as_str().unwrap(),
        std::fs::read_to_string(&public).unwrap()
    );

    // sign: the signature OpenSSL makes over the signing string.
    let body = dir.join("body.json");
    std::fs::write(&body, BODY).unwrap();
    let out = run(
        &[
            "sign",
            "--body",
            s(&body),
            "--private-key",
            s(&private),
            "--json",
        ],
        None,
    );
    assert_eq!(code(&out), 0);
    let signed = json(&out);
    assert_eq!(signed["signingString"], "OR28922980077KES07220000002");
    let expected = STANDARD.encode(openssl(
        &["dgst", "-sha256", "-sign", s(&private)],
        b"OR28922980077KES07220000002",
    ));
    assert_eq!(signed["signature"].as_str(), Some(expected.as_str()));

    // verify: 0 for it, 1 for anything else; doctor agrees.
    let sig = signed["signature"].as_str().unwrap();
    let out = run(
        &[
            "verify",
            "--body",
            s(&body),
            "--signature-value",
            sig,
            "--public-key",
            s(&public),
        ],
        None,
    );
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    let other = openssl_signature("test-pkcs1-2048", "OR28922980077KES07220000002");
    let out = run(
        &[
            "verify",
            "--body",
            s(&body),
            "--signature-value",
            &other,
            "--public-key",
            s(&public),
            "--json",
        ],
        None,
    );
    assert_eq!((code(&out), &json(&out)["valid"]), (1, &Value::Bool(false)));
    assert_eq!(json(&out)["code"], "signature_mismatch");
    let out = run(
        &[
            "doctor",
            "--body",
            s(&body),
            "--signature-value",
            sig,
            "--public-key",
            s(&public),
        ],
        None,
    );
    assert_eq!(code(&out), 0);

    // No silent overwrite; --pkcs1 writes the provider docs' format.
    let out = run(
        &[
            "keygen",
            "--private-key-out",
            s(&private),
            "--public-key-out",
            s(&dir.join("p2.pem")),
        ],
        None,
    );
    assert_eq!(code(&out), 2);
    assert_eq!(
        std::fs::read_to_string(&private).unwrap(),
        private_pem,
        "overwritten"
    );
    assert!(!dir.join("p2.pem").exists());
    let out = run(
        &[
            "keygen",
            "--pkcs1",
            "--private-key-out",
            s(&dir.join("k1.pem")),
            "--public-key-out",
            s(&dir.join("k1.pub.pem")),
        ],
        None,
    );
    assert_eq!(code(&out), 0);
    assert!(
        std::fs::read_to_string(dir.join("k1.pem"))
            .unwrap()
            .starts_with("-----BEGIN RSA PRIVATE KEY-----")
    );
    let out = run(
        &["fingerprint", "--private-key", s(&dir.join("k1.pem"))],
        None,
    );
    let out2 = run(
        &["fingerprint", "--public-key", s(&dir.join("k1.pub.pem"))],
        None,
    );
    assert_eq!((code(&out), stdout(&out)), (0, stdout(&out2)));
}

/// Every doctor vector through the binary, compared by code.
#[test]
fn every_doctor_vector_through_the_binary() {
    let text = std::fs::read_to_string(root().join("tests/vectors/signature_doctor.json")).unwrap();
    let file: Value = serde_json::from_str(&text).unwrap();
    let dir = scratch("vectors");
    let mut count = 0;
    for case in file["cases"].as_array().unwrap() {
        let id = case["id"].as_str().unwrap();
        let input = &case["input"];
        let body = dir.join(format!("{id}.json"));
        let sig = dir.join(format!("{id}.sig"));
        std::fs::write(&body, input["body"].as_str().unwrap()).unwrap();
        let header = match input["signature"].as_str() {
            Some(h) => h.as_bytes().to_vec(),
            None => STANDARD
                .decode(input["signatureBytesBase64"].as_str().unwrap())
                .unwrap(),
        };
        std::fs::write(&sig, header).unwrap();
        let public = key(input["publicKey"].as_str().unwrap());
        let mut args = vec![
            "doctor",
            "--json",
            "--body",
            s(&body),
            "--signature",
            s(&sig),
            "--public-key",
            s(&public),
        ];
        let private = input["privateKey"].as_str().map(key);
        if let Some(p) = &private {
            args.extend(["--private-key", s(p)]);
        }
        let out = run(&args, None);
        let v = json(&out);
        let codes: Vec<Value> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].clone())
            .collect();
        assert_eq!(Value::Array(codes), case["expected"]["codes"], "{id}");
        assert_eq!(
            code(&out),
            if case["expected"]["ok"] == true { 0 } else { 1 },
            "{id}"
        );
        assert_eq!(v["signedText"], case["expected"]["signedText"], "{id}");
        count += 1;
    }
    assert!(count > 50);
}
