//! Saving a flow as versioned JSON, and restoring it. The JSON holds every
//! decision input (counters, times, the seed, the evidence as received) and
//! no secret: the tokens and the callback secret are given again on restore.
//! A request that was awaiting its answer when the flow was saved has lost
//! it: on restore, a lost push answer is treated as a dropped connection
//! (ask the provider about the order first), a lost token or status answer
//! is simply asked again.

use std::time::Duration;

use serde_json::value::RawValue;

use super::{
    FLOW_STATE_VERSION, FlowContext, OutcomeKind, PaymentFlow, Pending, Phase, RetryPolicy, State,
};
use crate::amount::Amount;
use crate::callback::parse_callback;
use crate::error::FlowError;
use crate::ipn::parse_ipn;
use crate::json::{self, Field, Kind, Limits, Record, Shape};
use crate::json_writer::{ArrayWriter, ObjectWriter};
use crate::options::RequestOptions;
use crate::request::stk_push::StkPush;
use crate::response::{InitAccepted, NextAction, Rejection, RejectionKind, TransportFailure};
use crate::signing::Signature;
use crate::status::{StatusResponse, parse_status_response};
use crate::time::DateTime;

/// Saved flows are the library's own data: read with room for every piece
/// of evidence at its own limit.
const SAVED_LIMITS: Limits = Limits {
    max_body_bytes: 4 * 1024 * 1024,
    max_depth: 32,
};

const KEYS: &[&str] = &[
    "version",
    "push",
    "statusSignature",
    "policy",
    "rng",
    "startedAt",
    "deadline",
    "nextAt",
    "phase",
    "pending",
    "pushes",
    "paymentReferences",
    "newReference",
    "retries",
    "tokenRetries",
    "retried401",
    "polls",
    "notFound",
    "accepted",
    "confirm",
    "statusFresh",
    "callbacks",
    "ipns",
    "status",
    "lastRejection",
    "lastFailure",
    "refused",
    "ended",
];

static FLOW: Shape = Shape {
    name: "PaymentFlowState",
    fields: &[
        Field::required("version", Kind::Raw),
        Field::required("push", Kind::Raw),
        Field::optional("statusSignature", Kind::OptRaw),
        Field::required("policy", Kind::Raw),
        Field::required("rng", Kind::Raw),
        Field::required("startedAt", Kind::Raw),
        Field::required("deadline", Kind::Raw),
        Field::required("nextAt", Kind::Raw),
        Field::required("phase", Kind::Raw),
        Field::optional("pending", Kind::OptRaw),
        Field::required("pushes", Kind::Raw),
        Field::required("paymentReferences", Kind::Raw),
        Field::required("newReference", Kind::Raw),
        Field::required("retries", Kind::Raw),
        Field::required("tokenRetries", Kind::Raw),
        Field::required("retried401", Kind::Raw),
        Field::required("polls", Kind::Raw),
        Field::required("notFound", Kind::Raw),
        Field::optional("accepted", Kind::OptRaw),
        Field::required("confirm", Kind::Raw),
        Field::required("statusFresh", Kind::Raw),
        Field::required("callbacks", Kind::Raw),
        Field::required("ipns", Kind::Raw),
        Field::optional("status", Kind::OptRaw),
        Field::optional("lastRejection", Kind::OptRaw),
        Field::optional("lastFailure", Kind::OptRaw),
        Field::required("refused", Kind::Raw),
        Field::optional("ended", Kind::OptRaw),
    ],
    deny_unknown: Some(KEYS),
};

static PUSH: Shape = Shape::new(
    "SavedPush",
    &[
        Field::required("body", Kind::Raw),
        Field::required("signature", Kind::Raw),
        Field::required("options", Kind::Raw),
    ],
);

static POLICY: Shape = Shape::new(
    "SavedPolicy",
    &[
        Field::required("maxPushes", Kind::Raw),
        Field::required("maxRetries", Kind::Raw),
        Field::required("initialBackoffMs", Kind::Raw),
        Field::required("maxBackoffMs", Kind::Raw),
        Field::required("confirmDelayMs", Kind::Raw),
        Field::required("firstPollMs", Kind::Raw),
        Field::required("maxPollIntervalMs", Kind::Raw),
        Field::required("timeoutMs", Kind::Raw),
        Field::required("requestTimeoutMs", Kind::Raw),
        Field::required("tokenWaitMs", Kind::Raw),
    ],
);

