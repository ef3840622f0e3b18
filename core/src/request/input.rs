//! [`StkPushInput`]: the merchant's payment intent before validation, shaped
//! like the provider's request (`order`, `customer`, `payment.details`).
//!
//! Build it in Rust with struct literals and `..Default::default()`, or read
//! it from JSON with [`StkPushInput::from_json`] (what the bindings and the
//! conformance vectors do). Nothing is checked here beyond JSON types; every
//! rule lives in [`StkPush::new`](crate::StkPush::new).

use crate::amount::Amount;

/// `order.*` of the request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OrderInput {
    /// `order.orderReference`: unique per order, ASCII letters and digits.
    pub order_reference: String,
    /// `order.orderAmount`: the original order amount.
    pub order_amount: Option<Amount>,
    /// `order.orderCurrency`: e.g. `KES`.
    pub order_currency: String,
    /// `order.source`: defaults to `APICHECKOUT`.
    pub source: Option<String>,
    /// `order.countryCode`: `KE`, `UG`, `TZ`, `RW`, `SS` or `DRC`.
    pub country_code: String,
    /// `order.description`: letters, digits and spaces.
    pub description: String,
}

/// `customer.*` of the request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CustomerInput {
    /// `customer.name`.
    pub name: String,
    /// `customer.email`.
    pub email: String,
    /// `customer.phoneNumber`: a mobile number of the order's country.
    pub phone_number: String,
    /// `customer.identityNumber`.
    pub identity_number: String,
    /// `customer.firstAddress` (optional; sent as `""` when absent).
    pub first_address: Option<String>,
    /// `customer.secondAddress` (optional; sent as `""` when absent).
    pub second_address: Option<String>,
}

/// `payment.details.*` of the request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PaymentDetailsInput {
    /// `payment.details.msisdn`: the number the STK prompt is pushed to.
    pub msisdn: String,
    /// `payment.details.paymentAmount`: the amount of this request.
    pub payment_amount: Option<Amount>,
}

/// `payment.*` of the request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PaymentInput {
    /// `payment.paymentReference`: unique per request, ASCII letters and digits.
    pub payment_reference: String,
    /// `payment.paymentCurrency`: must equal `order.orderCurrency`.
    pub payment_currency: String,
    /// `payment.channel`: defaults to `MOBILE`.
    pub channel: Option<String>,
    /// `payment.service`: defaults to `MPESA`.
    pub service: Option<String>,
    /// `payment.provider`: defaults to `JENGA`.
    pub provider: Option<String>,
    /// `payment.callbackUrl`: absolute `https` URL (`http` only for loopback).
    pub callback_url: String,
    /// `payment.details`.
    pub details: PaymentDetailsInput,
}

/// An STK push request as the merchant describes it, before validation.
///
/// ```
/// use jenga_stk::{Amount, OrderInput, StkPushInput};
///
/// let input = StkPushInput {
///     order: OrderInput {
///         order_reference: "OR28922980077".into(),
///         order_amount: Some(Amount::from_units(2)),
///         ..Default::default()
///     },
///     ..Default::default()
/// };
/// assert_eq!(input.order.source, None); // defaults to APICHECKOUT when built
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StkPushInput {
    /// `order.*`.
    pub order: OrderInput,
    /// `customer.*`.
    pub customer: CustomerInput,
    /// `payment.*`.
    pub payment: PaymentInput,
}
