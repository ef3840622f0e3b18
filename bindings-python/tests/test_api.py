"""The Python idiom of the binding: money, times, errors, secrets, immutability."""

from __future__ import annotations

import importlib.metadata
import pickle
import time
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
import requests

import jenga_stk as j
from conftest import key_text, push_kwargs

NOW = datetime(2021, 7, 13, 7, 3, 5, tzinfo=timezone.utc)
TOKEN_BODY = (
    b'{"accessToken":"eyJhbGciOiJSUzI1NiJ9.s3cr3t-token.c2ln","refreshToken":"s3cr3t-refresh",'
    b'"expiresIn":"2021-07-13T07:18:02Z","issuedAt":"2021-07-13T07:03:02Z","tokenType":"Bearer"}'
)
CALLBACK_SECRET = b"a merchant secret of at least 32 bytes"
PAID_CALLBACK = (
    b'{"status":true,"code":"0","message":"ok","transactionReference":"MKQR28922980073","data":{"Body":'
    b'{"stkCallback":{"MerchantRequestID":"m","CheckoutRequestID":"c","ResultDesc":"ok","ResultCode":0,'
    b'"CallbackMetadata":{"Item":[{"Value":2,"Name":"Amount"},{"Value":"SH90HU7FO2","Name":"MpesaReceiptNumber"},'
    b'{"Name":"Balance"},{"Value":20240809162247,"Name":"TransactionDate"},{"Value":254722000000,"Name":"PhoneNumber"}]}}}}}'
)
IPN = (
    b'{"callbackType":"IPN","customer":{"name":"John Doe","mobileNumber":"0722000000","reference":"OR28922980077"},'
    b'"transaction":{"date":"2024-08-09 16:22:50","reference":"SH90HU7FO2","paymentMode":"MPESA","amount":2,'
    b'"currency":"KES","serviceCharge":1,"billNumber":"INVDBU","status":"SUCCESS"}}'
)


@pytest.fixture(scope="module")
def signer() -> j.Signer:
    return j.Signer.from_pem(key_text("test-pkcs1-2048"))


# ---------------------------------------------------------------- money


@pytest.mark.parametrize(
    ("value", "options", "text"),
    [
        (Decimal("2"), None, '"paymentAmount":2}'),
        (2, None, '"paymentAmount":2}'),
        ("2", None, '"paymentAmount":2}'),
        (Decimal("2E+1"), None, '"paymentAmount":20}'),
        (Decimal("2.50"), j.RequestOptions(amount_decimals="two"), '"paymentAmount":2.50}'),
        ("2.5", j.RequestOptions(amount_decimals="two", amount_encoding="string"), '"paymentAmount":"2.50"}'),
        (Decimal("2.000"), None, '"paymentAmount":2}'),
    ],
)
def test_amounts_in_are_exact(value: Any, options: Any, text: str) -> None:
    push = j.StkPush(**push_kwargs(order_amount=value, payment_amount=value), options=options)
    assert push.body.decode().endswith(text + "}}")
    assert isinstance(push.payment_amount, Decimal) and isinstance(push.order_amount, Decimal)
    assert push.payment_amount == Decimal(str(value))


@pytest.mark.parametrize("bad", [2.0, 2.5, float("nan")])
def test_a_float_amount_is_refused_with_a_clear_type_error(bad: float) -> None:
    with pytest.raises(TypeError, match="float"):
        j.StkPush(**push_kwargs(payment_amount=bad))
    with pytest.raises(TypeError, match="float"):
        j.RequestOptions(max_amount=bad)
    with pytest.raises(TypeError, match="float"):
        j.reconcile(order_reference="OR1", amount=bad)


@pytest.mark.parametrize("bad", [True, None, [2], b"2", object()])
def test_other_non_money_types_are_type_errors(bad: Any) -> None:
    with pytest.raises(TypeError):
        j.StkPush(**push_kwargs(order_amount=bad))


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (Decimal("NaN"), "invalid_amount"),
        (Decimal("Infinity"), "invalid_amount"),
        (Decimal("1E+999999999"), "invalid_amount"),
        (Decimal("-2"), "amount_not_positive"),
        (Decimal("0"), "amount_not_positive"),
        (Decimal("2.005"), "amount_too_precise"),
        ("2e0", "invalid_amount"),
        (Decimal("250001"), "amount_too_large"),
    ],
)
def test_invalid_amounts_are_validation_problems(value: Any, code: str) -> None:
    with pytest.raises(j.ValidationError) as info:
        j.StkPush(**push_kwargs(payment_amount=value, options=j.RequestOptions(amount_decimals="two")))
    assert (info.value.problems[0].field, info.value.problems[0].code) == ("payment.details.paymentAmount", code)


