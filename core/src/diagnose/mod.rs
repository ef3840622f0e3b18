//! The signature doctor: says exactly why the provider answers
//! `403 Invalid signature`, from the request body and `Signature` header as
//! sent and the public key registered in the portal.
//!
//! It runs RSA's public operation once (`m = s^e mod n`, pure Rust, no
//! signing backend needed) and reads the block: a PKCS#1 v1.5 block names
//! the hash and holds the digest of the text signed; a PSS block its salt;
//! anything else means another key. Then it hashes a few thousand candidate
//! texts built from the body's values (other orders, separators, amount and
//! phone forms, neighbouring fields, the whole body…) and reports the
//! simplest that matches. It verifies with public keys only: a private key,
//! when given, is used for its public half alone and never printed.
//!
//! Behind the cargo feature `diagnose` (on by default).

mod body;
mod candidates;
mod encoded;
mod explain;
mod finding;
mod hash;
mod header;
mod key;
mod modexp;
mod reformat;
mod variants;

use std::fmt;

pub use finding::{Diagnosis, Finding, FindingCode, KeyInfo};

use crate::error::{KeyError, ParseError};
use crate::json::Limits;
use crate::request::received::signing_string_of_body;
use body::BodyValues;
use candidates::Search;
use encoded::Block;
use explain::Findings;
use key::PublicKey;

/// How many mistakes a candidate text may combine (two: e.g. another order
/// *and* a comma between the values).
const MAX_MISTAKES: usize = 2;

/// Above this signing-string length (real ones are about 30 bytes), only
/// single mistakes are tried, so a hostile body cannot make the pair search
/// hash thousands of long texts.
const PAIRS_MAX_SIGNING_STRING: usize = 256;

/// An input the doctor cannot work with. (A signature header that does not
/// decode is not an error: it is a `not_base64` finding.)
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DiagnoseError {
    /// The body is not a JSON STK push request with the four signed values
    /// (`not_json`, `missing_field`, …): the provider would not get as far
    /// as the signature.
    Body(ParseError),
    /// The registered public key does not load (`key_*`).
    PublicKey(KeyError),
    /// The private key given does not load (`key_*`).
    PrivateKey(KeyError),
}

impl DiagnoseError {
    /// The stable machine code of the underlying error.
    pub fn code(&self) -> &'static str {
        match self {
            DiagnoseError::Body(e) => e.code(),
            DiagnoseError::PublicKey(e) | DiagnoseError::PrivateKey(e) => e.code(),
        }
    }

    /// Which input is at fault: `body`, `public_key` or `private_key`.
    pub fn input(&self) -> &'static str {
        match self {
            DiagnoseError::Body(_) => "body",
            DiagnoseError::PublicKey(_) => "public_key",
            DiagnoseError::PrivateKey(_) => "private_key",
        }
    }
}

impl fmt::Display for DiagnoseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DiagnoseError::Body(e) => write!(f, "the body: {e}"),
            DiagnoseError::PublicKey(e) => write!(f, "the registered public key: {e}"),
            DiagnoseError::PrivateKey(e) => write!(f, "the private key: {e}"),
        }
    }
}

impl std::error::Error for DiagnoseError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            DiagnoseError::Body(e) => Some(e),
            DiagnoseError::PublicKey(e) | DiagnoseError::PrivateKey(e) => Some(e),
        }
    }
}

/// How the signature bytes were fitted to a key's signature length.
enum Fit {
    Exact,
    /// Leading zero bytes were dropped (a big-integer conversion).
    Padded(usize),
    /// A leading zero byte was added (Java's `BigInteger.toByteArray`).
    Stripped,
}

/// The signature bytes at `len` bytes, if they can be.
fn fit(bytes: &[u8], len: usize) -> Option<(Vec<u8>, Fit)> {
    if bytes.len() == len {
        Some((bytes.to_vec(), Fit::Exact))
    } else if bytes.len() < len && bytes.len() + 3 >= len {
        let mut out = vec![0; len - bytes.len()];
        out.extend_from_slice(bytes);
        Some((out, Fit::Padded(len - bytes.len())))
    } else if bytes.len() == len + 1 && bytes.first() == Some(&0) {
        Some((bytes[1..].to_vec(), Fit::Stripped))
    } else {
        None
    }
}

