"""System checks (``manage.py check``, ``check --deploy``, and every
``runserver``/``migrate``): ``jenga_stk.E001`` (the settings dict itself)
always; the others only when ``DEBUG`` is off, where they refuse a setup that
would take real money unsafely.

| id | refuses |
|---|---|
| E001 | ``JENGA_STK`` missing or invalid |
| E002 | the sandbox's API credentials, or empty ones |
| E003 | the sandbox's or a default IPN username/password, or a password under 16 characters |
| E004 | a default callback secret, or one under 32 bytes |
| E005 | a private key that is missing or unreadable |
| E006 | a key that is not an RSA private key of 2048 bits or more |
| E007 | a callback URL (``PUBLIC_URL``) that is not https |
| E008 | a UAT or sandbox environment while ``LIVE`` says this site takes real money |
| E009 | the live environment while ``LIVE`` is not set (a staging copy charging real customers) |
"""

from __future__ import annotations

import typing

from django.conf import settings as django_settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from .. import MIN_CALLBACK_SECRET_BYTES, JengaError, Signer
from . import conf

SANDBOX_CREDENTIALS = {"API_KEY": "sandbox-api-key", "CONSUMER_SECRET": "sandbox-consumer-secret"}
SANDBOX_MERCHANT_CODE = "0000000000"
SANDBOX_IPN = ("sandbox-ipn", "sandbox-ipn-password")
#: Parts of a secret that show it was copied from an example, not generated.
DEFAULT_MARKERS = ("example", "sandbox", "change-me", "changeme", "change_me", "insecure", "default", "placeholder", "secret", "password")
MIN_IPN_PASSWORD_CHARS = 16
MIN_RSA_BITS = 2048


def _looks_default(value: str) -> bool:
    lowered = value.lower()
    return any(marker in lowered for marker in DEFAULT_MARKERS)


def _error(number: int, message: str, hint: str) -> checks.Error:
    return checks.Error(message, hint=hint, id=f"jenga_stk.E{number:03d}")


@checks.register("jenga_stk")
def check_settings(app_configs: object = None, **kwargs: object) -> typing.List[checks.CheckMessage]:
    try:
        settings = conf.get()
    except ImproperlyConfigured as e:
        return [_error(1, str(e), "Set JENGA_STK as jenga_stk.django.conf describes.")]
    if django_settings.DEBUG:
        return []  # development: the sandbox's values are fine
    return [
        *_credentials(settings),
        *_ipn(settings),
        *_callback_secret(settings),
        *_private_key(settings),
        *_callback_url(settings),
        *_environment(settings),
    ]


def _credentials(settings: conf.JengaStkSettings) -> typing.List[checks.CheckMessage]:
    sandbox = [
        conf.name(key)
        for key, value in SANDBOX_CREDENTIALS.items()
        if getattr(settings, key.lower()) == value or not getattr(settings, key.lower()).strip()
    ]
    if settings.merchant_code in ("", SANDBOX_MERCHANT_CODE):
        sandbox.append(conf.name("MERCHANT_CODE"))
    if not sandbox:
        return []
    return [
        _error(
            2,
            f"{', '.join(sandbox)}: the local sandbox's public test values (or empty) while DEBUG is off.",
            "Use the API key, merchant code and consumer secret from the Jenga portal (from the environment, never the code).",
        )
    ]


def _ipn(settings: conf.JengaStkSettings) -> typing.List[checks.CheckMessage]:
    problems = []
    if (settings.ipn_username, settings.ipn_password) == SANDBOX_IPN or settings.ipn_username == SANDBOX_IPN[0]:
        problems.append("the sandbox's IPN credentials")
    elif _looks_default(settings.ipn_password):
        problems.append("an IPN password copied from an example")
    if len(settings.ipn_password) < MIN_IPN_PASSWORD_CHARS:
        problems.append(f"an IPN password under {MIN_IPN_PASSWORD_CHARS} characters")
    if not problems:
        return []
    return [
        _error(
            3,
            f'{conf.name("IPN_USERNAME")}/{conf.name("IPN_PASSWORD")}: {" and ".join(problems)}: '
            "anyone who knows them can send an IPN that marks an order paid.",
            'Generate a long random password (python -c "import secrets; print(secrets.token_urlsafe(24))") '
            "and set the same on the portal (IPN settings).",
        )
    ]


