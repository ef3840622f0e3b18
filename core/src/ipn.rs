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
use crate::error::{AuthError, ParseError, ParseErrorKind, ProblemCode, Problems, ValidationError};
use crate::json::{self, Field, Kind, Limits, Shape};
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
    /// `customer.mobileNumber`.
    pub mobile_number: Option<String>,
    /// `customer.reference`: the merchant's order reference.
    pub reference: String,
}

/// `transaction.*` of an IPN.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IpnTransaction {
    /// `transaction.date` (`yyyy-MM-dd HH:mm:ss`, East Africa Time).
    pub date: DateTime,
    /// `transaction.reference`: the M-Pesa receipt, and the dedupe key.
    pub reference: String,
    /// `transaction.paymentMode`.
    pub payment_mode: PaymentMode,
    /// `transaction.amount`, exact.
    pub amount: Amount,
    /// `transaction.currency`.
    pub currency: String,
    /// `transaction.serviceCharge`.
    pub service_charge: Option<Amount>,
    /// `transaction.billNumber`: the invoice number.
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
    /// The key to drop redeliveries: `transaction.reference`.
    pub fn dedupe_key(&self) -> &str {
        &self.transaction.reference
    }

    /// The merchant's order reference: `customer.reference`.
    pub fn order_reference(&self) -> &str {
        &self.customer.reference
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
            c.string("reference", &self.customer.reference);
        });
        let t = &self.transaction;
        top.object("transaction", |w| {
            w.string("date", &t.date.to_ipn_text());
            w.string("reference", &t.reference);
            w.string("paymentMode", t.payment_mode.as_str());
            w.raw("amount", &t.amount.to_string());
            w.string("currency", &t.currency);
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

static IPN: Shape = Shape::new(
    "IpnJson",
    &[
        Field::optional("callbackType", Kind::OptText),
        Field::required("customer", Kind::Record(&CUSTOMER)),
        Field::required("transaction", Kind::Record(&TRANSACTION)),
        Field::optional("bank", Kind::OptRecord(&BANK)),
    ],
);

static CUSTOMER: Shape = Shape::new(
    "CustomerJson",
    &[
        Field::optional("name", Kind::OptText),
        Field::optional("mobileNumber", Kind::OptText),
        Field::required("reference", Kind::Text),
    ],
);

static TRANSACTION: Shape = Shape::new(
    "TransactionJson",
    &[
        Field::required("date", Kind::Text),
        Field::required("reference", Kind::Text),
        Field::required("paymentMode", Kind::Text),
        Field::required("amount", Kind::Read(json::amount)),
        Field::required("currency", Kind::Text),
        Field::optional("serviceCharge", Kind::OptRead(json::amount)),
        Field::optional("billNumber", Kind::OptText),
        Field::optional("servedBy", Kind::OptText),
        Field::optional("additionalInfo", Kind::OptText),
        Field::optional("orderAmount", Kind::OptRead(json::amount)),
        Field::optional("orderCurrency", Kind::OptText),
        Field::required("status", Kind::Text),
        Field::optional("remarks", Kind::OptText),
    ],
);

static BANK: Shape = Shape::new(
    "BankJson",
    &[
        Field::optional("reference", Kind::OptText),
        Field::optional("transactionType", Kind::OptText),
        Field::optional("account", Kind::OptText),
    ],
);

/// Parses an IPN body. Authenticate it first with [`IpnAuth::verify`].
pub fn parse_ipn(body: &[u8], limits: &Limits) -> Result<Ipn, ParseError> {
    let mut j = json::parse(body, limits, &IPN)?;
    let mut t = j.record("transaction").unwrap_or_default();
    let date_text = t.text("date").unwrap_or_default();
    // East Africa Time without a zone (the IPN's own form, fractional
    // seconds allowed), or the instant a zone says; always shown in East
    // Africa Time, so `to_json` round-trips it (found by fuzzing:
    // `…16:22:50z` kept offset 0, and `…10:00:00.7` was read as UTC).
    let date = DateTime::parse_ipn(&date_text).ok_or_else(|| {
        ParseError::new(
            ParseErrorKind::InvalidField,
            Some("transaction.date".into()),
            "must be a date like 2024-08-09 16:22:50",
        )
    })?;
    let reference = t.text("reference").unwrap_or_default();
    if reference.is_empty() {
        return Err(ParseError::new(
            ParseErrorKind::InvalidField,
            Some("transaction.reference".into()),
            "must not be empty (it is the dedupe key)",
        ));
    }
    let mut c = j.record("customer").unwrap_or_default();
    Ok(Ipn {
        callback_type: j.text("callbackType").unwrap_or_else(|| "IPN".to_owned()),
        customer: IpnCustomer {
            name: c.text("name"),
            mobile_number: c.text("mobileNumber"),
            reference: c.text("reference").unwrap_or_default(),
        },
        transaction: IpnTransaction {
            date,
            reference,
            payment_mode: PaymentMode::from_text(t.text("paymentMode").unwrap_or_default()),
            amount: t.amount("amount").unwrap_or(Amount::ZERO),
            currency: t.text("currency").unwrap_or_default(),
            service_charge: t.amount("serviceCharge"),
            bill_number: t.text("billNumber"),
            served_by: t.text("servedBy"),
            additional_info: t.text("additionalInfo"),
            order_amount: t.amount("orderAmount"),
            order_currency: t.text("orderCurrency"),
            status: IpnStatus::from_text(t.text("status").unwrap_or_default()),
            remarks: t.text("remarks"),
        },
        bank: j.record("bank").map(|mut b| IpnBank {
            reference: b.text("reference"),
            transaction_type: b.text("transactionType"),
            account: b.text("account"),
        }),
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
            ipn.transaction.date.to_rfc3339(),
            "2029-03-30T10:00:00.700+03:00"
        );
        assert_eq!(
            ipn.transaction.date.to_ipn_text(),
            "2029-03-30 10:00:00.700"
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
