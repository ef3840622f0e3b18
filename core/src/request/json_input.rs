//! Reading an [`StkPushInput`] from JSON in the provider's own shape, with
//! every type problem reported at once and amounts read from their exact
//! decimal text (a JSON number `2.50` or a string `"2.50"`), never via `f64`.

use std::collections::BTreeSet;
use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

use super::input::{CustomerInput, OrderInput, PaymentDetailsInput, PaymentInput, StkPushInput};
use crate::amount::{Amount, AmountError};
use crate::error::{ProblemCode, Problems};
use crate::json;

/// One JSON object's members in document order, their values unparsed.
/// Unlike a map it keeps duplicates, so they can be reported: a key given
/// twice is ambiguous (JSON readers disagree on which value wins), and for a
/// payment a proxy or log reading the first `paymentAmount` while the push
/// uses the last would be a real hazard.
struct RawObject<'a>(Vec<(String, &'a RawValue)>);

impl<'de: 'a, 'a> Deserialize<'de> for RawObject<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Members<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for Members<'a> {
            type Value = RawObject<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
                let mut members = Vec::new();
                while let Some(entry) = map.next_entry::<String, &'de RawValue>()? {
                    members.push(entry);
                }
                Ok(RawObject(members))
            }
        }
        d.deserialize_map(Members(std::marker::PhantomData))
    }
}

impl<'a> RawObject<'a> {
    /// Removes and returns the member `key` (its first occurrence).
    fn remove(&mut self, key: &str) -> Option<&'a RawValue> {
        let i = self.0.iter().position(|(k, _)| k == key)?;
        Some(self.0.remove(i).1)
    }

    /// Keeps the first occurrence of every key and returns the keys that
    /// appeared more than once, each named once, in document order.
    fn dedup(&mut self) -> Vec<String> {
        let mut seen = BTreeSet::new();
        let mut repeated = BTreeSet::new();
        let mut out = Vec::new();
        self.0.retain(|(key, _)| {
            if seen.insert(key.clone()) {
                return true;
            }
            if repeated.insert(key.clone()) {
                out.push(key.clone());
            }
            false
        });
        out
    }
}

/// Reads one JSON object level, reporting unknown keys.
struct Level<'a> {
    path: &'static str,
    fields: RawObject<'a>,
}

impl<'a> Level<'a> {
    /// A level whose duplicate keys are reported (only the first
    /// occurrence of a key is read; the others are dropped unread).
    fn new(problems: &mut Problems, path: &'static str, mut fields: RawObject<'a>) -> Level<'a> {
        let repeated = fields.dedup();
        let level = Level { path, fields };
        for key in repeated {
            problems.push(
                &level.field_path(&key),
                ProblemCode::DuplicateField,
                "appears more than once; give each field once",
            );
        }
        level
    }

    fn parse(
        problems: &mut Problems,
        path: &'static str,
        raw: Option<&'a RawValue>,
    ) -> Option<Level<'a>> {
        let raw = raw?;
        if raw.get() == "null" {
            return None;
        }
        match serde_json::from_slice::<RawObject<'a>>(raw.get().as_bytes()) {
            Ok(fields) => Some(Level::new(problems, path, fields)),
            Err(_) => {
                problems.push(path, ProblemCode::InvalidType, "must be a JSON object");
                None
            }
        }
    }

    fn field_path(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    fn take(&mut self, key: &str) -> Option<&'a RawValue> {
        self.fields.remove(key)
    }

    fn string(&mut self, problems: &mut Problems, key: &str) -> Option<String> {
        let raw = self.take(key)?;
        if raw.get() == "null" {
            return None;
        }
        match json::string_of(raw.get().as_bytes()) {
            Ok(s) => Some(s),
            Err(_) => {
                problems.push(
                    &self.field_path(key),
                    ProblemCode::InvalidType,
                    "must be a string",
                );
                None
            }
        }
    }

    fn amount(&mut self, problems: &mut Problems, key: &str) -> Option<Amount> {
        let raw = self.take(key)?;
        let text = raw.get();
        if text == "null" {
            return None;
        }
        let field = self.field_path(key);
        let decimal = if text.starts_with('"') {
            match json::string_of(text.as_bytes()) {
                Ok(s) => s,
                Err(_) => return None,
            }
        } else if text.starts_with(|c: char| c == '-' || c.is_ascii_digit()) {
            text.to_owned()
        } else {
            problems.push(
                &field,
                ProblemCode::InvalidType,
                "must be a number or a decimal string",
            );
            return None;
        };
        match Amount::parse(&decimal) {
            Ok(a) => Some(a),
            Err(e) => {
                let code = match e {
                    AmountError::Negative => ProblemCode::AmountNotPositive,
                    AmountError::TooPrecise => ProblemCode::AmountTooPrecise,
                    AmountError::Overflow => ProblemCode::AmountTooLarge,
                    AmountError::Invalid => ProblemCode::InvalidAmount,
                };
                problems.push(&field, code, e.to_string());
                None
            }
        }
    }

    /// Reports every key that was not taken.
    fn finish(self, problems: &mut Problems) {
        for (key, _) in &self.fields.0 {
            problems.push(
                &self.field_path(key),
                ProblemCode::UnknownField,
                "is not a field of this request (check the spelling)",
            );
        }
    }
}

