//! Request options: how amounts and phone numbers are written on the wire,
//! and the limits validation enforces.
//!
//! The provider's documentation contradicts itself on amount text (its
//! example sends the number `2`, its best practices say `"500.00"`) and its
//! public users disagree on phone form, so both are settings. Whatever is
//! chosen, the text in the JSON body is byte-for-byte the text signed.

use serde::Deserialize;

use crate::amount::Amount;
use crate::json::{Field, Kind, Shape, Variants};

/// How many decimals an amount is written with.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum AmountDecimals {
    /// Whole units, `2` (the page's example; the default). A fractional amount
    /// is then a validation error (`amount_not_whole`), never rounded.
    #[default]
    Whole,
    /// Exactly two decimals, `2.00` (the page's best-practice section).
    Two,
}

/// Whether an amount is a JSON number or a JSON string.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum AmountEncoding {
    /// A JSON number: `"paymentAmount":2` (the page's example; the default).
    #[default]
    Number,
    /// A JSON string: `"paymentAmount":"2.00"`.
    String,
}

/// How amounts are written: decimals and JSON type.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct AmountStyle {
    /// Whole units or two decimals.
    pub decimals: AmountDecimals,
    /// JSON number or string.
    pub encoding: AmountEncoding,
}

impl AmountStyle {
    /// The text of `amount` in this style, or `None` if the style is whole
    /// units and the amount has a fraction.
    pub fn text(self, amount: Amount) -> Option<String> {
        match self.decimals {
            AmountDecimals::Whole => amount.to_whole_units(),
            AmountDecimals::Two => Some(amount.to_two_decimals()),
        }
    }
}

/// The form the phone numbers are sent in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum PhoneFormat {
    /// In the form the caller gave it (local or international), as digits
    /// only: `0722 000 000` is sent as `0722000000`, `+254 722 000000` as
    /// `254722000000` (the default; the page's example sends `0722000000`).
    #[default]
    AsGiven,
    /// Local form with the trunk zero: `0722000000`.
    Local,
    /// International form without `+`: `254722000000`.
    International,
}

/// Settings for building and validating a request. `Default` matches the
/// provider page's example.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestOptions {
    /// How amounts are written.
    pub amount_style: AmountStyle,
    /// How `customer.phoneNumber` and `payment.details.msisdn` are written.
    pub phone_format: PhoneFormat,
    /// The largest accepted amount; `None` uses the country's default
    /// ([`Country::default_max_amount`](crate::Country::default_max_amount)).
    pub max_amount: Option<Amount>,
    /// The longest accepted order or payment reference (default 32).
    pub max_reference_len: usize,
    /// The longest accepted order description (default 100).
    pub max_description_len: usize,
}

impl Default for RequestOptions {
    fn default() -> Self {
        RequestOptions {
            amount_style: AmountStyle::default(),
            phone_format: PhoneFormat::default(),
            max_amount: None,
            max_reference_len: 32,
            max_description_len: 100,
        }
    }
}

/// The JSON form of [`RequestOptions`] used by the vectors and the bindings:
/// `{"amountDecimals":"two","amountEncoding":"string","phoneFormat":"local",
/// "maxAmount":"1000","maxReferenceLength":20,"maxDescriptionLength":50}`,
/// every field optional, unknown fields refused.
static OPTIONS: Shape = Shape {
    name: "OptionsJson",
    fields: &[
        Field::optional("amountDecimals", Kind::Variant(&AMOUNT_DECIMALS)),
        Field::optional("amountEncoding", Kind::Variant(&AMOUNT_ENCODING)),
        Field::optional("phoneFormat", Kind::Variant(&PHONE_FORMAT)),
        Field::optional("maxAmount", Kind::OptText),
        Field::optional("maxReferenceLength", Kind::OptSize),
        Field::optional("maxDescriptionLength", Kind::OptSize),
    ],
    deny_unknown: Some(&[
        "amountDecimals",
        "amountEncoding",
        "phoneFormat",
        "maxAmount",
        "maxReferenceLength",
        "maxDescriptionLength",
    ]),
};

