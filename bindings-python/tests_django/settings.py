"""Settings of the app's test project (``python -m django test --settings=settings``
from this folder; scripts/python-test.sh runs it on SQLite and PostgreSQL).

``DATABASE_URL``: ``sqlite:////path/file.sqlite3`` (default: a file under the
temp folder) or ``postgres://user@/name?host=/socket/dir&port=5433``.
``JENGA_STK`` here is only the start-up value: the tests point it at a
sandbox they start (``override_settings``).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any, Dict
from urllib.parse import parse_qsl, unquote, urlsplit

REPO = Path(__file__).resolve().parents[2]
KEYS = REPO / "tests" / "keys"


def database(url: str) -> Dict[str, Any]:
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        name = parts.path[1:] if parts.path.startswith("//") else parts.path
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": name,
            # Writers queue for the lock instead of failing: deliveries arrive concurrently.
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 30},
            # A file, not memory: the live server's threads each get a connection.
            "TEST": {"NAME": name},
        }
    if parts.scheme in ("postgres", "postgresql"):
        query = dict(parse_qsl(parts.query))
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": query.pop("host", parts.hostname or ""),
            "PORT": query.pop("port", str(parts.port or "")),
            "OPTIONS": query,
        }
    raise ValueError(f"DATABASE_URL: unsupported scheme {parts.scheme!r}")


SECRET_KEY = "test-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "jenga_stk.django",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
ROOT_URLCONF = "urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
DATABASES = {
    "default": database(
        os.environ.get("DATABASE_URL", f"sqlite:///{Path(tempfile.gettempdir()) / f'jenga-stk-django-{os.getpid()}.sqlite3'}")
    )
}
# The webhooks run outside it (non_atomic_requests): a project setting the app must live with.
DATABASES["default"]["ATOMIC_REQUESTS"] = True
USE_TZ = True
STATIC_URL = "static/"
TIME_ZONE = "Africa/Nairobi"
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"  # the app pins its own: no stray migration

JENGA_STK = {
    "ENVIRONMENT": "uat",
    "API_KEY": "kq3V9xR2mT7pL4nW",
    "MERCHANT_CODE": "4455667788",
    "CONSUMER_SECRET": "Zt8Rq1Lm4Xw7Np2Vb6Hc",
    "PRIVATE_KEY": str(KEYS / "test-pkcs1-2048.pem"),
    "CALLBACK_SECRET": "Qm9K3vT8xL2pR7wN4zB6cH1jD5fG0sYa",
    "IPN_USERNAME": "shop-ipn",
    "IPN_PASSWORD": "Vf4Kp9Tz2Lq7Xw3N",
    # The live server is plain http on loopback: the https check (E007) is the one silenced.
    "PUBLIC_URL": "http://127.0.0.1:8000",
}
SILENCED_SYSTEM_CHECKS = ["jenga_stk.E007"]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "jenga_stk": {"handlers": ["console"], "level": os.environ.get("JENGA_TEST_LOG_LEVEL", "ERROR")},
        "django.request": {"handlers": ["console"], "level": "CRITICAL", "propagate": False},
    },
}