/// Reads JSON into an input, recording every type problem in `problems`.
/// Returns `None` when the document as a whole is unusable (not JSON, not an
/// object): there is nothing field by field to report then.
pub(crate) fn read(json: &[u8], problems: &mut Problems) -> Option<StkPushInput> {
    let mut input = StkPushInput::default();
    let top: RawObject<'_> = match serde_json::from_slice(json) {
        Ok(map) => map,
        Err(e) => {
            let (code, msg) = if e.is_data() {
                (ProblemCode::InvalidType, "must be a JSON object".to_owned())
            } else {
                (
                    ProblemCode::InvalidJson,
                    format!(
                        "is not valid JSON (line {}, column {})",
                        e.line(),
                        e.column()
                    ),
                )
            };
            problems.push("request", code, msg);
            return None;
        }
    };
    let mut top = Level::new(problems, "", top);

    let order_raw = top.take("order");
    if let Some(mut o) = Level::parse(problems, "order", order_raw) {
        input.order = OrderInput {
            order_reference: o.string(problems, "orderReference").unwrap_or_default(),
            order_amount: o.amount(problems, "orderAmount"),
            order_currency: o.string(problems, "orderCurrency").unwrap_or_default(),
            source: o.string(problems, "source"),
            country_code: o.string(problems, "countryCode").unwrap_or_default(),
            description: o.string(problems, "description").unwrap_or_default(),
        };
        o.finish(problems);
    }

    let customer_raw = top.take("customer");
    if let Some(mut c) = Level::parse(problems, "customer", customer_raw) {
        input.customer = CustomerInput {
            name: c.string(problems, "name").unwrap_or_default(),
            email: c.string(problems, "email").unwrap_or_default(),
            phone_number: c.string(problems, "phoneNumber").unwrap_or_default(),
            identity_number: c.string(problems, "identityNumber").unwrap_or_default(),
            first_address: c.string(problems, "firstAddress"),
            second_address: c.string(problems, "secondAddress"),
        };
        c.finish(problems);
    }

    let payment_raw = top.take("payment");
    if let Some(mut p) = Level::parse(problems, "payment", payment_raw) {
        input.payment = PaymentInput {
            payment_reference: p.string(problems, "paymentReference").unwrap_or_default(),
            payment_currency: p.string(problems, "paymentCurrency").unwrap_or_default(),
            channel: p.string(problems, "channel"),
            service: p.string(problems, "service"),
            provider: p.string(problems, "provider"),
            callback_url: p.string(problems, "callbackUrl").unwrap_or_default(),
            details: PaymentDetailsInput::default(),
        };
        let details_raw = p.take("details");
        if let Some(mut d) = Level::parse(problems, "payment.details", details_raw) {
            input.payment.details = PaymentDetailsInput {
                msisdn: d.string(problems, "msisdn").unwrap_or_default(),
                payment_amount: d.amount(problems, "paymentAmount"),
            };
            d.finish(problems);
        }
        p.finish(problems);
    }
    top.finish(problems);
    Some(input)
}