def test_amounts_out_are_decimals() -> None:
    accepted = j.classify_init_response(
        200, b'{"status":true,"code":"0","data":{"amount":1500.50,"charge":0,"amountDebited":"1500.5"}}'
    )
    assert isinstance(accepted, j.InitAccepted)
    assert accepted.amount == Decimal("1500.5") and isinstance(accepted.amount, Decimal)
    assert accepted.charge == Decimal(0) and isinstance(accepted.charge, Decimal)
    assert accepted.amount_debited == Decimal("1500.5")
    options = j.RequestOptions(max_amount=Decimal("1000"))
    assert options.max_amount == Decimal("1000") and isinstance(options.max_amount, Decimal)
    assert j.RequestOptions().max_amount is None
    decision = j.reconcile(order_reference="OR28922980077", amount="2", ipns=[j.parse_ipn(IPN)])
    assert decision.amount_paid == Decimal("2") and isinstance(decision.amount_paid, Decimal)


def test_reconcile_refuses_an_invalid_expected_amount() -> None:
    with pytest.raises(j.ValidationError) as info:
        j.reconcile(order_reference="OR1", amount="2.005")
    assert [(p.field, p.code) for p in info.value.problems] == [("amount", "amount_too_precise")]


# ---------------------------------------------------------------- times


def test_now_must_be_an_aware_datetime() -> None:
    with pytest.raises(TypeError, match="naive"):
        j.parse_token_response(200, TOKEN_BODY, now=datetime(2021, 7, 13, 7, 3, 5))
    with pytest.raises(TypeError, match="datetime"):
        j.parse_token_response(200, TOKEN_BODY, now="2021-07-13T07:03:05Z")  # type: ignore[arg-type]
    state = j.TokenState("uat", j.Credentials(api_key="k", merchant_code="m", consumer_secret="s"))
    with pytest.raises(TypeError, match="naive"):
        state.next_action(datetime(2021, 7, 13))


def test_times_keep_the_instant_and_the_offset() -> None:
    nairobi = timezone(timedelta(hours=3))
    now = NOW.astimezone(nairobi)
    token = j.parse_token_response(200, TOKEN_BODY, now=now)
    assert isinstance(token, j.Token)
    assert token.received_at == now and token.received_at.utcoffset() == timedelta(hours=3)
    assert token.expires_at - token.received_at == timedelta(minutes=15)
    assert token.issued_at == datetime(2021, 7, 13, 7, 3, 2, tzinfo=timezone.utc)
    assert token.issued_at is not None and token.issued_at.utcoffset() == timedelta(0)
    callback = j.parse_callback(PAID_CALLBACK)
    assert isinstance(callback.outcome, j.CallbackPayment)
    date = callback.outcome.transaction_date
    assert date is not None
    assert date == datetime(2024, 8, 9, 16, 22, 47, tzinfo=j.EAT)
    assert date.utcoffset() == timedelta(hours=3) == j.EAT.utcoffset(None)
    ipn = j.parse_ipn(IPN)
    assert ipn.transaction.date == datetime(2024, 8, 9, 13, 22, 50, tzinfo=timezone.utc)


def test_milliseconds_survive_and_microseconds_are_dropped() -> None:
    now = datetime(2021, 7, 13, 7, 3, 5, 123999, tzinfo=timezone.utc)
    token = j.parse_token_response(200, TOKEN_BODY, now=now)
    assert isinstance(token, j.Token)
    assert token.received_at == now.replace(microsecond=123000)


def test_a_side_date_python_cannot_hold_is_absent() -> None:
    # Since issue 13 dates are side fields: out of range, they are absent and
    # the payload still parses (it used to be a ParseError).
    for far in [b"999999999999999999", b"253402300800000", b"-99999999999999999"]:
        body = (
            b'{"status":true,"code":"0","data":{"order":{"orderReference":"OR1","orderAmount":2,"orderStatus":"Paid",'
            b'"createdOn":' + far + b"}}}"
        )
        found = j.parse_status_response(200, body)
        assert isinstance(found, j.OrderStatus) and found.order.created_on is None
    far_ipn = j.parse_ipn(IPN.replace(b"2024-08-09 16:22:50", b"99999-08-09 16:22:50"))
    assert far_ipn.transaction.date is None and far_ipn.transaction.amount == Decimal(2)


def test_a_time_python_cannot_hold_is_a_parse_error() -> None:
    # `expires_at` is `now` plus the lifetime: past year 9999 it cannot be a datetime.
    with pytest.raises(j.ParseError) as info:
        j.parse_token_response(200, TOKEN_BODY, now=datetime.max.replace(tzinfo=timezone.utc))
    assert (info.value.code, info.value.field) == ("invalid_field", None)


def test_margins_are_timedeltas() -> None:
    credentials = j.Credentials(api_key="k", merchant_code="m", consumer_secret="s")
    assert j.TokenState.DEFAULT_MARGIN == timedelta(seconds=60)
    assert j.DEFAULT_TOKEN_LIFETIME == timedelta(minutes=15)
    with pytest.raises(TypeError):
        j.TokenState("uat", credentials, margin=60)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        j.TokenState("uat", credentials, margin=timedelta(seconds=-1))
    state = j.TokenState("uat", credentials, margin=timedelta(minutes=14, seconds=58))
    state.on_response(200, TOKEN_BODY, now=NOW)
    # Lifetime 15 min: with a margin of 14:58 the token is used for 2 s only.
    assert isinstance(state.next_action(NOW + timedelta(seconds=1)), j.AccessToken)
    assert isinstance(state.next_action(NOW + timedelta(seconds=2)), j.HttpRequest)


