//! The answer to the STK push init: accepted or rejected.

use jenga_stk as core;
use jenga_stk::Amount;

use super::Rejection;

/// The provider accepted the push; the outcome comes later.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct InitAccepted {
    /// `"0"` or `"-1"`.
    pub code: String,
    /// The provider's message.
    pub message: Option<String>,
    /// `data.invoiceNumber`.
    pub invoice_number: Option<String>,
    /// `data.amount`.
    pub amount: Option<Amount>,
    /// `data.charge`.
    pub charge: Option<Amount>,
    /// `data.amountDebited`.
    pub amount_debited: Option<Amount>,
    /// `data.paymentReference`.
    pub payment_reference: Option<String>,
    /// `data.orderReference`.
    pub order_reference: Option<String>,
}

impl From<core::InitAccepted> for InitAccepted {
    fn from(a: core::InitAccepted) -> Self {
        InitAccepted {
            code: a.code,
            message: a.message,
            invoice_number: a.invoice_number,
            amount: a.amount,
            charge: a.charge,
            amount_debited: a.amount_debited,
            payment_reference: a.payment_reference,
            order_reference: a.order_reference,
        }
    }
}

/// The answer to the push initiation.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum InitResponse {
    /// Accepted.
    Accepted {
        /// The details.
        accepted: InitAccepted,
    },
    /// Refused (also when HTTP 200 carries `status:false`).
    Rejected {
        /// What was refused and what to do next.
        rejection: Rejection,
    },
}

impl From<core::InitResponse> for InitResponse {
    fn from(r: core::InitResponse) -> Self {
        match r {
            core::InitResponse::Accepted(a) => InitResponse::Accepted { accepted: a.into() },
            core::InitResponse::Rejected(r) => InitResponse::Rejected {
                rejection: r.into(),
            },
        }
    }
}
