"""The ``JENGA_STK`` settings dict: read and validated once (at start-up, and
again when a test overrides it), with errors that name the setting.

Keys (required unless a default is shown)::

    JENGA_STK = {
        "ENVIRONMENT": "live",               # "uat", "live", or a base URL (the local sandbox's)
        "LIVE": True,                        # this site takes real money (default False)
        "API_KEY": "…", "MERCHANT_CODE": "…", "CONSUMER_SECRET": "…",  # the portal's credentials
        "PRIVATE_KEY": "/etc/shop/jenga.pem",  # a path, or the PEM text itself
        "CALLBACK_SECRET": "…",              # 32+ random bytes: the callback URLs' HMAC key
        "IPN_USERNAME": "…", "IPN_PASSWORD": "…",  # the IPN's Basic auth, as set on the portal
        "PUBLIC_URL": "https://shop.example.com",  # this site, as the provider reaches it
        "AMOUNT_DECIMALS": "whole",          # "whole" or "two"           (default "whole")
        "AMOUNT_ENCODING": "number",         # "number" or "string"       (default "number")
        "PHONE_FORMAT": "as_given",          # "as_given", "local", "international" (default)
        "SIGN_STATUS_QUERIES": False,        # a Signature header on status queries (default False)
        "RETRY_POLICY": None,                # a jenga_stk.RetryPolicy (default: the SDK's)
        "MAX_BODY_BYTES": 65536,             # larger callbacks and IPNs get 413 (default 64 KiB)
    }

The quality of the secrets and the key (defaults, length, the key's size,
https, live versus UAT) is checked by the system checks (``checks.py``),
which refuse a production setup (``DEBUG`` off) that would be unsafe.
"""

from __future__ import annotations

import threading
import typing
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed

from .. import Environment, JengaError, RequestOptions, RetryPolicy

SETTING = "JENGA_STK"
REQUIRED = (
    "ENVIRONMENT",
    "API_KEY",
    "MERCHANT_CODE",
    "CONSUMER_SECRET",
    "PRIVATE_KEY",
    "CALLBACK_SECRET",
    "IPN_USERNAME",
    "IPN_PASSWORD",
    "PUBLIC_URL",
)
OPTIONAL: typing.Dict[str, object] = {
    "LIVE": False,
    "AMOUNT_DECIMALS": "whole",
    "AMOUNT_ENCODING": "number",
    "PHONE_FORMAT": "as_given",
    "SIGN_STATUS_QUERIES": False,
    "RETRY_POLICY": None,
    "MAX_BODY_BYTES": 65536,
}
SECRET_KEYS = frozenset({"CONSUMER_SECRET", "PRIVATE_KEY", "CALLBACK_SECRET", "IPN_PASSWORD", "API_KEY"})


def name(key: str) -> str:
    """How a key is named in messages: ``JENGA_STK["KEY"]``."""
    return f'{SETTING}["{key}"]'


@dataclass(frozen=True)
class JengaStkSettings:
    """The validated settings. Secrets are kept out of ``repr``."""

    environment: Environment
    live: bool
    api_key: str = field(repr=False)
    merchant_code: str
    consumer_secret: str = field(repr=False)
    #: The PEM text when given inline, else None (then ``private_key_path``).
    private_key_pem: typing.Optional[str] = field(repr=False)
    private_key_path: typing.Optional[Path]
    callback_secret: str = field(repr=False)
    ipn_username: str
    ipn_password: str = field(repr=False)
    public_url: str
    options: RequestOptions
    sign_status_queries: bool
    retry_policy: typing.Optional[RetryPolicy]
    max_body_bytes: int

    def read_private_key(self) -> str:
        """The PEM text (read from the file each call). Raises ``OSError``."""
        if self.private_key_pem is not None:
            return self.private_key_pem
        assert self.private_key_path is not None
        return self.private_key_path.read_text(encoding="utf-8")


def _string(raw: typing.Mapping[str, object], key: str) -> str:
    value = raw[key]
    if not isinstance(value, str):
        raise ImproperlyConfigured(f"{name(key)} must be a string, not {type(value).__name__}")
    return value


def _bool(raw: typing.Mapping[str, object], key: str) -> bool:
    value = raw.get(key, OPTIONAL[key])
    if not isinstance(value, bool):
        raise ImproperlyConfigured(f"{name(key)} must be True or False, not {type(value).__name__}")
    return value