// The value read is an index into `names`, mapped back in `from_json`.
static AMOUNT_DECIMALS: Variants = Variants {
    name: "AmountDecimals",
    names: &["whole", "two"],
};
static AMOUNT_ENCODING: Variants = Variants {
    name: "AmountEncoding",
    names: &["number", "string"],
};
static PHONE_FORMAT: Variants = Variants {
    name: "PhoneFormat",
    names: &["asGiven", "local", "international"],
};

impl RequestOptions {
    /// The options in their JSON form, every field written; [`from_json`](Self::from_json)
    /// reads it back to equal options.
    pub fn to_json(&self) -> String {
        let mut out = Vec::with_capacity(160);
        let mut w = crate::json_writer::ObjectWriter::new(&mut out);
        w.string(
            "amountDecimals",
            AMOUNT_DECIMALS.names[match self.amount_style.decimals {
                AmountDecimals::Whole => 0,
                AmountDecimals::Two => 1,
            }],
        );
        w.string(
            "amountEncoding",
            AMOUNT_ENCODING.names[match self.amount_style.encoding {
                AmountEncoding::Number => 0,
                AmountEncoding::String => 1,
            }],
        );
        w.string(
            "phoneFormat",
            PHONE_FORMAT.names[match self.phone_format {
                PhoneFormat::AsGiven => 0,
                PhoneFormat::Local => 1,
                PhoneFormat::International => 2,
            }],
        );
        if let Some(max) = self.max_amount {
            w.string("maxAmount", &max.to_string());
        }
        w.raw("maxReferenceLength", &self.max_reference_len.to_string());
        w.raw(
            "maxDescriptionLength",
            &self.max_description_len.to_string(),
        );
        w.close();
        String::from_utf8(out).unwrap_or_default()
    }

    /// Reads options from their JSON form (see the crate's vector README).
    pub fn from_json(json: &[u8]) -> Result<RequestOptions, crate::ValidationError> {
        use crate::error::{ProblemCode, Problems};
        let mut problems = Problems::default();
        let mut parsed = match crate::json::read(json, &OPTIONS) {
            Ok(p) => p,
            Err(e) => {
                // serde's message names the bad option or value; it holds no secret.
                problems.push("options", ProblemCode::InvalidOption, e.to_string());
                return Err(problems.into_error());
            }
        };
        let defaults = RequestOptions::default();
        let max_amount = match parsed.text("maxAmount").as_deref().map(Amount::parse) {
            None => None,
            Some(Ok(a)) => Some(a),
            Some(Err(e)) => {
                problems.push(
                    "options.maxAmount",
                    ProblemCode::InvalidOption,
                    e.to_string(),
                );
                None
            }
        };
        let options = RequestOptions {
            amount_style: AmountStyle {
                decimals: match parsed.variant("amountDecimals") {
                    Some(1) => AmountDecimals::Two,
                    _ => AmountDecimals::Whole,
                },
                encoding: match parsed.variant("amountEncoding") {
                    Some(1) => AmountEncoding::String,
                    _ => AmountEncoding::Number,
                },
            },
            phone_format: match parsed.variant("phoneFormat") {
                Some(1) => PhoneFormat::Local,
                Some(2) => PhoneFormat::International,
                _ => PhoneFormat::AsGiven,
            },
            max_amount,
            max_reference_len: parsed
                .size("maxReferenceLength")
                .unwrap_or(defaults.max_reference_len),
            max_description_len: parsed
                .size("maxDescriptionLength")
                .unwrap_or(defaults.max_description_len),
        };
        problems.into_result(options)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_form_round_trips() {
        let all = [
            RequestOptions::default(),
            RequestOptions {
                amount_style: AmountStyle {
                    decimals: AmountDecimals::Two,
                    encoding: AmountEncoding::String,
                },
                phone_format: PhoneFormat::International,
                max_amount: Some(Amount::from_hundredths(150_050)),
                max_reference_len: 20,
                max_description_len: 50,
            },
            RequestOptions {
                phone_format: PhoneFormat::Local,
                ..RequestOptions::default()
            },
        ];
        for options in all {
            let text = options.to_json();
            assert_eq!(
                RequestOptions::from_json(text.as_bytes()).unwrap(),
                options,
                "{text}"
            );
        }
    }
}
