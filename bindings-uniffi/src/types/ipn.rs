//! The IPN (instant payment notification) and its parts.

use jenga_stk as core;
use jenga_stk::{Amount, DateTime};

/// `transaction.status`.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum IpnStatus {
    /// `SUCCESS`.
    Success,
    /// `FAILED`.
    Failed,
    /// Anything else, as sent.
    Other {
        /// The text.
        value: String,
    },
}

/// `transaction.paymentMode`.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum PaymentMode {
    /// `MPESA`.
    Mpesa,
    /// `CARD`.
    Card,
    /// `PWE`.
    Pwe,
    /// `EQUITEL`.
    Equitel,
    /// `PAYPAL`.
    Paypal,
    /// Anything else, as sent.
    Other {
        /// The text.
        value: String,
    },
}

impl From<core::PaymentMode> for PaymentMode {
    fn from(m: core::PaymentMode) -> Self {
        match m {
            core::PaymentMode::Mpesa => PaymentMode::Mpesa,
            core::PaymentMode::Card => PaymentMode::Card,
            core::PaymentMode::Pwe => PaymentMode::Pwe,
            core::PaymentMode::Equitel => PaymentMode::Equitel,
            core::PaymentMode::Paypal => PaymentMode::Paypal,
            other => PaymentMode::Other {
                value: other.as_str().to_owned(),
            },
        }
    }
}

impl From<PaymentMode> for core::PaymentMode {
    fn from(m: PaymentMode) -> Self {
        match m {
            PaymentMode::Mpesa => core::PaymentMode::Mpesa,
            PaymentMode::Card => core::PaymentMode::Card,
            PaymentMode::Pwe => core::PaymentMode::Pwe,
            PaymentMode::Equitel => core::PaymentMode::Equitel,
            PaymentMode::Paypal => core::PaymentMode::Paypal,
            PaymentMode::Other { value } => core::PaymentMode::Other(value),
        }
    }
}

/// `customer.*` of an IPN.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct IpnCustomer {
    /// `name`.
    pub name: Option<String>,
    /// `mobileNumber`.
    pub mobile_number: Option<String>,
    /// `reference`: the merchant's order reference; none for a payment that
    /// did not come from a push.
    pub reference: Option<String>,
}

/// `transaction.*` of an IPN.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct IpnTransaction {
    /// `date` (East Africa Time), when readable.
    pub date: Option<DateTime>,
    /// `reference`: the M-Pesa receipt and the dedupe key.
    pub reference: String,
    /// `paymentMode`, when given.
    pub payment_mode: Option<PaymentMode>,
    /// `amount`.
    pub amount: Amount,
    /// `currency`, when given (reconciliation then reports the currency as
    /// unconfirmed).
    pub currency: Option<String>,
    /// `serviceCharge`.
    pub service_charge: Option<Amount>,
    /// `billNumber`.
    pub bill_number: Option<String>,
    /// `servedBy`.
    pub served_by: Option<String>,
    /// `additionalInfo`.
    pub additional_info: Option<String>,
    /// `orderAmount`.
    pub order_amount: Option<Amount>,
    /// `orderCurrency`.
    pub order_currency: Option<String>,
    /// `status`.
    pub status: IpnStatus,
    /// `remarks`.
    pub remarks: Option<String>,
}

/// `bank.*` of an IPN.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct IpnBank {
    /// `reference`.
    pub reference: Option<String>,
    /// `transactionType`.
    pub transaction_type: Option<String>,
    /// `account`.
    pub account: Option<String>,
}

/// A parsed IPN (authenticate it with `IpnAuth` first).
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Ipn {
    /// `callbackType`.
    pub callback_type: String,
    /// The customer and the order reference.
    pub customer: IpnCustomer,
    /// The transaction.
    pub transaction: IpnTransaction,
    /// The bank part, when present.
    pub bank: Option<IpnBank>,
    /// The key to drop redeliveries (`transaction.reference`).
    pub dedupe_key: String,
    /// The merchant's order reference (`customer.reference`); none for a
    /// payment that did not come from a push.
    pub order_reference: Option<String>,
}

impl From<core::Ipn> for Ipn {
    fn from(i: core::Ipn) -> Self {
        let dedupe_key = i.dedupe_key().to_owned();
        let order_reference = i.order_reference().map(str::to_owned);
        let t = i.transaction;
        Ipn {
            callback_type: i.callback_type,
            customer: IpnCustomer {
                name: i.customer.name,
                mobile_number: i.customer.mobile_number,
                reference: i.customer.reference,
            },
            transaction: IpnTransaction {
                date: t.date,
                reference: t.reference,
                payment_mode: t.payment_mode.map(PaymentMode::from),
                amount: t.amount,
                currency: t.currency,
                service_charge: t.service_charge,
                bill_number: t.bill_number,
                served_by: t.served_by,
                additional_info: t.additional_info,
                order_amount: t.order_amount,
                order_currency: t.order_currency,
                status: match t.status {
                    core::IpnStatus::Success => IpnStatus::Success,
                    core::IpnStatus::Failed => IpnStatus::Failed,
                    other => IpnStatus::Other {
                        value: other.as_str().to_owned(),
                    },
                },
                remarks: t.remarks,
            },
            bank: i.bank.map(|b| IpnBank {
                reference: b.reference,
                transaction_type: b.transaction_type,
                account: b.account,
            }),
            dedupe_key,
            order_reference,
        }
    }
}

impl From<Ipn> for core::Ipn {
    fn from(i: Ipn) -> Self {
        let t = i.transaction;
        core::Ipn {
            callback_type: i.callback_type,
            customer: core::IpnCustomer {
                name: i.customer.name,
                mobile_number: i.customer.mobile_number,
                reference: i.customer.reference,
            },
            transaction: core::IpnTransaction {
                // East Africa Time, as the core shows IPN dates.
                date: t.date.map(super::callback::east_africa),
                reference: t.reference,
                payment_mode: t.payment_mode.map(core::PaymentMode::from),
                amount: t.amount,
                currency: t.currency,
                service_charge: t.service_charge,
                bill_number: t.bill_number,
                served_by: t.served_by,
                additional_info: t.additional_info,
                order_amount: t.order_amount,
                order_currency: t.order_currency,
                status: match t.status {
                    IpnStatus::Success => core::IpnStatus::Success,
                    IpnStatus::Failed => core::IpnStatus::Failed,
                    IpnStatus::Other { value } => core::IpnStatus::Other(value),
                },
                remarks: t.remarks,
            },
            bank: i.bank.map(|b| core::IpnBank {
                reference: b.reference,
                transaction_type: b.transaction_type,
                account: b.account,
            }),
        }
    }
}
