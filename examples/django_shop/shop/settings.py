"""Settings of the example shop, read from the environment.

With DEBUG on (the default here) the API credentials default to the local
sandbox's public test values. With `DJANGO_DEBUG=0` the jenga_stk app's
system checks refuse them, and any default or short secret, a weak key, an
http callback URL, or live and UAT mixed up: `manage.py check --deploy`.
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
    "jenga_stk.django",
    "store",
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

# The jenga_stk app's settings (jenga_stk.django.conf lists every key).
# Secrets come from the environment only; none is ever logged.
JENGA_STK = {
    # "uat", "live", or a base URL (the local sandbox's, e.g. http://127.0.0.1:8123).
    "ENVIRONMENT": env("JENGA_ENV", "uat"),
    # True only on the site that takes real money (the checks compare it with ENVIRONMENT).
    "LIVE": env_bool("JENGA_LIVE", False),
    "API_KEY": env("JENGA_API_KEY", "sandbox-api-key"),
    "MERCHANT_CODE": env("JENGA_MERCHANT_CODE", "0000000000"),
    "CONSUMER_SECRET": env("JENGA_CONSUMER_SECRET", "sandbox-consumer-secret"),
    # The PEM file of the private key whose public half is registered on the portal.
    "PRIVATE_KEY": env("JENGA_PRIVATE_KEY"),
    "CALLBACK_SECRET": env("JENGA_CALLBACK_SECRET"),
    "IPN_USERNAME": env("JENGA_IPN_USERNAME"),
    "IPN_PASSWORD": env("JENGA_IPN_PASSWORD"),
    # This site's public base URL, as the provider reaches it.
    "PUBLIC_URL": env("SHOP_PUBLIC_URL", "http://127.0.0.1:8000"),
    "AMOUNT_DECIMALS": env("JENGA_AMOUNT_DECIMALS", "whole"),
    "AMOUNT_ENCODING": env("JENGA_AMOUNT_ENCODING", "number"),
    "SIGN_STATUS_QUERIES": env_bool("JENGA_SIGN_STATUS_QUERIES", False),
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
        "store": {"handlers": ["console"], "level": env("SHOP_LOG_LEVEL", "INFO")},
        "jenga_stk": {"handlers": ["console"], "level": env("SHOP_LOG_LEVEL", "INFO")},
        "django.server": {"handlers": ["server"], "level": "INFO", "propagate": False},
        "django.request": {"handlers": ["console"], "level": env("SHOP_REQUEST_LOG_LEVEL", "ERROR"), "propagate": False},
    },
}
