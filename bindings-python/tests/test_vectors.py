"""Every case of tests/vectors/ through the installed wheel.

Mirrors core/tests/vectors.rs and core/tests/lifecycle_vectors.rs: values are
compared through views built from the public Python attributes (views.py);
errors by code and field, never by message; validation errors by their whole
problem list. The STK push cases run twice when possible: once from the
request's JSON text (`StkPush.from_json`) and once from keyword arguments
(`StkPush(...)`), which must agree with the same expectations.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, Callable, Dict, List, Optional, Set, Tuple

import pytest

import jenga_stk as j
import views
from conftest import VECTORS, key_text
from views import RawNumber, dump_exact, load_exact

# ---------------------------------------------------------------- error classes

KEY_CODES = {"key_invalid", "key_is_public", "key_is_private", "key_encrypted", "key_unsupported", "key_too_small"}
SIGNATURE_CODES = {"invalid_signature_encoding", "signature_mismatch", "signing_failed"}
PARSE_CODES = {"not_json", "body_too_large", "json_too_deep", "missing_field", "invalid_field"}
AUTH_CODES = {
    "callback_token_missing",
    "callback_token_invalid",
    "callback_reference_mismatch",
    "ipn_auth_missing",
    "ipn_auth_invalid",
}


def check_error_class(e: j.JengaError) -> Set[str]:
    """The exception class matches its code; returns the codes it carries."""
    assert isinstance(e, Exception) and e.args and str(e), "errors have a message"
    if isinstance(e, j.ValidationError):
        assert isinstance(e, ValueError)
        assert e.code == "validation_failed"
        assert e.problems, "a validation error lists its problems"
        assert e.field == e.problems[0].field
        for p in e.problems:
            assert isinstance(p, j.Problem)
            assert p.code in j.PROBLEM_CODES, p
            assert p.message, "messages are for humans, but must exist"
        return {p.code for p in e.problems}
    expected = (
        j.KeyLoadError
        if e.code in KEY_CODES
        else j.SignatureError
        if e.code in SIGNATURE_CODES
        else j.ParseError
        if e.code in PARSE_CODES
        else j.AuthenticationError
        if e.code in AUTH_CODES
        else None
    )
    assert expected is not None, f"unknown error code {e.code}"
    assert type(e) is expected, f"{e.code} raised as {type(e).__name__}"
    assert not isinstance(e, ValueError), "only validation errors are ValueErrors"
    return {e.code}


# ---------------------------------------------------------------- loading


@dataclass
class Case:
    file: str
    id: str
    input: Any
    expected: Any
    error: Optional[Dict[str, Any]]


def load(name: str, operation: str, exact: bool = False) -> List[Case]:
    text = (VECTORS / name).read_text()
    data = load_exact(text) if exact else json.loads(text)
    assert data["operation"] == operation, name
    assert data["cases"], f"{name} has no cases"
    cases = []
    for c in data["cases"]:
        assert ("expected" in c) != ("error" in c), f"{name} {c['id']}: expected xor error"
        cases.append(Case(name, c["id"], c["input"], c.get("expected"), c.get("error")))
    return cases


def now_of(text: str) -> datetime:
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    assert value.tzinfo is not None
    return value


# ---------------------------------------------------------------- stk_push.json

OPTION_NAMES = {
    "amountDecimals": "amount_decimals",
    "amountEncoding": "amount_encoding",
    "phoneFormat": "phone_format",
    "maxAmount": "max_amount",
    "maxReferenceLength": "max_reference_length",
    "maxDescriptionLength": "max_description_length",
}


def snake(value: str) -> str:
    return re.sub(r"([A-Z])", lambda m: "_" + m.group(1).lower(), value)


def options_of(vector_options: Dict[str, Any]) -> j.RequestOptions:
    """The options through keyword arguments; `from_json` must agree."""
    kwargs: Dict[str, Any] = {}
    for key, value in vector_options.items():
        name = OPTION_NAMES[key]  # an unknown key is a runner bug: fail loudly
        if isinstance(value, RawNumber):
            kwargs[name] = int(value)
        elif name in ("amount_decimals", "amount_encoding", "phone_format"):
            kwargs[name] = snake(value)
        else:
            kwargs[name] = value
    try:
        options = j.RequestOptions(**kwargs)
    except j.ValidationError as e:
        with pytest.raises(j.ValidationError) as again:
            j.RequestOptions.from_json(dump_exact(vector_options))
        assert [(p.code, p.field) for p in again.value.problems] == [(p.code, p.field) for p in e.problems]
        raise
    assert j.RequestOptions.from_json(dump_exact(vector_options)) == options
    return options


ORDER_FIELDS = {
    "orderReference": "order_reference",
    "orderAmount": "order_amount",
    "orderCurrency": "order_currency",
    "source": "source",
    "countryCode": "country_code",
    "description": "description",
}
CUSTOMER_FIELDS = {
    "name": "customer_name",
    "email": "customer_email",
    "phoneNumber": "customer_phone_number",
    "identityNumber": "customer_identity_number",
    "firstAddress": "customer_first_address",
    "secondAddress": "customer_second_address",
}
PAYMENT_FIELDS = {
    "paymentReference": "payment_reference",
    "paymentCurrency": "payment_currency",
    "channel": "channel",
    "service": "service",
    "provider": "provider",
    "callbackUrl": "callback_url",
}
DETAIL_FIELDS = {"msisdn": "msisdn", "paymentAmount": "payment_amount"}
REQUIRED_KWARGS = {
    "order_reference",
    "order_amount",
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
    "payment_amount",
}
AMOUNTS = {"order_amount", "payment_amount"}
PLAIN_DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def kwargs_of(request: Any) -> Optional[Dict[str, Any]]:
    """The request as StkPush keyword arguments, or None if it has a shape
    keyword arguments cannot express (wrong types, unknown or missing fields)."""
    if not isinstance(request, dict) or set(request) != {"order", "customer", "payment"}:
        return None
    payment = request["payment"]
    if not all(isinstance(request[k], dict) for k in request) or not isinstance(payment.get("details"), dict):
        return None
    parts = [
        (request["order"], ORDER_FIELDS),
        (request["customer"], CUSTOMER_FIELDS),
        ({k: v for k, v in payment.items() if k != "details"}, PAYMENT_FIELDS),
        (payment["details"], DETAIL_FIELDS),
    ]
    kwargs: Dict[str, Any] = {}
    for part, names in parts:
        for key, value in part.items():
            if key not in names or not isinstance(value, str):
                return None
            name = names[key]
            if isinstance(value, RawNumber):
                if name not in AMOUNTS:
                    return None
                # A plain decimal goes in as Decimal; anything else (2e0) as its text.
                kwargs[name] = Decimal(value) if PLAIN_DECIMAL.fullmatch(value) else str(value)
            else:
                kwargs[name] = value
    if not REQUIRED_KWARGS <= set(kwargs):
        return None
    return kwargs


def run_stk(inp: Dict[str, Any], route: str) -> Tuple[j.StkPush, j.SignedStkPush, j.HttpRequest]:
    options = options_of(inp["options"])
    request = inp["request"]
    if route == "json":
        # A JSON string stands for raw (possibly malformed) request text.
        text = request if isinstance(request, str) and not isinstance(request, RawNumber) else dump_exact(request)
        push = j.StkPush.from_json(text.encode(), options)
    else:
        kwargs = kwargs_of(request)
        assert kwargs is not None
        push = j.StkPush(**kwargs, options=options)
    environment = j.Environment(inp["environment"])
    token = j.AccessToken(inp["accessToken"])
    signer = j.Signer.from_pem(key_text(inp["key"]))
    signed = push.sign(signer)
    return push, signed, signed.http_request(environment, token)


def check_stk(case: Case, push: j.StkPush, signed: j.SignedStkPush, http: j.HttpRequest) -> None:
    want = case.expected
    assert http.body.decode() == want["body"], "body"
    assert push.body == want["body"].encode()
    assert push.signing_string == want["signingString"], "signing string"
    assert http.method == want["method"]
    assert http.url == want["url"]
    assert list(http.headers.items()) == [tuple(h) for h in want["headers"]], "headers"
    assert http.header("signature") == want["signature"]
    assert signed.signature.base64 == want["signature"]
    assert str(signed.signature) == want["signature"]
    assert signed.push is push
    # The signed text is the body's own text, read back by an independent parser.
    body = load_exact(want["body"])
    from_body = "".join(
        str.__str__(v)
        for v in (
            body["order"]["orderReference"],
            body["payment"]["paymentCurrency"],
            body["payment"]["details"]["msisdn"],
            body["payment"]["details"]["paymentAmount"],
        )
    )
    assert from_body == want["signingString"], "signing string vs body"
    assert j.signing_string_of_body(http.body) == want["signingString"]
    # The signature verifies under the key's public half.
    signed.verify(j.Signer.from_pem(key_text(case.input["key"])).verifier())
    # Accessors read the same body.
    assert push.order_reference == body["order"]["orderReference"]
    assert push.payment_reference == body["payment"]["paymentReference"]
    assert push.msisdn == body["payment"]["details"]["msisdn"]
    assert push.currency == body["payment"]["paymentCurrency"]
    assert push.callback_url == body["payment"]["callbackUrl"]
    assert push.customer_name == body["customer"]["name"]
    assert push.country == body["order"]["countryCode"]
    assert push.payment_amount == Decimal(str.__str__(body["payment"]["details"]["paymentAmount"]))
    assert push.order_amount == Decimal(str.__str__(body["order"]["orderAmount"]))


def check_expected_error(case: Case, e: j.JengaError) -> None:
    check_error_class(e)
    assert case.error is not None, f"{case.file} {case.id}: unexpected error {e!r}"
    want = case.error
    if isinstance(e, j.ValidationError):
        got = [{"code": p.code, "field": p.field} for p in e.problems]
        expected = want.get("problems") or [{"code": want["code"], "field": want["field"]}]
        assert got == expected, "the whole problem list"
    else:
        assert (e.code, e.field) == (want["code"], want["field"])


STK_CASES = load("stk_push.json", "stk_push", exact=True)
STK_PARAMS = [pytest.param(c, "json", id=f"json:{c.id}") for c in STK_CASES] + [
    pytest.param(c, "kwargs", id=f"kwargs:{c.id}") for c in STK_CASES if kwargs_of(c.input["request"]) is not None
]


def test_most_stk_cases_also_run_through_keyword_arguments() -> None:
    kwargs_cases = [p for p in STK_PARAMS if p.values[1] == "kwargs"]
    assert len(kwargs_cases) >= 40, len(kwargs_cases)


@pytest.mark.parametrize(("case", "route"), STK_PARAMS)
def test_stk_push(case: Case, route: str) -> None:
    try:
        push, signed, http = run_stk(case.input, route)
    except j.JengaError as e:
        check_expected_error(case, e)
        return
    assert case.error is None, f"expected {case.error}, got success"
    check_stk(case, push, signed, http)


# ---------------------------------------------------------------- keys and signatures


def run_key(inp: Dict[str, Any]) -> Dict[str, Any]:
    pem = key_text(inp["key"])
    if inp["kind"] == "private":
        bits = j.Signer.from_pem(pem).bits
        assert bits == j.Signer.from_pem(pem.encode()).bits, "bytes and str agree"
    elif inp["kind"] == "public":
        bits = j.Verifier.from_pem(pem).bits
    else:
        raise AssertionError(f"unknown kind {inp['kind']}")
    return {"bits": bits}


PAGE_SIGNING_STRING = "OR28922980077KES07220000002"


def run_signature(inp: Dict[str, Any]) -> Dict[str, Any]:
    if inp["operation"] == "sign":
        signer = j.Signer.from_pem(key_text(inp["key"]))
        signature = signer.sign(inp["message"])
        assert signer.sign(inp["message"].encode()) == signature, "str is signed as UTF-8"
        return {"signature": signature.base64}
    if inp["operation"] == "attach":
        signature = j.Signature.from_base64(inp["signature"])
        j.Verifier.from_pem(key_text("test-pkcs1-2048.pub")).verify(PAGE_SIGNING_STRING, signature)
        return {"verifiesWith": "test-pkcs1-2048.pub"}
    raise AssertionError(f"unknown operation {inp['operation']}")


# ---------------------------------------------------------------- lifecycle


def run_init(inp: Dict[str, Any]) -> Dict[str, Any]:
    return views.init_response(j.classify_init_response(inp["status"], inp["body"].encode()))


ANSWER_NOW = datetime(2021, 7, 13, 7, 3, 5, tzinfo=timezone.utc)


def run_answer(inp: Dict[str, Any]) -> Dict[str, Any]:
    """answers.json: the endpoint's own parser; only type, kind and action compared."""
    status, body = inp["status"], inp["body"].encode()
    endpoint = inp["endpoint"]
    result: object
    if endpoint == "token":
        result = j.parse_token_response(status, body, now=ANSWER_NOW)
    elif endpoint == "init":
        result = j.classify_init_response(status, body)
    elif endpoint == "status":
        result = j.parse_status_response(status, body)
    else:
        raise AssertionError(f"unknown endpoint {endpoint}")
    return views.answer(result)


