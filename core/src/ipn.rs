//! The IPN ("Complete Callback"): the provider's confirmation that a payment
//! was processed, posted to the URL configured in the portal with HTTP
//! **Basic auth** (no payload signature).
//!
//! The same IPN can arrive more than once: [`Ipn::dedupe_key`]
//! (`transaction.reference`) identifies it. [`Ipn::order_reference`]
//! (`customer.reference`) ties it to your order.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::Serialize;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::amount::Amount;
use crate::error::{AuthError, ParseError, ProblemCode, Problems, ValidationError};
use crate::json::{self, Field, Kind, Limits, Shape, lenient};
use crate::json_writer::ObjectWriter;
use crate::time::DateTime;

/// `transaction.status`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum IpnStatus {
    /// `SUCCESS`.
    Success,
    /// `FAILED`.
    Failed,
    /// Anything else, kept as sent.
    Other(String),
}

impl IpnStatus {
    fn from_text(text: String) -> IpnStatus {
        match text.to_ascii_uppercase().as_str() {
            "SUCCESS" => IpnStatus::Success,
            "FAILED" => IpnStatus::Failed,
            _ => IpnStatus::Other(text),
        }
    }

    /// The wire text.
    pub fn as_str(&self) -> &str {
        match self {
            IpnStatus::Success => "SUCCESS",
            IpnStatus::Failed => "FAILED",
            IpnStatus::Other(s) => s,
        }
    }
}

impl Serialize for IpnStatus {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// `transaction.paymentMode`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PaymentMode {
    /// `MPESA`.
    Mpesa,
    /// `CARD`.
    Card,
    /// `PWE` (pay with Equity).
    Pwe,
    /// `EQUITEL`.
    Equitel,
    /// `PAYPAL`.
    Paypal,
    /// Anything else, kept as sent.
    Other(String),
}

impl PaymentMode {
    fn from_text(text: String) -> PaymentMode {
        match text.to_ascii_uppercase().as_str() {
            "MPESA" => PaymentMode::Mpesa,
            "CARD" => PaymentMode::Card,
            "PWE" => PaymentMode::Pwe,
            "EQUITEL" => PaymentMode::Equitel,
            "PAYPAL" => PaymentMode::Paypal,
            _ => PaymentMode::Other(text),
        }
    }

    /// The wire text.
    pub fn as_str(&self) -> &str {
        match self {
            PaymentMode::Mpesa => "MPESA",
            PaymentMode::Card => "CARD",
            PaymentMode::Pwe => "PWE",
            PaymentMode::Equitel => "EQUITEL",
            PaymentMode::Paypal => "PAYPAL",
            PaymentMode::Other(s) => s,
        }
    }
}

impl Serialize for PaymentMode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// `customer.*` of an IPN.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IpnCustomer {
    /// `customer.name`.
    pub name: Option<String>,
    /// `customer.mobileNumber`, as sent (a number is kept as its digits).
    pub mobile_number: Option<String>,
    /// `customer.reference`: the merchant's order reference, trimmed. `None`
    /// for a payment that did not come from a push (no reference given).
    pub reference: Option<String>,
}

/// `transaction.*` of an IPN.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IpnTransaction {
    /// `transaction.date` (`yyyy-MM-dd HH:mm:ss`, East Africa Time), when readable.
    pub date: Option<DateTime>,
    /// `transaction.reference`, trimmed: the M-Pesa receipt, and the dedupe key.
    pub reference: String,
    /// `transaction.paymentMode`, when given.
    pub payment_mode: Option<PaymentMode>,
    /// `transaction.amount`, exact.
    pub amount: Amount,
    /// `transaction.currency`, when given (some of the provider's own samples
    /// omit it: reconciliation then reports the currency as unconfirmed).
    pub currency: Option<String>,
    /// `transaction.serviceCharge`.
    pub service_charge: Option<Amount>,
    /// `transaction.billNumber`: the invoice number (a number is kept as its digits).
    pub bill_number: Option<String>,
    /// `transaction.servedBy`.
    pub served_by: Option<String>,
    /// `transaction.additionalInfo`.
    pub additional_info: Option<String>,
    /// `transaction.orderAmount`.
    pub order_amount: Option<Amount>,
    /// `transaction.orderCurrency`.
    pub order_currency: Option<String>,
    /// `transaction.status`.
    pub status: IpnStatus,
    /// `transaction.remarks`.
    pub remarks: Option<String>,
}

/// `bank.*` of an IPN.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IpnBank {
    /// `bank.reference`.
    pub reference: Option<String>,
    /// `bank.transactionType`.
    pub transaction_type: Option<String>,
    /// `bank.account`.
    pub account: Option<String>,
}

