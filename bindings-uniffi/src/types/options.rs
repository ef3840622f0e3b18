//! Request options: amount text, amount encoding, phone format.

use jenga_stk as core;
use jenga_stk::Amount;

/// `2` or `2.00`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum AmountDecimals {
    /// Whole units (`2`); a fractional amount is an error.
    Whole,
    /// Two decimals (`2.00`).
    Two,
}

/// A JSON number or a JSON string.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum AmountEncoding {
    /// `"paymentAmount":2`.
    Number,
    /// `"paymentAmount":"2"`.
    String,
}

/// How phone numbers are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum PhoneFormat {
    /// As given, digits only (`+254 722-000-000` is sent as `254722000000`).
    AsGiven,
    /// `0722000000`.
    Local,
    /// `254722000000`.
    International,
}

/// Settings for building a request; the defaults match the provider page's example.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct RequestOptions {
    /// `Whole` or `Two`; none: `Whole`.
    #[uniffi(default = None)]
    pub amount_decimals: Option<AmountDecimals>,
    /// `Number` or `String`; none: `Number`.
    #[uniffi(default = None)]
    pub amount_encoding: Option<AmountEncoding>,
    /// `AsGiven`, `Local` or `International`; none: `AsGiven`.
    #[uniffi(default = None)]
    pub phone_format: Option<PhoneFormat>,
    /// The largest accepted amount; none uses the country's limit.
    #[uniffi(default = None)]
    pub max_amount: Option<Amount>,
    /// The longest accepted reference (default 32).
    #[uniffi(default = 32)]
    pub max_reference_length: u32,
    /// The longest accepted description (default 100).
    #[uniffi(default = 100)]
    pub max_description_length: u32,
}

impl From<core::RequestOptions> for RequestOptions {
    fn from(o: core::RequestOptions) -> Self {
        RequestOptions {
            amount_decimals: Some(match o.amount_style.decimals {
                core::AmountDecimals::Two => AmountDecimals::Two,
                _ => AmountDecimals::Whole,
            }),
            amount_encoding: Some(match o.amount_style.encoding {
                core::AmountEncoding::String => AmountEncoding::String,
                _ => AmountEncoding::Number,
            }),
            phone_format: Some(match o.phone_format {
                core::PhoneFormat::Local => PhoneFormat::Local,
                core::PhoneFormat::International => PhoneFormat::International,
                _ => PhoneFormat::AsGiven,
            }),
            max_amount: o.max_amount,
            max_reference_length: u32::try_from(o.max_reference_len).unwrap_or(u32::MAX),
            max_description_length: u32::try_from(o.max_description_len).unwrap_or(u32::MAX),
        }
    }
}

impl From<&RequestOptions> for core::RequestOptions {
    fn from(o: &RequestOptions) -> Self {
        let mut out = core::RequestOptions::default();
        match o.amount_decimals {
            None => {}
            Some(AmountDecimals::Whole) => out.amount_style.decimals = core::AmountDecimals::Whole,
            Some(AmountDecimals::Two) => out.amount_style.decimals = core::AmountDecimals::Two,
        }
        match o.amount_encoding {
            None => {}
            Some(AmountEncoding::Number) => {
                out.amount_style.encoding = core::AmountEncoding::Number
            }
            Some(AmountEncoding::String) => {
                out.amount_style.encoding = core::AmountEncoding::String
            }
        }
        match o.phone_format {
            None => {}
            Some(PhoneFormat::AsGiven) => out.phone_format = core::PhoneFormat::AsGiven,
            Some(PhoneFormat::Local) => out.phone_format = core::PhoneFormat::Local,
            Some(PhoneFormat::International) => {
                out.phone_format = core::PhoneFormat::International;
            }
        }
        out.max_amount = o.max_amount;
        out.max_reference_len = o.max_reference_length as usize;
        out.max_description_len = o.max_description_length as usize;
        out
    }
}
