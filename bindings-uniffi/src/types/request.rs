//! The STK push request input: order, customer, payment.

use jenga_stk as core;
use jenga_stk::Amount;

/// `order.*` of the request.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct OrderInput {
    /// `orderReference`: ASCII letters and digits.
    pub order_reference: String,
    /// `orderAmount` (none: the payment amount).
    #[uniffi(default = None)]
    pub order_amount: Option<Amount>,
    /// `orderCurrency`, e.g. `KES`.
    pub order_currency: String,
    /// `source` (none: `APICHECKOUT`).
    #[uniffi(default = None)]
    pub source: Option<String>,
    /// `countryCode`, e.g. `KE`.
    pub country_code: String,
    /// `description`.
    pub description: String,
}

/// `customer.*` of the request.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct CustomerInput {
    /// `name`.
    pub name: String,
    /// `email`.
    pub email: String,
    /// `phoneNumber`.
    pub phone_number: String,
    /// `identityNumber`.
    pub identity_number: String,
    /// `firstAddress`.
    #[uniffi(default = None)]
    pub first_address: Option<String>,
    /// `secondAddress`.
    #[uniffi(default = None)]
    pub second_address: Option<String>,
}

/// `payment.details.*` of the request.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct PaymentDetailsInput {
    /// `msisdn`: the phone that gets the prompt.
    pub msisdn: String,
    /// `paymentAmount`.
    pub payment_amount: Option<Amount>,
}

/// `payment.*` of the request.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct PaymentInput {
    /// `paymentReference`.
    pub payment_reference: String,
    /// `paymentCurrency`.
    pub payment_currency: String,
    /// `channel` (none: `MOBILE`).
    #[uniffi(default = None)]
    pub channel: Option<String>,
    /// `service` (none: `MPESA`).
    #[uniffi(default = None)]
    pub service: Option<String>,
    /// `provider` (none: `JENGA`).
    #[uniffi(default = None)]
    pub provider: Option<String>,
    /// `callbackUrl` (https; make it with `CallbackUrls`).
    pub callback_url: String,
    /// `details`.
    pub details: PaymentDetailsInput,
}

/// A payment intent, in the provider's shape.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct StkPushInput {
    /// The order.
    pub order: OrderInput,
    /// The customer.
    pub customer: CustomerInput,
    /// The payment.
    pub payment: PaymentInput,
}

impl From<StkPushInput> for core::StkPushInput {
    fn from(i: StkPushInput) -> Self {
        core::StkPushInput {
            order: core::OrderInput {
                order_reference: i.order.order_reference,
                order_amount: i.order.order_amount,
                order_currency: i.order.order_currency,
                source: i.order.source,
                country_code: i.order.country_code,
                description: i.order.description,
            },
            customer: core::CustomerInput {
                name: i.customer.name,
                email: i.customer.email,
                phone_number: i.customer.phone_number,
                identity_number: i.customer.identity_number,
                first_address: i.customer.first_address,
                second_address: i.customer.second_address,
            },
            payment: core::PaymentInput {
                payment_reference: i.payment.payment_reference,
                payment_currency: i.payment.payment_currency,
                channel: i.payment.channel,
                service: i.payment.service,
                provider: i.payment.provider,
                callback_url: i.payment.callback_url,
                details: core::PaymentDetailsInput {
                    msisdn: i.payment.details.msisdn,
                    payment_amount: i.payment.details.payment_amount,
                },
            },
        }
    }
}
