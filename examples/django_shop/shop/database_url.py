"""`DATABASE_URL` to Django's `DATABASES["default"]`.

    sqlite:///db.sqlite3            relative to the project folder
    sqlite:////var/lib/shop/db.sqlite3
    postgres://user:password@host:5432/name?sslmode=require   (needs `psycopg`)

Percent-escapes in the user and password are decoded; query parameters
become `OPTIONS`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

ENGINES = {
    "sqlite": "django.db.backends.sqlite3",
    "postgres": "django.db.backends.postgresql",
    "postgresql": "django.db.backends.postgresql",
    "pgsql": "django.db.backends.postgresql",
}


def parse(url: str, base_dir: Path) -> Dict[str, Any]:
    parts = urlsplit(url)
    engine = ENGINES.get(parts.scheme)
    if engine is None:
        raise ImproperlyConfigured(f"DATABASE_URL: unsupported scheme {parts.scheme!r} (sqlite or postgres)")
    options: Dict[str, Any] = dict(parse_qsl(parts.query))
    if parts.scheme == "sqlite":
        # sqlite:///relative.db has path "/relative.db"; sqlite:////abs.db has "//abs.db".
        path = parts.path[1:] if parts.path.startswith("/") else parts.path
        if not path:
            raise ImproperlyConfigured("DATABASE_URL: sqlite needs a file, e.g. sqlite:///db.sqlite3")
        file = Path(path) if Path(path).is_absolute() else base_dir / path
        # Writers queue for the lock instead of failing: IPNs and callbacks arrive concurrently.
        options.setdefault("transaction_mode", "IMMEDIATE")
        options["timeout"] = float(options.get("timeout", 20))
        return {"ENGINE": engine, "NAME": str(file), "OPTIONS": options}
    name = unquote(parts.path.lstrip("/"))
    if not name:
        raise ImproperlyConfigured("DATABASE_URL: the database name is missing")
    return {
        "ENGINE": engine,
        "NAME": name,
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        "OPTIONS": options,
        "CONN_MAX_AGE": 60,
    }