# ---------------------------------------------------------------- errors


def test_the_error_hierarchy() -> None:
    for cls in (
        j.ValidationError,
        j.KeyLoadError,
        j.SignatureError,
        j.ParseError,
        j.AuthenticationError,
        j.ProviderRejectedError,
    ):
        assert issubclass(cls, j.JengaError) and issubclass(cls, Exception)
    assert issubclass(j.ValidationError, ValueError)
    assert j.ValidationError.__module__ == "jenga_stk"


def test_validation_errors_carry_every_problem() -> None:
    with pytest.raises(ValueError) as info:
        j.StkPush.from_json(b'{"order": {"orderAmount": 2.5}}')
    e = info.value
    assert isinstance(e, j.ValidationError)
    assert e.code == "validation_failed"
    assert e.field == "order.orderReference"
    assert len(e.problems) > 10
    assert e.problems[0] == j.Problem("order.orderReference", "required", e.problems[0].message)
    assert any(p == ("order.orderAmount", "amount_not_whole", p.message) for p in e.problems)
    assert str(e).startswith(f"invalid input ({len(e.problems)} problems)")
    assert isinstance(e.problems, tuple)


def test_errors_pickle_with_their_details() -> None:
    with pytest.raises(j.ValidationError) as info:
        j.Credentials(api_key="", merchant_code="m", consumer_secret="a b")
    again = pickle.loads(pickle.dumps(info.value))
    assert type(again) is j.ValidationError
    assert (again.code, again.field, again.problems) == (info.value.code, info.value.field, info.value.problems)
    assert str(again) == str(info.value)


def test_each_error_class_from_its_cause(signer: j.Signer) -> None:
    with pytest.raises(j.KeyLoadError) as key:
        j.Signer.from_pem("garbage")
    assert (key.value.code, key.value.field) == ("key_invalid", None)
    with pytest.raises(j.KeyLoadError) as public:
        j.Signer.from_pem(key_text("test-pkcs1-2048.pub"))
    assert public.value.code == "key_is_public"
    with pytest.raises(j.SignatureError) as sig:
        j.StkPush(**push_kwargs()).with_signature("not base64!")
    assert sig.value.code == "invalid_signature_encoding"
    with pytest.raises(j.SignatureError) as mismatch:
        signer.verifier().verify(b"other message", signer.sign(b"message"))
    assert mismatch.value.code == "signature_mismatch"
    with pytest.raises(j.ParseError) as parse:
        j.parse_callback(b"<html>Bad gateway</html>")
    assert (parse.value.code, parse.value.field) == ("not_json", None)
    with pytest.raises(j.ParseError) as missing:
        j.parse_ipn(b'{"customer":{"reference":"OR1"},"transaction":{}}')
    assert missing.value.code == "missing_field" and missing.value.field is not None
    with pytest.raises(j.AuthenticationError) as auth:
        j.CallbackUrls(CALLBACK_SECRET).verify_url("https://shop.example.com/cb")
    assert auth.value.code == "callback_token_missing"
    state = j.TokenState("uat", j.Credentials(api_key="k", merchant_code="m", consumer_secret="s"))
    with pytest.raises(j.ProviderRejectedError) as rejected:
        state.on_response(401, b'{"status":false,"code":401,"message":"Invalid credentials"}', now=NOW)
    r = rejected.value.rejection
    # On the token endpoint a 401 is bad merchant credentials: a new token cannot help.
    assert (r.kind, r.action, r.http_status, r.provider_code) == ("unauthorized", "do_not_retry", 401, "401")
    assert rejected.value.code == "provider_rejected"


def test_the_errors_of_secrets_never_quote_them() -> None:
    with pytest.raises(j.ValidationError) as info:
        j.Credentials(api_key="k3y with space", merchant_code="m", consumer_secret="s3cr3t\n")
    text = str(info.value) + repr(info.value) + repr(info.value.problems)
    assert "k3y" not in text and "s3cr3t" not in text
    with pytest.raises(j.ValidationError) as token:
        j.AccessToken("s3cr3t token")
    assert "s3cr3t" not in str(token.value) + repr(token.value)
    with pytest.raises(j.AuthenticationError) as ipn:
        j.IpnAuth(username="jenga", password="s3cr3t").verify("Basic amVuZ2E6dzdvbmctcGE1NQ==")
    assert "s3cr3t" not in str(ipn.value) and "w7ong" not in str(ipn.value)
    with pytest.raises(j.KeyLoadError) as key:
        j.Signer.from_pem(key_text("test-pkcs1-2048")[:300])
    assert "MII" not in str(key.value)


# ---------------------------------------------------------------- secrets in repr and str


