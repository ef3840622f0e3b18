//! The order status query: `GET /api-checkout/mpesa-stk-push/v3.0/status/order/{orderReference}`
//! and its answer, the order with its invoices.
//!
//! Whether the provider wants a `Signature` header on this call is
//! unconfirmed (its curl example has none; one generated client lists one), so
//! it is a setting: [`StatusSignature`]. When on, the signed text is the order
//! reference.

use serde::Serialize;

use crate::amount::Amount;
use crate::error::{ParseError, ParseErrorKind, SignatureError};
use crate::http::{Environment, HttpRequest, Method};
use crate::json::{self, Field, Kind, Limits, Shape, lenient};
use crate::response::{Endpoint, Rejection, read_answer};
use crate::signing::{Signature, Signer};
use crate::time::DateTime;
use crate::token::AccessToken;

/// The status endpoint's path, without the reference.
pub const STATUS_PATH_PREFIX: &str = "/api-checkout/mpesa-stk-push/v3.0/status/order/";

/// Whether the status query carries a `Signature` header (unconfirmed by the docs).
#[derive(Clone, Debug)]
pub enum StatusSignature<'a> {
    /// No `Signature` header (as in the provider's curl example).
    None,
    /// `Signature: base64(RSA-SHA256(orderReference))`, signed here.
    Sign(&'a Signer),
    /// A signature of the order reference made elsewhere (WebCrypto, KMS, keystore).
    Provided(Signature),
}

/// Builds the status query for `order_reference` (percent-encoded in the path).
pub fn order_status_request(
    environment: &Environment,
    token: &AccessToken,
    order_reference: &str,
    signature: StatusSignature<'_>,
) -> Result<HttpRequest, SignatureError> {
    let signature = match signature {
        StatusSignature::None => None,
        StatusSignature::Sign(signer) => Some(signer.sign(order_reference.as_bytes())?),
        StatusSignature::Provided(sig) => Some(sig),
    };
    Ok(status_request_signed(
        environment,
        token,
        order_reference,
        signature.as_ref(),
    ))
}

/// [`order_status_request`] with the signature already made (or none): it
/// cannot fail.
pub(crate) fn status_request_signed(
    environment: &Environment,
    token: &AccessToken,
    order_reference: &str,
    signature: Option<&Signature>,
) -> HttpRequest {
    let url = environment.url(&format!(
        "{STATUS_PATH_PREFIX}{}",
        percent_encode(order_reference)
    ));
    let mut headers = vec![(
        "Authorization".to_owned(),
        format!("Bearer {}", token.expose()),
    )];
    if let Some(sig) = signature {
        headers.push(("Signature".to_owned(), sig.as_str().to_owned()));
    }
    HttpRequest::new(Method::Get, url, headers, Vec::new())
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
pub(crate) fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `order.orderStatus`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum OrderState {
    /// `Paid`.
    Paid,
    /// `Pending`.
    Pending,
    /// Any other status, kept as sent.
    Other(String),
}

/// `invoices[].invoiceStatus`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum InvoiceState {
    /// `Pending`.
    Pending,
    /// `Paid`.
    Paid,
    /// `Cancelled`.
    Cancelled,
    /// `Expired`.
    Expired,
    /// Any other status, kept as sent.
    Other(String),
}

impl Serialize for OrderState {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl Serialize for InvoiceState {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl OrderState {
    fn from_text(text: String) -> OrderState {
        match text.to_ascii_lowercase().as_str() {
            "paid" => OrderState::Paid,
            "pending" => OrderState::Pending,
            _ => OrderState::Other(text),
        }
    }

