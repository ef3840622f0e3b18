//! The token shared by every payment of a client (the core's `SharedTokens`):
//! one token request however many payments start at once. The flows use it
//! directly; `JengaClient.queryStatus` asks it for a token too.

use std::sync::Arc;
use std::time::Duration;

use jenga_stk::{
    AccessToken, Credentials, Limits, SharedTokens, TokenGrant, TokenResponse, TokenState,
};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::convert::{environment, error, failure, instant, out, status};
use crate::functions::{HttpOut, rejected, token_out};

/// One client's token state, shared by its payment flows.
#[wasm_bindgen]
pub struct WasmSharedTokens(Arc<SharedTokens>);

impl WasmSharedTokens {
    /// The shared state, for a flow's context.
    pub(crate) fn shared(&self) -> Arc<SharedTokens> {
        Arc::clone(&self.0)
    }
}

#[wasm_bindgen]
impl WasmSharedTokens {
    /// No token yet; a token is refreshed `margin_seconds` before it expires.
    #[wasm_bindgen(constructor)]
    pub fn new(
        environment_text: &str,
        api_key: &str,
        merchant_code: &str,
        consumer_secret: &str,
        margin_seconds: f64,
    ) -> Result<WasmSharedTokens, JsValue> {
        let creds = Credentials::new(api_key, merchant_code, consumer_secret).map_err(error)?;
        if !margin_seconds.is_finite() || !(0.0..=86_400.0).contains(&margin_seconds) {
            return Err(failure(
                "invalid_option",
                Some("marginSeconds"),
                "must be between 0 and 86400",
            ));
        }
        let state = TokenState::new(environment(environment_text)?, creds)
            .with_margin(Duration::from_secs_f64(margin_seconds));
        Ok(WasmSharedTokens(Arc::new(SharedTokens::new(state))))
    }

    /// `{type: "use", accessToken}`, `{type: "refresh", request}` (this caller
    /// fetches the token, holding the refresh for `lease_ms`) or `{type: "wait"}`.
    pub fn grant(&self, now_ms: f64, lease_ms: f64) -> Result<JsValue, JsValue> {
        #[derive(Serialize)]
        #[serde(tag = "type", rename_all = "camelCase")]
        enum Grant<'a> {
            #[serde(rename = "use", rename_all = "camelCase")]
            Use { access_token: &'a str },
            #[serde(rename = "refresh")]
            Refresh { request: HttpOut<'a> },
            #[serde(rename = "wait")]
            Wait,
        }
        if !lease_ms.is_finite() || lease_ms < 0.0 {
            return Err(failure(
                "invalid_type",
                Some("leaseMs"),
                "must be milliseconds",
            ));
        }
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let lease = Duration::from_millis(lease_ms as u64);
        match self.0.grant(instant(now_ms, "now")?, lease) {
            TokenGrant::Use(token) => out(&Grant::Use {
                access_token: token.expose(),
            }),
            TokenGrant::Refresh(request) => out(&Grant::Refresh {
                request: HttpOut::of(&request),
            }),
            TokenGrant::Wait => out(&Grant::Wait),
        }
    }

    /// The answer to the token request of a `refresh` grant: the token (kept
    /// for every payment) or the rejection, as `parseTokenResponse` returns them.
    #[wasm_bindgen(js_name = onRefreshResponse)]
    pub fn on_refresh_response(
        &self,
        code: u32,
        body: &[u8],
        now_ms: f64,
    ) -> Result<JsValue, JsValue> {
        let now = instant(now_ms, "now")?;
        match self
            .0
            .on_refresh_response(status(code)?, body, now, &Limits::default())
            .map_err(error)?
        {
            TokenResponse::Token(t) => token_out(&t),
            TokenResponse::Rejected(r) => rejected(&r),
        }
    }

    /// The token request of a `refresh` grant got no answer.
    #[wasm_bindgen(js_name = onRefreshFailed)]
    pub fn on_refresh_failed(&self) {
        self.0.on_refresh_failed();
    }

    /// A call made with `access_token` was answered 401: forget that token.
    pub fn invalidate(&self, access_token: &str) -> Result<(), JsValue> {
        let token = AccessToken::new(access_token).map_err(error)?;
        self.0.invalidate(&token);
        Ok(())
    }

    /// Whether a token is held.
    #[wasm_bindgen(getter, js_name = hasToken)]
    pub fn has_token(&self) -> bool {
        self.0.has_token()
    }
}