def test_no_repr_or_str_shows_a_secret(signer: j.Signer) -> None:
    credentials = j.Credentials(api_key="k3y-value", merchant_code="4445776666", consumer_secret="s3cr3t-value")
    state = j.TokenState(j.Environment.UAT, credentials)
    token_request = state.next_action(NOW)
    assert isinstance(token_request, j.HttpRequest)
    assert token_request.body_is_secret and b"s3cr3t-value" in token_request.body
    token = state.on_response(200, TOKEN_BODY, now=NOW)
    push = j.StkPush(**push_kwargs()).sign(signer)
    request = push.http_request("uat", token.access_token)
    objects = [
        signer,
        credentials,
        state,
        token_request,
        token,
        token.access_token,
        request,
        j.CallbackUrls(CALLBACK_SECRET),
        j.IpnAuth(username="ipn-user", password="ipn-pa55word"),
    ]
    secrets = ["k3y-value", "s3cr3t-value", "s3cr3t-token", "s3cr3t-refresh", "merchant secret", "ipn-pa55word", "ipn-user"]
    for obj in objects:
        for text in (repr(obj), str(obj)):
            for secret in secrets:
                assert secret not in text, f"{type(obj).__name__} shows {secret}: {text}"
    assert "<redacted>" in str(request) and "Bearer" not in str(request)
    assert repr(signer) == "Signer(bits=2048, backend='aws-lc-rs', key=<redacted>)"
    assert repr(token.access_token) == "AccessToken(<redacted>)"
    assert "4445776666" in repr(credentials)
    # The values are still there for the HTTP client.
    assert request.headers["Authorization"] == "Bearer eyJhbGciOiJSUzI1NiJ9.s3cr3t-token.c2ln"
    assert token.refresh_token == "s3cr3t-refresh"


def test_reprs_are_readable() -> None:
    callback = j.parse_callback(PAID_CALLBACK)
    assert repr(callback).startswith("StkCallback(transaction_reference='MKQR28922980073', result_code=0")
    assert "amount=Decimal('2')" in repr(callback.outcome)
    ipn = j.parse_ipn(IPN)
    assert repr(ipn).startswith("Ipn(order_reference='OR28922980077', dedupe_key='SH90HU7FO2'")
    assert repr(j.Environment("uat")) == "Environment('uat')"
    assert repr(j.Limits()) == "Limits(max_body_bytes=65536, max_depth=32)"
    assert repr(j.RequestOptions(phone_format="local")) == (
        "RequestOptions(amount_decimals='whole', amount_encoding='number', phone_format='local', "
        "max_amount=None, max_reference_length=32, max_description_length=100)"
    )
    decision = j.reconcile(order_reference="OR28922980077", ipns=[ipn])
    assert repr(decision).startswith("Reconciliation(state='paid', decided_by='ipn', confirmed=True")


# ---------------------------------------------------------------- answers that are not the provider's JSON


@pytest.mark.parametrize(
    ("status", "body", "kind", "action", "excerpt"),
    [
        (502, b"<html><head><title>502</title></head><body><h1>Bad Gateway</h1>nginx</body></html>",
         "server_error", "check_status_first", "502 Bad Gateway nginx"),
        (503, b"Service Unavailable", "server_error", "check_status_first", "Service Unavailable"),
        (200, b"<html>maintenance</html>", "invalid_response", "check_status_first", "maintenance"),
        (200, b"", "invalid_response", "check_status_first", None),
        (429, b"slow down", "rate_limited", "retry_with_backoff", "slow down"),
        (500, b'{"status":false,"code":"-1"', "server_error", "check_status_first", None),
    ],
)
def test_every_init_answer_classifies_with_an_excerpt_for_logs(
    status: int, body: bytes, kind: str, action: str, excerpt: Any
) -> None:
    r = j.classify_init_response(status, body)
    assert isinstance(r, j.Rejection), r
    assert (r.http_status, r.kind, r.action, r.body_excerpt) == (status, kind, action, excerpt)
    assert r.provider_code is None and r.message is None
    assert f"body_excerpt={excerpt!r}" in repr(r)
    if excerpt is not None:
        assert repr(excerpt) in str(r) or f'"{excerpt}"' in str(r)
    if action == "check_status_first":
        assert "query the order" in r.hint


def test_token_and_status_answers_that_are_not_json_are_rejections() -> None:
    token = j.parse_token_response(502, b"<html>Bad Gateway</html>", now=NOW)
    assert isinstance(token, j.Rejection)
    # The token request carries the API key and consumer secret: its rejections keep no excerpt.
    assert (token.kind, token.action, token.body_excerpt) == ("server_error", "retry_with_backoff", None)
    refused = j.parse_token_response(200, b'{"status":false,"code":401,"message":"Invalid credentials"}', now=NOW)
    assert isinstance(refused, j.Rejection) and (refused.kind, refused.action) == ("unauthorized", "do_not_retry")
    status = j.parse_status_response(200, b"<html>oops</html>")
    assert isinstance(status, j.Rejection)
    assert (status.kind, status.action, status.body_excerpt) == ("invalid_response", "retry_with_backoff", "oops")
    # The state holder raises it, with the same rejection.
    state = j.TokenState("uat", j.Credentials(api_key="k", merchant_code="m", consumer_secret="s"))
    with pytest.raises(j.ProviderRejectedError) as info:
        state.on_response(504, b"Gateway Timeout", now=NOW)
    assert (info.value.rejection.kind, info.value.rejection.body_excerpt) == ("server_error", None)
    assert info.value.rejection == j.parse_token_response(504, b"Gateway Timeout", now=NOW)


