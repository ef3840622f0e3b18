"""The shared table of hostile inputs (`tests/hostile/hostile.json`, also run by
the Rust core, npm and Kotlin): every `error` case raises the `JengaError`
subclass of its code with exactly the expected `code` and `field`; every
`accepts` case (odd but valid) raises nothing and, for an answer of the token,
init or status endpoint, classifies exactly as stated. Then Python-level wrong
types: `TypeError` as documented (never a `PanicException`, never accepted),
and wrong values smuggled in as the right type (subclasses, look-alike digits,
`Decimal('NaN')`) are typed `JengaError`s."""

from __future__ import annotations

import base64
import json
from datetime import datetime
from decimal import Decimal
from typing import Any, Dict, List, Optional

import pytest

import jenga_stk as j
import views
from conftest import REPO, key_text, push_kwargs

TABLE = json.loads((REPO / "tests" / "hostile" / "hostile.json").read_text(encoding="utf-8"))
CASES: List[Dict[str, Any]] = TABLE["cases"]
TEMPLATES: Dict[str, str] = TABLE["templates"]
CONTEXT: Dict[str, str] = TABLE["context"]
MIN_CASES = 30
NOW = datetime.fromisoformat(CONTEXT["now"].replace("Z", "+00:00"))


class Inexpressible(Exception):
    """The case's bytes cannot be given to this API (not UTF-8 where it takes `str`)."""


def expand(spec: Any) -> bytes:
    """A value spec of tests/hostile/README.md as bytes."""
    if isinstance(spec, str):
        return spec.encode()
    if "base64" in spec:
        return base64.b64decode(spec["base64"])
    if "repeat" in spec:
        return (spec["repeat"] * spec["times"]).encode()
    if "concat" in spec:
        return b"".join(expand(part) for part in spec["concat"])
    if "template" in spec:
        out = TEMPLATES[spec["template"]].encode()
        for old, value in spec["replace"]:
            assert out.count(old.encode()) == 1, f"{old!r} must occur once in {spec['template']}"
            out = out.replace(old.encode(), expand(value))
        return out
    raise AssertionError(f"bad spec {spec!r}")


def text(spec: Any) -> str:
    try:
        return expand(spec).decode("utf-8")
    except UnicodeDecodeError:
        raise Inexpressible() from None


def page() -> j.StkPush:
    return j.StkPush.from_json(TEMPLATES["request"])


def run(api: str, data: Dict[str, Any]) -> object:
    """Calls the API; returns what it returned (which means it accepted the input)."""
    if api == "stk_push":
        return j.StkPush.from_json(expand(data["request"]))
    if api == "token_response":
        return j.parse_token_response(data["status"], expand(data["body"]), now=NOW)
    if api == "init_response":
        return j.classify_init_response(data["status"], expand(data["body"]))
    if api == "status_response":
        return j.parse_status_response(data["status"], expand(data["body"]))
    if api == "callback":
        return j.parse_callback(expand(data["body"]))
    if api == "ipn":
        return j.parse_ipn(expand(data["body"]))
    if api == "ipn_auth":
        username = text(data["username"]) if "username" in data else CONTEXT["ipnUsername"]
        password = text(data["password"]) if "password" in data else CONTEXT["ipnPassword"]
        header: Optional[str] = None if data["authorization"] is None else text(data["authorization"])
        j.IpnAuth(username=username, password=password).verify(header)
        return "authenticated"
    if api == "callback_url":
        secret = expand(data["secret"]) if "secret" in data else CONTEXT["callbackSecret"].encode()
        return j.CallbackUrls(secret).verify_url(text(data["url"]))
    if api == "private_key":
        # Bytes as given (the API takes bytes or str), so even non-UTF-8 PEM runs here.
        return j.Signer.from_pem(expand(data["pem"]))
    if api == "signature":
        signature = text(data["signature"])
        with pytest.raises(j.SignatureError) as direct:
            j.Signature.from_base64(signature)
        try:
            return page().with_signature(signature)
        except j.JengaError as e:
            assert e.code == direct.value.code, "with_signature and Signature.from_base64 disagree"
            raise
    if api == "access_token":
        return j.AccessToken(text(data["token"]))
    raise AssertionError(f"unknown api {api}")


def error_class(code: str) -> type:
    if code == "validation_failed":
        return j.ValidationError
    if code.startswith("key_"):
        return j.KeyLoadError
    if code in ("invalid_signature_encoding", "signature_mismatch", "signing_failed"):
        return j.SignatureError
    if code.startswith(("ipn_auth_", "callback_token_", "callback_reference_")):
        return j.AuthenticationError
    return j.ParseError


