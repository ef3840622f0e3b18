"""The shop's `jenga_stk.Client`: one per process (it is thread-safe and
shares one token between all payments), built from `settings.JENGA` on
first use. Everything about the API (the bytes, signatures, tokens, retries,
status queries, what an answer means) is the SDK's.
"""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path
from typing import Any, Optional

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

import jenga_stk

_lock = threading.Lock()
_client: Optional[jenga_stk.Client] = None


def client() -> jenga_stk.Client:
    """The process's client, built from `settings.JENGA` on first use."""
    global _client
    with _lock:
        if _client is None:
            _client = _build(settings.JENGA)
        return _client


def _build(config: Any) -> jenga_stk.Client:
    key_path = config["PRIVATE_KEY_PATH"]
    if not key_path:
        raise ImproperlyConfigured("set JENGA_PRIVATE_KEY to the PEM file of your private key")
    return jenga_stk.Client(
        environment=config["ENVIRONMENT"],
        api_key=config["API_KEY"],
        merchant_code=config["MERCHANT_CODE"],
        consumer_secret=config["CONSUMER_SECRET"],
        private_key=Path(key_path).read_text(),
        callback_url=f"{config['PUBLIC_URL'].rstrip('/')}/jenga/callback",
        callback_secret=config["CALLBACK_SECRET"],
        ipn_username=config["IPN_USERNAME"],
        ipn_password=config["IPN_PASSWORD"],
        options=jenga_stk.RequestOptions(
            amount_decimals=config["AMOUNT_DECIMALS"], amount_encoding=config["AMOUNT_ENCODING"]
        ),
        policy=jenga_stk.RetryPolicy(request_timeout=timedelta(seconds=float(config["HTTP_TIMEOUT_SECONDS"]))),
        sign_status_queries=bool(config["SIGN_STATUS_QUERIES"]),
    )


@receiver(setting_changed)
def _forget_client(setting: str, **kwargs: Any) -> None:
    """Tests override `JENGA`: the next `client()` is built from the new settings."""
    global _client
    if setting == "JENGA":
        with _lock:
            if _client is not None:
                _client.close()
            _client = None
