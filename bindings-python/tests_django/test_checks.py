"""The settings dict and the system checks: every check fires on the setup
it refuses (only when DEBUG is off, but E001), and a good setup passes.
Start-up validation names the wrong key."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List, Tuple

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import SimpleTestCase, override_settings

from jenga_stk.django import checks, conf

KEYS = Path(settings.KEYS)
GOOD: Dict[str, Any] = {**settings.JENGA_STK, "PUBLIC_URL": "https://shop.example.org"}


def ids(overrides: Dict[str, Any], *, debug: bool = False, remove: Tuple[str, ...] = ()) -> List[str]:
    config = {**GOOD, **overrides}
    for key in remove:
        config.pop(key)
    with override_settings(DEBUG=debug, JENGA_STK=config):
        return [m.id or "" for m in checks.check_settings()]


class ChecksTests(SimpleTestCase):
    def test_a_good_production_setup_passes(self) -> None:
        self.assertEqual(ids({}), [])
        self.assertEqual(ids({"ENVIRONMENT": "live", "LIVE": True}), [])
        self.assertEqual(ids({"PRIVATE_KEY": (KEYS / "test-pkcs8-4096.pem").read_text()}), [], "PEM text inline")

    def test_debug_on_refuses_nothing_but_a_broken_dict(self) -> None:
        sandbox = {"API_KEY": "sandbox-api-key", "IPN_USERNAME": "sandbox-ipn", "IPN_PASSWORD": "sandbox-ipn-password",
                   "CALLBACK_SECRET": "short", "PUBLIC_URL": "http://127.0.0.1:8000", "PRIVATE_KEY": "/nonexistent.pem"}
        self.assertEqual(ids(sandbox, debug=True), [])
        self.assertEqual(ids({}, debug=True, remove=("API_KEY",)), ["jenga_stk.E001"])

    def test_e001_the_dict_itself(self) -> None:
        self.assertEqual(ids({"ENVIRONMENT": "staging"}), ["jenga_stk.E001"])
        self.assertEqual(ids({"LIVE": "yes"}), ["jenga_stk.E001"])
        self.assertEqual(ids({"AMOUNT_DECIMALS": "three"}), ["jenga_stk.E001"])
        self.assertEqual(ids({"TIMEOUT": 3}), ["jenga_stk.E001"])

    def test_e002_sandbox_or_empty_api_credentials(self) -> None:
        self.assertEqual(ids({"API_KEY": "sandbox-api-key"}), ["jenga_stk.E002"])
        self.assertEqual(ids({"CONSUMER_SECRET": "sandbox-consumer-secret"}), ["jenga_stk.E002"])
        self.assertEqual(ids({"MERCHANT_CODE": "0000000000"}), ["jenga_stk.E002"])
        self.assertEqual(ids({"CONSUMER_SECRET": ""}), ["jenga_stk.E002"])

    def test_e003_ipn_credentials(self) -> None:
        self.assertEqual(ids({"IPN_USERNAME": "sandbox-ipn", "IPN_PASSWORD": "sandbox-ipn-password"}), ["jenga_stk.E003"])
        self.assertEqual(ids({"IPN_PASSWORD": "short-pw"}), ["jenga_stk.E003"])
        self.assertEqual(ids({"IPN_PASSWORD": "example-ipn-password-long-enough"}), ["jenga_stk.E003"])

    def test_e004_callback_secret(self) -> None:
        self.assertEqual(ids({"CALLBACK_SECRET": "x" * 31}), ["jenga_stk.E004"])
        self.assertEqual(ids({"CALLBACK_SECRET": "example-only callback secret, 32+ bytes long"}), ["jenga_stk.E004"])

    def test_e005_missing_or_unreadable_key(self) -> None:
        self.assertEqual(ids({"PRIVATE_KEY": "/nonexistent/jenga.pem"}), ["jenga_stk.E005"])
        self.assertEqual(ids({"PRIVATE_KEY": ""}), ["jenga_stk.E005"])
        self.assertEqual(ids({"PRIVATE_KEY": str(KEYS)}), ["jenga_stk.E005"], "a folder")

    def test_e006_not_a_2048_bit_rsa_private_key(self) -> None:
        for name in ("test-1024.pem", "test-pkcs1-2048.pub.pem", "test-ec.pem", "garbage.pem", "test-encrypted-pkcs8.pem"):
            with self.subTest(key=name):
                self.assertEqual(ids({"PRIVATE_KEY": str(KEYS / name)}), ["jenga_stk.E006"])

    def test_e007_callback_url_not_https(self) -> None:
        self.assertEqual(ids({"PUBLIC_URL": "http://shop.example.org"}), ["jenga_stk.E007"])

    def test_e008_uat_or_sandbox_while_live(self) -> None:
        self.assertEqual(ids({"ENVIRONMENT": "uat", "LIVE": True}), ["jenga_stk.E008"])
        self.assertEqual(ids({"ENVIRONMENT": "http://127.0.0.1:9999", "LIVE": True}), ["jenga_stk.E008"])

    def test_e009_live_while_not_declared_live(self) -> None:
        self.assertEqual(ids({"ENVIRONMENT": "live"}), ["jenga_stk.E009"])
        self.assertEqual(ids({"ENVIRONMENT": "live", "LIVE": False}), ["jenga_stk.E009"])

    def test_every_check_has_a_hint_and_never_shows_a_secret(self) -> None:
        secrets = {"API_KEY": "sandbox-api-key", "IPN_PASSWORD": "tiny", "CALLBACK_SECRET": "short-callback", "CONSUMER_SECRET": "sandbox-consumer-secret"}
        config = {**GOOD, **secrets, "PUBLIC_URL": "http://x.example", "ENVIRONMENT": "live", "PRIVATE_KEY": str(KEYS / "test-1024.pem")}
        with override_settings(DEBUG=False, JENGA_STK=config):
            messages = checks.check_settings()
        self.assertEqual(
            sorted(m.id or "" for m in messages),
            ["jenga_stk.E002", "jenga_stk.E003", "jenga_stk.E004", "jenga_stk.E006", "jenga_stk.E007", "jenga_stk.E009"],
        )
        for message in messages:
            self.assertTrue(message.hint)
            text = f"{message.msg} {message.hint}"
            for secret in ("tiny", "short-callback", "sandbox-consumer-secret"):
                self.assertNotIn(secret, text)

    def test_manage_py_check_deploy_refuses_the_sandbox_values(self) -> None:
        """The real command, in a process of its own, with DEBUG off."""
        code = (
            "import django, os, sys; from django.conf import settings; import settings as project; "
            "settings.configure(**{k: getattr(project, k) for k in dir(project) if k.isupper()}); "
            "settings.JENGA_STK.update(API_KEY=os.environ['T_API_KEY'], IPN_USERNAME=os.environ['T_IPN_USER'], "
            "IPN_PASSWORD=os.environ['T_IPN_PASSWORD']); django.setup(); "
            "from django.core.management import call_command; from django.core.management.base import SystemCheckError\n"
            "try:\n    call_command('check', '--deploy')\n"
            "except SystemCheckError as e:\n    sys.exit(str(e))"
        )
        env = {**os.environ, "T_API_KEY": "sandbox-api-key", "T_IPN_USER": "sandbox-ipn", "T_IPN_PASSWORD": "sandbox-ipn-password"}
        done = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).parent, env=env, capture_output=True, text=True, timeout=120)
        self.assertNotEqual(done.returncode, 0)
        self.assertIn("jenga_stk.E002", done.stderr)
        self.assertIn("jenga_stk.E003", done.stderr)
        self.assertNotIn("sandbox-ipn-password", done.stderr)


class StartupTests(SimpleTestCase):
    def test_errors_name_the_setting(self) -> None:
        cases: Dict[str, Tuple[Dict[str, Any], str]] = {
            "ENVIRONMENT": ({"ENVIRONMENT": "prod"}, 'JENGA_STK["ENVIRONMENT"]'),
            "missing": ({"API_KEY": None}, 'JENGA_STK["API_KEY"]'),
            "unknown": ({"CALLBACK_URL": "x"}, 'JENGA_STK["CALLBACK_URL"]'),
            "PUBLIC_URL": ({"PUBLIC_URL": "shop.example.org"}, 'JENGA_STK["PUBLIC_URL"]'),
            "PHONE_FORMAT": ({"PHONE_FORMAT": "e164"}, 'JENGA_STK["PHONE_FORMAT"]'),
            "RETRY_POLICY": ({"RETRY_POLICY": {"timeout": 3}}, 'JENGA_STK["RETRY_POLICY"]'),
            "MAX_BODY_BYTES": ({"MAX_BODY_BYTES": 10}, 'JENGA_STK["MAX_BODY_BYTES"]'),
        }
        for label, (change, named) in cases.items():
            with self.subTest(label):
                config = {**GOOD, **change}
                config = {k: v for k, v in config.items() if v is not None}
                with self.assertRaisesMessage(ImproperlyConfigured, named):
                    conf.load(config)
        with self.assertRaisesMessage(ImproperlyConfigured, "settings.JENGA_STK must be a dict"):
            conf.load(["uat"])

    def test_repr_hides_the_secrets(self) -> None:
        loaded = conf.load({**GOOD, "PRIVATE_KEY": (KEYS / "test-pkcs1-2048.pem").read_text()})
        text = repr(loaded)
        for secret in (GOOD["API_KEY"], GOOD["CONSUMER_SECRET"], GOOD["CALLBACK_SECRET"], GOOD["IPN_PASSWORD"], "PRIVATE KEY"):
            self.assertNotIn(secret, text)

    def test_the_app_refuses_to_start_with_a_broken_dict(self) -> None:
        code = (
            "import django; from django.conf import settings; "
            "settings.configure(INSTALLED_APPS=['django.contrib.contenttypes', 'jenga_stk.django'], JENGA_STK={'ENVIRONMENT': 'uat'}); "
            "django.setup()"
        )
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
        self.assertNotEqual(done.returncode, 0)
        self.assertIn("ImproperlyConfigured", done.stderr)
        self.assertIn('JENGA_STK["API_KEY"]', done.stderr)
