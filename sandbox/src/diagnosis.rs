//! Why the sandbox answered `403 Invalid signature`, for its log: the core's
//! signature doctor over the body and header as received, against the
//! registered public key. The provider says nothing beyond "Invalid
//! signature"; the sandbox's answer keeps that shape, and only its log
//! (standard error) says which mistake it found.

use jenga_stk::diagnose_signature;

use crate::signature::SignatureAmount;

/// One line saying why `header` does not verify over `body`.
pub fn explain(
    registered_public_key_pem: &str,
    header: Option<&str>,
    body: &[u8],
    mode: SignatureAmount,
) -> String {
    let Some(header) = header else {
        return "no Signature header was sent".to_owned();
    };
    match diagnose_signature(body, header.as_bytes(), registered_public_key_pem, None) {
        // Valid over the body's own texts: only this sandbox's reading of the
        // amount differs (the `signature_amount` setting).
        Ok(d) if d.ok => format!(
            "the signature is valid over the body's own texts ({:?}), but this sandbox reads the \
             amount as `{}` (signature_amount): sign the amount exactly as the verifier reads it, \
             or send the body's amount in that form",
            d.signing_string,
            mode.as_str()
        ),
        Ok(d) => d
            .findings
            .iter()
            .map(|f| format!("{}: {} Fix: {}", f.code.code(), f.message, f.fix))
            .collect::<Vec<_>>()
            .join(" | "),
        Err(e) => format!("the doctor could not read the request ({}): {e}", e.code()),
    }
}
