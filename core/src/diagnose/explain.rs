//! Turning what the doctor found into findings: a message saying what
//! happened (with the values involved: none is secret) and the fix.

use super::body::BodyValues;
use super::body::SIGNED_FIELDS;
use super::candidates::{BodyForm, Explanation, Match, Placement, Prehash, SEPARATORS};
use super::encoded::Algorithm;
use super::finding::{Finding, FindingCode, escape};
use super::header::Issue;
use super::reformat::Style;
use super::variants::{self, Kind, Variant};

/// The findings so far: at most one per code (a second reason for the same
/// code is appended to the first's message).
#[derive(Default)]
pub(crate) struct Findings(Vec<Finding>);

impl Findings {
    pub(crate) fn push(
        &mut self,
        code: FindingCode,
        message: impl Into<String>,
        fix: impl Into<String>,
        signed_text: Option<&[u8]>,
    ) {
        let (message, fix) = (message.into(), fix.into());
        if let Some(f) = self.0.iter_mut().find(|f| f.code == code) {
            f.message = format!("{}; also, {message}", f.message);
            if !f.fix.contains(&fix) {
                f.fix = format!("{} {fix}", f.fix);
            }
            return;
        }
        self.0.push(Finding {
            code,
            message,
            fix,
            signed_text: signed_text.map(|t| String::from_utf8_lossy(t).into_owned()),
        });
    }

    /// The findings in [`FindingCode`] order: header, length, key, algorithm, text.
    pub(crate) fn into_vec(mut self) -> Vec<Finding> {
        self.0.sort_by_key(|f| f.code);
        self.0
    }
}

/// The `not_base64` finding for the header's issues.
pub(crate) fn header(findings: &mut Findings, issues: &[Issue]) {
    if issues.is_empty() {
        return;
    }
    let what: Vec<String> = issues.iter().map(Issue::describe).collect();
    let fix = if issues.contains(&Issue::Empty) {
        "send the Base64 signature of the signing string in the `Signature` header"
    } else {
        "send the signature bytes as standard Base64 with `=` padding on one line, \
         nothing before or after it (`openssl dgst -sha256 -sign key.pem | openssl base64 -A`, \
         Node `sign.sign(key, 'base64')`, Java `Base64.getEncoder()`, Python `base64.b64encode`, \
         PHP `base64_encode`)"
    };
    findings.push(
        FindingCode::NotBase64,
        format!(
            "the Signature header is not standard padded Base64: {}",
            what.join("; ")
        ),
        fix,
        None,
    );
}

const SHA256_FIX: &str = "sign with RSA PKCS#1 v1.5 and SHA-256: `openssl dgst -sha256 -sign key.pem`, \
    Node `crypto.sign('RSA-SHA256', data, key)`, Java `Signature.getInstance(\"SHA256withRSA\")`, \
    Python cryptography `key.sign(data, padding.PKCS1v15(), hashes.SHA256())`, \
    PHP `openssl_sign($data, $sig, $key, OPENSSL_ALGO_SHA256)` (PHP's default is SHA-1), \
    AWS KMS `RSASSA_PKCS1_V1_5_SHA_256` with MessageType RAW.";

/// The `wrong_algorithm` finding for an algorithm other than the provider's.
pub(crate) fn algorithm(findings: &mut Findings, algorithm: Algorithm, text: Option<&[u8]>) {
    let message = match algorithm {
        a if a.is_expected() => return,
        Algorithm::Pkcs1(_) => format!(
            "signed with {}; the provider verifies RSA PKCS#1 v1.5 with SHA-256",
            algorithm.describe()
        ),
        Algorithm::Pss { .. } => format!(
            "signed with {}; the provider verifies RSA PKCS#1 v1.5 padding, not PSS \
             (Python `padding.PSS`, Node `RSA_PKCS1_PSS_PADDING`, Java `RSASSA-PSS`, \
             `-sigopt rsa_padding_mode:pss`, KMS `RSASSA_PSS_SHA_256`)",
            algorithm.describe()
        ),
        Algorithm::Pkcs1NoDigestInfo(_) => format!(
            "signed with {} (Java `NONEwithRSA`, `openssl pkeyutl -sign` over a digest \
             without `-pkeyopt digest:sha256`, an HSM mechanism that does not add it)",
            algorithm.describe()
        ),
        Algorithm::Pkcs1Unhashed => format!(
            "signed with {} (PHP `openssl_private_encrypt`, `openssl rsautl -sign`)",
            algorithm.describe()
        ),
    };
    findings.push(FindingCode::WrongAlgorithm, message, SHA256_FIX, text);
}

/// A value in backticks, control characters escaped.
fn quoted(text: &str) -> String {
    let e = escape(text);
    format!("`{}`", &e[1..e.len() - 1])
}

/// How the body writes a slot's value.
fn json_type(values: &BodyValues, slot: usize) -> &'static str {
    if values.quoted[slot] {
        "a JSON string"
    } else {
        "a JSON number"
    }
}