static ACCEPTED: Shape = Shape::new(
    "SavedAccepted",
    &[
        Field::required("code", Kind::Text),
        Field::optional("message", Kind::OptText),
        Field::optional("invoiceNumber", Kind::OptText),
        Field::optional("amount", Kind::OptText),
        Field::optional("charge", Kind::OptText),
        Field::optional("amountDebited", Kind::OptText),
        Field::optional("paymentReference", Kind::OptText),
        Field::optional("orderReference", Kind::OptText),
    ],
);

static REJECTION: Shape = Shape::new(
    "SavedRejection",
    &[
        Field::required("httpStatus", Kind::Raw),
        Field::optional("providerCode", Kind::OptText),
        Field::optional("message", Kind::OptText),
        Field::optional("errorCode", Kind::OptText),
        Field::required("kind", Kind::Text),
        Field::required("action", Kind::Text),
        Field::optional("bodyExcerpt", Kind::OptText),
    ],
);

fn ms(d: Duration) -> String {
    d.as_millis().to_string()
}

fn opt_string(w: &mut ObjectWriter<'_>, key: &str, value: Option<&str>) {
    match value {
        Some(v) => w.string(key, v),
        None => w.raw(key, "null"),
    }
}

fn strings<'a>(w: &mut ObjectWriter<'_>, key: &str, items: impl Iterator<Item = &'a str>) {
    w.array(key, |a: &mut ArrayWriter<'_>| {
        for item in items {
            a.string(item);
        }
    });
}

