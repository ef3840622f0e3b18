"""Secrets never printed, beyond test_api.py: every printed form (`repr`, `str`,
exception `args`) of the objects holding a secret and of the errors raised
while loading a bad key, refusing a secret value or parsing a token answer
that carried a token. Searched for distinctive secrets, their Base64, and
every line of the private key's PEM body."""

from __future__ import annotations

import base64
from datetime import datetime, timezone
from typing import Any, Callable, List

import pytest

import jenga_stk as j
from conftest import key_text

API_KEY = "Ap1-K3y-9f8e7d"
CONSUMER_SECRET = "C0nsum3r-S3cr3t-4b5c"
TOKEN = "eyJhbGciOiJSUzI1NiJ9.Acc3ss-T0ken-77aa.c2ln"
REFRESH = "R3fr3sh-T0ken-88bb"
IPN_USER = "ipn-Us3r-11cc"
IPN_PASSWORD = "ipn-Pa55w0rd-22dd"
CALLBACK_SECRET = "Cb-S3cr3t-of-at-least-32-bytes-33ee"
SECRETS = [API_KEY, CONSUMER_SECRET, TOKEN, REFRESH, IPN_USER, IPN_PASSWORD, CALLBACK_SECRET]
NOW = datetime(2021, 7, 13, 7, 3, 5, tzinfo=timezone.utc)
PEM = key_text("test-pkcs1-2048")
TOKEN_BODY = (
    f'{{"accessToken":"{TOKEN}","refreshToken":"{REFRESH}","expiresIn":"2021-07-13T07:18:02Z",'
    f'"issuedAt":"2021-07-13T07:03:02Z","tokenType":"Bearer"}}'
)
NEEDLES = (
    SECRETS
    + [base64.b64encode(s.encode()).decode() for s in SECRETS]
    + [line for line in PEM.splitlines() if len(line) > 16 and not line.startswith("-----")]
    + [base64.b64encode(f"{IPN_USER}:{IPN_PASSWORD}".encode()).decode()]
)


def printed(value: Any) -> List[str]:
    out = [repr(value), str(value)]
    if isinstance(value, BaseException):
        out += [repr(value.args), repr(getattr(value, "problems", ())), repr(value.__dict__)]
    return out


def assert_hidden(label: str, value: Any) -> None:
    for shown in printed(value):
        for needle in NEEDLES:
            assert needle not in shown, f"{label} shows {needle[:12]}…: {shown[:300]}"


def caught(call: Callable[[], Any]) -> j.JengaError:
    with pytest.raises(j.JengaError) as info:
        call()
    return info.value


def page() -> j.StkPush:
    return j.StkPush(
        order_reference="OR28922980077", order_amount=2, order_currency="KES", country_code="KE",
        description="Purchase", customer_name="John Doe", customer_email="xyx2@gmail.com",
        customer_phone_number="0722000111", customer_identity_number="0000000",
        payment_reference="MKQR28922980073", payment_currency="KES",
        callback_url="https://shop.example.com/cb", msisdn="0722000000", payment_amount=2,
    )


