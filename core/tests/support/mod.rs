//! Shared by the integration tests that use OpenSSL as their oracle.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// `tests/keys/` at the repository root.
pub fn keys_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/keys")
}

/// `openssl dgst -sha256 -sign tests/keys/<key>.pem`, the message on stdin
/// (never a shared temporary file: two tests signing the same text at once
/// once truncated it under each other). OpenSSL is required: a missing one
/// fails the test, loudly.
pub fn openssl_sign(key: &str, message: &[u8]) -> Vec<u8> {
    let mut child = Command::new("openssl")
        .args(["dgst", "-sha256", "-sign"])
        .arg(keys_dir().join(format!("{key}.pem")))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("`openssl` is required for this test (scripts/setup.sh installs it): {e}")
        });
    child.stdin.take().unwrap().write_all(message).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "openssl failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}