def run_transport(inp: Dict[str, Any]) -> Dict[str, Any]:
    return {"action": j.advise_transport_failure(inp["endpoint"], inp["failure"])}


def run_token(inp: Dict[str, Any]) -> Dict[str, Any]:
    result = j.parse_token_response(inp["status"], inp["body"].encode(), now=now_of(inp["now"]))
    if isinstance(result, j.Token):
        now = now_of(inp["now"])
        assert result.received_at == now and result.received_at.utcoffset() == now.utcoffset()
    return views.token_response(result)


def run_token_state(inp: Dict[str, Any]) -> Dict[str, Any]:
    credentials = j.Credentials(api_key="key", merchant_code="merchant", consumer_secret="secret")
    state = j.TokenState("uat", credentials, margin=timedelta(seconds=inp["marginSeconds"]))
    actions = []
    for step in inp["steps"]:
        if step["op"] == "next":
            action = state.next_action(now_of(step["now"]))
            if isinstance(action, j.AccessToken):
                assert state.token is not None and state.token.access_token.expose() == action.expose()
                actions.append("use")
            else:
                assert isinstance(action, j.HttpRequest)
                assert action.url.endswith(j.TOKEN_PATH) and action.body_is_secret
                actions.append("refresh")
        elif step["op"] == "response":
            try:
                token = state.on_response(step["status"], step["body"].encode(), now=now_of(step["now"]))
                assert state.token == token
                actions.append("stored")
            except j.ProviderRejectedError as e:
                check_rejection_error(e)
                assert state.token is None, "a refusal drops the old token"
                actions.append(f"rejected:{e.rejection.kind}")
        elif step["op"] == "invalidate":
            state.invalidate()
            assert state.token is None
            actions.append("invalidated")
        else:
            raise AssertionError(f"unknown op {step['op']}")
    return {"actions": actions}