def load(raw: object) -> JengaStkSettings:
    """Validates ``settings.JENGA_STK``; raises ``ImproperlyConfigured`` naming
    the first wrong key (every missing or unknown key at once)."""
    if not isinstance(raw, typing.Mapping):
        raise ImproperlyConfigured(
            f"settings.{SETTING} must be a dict (see jenga_stk.django.conf for its keys), not {type(raw).__name__}"
        )
    missing = [name(k) for k in REQUIRED if k not in raw]
    if missing:
        raise ImproperlyConfigured(f"settings.{SETTING} lacks {', '.join(missing)} (see jenga_stk.django.conf)")
    unknown = sorted(str(k) for k in raw if k not in REQUIRED and k not in OPTIONAL)
    if unknown:
        raise ImproperlyConfigured(
            f"settings.{SETTING} has unknown keys: {', '.join(name(k) for k in unknown)} (a typo?)"
        )
    text = {key: _string(raw, key) for key in REQUIRED}
    try:
        environment = Environment(text["ENVIRONMENT"])
    except JengaError as e:
        raise ImproperlyConfigured(
            f'{name("ENVIRONMENT")} must be "uat", "live" or a base URL ({e.code})'
        ) from None
    public = urlsplit(text["PUBLIC_URL"])
    if public.scheme not in ("http", "https") or not public.netloc or public.query or public.fragment:
        raise ImproperlyConfigured(
            f'{name("PUBLIC_URL")} must be this site\'s absolute base URL, like "https://shop.example.com"'
        )
    pem: typing.Optional[str] = None
    path: typing.Optional[Path] = None
    if "-----BEGIN" in text["PRIVATE_KEY"]:
        pem = text["PRIVATE_KEY"]
    elif text["PRIVATE_KEY"].strip():
        path = Path(text["PRIVATE_KEY"]).expanduser()
    options_raw = {key: raw.get(key, OPTIONAL[key]) for key in ("AMOUNT_DECIMALS", "AMOUNT_ENCODING", "PHONE_FORMAT")}
    for key, value in options_raw.items():
        try:
            RequestOptions(**{key.lower(): value})
        except (JengaError, TypeError):
            raise ImproperlyConfigured(
                f"{name(key)} is not a valid option ({value!r}): see the SDK's README, "
                '"Amount and phone settings" (AMOUNT_DECIMALS "whole"/"two", AMOUNT_ENCODING '
                '"number"/"string", PHONE_FORMAT "as_given"/"local"/"international")'
            ) from None
    options = RequestOptions(**{key.lower(): value for key, value in options_raw.items()})
    policy = raw.get("RETRY_POLICY")
    if policy is not None and not isinstance(policy, RetryPolicy):
        raise ImproperlyConfigured(f'{name("RETRY_POLICY")} must be a jenga_stk.RetryPolicy or None')
    max_body = raw.get("MAX_BODY_BYTES", OPTIONAL["MAX_BODY_BYTES"])
    if not isinstance(max_body, int) or isinstance(max_body, bool) or not 1024 <= max_body <= 16 * 1024 * 1024:
        raise ImproperlyConfigured(f'{name("MAX_BODY_BYTES")} must be a whole number of bytes, 1024 to 16 MiB')
    return JengaStkSettings(
        environment=environment,
        live=_bool(raw, "LIVE"),
        api_key=text["API_KEY"],
        merchant_code=text["MERCHANT_CODE"],
        consumer_secret=text["CONSUMER_SECRET"],
        private_key_pem=pem,
        private_key_path=path,
        callback_secret=text["CALLBACK_SECRET"],
        ipn_username=text["IPN_USERNAME"],
        ipn_password=text["IPN_PASSWORD"],
        public_url=text["PUBLIC_URL"].rstrip("/"),
        options=options,
        sign_status_queries=_bool(raw, "SIGN_STATUS_QUERIES"),
        retry_policy=policy,
        max_body_bytes=max_body,
    )


_lock = threading.Lock()
_cached: typing.Optional[JengaStkSettings] = None


def get() -> JengaStkSettings:
    """The validated settings (validated once, again after a change)."""
    global _cached
    with _lock:
        if _cached is None:
            if not hasattr(django_settings, SETTING):
                raise ImproperlyConfigured(
                    f"settings.{SETTING} is missing: the jenga_stk app needs it (see jenga_stk.django.conf)"
                )
            _cached = load(getattr(django_settings, SETTING))
        return _cached


def _forget(*, setting: str, **kwargs: object) -> None:
    global _cached
    if setting == SETTING:
        with _lock:
            _cached = None


setting_changed.connect(_forget, dispatch_uid="jenga_stk.django.conf")