/// A key at hand whose public operation gives the signature some structure.
struct Signer<'k> {
    key: &'k PublicKey,
    block: Block,
    fit: Fit,
}

fn try_key<'k>(key: &'k PublicKey, bytes: &[u8]) -> Option<Signer<'k>> {
    let (sig, fit) = fit(bytes, key.signature_len())?;
    let block = key.block(&sig);
    (!matches!(block, Block::Garbage)).then_some(Signer { key, block, fit })
}

/// What the search found under a signer's block.
struct Outcome<'k> {
    signer: Signer<'k>,
    found: Option<candidates::Match>,
}

/// The first key at hand that explains the signature: one whose block
/// proves it made it (registered key first), else one whose weak block a
/// candidate text confirms.
fn explaining_signer<'k>(
    keys: &[&'k PublicKey],
    bytes: &[u8],
    body: &[u8],
    values: &BodyValues,
    known: bool,
) -> Option<Outcome<'k>> {
    let mut signers: Vec<Signer<'k>> = keys.iter().filter_map(|k| try_key(k, bytes)).collect();
    signers.sort_by_key(|s| !s.block.is_proof()); // stable: proofs first, in key order
    signers.into_iter().find_map(|signer| {
        let found = search(&signer.block, body, values, known);
        (signer.block.is_proof() || found.is_some()).then_some(Outcome { signer, found })
    })
}

/// Searches the candidate texts under `block`; with `known` false (the
/// body's four values could not be told apart) only the signing string itself.
fn search(
    block: &Block,
    body: &[u8],
    values: &BodyValues,
    known: bool,
) -> Option<candidates::Match> {
    let max = match (
        known,
        values.signing_string().len() <= PAIRS_MAX_SIGNING_STRING,
    ) {
        (false, _) => 0,
        (true, true) => MAX_MISTAKES,
        (true, false) => 1,
    };
    Search::new(values, body, block).run(max)
}