# What an `accepts` case's API returns when it accepts.
ACCEPTED_TYPES: Dict[str, Any] = {
    "stk_push": j.StkPush,
    "callback": j.StkCallback,
    "ipn": j.Ipn,
    "ipn_auth": str,
    "callback_url": j.CallbackRefs,
    "private_key": j.Signer,
    "signature": j.SignedStkPush,
    "access_token": j.AccessToken,
}
ANSWER_APIS = {"init_response", "token_response", "status_response"}


def test_the_table_cannot_silently_shrink() -> None:
    assert len(CASES) >= MIN_CASES, len(CASES)
    assert len({c["id"] for c in CASES}) == len(CASES), "duplicate ids"
    for case in CASES:
        assert ("error" in case) != ("accepts" in case), f"{case['id']}: error xor accepts"
    assert sum("accepts" in c for c in CASES) >= 10, "the odd-but-valid cases are gone"


RAN: List[str] = []


def check_accepted(case: Dict[str, Any], result: object) -> None:
    """An `accepts` case: every key given must match the answer's view."""
    want: Dict[str, Any] = case["accepts"]
    api = case["api"]
    assert repr(result), "an accepted value has a repr"
    if api in ANSWER_APIS:
        got = views.answer(result)
        assert {k: got.get(k) for k in want} == want, f"{case['id']}: {result!r}"[:500]
        if isinstance(result, j.Rejection):
            assert str(result) and result.hint
    else:
        assert want == {}, f"{case['id']}: accepts for {api} must be {{}}"
        assert isinstance(result, ACCEPTED_TYPES[api]), f"{case['id']}: {result!r}"[:500]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_hostile_case(case: Dict[str, Any]) -> None:
    want = case.get("error")
    try:
        result = run(case["api"], case["input"])
    except Inexpressible:
        pytest.skip("not expressible: bytes that are not UTF-8 for a str parameter")
    except j.JengaError as e:
        RAN.append(case["id"])
        if want is None:
            pytest.fail(f"{case['id']}: must be accepted as {case['accepts']}, raised {e!r}"[:500])
        got = (type(e).__name__, e.code, e.field, e.problems[0].code if isinstance(e, j.ValidationError) else None)
        expected = (error_class(want["code"]).__name__, want["code"], want["field"], want.get("problem"))
        assert got == expected, f"{case['id']}: {e}"
        assert isinstance(e, error_class(want["code"]))
        if isinstance(e, j.ValidationError):
            assert e.problems[0].field == want["field"]
        assert str(e)
        return
    except BaseException as e:  # noqa: B036 - anything else is the failure under test
        pytest.fail(f"{case['id']}: {type(e).__module__}.{type(e).__name__} escaped: {e!r}"[:500])
    RAN.append(case["id"])
    if want is not None:
        pytest.fail(f"{case['id']}: accepted, expected {want}: {result!r}"[:500])
    check_accepted(case, result)


def test_every_expressible_case_ran_and_the_module_still_works() -> None:
    # Runs after the parametrized cases (pytest keeps file order).
    print(f"hostile: {len(RAN)} of {len(CASES)} cases ran in Python")
    assert len(RAN) >= MIN_CASES
    assert len(RAN) == len(CASES), sorted({c["id"] for c in CASES} - set(RAN))
    assert page().signing_string == "OR28922980077KES07220000002"


# ---------------------------------------------------------------- Python-level wrong types


class DictSubclass(dict):  # type: ignore[type-arg]
    pass


class StrSubclass(str):
    pass


WRONG_FOR_BODY: List[Any] = [None, 0, 2.5, True, [], {}, DictSubclass(a=1), object(), memoryview(b"{}")]
WRONG_FOR_STR: List[Any] = [None, 0, 2.5, True, b"text", bytearray(b"text"), [], DictSubclass(a=1), object()]

BODY_CALLS = {
    "StkPush.from_json": lambda v: j.StkPush.from_json(v),
    "parse_token_response": lambda v: j.parse_token_response(200, v, now=NOW),
    "classify_init_response": lambda v: j.classify_init_response(200, v),
    "parse_status_response": lambda v: j.parse_status_response(200, v),
    "parse_callback": lambda v: j.parse_callback(v),
    "parse_ipn": lambda v: j.parse_ipn(v),
    "Signer.from_pem": lambda v: j.Signer.from_pem(v),
    "CallbackUrls": lambda v: j.CallbackUrls(v),
}
STR_CALLS = {
    "AccessToken": lambda v: j.AccessToken(v),
    "Signature.from_base64": lambda v: j.Signature.from_base64(v),
    "IpnAuth(username=)": lambda v: j.IpnAuth(username=v, password="pass"),
    "CallbackUrls.verify_url": lambda v: j.CallbackUrls(CONTEXT["callbackSecret"]).verify_url(v),
    "StkPush(msisdn=)": lambda v: j.StkPush(**push_kwargs(msisdn=v)),
}


