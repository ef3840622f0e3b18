"""Shared fixtures. The tests exercise the *installed* wheel, never the source tree."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from decimal import Decimal
from typing import Any, Dict, Iterator

import pytest

import jenga_stk

REPO = Path(__file__).resolve().parents[2]
KEYS = REPO / "tests" / "keys"
VECTORS = REPO / "tests" / "vectors"
SOURCE_PACKAGE = REPO / "bindings-python" / "python" / "jenga_stk"


def push_kwargs(**overrides: Any) -> Dict[str, Any]:
    """The page example's request as `StkPush(...)` keyword arguments, with overrides."""
    kwargs: Dict[str, Any] = dict(
        order_reference="OR28922980077",
        order_amount=Decimal("2"),
        order_currency="KES",
        country_code="KE",
        description="Purchase",
        customer_name="John Doe",
        customer_email="xyx2@gmail.com",
        customer_phone_number="0722000111",
        customer_identity_number="0000000",
        payment_reference="MKQR28922980073",
        payment_currency="KES",
        callback_url="https://shop.example.com/jenga/callback",
        msisdn="0722000000",
        payment_amount=Decimal("2"),
    )
    kwargs.update(overrides)
    return kwargs


def pytest_configure(config: pytest.Config) -> None:
    # External-oracle style: fail loudly if the package under test is the
    # source folder rather than the wheel installed in this environment.
    installed = Path(jenga_stk.__file__).resolve().parent
    if installed == SOURCE_PACKAGE.resolve():
        raise pytest.UsageError(f"jenga_stk imported from the source tree ({installed}), not the wheel")
    if sys.prefix == sys.base_prefix:
        raise pytest.UsageError("run the tests inside the virtual environment the wheel is installed in")


def key_text(stem: str) -> str:
    return (KEYS / f"{stem}.pem").read_text()


def sandbox_binary() -> Path:
    configured = os.environ.get("JENGA_SANDBOX_BIN")
    path = Path(configured) if configured else REPO / "target" / "debug" / "jenga-sandbox"
    if not path.is_file():
        pytest.fail(
            f"the sandbox binary {path} is missing: build it with `cargo build -p jenga-sandbox` "
            "or set JENGA_SANDBOX_BIN (scripts/python-test.sh does both)"
        )
    return path


@pytest.fixture(scope="session")
def sandbox_url() -> Iterator[str]:
    """A running local sandbox (no IPN URL), with the test key pair registered."""
    process = subprocess.Popen(
        [
            str(sandbox_binary()),
            "--bind",
            "127.0.0.1:0",
            "--public-key",
            str(KEYS / "test-pkcs1-2048.pub.pem"),
            "--callback-delay-ms",
            "50",
            "--delivery-attempts",
            "1",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        if not url.startswith("http://127.0.0.1:"):
            pytest.fail(f"the sandbox did not start (first line: {url!r})")
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
