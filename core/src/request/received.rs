//! The provider's side of the signature: the signing string of a body as
//! received, taken from the body's own texts. This is what a verifier (the
//! local sandbox, or a test of your own integration) must sign-check; it never
//! re-renders amounts, so `2` and `2.00` stay what was sent.

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::error::{ParseError, ParseErrorKind};
use crate::json::{self, Limits};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Body {
    order: Order,
    payment: Payment,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Order {
    order_reference: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Payment {
    payment_currency: String,
    details: Details,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Details {
    msisdn: Box<RawValue>,
    payment_amount: Box<RawValue>,
}

/// The text of a JSON string's contents, or a number literal as written.
fn scalar_text(raw: &RawValue, field: &str) -> Result<String, ParseError> {
    let text = raw.get();
    if text.starts_with('"') {
        serde_json::from_str::<String>(text).map_err(|_| invalid(field))
    } else if text.starts_with(|c: char| c == '-' || c.is_ascii_digit()) {
        Ok(text.to_owned())
    } else {
        Err(invalid(field))
    }
}

fn invalid(field: &str) -> ParseError {
    ParseError::new(
        ParseErrorKind::InvalidField,
        Some(field.to_owned()),
        "must be a string or a number",
    )
}

/// The STK push signing string of a received body:
/// `order.orderReference + payment.paymentCurrency + payment.details.msisdn +
/// payment.details.paymentAmount`, each exactly as written in the body (a
/// string's contents, or a number's literal text).
///
/// ```
/// let body = br#"{"order":{"orderReference":"OR1"},"payment":{"paymentCurrency":"KES","details":{"msisdn":"0722000000","paymentAmount":2.00}}}"#;
/// let s = jenga_stk::signing_string_of_body(body, &jenga_stk::Limits::default())?;
/// assert_eq!(s, "OR1KES07220000002.00");
/// # Ok::<(), jenga_stk::ParseError>(())
/// ```
pub fn signing_string_of_body(body: &[u8], limits: &Limits) -> Result<String, ParseError> {
    let b: Body = json::parse(body, limits)?;
    Ok([
        b.order.order_reference,
        b.payment.payment_currency,
        scalar_text(&b.payment.details.msisdn, "payment.details.msisdn")?,
        scalar_text(
            &b.payment.details.payment_amount,
            "payment.details.paymentAmount",
        )?,
    ]
    .concat())
}
