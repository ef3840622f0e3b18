//! The provider's side of the signature: the signing string of a body as
//! received, taken from the body's own texts. This is what a verifier (the
//! local sandbox, or a test of your own integration) must sign-check; it never
//! re-renders amounts, so `2` and `2.00` stay what was sent.

use serde_json::value::RawValue;

use crate::error::{ParseError, ParseErrorKind};
use crate::json::{self, Field, Kind, Limits, Shape};

static BODY: Shape = Shape::new(
    "Body",
    &[
        Field::required("order", Kind::Record(&ORDER)),
        Field::required("payment", Kind::Record(&PAYMENT)),
    ],
);

static ORDER: Shape = Shape::new("Order", &[Field::required("orderReference", Kind::Text)]);

static PAYMENT: Shape = Shape::new(
    "Payment",
    &[
        Field::required("paymentCurrency", Kind::Text),
        Field::required("details", Kind::Record(&DETAILS)),
    ],
);

static DETAILS: Shape = Shape::new(
    "Details",
    &[
        Field::required("msisdn", Kind::Raw),
        Field::required("paymentAmount", Kind::Raw),
    ],
);

/// The text of a JSON string's contents, or a number literal as written.
fn scalar_text(raw: Option<Box<RawValue>>, field: &str) -> Result<String, ParseError> {
    let text = raw.as_deref().map_or("", RawValue::get);
    if text.starts_with('"') {
        json::string_of(text.as_bytes()).map_err(|_| invalid(field))
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
    let mut b = json::parse(body, limits, &BODY)?;
    let mut order = b.record("order").unwrap_or_default();
    let mut payment = b.record("payment").unwrap_or_default();
    let mut details = payment.record("details").unwrap_or_default();
    Ok([
        order.text("orderReference").unwrap_or_default(),
        payment.text("paymentCurrency").unwrap_or_default(),
        scalar_text(details.raw("msisdn"), "payment.details.msisdn")?,
        scalar_text(
            details.raw("paymentAmount"),
            "payment.details.paymentAmount",
        )?,
    ]
    .concat())
}
