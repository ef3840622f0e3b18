//! The callback the provider posts to `payment.callbackUrl` (the page's
//! "Jenga Callbacks"): a Jenga envelope around M-Pesa's `stkCallback`.
//!
//! It is **unsigned**, so never trust it alone: authenticate its URL with
//! [`CallbackUrls`](crate::CallbackUrls) and decide on the IPN or a status
//! query ([`reconcile`](crate::reconcile)). Only the deciding fields are
//! strict; side fields (the page's `Balance` without a `Value`, a masked
//! phone number, a date in another form) never fail it. Unknown fields are
//! ignored, unknown result codes are kept; a missing or malformed deciding
//! part is a [`ParseError`] naming the JSON path.

use serde::Serialize;
use serde_json::value::RawValue;

use crate::amount::Amount;
use crate::error::{ParseError, ParseErrorKind};
use crate::json::{self, Field, Kind, Limits, Shape, lenient};
use crate::json_writer::ObjectWriter;
use crate::time::DateTime;

/// Why an STK push failed, from M-Pesa's `ResultCode`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum FailureReason {
    /// 1: the balance is insufficient.
    InsufficientFunds,
    /// 1001: the subscriber is busy with another transaction.
    SubscriberBusy,
    /// 1019: the transaction expired.
    Expired,
    /// 1025 or 9999: the push could not be sent to the phone.
    PushNotSent,
    /// 1031 or 1032: the customer cancelled the prompt.
    Cancelled,
    /// 1037: the phone could not be reached, or the customer did not answer in time.
    Timeout,
    /// 2001: the customer entered a wrong PIN.
    WrongPin,
    /// 17 or 26: a provider-side failure or the system is busy.
    ProviderError,
    /// Any other code (kept in [`StkCallback::result_code`]).
    Unknown,
}

impl FailureReason {
    /// The reason for an M-Pesa result code (not 0).
    pub fn from_result_code(code: i64) -> FailureReason {
        match code {
            1 => FailureReason::InsufficientFunds,
            1001 => FailureReason::SubscriberBusy,
            1019 => FailureReason::Expired,
            1025 | 9999 => FailureReason::PushNotSent,
            1031 | 1032 => FailureReason::Cancelled,
            1037 => FailureReason::Timeout,
            2001 => FailureReason::WrongPin,
            17 | 26 => FailureReason::ProviderError,
            _ => FailureReason::Unknown,
        }
    }

    /// The stable machine code (`insufficient_funds`, …, `unknown`).
    pub fn code(self) -> &'static str {
        match self {
            FailureReason::InsufficientFunds => "insufficient_funds",
            FailureReason::SubscriberBusy => "subscriber_busy",
            FailureReason::Expired => "expired",
            FailureReason::PushNotSent => "push_not_sent",
            FailureReason::Cancelled => "cancelled",
            FailureReason::Timeout => "timeout",
            FailureReason::WrongPin => "wrong_pin",
            FailureReason::ProviderError => "provider_error",
            FailureReason::Unknown => "unknown",
        }
    }
}

/// A successful payment as the callback reports it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CallbackPayment {
    /// `MpesaReceiptNumber`, trimmed (deciding).
    pub mpesa_receipt: String,
    /// `Amount`, exact (deciding).
    pub amount: Amount,
    /// `PhoneNumber` as sent (`254722000000`, or a masked or `+` form), when present.
    pub phone_number: Option<String>,
    /// `TransactionDate` (`yyyyMMddHHmmss`, or `yyyy-MM-dd HH:mm:ss`, East
    /// Africa Time), when present and readable.
    pub transaction_date: Option<DateTime>,
    /// `Balance`, when it has a readable value.
    pub balance: Option<Amount>,
}

/// A failed payment as the callback reports it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CallbackFailure {
    /// The classified reason.
    pub reason: FailureReason,
}

/// Paid or failed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum CallbackOutcome {
    /// `ResultCode` 0.
    Paid(CallbackPayment),
    /// Any other `ResultCode`.
    Failed(CallbackFailure),
}

/// A parsed callback to `payment.callbackUrl`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StkCallback {
    /// `transactionReference`: the request's `payment.paymentReference`, trimmed.
    pub transaction_reference: String,
    /// `MerchantRequestID`, when present.
    pub merchant_request_id: Option<String>,
    /// `CheckoutRequestID`, when present.
    pub checkout_request_id: Option<String>,
    /// `ResultCode`, kept as sent.
    pub result_code: i64,
    /// `ResultDesc`, when present.
    pub result_desc: Option<String>,
    /// Paid, with the payment's details, or failed, with the reason.
    pub outcome: CallbackOutcome,
}