def _callback_secret(settings: conf.JengaStkSettings) -> typing.List[checks.CheckMessage]:
    size = len(settings.callback_secret.encode("utf-8"))
    if size >= MIN_CALLBACK_SECRET_BYTES and not _looks_default(settings.callback_secret):
        return []
    why = f"{size} bytes, under {MIN_CALLBACK_SECRET_BYTES}" if size < MIN_CALLBACK_SECRET_BYTES else "copied from an example"
    return [
        _error(
            4,
            f'{conf.name("CALLBACK_SECRET")} is weak ({why}): the callback URLs\' tokens could be forged.',
            'Generate one: python -c "import secrets; print(secrets.token_urlsafe(32))".',
        )
    ]


def _private_key(settings: conf.JengaStkSettings) -> typing.List[checks.CheckMessage]:
    if settings.private_key_pem is None and settings.private_key_path is None:
        return [_error(5, f'{conf.name("PRIVATE_KEY")} is empty.', "Give the path of your PEM private key, or its text.")]
    try:
        pem = settings.read_private_key()
    except (OSError, UnicodeDecodeError) as e:
        return [
            _error(
                5,
                f'{conf.name("PRIVATE_KEY")}: cannot read {settings.private_key_path} ({type(e).__name__}: {e.strerror if isinstance(e, OSError) else "not text"}).',
                "Check the path and that the server's user may read the file.",
            )
        ]
    try:
        bits = Signer.from_pem(pem).bits
    except JengaError as e:
        return [
            _error(
                6,
                f'{conf.name("PRIVATE_KEY")} is not an RSA private key the SDK can sign with ({e.code}).',
                "Use the PEM private key (PKCS#8 or PKCS#1) whose public half is registered on the portal; "
                "`jenga-stk doctor` explains a mismatch.",
            )
        ]
    if bits < MIN_RSA_BITS:
        return [
            _error(
                6,
                f'{conf.name("PRIVATE_KEY")} is a {bits}-bit RSA key; {MIN_RSA_BITS} bits or more are needed.',
                "Generate a new key: openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048, and register its public half.",
            )
        ]
    return []


def _callback_url(settings: conf.JengaStkSettings) -> typing.List[checks.CheckMessage]:
    if settings.public_url.startswith("https://"):
        return []
    return [
        _error(
            7,
            f'{conf.name("PUBLIC_URL")} ({settings.public_url}) is not https: the callback URL and its token would cross the network in clear.',
            'Serve the site over TLS and set PUBLIC_URL to "https://…".',
        )
    ]


def _environment(settings: conf.JengaStkSettings) -> typing.List[checks.CheckMessage]:
    kind = settings.environment.kind
    if settings.live and kind != "live":
        where = "UAT" if kind == "uat" else f"a sandbox ({settings.environment.base_url})"
        return [
            _error(
                8,
                f'{conf.name("ENVIRONMENT")} is {where} while {conf.name("LIVE")} is True: orders would be marked paid with test money.',
                'Set ENVIRONMENT to "live" with the live credentials, or LIVE to False on a test site.',
            )
        ]
    if not settings.live and kind == "live":
        return [
            _error(
                9,
                f'{conf.name("ENVIRONMENT")} is "live" while {conf.name("LIVE")} is not True: real customers would be charged by a site not declared live.',
                'On the production site set LIVE to True; on a test site use ENVIRONMENT "uat".',
            )
        ]
    return []