    /// The status text (`Paid`, `Pending`, or what was sent).
    pub fn as_str(&self) -> &str {
        match self {
            OrderState::Paid => "Paid",
            OrderState::Pending => "Pending",
            OrderState::Other(s) => s,
        }
    }
}

impl InvoiceState {
    fn from_text(text: String) -> InvoiceState {
        match text.to_ascii_lowercase().as_str() {
            "pending" => InvoiceState::Pending,
            "paid" => InvoiceState::Paid,
            "cancelled" | "canceled" => InvoiceState::Cancelled,
            "expired" => InvoiceState::Expired,
            _ => InvoiceState::Other(text),
        }
    }

    /// The status text (`Paid`, `Pending`, `Cancelled`, `Expired`, or what was sent).
    pub fn as_str(&self) -> &str {
        match self {
            InvoiceState::Pending => "Pending",
            InvoiceState::Paid => "Paid",
            InvoiceState::Cancelled => "Cancelled",
            InvoiceState::Expired => "Expired",
            InvoiceState::Other(s) => s,
        }
    }
}

/// The order as the status query reports it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Order {
    /// `orderReference`.
    pub order_reference: String,
    /// `orderAmount`.
    pub order_amount: Amount,
    /// `amountPaid` (zero when absent).
    pub amount_paid: Amount,
    /// `orderStatus`.
    pub status: OrderState,
    /// `createdOn` (epoch milliseconds), in UTC.
    pub created_on: Option<DateTime>,
}

/// One payment attempt (invoice) of the order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Invoice {
    /// `amount`.
    pub amount: Option<Amount>,
    /// `amountDebited`.
    pub amount_debited: Option<Amount>,
    /// `charge`.
    pub charge: Option<Amount>,
    /// `invoiceStatus`.
    pub status: InvoiceState,
    /// `orderReference`.
    pub order_reference: Option<String>,
    /// `externalReference`: the M-Pesa receipt, once paid.
    pub mpesa_receipt: Option<String>,
    /// `createdOn` (epoch milliseconds), in UTC.
    pub created_on: Option<DateTime>,
    /// `completedOn` (epoch milliseconds), in UTC.
    pub completed_on: Option<DateTime>,
}

/// A found order and its invoices.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderStatus {
    /// The order.
    pub order: Order,
    /// Its invoices (payment attempts), as listed.
    pub invoices: Vec<Invoice>,
}

/// The answer to an order status query.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum StatusResponse {
    /// The order was found.
    Found(OrderStatus),
    /// `111102`: no transaction with this reference.
    NotFound {
        /// The provider's message.
        message: Option<String>,
    },
    /// Any other refusal, with what to do next.
    Rejected(Rejection),
}

// Deciding: the order's reference, amount, amount paid and status; each
// invoice's status, amount, order reference and receipt (externalReference).
// Side fields (charges, amounts debited, the dates) never fail the answer.

/// `data` of a found order.
static DATA: Shape = Shape::new(
    "DataJson",
    &[
        Field::required("order", Kind::Record(&ORDER)),
        Field::optional("invoices", Kind::OptList(&INVOICE)),
    ],
);

static ORDER: Shape = Shape::new(
    "OrderJson",
    &[
        Field::required("orderReference", Kind::Read(lenient::reference)),
        Field::required("orderAmount", Kind::Read(json::amount)),
        Field::optional("amountPaid", Kind::OptRead(lenient::opt_amount)),
        Field::required("orderStatus", Kind::Read(lenient::word)),
        Field::optional("createdOn", Kind::OptRaw),
    ],
);

static INVOICE: Shape = Shape::new(
    "InvoiceJson",
    &[
        Field::optional("amount", Kind::OptRead(lenient::opt_amount)),
        Field::optional("amountDebited", Kind::OptRaw),
        Field::optional("charge", Kind::OptRaw),
        Field::required("invoiceStatus", Kind::Read(lenient::word)),
        Field::optional("orderReference", Kind::OptRead(lenient::opt_reference)),
        Field::optional("externalReference", Kind::OptRead(lenient::opt_reference)),
        Field::optional("createdOn", Kind::OptRaw),
        Field::optional("completedOn", Kind::OptRaw),
    ],
);

