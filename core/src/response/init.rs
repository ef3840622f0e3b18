//! The answer to the STK push initiation: accepted, or a [`Rejection`].
//!
//! Accepted vs rejected is decided by the HTTP status and the envelope's
//! `status` and `code` alone. `data` is read best effort: an odd `data` (an
//! amount such as `2.005`, `invoiceNumber` as a number, `data` as a string or
//! `null`) leaves those fields absent; it never makes an accepted push look
//! failed, which would lead the caller to push again and prompt the customer twice.

use serde::Serialize;
use serde_json::value::RawValue;

use super::{Endpoint, Rejection, read_answer};
use crate::amount::Amount;
use crate::json::{self, Field, Kind, Limits, Shape, lenient};

/// The provider accepted an STK push initiation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InitAccepted {
    /// `"0"` (accepted for processing) or `"-1"` (acknowledged; await the callback).
    pub code: String,
    /// The provider's message.
    pub message: Option<String>,
    /// `data.invoiceNumber` (a number is kept as its digits).
    pub invoice_number: Option<String>,
    /// `data.amount`.
    pub amount: Option<Amount>,
    /// `data.charge`.
    pub charge: Option<Amount>,
    /// `data.amountDebited`.
    pub amount_debited: Option<Amount>,
    /// `data.paymentReference`, trimmed.
    pub payment_reference: Option<String>,
    /// `data.orderReference`, trimmed.
    pub order_reference: Option<String>,
}

/// `data` of an accepted initiation: every field a side field.
static INIT_DATA: Shape = Shape::new(
    "InitData",
    &[
        Field::optional("amount", Kind::OptRaw),
        Field::optional("charge", Kind::OptRaw),
        Field::optional("paymentReference", Kind::OptRaw),
        Field::optional("invoiceNumber", Kind::OptRaw),
        Field::optional("orderReference", Kind::OptRaw),
        Field::optional("amountDebited", Kind::OptRaw),
    ],
);

/// The provider's answer to an STK push initiation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum InitResponse {
    /// Accepted; the outcome comes by callback, IPN or status query.
    Accepted(InitAccepted),
    /// Refused, or not clearly accepted, with what to do next.
    Rejected(Rejection),
}

/// Classifies the answer to `POST …/mpesa-stk-push/v3.0/init`. Every answer
/// classifies: an HTML, plain-text or empty body is a [`Rejection`] by its
/// HTTP status (a 2xx that cannot be read is
/// [`InvalidResponse`](crate::RejectionKind::InvalidResponse) with
/// [`CheckStatusFirst`](crate::NextAction::CheckStatusFirst)).
pub fn classify_init_response(status: u16, body: &[u8], limits: &Limits) -> InitResponse {
    let envelope = match read_answer(Endpoint::Init, status, body, limits) {
        Ok(envelope) => envelope,
        Err(rejection) => return InitResponse::Rejected(rejection),
    };
    let accepted_code = matches!(envelope.code.as_deref(), Some("0" | "-1"));
    if (200..300).contains(&status) && accepted_code && envelope.status() != Some(false) {
        let mut data = envelope
            .data
            .as_deref()
            .and_then(|raw| json::read(raw.get().as_bytes(), &INIT_DATA).ok())
            .unwrap_or_default();
        let trimmed = |raw: Option<Box<RawValue>>| lenient::text(raw).map(|t| t.trim().to_owned());
        return InitResponse::Accepted(InitAccepted {
            code: envelope.code.unwrap_or_default(),
            message: envelope.message,
            invoice_number: trimmed(data.raw("invoiceNumber")),
            amount: lenient::amount(data.raw("amount")),
            charge: lenient::amount(data.raw("charge")),
            amount_debited: lenient::amount(data.raw("amountDebited")),
            payment_reference: trimmed(data.raw("paymentReference")),
            order_reference: trimmed(data.raw("orderReference")),
        });
    }
    InitResponse::Rejected(envelope.rejection(Endpoint::Init, status))
}
