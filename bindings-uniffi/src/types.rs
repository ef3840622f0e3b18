//! Records and enums: plain values without secrets, converted field by field
//! from (and, for the reconciliation evidence, back to) the core's types.
//! Money is `Amount` (BigDecimal / Decimal), times are `DateTime` (Instant / Date).

use jenga_stk as core;
use jenga_stk::{Amount, DateTime};

/// One validation problem: its field path and stable code.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Problem {
    /// The field path, e.g. `payment.details.msisdn`.
    pub field: String,
    /// The stable code, e.g. `invalid_phone`.
    pub code: String,
    /// A readable explanation.
    pub message: String,
}

impl From<core::Problem> for Problem {
    fn from(p: core::Problem) -> Self {
        Problem {
            field: p.field,
            code: p.code.as_str().to_owned(),
            message: p.message,
        }
    }
}

/// What to do after a refusal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum NextAction {
    /// The request itself is wrong: fix it, with new references.
    DoNotRetry,
    /// Get a new access token and retry once.
    RefreshTokenAndRetry,
    /// Transient: retry later with backoff, as a new request with new references.
    RetryWithBackoff,
    /// The signature was refused: see `hint`.
    FixSignature,
}

impl NextAction {
    fn from_core(a: core::NextAction) -> Self {
        match a {
            core::NextAction::RefreshTokenAndRetry => NextAction::RefreshTokenAndRetry,
            core::NextAction::RetryWithBackoff => NextAction::RetryWithBackoff,
            core::NextAction::FixSignature => NextAction::FixSignature,
            _ => NextAction::DoNotRetry,
        }
    }
}

/// How the provider's refusal is classified.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum RejectionKind {
    /// 400: missing or invalid parameters.
    InvalidRequest,
    /// 400: the reference was already used.
    DuplicateReference,
    /// 401: invalid or expired access token (or bad merchant credentials).
    Unauthorized,
    /// 403: invalid signature or insufficient permissions.
    InvalidSignature,
    /// 404: account or resource not found.
    NotFound,
    /// 106401: the merchant is not authorised for this telco.
    TelcoNotAuthorized,
    /// 106201: the push could not be initiated.
    PushFailed,
    /// 106500 / 106501: the provider could not load or map the service.
    ServiceError,
    /// 111102: the transaction was not found.
    TransactionNotFound,
    /// Another 5xx or 429.
    ServerError,
    /// A code the library does not know; kept in `providerCode`.
    Unknown,
}

impl RejectionKind {
    fn from_core(k: core::RejectionKind) -> Self {
        match k {
            core::RejectionKind::InvalidRequest => RejectionKind::InvalidRequest,
            core::RejectionKind::DuplicateReference => RejectionKind::DuplicateReference,
            core::RejectionKind::Unauthorized => RejectionKind::Unauthorized,
            core::RejectionKind::InvalidSignature => RejectionKind::InvalidSignature,
            core::RejectionKind::NotFound => RejectionKind::NotFound,
            core::RejectionKind::TelcoNotAuthorized => RejectionKind::TelcoNotAuthorized,
            core::RejectionKind::PushFailed => RejectionKind::PushFailed,
            core::RejectionKind::ServiceError => RejectionKind::ServiceError,
            core::RejectionKind::TransactionNotFound => RejectionKind::TransactionNotFound,
            core::RejectionKind::ServerError => RejectionKind::ServerError,
            _ => RejectionKind::Unknown,
        }
    }
}

/// The provider refused, with what to do next.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Rejection {
    /// The HTTP status.
    pub http_status: u16,
    /// The provider's `code`, as text, if any.
    pub provider_code: Option<String>,
    /// The provider's `message`, if any.
    pub message: Option<String>,
    /// The provider's `error_code`, if any.
    pub error_code: Option<String>,
    /// The classification.
    pub kind: RejectionKind,
    /// What to do next.
    pub action: NextAction,
    /// Advice for humans (for a 403, the usual causes).
    pub hint: String,
}

impl From<core::Rejection> for Rejection {
    fn from(r: core::Rejection) -> Self {
        Rejection {
            hint: r.hint().to_owned(),
            http_status: r.http_status,
            provider_code: r.provider_code,
            message: r.message,
            error_code: r.error_code,
            kind: RejectionKind::from_core(r.kind),
            action: NextAction::from_core(r.action),
        }
    }
}

/// An HTTP method.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum HttpMethod {
    /// GET.
    Get,
    /// POST.
    Post,
}

/// One header, in order.
#[derive(Clone, PartialEq, Eq, uniffi::Record)]
pub struct HttpHeader {
    /// The name, e.g. `Signature`.
    pub name: String,
    /// The value (the `Authorization` value is a secret: do not log it).
    pub value: String,
}

// ---------------------------------------------------------------- options

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
    /// As given.
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

// ---------------------------------------------------------------- request input

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

// ---------------------------------------------------------------- init response

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
            core::InitResponse::Accepted(a) => InitResponse::Accepted {
                accepted: InitAccepted {
                    code: a.code,
                    message: a.message,
                    invoice_number: a.invoice_number,
                    amount: a.amount,
                    charge: a.charge,
                    amount_debited: a.amount_debited,
                    payment_reference: a.payment_reference,
                    order_reference: a.order_reference,
                },
            },
            core::InitResponse::Rejected(r) => InitResponse::Rejected {
                rejection: r.into(),
            },
        }
    }
}

