//! What the handlers share ([`App`]) and the routes: merchant auth
//! (`auth.rs`), STK push init (`init.rs`), order status (`status.rs`) and
//! the admin routes under `/sandbox/` (`admin.rs`).

use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::http::HeaderMap;
use axum::routing::{get, post};
use jenga_stk::{IpnAuth, Limits, STATUS_PATH_PREFIX, STK_PUSH_PATH, TOKEN_PATH, Verifier};

use crate::config::Config;
use crate::control::ControlState;
use crate::state::State as Memory;
use crate::{admin, auth, init, status};

/// Everything the handlers share.
pub struct App {
    pub config: Config,
    pub verifier: Verifier,
    pub ipn_auth: IpnAuth,
    pub client: reqwest::Client,
    pub limits: Limits,
    pub control: ControlState,
    memory: Mutex<Memory>,
}

impl App {
    pub fn new(
        config: Config,
        verifier: Verifier,
        ipn_auth: IpnAuth,
        client: reqwest::Client,
    ) -> App {
        App {
            config,
            verifier,
            ipn_auth,
            client,
            limits: Limits::default(),
            control: ControlState::default(),
            memory: Mutex::new(Memory::default()),
        }
    }

    /// The sandbox's state; a poisoned lock is recovered (no handler leaves it half-written).
    pub fn memory(&self) -> MutexGuard<'_, Memory> {
        self.memory
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route(TOKEN_PATH, post(auth::authenticate))
        .route(STK_PUSH_PATH, post(init::init))
        .route(
            &format!("{STATUS_PATH_PREFIX}{{reference}}"),
            get(status::status),
        )
        .merge(admin::routes())
        .with_state(app)
}

pub fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}
