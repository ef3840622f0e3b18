//! `make demo`: builds the provider page's example request with a throwaway
//! key, prints the HTTP request it would send, and writes the signing string
//! and raw signature so that OpenSSL can verify them independently.
//!
//! Usage: `cargo run -p jenga-stk --example demo -- <private-key.pem> <out-dir>`

use std::path::PathBuf;
use std::process::ExitCode;

use jenga_stk::{
    AccessToken, Amount, CustomerInput, Environment, OrderInput, PaymentDetailsInput, PaymentInput,
    RequestOptions, Signer, StkPush, StkPushInput,
};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("demo failed: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(key_path), Some(out_dir)) = (args.next(), args.next()) else {
        return Err("usage: demo <private-key.pem> <out-dir>".into());
    };
    let out_dir = PathBuf::from(out_dir);
    let pem = std::fs::read_to_string(&key_path)?;
    let signer = Signer::from_pem(&pem)?;
    println!("1. Loaded {signer:?} from {key_path}");

    // The provider page's example request.
    let input = StkPushInput {
        order: OrderInput {
            order_reference: "OR28922980077".into(),
            order_amount: Some(Amount::from_units(2)),
            order_currency: "KES".into(),
            country_code: "KE".into(),
            description: "Purchase".into(),
            ..Default::default()
        },
        customer: CustomerInput {
            name: "John Doe".into(),
            email: "xyx2@gmail.com".into(),
            phone_number: "0722000111".into(),
            identity_number: "0000000".into(),
            ..Default::default()
        },
        payment: PaymentInput {
            payment_reference: "MKQR28922980073".into(),
            payment_currency: "KES".into(),
            callback_url: "https://webhook.site/5c74a733-1caa-4f10-b876-3df9c0d7453c".into(),
            details: PaymentDetailsInput {
                msisdn: "0722000000".into(),
                payment_amount: Some(Amount::from_units(2)),
            },
            ..Default::default()
        },
    };
    let push = StkPush::new(&input, &RequestOptions::default())?;
    println!("2. Validated; signing string: {}", push.signing_string());

    let signed = push.sign(&signer)?;
    signed.verify(&signer.verifier())?;
    println!(
        "3. Signed (RSA-SHA256, PKCS#1 v1.5; backend {}, {}) and self-verified",
        jenga_stk::SIGNER_BACKEND,
        if jenga_stk::SIGNER_IS_CONSTANT_TIME {
            "constant-time"
        } else {
            "blinded"
        }
    );

    let token = AccessToken::new("demo.access.token")?;
    let request = signed.http_request(&Environment::Uat, &token);
    println!("4. The HTTP request to send (token redacted):\n");
    println!("{}\n", request.to_redacted_string());

    std::fs::create_dir_all(&out_dir)?;
    std::fs::write(
        out_dir.join("signing-string.txt"),
        signed.push().signing_string(),
    )?;
    std::fs::write(out_dir.join("signature.bin"), signed.signature().to_bytes())?;
    std::fs::write(out_dir.join("body.json"), &request.body)?;
    println!(
        "5. Wrote signing-string.txt, signature.bin and body.json to {}",
        out_dir.display()
    );
    Ok(())
}