// Deciding: transactionReference, ResultCode and, when paid, the receipt and
// the amount. Everything else is a side field, read best effort.
static ENVELOPE: Shape = Shape::new(
    "Envelope",
    &[
        Field::required("transactionReference", Kind::Read(lenient::reference)),
        Field::required("data", Kind::Record(&DATA)),
    ],
);

static DATA: Shape = Shape::new("Data", &[Field::required("Body", Kind::Record(&BODY))]);

static BODY: Shape = Shape::new(
    "Body",
    &[Field::required("stkCallback", Kind::Record(&STK_CALLBACK))],
);

static STK_CALLBACK: Shape = Shape::new(
    "StkJson",
    &[
        Field::optional("MerchantRequestID", Kind::OptRaw),
        Field::optional("CheckoutRequestID", Kind::OptRaw),
        Field::optional("ResultDesc", Kind::OptRaw),
        Field::required("ResultCode", Kind::Read(json::code)),
        Field::optional("CallbackMetadata", Kind::OptRaw),
    ],
);

static METADATA: Shape = Shape::new("Metadata", &[Field::optional("Item", Kind::OptRaw)]);

static ITEM: Shape = Shape::new(
    "Item",
    &[
        Field::optional("Name", Kind::OptRaw),
        Field::optional("Value", Kind::OptRaw),
    ],
);

/// One `CallbackMetadata.Item`: its `Name` and its `Value` (absent or `null`: `None`).
struct Item {
    name: String,
    value: Option<Box<RawValue>>,
}

const STK: &str = "data.Body.stkCallback";
const ITEMS: &str = "data.Body.stkCallback.CallbackMetadata.Item";

fn invalid(field: String, detail: &str) -> ParseError {
    ParseError::new(ParseErrorKind::InvalidField, Some(field), detail)
}

/// Parses the callback body.
///
/// Strict on what decides (`transactionReference`, `ResultCode`, and for a
/// payment `MpesaReceiptNumber` and `Amount`); every other field (the IDs,
/// `ResultDesc`, `Balance`, `TransactionDate`, `PhoneNumber`) that is
/// missing, empty, of another type or in another form is read as absent or
/// kept as its text, and never fails the callback.
pub fn parse_callback(body: &[u8], limits: &Limits) -> Result<StkCallback, ParseError> {
    let mut envelope = json::parse(body, limits, &ENVELOPE)?;
    let mut stk = envelope
        .record("data")
        .and_then(|mut data| data.record("Body"))
        .and_then(|mut body| body.record("stkCallback"))
        .unwrap_or_default();
    let result_code: i64 = stk
        .text("ResultCode")
        .unwrap_or_default()
        .trim()
        .parse()
        .map_err(|_| invalid(format!("{STK}.ResultCode"), "must be an integer"))?;
    let outcome = if result_code == 0 {
        let metadata = stk.raw("CallbackMetadata").map(|raw| items(&raw));
        CallbackOutcome::Paid(payment(metadata.as_deref())?)
    } else {
        CallbackOutcome::Failed(CallbackFailure {
            reason: FailureReason::from_result_code(result_code),
        })
    };
    Ok(StkCallback {
        transaction_reference: envelope.text("transactionReference").unwrap_or_default(),
        merchant_request_id: lenient::text(stk.raw("MerchantRequestID")),
        checkout_request_id: lenient::text(stk.raw("CheckoutRequestID")),
        result_code,
        result_desc: lenient::text(stk.raw("ResultDesc")),
        outcome,
    })
}

/// `CallbackMetadata.Item` as name and value pairs; whatever is not an
/// object with a string `Name` is skipped.
fn items(metadata: &RawValue) -> Vec<Item> {
    let Ok(mut metadata) = json::read(metadata.get().as_bytes(), &METADATA) else {
        return Vec::new();
    };
    let Some(list) = metadata.raw("Item") else {
        return Vec::new();
    };
    let Ok(elements) = serde_json::from_str::<Vec<Box<RawValue>>>(list.get()) else {
        return Vec::new();
    };
    elements
        .iter()
        .filter_map(|element| {
            let mut item = json::read(element.get().as_bytes(), &ITEM).ok()?;
            let name = item.raw("Name")?;
            let name = name
                .get()
                .starts_with('"')
                .then(|| json::string_of(name.get().as_bytes()).ok())??;
            Some(Item {
                name: name.trim().to_owned(),
                value: item.raw("Value"),
            })
        })
        .collect()
}