def check_rejection_error(e: j.ProviderRejectedError) -> None:
    assert e.code == "provider_rejected" and e.field is None
    assert isinstance(e.rejection, j.Rejection)
    assert str(e) == str(e.rejection)


def run_status_response(inp: Dict[str, Any]) -> Dict[str, Any]:
    result = j.parse_status_response(inp["status"], inp["body"].encode())
    if isinstance(result, j.OrderStatus):
        assert all(i.mpesa_receipt != "" for i in result.invoices)
    return views.status_response(result)


def run_status_request(inp: Dict[str, Any]) -> Dict[str, Any]:
    environment = j.Environment.parse(inp["environment"])
    token = j.AccessToken(inp["accessToken"])
    reference = inp["orderReference"]
    signer = j.Signer.from_pem(key_text(inp.get("key") or "test-pkcs1-2048"))
    request = j.order_status_request(environment, token, reference, signature=signer if inp["sign"] else None)
    headers: List[List[Any]] = []
    for name, value in request.headers.items():
        if name == "Signature":
            # Any value, as long as it verifies over the order reference.
            signer.verifier().verify(reference, j.Signature.from_base64(value))
            headers.append([name, None])
        else:
            headers.append([name, value])
    assert request.body == b""
    return {"method": request.method, "url": request.url, "headers": headers}