def raises_type_error(call: Any, value: Any, label: str) -> None:
    try:
        call(value)
    except TypeError:
        return
    except BaseException as e:  # noqa: B036
        pytest.fail(f"{label}({value!r}): {type(e).__module__}.{type(e).__name__} instead of TypeError: {e!r}")
    pytest.fail(f"{label}({value!r}) was accepted")


@pytest.mark.parametrize("name", sorted(BODY_CALLS))
def test_wrong_python_types_for_bodies_are_type_errors(name: str) -> None:
    for value in WRONG_FOR_BODY:
        raises_type_error(BODY_CALLS[name], value, name)


@pytest.mark.parametrize("name", sorted(STR_CALLS))
def test_wrong_python_types_for_str_are_type_errors(name: str) -> None:
    for value in WRONG_FOR_STR:
        raises_type_error(STR_CALLS[name], value, name)


def test_wrong_python_types_for_amounts_times_and_statuses() -> None:
    for value in [None, 2.0, True, b"2", [2], DictSubclass(a=1), float("nan")]:
        raises_type_error(lambda v: j.StkPush(**push_kwargs(payment_amount=v)), value, "payment_amount")
    for value in [None, 0, "2021-07-13T07:03:05Z", datetime(2021, 7, 13), DictSubclass()]:
        raises_type_error(lambda v: j.parse_token_response(200, TEMPLATES["token"], now=v), value, "now")
    for value in [None, "200", 200.0, b"200"]:
        raises_type_error(lambda v: j.parse_token_response(v, TEMPLATES["token"], now=NOW), value, "status")
    # IpnAuth.verify: None means the header is absent.
    with pytest.raises(j.AuthenticationError) as absent:
        j.IpnAuth(username="jenga", password="pass").verify(None)
    assert absent.value.code == "ipn_auth_missing"


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("payment_amount", Decimal("NaN"), "invalid_amount"),
        ("payment_amount", Decimal("sNaN"), "invalid_amount"),
        ("payment_amount", Decimal("-Infinity"), "invalid_amount"),
        ("payment_amount", Decimal("-0"), "amount_not_positive"),
        ("payment_amount", 10**100, "amount_too_large"),
        ("payment_amount", "２", "invalid_amount"),
        ("payment_amount", "٢", "invalid_amount"),
        ("payment_amount", "२", "invalid_amount"),
        ("payment_amount", "²", "invalid_amount"),
        ("payment_amount", " 2", "invalid_amount"),
        ("payment_amount", "2\x00", "invalid_amount"),
        ("payment_amount", "1e3", "invalid_amount"),
        ("msisdn", "٠٧٢٢٠٠٠٠٠٠", "invalid_phone"),
        ("msisdn", "０７２２０００００", "invalid_phone"),
        ("msisdn", StrSubclass("०७२२००००००"), "invalid_phone"),
        ("msisdn", "⁰⁷²²000000", "invalid_phone"),
        ("msisdn", "0722000000\x00", "control_character"),
        ("msisdn", "", "required"),
        ("customer_name", "John\x00Doe", "control_character"),
        ("order_reference", "9" * 1_000_000, "too_long"),
    ],
    ids=lambda v: repr(v)[:24],
)
def test_wrong_values_of_the_right_python_type_are_validation_errors(field: str, value: Any, problem: str) -> None:
    overrides = {field: value}
    if field == "payment_amount":
        overrides["order_amount"] = value  # so amount_exceeds_order does not come first
    with pytest.raises(j.ValidationError) as info:
        j.StkPush(**push_kwargs(**overrides))
    e = info.value
    assert e.code == "validation_failed"
    expected_field = {"payment_amount": "order.orderAmount", "msisdn": "payment.details.msisdn"}.get(field)
    codes = {(p.code, p.field) for p in e.problems}
    assert any(code == problem for code, _ in codes), codes
    if expected_field:
        assert (problem, expected_field) in codes, codes


def test_the_module_still_works_after_all_of_that() -> None:
    signer = j.Signer.from_pem(key_text("test-pkcs1-2048"))
    signed = page().sign(signer)
    assert signed.http_request("uat", "eyJ.a.b").header("Signature") == signed.signature.base64
