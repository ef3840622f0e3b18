from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.test import SimpleTestCase

from shop.database_url import parse

BASE = Path("/srv/shop")


class DatabaseUrlTests(SimpleTestCase):
    def test_sqlite_relative_and_absolute(self) -> None:
        relative = parse("sqlite:///db.sqlite3", BASE)
        self.assertEqual(relative["ENGINE"], "django.db.backends.sqlite3")
        self.assertEqual(relative["NAME"], "/srv/shop/db.sqlite3")
        self.assertEqual(relative["OPTIONS"]["transaction_mode"], "IMMEDIATE")
        self.assertEqual(parse("sqlite:////var/lib/shop.db", BASE)["NAME"], "/var/lib/shop.db")
        self.assertEqual(parse("sqlite:///x.db?timeout=5", BASE)["OPTIONS"]["timeout"], 5.0)

    def test_postgres(self) -> None:
        db = parse("postgres://shop:p%40ss%3Aword@db.internal:6432/shop?sslmode=require", BASE)
        self.assertEqual(db["ENGINE"], "django.db.backends.postgresql")
        self.assertEqual((db["NAME"], db["USER"], db["PASSWORD"]), ("shop", "shop", "p@ss:word"))
        self.assertEqual((db["HOST"], db["PORT"]), ("db.internal", "6432"))
        self.assertEqual(db["OPTIONS"], {"sslmode": "require"})
        self.assertEqual(parse("postgresql://localhost/shop", BASE)["PORT"], "")

    def test_refusals(self) -> None:
        for url in ["mysql://x/y", "sqlite://", "postgres://host"]:
            with self.assertRaises(ImproperlyConfigured, msg=url):
                parse(url, BASE)