fn payment(metadata: Option<&[Item]>) -> Result<CallbackPayment, ParseError> {
    let metadata = metadata.ok_or_else(|| {
        ParseError::new(
            ParseErrorKind::MissingField,
            Some(format!("{STK}.CallbackMetadata")),
            "is required when ResultCode is 0",
        )
    })?;
    // A deciding item must be there once, with a value.
    let deciding = |name: &str| -> Result<&str, ParseError> {
        let mut found = metadata.iter().filter(|i| i.name == name);
        let item = found.next();
        if found.next().is_some() {
            return Err(invalid(
                format!("{ITEMS}.{name}"),
                "is given more than once: which one decides is unknown",
            ));
        }
        item.and_then(|i| i.value.as_deref())
            .map(RawValue::get)
            .ok_or_else(|| {
                ParseError::new(
                    ParseErrorKind::MissingField,
                    Some(format!("{ITEMS}.{name}")),
                    "is required when ResultCode is 0",
                )
            })
    };
    let side = |name: &str| {
        metadata
            .iter()
            .find(|i| i.name == name)
            .and_then(|i| i.value.clone())
    };
    let receipt_raw = deciding("MpesaReceiptNumber")?;
    let mpesa_receipt = match lenient::reference(receipt_raw) {
        Ok(json::Value::Str(r)) => r,
        _ => {
            return Err(invalid(
                format!("{ITEMS}.MpesaReceiptNumber"),
                "must be a non-empty string",
            ));
        }
    };
    let amount = json::raw_amount(deciding("Amount")?)
        .map_err(|e| invalid(format!("{ITEMS}.Amount"), &e))?;
    Ok(CallbackPayment {
        mpesa_receipt,
        amount,
        phone_number: lenient::text(side("PhoneNumber")).map(|p| p.trim().to_owned()),
        transaction_date: lenient::date(side("TransactionDate")),
        balance: lenient::amount(side("Balance")),
    })
}

impl StkCallback {
    /// Writes the callback in the provider's wire format (what the sandbox
    /// sends). [`parse_callback`] reads it back to an equal value.
    pub fn to_json(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(768);
        let mut top = ObjectWriter::new(&mut out);
        let paid = matches!(self.outcome, CallbackOutcome::Paid(_));
        top.raw("status", if paid { "true" } else { "false" });
        top.string("code", if paid { "0" } else { "1" });
        if let Some(desc) = &self.result_desc {
            top.string("message", desc);
        }
        top.string("transactionReference", &self.transaction_reference);
        top.object("data", |d| {
            d.object("Body", |b| {
                b.object("stkCallback", |s| {
                    if let Some(id) = &self.merchant_request_id {
                        s.string("MerchantRequestID", id);
                    }
                    if let Some(id) = &self.checkout_request_id {
                        s.string("CheckoutRequestID", id);
                    }
                    if let Some(desc) = &self.result_desc {
                        s.string("ResultDesc", desc);
                    }
                    s.raw("ResultCode", &self.result_code.to_string());
                    if let CallbackOutcome::Paid(p) = &self.outcome {
                        s.object("CallbackMetadata", |m| {
                            m.array("Item", |items| {
                                items.object(|i| {
                                    i.raw("Value", &p.amount.to_string());
                                    i.string("Name", "Amount");
                                });
                                items.object(|i| {
                                    i.string("Value", &p.mpesa_receipt);
                                    i.string("Name", "MpesaReceiptNumber");
                                });
                                items.object(|i| {
                                    if let Some(balance) = p.balance {
                                        i.raw("Value", &balance.to_string());
                                    }
                                    i.string("Name", "Balance");
                                });
                                items.object(|i| {
                                    if let Some(date) = p.transaction_date {
                                        i.number_or_string("Value", &date.to_mpesa_compact());
                                    }
                                    i.string("Name", "TransactionDate");
                                });
                                items.object(|i| {
                                    if let Some(phone) = &p.phone_number {
                                        i.number_or_string("Value", phone);
                                    }
                                    i.string("Name", "PhoneNumber");
                                });
                            });
                        });
                    }
                });
            });
        });
        top.close();
        out
    }
}
