//! After an accepted push: the customer "answers" after a delay, the callback
//! goes to `callbackUrl`, then the IPN (Basic auth) to the configured IPN URL.
//! Both payloads are built from the core's own types and retried a bounded
//! number of times on non-2xx or no answer.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use jenga_stk::{
    CallbackFailure, CallbackOutcome, CallbackPayment, DateTime, FailureReason, Ipn, IpnBank,
    IpnCustomer, IpnStatus, IpnTransaction, PaymentMode, StkCallback,
};

use crate::app::App;
use crate::outcome::Outcome;
use crate::state::unix_ms;

/// Runs the whole delivery for one invoice.
pub async fn deliver(
    app: Arc<App>,
    order_reference: String,
    invoice_number: String,
    outcome: Outcome,
) {
    tokio::time::sleep(app.config.callback_delay).await;
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
    post(
        &app,
        "callback",
        &invoice.callback_url,
        None,
        callback.to_json(),
    )
    .await;

    let paid = outcome == Outcome::Paid;
    let Some(ipn_url) = app.config.ipn_url.clone() else {
        return;
    };
    if !paid && !app.config.send_failed_ipns {
        return;
    }
    tokio::time::sleep(app.config.ipn_delay).await;
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
    let auth = app.ipn_auth.authorization_header();
    post(&app, "IPN", &ipn_url, Some(auth), ipn.to_json()).await;
}

/// POSTs `body` as JSON, retrying on non-2xx or no answer; true once delivered.
async fn post(
    app: &App,
    what: &str,
    url: &str,
    authorization: Option<String>,
    body: Vec<u8>,
) -> bool {
    // Logs show the URL without its query: a callback URL's query holds its token.
    let shown = url.split('?').next().unwrap_or(url);
    let attempts = app.config.delivery_attempts.max(1);
    let mut delay = app.config.retry_delay;
    for attempt in 1..=attempts {
        let mut request = app
            .client
            .post(url)
            .header("content-type", "application/json")
            .body(body.clone());
        if let Some(auth) = &authorization {
            request = request.header("authorization", auth);
        }
        match request.send().await {
            Ok(r) if r.status().is_success() => {
                eprintln!("[sandbox] {what} delivered to {shown} (attempt {attempt})");
                return true;
            }
            Ok(r) => eprintln!(
                "[sandbox] {what} to {shown}: HTTP {} (attempt {attempt}/{attempts})",
                r.status()
            ),
            Err(e) => eprintln!(
                "[sandbox] {what} to {shown}: {} (attempt {attempt}/{attempts})",
                e.without_url()
            ),
        }
        if attempt < attempts {
            tokio::time::sleep(delay).await;
            delay = delay.saturating_mul(2).min(Duration::from_secs(30));
        }
    }
    eprintln!("[sandbox] {what} to {shown}: gave up after {attempts} attempts");
    false
}