/// Parses the answer to the order status query.
///
/// Every answer classifies: `111102` is [`StatusResponse::NotFound`], any
/// other refusal, a non-2xx status or a body that is not the provider's JSON
/// is [`StatusResponse::Rejected`]. A found order is strict on what decides
/// and lenient on side fields (`"invoices": null` is no invoices; a date
/// that is not epoch milliseconds is absent).
pub fn parse_status_response(
    status: u16,
    body: &[u8],
    limits: &Limits,
) -> Result<StatusResponse, ParseError> {
    let envelope = match read_answer(Endpoint::Status, status, body, limits) {
        Ok(envelope) => envelope,
        Err(rejection) => return Ok(StatusResponse::Rejected(rejection)),
    };
    if envelope.code.as_deref() == Some("111102") {
        return Ok(StatusResponse::NotFound {
            message: envelope.message,
        });
    }
    let ok_code = matches!(envelope.code.as_deref(), Some("0") | None);
    if !(200..300).contains(&status) || envelope.status() == Some(false) || !ok_code {
        return Ok(StatusResponse::Rejected(
            envelope.rejection(Endpoint::Status, status),
        ));
    }
    let raw = envelope.data.as_ref().ok_or_else(|| {
        ParseError::new(
            ParseErrorKind::MissingField,
            Some("data".into()),
            "is required",
        )
    })?;
    let mut data =
        json::parse(raw.get().as_bytes(), limits, &DATA).map_err(|e| prefix_field(e, "data"))?;
    let mut o = data.record("order").unwrap_or_default();
    Ok(StatusResponse::Found(OrderStatus {
        order: Order {
            order_reference: o.text("orderReference").unwrap_or_default(),
            order_amount: o.amount("orderAmount").unwrap_or(Amount::ZERO),
            amount_paid: o.amount("amountPaid").unwrap_or(Amount::ZERO),
            status: OrderState::from_text(o.text("orderStatus").unwrap_or_default()),
            created_on: lenient::epoch_millis(o.raw("createdOn")),
        },
        invoices: data
            .list("invoices")
            .into_iter()
            .map(|mut i| Invoice {
                amount: i.amount("amount"),
                amount_debited: lenient::amount(i.raw("amountDebited")),
                charge: lenient::amount(i.raw("charge")),
                status: InvoiceState::from_text(i.text("invoiceStatus").unwrap_or_default()),
                order_reference: i.text("orderReference"),
                mpesa_receipt: i.text("externalReference"),
                created_on: lenient::epoch_millis(i.raw("createdOn")),
                completed_on: lenient::epoch_millis(i.raw("completedOn")),
            })
            .collect(),
    }))
}

/// Re-roots a nested parse error's field under `prefix`.
fn prefix_field(e: ParseError, prefix: &str) -> ParseError {
    let field = match e.field() {
        Some(f) => format!("{prefix}.{f}"),
        None => prefix.to_owned(),
    };
    let kind = if e.kind() == ParseErrorKind::NotJson {
        ParseErrorKind::InvalidField
    } else {
        e.kind()
    };
    ParseError::new(kind, Some(field), e.detail())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_references_in_the_path() {
        assert_eq!(percent_encode("OR28922980077"), "OR28922980077");
        assert_eq!(percent_encode("a/b?c d%é"), "a%2Fb%3Fc%20d%25%C3%A9");
        let token = AccessToken::new("t").unwrap();
        let r = order_status_request(&Environment::Uat, &token, "OR 1/2", StatusSignature::None)
            .unwrap();
        assert_eq!(
            r.url,
            "https://uat.finserve.africa/api-checkout/mpesa-stk-push/v3.0/status/order/OR%201%2F2"
        );
        assert_eq!(r.method, Method::Get);
        assert!(r.header("Signature").is_none());
        assert!(r.body.is_empty());
    }
}
