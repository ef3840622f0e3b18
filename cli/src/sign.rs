//! `jenga-stk sign`: the signing string of a request body and its signature
//! (RSA PKCS#1 v1.5, SHA-256, Base64), as this SDK sends them.

use std::path::PathBuf;

use clap::Args;
use jenga_stk::{Limits, Signer, signing_string_of_body};

use crate::input::Inputs;
use crate::{Exit, Failure};

/// Arguments of `sign`.
#[derive(Args, Debug)]
pub struct SignArgs {
    /// The request body (a file, or `-` for standard input).
    #[arg(long, value_name = "FILE")]
    body: PathBuf,
    /// The private key (PEM, PKCS#1 or PKCS#8).
    #[arg(long, value_name = "FILE")]
    private_key: PathBuf,
    /// Print `{"signingString": …, "signature": …}`.
    #[arg(long)]
    json: bool,
}

impl SignArgs {
    pub fn json(&self) -> bool {
        self.json
    }
}

pub fn run(args: &SignArgs) -> Result<Exit, Failure> {
    let mut inputs = Inputs::default();
    let body = inputs.bytes("--body", &args.body)?;
    let pem = zeroize::Zeroizing::new(inputs.text("--private-key", &args.private_key)?);
    let signing_string = signing_string_of_body(&body, &Limits::default())
        .map_err(|e| Failure::coded(e.code(), format!("--body: {e}")))?;
    let signer = Signer::from_pem(&pem)
        .map_err(|e| Failure::coded(e.code(), format!("--private-key: {e}")))?;
    let signature = signer
        .sign(signing_string.as_bytes())
        .map_err(|e| Failure::coded(e.code(), e.to_string()))?;
    if args.json {
        crate::print_json(&serde_json::json!({
            "signingString": signing_string,
            "signature": signature.as_str(),
        }))?;
    } else {
        println!("signing string: {signing_string}");
        println!("Signature: {signature}");
    }
    Ok(Exit::Ok)
}