/// A parsed IPN.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Ipn {
    /// `callbackType` (`IPN`).
    pub callback_type: String,
    /// The customer and the order reference.
    pub customer: IpnCustomer,
    /// The transaction.
    pub transaction: IpnTransaction,
    /// The bank part, when present.
    pub bank: Option<IpnBank>,
}

impl Ipn {
    /// The key to drop redeliveries: `transaction.reference`, trimmed.
    pub fn dedupe_key(&self) -> &str {
        &self.transaction.reference
    }

    /// The merchant's order reference (`customer.reference`, trimmed), or
    /// `None` for a payment that did not come from a push (paid to the till
    /// directly, say): keep such an IPN for review; it belongs to no order.
    pub fn order_reference(&self) -> Option<&str> {
        self.customer.reference.as_deref()
    }

    /// Writes the IPN in the provider's wire format (what the sandbox sends).
    /// [`parse_ipn`] reads it back to an equal value.
    pub fn to_json(&self) -> Vec<u8> {
        fn opt(w: &mut ObjectWriter<'_>, key: &str, value: Option<&str>) {
            if let Some(v) = value {
                w.string(key, v);
            }
        }
        fn opt_amount(w: &mut ObjectWriter<'_>, key: &str, value: Option<Amount>) {
            if let Some(v) = value {
                w.raw(key, &v.to_string());
            }
        }
        let mut out = Vec::with_capacity(640);
        let mut top = ObjectWriter::new(&mut out);
        top.string("callbackType", &self.callback_type);
        top.object("customer", |c| {
            opt(c, "name", self.customer.name.as_deref());
            opt(c, "mobileNumber", self.customer.mobile_number.as_deref());
            opt(c, "reference", self.customer.reference.as_deref());
        });
        let t = &self.transaction;
        top.object("transaction", |w| {
            if let Some(date) = t.date {
                w.string("date", &date.to_ipn_text());
            }
            w.string("reference", &t.reference);
            opt(
                w,
                "paymentMode",
                t.payment_mode.as_ref().map(PaymentMode::as_str),
            );
            w.raw("amount", &t.amount.to_string());
            opt(w, "currency", t.currency.as_deref());
            opt_amount(w, "serviceCharge", t.service_charge);
            opt(w, "billNumber", t.bill_number.as_deref());
            opt(w, "servedBy", t.served_by.as_deref());
            opt(w, "additionalInfo", t.additional_info.as_deref());
            opt_amount(w, "orderAmount", t.order_amount);
            opt(w, "orderCurrency", t.order_currency.as_deref());
            w.string("status", t.status.as_str());
            opt(w, "remarks", t.remarks.as_deref());
        });
        if let Some(bank) = &self.bank {
            top.object("bank", |b| {
                opt(b, "reference", bank.reference.as_deref());
                opt(b, "transactionType", bank.transaction_type.as_deref());
                opt(b, "account", bank.account.as_deref());
            });
        }
        top.close();
        out
    }
}

// Deciding: transaction.status, transaction.reference (the receipt and the
// dedupe key), transaction.amount, transaction.currency (when given) and
// customer.reference (when given). Everything else is a side field.
static IPN: Shape = Shape::new(
    "IpnJson",
    &[
        Field::optional("callbackType", Kind::OptRaw),
        Field::optional("customer", Kind::OptRecord(&CUSTOMER)),
        Field::required("transaction", Kind::Record(&TRANSACTION)),
        Field::optional("bank", Kind::OptRaw),
    ],
);

static CUSTOMER: Shape = Shape::new(
    "CustomerJson",
    &[
        Field::optional("name", Kind::OptRaw),
        Field::optional("mobileNumber", Kind::OptRaw),
        Field::optional("reference", Kind::OptRead(lenient::opt_reference)),
    ],
);

static TRANSACTION: Shape = Shape::new(
    "TransactionJson",
    &[
        Field::optional("date", Kind::OptRaw),
        Field::required("reference", Kind::Read(lenient::reference)),
        Field::optional("paymentMode", Kind::OptRaw),
        Field::required("amount", Kind::Read(json::amount)),
        Field::optional("currency", Kind::OptRead(lenient::opt_word)),
        Field::optional("serviceCharge", Kind::OptRaw),
        Field::optional("billNumber", Kind::OptRaw),
        Field::optional("servedBy", Kind::OptRaw),
        Field::optional("additionalInfo", Kind::OptRaw),
        Field::optional("orderAmount", Kind::OptRaw),
        Field::optional("orderCurrency", Kind::OptRaw),
        Field::required("status", Kind::Read(lenient::word)),
        Field::optional("remarks", Kind::OptRaw),
    ],
);

