//! `jenga-stk doctor`: why the provider answers `403 Invalid signature`.

use std::path::PathBuf;

use clap::Args;
use jenga_stk::diagnose_signature;

use crate::input::Inputs;
use crate::{Exit, Failure};

/// Arguments of `doctor`.
#[derive(Args, Debug)]
pub struct DoctorArgs {
    /// The request body exactly as sent (a file, or `-` for standard input).
    #[arg(long, value_name = "FILE")]
    body: PathBuf,
    /// The `Signature` header's value as sent, in a file (or `-`).
    #[arg(long, value_name = "FILE", required_unless_present = "signature_value")]
    signature: Option<PathBuf>,
    /// The `Signature` header's value itself, instead of a file.
    #[arg(long, value_name = "TEXT", conflicts_with = "signature")]
    signature_value: Option<String>,
    /// The public key registered in the provider's portal (PEM).
    #[arg(long, value_name = "FILE")]
    public_key: PathBuf,
    /// Optional: the private key the service signs with (PEM). Only its public
    /// half is used, to prove a key mismatch; it is never printed.
    #[arg(long, value_name = "FILE")]
    private_key: Option<PathBuf>,
    /// Print the diagnosis as JSON (stable finding codes).
    #[arg(long)]
    json: bool,
}

impl DoctorArgs {
    pub fn json(&self) -> bool {
        self.json
    }
}

pub fn run(args: &DoctorArgs) -> Result<Exit, Failure> {
    let mut inputs = Inputs::default();
    let body = inputs.bytes("--body", &args.body)?;
    let header = match (&args.signature, &args.signature_value) {
        (Some(path), _) => inputs.bytes("--signature", path)?,
        (None, Some(text)) => text.clone().into_bytes(),
        (None, None) => Vec::new(), // clap requires one of them
    };
    let public = inputs.text("--public-key", &args.public_key)?;
    // Zeroized when dropped: only its public half is used.
    let private = args
        .private_key
        .as_ref()
        .map(|p| inputs.text("--private-key", p).map(zeroize::Zeroizing::new))
        .transpose()?;
    let diagnosis = diagnose_signature(
        &body,
        &header,
        &public,
        private.as_deref().map(String::as_str),
    )?;
    if args.json {
        crate::print_json(&diagnosis)?;
    } else {
        print!("{diagnosis}");
    }
    Ok(if diagnosis.ok {
        Exit::Ok
    } else {
        Exit::Findings
    })
}