def test_json_bodies_never_get_an_excerpt() -> None:
    r = j.classify_init_response(400, b'{"status":false,"code":400,"message":"Invalid msisdn"}')
    assert isinstance(r, j.Rejection)
    assert (r.kind, r.action, r.body_excerpt, r.message) == ("invalid_request", "do_not_retry", None, "Invalid msisdn")


# ---------------------------------------------------------------- no answer at all


@pytest.mark.parametrize(
    ("endpoint", "failure", "action"),
    [
        ("init", "connect_failed", "retry_with_backoff"),
        ("init", "timeout", "check_status_first"),
        ("init", "connection_lost", "check_status_first"),
        ("token", "timeout", "retry_with_backoff"),
        ("status", "connection_lost", "retry_with_backoff"),
    ],
)
def test_advise_transport_failure(endpoint: j.Endpoint, failure: j.TransportFailure, action: str) -> None:
    assert j.advise_transport_failure(endpoint, failure) == action


def test_advise_transport_failure_refuses_unknown_codes_all_at_once() -> None:
    with pytest.raises(j.ValidationError) as both:
        j.advise_transport_failure("push", "reset")  # type: ignore[arg-type]
    assert [(p.field, p.code) for p in both.value.problems] == [("endpoint", "invalid_option"), ("failure", "invalid_option")]
    assert "reset" not in str(both.value), "the value is not quoted"
    with pytest.raises(j.ValidationError) as one:
        j.advise_transport_failure("init", "Timeout")  # type: ignore[arg-type]
    assert [(p.field, p.code) for p in one.value.problems] == [("failure", "invalid_option")]
    with pytest.raises(TypeError):
        j.advise_transport_failure(None, "timeout")  # type: ignore[arg-type]


# ---------------------------------------------------------------- token lifetimes


@pytest.mark.parametrize(
    ("fields", "lifetime", "minutes"),
    [
        ('"expiresIn":"2021-07-13T07:18:02Z","issuedAt":"2021-07-13T07:03:02Z"', "timestamps", 15),
        ('"expiresIn":3599', "seconds", 3599 / 60),
        ('"expiresIn":"600"', "seconds", 10),
        ('"expiresIn":"soon"', "assumed", 15),
        ('"expiresIn":999999999', "assumed", 15),
        ("", "assumed", 15),
    ],
)
def test_token_lifetime_says_where_the_expiry_came_from(fields: str, lifetime: str, minutes: float) -> None:
    body = ('{"accessToken":"eyJ.a.b"' + ("," + fields if fields else "") + "}").encode()
    token = j.parse_token_response(200, body, now=NOW)
    assert isinstance(token, j.Token), token
    assert token.lifetime == lifetime
    assert token.expires_at - token.received_at == timedelta(minutes=minutes)
    assert f"lifetime={lifetime!r}" in repr(token)


# ---------------------------------------------------------------- side fields may be absent


def test_a_callback_without_side_fields() -> None:
    body = (
        b'{"transactionReference":"MKQR28922980073","data":{"Body":{"stkCallback":{"ResultCode":0,'
        b'"CallbackMetadata":{"Item":[{"Value":2,"Name":"Amount"},{"Value":"SH90HU7FO2","Name":"MpesaReceiptNumber"},'
        b'{"Value":"2547*****000","Name":"PhoneNumber"}]}}}}}'
    )
    callback = j.parse_callback(body)
    assert (callback.merchant_request_id, callback.checkout_request_id, callback.result_desc) == (None, None, None)
    paid = callback.outcome
    assert isinstance(paid, j.CallbackPayment)
    assert (paid.phone_number, paid.transaction_date, paid.amount) == ("2547*****000", None, Decimal(2))
    assert j.parse_callback(callback.to_json()) == callback
    cancelled = j.parse_callback(body.replace(b'"ResultCode":0', b'"ResultCode":1031'))
    assert isinstance(cancelled.outcome, j.CallbackFailure) and cancelled.outcome.reason == "cancelled"


def test_an_ipn_without_an_order_reference_is_a_payment_not_from_a_push() -> None:
    body = (
        b'{"callbackType":"IPN","customer":{"name":"John Doe","mobileNumber":"0722000000"},'
        b'"transaction":{"reference":"SH90HU7FO9","amount":2,"status":"SUCCESS"}}'
    )
    ipn = j.parse_ipn(body)
    assert ipn.order_reference is None and ipn.customer.reference is None
    t = ipn.transaction
    assert (t.date, t.payment_mode, t.currency, t.amount) == (None, None, None, Decimal(2))
    assert ipn.dedupe_key == "SH90HU7FO9"
    assert repr(ipn).startswith("Ipn(order_reference=None, dedupe_key='SH90HU7FO9'")
    assert j.parse_ipn(ipn.to_json()) == ipn
    # Evidence about no order: it decides nothing for ours.
    decision = j.reconcile(order_reference="OR28922980077", ipns=[ipn])
    assert decision.state == "pending" and decision.mpesa_receipt is None