impl PaymentFlow {
    /// The flow's state as versioned JSON (no secrets: store it with the
    /// order, and restore it with [`from_json`](Self::from_json) in any
    /// process).
    pub fn to_json(&self) -> String {
        let s = &self.state;
        let mut out = Vec::with_capacity(4096);
        let mut w = ObjectWriter::new(&mut out);
        w.raw("version", &FLOW_STATE_VERSION.to_string());
        w.object("push", |p| {
            p.string("body", &String::from_utf8_lossy(s.push.push().body()));
            p.string("signature", s.push.signature().as_str());
            p.raw("options", &s.push.push().options().to_json());
        });
        opt_string(
            &mut w,
            "statusSignature",
            s.status_signature.as_ref().map(Signature::as_str),
        );
        let p = &s.policy;
        w.object("policy", |o| {
            o.raw("maxPushes", &p.max_pushes.to_string());
            o.raw("maxRetries", &p.max_retries.to_string());
            o.raw("initialBackoffMs", &ms(p.initial_backoff));
            o.raw("maxBackoffMs", &ms(p.max_backoff));
            o.raw("confirmDelayMs", &ms(p.confirm_delay));
            o.raw("firstPollMs", &ms(p.first_poll));
            o.raw("maxPollIntervalMs", &ms(p.max_poll_interval));
            o.raw("timeoutMs", &ms(p.timeout));
            o.raw("requestTimeoutMs", &ms(p.request_timeout));
            o.raw("tokenWaitMs", &ms(p.token_wait));
        });
        // A string: JavaScript's numbers cannot hold every u64.
        w.string("rng", &s.rng.to_string());
        w.string("startedAt", &s.started_at.to_rfc3339());
        w.string("deadline", &s.deadline.to_rfc3339());
        w.string("nextAt", &s.next_at.to_rfc3339());
        w.string("phase", s.phase.code());
        opt_string(
            &mut w,
            "pending",
            s.pending.map(|p| match p {
                Pending::Token => "token",
                Pending::Push => "push",
                Pending::Status => "status",
            }),
        );
        w.raw("pushes", &s.pushes.to_string());
        strings(
            &mut w,
            "paymentReferences",
            s.payment_references.iter().map(String::as_str),
        );
        w.raw("newReference", bool_text(s.new_reference));
        w.raw("retries", &s.retries.to_string());
        w.raw("tokenRetries", &s.token_retries.to_string());
        w.raw("retried401", bool_text(s.retried_401));
        w.raw("polls", &s.polls.to_string());
        w.raw("notFound", &s.not_found.to_string());
        match &s.accepted {
            Some(a) => w.object("accepted", |o| {
                o.string("code", &a.code);
                opt_string(o, "message", a.message.as_deref());
                opt_string(o, "invoiceNumber", a.invoice_number.as_deref());
                opt_string(o, "amount", a.amount.map(|x| x.to_string()).as_deref());
                opt_string(o, "charge", a.charge.map(|x| x.to_string()).as_deref());
                opt_string(
                    o,
                    "amountDebited",
                    a.amount_debited.map(|x| x.to_string()).as_deref(),
                );
                opt_string(o, "paymentReference", a.payment_reference.as_deref());
                opt_string(o, "orderReference", a.order_reference.as_deref());
            }),
            None => w.raw("accepted", "null"),
        }
        w.raw("confirm", bool_text(s.confirm));
        w.raw("statusFresh", bool_text(s.status_fresh));
        let callbacks: Vec<String> = s
            .callbacks
            .iter()
            .map(|c| String::from_utf8_lossy(&c.to_json()).into_owned())
            .collect();
        strings(&mut w, "callbacks", callbacks.iter().map(String::as_str));
        let ipns: Vec<String> = s
            .ipns
            .iter()
            .map(|i| String::from_utf8_lossy(&i.to_json()).into_owned())
            .collect();
        strings(&mut w, "ipns", ipns.iter().map(String::as_str));
        opt_string(
            &mut w,
            "status",
            s.status.as_ref().map(|(_, body)| body.as_str()),
        );
        match &s.last_rejection {
            Some(r) => w.object("lastRejection", |o| {
                o.raw("httpStatus", &r.http_status.to_string());
                opt_string(o, "providerCode", r.provider_code.as_deref());
                opt_string(o, "message", r.message.as_deref());
                opt_string(o, "errorCode", r.error_code.as_deref());
                o.string("kind", r.kind.code());
                o.string("action", r.action.code());
                opt_string(o, "bodyExcerpt", r.body_excerpt.as_deref());
            }),
            None => w.raw("lastRejection", "null"),
        }
        opt_string(
            &mut w,
            "lastFailure",
            s.last_failure.map(TransportFailure::code),
        );
        w.raw("refused", bool_text(s.refused));
        opt_string(&mut w, "ended", s.ended.map(OutcomeKind::code));
        w.close();
        String::from_utf8(out).unwrap_or_default()
    }

    /// Restores a flow saved by [`to_json`](Self::to_json), with its context
    /// given again. Text that is not a saved flow of this version is a
    /// [`FlowError::InvalidState`].
    pub fn from_json(json: &[u8], context: FlowContext) -> Result<PaymentFlow, FlowError> {
        let mut state = read_state(json, &context)?;
        // An answer that was awaited when the flow was saved is lost.
        match state.pending.take() {
            // Ended while the push was in flight: it stays ended.
            Some(Pending::Push) if state.ended.is_some() => {}
            Some(Pending::Push) => {
                state.last_failure = Some(TransportFailure::ConnectionLost);
                state.phase = Phase::Confirming;
                state.retries = 0;
                state.not_found = 0;
            }
            Some(Pending::Status) if state.phase == Phase::Done => state.confirm = true,
            Some(Pending::Token | Pending::Status) | None => {}
        }
        Ok(PaymentFlow {
            state,
            context,
            used_token: None,
        })
    }
}

fn bool_text(b: bool) -> &'static str {
    if b { "true" } else { "false" }
}

fn invalid(what: &str) -> FlowError {
    FlowError::InvalidState(format!("{what} is missing or malformed"))
}

/// Typed reads of a saved record's raw values.
struct Reader(Record);

impl Reader {
    fn raw(&mut self, key: &'static str) -> Result<Box<RawValue>, FlowError> {
        self.0.raw(key).ok_or_else(|| invalid(key))
    }

    fn opt_raw(&mut self, key: &'static str) -> Option<Box<RawValue>> {
        self.0.raw(key)
    }

