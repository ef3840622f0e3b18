//! `jenga-stk keygen`: a key pair as the provider's portal expects it (RSA,
//! 2048 bits by default, public exponent 65537), generated with the `rsa`
//! crate and the operating system's randomness. The private key goes to a
//! file only (mode 0600 on Unix); the public key and its fingerprint are
//! printed, ready to paste into the portal.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;
use jenga_stk::{KeyInfo, Signer};
use pkcs1::EncodeRsaPrivateKey;
use pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};

use crate::{Exit, Failure};

/// Arguments of `keygen`.
#[derive(Args, Debug)]
pub struct KeygenArgs {
    /// The modulus size in bits, 2048 to 4096 (the provider's docs use 2048).
    #[arg(long, default_value_t = 2048, value_parser = clap::value_parser!(u64).range(2048..=4096))]
    bits: u64,
    /// Where to write the private key (PEM). Keep it on the server, in a secret store.
    #[arg(long, value_name = "FILE", default_value = "jenga-private.pem")]
    private_key_out: PathBuf,
    /// Where to write the public key (PEM, `BEGIN PUBLIC KEY`): the one to register.
    #[arg(long, value_name = "FILE", default_value = "jenga-public.pem")]
    public_key_out: PathBuf,
    /// Write the private key as PKCS#1 (`BEGIN RSA PRIVATE KEY`, as the
    /// provider's docs show) instead of PKCS#8 (`BEGIN PRIVATE KEY`). Both load.
    #[arg(long)]
    pkcs1: bool,
    /// Overwrite existing files.
    #[arg(long)]
    force: bool,
    /// Print the result as JSON (public key, fingerprint, paths).
    #[arg(long)]
    json: bool,
}

impl KeygenArgs {
    pub fn json(&self) -> bool {
        self.json
    }
}

fn write_file(path: &Path, text: &str, private: bool, force: bool) -> Result<(), Failure> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    if force {
        options.create(true).truncate(true);
    } else {
        options.create_new(true);
    }
    #[cfg(unix)]
    if private {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = private;
    let mut file = options.open(path).map_err(|e| {
        let hint = if e.kind() == std::io::ErrorKind::AlreadyExists {
            " (it exists: choose another path, or --force)"
        } else {
            ""
        };
        Failure::usage(format!("cannot write {}: {e}{hint}", path.display()))
    })?;
    file.write_all(text.as_bytes())
        .map_err(|e| Failure::usage(format!("cannot write {}: {e}", path.display())))
}

pub fn run(args: &KeygenArgs) -> Result<Exit, Failure> {
    if !args.force {
        for path in [&args.private_key_out, &args.public_key_out] {
            if path.exists() {
                return Err(Failure::usage(format!(
                    "{} exists: choose another path, or --force",
                    path.display()
                )));
            }
        }
    }
    let key = rsa::PrivateKey::new(&mut getrandom::SysRng, args.bits as usize)
        .map_err(|e| Failure::internal(format!("key generation failed: {e}")))?;
    let private_pem = if args.pkcs1 {
        key.to_pkcs1_pem(LineEnding::LF)
    } else {
        key.to_pkcs8_pem(LineEnding::LF)
            .map_err(|_| pkcs1::Error::KeyMalformed)
    }
    .map_err(|e| Failure::internal(format!("cannot encode the private key: {e}")))?;
    let public_pem = key
        .to_public_key()
        .to_public_key_pem(LineEnding::LF)
        .map_err(|e| Failure::internal(format!("cannot encode the public key: {e}")))?;
    drop(key);
    // The core must load what we wrote, exactly as a merchant's service will.
    Signer::from_pem(&private_pem)
        .map_err(|e| Failure::internal(format!("the generated key does not load: {e}")))?;
    let info = KeyInfo::from_public_pem(&public_pem)
        .map_err(|e| Failure::internal(format!("the generated public key does not load: {e}")))?;
    write_file(&args.private_key_out, &private_pem, true, args.force)?;
    write_file(&args.public_key_out, &public_pem, false, args.force)?;
    if args.json {
        crate::print_json(&serde_json::json!({
            "bits": info.bits,
            "fingerprint": info.fingerprint,
            "publicKey": public_pem,
            "publicKeyFile": args.public_key_out,
            "privateKeyFile": args.private_key_out,
        }))?;
    } else {
        println!(
            "Wrote the private key to {} (keep it secret, on the server) and the public key to {}.",
            args.private_key_out.display(),
            args.public_key_out.display()
        );
        println!("Register this public key in the provider's portal:\n");
        print!("{public_pem}");
        println!(
            "\nRSA-{} sha256 fingerprint {}",
            info.bits, info.fingerprint
        );
    }
    Ok(Exit::Ok)
}