def test_errors_never_quote_keys_tokens_credentials_or_secrets() -> None:
    errors: List[j.JengaError] = []
    for bad in [PEM[: len(PEM) // 2], PEM.replace("MII", "XXX", 1), PEM.replace("RSA PRIVATE KEY", "PUBLIC KEY"), PEM.replace("\n", "\n\x00")]:
        errors.append(caught(lambda: j.Signer.from_pem(bad)))
        errors.append(caught(lambda: j.Signer.from_pem(bad.encode())))
    errors.append(caught(lambda: j.Verifier.from_pem(PEM)))
    for body in [
        TOKEN_BODY.replace('"accessToken"', '"accessTokn"'),
        TOKEN_BODY.replace(TOKEN, TOKEN + " with space"),
        TOKEN_BODY.replace(TOKEN, TOKEN + "\\u0000"),
        TOKEN_BODY + "trailing",
        TOKEN_BODY[:-5],
        f"[{TOKEN_BODY}]",
    ]:
        # A body the core cannot read as a token is an error (a bad token
        # field) or, since issue 13, a Rejection (not a JSON object): either
        # way, nothing printed quotes the token.
        try:
            answer = j.parse_token_response(200, body, now=NOW)
        except j.JengaError as e:
            errors.append(e)
        else:
            assert isinstance(answer, j.Rejection), "an unreadable token body is never a token"
            assert answer.body_excerpt is None, "JSON-shaped bodies get no excerpt"
            assert_hidden("Rejection of a token body", answer)
        state = j.TokenState("uat", j.Credentials(api_key=API_KEY, merchant_code="m", consumer_secret=CONSUMER_SECRET))
        errors.append(caught(lambda: state.on_response(200, body, now=NOW)))
        assert_hidden("TokenState after a refused answer", state)
    errors.append(caught(lambda: j.Credentials(api_key=API_KEY + "\x00", merchant_code="m", consumer_secret=CONSUMER_SECRET + "é")))
    errors.append(caught(lambda: j.AccessToken(TOKEN + "\r\nX-Evil: 1")))
    errors.append(caught(lambda: page().with_signature("QUFB").http_request("uat", TOKEN + " x")))
    errors.append(caught(lambda: j.order_status_request("uat", TOKEN + " x", "OR1")))
    errors.append(caught(lambda: j.IpnAuth(username=IPN_USER + ":", password="")))
    auth = j.IpnAuth(username=IPN_USER, password=IPN_PASSWORD)
    for wrong in [f"{IPN_USER}:wrong", f"wrong:{IPN_PASSWORD}", f"{IPN_USER}:{IPN_PASSWORD}x"]:
        errors.append(caught(lambda: auth.verify("Basic " + base64.b64encode(wrong.encode()).decode())))
    errors.append(caught(lambda: j.CallbackUrls(CALLBACK_SECRET[:20])))
    urls = j.CallbackUrls(CALLBACK_SECRET)
    url = urls.callback_url("https://shop.example.com/cb", "OR1", "PR1")
    errors.append(caught(lambda: urls.verify_url(url.replace("OR1", "OR2"))))
    for e in errors:
        assert_hidden(f"{type(e).__name__}({e.code})", e)
    assert len(errors) > 25


def test_objects_holding_secrets_and_bearer_requests_are_redacted() -> None:
    signer = j.Signer.from_pem(PEM)
    token = j.AccessToken(TOKEN)
    signed = page().sign(signer)
    push_request = signed.http_request("uat", token)
    status_request = j.order_status_request("uat", token, "OR28922980077", signature=signer)
    for request in (push_request, status_request):
        assert request.header("Authorization") == f"Bearer {TOKEN}"
        assert_hidden("HttpRequest", request)
        assert_hidden("HttpRequest.to_redacted_string()", request.to_redacted_string())
    credentials = j.Credentials(api_key=API_KEY, merchant_code="4445776666", consumer_secret=CONSUMER_SECRET)
    state = j.TokenState("uat", credentials)
    refresh = state.next_action(NOW)
    stored = state.on_response(200, TOKEN_BODY, now=NOW)
    parsed = j.parse_token_response(200, TOKEN_BODY, now=NOW)
    assert isinstance(parsed, j.Token) and parsed.access_token.expose() == TOKEN and parsed.refresh_token == REFRESH
    objects = [signer, signer.verifier(), token, signed, credentials, state, refresh, credentials.token_request("uat"),
               stored, stored.access_token, parsed, state.next_action(NOW), j.IpnAuth(username=IPN_USER, password=IPN_PASSWORD),
               j.CallbackUrls(CALLBACK_SECRET)]
    for obj in objects:
        assert_hidden(type(obj).__name__, obj)


def test_body_excerpts_of_rejections_never_show_a_secret() -> None:
    """A gateway page that echoes a token, the callback secret, a Basic
    header or the key: its excerpt (kept for logs) shows none of them, in
    the rejection or in the ProviderRejectedError carrying it."""
    basic = base64.b64encode(f"{IPN_USER}:{IPN_PASSWORD}".encode()).decode()
    pem_lines = [line for line in PEM.splitlines() if len(line) > 16 and not line.startswith("-----")]
    bodies = [
        f"<html><body><h1>502 Bad Gateway</h1><p>Authorization: Bearer {TOKEN}</p></body></html>",
        f"upstream error: accessToken={TOKEN}; secret={CALLBACK_SECRET}",
        f"<pre>Authorization: Basic {basic}\n{pem_lines[0]}\n{pem_lines[1]}</pre>",
        f"<!doctype html><title>{TOKEN}</title>" + "x " * 200,
    ]
    seen: List[Any] = []
    for body in bodies:
        for status in (200, 401, 502, 503):
            for r in (j.classify_init_response(status, body), j.parse_status_response(status, body)):
                assert isinstance(r, j.Rejection), r
                assert r.body_excerpt is not None and "<redacted>" in r.body_excerpt, r.body_excerpt
                assert_hidden("Rejection", r)
                assert_hidden("Rejection.body_excerpt", r.body_excerpt)
                seen.append(r)
            # The token request carries the API key and the consumer secret, which a
            # gateway page could echo too short to be recognised: no excerpt at all.
            token = j.parse_token_response(status, body, now=NOW)
            assert isinstance(token, j.Rejection) and token.body_excerpt is None, token
            assert_hidden("Rejection", token)
            seen.append(token)
            state = j.TokenState("uat", j.Credentials(api_key=API_KEY, merchant_code="m", consumer_secret=CONSUMER_SECRET))
            error = caught(lambda: state.on_response(status, body, now=NOW))
            assert isinstance(error, j.ProviderRejectedError) and error.rejection.body_excerpt is None
            assert_hidden("ProviderRejectedError", error)
            assert_hidden("ProviderRejectedError.rejection", error.rejection)
            assert_hidden("TokenState after a refused answer", state)
    assert len(seen) == len(bodies) * 4 * 3
