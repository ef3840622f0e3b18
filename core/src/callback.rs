//! The callback the provider posts to `payment.callbackUrl` (the page's
//! "Jenga Callbacks"): a Jenga envelope around M-Pesa's `stkCallback`.
//!
//! It is **unsigned**, so never trust it alone: authenticate its URL with
//! [`CallbackUrls`](crate::CallbackUrls) and decide on the IPN or a status
//! query ([`reconcile`](crate::reconcile)). Items without `Value` (the page's
//! `Balance`) are fine, unknown fields are ignored, unknown result codes are
//! kept; missing required parts are a [`ParseError`] naming the JSON path.

use serde::Serialize;
use serde_json::value::RawValue;

use crate::amount::Amount;
use crate::error::{ParseError, ParseErrorKind};
use crate::json::{self, Field, Kind, Limits, Record, Shape};
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
    /// 1032: the customer cancelled the prompt.
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
            1032 => FailureReason::Cancelled,
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
    /// `MpesaReceiptNumber`.
    pub mpesa_receipt: String,
    /// `Amount`, exact.
    pub amount: Amount,
    /// `PhoneNumber`, as its digits (`254722000000`).
    pub phone_number: String,
    /// `TransactionDate` (`yyyyMMddHHmmss`, East Africa Time).
    pub transaction_date: DateTime,
    /// `Balance`, when it has a value.
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
    /// `transactionReference`: the request's `payment.paymentReference`.
    pub transaction_reference: String,
    /// `MerchantRequestID`.
    pub merchant_request_id: String,
    /// `CheckoutRequestID`.
    pub checkout_request_id: String,
    /// `ResultCode`, kept as sent.
    pub result_code: i64,
    /// `ResultDesc`.
    pub result_desc: String,
    /// Paid, with the payment's details, or failed, with the reason.
    pub outcome: CallbackOutcome,
}

static ENVELOPE: Shape = Shape::new(
    "Envelope",
    &[
        Field::required("transactionReference", Kind::Text),
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
        Field::required("MerchantRequestID", Kind::Text),
        Field::required("CheckoutRequestID", Kind::Text),
        Field::optional("ResultDesc", Kind::Text),
        Field::required("ResultCode", Kind::Read(json::code)),
        Field::optional("CallbackMetadata", Kind::OptRecord(&METADATA)),
    ],
);

static METADATA: Shape = Shape::new("Metadata", &[Field::optional("Item", Kind::List(&ITEM))]);

static ITEM: Shape = Shape::new(
    "Item",
    &[
        Field::required("Name", Kind::Text),
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
        .parse()
        .map_err(|_| invalid(format!("{STK}.ResultCode"), "must be an integer"))?;
    let outcome = if result_code == 0 {
        let metadata = stk.record("CallbackMetadata").map(items);
        CallbackOutcome::Paid(payment(metadata.as_deref())?)
    } else {
        CallbackOutcome::Failed(CallbackFailure {
            reason: FailureReason::from_result_code(result_code),
        })
    };
    Ok(StkCallback {
        transaction_reference: envelope.text("transactionReference").unwrap_or_default(),
        merchant_request_id: stk.text("MerchantRequestID").unwrap_or_default(),
        checkout_request_id: stk.text("CheckoutRequestID").unwrap_or_default(),
        result_code,
        result_desc: stk.text("ResultDesc").unwrap_or_default(),
        outcome,
    })
}

/// `CallbackMetadata.Item` as name and value pairs.
fn items(mut metadata: Record) -> Vec<Item> {
    metadata
        .list("Item")
        .into_iter()
        .map(|mut item| Item {
            name: item.text("Name").unwrap_or_default(),
            value: item.raw("Value"),
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
    let value = |name: &str| -> Result<&str, ParseError> {
        metadata
            .iter()
            .find(|i| i.name == name)
            .and_then(|i| i.value.as_deref())
            .map(RawValue::get)
            .filter(|v| *v != "null")
            .ok_or_else(|| {
                ParseError::new(
                    ParseErrorKind::MissingField,
                    Some(format!("{ITEMS}.{name}")),
                    "is required when ResultCode is 0",
                )
            })
    };
    let receipt_raw = value("MpesaReceiptNumber")?;
    let mpesa_receipt = json::string_of(receipt_raw.as_bytes())
        .ok()
        .filter(|r| !r.is_empty())
        .ok_or_else(|| {
            invalid(
                format!("{ITEMS}.MpesaReceiptNumber"),
                "must be a non-empty string",
            )
        })?;
    let amount =
        json::raw_amount(value("Amount")?).map_err(|e| invalid(format!("{ITEMS}.Amount"), &e))?;
    let phone_number = json::raw_digits(value("PhoneNumber")?)
        .ok_or_else(|| invalid(format!("{ITEMS}.PhoneNumber"), "must be digits"))?;
    let transaction_date = json::raw_digits(value("TransactionDate")?)
        .and_then(|d| DateTime::parse_mpesa_compact(&d))
        .ok_or_else(|| {
            invalid(
                format!("{ITEMS}.TransactionDate"),
                "must be a valid yyyyMMddHHmmss date",
            )
        })?;
    let balance = match value("Balance") {
        Ok(raw) => {
            Some(json::raw_amount(raw).map_err(|e| invalid(format!("{ITEMS}.Balance"), &e))?)
        }
        Err(_) => None,
    };
    Ok(CallbackPayment {
        mpesa_receipt,
        amount,
        phone_number,
        transaction_date,
        balance,
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
        top.string("message", &self.result_desc);
        top.string("transactionReference", &self.transaction_reference);
        top.object("data", |d| {
            d.object("Body", |b| {
                b.object("stkCallback", |s| {
                    s.string("MerchantRequestID", &self.merchant_request_id);
                    s.string("CheckoutRequestID", &self.checkout_request_id);
                    s.string("ResultDesc", &self.result_desc);
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
                                    i.number_or_string(
                                        "Value",
                                        &p.transaction_date.to_mpesa_compact(),
                                    );
                                    i.string("Name", "TransactionDate");
                                });
                                items.object(|i| {
                                    i.number_or_string("Value", &p.phone_number);
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
