"""The answer-classification table as conformance cases: every endpoint
(token, init, status) × HTTP status × body (the provider's JSON with each
documented code, HTML, plain text, empty), and the transport failures.

The expected kind and action come from the table in the README ("Rejections:
what to do next"), written out here as rules in Python, independently of the
Rust code that implements it.
"""

import json

ENDPOINTS = ["token", "init", "status"]
STATUSES = [200, 302, 400, 401, 403, 404, 408, 409, 429, 500, 502, 503, 504]
HTML = "<html><head><title>502 Bad Gateway</title></head><body><center>nginx</center></body></html>"
PLAIN = "upstream request timeout"

# (label, body): the provider's refusal envelope with each code it documents
# (string or number), other envelopes, and bodies that are not JSON.
BODIES = [
    ("no-code", {"status": False, "message": "Something failed"}),
    ("code-400", {"status": False, "code": 400, "message": "Invalid request parameters", "error_code": "INVALID_REQUEST"}),
    ("code-400-duplicate", {"status": False, "code": "400", "message": "Duplicate payment reference", "error_code": "INVALID_REQUEST"}),
    ("code-401", {"status": False, "code": 401, "message": "Invalid or expired access token", "error_code": "UNAUTHORIZED"}),
    ("code-403", {"status": False, "code": 403, "message": "Invalid signature or insufficient permissions", "error_code": "FORBIDDEN"}),
    ("code-404", {"status": False, "code": 404, "message": "Source or destination account not found", "error_code": "ACCOUNT_NOT_FOUND"}),
    ("code-429", {"status": False, "code": "429", "message": "Too many requests"}),
    ("code-106401", {"status": False, "code": 106401, "message": "Not Authorized to access this Telco"}),
    ("code-106201", {"status": False, "code": "106201", "message": "Failed to initiate push"}),
    ("code-106500", {"status": False, "code": 106500, "message": "Error loading service"}),
    ("code-106501", {"status": False, "code": 106501, "message": "Error mapping service"}),
    ("code-111101", {"status": False, "code": 111101, "message": "Invalid input"}),
    ("code-111102", {"status": False, "code": "111102", "message": "Transaction with the passed reference cannot be found"}),
    ("code-unknown", {"status": False, "code": 777001, "message": "Something new"}),
    ("status-true-odd-code", {"status": True, "code": "12", "message": "odd"}),
    ("html", HTML),
    ("plain-text", PLAIN),
    ("empty", ""),
]

CODE_STATUS = {"400": 400, "401": 401, "403": 403, "404": 404, "408": 408, "429": 429}


def by_status(endpoint, status, refused, duplicate):
    """The rows keyed by HTTP status (also used for codes 400, 401, …)."""
    if status == 400:
        if duplicate:
            return "duplicate_reference", "check_status_first" if endpoint == "init" else "do_not_retry"
        return "invalid_request", "do_not_retry"
    if status == 401:
        return "unauthorized", "do_not_retry" if endpoint == "token" else "refresh_token_and_retry"
    if status == 403:
        return ("unauthorized", "do_not_retry") if endpoint == "token" else ("invalid_signature", "fix_signature")
    if status == 404:
        return "not_found", "do_not_retry"
    if status == 429:
        return "rate_limited", "retry_with_backoff"
    if status == 408 or 500 <= status <= 599:
        return "server_error", "check_status_first" if endpoint == "init" else "retry_with_backoff"
    if 200 <= status <= 299:
        return "unknown", "do_not_retry" if refused else "retry_with_backoff"
    return "unknown", "do_not_retry"


def classify(endpoint, status, code, refused, message):
    duplicate = message is not None and any(w in message.lower() for w in ("duplicate", "already exist", "already been used"))
    if code == "106401":
        kind, action = "telco_not_authorized", "do_not_retry"
    elif code == "106201":
        kind, action = "push_failed", "retry_with_backoff"
    elif code in ("106500", "106501"):
        kind, action = "service_error", "check_status_first" if endpoint == "init" else "retry_with_backoff"
    elif code == "111102":
        kind, action = "transaction_not_found", "do_not_retry"
    elif code == "111101":
        kind, action = "invalid_request", "do_not_retry"
    elif code in CODE_STATUS:
        kind, action = by_status(endpoint, CODE_STATUS[code], refused, duplicate)
    else:
        kind, action = by_status(endpoint, status, refused, duplicate)
    # On the push, an answer the table does not understand may hide an accepted push.
    if endpoint == "init" and kind == "unknown":
        action = "check_status_first"
    return {"type": "rejected", "kind": kind, "action": action}