static BANK: Shape = Shape::new(
    "BankJson",
    &[
        Field::optional("reference", Kind::OptRaw),
        Field::optional("transactionType", Kind::OptRaw),
        Field::optional("account", Kind::OptRaw),
    ],
);

/// Parses an IPN body. Authenticate it first with [`IpnAuth::verify`].
///
/// Strict on what decides (`transaction.status`, `transaction.reference`,
/// `transaction.amount`, and `transaction.currency` and `customer.reference`
/// when given); every side field that is missing, empty, of another type or
/// in another form (a date that is not one, `mobileNumber` or `billNumber` as
/// numbers, optional amounts as `""`, a `bank` that is not an object) is read
/// as absent or kept as its text, and never fails the IPN. An IPN without
/// `customer.reference` parses, with [`Ipn::order_reference`] `None`.
pub fn parse_ipn(body: &[u8], limits: &Limits) -> Result<Ipn, ParseError> {
    let mut j = json::parse(body, limits, &IPN)?;
    let mut t = j.record("transaction").unwrap_or_default();
    let mut c = j.record("customer").unwrap_or_default();
    let bank = j
        .raw("bank")
        .and_then(|raw| json::read(raw.get().as_bytes(), &BANK).ok())
        .map(|mut b| IpnBank {
            reference: lenient::text(b.raw("reference")),
            transaction_type: lenient::text(b.raw("transactionType")),
            account: lenient::text(b.raw("account")),
        });
    // East Africa Time without a zone (the IPN's own form, fractional
    // seconds allowed), or the instant a zone says; always shown in East
    // Africa Time, so `to_json` round-trips it (found by fuzzing:
    // `…16:22:50z` kept offset 0, and `…10:00:00.7` was read as UTC).
    let date = lenient::text(t.raw("date")).and_then(|d| DateTime::parse_ipn(d.trim()));
    Ok(Ipn {
        callback_type: lenient::text(j.raw("callbackType")).unwrap_or_else(|| "IPN".to_owned()),
        customer: IpnCustomer {
            name: lenient::text(c.raw("name")),
            mobile_number: lenient::text(c.raw("mobileNumber")).map(|m| m.trim().to_owned()),
            reference: c.text("reference"),
        },
        transaction: IpnTransaction {
            date,
            reference: t.text("reference").unwrap_or_default(),
            payment_mode: lenient::text(t.raw("paymentMode"))
                .map(|m| PaymentMode::from_text(m.trim().to_owned())),
            amount: t.amount("amount").unwrap_or(Amount::ZERO),
            currency: t.text("currency"),
            service_charge: lenient::amount(t.raw("serviceCharge")),
            bill_number: lenient::text(t.raw("billNumber")).map(|b| b.trim().to_owned()),
            served_by: lenient::text(t.raw("servedBy")),
            additional_info: lenient::text(t.raw("additionalInfo")),
            order_amount: lenient::amount(t.raw("orderAmount")),
            order_currency: lenient::text(t.raw("orderCurrency")),
            status: IpnStatus::from_text(t.text("status").unwrap_or_default()),
            remarks: lenient::text(t.raw("remarks")),
        },
        bank,
    })
}

/// The IPN's Basic-auth credentials, as configured in the provider's portal.
/// Compared in constant time; never shown by `Debug`; zeroized on drop.
#[derive(Clone)]
pub struct IpnAuth {
    username_digest: [u8; 32],
    password_digest: [u8; 32],
    username: Zeroizing<String>,
    password: Zeroizing<String>,
}

impl IpnAuth {
    /// The username and password set on the portal (Settings › IPNs).
    pub fn new(username: &str, password: &str) -> Result<IpnAuth, ValidationError> {
        let mut problems = Problems::default();
        if username.is_empty() || username.contains(':') {
            problems.push(
                "ipn.username",
                ProblemCode::Required,
                "is required and must not contain ':'",
            );
        }
        if password.is_empty() {
            problems.push("ipn.password", ProblemCode::Required, "is required");
        }
        problems.into_result(())?;
        Ok(IpnAuth {
            username_digest: Sha256::digest(username.as_bytes()).into(),
            password_digest: Sha256::digest(password.as_bytes()).into(),
            username: Zeroizing::new(username.to_owned()),
            password: Zeroizing::new(password.to_owned()),
        })
    }

