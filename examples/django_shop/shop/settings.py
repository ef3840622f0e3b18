"""Settings of the example shop, read from the environment.

Local defaults talk to the local sandbox (`jenga-sandbox`): its credentials
are public test values. In production set every `JENGA_*` variable, a real
`DJANGO_SECRET_KEY`, `DJANGO_DEBUG=0` and `DJANGO_ALLOWED_HOSTS`.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from shop.database_url import parse as parse_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    return env(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


SECRET_KEY = env("DJANGO_SECRET_KEY", "insecure-example-only-change-me")
DEBUG = env_bool("DJANGO_DEBUG", True)
ALLOWED_HOSTS = [h for h in env("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "payments",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "shop.urls"
WSGI_APPLICATION = "shop.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite by default; DATABASE_URL=postgres://user:password@host:5432/shop for PostgreSQL.
DATABASES = {"default": parse_database_url(env("DATABASE_URL", "sqlite:///db.sqlite3"), BASE_DIR)}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Tests use a file, not an in-memory database: the live server's threads
    # (callbacks and IPNs arrive concurrently) then each get a connection.
    DATABASES["default"]["TEST"] = {
        "NAME": env("DJANGO_TEST_SQLITE", str(Path(tempfile.gettempdir()) / f"django-shop-test-{os.getpid()}.sqlite3"))
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
LANGUAGE_CODE = "en-us"
TIME_ZONE = "Africa/Nairobi"
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"

EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DJANGO_FROM_EMAIL", "shop@example.com")

# The Jenga integration (payments/jenga.py reads it). Secrets come from the
# environment only; nothing here is ever logged.
JENGA = {
    # "uat", "live", or a base URL (the local sandbox's, e.g. http://127.0.0.1:8123).
    "ENVIRONMENT": env("JENGA_ENV", "uat"),
    "API_KEY": env("JENGA_API_KEY", "sandbox-api-key"),
    "MERCHANT_CODE": env("JENGA_MERCHANT_CODE", "0000000000"),
    "CONSUMER_SECRET": env("JENGA_CONSUMER_SECRET", "sandbox-consumer-secret"),
    # PEM file of the private key whose public half is registered on the portal.
    "PRIVATE_KEY_PATH": env("JENGA_PRIVATE_KEY"),
    # At least 32 bytes; per-payment callback URLs carry an HMAC token under it.
    "CALLBACK_SECRET": env("JENGA_CALLBACK_SECRET", "example-only callback secret, 32+ bytes long"),
    # This site's public base URL, as the provider reaches it (callbacks).
    "PUBLIC_URL": env("SHOP_PUBLIC_URL", "http://127.0.0.1:8000"),
    # The IPN's Basic-auth credentials, as set on the portal (Settings > IPNs).
    "IPN_USERNAME": env("JENGA_IPN_USERNAME", "sandbox-ipn"),
    "IPN_PASSWORD": env("JENGA_IPN_PASSWORD", "sandbox-ipn-password"),
    # Amount text on the wire: see the SDK's README ("Amount and phone settings").
    "AMOUNT_DECIMALS": env("JENGA_AMOUNT_DECIMALS", "whole"),
    "AMOUNT_ENCODING": env("JENGA_AMOUNT_ENCODING", "number"),
    # Whether the status query carries a Signature header (unconfirmed by the docs).
    "SIGN_STATUS_QUERIES": env_bool("JENGA_SIGN_STATUS_QUERIES", False),
    "HTTP_TIMEOUT_SECONDS": float(env("JENGA_HTTP_TIMEOUT", "30")),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_callback_tokens": {"()": "shop.logging.RedactCallbackTokens"}},
    "formatters": {
        "plain": {"format": "[shop] %(levelname)s %(name)s: %(message)s"},
        "server": {"()": "django.utils.log.ServerFormatter", "format": "[{server_time}] {message}", "style": "{"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact_callback_tokens"]},
        # Request lines (runserver) carry the callback URL's query: its token is redacted.
        "server": {"class": "logging.StreamHandler", "formatter": "server", "filters": ["redact_callback_tokens"]},
    },
    "loggers": {
        "payments": {"handlers": ["console"], "level": env("SHOP_LOG_LEVEL", "INFO")},
        "django.server": {"handlers": ["server"], "level": "INFO", "propagate": False},
        "django.request": {"handlers": ["console"], "level": env("SHOP_REQUEST_LOG_LEVEL", "ERROR"), "propagate": False},
    },
}
