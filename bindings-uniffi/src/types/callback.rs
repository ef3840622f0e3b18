//! The STK callback: outcome, payment, failure reason, callback-URL references.

use jenga_stk as core;
use jenga_stk::{Amount, DateTime};

/// Why a push failed, from M-Pesa's `ResultCode`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum FailureReason {
    /// 1.
    InsufficientFunds,
    /// 1001.
    SubscriberBusy,
    /// 1019.
    Expired,
    /// 1025 or 9999.
    PushNotSent,
    /// 1031 or 1032.
    Cancelled,
    /// 1037.
    Timeout,
    /// 2001.
    WrongPin,
    /// 17 or 26.
    ProviderError,
    /// Any other code (kept in `resultCode`).
    Unknown,
}

impl FailureReason {
    fn from_core(r: core::FailureReason) -> Self {
        match r {
            core::FailureReason::InsufficientFunds => FailureReason::InsufficientFunds,
            core::FailureReason::SubscriberBusy => FailureReason::SubscriberBusy,
            core::FailureReason::Expired => FailureReason::Expired,
            core::FailureReason::PushNotSent => FailureReason::PushNotSent,
            core::FailureReason::Cancelled => FailureReason::Cancelled,
            core::FailureReason::Timeout => FailureReason::Timeout,
            core::FailureReason::WrongPin => FailureReason::WrongPin,
            core::FailureReason::ProviderError => FailureReason::ProviderError,
            _ => FailureReason::Unknown,
        }
    }
}

/// A successful payment as the callback reports it.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct CallbackPayment {
    /// `MpesaReceiptNumber`.
    pub mpesa_receipt: String,
    /// `Amount`.
    pub amount: Amount,
    /// `PhoneNumber`, as sent (may be masked, `2547*****000`, or start with
    /// `+`), when present.
    pub phone_number: Option<String>,
    /// `TransactionDate`, when present and readable.
    pub transaction_date: Option<DateTime>,
    /// `Balance`, when it has a value.
    pub balance: Option<Amount>,
}

/// Paid or failed.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum CallbackOutcome {
    /// `ResultCode` 0.
    Paid {
        /// The payment.
        payment: CallbackPayment,
    },
    /// Any other `ResultCode`.
    Failed {
        /// The classified reason.
        reason: FailureReason,
    },
}

/// A parsed callback to `payment.callbackUrl` (unsigned: authenticate its URL).
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct StkCallback {
    /// `transactionReference`: the request's payment reference.
    pub transaction_reference: String,
    /// `MerchantRequestID`, when present.
    pub merchant_request_id: Option<String>,
    /// `CheckoutRequestID`, when present.
    pub checkout_request_id: Option<String>,
    /// `ResultCode`, as sent.
    pub result_code: i64,
    /// `ResultDesc`, when present.
    pub result_desc: Option<String>,
    /// Paid or failed.
    pub outcome: CallbackOutcome,
}

impl From<core::StkCallback> for StkCallback {
    fn from(c: core::StkCallback) -> Self {
        StkCallback {
            transaction_reference: c.transaction_reference,
            merchant_request_id: c.merchant_request_id,
            checkout_request_id: c.checkout_request_id,
            result_code: c.result_code,
            result_desc: c.result_desc,
            outcome: match c.outcome {
                core::CallbackOutcome::Paid(p) => CallbackOutcome::Paid {
                    payment: CallbackPayment {
                        mpesa_receipt: p.mpesa_receipt,
                        amount: p.amount,
                        phone_number: p.phone_number,
                        transaction_date: p.transaction_date,
                        balance: p.balance,
                    },
                },
                core::CallbackOutcome::Failed(f) => CallbackOutcome::Failed {
                    reason: FailureReason::from_core(f.reason),
                },
            },
        }
    }
}

impl From<StkCallback> for core::StkCallback {
    fn from(c: StkCallback) -> Self {
        core::StkCallback {
            transaction_reference: c.transaction_reference,
            merchant_request_id: c.merchant_request_id,
            checkout_request_id: c.checkout_request_id,
            outcome: match c.outcome {
                CallbackOutcome::Paid { payment: p } => {
                    core::CallbackOutcome::Paid(core::CallbackPayment {
                        mpesa_receipt: p.mpesa_receipt,
                        amount: p.amount,
                        phone_number: p.phone_number,
                        // Shown in East Africa Time, as the core's parser
                        // shows it (an Instant carries no offset): the
                        // value equals the one parsed from the body.
                        transaction_date: p.transaction_date.map(east_africa),
                        balance: p.balance,
                    })
                }
                // The reason is re-derived from the result code, as the core does.
                CallbackOutcome::Failed { .. } => {
                    core::CallbackOutcome::Failed(core::CallbackFailure {
                        reason: core::FailureReason::from_result_code(c.result_code),
                    })
                }
            },
            result_code: c.result_code,
            result_desc: c.result_desc,
        }
    }
}

/// The references a verified callback URL carries.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct CallbackRefs {
    /// The order reference.
    pub order_reference: String,
    /// The payment reference.
    pub payment_reference: String,
}

impl From<core::CallbackRefs> for CallbackRefs {
    fn from(r: core::CallbackRefs) -> Self {
        CallbackRefs {
            order_reference: r.order_reference,
            payment_reference: r.payment_reference,
        }
    }
}

/// A callback whose URL token verified and whose body matches the URL.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct VerifiedCallback {
    /// The references from the URL.
    pub refs: CallbackRefs,
    /// The parsed body.
    pub callback: StkCallback,
}

/// The same instant at East Africa Time, the offset the core gives M-Pesa and
/// IPN times; an `Instant` / `Date` coming back from Kotlin or Swift has none.
pub(crate) fn east_africa(time: jenga_stk::DateTime) -> jenga_stk::DateTime {
    time.with_offset_minutes(jenga_stk::EAT_OFFSET_MINUTES)
}