def test_reconcile_reports_the_currency_paid() -> None:
    ipn = j.parse_ipn(IPN)
    paid = j.reconcile(order_reference="OR28922980077", amount=2, currency="KES", ipns=[ipn])
    assert (paid.state, paid.currency_paid, paid.currency_confirmed) == ("paid", "KES", True)
    assert "currency_paid='KES'" in repr(paid)
    other = j.reconcile(order_reference="OR28922980077", amount=2, currency="USD", ipns=[ipn])
    assert (other.currency_paid, other.currency_confirmed) == ("KES", False)
    assert [c.kind for c in other.conflicts] == ["currency_mismatch"]
    no_currency = j.parse_ipn(IPN.replace(b'"currency":"KES",', b""))
    unstated = j.reconcile(order_reference="OR28922980077", amount=2, currency="KES", ipns=[no_currency])
    assert (unstated.state, unstated.currency_paid, unstated.currency_confirmed) == ("paid", None, False)
    assert j.reconcile(order_reference="OR28922980077").currency_confirmed is False


def test_two_successes_with_different_receipts_are_a_conflict() -> None:
    first = j.parse_ipn(IPN)
    second = j.parse_ipn(IPN.replace(b"SH90HU7FO2", b"SH90HU7FO3"))
    decision = j.reconcile(order_reference="OR28922980077", ipns=[first, second])
    assert decision.state == "paid"
    assert "payments_disagree" in [c.kind for c in decision.conflicts]
    assert j.reconcile(order_reference="OR28922980077", ipns=[second, first]) == decision, "order-independent"


# ---------------------------------------------------------------- phones as people type them


@pytest.mark.parametrize("typed", ["+254 722-000-000", "+254 (722) 000.000", "00254722000000", "254\u00a0722 000 000"])
def test_a_phone_as_typed_is_sent_as_its_digits(typed: str) -> None:
    push = j.StkPush(**push_kwargs(msisdn=typed))
    assert push.msisdn == "254722000000"
    assert b'"msisdn":"254722000000"' in push.body
    assert push.signing_string == "OR28922980077KES2547220000002"
    assert "+" not in push.signing_string


# ---------------------------------------------------------------- immutability


def test_results_are_immutable(signer: j.Signer) -> None:
    push = j.StkPush(**push_kwargs())
    callback = j.parse_callback(PAID_CALLBACK)
    ipn = j.parse_ipn(IPN)
    decision = j.reconcile(order_reference="OR28922980077", ipns=[ipn])
    cases = [
        (push, "order_reference"),
        (push.sign(signer), "signature"),
        (callback, "result_code"),
        (callback.outcome, "amount"),
        (ipn.transaction, "amount"),
        (decision, "state"),
        (j.RequestOptions(), "phone_format"),
        (j.Limits(), "max_depth"),
        (j.Environment.UAT, "base_url"),
    ]
    for obj, attribute in cases:
        with pytest.raises(AttributeError):
            setattr(obj, attribute, "changed")
        with pytest.raises(AttributeError):
            setattr(obj, "new_attribute", 1)
    assert isinstance(decision.conflicts, tuple)


def test_value_equality() -> None:
    assert j.parse_ipn(IPN) == j.parse_ipn(IPN.decode())
    assert j.parse_ipn(IPN) != j.parse_ipn(IPN.replace(b"SH90HU7FO2", b"SH90HU7FO3"))
    assert j.Environment("uat") == j.Environment.UAT and hash(j.Environment("uat")) == hash(j.Environment.UAT)
    assert j.Environment("http://127.0.0.1:8080/") == j.Environment.custom("http://127.0.0.1:8080")
    assert j.RequestOptions(amount_decimals="two") == j.RequestOptions.from_json('{"amountDecimals":"two"}')
    sig = j.Signature.from_bytes(b"\x01\x02")
    assert sig == j.Signature.from_base64("AQI=") and {sig} == {j.Signature.from_base64("AQI=")}
    assert sig.to_bytes() == b"\x01\x02" and str(sig) == "AQI="


# ---------------------------------------------------------------- inputs


@pytest.mark.parametrize("body", [IPN, bytearray(IPN), IPN.decode()])
def test_bodies_are_bytes_bytearray_or_str(body: Any) -> None:
    assert j.parse_ipn(body).dedupe_key == "SH90HU7FO2"


@pytest.mark.parametrize("bad", [None, 42, {"a": 1}, memoryview(b"{}")])
def test_other_bodies_are_type_errors(bad: Any) -> None:
    with pytest.raises(TypeError):
        j.parse_ipn(bad)


