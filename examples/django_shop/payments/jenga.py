"""The gateway: the SDK's objects built once from settings, and the I/O.

Everything about the API (the request bytes, signatures, parsing, what an
answer means) is the SDK's; this module only sends requests with `requests`
and keeps one `TokenState` per process.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Optional, Tuple

import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

import jenga_stk

log = logging.getLogger("payments")


@dataclass(frozen=True)
class Gateway:
    environment: jenga_stk.Environment
    signer: jenga_stk.Signer
    tokens: jenga_stk.TokenState
    callback_urls: jenga_stk.CallbackUrls
    ipn_auth: jenga_stk.IpnAuth
    options: jenga_stk.RequestOptions
    public_url: str
    sign_status_queries: bool
    timeout: float

    def send(self, request: jenga_stk.HttpRequest) -> Tuple[int, bytes]:
        """Sends a request; `str(request)` is the redacted form, safe to log."""
        log.debug("sending\n%s", request)
        reply = requests.request(
            request.method, request.url, headers=request.headers, data=request.body, timeout=self.timeout
        )
        return reply.status_code, reply.content

    def access_token(self) -> jenga_stk.AccessToken:
        action = self.tokens.next_action(datetime.now(timezone.utc))
        if isinstance(action, jenga_stk.AccessToken):
            return action
        status, body = self.send(action)
        token = self.tokens.on_response(status, body, now=datetime.now(timezone.utc))
        log.info("new access token, valid until %s", token.expires_at.isoformat())
        return token.access_token

    def callback_url(self, order_reference: str, payment_reference: str) -> str:
        return self.callback_urls.callback_url(f"{self.public_url}/jenga/callback", order_reference, payment_reference)

    def status_request(self, order_reference: str) -> jenga_stk.HttpRequest:
        return jenga_stk.order_status_request(
            self.environment,
            self.access_token(),
            order_reference,
            signature=self.signer if self.sign_status_queries else None,
        )


_lock = threading.Lock()
_gateway: Optional[Gateway] = None


def gateway() -> Gateway:
    """The process's gateway, built from `settings.JENGA` on first use."""
    global _gateway
    with _lock:
        if _gateway is None:
            _gateway = _build(settings.JENGA)
        return _gateway


def _build(config: Any) -> Gateway:
    key_path = config["PRIVATE_KEY_PATH"]
    if not key_path:
        raise ImproperlyConfigured("set JENGA_PRIVATE_KEY to the PEM file of your private key")
    environment = jenga_stk.Environment(config["ENVIRONMENT"])
    credentials = jenga_stk.Credentials(
        api_key=config["API_KEY"], merchant_code=config["MERCHANT_CODE"], consumer_secret=config["CONSUMER_SECRET"]
    )
    return Gateway(
        environment=environment,
        signer=jenga_stk.Signer.from_pem(Path(key_path).read_text()),
        tokens=jenga_stk.TokenState(environment, credentials),
        callback_urls=jenga_stk.CallbackUrls(config["CALLBACK_SECRET"]),
        ipn_auth=jenga_stk.IpnAuth(username=config["IPN_USERNAME"], password=config["IPN_PASSWORD"]),
        options=jenga_stk.RequestOptions(
            amount_decimals=config["AMOUNT_DECIMALS"], amount_encoding=config["AMOUNT_ENCODING"]
        ),
        public_url=config["PUBLIC_URL"].rstrip("/"),
        sign_status_queries=bool(config["SIGN_STATUS_QUERIES"]),
        timeout=float(config["HTTP_TIMEOUT_SECONDS"]),
    )


@receiver(setting_changed)
def _forget_gateway(setting: str, **kwargs: Any) -> None:
    """Tests override `JENGA`: rebuild the gateway from the new settings."""
    global _gateway
    if setting == "JENGA":
        with _lock:
            _gateway = None