    fn number<T: std::str::FromStr>(&mut self, key: &'static str) -> Result<T, FlowError> {
        self.raw(key)?.get().parse().map_err(|_| invalid(key))
    }

    fn millis(&mut self, key: &'static str) -> Result<Duration, FlowError> {
        Ok(Duration::from_millis(self.number(key)?))
    }

    fn flag(&mut self, key: &'static str) -> Result<bool, FlowError> {
        match self.raw(key)?.get() {
            "true" => Ok(true),
            "false" => Ok(false),
            _ => Err(invalid(key)),
        }
    }

    fn text(&mut self, key: &'static str) -> Result<String, FlowError> {
        string(&self.raw(key)?, key)
    }

    fn opt_text(&mut self, key: &'static str) -> Result<Option<String>, FlowError> {
        match self.opt_raw(key) {
            None => Ok(None),
            Some(raw) => string(&raw, key).map(Some),
        }
    }

    fn time(&mut self, key: &'static str) -> Result<DateTime, FlowError> {
        DateTime::parse_rfc3339(&self.text(key)?).ok_or_else(|| invalid(key))
    }

    fn texts(&mut self, key: &'static str) -> Result<Vec<String>, FlowError> {
        serde_json::from_str(self.raw(key)?.get()).map_err(|_| invalid(key))
    }
}

fn string(raw: &RawValue, key: &str) -> Result<String, FlowError> {
    json::string_of(raw.get().as_bytes()).map_err(|_| invalid(key))
}

fn record(raw: &RawValue, shape: &'static Shape, key: &str) -> Result<Reader, FlowError> {
    json::read(raw.get().as_bytes(), shape)
        .map(Reader)
        .map_err(|e| FlowError::InvalidState(format!("{key}: {e}")))
}

