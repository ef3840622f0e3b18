"""Hostile input: every parser, fed truncations, byte flips and oversized
numbers of the real bodies in the vectors, returns a value or raises a
`JengaError`; nothing else escapes (no `PanicException`, no `OverflowError`
from a date Python cannot hold, no `UnicodeDecodeError`)."""

from __future__ import annotations

import json
import random
import re
from datetime import datetime, timezone
from typing import Any, Callable, Iterator, List

import pytest

import jenga_stk as j
from conftest import VECTORS, key_text

NOW = datetime(2021, 7, 13, 7, 3, 5, tzinfo=timezone.utc)
URLS = j.CallbackUrls(b"test-only callback secret, 32+ bytes long")
CALLBACK_URL = URLS.callback_url("https://shop.example.com/cb", "OR28922980077", "MKQR28922980073")
AUTH = j.IpnAuth(username="jenga", password="pass")


def bodies() -> List[bytes]:
    out = []
    for name in ["callbacks.json", "ipn.json", "init_responses.json", "status_responses.json", "token_responses.json"]:
        for case in json.loads((VECTORS / name).read_text())["cases"]:
            body = case["input"].get("body")
            if isinstance(body, str) and len(body) < 4096:
                out.append(body.encode())
    assert len(out) > 50
    return out


def mutations(body: bytes, rng: random.Random) -> Iterator[bytes]:
    step = max(1, len(body) // 48)
    for end in range(0, len(body), step):
        yield body[:end]
    for _ in range(48 if body else 0):
        flipped = bytearray(body)
        i = rng.randrange(len(flipped))
        flipped[i] = rng.choice([0x00, 0x22, 0x5C, 0x7B, 0x7D, 0xFF, 0xC3, 0x39, 0x2D, rng.randrange(256)])
        yield bytes(flipped)
    # Numbers far beyond every range (epoch milliseconds, amounts, codes).
    for match in list(re.finditer(rb"[0-9]+", body))[:12]:
        yield body[: match.end()] + b"9" * 24 + body[match.end() :]
        yield body[: match.end()] + b"0000" + body[match.end() :]  # epoch ms past year 9999
        yield body[: match.start()] + b"-" + body[match.start() :]


PARSERS: List[Callable[[bytes], Any]] = [
    lambda b: j.parse_callback(b),
    lambda b: j.parse_ipn(b),
    lambda b: j.classify_init_response(200, b),
    lambda b: j.classify_init_response(502, b),
    lambda b: j.parse_status_response(200, b),
    lambda b: j.parse_token_response(200, b, now=NOW),
    lambda b: j.parse_token_response(401, b, now=NOW),
    lambda b: j.signing_string_of_body(b),
    lambda b: URLS.verify_callback(CALLBACK_URL, b),
    lambda b: j.StkPush.from_json(b),
]


def only_jenga_errors(call: Callable[[], Any]) -> None:
    try:
        call()
    except j.JengaError:
        pass
    except BaseException as e:  # noqa: B036 - anything else is the failure under test
        pytest.fail(f"{type(e).__module__}.{type(e).__name__} escaped: {e!r}")


def test_parsers_only_raise_jenga_errors() -> None:
    rng = random.Random(20240809)
    calls = 0
    far_dates_absent = 0
    for body in bodies():
        for mutated in mutations(body, rng):
            for parse in PARSERS:
                try:
                    result = parse(mutated)
                except j.JengaError:
                    pass
                except BaseException as e:  # noqa: B036 - anything else is the failure under test
                    pytest.fail(f"{type(e).__module__}.{type(e).__name__} escaped: {e!r}")
                else:
                    far_dates_absent += _has_a_far_date(mutated) and _no_dates(result)
                calls += 1
    assert calls > 50_000, calls
    # Dates past what Python's datetime holds were reached; dates are side
    # fields, so the core left them absent and the payload still parsed.
    assert far_dates_absent > 0


def _has_a_far_date(body: bytes) -> bool:
    return re.search(rb'"(createdOn|completedOn)":[0-9]{17,}', body) is not None


def _no_dates(result: Any) -> bool:
    if isinstance(result, j.OrderStatus):
        return result.order.created_on is None
    return False


def test_the_push_builder_only_raises_jenga_errors() -> None:
    rng = random.Random(7)
    texts = ["", " ", "\x00", "é", "０722000000", "a" * 5000, "2e0", "-0", "1" * 40, "\ud7ff", "OR\n1", "https://x"]
    fields = [
        "order_reference",
        "order_currency",
        "country_code",
        "description",
        "customer_name",
        "customer_email",
        "customer_phone_number",
        "customer_identity_number",
        "payment_reference",
        "payment_currency",
        "callback_url",
        "msisdn",
    ]
    for _ in range(3000):
        kwargs: dict = {name: rng.choice(texts) for name in fields}
        kwargs["order_amount"] = rng.choice(texts)
        kwargs["payment_amount"] = rng.choice(texts)
        only_jenga_errors(lambda: j.StkPush(**kwargs))


def test_headers_signatures_and_keys_only_raise_jenga_errors() -> None:
    rng = random.Random(11)
    good = AUTH.authorization_header()
    for _ in range(2000):
        header = bytearray(good.encode())
        header[rng.randrange(len(header))] = rng.randrange(32, 127)
        only_jenga_errors(lambda: AUTH.verify(header.decode()))
        only_jenga_errors(lambda: URLS.verify_url(CALLBACK_URL[: rng.randrange(len(CALLBACK_URL))]))
    signature = j.Signer.from_pem(key_text("test-pkcs1-2048")).sign(b"m").base64
    for end in range(0, len(signature) + 1, 7):
        only_jenga_errors(lambda: j.Signature.from_base64(signature[:end]))
    pem = key_text("test-pkcs1-2048")
    for end in range(0, len(pem), 97):
        only_jenga_errors(lambda: j.Signer.from_pem(pem[:end]))
        only_jenga_errors(lambda: j.Verifier.from_pem(pem[:end]))
    only_jenga_errors(lambda: j.Signer.from_pem(b"\xff\xfe garbage that is not UTF-8"))