/// Says why the provider would refuse `signature_header` for `body`, or that
/// it would accept it.
///
/// * `body`: the request body exactly as sent.
/// * `signature_header`: the `Signature` header's value as sent (bytes, so
///   a signature that was never Base64-encoded can be diagnosed too).
/// * `registered_public_key_pem`: the public key registered in the
///   provider's portal (SPKI `BEGIN PUBLIC KEY` or PKCS#1).
/// * `private_key_pem`: optional; the private key the service signs with.
///   Only its public half is used, to prove `key_mismatch`; it is never
///   printed nor needed.
///
/// Errors only when an input is unusable: a body that is not a JSON STK
/// push request, or a key that does not load. Anything wrong with the
/// signature itself is a [`Finding`].
///
/// ```
/// # let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/keys/");
/// # let public_pem = std::fs::read_to_string(format!("{dir}test-pkcs1-2048.pub.pem")).unwrap();
/// let body = br#"{"order":{"orderReference":"OR1"},"payment":{"paymentCurrency":"KES","details":{"msisdn":"0722000000","paymentAmount":2}}}"#;
/// let diagnosis = jenga_stk::diagnose_signature(body, b"bm90IGEgc2lnbmF0dXJl", &public_pem, None)?;
/// assert!(!diagnosis.ok);
/// assert_eq!(diagnosis.findings[0].code.code(), "wrong_length");
/// # Ok::<(), jenga_stk::DiagnoseError>(())
/// ```
pub fn diagnose_signature(
    body: &[u8],
    signature_header: &[u8],
    registered_public_key_pem: &str,
    private_key_pem: Option<&str>,
) -> Result<Diagnosis, DiagnoseError> {
    let signing_string =
        signing_string_of_body(body, &Limits::default()).map_err(DiagnoseError::Body)?;
    let registered =
        PublicKey::from_public_pem(registered_public_key_pem).map_err(DiagnoseError::PublicKey)?;
    let own = private_key_pem
        .map(PublicKey::from_private_pem)
        .transpose()
        .map_err(DiagnoseError::PrivateKey)?;
    let other = own.as_ref().filter(|k| !k.same_as(&registered));

    let mut findings = Findings::default();
    let mut notes = Vec::new();
    let mut algorithm = None;

    let mut sizes = vec![registered.signature_len()];
    sizes.extend(other.map(PublicKey::signature_len));
    let decoded = header::decode(signature_header, &sizes);
    explain::header(&mut findings, &decoded.issues);
    let bytes = decoded.bytes;

    let read = BodyValues::read(body).filter(|v| v.signing_string() == signing_string);
    let known = read.is_some();
    let values = read.unwrap_or_else(|| BodyValues {
        values: [
            signing_string.clone(),
            String::new(),
            String::new(),
            String::new(),
        ],
        ..BodyValues::default()
    });
    let mut keys = vec![&registered];
    keys.extend(other);
    let outcome = if bytes.is_empty() {
        None
    } else {
        explaining_signer(&keys, &bytes, body, &values, known)
    };
    let mut signed_text = None;
    match &outcome {
        Some(Outcome { signer, found }) => {
            length_and_key(&mut findings, signer, bytes.len(), &registered);
            let who = if signer.key.same_as(&registered) {
                "the registered key's pair"
            } else {
                "the private key you gave"
            };
            match found {
                Some(m) => {
                    algorithm = Some(m.algorithm.describe());
                    signed_text = Some(String::from_utf8_lossy(&m.text).into_owned());
                    explain::algorithm(&mut findings, m.algorithm, Some(&m.text));
                    explain::matched(&mut findings, m, &values, &signing_string);
                }
                None => {
                    algorithm = signer.block.algorithm_without_text();
                    text_not_found(&mut findings, &signer.block, &signing_string, who);
                }
            }
            if let Some(own) = &own
                && !own.same_as(signer.key)
            {
                notes.push(
                    "the private key you gave is not the pair of the registered public key, \
                     but this signature was made by the registered key's pair: the service \
                     signs with another key file than the one you gave"
                        .to_owned(),
                );
            }
        }
        None if bytes.is_empty() => {}
        None => unexplained_bytes(&mut findings, &bytes, &registered, own.as_ref()),
    }
    let findings = findings.into_vec();
    Ok(Diagnosis {
        ok: findings.is_empty(),
        findings,
        signing_string,
        signed_text,
        registered_key: registered.info.clone(),
        signing_key: own.map(|k| k.info),
        algorithm,
        notes,
    })
}

/// The `wrong_length` and `key_mismatch` findings of the key that signed.
fn length_and_key(
    findings: &mut Findings,
    s: &Signer<'_>,
    sent_len: usize,
    registered: &PublicKey,
) {
    let reg_len = registered.signature_len();
    match s.fit {
        Fit::Exact if sent_len != reg_len => findings.push(
            FindingCode::WrongLength,
            format!(
                "the signature is {sent_len} bytes, made with a {}-bit key; the registered \
                 key is {} bits, so its signatures are {reg_len} bytes",
                s.key.info.bits, registered.info.bits
            ),
            "register the public key of the key you sign with, or sign with the \
             registered key's private key.",
            None,
        ),
        Fit::Exact => {}
        Fit::Padded(n) => findings.push(
            FindingCode::WrongLength,
            format!(
                "the signature is {sent_len} bytes; its {n} leading zero byte(s) were dropped \
                 (a big-integer conversion: Java BigInteger, PHP gmp, …)"
            ),
            format!(
                "left-pad the signature bytes with zeros to {} bytes before Base64 (or use \
                 the signing library's bytes as they are).",
                s.key.signature_len()
            ),
            None,
        ),
        Fit::Stripped => findings.push(
            FindingCode::WrongLength,
            "the signature has an extra leading zero byte (Java BigInteger.toByteArray's \
             sign byte)",
            format!(
                "drop the leading zero byte: this key's RSA signatures are exactly {} bytes.",
                s.key.signature_len()
            ),
            None,
        ),
    }
    if !s.key.same_as(registered) {
        findings.push(
            FindingCode::KeyMismatch,
            format!(
                "the signature was made with the private key you gave, whose public key (sha256 \
                 fingerprint {}) is not the registered one (sha256 fingerprint {}): the portal \
                 has another key",
                s.key.info.fingerprint, registered.info.fingerprint
            ),
            "register this private key's public key in the provider's portal (`openssl pkey \
             -in private.pem -pubout`), or sign with the private key whose public key is \
             registered.",
            None,
        );
    }
}