// ---------------------------------------------------------------- callback

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
    /// 1032.
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
    /// `PhoneNumber`, as digits.
    pub phone_number: String,
    /// `TransactionDate`.
    pub transaction_date: DateTime,
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
    /// `MerchantRequestID`.
    pub merchant_request_id: String,
    /// `CheckoutRequestID`.
    pub checkout_request_id: String,
    /// `ResultCode`, as sent.
    pub result_code: i64,
    /// `ResultDesc`.
    pub result_desc: String,
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
                        transaction_date: p.transaction_date,
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

// ---------------------------------------------------------------- IPN

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

/// `customer.*` of an IPN.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct IpnCustomer {
    /// `name`.
    pub name: Option<String>,
    /// `mobileNumber`.
    pub mobile_number: Option<String>,
    /// `reference`: the merchant's order reference.
    pub reference: String,
}

/// `transaction.*` of an IPN.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct IpnTransaction {
    /// `date`.
    pub date: DateTime,
    /// `reference`: the M-Pesa receipt and the dedupe key.
    pub reference: String,
    /// `paymentMode`.
    pub payment_mode: PaymentMode,
    /// `amount`.
    pub amount: Amount,
    /// `currency`.
    pub currency: String,
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
    /// The merchant's order reference (`customer.reference`).
    pub order_reference: String,
}

impl From<core::Ipn> for Ipn {
    fn from(i: core::Ipn) -> Self {
        let dedupe_key = i.dedupe_key().to_owned();
        let order_reference = i.order_reference().to_owned();
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
                payment_mode: match t.payment_mode {
                    core::PaymentMode::Mpesa => PaymentMode::Mpesa,
                    core::PaymentMode::Card => PaymentMode::Card,
                    core::PaymentMode::Pwe => PaymentMode::Pwe,
                    core::PaymentMode::Equitel => PaymentMode::Equitel,
                    core::PaymentMode::Paypal => PaymentMode::Paypal,
                    other => PaymentMode::Other {
                        value: other.as_str().to_owned(),
                    },
                },
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
                date: t.date,
                reference: t.reference,
                payment_mode: match t.payment_mode {
                    PaymentMode::Mpesa => core::PaymentMode::Mpesa,
                    PaymentMode::Card => core::PaymentMode::Card,
                    PaymentMode::Pwe => core::PaymentMode::Pwe,
                    PaymentMode::Equitel => core::PaymentMode::Equitel,
                    PaymentMode::Paypal => core::PaymentMode::Paypal,
                    PaymentMode::Other { value } => core::PaymentMode::Other(value),
                },
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

// ---------------------------------------------------------------- status query

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

// ---------------------------------------------------------------- reconciliation

/// Paid, failed or pending.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum PaymentState {
    /// Paid.
    Paid,
    /// Failed: start a new payment with new references.
    Failed,
    /// Not decided yet.
    Pending,
}

/// Where evidence comes from, strongest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum EvidenceSource {
    /// The IPN.
    Ipn,
    /// The status query.
    StatusQuery,
    /// The unsigned callback.
    Callback,
}

/// What kind of disagreement was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum ConflictKind {
    /// Two sources give different final states.
    SourcesDisagree,
    /// Evidence about another order (ignored).
    ReferenceMismatch,
    /// The amount paid differs from the expected one.
    AmountMismatch,
    /// The currency differs from the expected one.
    CurrencyMismatch,
}

/// One disagreement.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Conflict {
    /// The kind.
    pub kind: ConflictKind,
    /// The sources involved.
    pub sources: Vec<EvidenceSource>,
    /// A readable description.
    pub description: String,
}

/// What the merchant expects of the order.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Expected {
    /// The order reference.
    pub order_reference: String,
    /// The amount to check, if any.
    #[uniffi(default = None)]
    pub amount: Option<Amount>,
    /// The currency to check, if any.
    #[uniffi(default = None)]
    pub currency: Option<String>,
}

/// The decision.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Reconciliation {
    /// Paid, failed or pending.
    pub state: PaymentState,
    /// The evidence that decided, if any.
    pub decided_by: Option<EvidenceSource>,
    /// True when the IPN or the status query decided.
    pub confirmed: bool,
    /// The M-Pesa receipt, when known.
    pub mpesa_receipt: Option<String>,
    /// The amount paid, when known.
    pub amount_paid: Option<Amount>,
    /// Every disagreement found.
    pub conflicts: Vec<Conflict>,
}

fn source(s: core::EvidenceSource) -> EvidenceSource {
    match s {
        core::EvidenceSource::Ipn => EvidenceSource::Ipn,
        core::EvidenceSource::StatusQuery => EvidenceSource::StatusQuery,
        core::EvidenceSource::Callback => EvidenceSource::Callback,
    }
}

impl From<core::Reconciliation> for Reconciliation {
    fn from(r: core::Reconciliation) -> Self {
        Reconciliation {
            state: match r.state {
                core::PaymentState::Paid => PaymentState::Paid,
                core::PaymentState::Failed => PaymentState::Failed,
                core::PaymentState::Pending => PaymentState::Pending,
            },
            decided_by: r.decided_by.map(source),
            confirmed: r.confirmed,
            mpesa_receipt: r.mpesa_receipt,
            amount_paid: r.amount_paid,
            conflicts: r
                .conflicts
                .into_iter()
                .map(|c| Conflict {
                    kind: match c.kind {
                        core::ConflictKind::SourcesDisagree => ConflictKind::SourcesDisagree,
                        core::ConflictKind::ReferenceMismatch => ConflictKind::ReferenceMismatch,
                        core::ConflictKind::AmountMismatch => ConflictKind::AmountMismatch,
                        core::ConflictKind::CurrencyMismatch => ConflictKind::CurrencyMismatch,
                    },
                    sources: c.sources.into_iter().map(source).collect(),
                    description: c.description,
                })
                .collect(),
        }
    }
}
