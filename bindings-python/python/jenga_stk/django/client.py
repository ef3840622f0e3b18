"""The process's ``jenga_stk.Client``, built from ``JENGA_STK`` on first use
(thread-safe: one token for every payment), rebuilt after a settings change.
Every answer to a push or a status query is kept as evidence (``on_answer``)."""

from __future__ import annotations

import threading
import typing

from django.core.signals import setting_changed
from django.urls import reverse

from .. import Client, ProviderAnswer
from . import conf

_lock = threading.Lock()
_client: typing.Optional[Client] = None


def callback_url() -> str:
    """The base callback URL: ``PUBLIC_URL`` + the app's callback path (each
    push's URL adds the payment's token to it)."""
    return conf.get().public_url + reverse("jenga_stk:callback")


def get_client() -> Client:
    """The process's client (built on first use). Raises
    ``ImproperlyConfigured`` or ``OSError`` (an unreadable key) or
    ``KeyLoadError``; the system checks say the same earlier."""
    global _client
    with _lock:
        if _client is None:
            settings = conf.get()
            _client = Client(
                environment=settings.environment,
                api_key=settings.api_key,
                merchant_code=settings.merchant_code,
                consumer_secret=settings.consumer_secret,
                private_key=settings.read_private_key(),
                callback_url=callback_url(),
                callback_secret=settings.callback_secret,
                ipn_username=settings.ipn_username,
                ipn_password=settings.ipn_password,
                options=settings.options,
                policy=settings.retry_policy,
                sign_status_queries=settings.sign_status_queries,
                on_answer=_record_answer,
            )
        return _client


def _record_answer(answer: ProviderAnswer) -> None:
    from .services import record_answer  # services imports this module

    record_answer(answer)


def _forget(*, setting: str, **kwargs: object) -> None:
    global _client
    if setting in (conf.SETTING, "ROOT_URLCONF"):
        with _lock:
            if _client is not None:
                _client.close()
            _client = None


setting_changed.connect(_forget, dispatch_uid="jenga_stk.django.client")