def expected(endpoint, status, body):
    two = 200 <= status <= 299
    if isinstance(body, str):  # not JSON
        if two:
            return {"type": "rejected", "kind": "invalid_response", "action": "check_status_first" if endpoint == "init" else "retry_with_backoff"}
        return classify(endpoint, status, None, False, None)
    code = None if body.get("code") is None else str(body["code"])
    refused = body.get("status") is False
    if endpoint == "status" and code == "111102":
        return {"type": "not_found"}
    if endpoint == "token" and two and "accessToken" not in body and not refused and code is None:
        return None  # a token answer without a token: a parse error (missing_field accessToken)
    return classify(endpoint, status, code, refused, body.get("message"))


def answer_cases():
    cases = []
    for endpoint in ENDPOINTS:
        for status in STATUSES:
            for label, body in BODIES:
                text = body if isinstance(body, str) else json.dumps(body, separators=(",", ":"))
                want = expected(endpoint, status, body)
                case = {"id": f"{endpoint}-{status}-{label}", "input": {"endpoint": endpoint, "status": status, "body": text}}
                if want is None:
                    case["error"] = {"code": "missing_field", "field": "accessToken"}
                else:
                    case["expected"] = want
                cases.append(case)
        # The successes each endpoint knows, as the same view.
    ok_bodies = {
        "token": ({"accessToken": "eyJhbGciOiJSUzI1NiJ9.t.s", "expiresIn": "2021-07-13T07:18:02Z", "issuedAt": "2021-07-13T07:03:02Z"}, "token"),
        "init": ({"status": True, "code": "0", "message": "Success. Request accepted for processing"}, "accepted"),
        "status": ({"status": True, "code": "0", "message": "Order found", "data": {"order": {"orderReference": "OR1", "orderAmount": 2, "orderStatus": "Pending"}}}, "found"),
    }
    for endpoint, (body, kind) in ok_bodies.items():
        for status in (200, 201):
            cases.append({"id": f"{endpoint}-{status}-success", "input": {"endpoint": endpoint, "status": status, "body": json.dumps(body)},
                          "expected": {"type": kind}})
    init_ack = {"status": True, "code": -1, "message": "Transaction has been successfully acknowledged, await final transaction status on callback"}
    cases.append({"id": "init-200-acknowledged", "input": {"endpoint": "init", "status": 200, "body": json.dumps(init_ack)}, "expected": {"type": "accepted"}})
    # An acceptance code with a status that is not 2xx is no acceptance.
    for status in (400, 500, 502):
        cases.append({"id": f"init-{status}-code-zero", "input": {"endpoint": "init", "status": status, "body": json.dumps(ok_bodies["init"][0])},
                      "expected": classify("init", status, "0", False, ok_bodies["init"][0]["message"])})
    return cases


TRANSPORT = [
    ("token", "connect_failed", "retry_with_backoff"),
    ("token", "timeout", "retry_with_backoff"),
    ("token", "connection_lost", "retry_with_backoff"),
    ("init", "connect_failed", "retry_with_backoff"),
    ("init", "timeout", "check_status_first"),
    ("init", "connection_lost", "check_status_first"),
    ("status", "connect_failed", "retry_with_backoff"),
    ("status", "timeout", "retry_with_backoff"),
    ("status", "connection_lost", "retry_with_backoff"),
]


def transport_cases():
    return [
        {"id": f"{endpoint}-{failure}", "input": {"endpoint": endpoint, "failure": failure}, "expected": {"action": action}}
        for endpoint, failure, action in TRANSPORT
    ]


def all_files():
    return [
        ("answers.json", "answer",
         "Classify any answer of the token, init and status endpoints: input.endpoint, input.status (HTTP), input.body (text). "
         "expected.type is token, accepted, found, not_found or rejected (then kind and action). A runner calls "
         "parse_token_response, classify_init_response or parse_status_response and compares only these fields.",
         answer_cases()),
        ("transport.json", "transport_failure",
         "What to do when no HTTP answer came: input.endpoint, input.failure (connect_failed, timeout, connection_lost) → expected.action.",
         transport_cases()),
    ]
