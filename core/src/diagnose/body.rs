//! The values of a request body the doctor builds candidate texts from: the
//! four signed values as the body writes them, and the neighbouring fields a
//! signer may have taken by mistake (`payment.paymentReference` for
//! `order.orderReference`, `customer.phoneNumber` for `payment.details.msisdn`,
//! `order.orderAmount` for `payment.details.paymentAmount`).

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::country::Country;

/// The four signed values, in the provider's order, with their paths.
pub(crate) const SIGNED_FIELDS: [&str; 4] = [
    "order.orderReference",
    "payment.paymentCurrency",
    "payment.details.msisdn",
    "payment.details.paymentAmount",
];

/// Indexes into [`SIGNED_FIELDS`] (the reference is 0, the currency 1).
pub(crate) const MSISDN: usize = 2;
pub(crate) const AMOUNT: usize = 3;

/// What the doctor reads from the body.
#[derive(Debug, Default)]
pub(crate) struct BodyValues {
    /// The four signed values exactly as the body writes them (a string's
    /// contents, a number's literal).
    pub(crate) values: [String; 4],
    /// Whether each value is a JSON string (else a number).
    pub(crate) quoted: [bool; 4],
    /// Other fields a signer may have used instead, per slot: (path, text).
    pub(crate) neighbours: [Option<(&'static str, String)>; 4],
    /// The order's country, for the phone number's forms.
    pub(crate) country: Option<Country>,
}

#[derive(Deserialize)]
struct Body<'a> {
    #[serde(borrow, default)]
    order: Option<Order<'a>>,
    #[serde(borrow, default)]
    customer: Option<Customer<'a>>,
    #[serde(borrow, default)]
    payment: Option<Payment<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Order<'a> {
    #[serde(borrow, default)]
    order_reference: Option<&'a RawValue>,
    #[serde(borrow, default)]
    order_currency: Option<&'a RawValue>,
    #[serde(borrow, default)]
    order_amount: Option<&'a RawValue>,
    #[serde(borrow, default)]
    country_code: Option<&'a RawValue>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Customer<'a> {
    #[serde(borrow, default)]
    phone_number: Option<&'a RawValue>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Payment<'a> {
    #[serde(borrow, default)]
    payment_reference: Option<&'a RawValue>,
    #[serde(borrow, default)]
    payment_currency: Option<&'a RawValue>,
    #[serde(borrow, default)]
    details: Option<Details<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Details<'a> {
    #[serde(borrow, default)]
    msisdn: Option<&'a RawValue>,
    #[serde(borrow, default)]
    payment_amount: Option<&'a RawValue>,
}

/// A scalar's text as the signing string uses it, and whether it was quoted.
fn scalar(raw: Option<&RawValue>) -> Option<(String, bool)> {
    let text = raw?.get();
    if text.starts_with('"') {
        serde_json::from_str::<String>(text).ok().map(|s| (s, true))
    } else if text.starts_with(|c: char| c == '-' || c.is_ascii_digit()) {
        Some((text.to_owned(), false))
    } else {
        None
    }
}

impl BodyValues {
    /// Reads the values; `None` when the body does not have the four as
    /// scalars (the caller has already checked it with the core's own
    /// reader, `signing_string_of_body`).
    pub(crate) fn read(body: &[u8]) -> Option<BodyValues> {
        let b: Body<'_> = serde_json::from_slice(body).ok()?;
        let order = b.order?;
        let payment = b.payment?;
        let details = payment.details?;
        let slots = [
            scalar(order.order_reference)?,
            scalar(payment.payment_currency)?,
            scalar(details.msisdn)?,
            scalar(details.payment_amount)?,
        ];
        let neighbour =
            |path: &'static str, raw: Option<&RawValue>| scalar(raw).map(|(text, _)| (path, text));
        let country = scalar(order.country_code).and_then(|(code, _)| Country::from_code(&code));
        let phone = b.customer.and_then(|c| scalar(c.phone_number));
        Some(BodyValues {
            values: slots.clone().map(|(text, _)| text),
            quoted: slots.map(|(_, quoted)| quoted),
            neighbours: [
                neighbour("payment.paymentReference", payment.payment_reference),
                neighbour("order.orderCurrency", order.order_currency),
                phone.map(|(text, _)| ("customer.phoneNumber", text)),
                neighbour("order.orderAmount", order.order_amount),
            ],
            country,
        })
    }

    /// The signing string: the four values concatenated.
    pub(crate) fn signing_string(&self) -> String {
        self.values.concat()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_values_as_written() {
        let body = br#"{"order":{"orderReference":"OR1","orderAmount":2.0,"countryCode":"KE"},
            "customer":{"phoneNumber":"0722000111"},
            "payment":{"paymentReference":"P1","paymentCurrency":"KES",
            "details":{"msisdn":254722000000,"paymentAmount":"2.00"}}}"#;
        let v = BodyValues::read(body).unwrap();
        assert_eq!(
            v.values,
            ["OR1", "KES", "254722000000", "2.00"].map(String::from)
        );
        assert_eq!(v.quoted, [true, true, false, true]);
        assert_eq!(v.signing_string(), "OR1KES2547220000002.00");
        assert_eq!(
            v.neighbours[AMOUNT],
            Some(("order.orderAmount", "2.0".to_owned()))
        );
        assert_eq!(v.neighbours[1], None);
        assert_eq!(v.country, Some(Country::Kenya));
        assert!(BodyValues::read(br#"{"order":{}}"#).is_none());
        assert!(BodyValues::read(b"not json").is_none());
    }
}
