//! `jenga-stk`: the command line of the jenga-stk SDK. `doctor` says why the
//! provider answers `403 Invalid signature`; `keygen`, `sign`, `verify` and
//! `fingerprint` do the rest of a signing setup. Exit status: 0 success (or
//! a valid signature), 1 findings (an invalid signature), 2 bad usage or
//! unusable input.

mod doctor;
mod fingerprint;
mod input;
mod keygen;
mod sign;
mod verify;

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use serde::Serialize;

const ABOUT: &str = "jenga-stk: the Jenga (Finserve) M-Pesa STK push SDK's command line";

const LONG_ABOUT: &str = "jenga-stk: the Jenga (Finserve) M-Pesa STK push SDK's command line.

Got `403 Invalid signature`? Save the request body and the Signature header you sent, then:

    jenga-stk doctor --body body.json --signature signature.txt --public-key public.pem

Exit status: 0 success (a valid signature), 1 findings (the provider refuses it),
2 bad usage or an unusable input. `-` reads an input from standard input.";

#[derive(Parser, Debug)]
#[command(name = "jenga-stk", version, about = ABOUT, long_about = LONG_ABOUT)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Say exactly why the provider answers `403 Invalid signature` (or that it will not).
    Doctor(doctor::DoctorArgs),
    /// Generate a key pair for the provider's portal (RSA 2048, e = 65537; pure Rust, no OpenSSL needed).
    Keygen(keygen::KeygenArgs),
    /// Print a body's signing string and its signature.
    Sign(sign::SignArgs),
    /// Check a signature as the provider does (exit 0 valid, 1 invalid).
    Verify(verify::VerifyArgs),
    /// Print a key's SHA-256 fingerprint (of its SubjectPublicKeyInfo DER).
    Fingerprint(fingerprint::FingerprintArgs),
}

/// How a command that ran ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// Success, or a valid signature.
    Ok,
    /// The signature is refused: findings.
    Findings,
}

/// Why a command could not run: exit status 2, with a stable code.
#[derive(Debug)]
pub struct Failure {
    code: &'static str,
    message: String,
}

impl Failure {
    fn usage(message: String) -> Failure {
        Failure {
            code: "usage",
            message,
        }
    }

    fn internal(message: String) -> Failure {
        Failure {
            code: "internal",
            message,
        }
    }

    fn coded(code: &'static str, message: String) -> Failure {
        Failure { code, message }
    }
}

impl From<input::InputError> for Failure {
    fn from(e: input::InputError) -> Failure {
        Failure::coded("input_unreadable", e.to_string())
    }
}

impl From<jenga_stk::DiagnoseError> for Failure {
    fn from(e: jenga_stk::DiagnoseError) -> Failure {
        let option = match e.input() {
            "body" => "--body",
            "public_key" => "--public-key",
            _ => "--private-key",
        };
        Failure::coded(e.code(), format!("{option}: {e}"))
    }
}

/// Prints `value` as pretty JSON on standard output.
fn print_json<T: Serialize>(value: &T) -> Result<(), Failure> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| Failure::internal(format!("cannot write JSON: {e}")))?;
    println!("{text}");
    Ok(())
}

fn main() -> ExitCode {
    // clap exits with 2 on usage errors and 0 for --help / --version.
    let cli = Cli::parse();
    let (result, json) = match &cli.command {
        Command::Doctor(a) => (doctor::run(a), a.json()),
        Command::Keygen(a) => (keygen::run(a), a.json()),
        Command::Sign(a) => (sign::run(a), a.json()),
        Command::Verify(a) => (verify::run(a), a.json()),
        Command::Fingerprint(a) => (fingerprint::run(a), a.json()),
    };
    match result {
        Ok(Exit::Ok) => ExitCode::SUCCESS,
        Ok(Exit::Findings) => ExitCode::from(1),
        Err(failure) => {
            if json {
                let _ = print_json(&serde_json::json!({
                    "error": { "code": failure.code, "message": failure.message }
                }));
            }
            eprintln!("jenga-stk: {} ({})", failure.message, failure.code);
            ExitCode::from(2)
        }
    }
}
