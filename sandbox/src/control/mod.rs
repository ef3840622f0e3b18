//! Control of a running sandbox for tests: faults to commit on purpose,
//! delivery modes, counters, waiting for deliveries to finish, reset. The
//! Rust API is [`Control`]; the HTTP control API (`admin.rs`) calls the same
//! methods.

pub mod counters;
pub mod fault;
pub mod modes;

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::Notify;

use crate::app::App;
use counters::Counters;
use fault::{Endpoint, Fault, FaultError, FaultSpec};
use modes::Deliveries;

/// The mutable test controls, behind one lock so counts are exact.
#[derive(Default)]
pub struct ControlState {
    inner: Mutex<Inner>,
    /// Woken when no delivery is pending any more.
    idle: Notify,
}

#[derive(Default)]
struct Inner {
    /// Bumped by reset and stop: deliveries of older pushes post nothing.
    epoch: u64,
    /// In injection order; each endpoint takes its first.
    faults: Vec<FaultSpec>,
    deliveries: Deliveries,
    counters: Counters,
    /// Pushes of this epoch whose deliveries have not finished.
    pending_deliveries: u64,
}

/// A request to count.
#[derive(Clone, Copy)]
pub enum Count {
    TokenRequest,
    TokenIssued,
    InitRequest,
    StatusQuery,
}

/// A delivery kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Callback,
    Ipn,
}

/// How an accepted push is delivered: the modes when it was accepted.
#[derive(Clone, Copy, Debug)]
pub struct Plan {
    pub deliveries: Deliveries,
    epoch: u64,
}

impl ControlState {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn count(&self, what: Count) {
        let c = &mut self.lock().counters;
        match what {
            Count::TokenRequest => c.token_requests += 1,
            Count::TokenIssued => c.tokens_issued += 1,
            Count::InitRequest => c.init_requests += 1,
            Count::StatusQuery => c.status_queries += 1,
        }
    }

    /// The fault for this call to `endpoint`, if one is pending; it is used up.
    pub fn take_fault(&self, endpoint: Endpoint) -> Option<Fault> {
        let mut inner = self.lock();
        let index = inner.faults.iter().position(|f| f.endpoint == endpoint)?;
        let spec = &mut inner.faults[index];
        let fault = spec.fault;
        spec.count = spec.count.saturating_sub(1);
        if spec.count == 0 {
            inner.faults.remove(index);
        }
        Some(fault)
    }

    /// Counts a prompt for `order_reference` and gives its delivery plan; the
    /// delivery task must end with [`ControlState::delivery_done`].
    pub fn accept_push(&self, order_reference: &str) -> Plan {
        let mut inner = self.lock();
        let c = &mut inner.counters;
        *c.pushes.entry(order_reference.to_owned()).or_default() += 1;
        c.pushes_total += 1;
        inner.pending_deliveries += 1;
        Plan {
            deliveries: inner.deliveries,
            epoch: inner.epoch,
        }
    }

    /// Whether a plan's deliveries are still wanted (no reset or stop since).
    pub fn is_current(&self, plan: &Plan) -> bool {
        self.lock().epoch == plan.epoch
    }

    /// Counts one delivery POST, if the plan is current.
    pub fn count_delivery(&self, plan: &Plan, kind: Kind, acknowledged: bool) {
        let mut inner = self.lock();
        if inner.epoch != plan.epoch {
            return;
        }
        let c = &mut inner.counters;
        let (attempts, delivered) = match kind {
            Kind::Callback => (&mut c.callback_attempts, &mut c.callbacks_delivered),
            Kind::Ipn => (&mut c.ipn_attempts, &mut c.ipns_delivered),
        };
        *attempts += 1;
        if acknowledged {
            *delivered += 1;
        }
    }

    /// The end of a push's deliveries.
    pub fn delivery_done(&self, plan: &Plan) {
        let mut inner = self.lock();
        if inner.epoch == plan.epoch {
            inner.pending_deliveries = inner.pending_deliveries.saturating_sub(1);
            if inner.pending_deliveries == 0 {
                self.idle.notify_waiters();
            }
        }
    }

    pub fn pending_deliveries(&self) -> u64 {
        self.lock().pending_deliveries
    }

    /// Deliveries of pushes accepted so far post nothing more.
    pub fn disown_deliveries(&self) {
        let mut inner = self.lock();
        inner.epoch += 1;
        inner.pending_deliveries = 0;
        self.idle.notify_waiters();
    }

    fn reset(&self) {
        let mut inner = self.lock();
        let epoch = inner.epoch + 1;
        *inner = Inner {
            epoch,
            ..Inner::default()
        };
        self.idle.notify_waiters();
    }
}

/// A handle on a running sandbox's test controls ([`crate::Running::control`]).
/// Cheap to clone; what the HTTP control API under `/sandbox/` does, without HTTP.
#[derive(Clone)]
pub struct Control {
    app: Arc<App>,
}

impl std::fmt::Debug for Control {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Control").finish_non_exhaustive()
    }
}

impl Control {
    pub(crate) fn new(app: Arc<App>) -> Control {
        Control { app }
    }

    fn state(&self) -> &ControlState {
        &self.app.control
    }

    /// Makes the next `spec.count` calls to `spec.endpoint` commit `spec.fault`.
    /// Faults on one endpoint apply in the order they were injected.
    pub fn inject(&self, spec: FaultSpec) -> Result<(), FaultError> {
        spec.validate()?;
        self.state().lock().faults.push(spec);
        Ok(())
    }

    /// The faults still to apply, `count` being the calls left.
    pub fn pending_faults(&self) -> Vec<FaultSpec> {
        self.state().lock().faults.clone()
    }

    /// Forgets every pending fault.
    pub fn clear_faults(&self) {
        self.state().lock().faults.clear();
    }

    /// How pushes accepted from now on are delivered.
    pub fn set_deliveries(&self, deliveries: Deliveries) {
        self.state().lock().deliveries = deliveries;
    }

    /// The current delivery modes.
    pub fn deliveries(&self) -> Deliveries {
        self.state().lock().deliveries
    }

    /// The counts since the start or the last reset.
    pub fn counters(&self) -> Counters {
        let inner = self.state().lock();
        Counters {
            deliveries_pending: inner.pending_deliveries,
            ..inner.counters.clone()
        }
    }

    /// Deliveries of pushes accepted so far post nothing more (at stop).
    pub(crate) fn disown_deliveries(&self) {
        self.state().disown_deliveries();
    }

    /// Pushes whose deliveries (callback, IPN, retries) have not finished.
    pub fn pending_deliveries(&self) -> u64 {
        self.state().pending_deliveries()
    }

    /// Waits until every pending delivery has finished, at most `timeout`;
    /// whether they had.
    pub async fn settle(&self, timeout: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let idle = self.state().idle.notified();
            let mut idle = std::pin::pin!(idle);
            idle.as_mut().enable();
            if self.pending_deliveries() == 0 {
                return true;
            }
            if tokio::time::timeout_at(deadline, idle).await.is_err() {
                return self.pending_deliveries() == 0;
            }
        }
    }

    /// Counters, faults and delivery modes back to their defaults; deliveries
    /// of earlier pushes are cancelled (their invoices still settle). Orders
    /// and tokens are kept.
    pub fn reset(&self) {
        self.state().reset();
    }

    /// Makes every issued token expired.
    pub fn expire_tokens(&self) {
        self.app.memory().expire_tokens();
    }
}