fn form_name(form: BodyForm) -> &'static str {
    match form {
        BodyForm::AsSent => "exactly as sent",
        BodyForm::Trimmed => "as sent, without surrounding whitespace",
        BodyForm::WithNewline => "with a newline after it",
        BodyForm::Styled(Style::Compact) => {
            "re-serialised compactly (`JSON.stringify`, `json_encode`)"
        }
        BodyForm::Styled(Style::Spaced) => {
            "re-serialised with `, ` and `: ` (Python's `json.dumps`)"
        }
        BodyForm::Styled(Style::Pretty(_)) => "pretty-printed",
    }
}

/// The findings of a matching candidate.
pub(crate) fn matched(
    findings: &mut Findings,
    found: &Match,
    values: &BodyValues,
    signing_string: &str,
) {
    let variants: [Vec<Variant>; 4] = variants::of(values);
    let text = Some(found.text.as_slice());
    let exact = format!(
        "sign exactly `{signing_string}`: order.orderReference + payment.paymentCurrency + \
         payment.details.msisdn + payment.details.paymentAmount, as the body writes them"
    );
    match &found.explanation {
        Explanation::Body(form) => {
            findings.push(
                FindingCode::WrongAlgorithm,
                format!(
                    "the whole request body ({}) was signed instead of the signing string",
                    form_name(*form)
                ),
                format!("{exact}, not the body."),
                text,
            );
        }
        Explanation::Prehashed(p) => {
            let how = match p {
                Prehash::HexLower | Prehash::HexUpper => "as hex text",
                Prehash::Base64 => "as Base64 text",
                Prehash::Raw => "as raw bytes",
            };
            findings.push(
                FindingCode::WrongAlgorithm,
                format!(
                    "the SHA-256 digest of the signing string ({how}) was signed instead of the \
                     string: it was hashed twice"
                ),
                "give the signing string itself to the signing function: RSA-SHA256 hashes it.",
                text,
            );
        }
        Explanation::Values {
            perm,
            sep,
            variants: chosen,
            dropped,
        } => {
            if *perm != [0, 1, 2, 3] {
                let order: Vec<&str> = perm
                    .iter()
                    .filter(|s| Some(**s) != *dropped)
                    .map(|&s| SIGNED_FIELDS[s])
                    .collect();
                findings.push(
                    FindingCode::WrongOrder,
                    format!(
                        "the values were signed in the order {}; the provider concatenates \
                         order.orderReference + payment.paymentCurrency + payment.details.msisdn \
                         + payment.details.paymentAmount",
                        order.join(" + ")
                    ),
                    format!("{exact}."),
                    text,
                );
            }
            if let Some((s, placement)) = sep {
                let (_, name) = SEPARATORS[*s];
                let echo = if matches!(placement, Placement::After) && SEPARATORS[*s].0 == "\n" {
                    " (`echo` adds one: use `printf '%s'`)"
                } else {
                    ""
                };
                findings.push(
                    FindingCode::Separators,
                    format!("{name} was put {}{echo}", placement.describe()),
                    format!("{exact}, with nothing between or around them."),
                    text,
                );
            }
            for slot in 0..4 {
                let own = &variants[slot][0].text;
                let Some(v) = variants[slot]
                    .get(chosen[slot])
                    .filter(|_| chosen[slot] != 0)
                else {
                    continue;
                };
                let field = SIGNED_FIELDS[slot];
                match v.kind {
                    Kind::OtherField(path) => findings.push(
                        FindingCode::WrongField,
                        format!(
                            "{} from {path} was signed where {field} ({}) belongs",
                            quoted(&v.text),
                            quoted(own)
                        ),
                        format!("{exact}."),
                        text,
                    ),
                    Kind::OtherText if slot == 3 => findings.push(
                        FindingCode::AmountText,
                        format!(
                            "the amount was signed as {} but the body's {field} is {} ({})",
                            quoted(&v.text),
                            quoted(own),
                            json_type(values, slot)
                        ),
                        format!(
                            "sign the amount character for character as the body writes it ({}), \
                             or write the body with the text you sign: one text in both places \
                             (this SDK's AmountStyle does that).",
                            quoted(own)
                        ),
                        text,
                    ),
                    Kind::OtherText => findings.push(
                        FindingCode::MsisdnText,
                        format!(
                            "the phone number was signed as {} but the body's {field} is {} ({})",
                            quoted(&v.text),
                            quoted(own),
                            json_type(values, slot)
                        ),
                        format!(
                            "sign the phone number exactly as the body writes it ({}), or send \
                             the form you sign (this SDK's PhoneFormat does both).",
                            quoted(own)
                        ),
                        text,
                    ),
                    Kind::AsSent => {}
                }
            }
            if let Some(slot) = dropped {
                findings.push(
                    FindingCode::MissingValue,
                    format!(
                        "{} ({}) was left out of the signed text",
                        SIGNED_FIELDS[*slot],
                        quoted(&variants[*slot][0].text)
                    ),
                    format!("{exact}: all four values."),
                    text,
                );
            }
        }
    }
}