def run_callback(inp: Dict[str, Any]) -> Dict[str, Any]:
    callback = j.parse_callback(inp["body"].encode())
    # Written back in the provider's format and read again: the same value.
    assert j.parse_callback(callback.to_json()) == callback
    assert j.parse_callback(inp["body"]) == callback, "str bodies are read as UTF-8"
    return views.callback(callback)


def run_callback_url(inp: Dict[str, Any]) -> Dict[str, Any]:
    urls = j.CallbackUrls(inp["secret"].encode())
    operation = inp["operation"]
    if operation == "make":
        url = urls.callback_url(inp["baseUrl"], inp["orderReference"], inp["paymentReference"])
        urls.verify_url(url)
        assert j.CallbackUrls(inp["secret"]).callback_url(inp["baseUrl"], inp["orderReference"], inp["paymentReference"]) == url
        return {"url": url}
    if operation == "verify":
        return views.callback_refs(urls.verify_url(inp["url"]))
    if operation == "verify_callback":
        refs, callback = urls.verify_callback(inp["url"], inp["body"].encode())
        assert refs.payment_reference == callback.transaction_reference
        return views.callback(callback)
    raise AssertionError(f"unknown operation {operation}")


def run_ipn(inp: Dict[str, Any]) -> Dict[str, Any]:
    if inp["operation"] == "parse":
        ipn = j.parse_ipn(inp["body"].encode())
        assert j.parse_ipn(ipn.to_json()) == ipn
        return views.ipn(ipn)
    if inp["operation"] == "verify_auth":
        auth = j.IpnAuth(username=inp["username"], password=inp["password"])
        assert auth.verify(inp["authorization"]) is None
        return {"authenticated": True}
    raise AssertionError(f"unknown operation {inp['operation']}")