def test_options_values_are_validated_by_the_core() -> None:
    with pytest.raises(j.ValidationError) as info:
        j.RequestOptions(amount_decimals="three")  # type: ignore[arg-type]
    assert [(p.field, p.code) for p in info.value.problems] == [("options", "invalid_option")]
    with pytest.raises(j.ValidationError) as amount:
        j.RequestOptions(max_amount="lots")
    assert [(p.field, p.code) for p in amount.value.problems] == [("options.maxAmount", "invalid_option")]
    options = j.RequestOptions(phone_format="international", max_reference_length=20)
    assert (options.phone_format, options.max_reference_length, options.amount_decimals) == ("international", 20, "whole")


def test_environment_and_token_arguments(signer: j.Signer) -> None:
    push = j.StkPush(**push_kwargs()).sign(signer)
    a = push.http_request("live", "tok")
    b = push.http_request(j.Environment.LIVE, j.AccessToken("tok"))
    assert a == b and a.url == "https://api.finserve.africa/api-checkout/mpesa-stk-push/v3.0/init"
    with pytest.raises(j.ValidationError) as env:
        push.http_request("http://example.com", "tok")
    assert env.value.problems[0].code == "insecure_url"
    with pytest.raises(j.ValidationError) as tok:
        push.http_request("uat", "a\r\nX-Evil: 1")
    assert tok.value.problems[0].code == "invalid_token"
    with pytest.raises(TypeError):
        push.http_request(42, "tok")  # type: ignore[arg-type]
    assert j.Environment("http://127.0.0.1:9/").kind == "custom"
    assert j.Environment.UAT.url("/x") == "https://uat.finserve.africa/x"


def test_status_request_signature_choices(signer: j.Signer) -> None:
    plain = j.order_status_request("uat", "tok", "OR 1/2")
    assert plain.url.endswith("/status/order/OR%201%2F2") and plain.header("Signature") is None
    signed = j.order_status_request("uat", "tok", "OR1", signature=signer)
    made = signer.sign("OR1")
    assert signed.header("Signature") == made.base64
    assert j.order_status_request("uat", "tok", "OR1", signature=made) == signed
    assert j.order_status_request("uat", "tok", "OR1", signature=made.base64) == signed
    with pytest.raises(j.SignatureError):
        j.order_status_request("uat", "tok", "OR1", signature=" " + made.base64)


def test_reconcile_takes_sequences_of_ipns() -> None:
    ipn = j.parse_ipn(IPN)
    assert j.reconcile(order_reference="OR28922980077", ipns=(ipn, ipn)).state == "paid"
    assert j.reconcile(order_reference="OR28922980077").state == "pending"
    with pytest.raises(TypeError):
        j.reconcile(order_reference="OR28922980077", ipns=[IPN])  # type: ignore[list-item]
    other = j.reconcile(order_reference="OR-other", ipns=[ipn])
    assert other.state == "pending" and other.conflicts[0].kind == "reference_mismatch"
    assert other.conflicts[0].sources == ("ipn",)


def test_callback_urls_with_str_or_bytes_secrets() -> None:
    a = j.CallbackUrls(CALLBACK_SECRET)
    b = j.CallbackUrls(CALLBACK_SECRET.decode())
    assert a.token("OR1", "PAY1") == b.token("OR1", "PAY1")
    url = a.callback_url("https://shop.example.com/cb", "OR1", "PAY1")
    assert a.verify_url(url[len("https://shop.example.com") :]) == a.verify_url(url)
    with pytest.raises(j.ValidationError) as short:
        j.CallbackUrls(b"too short")
    assert short.value.problems[0].code == "secret_too_short"
    with pytest.raises(j.AuthenticationError) as forged:
        j.CallbackUrls(b"another secret, also 32 bytes long!").verify_url(url)
    assert forged.value.code == "callback_token_invalid"


def test_ipn_auth_round_trip() -> None:
    auth = j.IpnAuth(username="jenga", password="pass word")
    assert auth.verify(auth.authorization_header()) is None
    with pytest.raises(j.AuthenticationError) as missing:
        auth.verify(None)
    assert missing.value.code == "ipn_auth_missing"
    with pytest.raises(j.ValidationError):
        j.IpnAuth(username="a:b", password="p")


# ---------------------------------------------------------------- HTTP clients


def test_requests_are_ready_for_requests_and_httpx(signer: j.Signer) -> None:
    request = j.StkPush(**push_kwargs()).sign(signer).http_request("uat", "tok")
    prepared = requests.Request(request.method, request.url, headers=request.headers, data=request.body).prepare()
    assert prepared.method == "POST" and prepared.url == request.url and prepared.body == request.body
    assert prepared.headers["Signature"] == request.header("signature")
    assert prepared.headers["Authorization"] == "Bearer tok"
    built = httpx.Request(request.method, request.url, headers=request.headers, content=request.body)
    assert built.method == "POST" and str(built.url) == request.url and built.content == request.body
    assert built.headers["content-type"] == "application/json"
    status = j.order_status_request("uat", "tok", "OR1")
    assert requests.Request(status.method, status.url, headers=status.headers).prepare().body is None


