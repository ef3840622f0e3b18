//! After an accepted push: the customer "answers" after a delay, the invoice
//! settles, and the callback (to `callbackUrl`) and the IPN (Basic auth, to
//! the configured IPN URL) are built from the core's own types; `send.rs`
//! posts them in the order and number the delivery modes say.

use std::sync::Arc;
use std::time::SystemTime;

use jenga_stk::{
    CallbackFailure, CallbackOutcome, CallbackPayment, DateTime, FailureReason, Ipn, IpnBank,
    IpnCustomer, IpnStatus, IpnTransaction, PaymentMode, StkCallback,
};

use crate::app::App;
use crate::control::Plan;
use crate::outcome::Outcome;
use crate::send;
use crate::state::unix_ms;

/// Runs the whole delivery for one invoice.
pub async fn deliver(
    app: Arc<App>,
    order_reference: String,
    invoice_number: String,
    outcome: Outcome,
    plan: Plan,
) {
    run(&app, order_reference, invoice_number, outcome, &plan).await;
    app.control.delivery_done(&plan);
}

async fn run(
    app: &App,
    order_reference: String,
    invoice_number: String,
    outcome: Outcome,
    plan: &Plan,
) {
    let callback_delay = plan.deliveries.callback_delay;
    tokio::time::sleep(callback_delay.unwrap_or(app.config.callback_delay)).await;
    let now = SystemTime::now();
    let n = app.memory().next();
    let receipt = format!("SBX{n:07}");

    // Settle the invoice first, so a status query after the callback sees it.
    let settled = {
        let mut memory = app.memory();
        let Some(order) = memory.orders.get_mut(&order_reference) else {
            return;
        };
        let customer_name = order.customer_name.clone();
        let order_amount = order.order_amount;
        let Some(invoice) = order
            .invoices
            .iter_mut()
            .find(|i| i.invoice_number == invoice_number)
        else {
            return;
        };
        invoice.status = match outcome {
            Outcome::Paid => "Paid",
            Outcome::Fails {
                result_code: 1037 | 1019,
                ..
            } => "Expired",
            Outcome::Fails { .. } | Outcome::PushFails => "Cancelled",
        };
        invoice.completed_ms = Some(unix_ms(now));
        if outcome == Outcome::Paid {
            invoice.receipt = Some(receipt.clone());
        }
        (invoice.clone(), customer_name, order_amount)
    };
    let (invoice, customer_name, order_amount) = settled;

    let (result_code, result_desc, callback_outcome) = match outcome {
        Outcome::Paid => (
            0,
            "The service request is processed successfully.",
            CallbackOutcome::Paid(CallbackPayment {
                mpesa_receipt: receipt.clone(),
                amount: invoice.amount,
                phone_number: Some(invoice.msisdn.trim_start_matches('+').to_owned()),
                transaction_date: Some(DateTime::from_system_time(now)),
                balance: None,
            }),
        ),
        Outcome::Fails {
            result_code,
            description,
        } => (
            result_code,
            description,
            CallbackOutcome::Failed(CallbackFailure {
                reason: FailureReason::from_result_code(result_code),
            }),
        ),
        Outcome::PushFails => return,
    };
    let callback = StkCallback {
        transaction_reference: invoice.payment_reference.clone(),
        merchant_request_id: Some(format!("sbx-{n:06}-merchant")),
        checkout_request_id: Some(format!("ws_CO_sbx{n:06}")),
        result_code,
        result_desc: Some(result_desc.to_owned()),
        outcome: callback_outcome,
    };
    let paid = outcome == Outcome::Paid;
    // Built now, sent when the modes say.
    let ipn_url = (app.config.ipn_url.clone()).filter(|_| paid || app.config.send_failed_ipns);
    let ipn = ipn_url.map(|ipn_url| {
        let ipn = Ipn {
            callback_type: "IPN".to_owned(),
            customer: IpnCustomer {
                name: Some(customer_name),
                mobile_number: Some(invoice.msisdn.clone()),
                reference: Some(order_reference.clone()),
            },
            transaction: IpnTransaction {
                date: Some(DateTime::from_system_time(now)),
                reference: if paid { receipt } else { format!("SBXF{n:06}") },
                payment_mode: Some(PaymentMode::Mpesa),
                amount: invoice.amount,
                currency: Some(invoice.currency.clone()),
                service_charge: Some(jenga_stk::Amount::ZERO),
                bill_number: Some(invoice.invoice_number.clone()),
                served_by: Some("JENGA".to_owned()),
                additional_info: Some("MPESA".to_owned()),
                order_amount: Some(order_amount),
                order_currency: Some(invoice.currency.clone()),
                status: if paid {
                    IpnStatus::Success
                } else {
                    IpnStatus::Failed
                },
                remarks: Some(result_desc.to_owned()),
            },
            bank: Some(IpnBank {
                reference: Some("NONE".to_owned()),
                transaction_type: Some("C".to_owned()),
                account: Some("NONE".to_owned()),
            }),
        };
        (ipn_url, ipn.to_json())
    });
    send::send(app, plan, &invoice.callback_url, callback.to_json(), ipn).await;
}