/// Findings for signature bytes that no key at hand made.
fn unexplained_bytes(
    findings: &mut Findings,
    bytes: &[u8],
    registered: &PublicKey,
    own: Option<&PublicKey>,
) {
    let reg_len = registered.signature_len();
    if fit(bytes, reg_len).is_none() {
        findings.push(
            FindingCode::WrongLength,
            format!(
                "the signature is {} bytes, the size of a {}-bit key's signatures; the \
                 registered key is {} bits, so its signatures are {reg_len} bytes",
                bytes.len(),
                bytes.len() * 8,
                registered.info.bits
            ),
            "sign with the private key whose public key is registered (or register the \
             public key of the key you sign with).",
            None,
        );
        return;
    }
    let message = match own {
        Some(k) if k.same_as(registered) => format!(
            "the signature was not made with the registered key's pair (sha256 fingerprint {}), \
             although the private key you gave is that pair: the service signs with yet \
             another key, or the signature was damaged on its way",
            registered.info.fingerprint
        ),
        Some(k) => format!(
            "the signature was made neither with the registered key's pair (sha256 fingerprint \
             {}) nor with the private key you gave (public key sha256 fingerprint {}): another \
             key signed it, or it was damaged on its way",
            registered.info.fingerprint, k.info.fingerprint
        ),
        None => format!(
            "the signature was not made with the registered key's pair (sha256 fingerprint {}): \
             with that pair, any text signed with any standard padding leaves a recognisable \
             block after the public-key operation, and this signature leaves none. Another key \
             signed it (give the doctor your private key to confirm), or it was damaged on its way",
            registered.info.fingerprint
        ),
    };
    findings.push(
        FindingCode::UnknownKey,
        message,
        "sign with the private key whose public key is registered in the portal; compare the \
         fingerprints with `openssl pkey -pubin -in public.pem -outform DER | openssl dgst -sha256`.",
        None,
    );
}

/// The findings when the key and algorithm are known but no candidate text
/// matched.
fn text_not_found(findings: &mut Findings, block: &Block, signing_string: &str, who: &str) {
    let seen = block.algorithm_without_text();
    if let Block::Pkcs1 { hash, .. } = block {
        explain::algorithm(findings, encoded::Algorithm::Pkcs1(*hash), None);
    } else if let Some(seen) = &seen {
        findings.push(
            FindingCode::WrongAlgorithm,
            format!("signed with {seen}; the provider verifies RSA PKCS#1 v1.5 with SHA-256"),
            "sign with RSA PKCS#1 v1.5 and SHA-256 (`openssl dgst -sha256 -sign key.pem`).",
            None,
        );
    }
    findings.push(
        FindingCode::Unknown,
        format!(
            "the signature was made by {who} ({}), but over a text the doctor could not rebuild \
             from this body: values from another request (another order reference, amount or \
             phone number?), another endpoint's signing string, or more than two mistakes at once",
            seen.unwrap_or_else(|| "algorithm unknown".to_owned())
        ),
        format!(
            "sign exactly `{signing_string}` (order.orderReference + payment.paymentCurrency + \
             payment.details.msisdn + payment.details.paymentAmount, as this body writes them), \
             from the same values you put in the body."
        ),
        None,
    );
}