def test_a_complete_payment_against_the_sandbox_with_requests(sandbox_url: str, signer: j.Signer) -> None:
    """Token, signed push, status query, reconciled: over real HTTP."""
    http = requests.Session()
    credentials = j.Credentials(
        api_key="sandbox-api-key", merchant_code="0000000000", consumer_secret="sandbox-consumer-secret"
    )
    state = j.TokenState(sandbox_url, credentials)
    action = state.next_action(datetime.now(timezone.utc))
    assert isinstance(action, j.HttpRequest)
    reply = http.request(action.method, action.url, headers=action.headers, data=action.body)
    token = state.on_response(reply.status_code, reply.content, now=datetime.now(timezone.utc))
    stamp = datetime.now(timezone.utc).strftime("%H%M%S%f")
    push = j.StkPush(
        **push_kwargs(order_reference=f"OR{stamp}", payment_reference=f"PAY{stamp}", callback_url="http://127.0.0.1:9/cb")
    ).sign(signer)
    request = push.http_request(sandbox_url, token.access_token)
    reply = http.request(request.method, request.url, headers=request.headers, data=request.body)
    accepted = j.classify_init_response(reply.status_code, reply.content)
    assert isinstance(accepted, j.InitAccepted), accepted
    assert accepted.order_reference == f"OR{stamp}" and accepted.amount == Decimal(2)
    # The same references again: the sandbox refuses a duplicate.
    again = http.request(request.method, request.url, headers=request.headers, data=request.body)
    duplicate = j.classify_init_response(again.status_code, again.content)
    # A duplicate reference may be this very push, already on the phone: ask first.
    assert isinstance(duplicate, j.Rejection)
    assert (duplicate.kind, duplicate.action) == ("duplicate_reference", "check_status_first")
    # The callback to 127.0.0.1:9 is lost; the status query still settles it.
    deadline = datetime.now(timezone.utc) + timedelta(seconds=10)
    while True:
        query = j.order_status_request(sandbox_url, token.access_token, f"OR{stamp}")
        status = j.parse_status_response(*_get(http, query))
        assert isinstance(status, j.OrderStatus), status
        decision = j.reconcile(order_reference=f"OR{stamp}", amount=Decimal(2), status=status)
        if decision.state != "pending" or datetime.now(timezone.utc) > deadline:
            break
        time.sleep(0.05)
    assert (decision.state, decision.decided_by, decision.confirmed) == ("paid", "status_query", True)
    assert decision.mpesa_receipt and decision.amount_paid == Decimal(2)
    # A forged signature is refused with 403: fix_signature.
    forged = j.StkPush(
        **push_kwargs(order_reference=f"OX{stamp}", payment_reference=f"PX{stamp}", callback_url="http://127.0.0.1:9/cb")
    ).with_signature(j.Signer.from_pem(key_text("test-pkcs8-2048")).sign(b"x"))
    bad = forged.http_request(sandbox_url, token.access_token)
    refused = j.classify_init_response(*_send(http, bad))
    assert isinstance(refused, j.Rejection) and (refused.kind, refused.action) == ("invalid_signature", "fix_signature")


def _get(http: requests.Session, request: j.HttpRequest) -> "tuple[int, bytes]":
    reply = http.request(request.method, request.url, headers=request.headers)
    return reply.status_code, reply.content


def _send(http: requests.Session, request: j.HttpRequest) -> "tuple[int, bytes]":
    reply = http.request(request.method, request.url, headers=request.headers, data=request.body)
    return reply.status_code, reply.content


# ---------------------------------------------------------------- package


def test_the_package_metadata() -> None:
    assert j.__version__ == importlib.metadata.version("jenga-stk")
    assert (Path(j.__file__).parent / "py.typed").is_file()
    assert (Path(j.__file__).parent / "__init__.pyi").is_file()
    assert set(j.__all__) <= set(dir(j))
    assert len(j.PROBLEM_CODES) == len(set(j.PROBLEM_CODES)) >= 24
    assert j.STK_PUSH_PATH == "/api-checkout/mpesa-stk-push/v3.0/init"
    assert (j.MIN_KEY_BITS, j.MIN_CALLBACK_SECRET_BYTES) == (2048, 32)
    # Removed with issue 13: it advised a blind retry where a 5xx on the push needs a status query.
    assert not hasattr(j, "is_retryable_status") and "is_retryable_status" not in j.__all__


def test_the_native_module_is_abi3() -> None:
    native = Path(j.__file__).parent
    assert [p.name for p in native.glob("_native*")] == ["_native.abi3.so"]


def test_the_wheel_ships_the_license_texts() -> None:
    from conftest import REPO

    files = {str(f) for f in importlib.metadata.distribution("jenga-stk").files or []}
    for name in ["LICENSE-MIT", "LICENSE-APACHE"]:
        assert any(f.endswith(f"licenses/{name}") for f in files), files
        # The wheel's copies are the repository's texts.
        assert (REPO / "bindings-python" / name).read_bytes() == (REPO / name).read_bytes()
    assert importlib.metadata.metadata("jenga-stk")["License-Expression"] == "MIT OR Apache-2.0"
