//! Objects that hold secrets or state in WebAssembly memory: the token
//! state, callback URLs and IPN auth (the private key checked for WebCrypto,
//! the synchronous signer and the verifier live in the second module,
//! `bindings-wasm/rsa/`; the payment flow in `flow.rs`). Their secrets are
//! zeroized when freed (the package frees them when collected).

use jenga_stk::{CallbackUrls, Credentials, IpnAuth, Limits, TokenAction, TokenState};
use wasm_bindgen::prelude::*;

use crate::convert::{environment, error, instant, out, status};
use crate::functions::{callback_urls, token_out};

/// The token state holder.
#[wasm_bindgen]
pub struct WasmTokenState(TokenState);

#[wasm_bindgen]
impl WasmTokenState {
    /// A state with no token; refreshes `margin_seconds` before expiry.
    #[wasm_bindgen(constructor)]
    pub fn new(
        environment_text: &str,
        api_key: &str,
        merchant_code: &str,
        consumer_secret: &str,
        margin_seconds: f64,
    ) -> Result<WasmTokenState, JsValue> {
        let creds = Credentials::new(api_key, merchant_code, consumer_secret).map_err(error)?;
        if !margin_seconds.is_finite() || !(0.0..=86_400.0).contains(&margin_seconds) {
            return Err(crate::convert::failure(
                "invalid_option",
                Some("marginSeconds"),
                "must be between 0 and 86400",
            ));
        }
        Ok(WasmTokenState(
            TokenState::new(environment(environment_text)?, creds)
                .with_margin(std::time::Duration::from_secs_f64(margin_seconds)),
        ))
    }

    /// `{type: "use", accessToken}` or `{type: "refresh", request}`.
    #[wasm_bindgen(js_name = nextAction)]
    pub fn next_action(&self, now_ms: f64) -> Result<JsValue, JsValue> {
        #[derive(serde::Serialize)]
        #[serde(tag = "type", rename_all = "camelCase")]
        enum Action<'a> {
            #[serde(rename = "use", rename_all = "camelCase")]
            Use { access_token: &'a str },
            #[serde(rename = "refresh")]
            Refresh { request: serde_json::Value },
        }
        match self.0.next_action(instant(now_ms, "now")?) {
            TokenAction::Use(token) => out(&Action::Use {
                access_token: token.expose(),
            }),
            TokenAction::Refresh(r) => out(&Action::Refresh {
                request: serde_json::json!({
                    "method": r.method.as_str(),
                    "url": r.url,
                    "headers": r.headers,
                    "body": String::from_utf8_lossy(&r.body),
                }),
            }),
        }
    }

    /// Takes the token response; returns the token or throws (a rejection included).
    #[wasm_bindgen(js_name = onResponse)]
    pub fn on_response(&mut self, code: u32, body: &[u8], now_ms: f64) -> Result<JsValue, JsValue> {
        let now = instant(now_ms, "now")?;
        let token = self
            .0
            .on_response(status(code)?, body, now, &Limits::default())
            .map_err(error)?;
        token_out(token)
    }

    /// Forgets the token (after a 401).
    pub fn invalidate(&mut self) {
        self.0.invalidate();
    }
}

/// Per-payment callback URLs with an HMAC token.
#[wasm_bindgen]
pub struct WasmCallbackUrls(CallbackUrls);

impl WasmCallbackUrls {
    /// A copy for a payment flow's context (it makes the callback URL of a
    /// push sent again with a new payment reference).
    pub(crate) fn urls(&self) -> CallbackUrls {
        self.0.clone()
    }
}

#[wasm_bindgen]
impl WasmCallbackUrls {
    /// A merchant secret of at least 32 bytes.
    #[wasm_bindgen(constructor)]
    pub fn new(secret: &[u8]) -> Result<WasmCallbackUrls, JsValue> {
        callback_urls(secret).map(WasmCallbackUrls)
    }

    /// The callback URL for a payment.
    #[wasm_bindgen(js_name = callbackUrl)]
    pub fn callback_url(
        &self,
        base_url: &str,
        order: &str,
        payment: &str,
    ) -> Result<String, JsValue> {
        self.0.callback_url(base_url, order, payment).map_err(error)
    }

    /// Verifies a received URL (or request target); returns its references.
    #[wasm_bindgen(js_name = verifyUrl)]
    pub fn verify_url(&self, url: &str) -> Result<JsValue, JsValue> {
        out(&self.0.verify_url(url).map_err(error)?)
    }

    /// Verifies the URL, parses the body and checks they agree.
    #[wasm_bindgen(js_name = verifyCallback)]
    pub fn verify_callback(&self, url: &str, body: &[u8]) -> Result<JsValue, JsValue> {
        let (refs, callback) = self
            .0
            .verify_callback(url, body, &Limits::default())
            .map_err(error)?;
        out(&serde_json::json!({ "refs": refs, "callback": callback }))
    }
}

/// The IPN's Basic-auth credentials.
#[wasm_bindgen]
pub struct WasmIpnAuth(IpnAuth);

#[wasm_bindgen]
impl WasmIpnAuth {
    /// The username and password configured on the portal.
    #[wasm_bindgen(constructor)]
    pub fn new(username: &str, password: &str) -> Result<WasmIpnAuth, JsValue> {
        IpnAuth::new(username, password)
            .map(WasmIpnAuth)
            .map_err(error)
    }

    /// Throws unless the `Authorization` header carries these credentials.
    pub fn verify(&self, authorization: Option<String>) -> Result<(), JsValue> {
        self.0.verify(authorization.as_deref()).map_err(error)
    }

    /// The header value for these credentials.
    #[wasm_bindgen(js_name = authorizationHeader)]
    pub fn authorization_header(&self) -> String {
        self.0.authorization_header()
    }
}
