//! `jenga-stk verify`: does the provider accept this signature for this
//! body? Strict, as the provider documents it: standard padded Base64 of an
//! RSA PKCS#1 v1.5 SHA-256 signature of the body's signing string.

use std::path::PathBuf;

use clap::Args;
use jenga_stk::{Limits, Signature, Verifier, signing_string_of_body};

use crate::input::Inputs;
use crate::{Exit, Failure};

/// Arguments of `verify`.
#[derive(Args, Debug)]
pub struct VerifyArgs {
    /// The request body exactly as sent (a file, or `-`).
    #[arg(long, value_name = "FILE")]
    body: PathBuf,
    /// The `Signature` header's value, in a file (or `-`).
    #[arg(long, value_name = "FILE", required_unless_present = "signature_value")]
    signature: Option<PathBuf>,
    /// The `Signature` header's value itself, instead of a file.
    #[arg(long, value_name = "TEXT", conflicts_with = "signature")]
    signature_value: Option<String>,
    /// The registered public key (PEM).
    #[arg(long, value_name = "FILE")]
    public_key: PathBuf,
    /// Print `{"valid": …, "signingString": …, "code": …}`.
    #[arg(long)]
    json: bool,
}

impl VerifyArgs {
    pub fn json(&self) -> bool {
        self.json
    }
}

pub fn run(args: &VerifyArgs) -> Result<Exit, Failure> {
    let mut inputs = Inputs::default();
    let body = inputs.bytes("--body", &args.body)?;
    let header = match (&args.signature, &args.signature_value) {
        (Some(path), _) => inputs.text("--signature", path)?,
        (None, Some(text)) => text.clone(),
        (None, None) => String::new(),
    };
    let pem = inputs.text("--public-key", &args.public_key)?;
    let signing_string = signing_string_of_body(&body, &Limits::default())
        .map_err(|e| Failure::coded(e.code(), format!("--body: {e}")))?;
    let verifier = Verifier::from_pem(&pem)
        .map_err(|e| Failure::coded(e.code(), format!("--public-key: {e}")))?;
    // A file's final newline is not part of the header value.
    let result = Signature::from_base64(header.trim_end_matches(['\n', '\r']))
        .and_then(|sig| verifier.verify(signing_string.as_bytes(), &sig));
    if args.json {
        crate::print_json(&serde_json::json!({
            "valid": result.is_ok(),
            "signingString": signing_string,
            "code": result.err().map(|e| e.code()),
        }))?;
    } else {
        match result {
            Ok(()) => println!("valid: the signature signs `{signing_string}` under this key"),
            Err(e) => println!(
                "INVALID ({}): {e}. Run `jenga-stk doctor` with the same files to see why.",
                e.code()
            ),
        }
    }
    Ok(if result.is_ok() {
        Exit::Ok
    } else {
        Exit::Findings
    })
}