    /// Checks an `Authorization` header value (`None` when the header is absent).
    /// Both username and password are compared in constant time (as SHA-256
    /// digests, so lengths do not leak either).
    pub fn verify(&self, authorization: Option<&str>) -> Result<(), AuthError> {
        let header = authorization.ok_or(AuthError::IpnAuthMissing)?.trim();
        let (scheme, encoded) = header.split_once(' ').ok_or(AuthError::IpnAuthInvalid)?;
        if !scheme.eq_ignore_ascii_case("basic") {
            return Err(AuthError::IpnAuthInvalid);
        }
        let decoded = Zeroizing::new(
            STANDARD
                .decode(encoded.trim())
                .map_err(|_| AuthError::IpnAuthInvalid)?,
        );
        let text = std::str::from_utf8(&decoded).map_err(|_| AuthError::IpnAuthInvalid)?;
        let (user, pass) = text.split_once(':').ok_or(AuthError::IpnAuthInvalid)?;
        let user_ok = Sha256::digest(user.as_bytes()).ct_eq(&self.username_digest);
        let pass_ok = Sha256::digest(pass.as_bytes()).ct_eq(&self.password_digest);
        if bool::from(user_ok & pass_ok) {
            Ok(())
        } else {
            Err(AuthError::IpnAuthInvalid)
        }
    }

    /// The `Authorization` header value for these credentials (what the
    /// provider, or the sandbox, sends).
    pub fn authorization_header(&self) -> String {
        let pair = Zeroizing::new(format!("{}:{}", *self.username, *self.password));
        format!("Basic {}", STANDARD.encode(pair.as_bytes()))
    }
}

impl fmt::Debug for IpnAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("IpnAuth { username: <redacted>, password: <redacted> }")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_zoned_date_is_shown_in_east_africa_time_and_round_trips() {
        // Found by the `ipn` fuzz target: a date with a zone kept its own
        // offset, and `to_json` (which writes East Africa Time) came back
        // with another one.
        let body = |date: &str| {
            format!(
                r#"{{"callbackType":"IPN","customer":{{"reference":"OR1"}},"transaction":{{"date":"{date}","reference":"SH1","paymentMode":"MPESA","amount":2,"currency":"KES","status":"SUCCESS"}}}}"#
            )
        };
        let limits = Limits::default();
        let plain = parse_ipn(body("2024-08-09 19:22:50").as_bytes(), &limits).unwrap();
        for zoned in [
            "2024-08-09 16:22:50z",
            "2024-08-09T16:22:50Z",
            "2024-08-09T19:22:50+03:00",
        ] {
            let ipn = parse_ipn(body(zoned).as_bytes(), &limits).unwrap();
            assert_eq!(ipn.transaction.date, plain.transaction.date, "{zoned}");
            let again = parse_ipn(&ipn.to_json(), &Limits::default()).unwrap();
            assert_eq!(again, ipn, "{zoned}");
        }
        // Fractional seconds without a zone are East Africa Time too, and kept.
        let ipn = parse_ipn(body("2029-03-30 10:00:00.7").as_bytes(), &limits).unwrap();
        assert_eq!(
            ipn.transaction.date.map(DateTime::to_rfc3339).as_deref(),
            Some("2029-03-30T10:00:00.700+03:00")
        );
        assert_eq!(
            ipn.transaction.date.map(DateTime::to_ipn_text).as_deref(),
            Some("2029-03-30 10:00:00.700")
        );
        assert_eq!(parse_ipn(&ipn.to_json(), &limits).unwrap(), ipn);
    }

    #[test]
    fn basic_auth() {
        let auth = IpnAuth::new("jenga", "s3cr3t pass").unwrap();
        let good = auth.authorization_header();
        assert_eq!(
            good,
            format!("Basic {}", STANDARD.encode("jenga:s3cr3t pass"))
        );
        assert_eq!(auth.verify(Some(&good)), Ok(()));
        assert_eq!(auth.verify(Some(&good.replace("Basic", "basic"))), Ok(()));
        assert_eq!(auth.verify(None), Err(AuthError::IpnAuthMissing));
        for bad in [
            "".to_owned(),
            "Bearer abc".to_owned(),
            "Basic".to_owned(),
            "Basic !!!".to_owned(),
            format!("Basic {}", STANDARD.encode("jenga:wrong")),
            format!("Basic {}", STANDARD.encode("other:s3cr3t pass")),
            format!("Basic {}", STANDARD.encode("jenga")),
            format!("Basic {}", STANDARD.encode("jenga:s3cr3t pass ")),
        ] {
            assert_eq!(
                auth.verify(Some(&bad)),
                Err(AuthError::IpnAuthInvalid),
                "{bad}"
            );
        }
        assert!(!format!("{auth:?}").contains("s3cr3t"));
    }
}