fn read_state(json: &[u8], context: &FlowContext) -> Result<State, FlowError> {
    let top = json::parse(json, &SAVED_LIMITS, &FLOW)
        .map_err(|e| FlowError::InvalidState(e.to_string()))?;
    let mut r = Reader(top);
    let version: u32 = r.number("version")?;
    if version != FLOW_STATE_VERSION {
        return Err(FlowError::InvalidState(format!(
            "saved by version {version} of the flow; this library reads version {FLOW_STATE_VERSION}"
        )));
    }
    let mut p = record(&r.raw("push")?, &PUSH, "push")?;
    let options = RequestOptions::from_json(p.raw("options")?.get().as_bytes())
        .map_err(|_| invalid("push.options"))?;
    let body = p.text("body")?;
    let push = StkPush::from_json(body.as_bytes(), &options)
        .map_err(|e| FlowError::InvalidState(format!("push.body: {e}")))?;
    if push.body() != body.as_bytes() {
        return Err(invalid("push.body (it does not rebuild byte for byte)"));
    }
    let signature =
        Signature::from_base64(&p.text("signature")?).map_err(|_| invalid("push.signature"))?;
    let mut o = record(&r.raw("policy")?, &POLICY, "policy")?;
    let policy = RetryPolicy {
        max_pushes: o.number("maxPushes")?,
        max_retries: o.number("maxRetries")?,
        initial_backoff: o.millis("initialBackoffMs")?,
        max_backoff: o.millis("maxBackoffMs")?,
        confirm_delay: o.millis("confirmDelayMs")?,
        first_poll: o.millis("firstPollMs")?,
        max_poll_interval: o.millis("maxPollIntervalMs")?,
        timeout: o.millis("timeoutMs")?,
        request_timeout: o.millis("requestTimeoutMs")?,
        token_wait: o.millis("tokenWaitMs")?,
    };
    let status_signature = r
        .opt_text("statusSignature")?
        .map(|s| Signature::from_base64(&s).map_err(|_| invalid("statusSignature")))
        .transpose()?;
    let phase = match r.text("phase")?.as_str() {
        "starting" => Phase::Starting,
        "confirming" => Phase::Confirming,
        "waiting" => Phase::Waiting,
        "done" => Phase::Done,
        _ => return Err(invalid("phase")),
    };
    let pending = match r.opt_text("pending")?.as_deref() {
        None => None,
        Some("token") => Some(Pending::Token),
        Some("push") => Some(Pending::Push),
        Some("status") => Some(Pending::Status),
        Some(_) => return Err(invalid("pending")),
    };
    let accepted = match r.opt_raw("accepted") {
        None => None,
        Some(raw) => Some(read_accepted(record(&raw, &ACCEPTED, "accepted")?)?),
    };
    let mut callbacks = Vec::new();
    for text in r.texts("callbacks")? {
        callbacks.push(
            parse_callback(text.as_bytes(), &context.limits)
                .map_err(|e| FlowError::InvalidState(format!("callbacks: {e}")))?,
        );
    }
    let mut ipns = Vec::new();
    for text in r.texts("ipns")? {
        ipns.push(
            parse_ipn(text.as_bytes(), &context.limits)
                .map_err(|e| FlowError::InvalidState(format!("ipns: {e}")))?,
        );
    }
    let status = match r.opt_text("status")? {
        None => None,
        Some(body) => match parse_status_response(200, body.as_bytes(), &context.limits) {
            Ok(StatusResponse::Found(order)) => Some((order, body)),
            _ => return Err(invalid("status")),
        },
    };
    let last_rejection = match r.opt_raw("lastRejection") {
        None => None,
        Some(raw) => Some(read_rejection(record(&raw, &REJECTION, "lastRejection")?)?),
    };
    let last_failure = r
        .opt_text("lastFailure")?
        .map(|f| TransportFailure::from_code(&f).ok_or_else(|| invalid("lastFailure")))
        .transpose()?;
    let ended = r
        .opt_text("ended")?
        .map(|k| OutcomeKind::from_code(&k).ok_or_else(|| invalid("ended")))
        .transpose()?;
    let rng: u64 = r.text("rng")?.parse().map_err(|_| invalid("rng"))?;
    Ok(State {
        push: push.with_signature(signature),
        status_signature,
        policy,
        rng,
        started_at: r.time("startedAt")?,
        deadline: r.time("deadline")?,
        phase,
        pending,
        next_at: r.time("nextAt")?,
        pushes: r.number("pushes")?,
        payment_references: r.texts("paymentReferences")?,
        new_reference: r.flag("newReference")?,
        retries: r.number("retries")?,
        token_retries: r.number("tokenRetries")?,
        retried_401: r.flag("retried401")?,
        polls: r.number("polls")?,
        not_found: r.number("notFound")?,
        accepted,
        confirm: r.flag("confirm")?,
        status_fresh: r.flag("statusFresh")?,
        callbacks,
        ipns,
        status,
        last_rejection,
        last_failure,
        refused: r.flag("refused")?,
        ended,
    })
}

fn read_accepted(mut r: Reader) -> Result<InitAccepted, FlowError> {
    let r = &mut r.0;
    Ok(InitAccepted {
        code: r.text("code").unwrap_or_default(),
        message: r.text("message"),
        invoice_number: r.text("invoiceNumber"),
        amount: amount_of(r.text("amount"), "accepted.amount")?,
        charge: amount_of(r.text("charge"), "accepted.charge")?,
        amount_debited: amount_of(r.text("amountDebited"), "accepted.amountDebited")?,
        payment_reference: r.text("paymentReference"),
        order_reference: r.text("orderReference"),
    })
}

fn amount_of(text: Option<String>, key: &str) -> Result<Option<Amount>, FlowError> {
    text.map(|a| Amount::parse(&a).map_err(|_| invalid(key)))
        .transpose()
}

fn read_rejection(mut r: Reader) -> Result<Rejection, FlowError> {
    let http_status: u16 = r.number("httpStatus")?;
    let kind = r.0.text("kind").unwrap_or_default();
    let action = r.0.text("action").unwrap_or_default();
    Ok(Rejection {
        http_status,
        provider_code: r.0.text("providerCode"),
        message: r.0.text("message"),
        error_code: r.0.text("errorCode"),
        kind: RejectionKind::from_code(&kind).ok_or_else(|| invalid("lastRejection.kind"))?,
        action: NextAction::from_code(&action).ok_or_else(|| invalid("lastRejection.action"))?,
        body_excerpt: r.0.text("bodyExcerpt"),
    })
}
