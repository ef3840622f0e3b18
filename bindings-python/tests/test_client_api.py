"""The clients' construction, lifetime and packaging, without the sandbox:
httpx is an optional extra, the HTTP client is closed only when owned,
secrets never show, bad arguments are refused."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from datetime import datetime, timezone
from typing import Any, Dict

import httpx
import pytest

import jenga_stk as j
from conftest import KEYS, key_text

API_KEY = "Cl1ent-Ap1-K3y-7a7a"
CONSUMER_SECRET = "Cl1ent-C0nsum3r-S3cr3t-8b8b"
CALLBACK_SECRET = "Cl1ent-callback-secret-of-32-bytes-9c9c"
IPN_PASSWORD = "Cl1ent-ipn-Pa55w0rd-0d0d"


def config(**overrides: Any) -> Dict[str, Any]:
    kwargs: Dict[str, Any] = dict(
        environment="uat",
        api_key=API_KEY,
        merchant_code="4445776666",
        consumer_secret=CONSUMER_SECRET,
        private_key=key_text("test-pkcs1-2048"),
        callback_url="https://shop.example.com/jenga/callback",
        callback_secret=CALLBACK_SECRET,
        ipn_username="ipn-user",
        ipn_password=IPN_PASSWORD,
    )
    kwargs.update(overrides)
    return kwargs


def test_importing_works_without_httpx_and_a_client_names_the_extra() -> None:
    program = (
        "import sys; sys.modules['httpx'] = None\n"  # as if it were not installed
        "import jenga_stk\n"
        "for cls in (jenga_stk.Client, jenga_stk.AsyncClient):\n"
        "    try:\n"
        "        cls(environment='uat', api_key='k', merchant_code='m', consumer_secret='s',\n"
        "            private_key=open(sys.argv[1]).read(), callback_url='https://x.example/cb')\n"
        "    except ImportError as e:\n"
        "        assert e.name == 'httpx', e.name\n"
        "        print(type(e).__name__, e)\n"
        "    else:\n"
        "        raise SystemExit('no ImportError')\n"
    )
    key = str(KEYS / "test-pkcs1-2048.pem")
    done = subprocess.run([sys.executable, "-c", program, key], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 2
    for line in lines:
        assert line.startswith("ImportError") and "pip install 'jenga-stk[httpx]'" in line


def test_the_extra_is_declared_in_the_installed_metadata() -> None:
    from importlib.metadata import metadata

    meta = metadata("jenga-stk")
    assert "httpx" in (meta.get_all("Provides-Extra") or [])
    requires = meta.get_all("Requires-Dist") or []
    for name in ("httpx", "sniffio"):
        assert any(r.startswith(name) and r.replace('"', "'").endswith("extra == 'httpx'") for r in requires), requires
    assert not [r for r in requires if "extra ==" not in r], "no required dependency"


def test_secrets_never_show_in_reprs() -> None:
    client = j.Client(**config())
    payment = client.resume(
        j.PaymentFlow(
            j.StkPush.from_json(
                b'{"order":{"orderReference":"OR1","orderAmount":2,"orderCurrency":"KES","countryCode":"KE",'
                b'"description":"Purchase"},"customer":{"name":"J","email":"j@example.com","phoneNumber":"0722000111",'
                b'"identityNumber":"1"},"payment":{"paymentReference":"PAY1","paymentCurrency":"KES",'
                b'"callbackUrl":"https://shop.example.com/cb","details":{"msisdn":"0722000000","paymentAmount":2}}}'
            ).sign(j.Signer.from_pem(key_text("test-pkcs1-2048"))),
            j.FlowContext(client.tokens),
            seed=1,
            now=datetime.now(timezone.utc),
        ).to_json()
    )
    pem_lines = [line for line in key_text("test-pkcs1-2048").splitlines() if len(line) > 16 and "-----" not in line]
    shown = [repr(client), str(client), repr(payment), repr(client.tokens), payment.to_json()]
    for text in shown:
        for secret in [API_KEY, CONSUMER_SECRET, CALLBACK_SECRET, IPN_PASSWORD] + pem_lines:
            assert secret not in text, text
    assert "merchant_code='4445776666'" in repr(client)
    assert repr(payment).startswith("Payment(order_reference='OR1'")
    client.close()


def test_arguments_are_checked() -> None:
    with pytest.raises(TypeError, match="exactly one"):
        j.Client(**config(private_key=None))
    with pytest.raises(TypeError, match="exactly one"):
        j.Client(**config(signer=j.Signer.from_pem(key_text("test-pkcs1-2048"))))
    with pytest.raises(TypeError, match="ipn_username and ipn_password"):
        j.Client(**config(ipn_password=None))
    with pytest.raises(j.KeyLoadError):
        j.Client(**config(private_key=key_text("test-pkcs1-2048.pub")))
    with pytest.raises(j.ValidationError):
        j.Client(**config(callback_secret="too short"))
    with pytest.raises(j.ValidationError):
        j.Client(**config(environment="ftp://example.com"))
    with pytest.raises(TypeError):
        j.Client("uat")  # type: ignore[misc]
    client = j.Client(**config())
    with pytest.raises(j.ValidationError) as invalid:
        client.start_payment(
            order_reference="",
            amount=2,
            phone="12",
            customer_name="",
            customer_email="x",
            customer_identity_number="1",
            description="d",
        )
    assert len(invalid.value.problems) >= 3, "every problem at once, before any request"
    with pytest.raises(TypeError, match="float"):
        client.start_payment(
            order_reference="OR1",
            amount=2.5,  # type: ignore[arg-type]
            phone="0722000000",
            customer_name="J",
            customer_email="j@example.com",
            customer_identity_number="1",
            description="d",
        )
    client.close()


def test_the_http_client_is_closed_only_when_owned() -> None:
    with j.Client(**config()) as owned:
        inner = owned._http
        assert isinstance(inner, httpx.Client) and not inner.is_closed
    assert inner.is_closed
    mine = httpx.Client()
    with j.Client(**config(http_client=mine)) as client:
        assert client._http is mine
    assert not mine.is_closed
    mine.close()

    async def scenario() -> None:
        async with j.AsyncClient(**config()) as owned_async:
            inner_async = owned_async._http
            assert isinstance(inner_async, httpx.AsyncClient) and not inner_async.is_closed
        assert inner_async.is_closed
        theirs = httpx.AsyncClient()
        async with j.AsyncClient(**config(http_client=theirs)):
            pass
        assert not theirs.is_closed
        await theirs.aclose()

    asyncio.run(scenario())


def test_the_clients_expose_their_settings() -> None:
    policy = j.RetryPolicy(max_pushes=1)
    client = j.Client(**config(environment="live", policy=policy))
    assert client.environment == j.Environment.LIVE and client.policy == policy
    assert isinstance(client.tokens, j.SharedTokens) and not client.tokens.has_token
    client.close()
