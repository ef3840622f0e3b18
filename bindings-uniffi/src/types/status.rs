//! The order-status query's answer: order, invoices, not found.

use jenga_stk as core;
use jenga_stk::{Amount, DateTime};

use super::Rejection;

/// `orderStatus`.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum OrderState {
    /// `Paid`.
    Paid,
    /// `Pending`.
    Pending,
    /// Anything else, as sent.
    Other {
        /// The text.
        value: String,
    },
}

/// `invoiceStatus`.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum InvoiceState {
    /// `Pending`.
    Pending,
    /// `Paid`.
    Paid,
    /// `Cancelled`.
    Cancelled,
    /// `Expired`.
    Expired,
    /// Anything else, as sent.
    Other {
        /// The text.
        value: String,
    },
}

/// `data.order` of a status answer.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Order {
    /// `orderReference`.
    pub order_reference: String,
    /// `orderAmount`.
    pub order_amount: Amount,
    /// `amountPaid` (zero when absent).
    pub amount_paid: Amount,
    /// `orderStatus`.
    pub status: OrderState,
    /// `createdOn`.
    pub created_on: Option<DateTime>,
}

/// One of `data.invoices`.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Invoice {
    /// `amount`.
    pub amount: Option<Amount>,
    /// `amountDebited`.
    pub amount_debited: Option<Amount>,
    /// `charge`.
    pub charge: Option<Amount>,
    /// `invoiceStatus`.
    pub status: InvoiceState,
    /// `orderReference`.
    pub order_reference: Option<String>,
    /// `externalReference`: the M-Pesa receipt.
    pub mpesa_receipt: Option<String>,
    /// `createdOn`.
    pub created_on: Option<DateTime>,
    /// `completedOn`.
    pub completed_on: Option<DateTime>,
}

/// A found order and its invoices.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct OrderStatus {
    /// The order.
    pub order: Order,
    /// Its invoices.
    pub invoices: Vec<Invoice>,
}

/// The answer to the status query.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum StatusResponse {
    /// Found.
    Found {
        /// The order and invoices.
        status: OrderStatus,
    },
    /// `111102`: no such transaction.
    NotFound {
        /// The provider's message.
        message: Option<String>,
    },
    /// Any other refusal.
    Rejected {
        /// What was refused and what to do next.
        rejection: Rejection,
    },
}

impl From<core::OrderStatus> for OrderStatus {
    fn from(s: core::OrderStatus) -> Self {
        OrderStatus {
            order: Order {
                order_reference: s.order.order_reference,
                order_amount: s.order.order_amount,
                amount_paid: s.order.amount_paid,
                status: match s.order.status {
                    core::OrderState::Paid => OrderState::Paid,
                    core::OrderState::Pending => OrderState::Pending,
                    other => OrderState::Other {
                        value: other.as_str().to_owned(),
                    },
                },
                created_on: s.order.created_on,
            },
            invoices: s
                .invoices
                .into_iter()
                .map(|i| Invoice {
                    amount: i.amount,
                    amount_debited: i.amount_debited,
                    charge: i.charge,
                    status: match i.status {
                        core::InvoiceState::Pending => InvoiceState::Pending,
                        core::InvoiceState::Paid => InvoiceState::Paid,
                        core::InvoiceState::Cancelled => InvoiceState::Cancelled,
                        core::InvoiceState::Expired => InvoiceState::Expired,
                        other => InvoiceState::Other {
                            value: other.as_str().to_owned(),
                        },
                    },
                    order_reference: i.order_reference,
                    mpesa_receipt: i.mpesa_receipt,
                    created_on: i.created_on,
                    completed_on: i.completed_on,
                })
                .collect(),
        }
    }
}

impl From<OrderStatus> for core::OrderStatus {
    fn from(s: OrderStatus) -> Self {
        core::OrderStatus {
            order: core::Order {
                order_reference: s.order.order_reference,
                order_amount: s.order.order_amount,
                amount_paid: s.order.amount_paid,
                status: match s.order.status {
                    OrderState::Paid => core::OrderState::Paid,
                    OrderState::Pending => core::OrderState::Pending,
                    OrderState::Other { value } => core::OrderState::Other(value),
                },
                created_on: s.order.created_on,
            },
            invoices: s
                .invoices
                .into_iter()
                .map(|i| core::Invoice {
                    amount: i.amount,
                    amount_debited: i.amount_debited,
                    charge: i.charge,
                    status: match i.status {
                        InvoiceState::Pending => core::InvoiceState::Pending,
                        InvoiceState::Paid => core::InvoiceState::Paid,
                        InvoiceState::Cancelled => core::InvoiceState::Cancelled,
                        InvoiceState::Expired => core::InvoiceState::Expired,
                        InvoiceState::Other { value } => core::InvoiceState::Other(value),
                    },
                    order_reference: i.order_reference,
                    mpesa_receipt: i.mpesa_receipt,
                    created_on: i.created_on,
                    completed_on: i.completed_on,
                })
                .collect(),
        }
    }
}

impl From<core::StatusResponse> for StatusResponse {
    fn from(r: core::StatusResponse) -> Self {
        match r {
            core::StatusResponse::Found(s) => StatusResponse::Found { status: s.into() },
            core::StatusResponse::NotFound { message } => StatusResponse::NotFound { message },
            core::StatusResponse::Rejected(r) => StatusResponse::Rejected {
                rejection: r.into(),
            },
        }
    }
}
