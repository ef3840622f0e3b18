//! `jenga-stk fingerprint`: a key's SHA-256 fingerprint, to compare the key a
//! service signs with against the one registered in the portal.

use std::path::PathBuf;

use clap::Args;
use jenga_stk::KeyInfo;

use crate::input::Inputs;
use crate::{Exit, Failure};

/// Arguments of `fingerprint`.
#[derive(Args, Debug)]
#[group(required = true, multiple = false)]
pub struct FingerprintArgs {
    /// A public key (PEM: `BEGIN PUBLIC KEY` or `BEGIN RSA PUBLIC KEY`).
    #[arg(long, value_name = "FILE")]
    public_key: Option<PathBuf>,
    /// A private key (PEM): the fingerprint of its public half. Nothing of the
    /// private key is printed.
    #[arg(long, value_name = "FILE")]
    private_key: Option<PathBuf>,
    /// Print `{"bits": …, "fingerprint": …}`.
    #[arg(long)]
    json: bool,
}

impl FingerprintArgs {
    pub fn json(&self) -> bool {
        self.json
    }
}

pub fn run(args: &FingerprintArgs) -> Result<Exit, Failure> {
    let mut inputs = Inputs::default();
    let info = match (&args.public_key, &args.private_key) {
        (Some(path), _) => KeyInfo::from_public_pem(&inputs.text("--public-key", path)?)
            .map_err(|e| Failure::coded(e.code(), format!("--public-key: {e}")))?,
        (None, Some(path)) => KeyInfo::from_private_pem(&zeroize::Zeroizing::new(
            inputs.text("--private-key", path)?,
        ))
        .map_err(|e| Failure::coded(e.code(), format!("--private-key: {e}")))?,
        (None, None) => return Err(Failure::usage("give --public-key or --private-key".into())),
    };
    if args.json {
        crate::print_json(&info)?;
    } else {
        println!("RSA-{} sha256 fingerprint {}", info.bits, info.fingerprint);
    }
    Ok(Exit::Ok)
}