def run_reconcile(inp: Dict[str, Any]) -> Dict[str, Any]:
    callback = j.parse_callback(inp["callback"]) if inp["callback"] is not None else None
    ipns = [j.parse_ipn(body) for body in inp["ipns"]]
    status = None
    if inp["status"] is not None:
        found = j.parse_status_response(200, inp["status"])
        assert isinstance(found, j.OrderStatus), found
        status = found
    expected = inp["expected"]
    decision = j.reconcile(
        order_reference=expected["orderReference"],
        amount=expected.get("amount"),
        currency=expected.get("currency"),
        callback=callback,
        ipns=ipns,
        status=status,
    )
    return views.reconciliation(decision)


LIFECYCLE: List[Tuple[str, str, Callable[[Dict[str, Any]], Dict[str, Any]]]] = [
    ("keys.json", "load_key", run_key),
    ("signatures.json", "signature", run_signature),
    ("init_responses.json", "init_response", run_init),
    ("answers.json", "answer", run_answer),
    ("transport.json", "transport_failure", run_transport),
    ("token_responses.json", "token_response", run_token),
    ("token_state.json", "token_state", run_token_state),
    ("status_requests.json", "status_request", run_status_request),
    ("status_responses.json", "status_response", run_status_response),
    ("callbacks.json", "callback", run_callback),
    ("callback_urls.json", "callback_url", run_callback_url),
    ("ipn.json", "ipn", run_ipn),
    ("reconcile.json", "reconcile", run_reconcile),
]
RUNNERS = {name: run for name, _, run in LIFECYCLE}
LIFECYCLE_CASES = [case for name, operation, _ in LIFECYCLE for case in load(name, operation)]


def run_lifecycle(case: Case) -> Tuple[Optional[Dict[str, Any]], Optional[j.JengaError]]:
    try:
        return RUNNERS[case.file](case.input), None
    except j.JengaError as e:
        return None, e


@pytest.mark.parametrize("case", [pytest.param(c, id=f"{c.file[:-5]}:{c.id}") for c in LIFECYCLE_CASES])
def test_lifecycle(case: Case) -> None:
    got, error = run_lifecycle(case)
    if error is None:
        assert case.error is None, f"expected {case.error}, got {got}"
        assert got == case.expected
        return
    check_error_class(error)
    assert case.error is not None, f"unexpected error {error!r}"
    if isinstance(error, j.ValidationError):
        # As in lifecycle_vectors.rs: a validation error here has one problem.
        assert len(error.problems) == 1, error.problems
        code, field = error.problems[0].code, error.problems[0].field
    else:
        code, field = error.code, error.field
    assert (code, field) == (case.error["code"], case.error["field"])


# ---------------------------------------------------------------- coverage


def test_every_vector_file_is_run() -> None:
    # The flow transcripts and the doctor's vectors have runners of their own.
    from test_doctor_vectors import DOCTOR_CASES
    from test_flow_vectors import FLOW_CASES

    own = {"flows.json": FLOW_CASES, "signature_doctor.json": DOCTOR_CASES}
    files = {p.name for p in VECTORS.glob("*.json")}
    assert files == {"stk_push.json"} | set(RUNNERS) | set(own), "a vector file without a runner"
    total = sum(len(json.loads((VECTORS / f).read_text())["cases"]) for f in files)
    assert len(STK_CASES) + len(LIFECYCLE_CASES) + sum(len(cases) for cases in own.values()) == total


def test_every_error_code_of_the_vectors_is_raised_through_python() -> None:
    """Each error code that some vector expects is raised by the wheel,
    with the right exception class (checked by check_error_class)."""
    in_vectors: Set[str] = set()
    for f in VECTORS.glob("*.json"):
        for c in json.loads(f.read_text())["cases"]:
            if "error" in c:
                in_vectors.add(c["error"]["code"])
                in_vectors.update(p["code"] for p in c["error"].get("problems") or [])
    raised: Set[str] = set()
    for case in STK_CASES:
        if case.error is not None:
            with pytest.raises(j.JengaError) as info:
                run_stk(case.input, "json")
            raised |= check_error_class(info.value)
    for case in LIFECYCLE_CASES:
        if case.error is not None:
            _, error = run_lifecycle(case)
            assert error is not None, case.id
            raised |= check_error_class(error)
    assert in_vectors <= raised, f"never raised through Python: {sorted(in_vectors - raised)}"
    assert set(j.PROBLEM_CODES) <= in_vectors, "every problem code has a vector"
