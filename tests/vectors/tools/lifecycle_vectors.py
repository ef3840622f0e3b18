"""Conformance cases for the payment lifecycle: tokens, init responses, order
status, callbacks, callback-URL tokens, IPNs and reconciliation.

Expected values are written here by hand from the provider's page and
NOTES.md (amounts as exact decimal strings, times as RFC 3339), and callback
tokens are computed with Python's own `hmac` module, not the Rust code.
"""

import base64
import copy
import hashlib
import hmac
import json

# ------------------------------------------------------------------ bodies from the page

PAGE_INIT_OK = {
    "status": True,
    "code": "0",
    "message": "Success. Request accepted for processing",
    "data": {
        "amount": 2.0,
        "charge": 1.0,
        "paymentReference": "MKQR28922980073",
        "invoiceNumber": "INVDBU",
        "orderReference": "OR28922980077",
        "amountDebited": 2.0,
    },
}


def error_body(code, message, error_code):
    return {"status": False, "code": code, "message": message, "error_code": error_code}


PAGE_CALLBACK = {
    "status": True,
    "code": "0",
    "message": "The service request is processed successfully.",
    "transactionReference": "MKQR28922980073",
    "data": {
        "Body": {
            "stkCallback": {
                "MerchantRequestID": "0528-4964-bbde-4f38e64fe5f147817775",
                "CheckoutRequestID": "ws_CO_0908202416223944722000000",
                "ResultDesc": "The service request is processed successfully.",
                "ResultCode": 0,
                "CallbackMetadata": {
                    "Item": [
                        {"Value": 2, "Name": "Amount"},
                        {"Value": "SH90HU7FO2", "Name": "MpesaReceiptNumber"},
                        {"Name": "Balance"},
                        {"Value": 20240809162247, "Name": "TransactionDate"},
                        {"Value": 254722000000, "Name": "PhoneNumber"},
                    ]
                },
            }
        }
    },
}

PAGE_IPN = {
    "callbackType": "IPN",
    "customer": {"name": "John Doe", "mobileNumber": "0722000000", "reference": "OR28922980077"},
    "transaction": {
        "date": "2024-08-09 16:22:50",
        "reference": "SH90HU7FO2",
        "paymentMode": "MPESA",
        "amount": 2,
        "currency": "KES",
        "serviceCharge": 1,
        "billNumber": "INVDBU",
        "servedBy": "JENGA",
        "additionalInfo": "MPESA",
        "orderAmount": 2,
        "orderCurrency": "KES",
        "status": "SUCCESS",
        "remarks": "ED990222",
    },
    "bank": {"reference": "NONE", "transactionType": "C", "account": "NONE"},
}

# From NOTES.md: the status query's response shape.
STATUS_FOUND = {
    "status": True,
    "code": "0",
    "message": "Order found",
    "data": {
        "order": {
            "orderAmount": 2,
            "amountPaid": 2,
            "orderReference": "OR28922980077",
            "orderStatus": "Paid",
            "createdOn": 1723209730000,
        },
        "invoices": [
            {
                "amount": 2,
                "amountDebited": 2,
                "charge": 1,
                "invoiceStatus": "Paid",
                "orderReference": "OR28922980077",
                "externalReference": "SH90HU7FO2",
                "createdOn": 1723209730000,
                "completedOn": 1723209770000,
            }
        ],
    },
}


def text(obj):
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def deep(obj, **changes):
    out = copy.deepcopy(obj)
    for path, value in changes.items():
        *parents, last = path.split("__")
        target = out
        for p in parents:
            target = target[int(p)] if isinstance(target, list) else target[p]
        if value is DELETE:
            del target[last]
        else:
            target[last] = value
    return out


DELETE = object()


def ok(case_id, description, input_, expected):
    return {"id": case_id, "description": description, "input": input_, "expected": expected}


def err(case_id, description, input_, code, field=None):
    return {"id": case_id, "description": description, "input": input_, "error": {"code": code, "field": field}}


def rejected(status, code, message, error_code, kind, action, excerpt=None):
    return {
        "type": "rejected",
        "httpStatus": status,
        "providerCode": code,
        "message": message,
        "errorCode": error_code,
        "kind": kind,
        "action": action,
        "bodyExcerpt": excerpt,
    }


OVERSIZED = "{\"pad\":\"" + "x" * (64 * 1024) + "\"}"
TOO_DEEP = "[" * 40 + "]" * 40
HTML_502 = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
# The excerpt kept for logs: tags and control characters removed, whitespace
# collapsed, at most 120 characters (then "…"), token-like runs of 24+
# characters redacted; none for a body shaped like JSON ({… or […).
HTML_502_EXCERPT = "502 Bad Gateway nginx"

# ------------------------------------------------------------------ init responses


def init_cases():
    c = []
    c.append(ok("page-accepted", "The page's example response.", {"status": 200, "body": text(PAGE_INIT_OK)}, {
        "type": "accepted", "code": "0", "message": "Success. Request accepted for processing",
        "invoiceNumber": "INVDBU", "amount": "2", "charge": "1", "amountDebited": "2",
        "paymentReference": "MKQR28922980073", "orderReference": "OR28922980077"}))
    ack = deep(PAGE_INIT_OK, code="-1", message="Transaction has been successfully acknowledged, await final transaction status on callback")
    c.append(ok("acknowledged-minus-one", "Code -1: acknowledged, await the callback.", {"status": 200, "body": text(ack)}, {
        "type": "accepted", "code": "-1", "message": ack["message"], "invoiceNumber": "INVDBU", "amount": "2",
        "charge": "1", "amountDebited": "2", "paymentReference": "MKQR28922980073", "orderReference": "OR28922980077"}))
    numeric = deep(PAGE_INIT_OK, code=0, data=None)
    c.append(ok("numeric-zero-no-data", "Code as the number 0 and null data.", {"status": 200, "body": text(numeric)}, {
        "type": "accepted", "code": "0", "message": numeric["message"], "invoiceNumber": None, "amount": None,
        "charge": None, "amountDebited": None, "paymentReference": None, "orderReference": None}))
    pages = [
        (400, 400, "Invalid request parameters", "INVALID_REQUEST", "invalid_request", "do_not_retry"),
        (401, 401, "Invalid or expired access token", "UNAUTHORIZED", "unauthorized", "refresh_token_and_retry"),
        (403, 403, "Invalid signature or insufficient permissions", "FORBIDDEN", "invalid_signature", "fix_signature"),
        (404, 404, "Source or destination account not found", "ACCOUNT_NOT_FOUND", "not_found", "do_not_retry"),
    ]
    for status, code, message, error_code, kind, action in pages:
        c.append(ok(f"page-error-{status}", f"The page's {status} body (numeric code).", {"status": status, "body": text(error_body(code, message, error_code))},
                    rejected(status, str(code), message, error_code, kind, action)))
    c.append(ok("string-code-400", "The same 400 with the code as a string.", {"status": 400, "body": text(error_body("400", "Invalid request parameters", "INVALID_REQUEST"))},
                rejected(400, "400", "Invalid request parameters", "INVALID_REQUEST", "invalid_request", "do_not_retry")))
    dup = "Duplicate order reference"
    c.append(ok("duplicate-reference", "A reused reference (400 with a duplicate message): perhaps an earlier push of this order whose answer was lost, so ask first.", {"status": 400, "body": text(error_body(400, dup, "INVALID_REQUEST"))},
                rejected(400, "400", dup, "INVALID_REQUEST", "duplicate_reference", "check_status_first")))
    telco = "Not Authorized to access this Telco,Kindly contact support@finserve.africa"
    c.append(ok("telco-not-authorized", "106401 comes with HTTP 401 but is not a token problem.", {"status": 401, "body": text({"status": False, "code": 106401, "message": telco})},
                rejected(401, "106401", telco, None, "telco_not_authorized", "do_not_retry")))
    push = "Failed to initiate push. Kindly try again after a few minutes or contact support@finserve.africa"
    c.append(ok("push-failed-http-200", "106201 as HTTP 200 with status false: the body decides.", {"status": 200, "body": text({"status": False, "code": 106201, "message": push})},
                rejected(200, "106201", push, None, "push_failed", "retry_with_backoff")))
    c.append(ok("push-failed-string-code", "106201 with the code as a string.", {"status": 200, "body": text({"status": False, "code": "106201", "message": push})},
                rejected(200, "106201", push, None, "push_failed", "retry_with_backoff")))
    for code, message in [(106500, "Error loading service"), (106501, "Error mapping service")]:
        c.append(ok(f"service-error-{code}", f"{code} comes with HTTP 500: the push may have happened, so ask first.", {"status": 500, "body": text({"status": False, "code": code, "message": message})},
                    rejected(500, str(code), message, None, "service_error", "check_status_first")))
    c.append(ok("unknown-code-kept", "An unknown code is kept; whether a prompt went out is unknown, so ask first.", {"status": 200, "body": text({"status": False, "code": 777001, "message": "Something new"})},
                rejected(200, "777001", "Something new", None, "unknown", "check_status_first")))
    c.append(ok("status-true-unknown-code", "status true but a code that is not 0 or -1 is not an acceptance (nor a refusal).", {"status": 200, "body": text({"status": True, "code": "12", "message": "odd"})},
                rejected(200, "12", "odd", None, "unknown", "check_status_first")))
    c.append(ok("status-false-code-zero", "A contradiction (status false, code 0) is not trusted either way.", {"status": 200, "body": text(deep(PAGE_INIT_OK, status=False))},
                rejected(200, "0", PAGE_INIT_OK["message"], None, "unknown", "check_status_first")))
    c.append(ok("gateway-503-json", "A 503 with a JSON body and no code.", {"status": 503, "body": text({"message": "Service Unavailable"})},
                rejected(503, None, "Service Unavailable", None, "server_error", "check_status_first")))
    c.append(ok("html-502", "An HTML gateway page classifies by its status, with an excerpt for logs.", {"status": 502, "body": HTML_502},
                rejected(502, None, None, None, "server_error", "check_status_first", HTML_502_EXCERPT)))
    c.append(ok("plain-text-503", "A plain-text 503.", {"status": 503, "body": "upstream connect error or disconnect/reset before headers"},
                rejected(503, None, None, None, "server_error", "check_status_first", "upstream connect error or disconnect/reset before headers")))
    c.append(ok("empty-504", "An empty 504.", {"status": 504, "body": ""}, rejected(504, None, None, None, "server_error", "check_status_first")))
    c.append(ok("json-500", "A 500 with the provider's JSON and no code.", {"status": 500, "body": text({"status": False, "message": "Internal error"})},
                rejected(500, None, "Internal error", None, "server_error", "check_status_first")))
    c.append(ok("rate-limited-429", "429: nothing was done, retry later.", {"status": 429, "body": "Too Many Requests"},
                rejected(429, None, None, None, "rate_limited", "retry_with_backoff", "Too Many Requests")))
    c.append(ok("rate-limited-429-json", "429 with a JSON body and code.", {"status": 429, "body": text(error_body(429, "Rate limit exceeded", "TOO_MANY_REQUESTS"))},
                rejected(429, "429", "Rate limit exceeded", "TOO_MANY_REQUESTS", "rate_limited", "retry_with_backoff")))
    c.append(ok("empty-body", "An empty 200: was the push accepted? Unknown, so ask first.", {"status": 200, "body": ""},
                rejected(200, None, None, None, "invalid_response", "check_status_first")))
    c.append(ok("html-200", "An HTML page with HTTP 200 (a captive portal, a proxy).", {"status": 200, "body": "<html><body><h1>Welcome</h1>\n<p>Please log in</p></body></html>"},
                rejected(200, None, None, None, "invalid_response", "check_status_first", "Welcome Please log in")))
    c.append(ok("oversized", "A body above 64 KiB is not read; with HTTP 200 the push may have been accepted.", {"status": 200, "body": OVERSIZED},
                rejected(200, None, None, None, "invalid_response", "check_status_first")))
    c.append(ok("too-deep", "Nesting deeper than the limit.", {"status": 200, "body": TOO_DEEP},
                rejected(200, None, None, None, "invalid_response", "check_status_first")))
    c.append(ok("not-an-object", "JSON that is not an object.", {"status": 200, "body": "[1,2]"},
                rejected(200, None, None, None, "invalid_response", "check_status_first")))
    c.append(ok("code-as-array", "A code that is no code: an accepted push cannot be assumed.", {"status": 200, "body": text(deep(PAGE_INIT_OK, code=[0]))},
                rejected(200, None, PAGE_INIT_OK["message"], None, "unknown", "check_status_first")))
    accepted = {"type": "accepted", "code": "0", "message": "Success. Request accepted for processing", "invoiceNumber": "INVDBU", "amount": "2", "charge": "1",
                "amountDebited": "2", "paymentReference": "MKQR28922980073", "orderReference": "OR28922980077"}
    # Side fields in data never turn an accepted push into a failure (the caller would push again).
    c.append(ok("bad-amount", "An amount that is not a number is left absent; the push stays accepted.", {"status": 200, "body": text(deep(PAGE_INIT_OK, data__amount="two"))},
                dict(accepted, amount=None)))
    c.append(ok("amount-three-decimals", "data.amount 2.005 (not money) is left absent.", {"status": 200, "body": text(deep(PAGE_INIT_OK, data__amount=2.005))},
                dict(accepted, amount=None)))
    c.append(ok("invoice-number-as-number", "invoiceNumber as a number is kept as its digits.", {"status": 200, "body": text(deep(PAGE_INIT_OK, data__invoiceNumber=123456))},
                dict(accepted, invoiceNumber="123456")))
    c.append(ok("data-as-string", "data as a string: every data field absent, still accepted.", {"status": 200, "body": text(deep(PAGE_INIT_OK, data="accepted"))},
                dict(accepted, invoiceNumber=None, amount=None, charge=None, amountDebited=None, paymentReference=None, orderReference=None)))
    c.append(ok("data-repeated-key", "data with a repeated key is unreadable, the envelope still decides.", {"status": 200, "body": text(PAGE_INIT_OK).replace('"charge":1.0', '"charge":1.0,"charge":2')},
                dict(accepted, invoiceNumber=None, amount=None, charge=None, amountDebited=None, paymentReference=None, orderReference=None)))
    c.append(ok("message-as-number", "A message that is a number is kept as its text.", {"status": 200, "body": text(deep(PAGE_INIT_OK, message=0))},
                dict(accepted, message="0")))
    c.append(ok("references-trimmed", "References in data are trimmed.", {"status": 200, "body": text(deep(PAGE_INIT_OK, data__paymentReference=" MKQR28922980073 "))},
                accepted))
    c.append(ok("status-as-string", "status as the string \"true\" and code with spaces.", {"status": 200, "body": text(deep(PAGE_INIT_OK, status="true", code=" 0 "))},
                accepted))
    return c


# ------------------------------------------------------------------ token responses

TOKEN_OK = {
    "accessToken": "eyJhbGciOiJSUzI1NiJ9.test-only.c2ln",
    "refreshToken": "test-only-refresh",
    "expiresIn": "2021-07-13T07:18:02Z",
    "issuedAt": "2021-07-13T07:03:02Z",
    "tokenType": "Bearer",
}


def token_cases():
    c = []
    now = "2021-07-13T07:03:05Z"
    c.append(ok("fifteen-minutes", "expiresIn and issuedAt are timestamps; the lifetime counts from receipt.",
                {"status": 200, "body": text(TOKEN_OK), "now": now},
                {"type": "token", "accessToken": TOKEN_OK["accessToken"], "tokenType": "Bearer",
                 "issuedAt": "2021-07-13T07:03:02Z", "providerExpiresAt": "2021-07-13T07:18:02Z",
                 "lifetime": "timestamps", "expiresAt": "2021-07-13T07:18:05Z"}))
    skewed = "2021-07-13T10:00:00Z"
    c.append(ok("local-clock-ahead", "A local clock hours ahead still gets 15 minutes, not an expired token.",
                {"status": 200, "body": text(TOKEN_OK), "now": skewed},
                {"type": "token", "accessToken": TOKEN_OK["accessToken"], "tokenType": "Bearer",
                 "issuedAt": "2021-07-13T07:03:02Z", "providerExpiresAt": "2021-07-13T07:18:02Z",
                 "lifetime": "timestamps", "expiresAt": "2021-07-13T10:15:00Z"}))
    odd = deep(TOKEN_OK, expiresIn="2021-07-20T07:03:02Z")
    c.append(ok("absurd-lifetime-capped", "A lifetime above a day falls back to the documented 15 minutes.",
                {"status": 200, "body": text(odd), "now": now},
                {"type": "token", "accessToken": TOKEN_OK["accessToken"], "tokenType": "Bearer",
                 "issuedAt": "2021-07-13T07:03:02Z", "providerExpiresAt": "2021-07-20T07:03:02Z",
                 "lifetime": "assumed", "expiresAt": "2021-07-13T07:18:05Z"}))
    bare = {"accessToken": "abc.def.ghi"}
    c.append(ok("no-times", "No times: 15 minutes from receipt.", {"status": 200, "body": text(bare), "now": now},
                {"type": "token", "accessToken": "abc.def.ghi", "tokenType": "Bearer", "issuedAt": None,
                 "providerExpiresAt": None, "lifetime": "assumed", "expiresAt": "2021-07-13T07:18:05Z"}))
    tok = {"type": "token", "accessToken": TOKEN_OK["accessToken"], "tokenType": "Bearer", "issuedAt": "2021-07-13T07:03:02Z"}
    c.append(ok("expires-in-seconds", "expiresIn as a number of seconds (as peers send it) is a lifetime from receipt.",
                {"status": 200, "body": text(deep(TOKEN_OK, expiresIn=900)), "now": now},
                dict(tok, providerExpiresAt=None, lifetime="seconds", expiresAt="2021-07-13T07:18:05Z")))
    c.append(ok("expires-in-numeric-string", "expiresIn as a numeric string of seconds.",
                {"status": 200, "body": text(deep(TOKEN_OK, expiresIn="3599")), "now": now},
                dict(tok, providerExpiresAt=None, lifetime="seconds", expiresAt="2021-07-13T08:03:04Z")))
    c.append(ok("expires-in-garbage", "An unreadable expiry keeps the token, for the documented 15 minutes, and says so.",
                {"status": 200, "body": text(deep(TOKEN_OK, expiresIn="soon")), "now": now},
                dict(tok, providerExpiresAt=None, lifetime="assumed", expiresAt="2021-07-13T07:18:05Z")))
    c.append(ok("expires-in-zero", "A zero lifetime is not believed: 15 minutes, assumed.",
                {"status": 200, "body": text(deep(TOKEN_OK, expiresIn=0)), "now": now},
                dict(tok, providerExpiresAt=None, lifetime="assumed", expiresAt="2021-07-13T07:18:05Z")))
    c.append(ok("expires-in-object", "An expiry of another JSON type: 15 minutes, assumed.",
                {"status": 200, "body": text(deep(TOKEN_OK, expiresIn={"seconds": 900}, issuedAt=1626159782)), "now": now},
                dict(tok, issuedAt=None, providerExpiresAt=None, lifetime="assumed", expiresAt="2021-07-13T07:18:05Z")))
    c.append(ok("timestamp-without-issued-at", "An expiry timestamp alone cannot give a lifetime without trusting the local clock: 15 minutes, assumed.",
                {"status": 200, "body": text(deep(TOKEN_OK, issuedAt=DELETE)), "now": now},
                dict(tok, issuedAt=None, providerExpiresAt="2021-07-13T07:18:02Z", lifetime="assumed", expiresAt="2021-07-13T07:18:05Z")))
    c.append(ok("side-fields-of-other-types", "tokenType and refreshToken of other types never fail the token.",
                {"status": 200, "body": text(deep(TOKEN_OK, tokenType=None, refreshToken=12345)), "now": now},
                dict(tok, providerExpiresAt="2021-07-13T07:18:02Z", lifetime="timestamps", expiresAt="2021-07-13T07:18:05Z")))
    c.append(err("missing-access-token", "No accessToken.", {"status": 200, "body": text(deep(TOKEN_OK, accessToken=DELETE)), "now": now},
                 "missing_field", "accessToken"))
    c.append(ok("bad-credentials", "Wrong credentials: 401 in the provider's error shape; a new token cannot help.",
                {"status": 401, "body": text(error_body(401, "Invalid or expired access token", "UNAUTHORIZED")), "now": now},
                rejected(401, "401", "Invalid or expired access token", "UNAUTHORIZED", "unauthorized", "do_not_retry")))
    c.append(ok("html", "An HTML gateway page: retry with backoff (the token call changes nothing).", {"status": 502, "body": HTML_502, "now": now},
                rejected(502, None, None, None, "server_error", "retry_with_backoff")))
    c.append(ok("html-200", "An HTML page with HTTP 200; no excerpt from the token endpoint, whose request carries the secrets.", {"status": 200, "body": HTML_502, "now": now},
                rejected(200, None, None, None, "invalid_response", "retry_with_backoff")))
    c.append(ok("rate-limited", "429.", {"status": 429, "body": "", "now": now},
                rejected(429, None, None, None, "rate_limited", "retry_with_backoff")))
    return c


def token_state_cases():
    body = text(TOKEN_OK)
    return [
        ok("refresh-cycle", "No token: refresh. Fresh: use. Within the 60 s margin: refresh. A 401 invalidates.",
           {"marginSeconds": 60, "steps": [
               {"op": "next", "now": "2021-07-13T07:03:00Z"},
               {"op": "response", "status": 200, "body": body, "now": "2021-07-13T07:03:05Z"},
               {"op": "next", "now": "2021-07-13T07:03:06Z"},
               {"op": "next", "now": "2021-07-13T07:17:04Z"},
               {"op": "next", "now": "2021-07-13T07:17:05Z"},
               {"op": "next", "now": "2021-07-13T07:30:00Z"},
               {"op": "response", "status": 200, "body": body, "now": "2021-07-13T07:30:00Z"},
               {"op": "next", "now": "2021-07-13T07:30:01Z"},
               {"op": "invalidate"},
               {"op": "next", "now": "2021-07-13T07:30:02Z"},
           ]},
           {"actions": ["refresh", "stored", "use", "use", "refresh", "refresh", "stored", "use", "invalidated", "refresh"]}),
        ok("custom-margin", "A 5-minute margin refreshes earlier.",
           {"marginSeconds": 300, "steps": [
               {"op": "response", "status": 200, "body": body, "now": "2021-07-13T07:03:05Z"},
               {"op": "next", "now": "2021-07-13T07:13:04Z"},
               {"op": "next", "now": "2021-07-13T07:13:05Z"},
           ]},
           {"actions": ["stored", "use", "refresh"]}),
        ok("rejected-clears", "A refused token request leaves no token.",
           {"marginSeconds": 60, "steps": [
               {"op": "response", "status": 200, "body": body, "now": "2021-07-13T07:03:05Z"},
               {"op": "response", "status": 401, "body": text(error_body(401, "Invalid or expired access token", "UNAUTHORIZED")), "now": "2021-07-13T07:04:00Z"},
               {"op": "next", "now": "2021-07-13T07:04:01Z"},
           ]},
           {"actions": ["stored", "rejected:unauthorized", "refresh"]}),
    ]


# ------------------------------------------------------------------ order status

ORDER_FOUND = {
    "type": "found",
    "order": {"orderReference": "OR28922980077", "orderAmount": "2", "amountPaid": "2", "status": "Paid",
              "createdOn": "2024-08-09T13:22:10Z"},
    "invoices": [{"amount": "2", "amountDebited": "2", "charge": "1", "status": "Paid",
                  "orderReference": "OR28922980077", "mpesaReceipt": "SH90HU7FO2",
                  "createdOn": "2024-08-09T13:22:10Z", "completedOn": "2024-08-09T13:22:50Z"}],
}


def status_cases():
    c = []
    c.append(ok("found-paid", "A paid order with its invoice; epoch-millisecond times as date-times.",
                {"status": 200, "body": text(STATUS_FOUND)}, ORDER_FOUND))
    pending = deep(STATUS_FOUND, data__order__orderStatus="Pending", data__order__amountPaid=0)
    pending["data"]["invoices"] = [
        {"amount": 2, "invoiceStatus": "Pending", "orderReference": "OR28922980077", "externalReference": "", "createdOn": 1723209730000, "completedOn": None},
        {"amount": 2, "invoiceStatus": "Cancelled", "orderReference": "OR28922980077", "createdOn": 1723209000000},
        {"amount": 2.5, "invoiceStatus": "Reversed", "orderReference": "OR28922980077"},
    ]
    c.append(ok("pending-with-unknown-status", "Pending, with a cancelled attempt and an unknown status kept.",
                {"status": 200, "body": text(pending)},
                {"type": "found",
                 "order": {"orderReference": "OR28922980077", "orderAmount": "2", "amountPaid": "0", "status": "Pending", "createdOn": "2024-08-09T13:22:10Z"},
                 "invoices": [
                     {"amount": "2", "amountDebited": None, "charge": None, "status": "Pending", "orderReference": "OR28922980077", "mpesaReceipt": None, "createdOn": "2024-08-09T13:22:10Z", "completedOn": None},
                     {"amount": "2", "amountDebited": None, "charge": None, "status": "Cancelled", "orderReference": "OR28922980077", "mpesaReceipt": None, "createdOn": "2024-08-09T13:10:00Z", "completedOn": None},
                     {"amount": "2.5", "amountDebited": None, "charge": None, "status": "Reversed", "orderReference": "OR28922980077", "mpesaReceipt": None, "createdOn": None, "completedOn": None},
                 ]}))
    nf = "Transaction with the passed reference cannot be found"
    c.append(ok("not-found", "111102: not found.", {"status": 200, "body": text({"status": False, "code": 111102, "message": nf})},
                {"type": "not_found", "message": nf}))
    c.append(ok("not-found-string-code", "111102 as a string, HTTP 404.", {"status": 404, "body": text({"status": False, "code": "111102", "message": nf})},
                {"type": "not_found", "message": nf}))
    c.append(ok("unauthorized", "401: refresh the token and ask again.", {"status": 401, "body": text(error_body(401, "Invalid or expired access token", "UNAUTHORIZED"))},
                rejected(401, "401", "Invalid or expired access token", "UNAUTHORIZED", "unauthorized", "refresh_token_and_retry")))
    c.append(ok("invalid-input-111101", "111101 (invalid input) is an invalid request, even as HTTP 200.", {"status": 200, "body": text({"status": False, "code": 111101, "message": "Invalid input"})},
                rejected(200, "111101", "Invalid input", None, "invalid_request", "do_not_retry")))
    c.append(err("missing-order", "data without order.", {"status": 200, "body": text(deep(STATUS_FOUND, data__order=DELETE))}, "missing_field", "data.order"))
    c.append(err("missing-data", "No data at all.", {"status": 200, "body": text(deep(STATUS_FOUND, data=DELETE))}, "missing_field", "data"))
    no_created = copy.deepcopy(ORDER_FOUND)
    no_created["order"]["createdOn"] = None
    c.append(ok("bad-created-on", "createdOn is a side field: one that is not epoch milliseconds is absent.", {"status": 200, "body": text(deep(STATUS_FOUND, data__order__createdOn="yesterday"))}, no_created))
    c.append(ok("created-on-after-9999", "Epoch milliseconds past the year 9999 (no platform date type holds them) are absent.", {"status": 200, "body": text(deep(STATUS_FOUND, data__order__createdOn=253402300800000))}, no_created))
    odd_invoice = copy.deepcopy(ORDER_FOUND)
    odd_invoice["invoices"][0].update(charge=None, amountDebited=None, createdOn=None, completedOn=None)
    odd = deep(STATUS_FOUND, data__invoices__0__charge="n/a", data__invoices__0__amountDebited="", data__invoices__0__createdOn="2024-08-09 16:22:10",
               data__invoices__0__completedOn=None, data__invoices__0__externalReference=" SH90HU7FO2 ")
    c.append(ok("odd-invoice-side-fields", "Charge, amount debited and dates in odd forms are absent; the receipt is trimmed.", {"status": 200, "body": text(odd)}, odd_invoice))
    no_invoices = dict(copy.deepcopy(ORDER_FOUND), invoices=[])
    c.append(ok("invoices-null", "\"invoices\": null is no invoices.", {"status": 200, "body": text(deep(STATUS_FOUND, data__invoices=None))}, no_invoices))
    c.append(ok("invoices-missing", "No invoices member: no invoices.", {"status": 200, "body": text(deep(STATUS_FOUND, data__invoices=DELETE))}, no_invoices))
    unpaid = copy.deepcopy(ORDER_FOUND)
    unpaid["order"]["amountPaid"] = "0"
    c.append(ok("amount-paid-empty", "amountPaid as \"\" is nothing paid yet.", {"status": 200, "body": text(deep(STATUS_FOUND, data__order__amountPaid=""))}, unpaid))
    c.append(err("invoice-status-number", "invoiceStatus decides: a number is refused.", {"status": 200, "body": text(deep(STATUS_FOUND, data__invoices__0__invoiceStatus=3))}, "invalid_field", "data.invoices[0].invoiceStatus"))
    c.append(err("invoice-amount-garbage", "An invoice amount decides: text that is not an amount is refused.", {"status": 200, "body": text(deep(STATUS_FOUND, data__invoices__0__amount="two"))}, "invalid_field", "data.invoices[0].amount"))
    c.append(err("missing-order-status", "orderStatus decides.", {"status": 200, "body": text(deep(STATUS_FOUND, data__order__orderStatus=DELETE))}, "missing_field", "data.order.orderStatus"))
    c.append(ok("html", "An HTML gateway page: ask again later.", {"status": 502, "body": HTML_502},
                rejected(502, None, None, None, "server_error", "retry_with_backoff", HTML_502_EXCERPT)))
    c.append(ok("empty-200", "An empty 200.", {"status": 200, "body": ""},
                rejected(200, None, None, None, "invalid_response", "retry_with_backoff")))
    return c


def status_request_cases():
    return [
        ok("plain", "No Signature header (the provider's curl example).", {"orderReference": "OR28922980077", "sign": False, "environment": "uat", "accessToken": "tok"},
           {"method": "GET", "url": "https://uat.finserve.africa/api-checkout/mpesa-stk-push/v3.0/status/order/OR28922980077",
            "headers": [["Authorization", "Bearer tok"]]}),
        ok("encoded", "The reference is percent-encoded in the path.", {"orderReference": "OR 1/2?", "sign": False, "environment": "live", "accessToken": "tok"},
           {"method": "GET", "url": "https://api.finserve.africa/api-checkout/mpesa-stk-push/v3.0/status/order/OR%201%2F2%3F",
            "headers": [["Authorization", "Bearer tok"]]}),
        ok("signed", "With the Signature setting on, the order reference is signed (test-pkcs1-2048).",
           {"orderReference": "OR28922980077", "sign": True, "key": "test-pkcs1-2048", "environment": "uat", "accessToken": "tok"},
           {"method": "GET", "url": "https://uat.finserve.africa/api-checkout/mpesa-stk-push/v3.0/status/order/OR28922980077",
            "headers": [["Authorization", "Bearer tok"], ["Signature", None]]}),
    ]


# ------------------------------------------------------------------ callbacks

PAID = {
    "transactionReference": "MKQR28922980073",
    "merchantRequestId": "0528-4964-bbde-4f38e64fe5f147817775",
    "checkoutRequestId": "ws_CO_0908202416223944722000000",
    "resultCode": 0,
    "resultDesc": "The service request is processed successfully.",
    "outcome": {"result": "paid", "mpesaReceipt": "SH90HU7FO2", "amount": "2", "phoneNumber": "254722000000",
                "transactionDate": "2024-08-09T16:22:47+03:00", "balance": None},
}

FAILURES = [
    (1, "insufficient_funds", "The balance is insufficient for the transaction."),
    (17, "provider_error", "System internal error."),
    (26, "provider_error", "System busy. The service request is rejected."),
    (1001, "subscriber_busy", "Unable to lock subscriber, a transaction is already in process for the current subscriber"),
    (1019, "expired", "Transaction has expired"),
    (1025, "push_not_sent", "An error occurred while sending a push request"),
    (1031, "cancelled", "Request cancelled by the user"),
    (1032, "cancelled", "Request cancelled by user"),
    (1037, "timeout", "DS timeout user cannot be reached"),
    (2001, "wrong_pin", "The initiator information is invalid."),
    (9999, "push_not_sent", "An error occurred while sending a push request"),
    (4242, "unknown", "Something the library has never seen"),
]


def failed_callback(code, desc, code_as_string=False):
    body = deep(PAGE_CALLBACK, status=False, code="1", message=desc)
    stk = body["data"]["Body"]["stkCallback"]
    stk["ResultDesc"] = desc
    stk["ResultCode"] = str(code) if code_as_string else code
    del stk["CallbackMetadata"]
    return body


def callback_cases():
    c = [ok("page-paid", "The page's example callback: paid; Balance without Value is fine.", {"body": text(PAGE_CALLBACK)}, PAID)]
    for code, reason, desc in FAILURES:
        c.append(ok(f"failed-{code}", f"ResultCode {code}: {reason}.", {"body": text(failed_callback(code, desc))}, {
            "transactionReference": "MKQR28922980073", "merchantRequestId": PAID["merchantRequestId"],
            "checkoutRequestId": PAID["checkoutRequestId"], "resultCode": code, "resultDesc": desc,
            "outcome": {"result": "failed", "reason": reason}}))
    c.append(ok("failed-code-as-string", "ResultCode as a string.", {"body": text(failed_callback(1032, "Request cancelled by user", True))}, {
        "transactionReference": "MKQR28922980073", "merchantRequestId": PAID["merchantRequestId"],
        "checkoutRequestId": PAID["checkoutRequestId"], "resultCode": 1032, "resultDesc": "Request cancelled by user",
        "outcome": {"result": "failed", "reason": "cancelled"}}))
    extra = deep(PAGE_CALLBACK, newTopLevel={"x": 1})
    extra["data"]["Body"]["stkCallback"]["CallbackMetadata"]["Item"].append({"Name": "NewItem", "Value": "x"})
    extra["data"]["Body"]["stkCallback"]["CallbackMetadata"]["Item"][2]["Value"] = 1500.5
    paid_balance = copy.deepcopy(PAID)
    paid_balance["outcome"]["balance"] = "1500.5"
    c.append(ok("unknown-fields-ignored", "Unknown fields and items are ignored; a Balance with a value is read.", {"body": text(extra)}, paid_balance))
    stk = "data.Body.stkCallback"
    items = stk + ".CallbackMetadata.Item"

    def item_value(name, value):
        body = copy.deepcopy(PAGE_CALLBACK)
        for item in body["data"]["Body"]["stkCallback"]["CallbackMetadata"]["Item"]:
            if item["Name"] == name:
                if value is DELETE:
                    item.pop("Value", None)
                else:
                    item["Value"] = value
        return body

    def paid(**outcome):
        v = copy.deepcopy(PAID)
        v["outcome"].update(outcome)
        return v

    # Side fields, each odd in its own way: the payment is still read.
    c.append(ok("balance-empty-string", "Balance as \"\" is absent.", {"body": text(item_value("Balance", ""))}, PAID))
    c.append(ok("balance-garbage", "Balance that is not an amount is absent.", {"body": text(item_value("Balance", "KES 1,500.50"))}, PAID))
    c.append(ok("phone-masked", "A masked phone number is kept as sent.", {"body": text(item_value("PhoneNumber", "2547*****000"))}, paid(phoneNumber="2547*****000")))
    c.append(ok("phone-with-plus", "A phone number with + is kept as sent.", {"body": text(item_value("PhoneNumber", "+254722000000"))}, paid(phoneNumber="+254722000000")))
    c.append(ok("phone-missing", "No PhoneNumber value.", {"body": text(item_value("PhoneNumber", DELETE))}, paid(phoneNumber=None)))
    c.append(ok("date-as-text", "TransactionDate as \"2024-08-09 16:22:47\" is the same instant.", {"body": text(item_value("TransactionDate", "2024-08-09 16:22:47"))}, PAID))
    c.append(ok("date-as-string", "TransactionDate as a digit string.", {"body": text(item_value("TransactionDate", "20240809162247"))}, PAID))
    c.append(ok("date-garbage", "A TransactionDate that is no date is absent.", {"body": text(item_value("TransactionDate", "yesterday"))}, paid(transactionDate=None)))
    ids_gone = deep(PAGE_CALLBACK, data__Body__stkCallback__MerchantRequestID=DELETE, data__Body__stkCallback__CheckoutRequestID=None,
                    data__Body__stkCallback__ResultDesc=DELETE)
    c.append(ok("ids-and-description-missing", "MerchantRequestID, CheckoutRequestID and ResultDesc are side fields.", {"body": text(ids_gone)},
                dict(copy.deepcopy(PAID), merchantRequestId=None, checkoutRequestId=None, resultDesc=None)))
    c.append(ok("ids-as-numbers", "IDs as numbers are kept as their digits.", {"body": text(deep(PAGE_CALLBACK, data__Body__stkCallback__MerchantRequestID=12345))},
                dict(copy.deepcopy(PAID), merchantRequestId="12345")))
    odd_items = copy.deepcopy(PAGE_CALLBACK)
    odd_items["data"]["Body"]["stkCallback"]["CallbackMetadata"]["Item"] += ["junk", {"Value": 1}, {"Name": 7, "Value": 1}]
    c.append(ok("odd-items-skipped", "Items that are not objects with a Name are skipped.", {"body": text(odd_items)}, PAID))
    c.append(ok("references-trimmed", "transactionReference and the receipt are trimmed.",
                {"body": text(item_value("MpesaReceiptNumber", " SH90HU7FO2 ") | {"transactionReference": " MKQR28922980073 "})}, PAID))
    c.append(ok("amount-as-string", "Amount as a decimal string.", {"body": text(item_value("Amount", "2.00"))}, PAID))
    # Deciding fields stay strict.
    c.append(err("amount-repeated", "Two Amount items: which one decides is unknown.",
                 {"body": text(deep(PAGE_CALLBACK, data__Body__stkCallback__CallbackMetadata__Item=PAGE_CALLBACK["data"]["Body"]["stkCallback"]["CallbackMetadata"]["Item"] + [{"Name": "Amount", "Value": 3}]))},
                 "invalid_field", items + ".Amount"))
    c.append(err("amount-empty", "An empty Amount.", {"body": text(item_value("Amount", ""))}, "invalid_field", items + ".Amount"))
    c.append(err("receipt-number", "A receipt that is not text.", {"body": text(item_value("MpesaReceiptNumber", 1.5))}, "invalid_field", items + ".MpesaReceiptNumber"))
    c.append(err("transaction-reference-empty", "An empty transactionReference.", {"body": text(deep(PAGE_CALLBACK, transactionReference="  "))}, "invalid_field", "transactionReference"))
    c.append(err("missing-result-code", "No ResultCode.", {"body": text(deep(PAGE_CALLBACK, data__Body__stkCallback__ResultCode=DELETE))}, "missing_field", stk + ".ResultCode"))
    c.append(err("missing-transaction-reference", "No transactionReference.", {"body": text(deep(PAGE_CALLBACK, transactionReference=DELETE))}, "missing_field", "transactionReference"))
    c.append(err("paid-without-metadata", "ResultCode 0 without CallbackMetadata.", {"body": text(deep(PAGE_CALLBACK, data__Body__stkCallback__CallbackMetadata=DELETE))}, "missing_field", stk + ".CallbackMetadata"))
    no_receipt = copy.deepcopy(PAGE_CALLBACK)
    del no_receipt["data"]["Body"]["stkCallback"]["CallbackMetadata"]["Item"][1]
    c.append(err("paid-without-receipt", "ResultCode 0 without MpesaReceiptNumber.", {"body": text(no_receipt)}, "missing_field", items + ".MpesaReceiptNumber"))
    c.append(ok("impossible-date", "TransactionDate in month 13 is a side field: absent.", {"body": text(item_value("TransactionDate", 20241309162247))}, paid(transactionDate=None)))
    bad_amount = copy.deepcopy(PAGE_CALLBACK)
    bad_amount["data"]["Body"]["stkCallback"]["CallbackMetadata"]["Item"][0]["Value"] = -2
    c.append(err("negative-amount", "A negative amount.", {"body": text(bad_amount)}, "invalid_field", items + ".Amount"))
    c.append(err("result-code-float", "ResultCode 1.5 is not a code.", {"body": text(deep(PAGE_CALLBACK, data__Body__stkCallback__ResultCode=1.5))}, "invalid_field", stk + ".ResultCode"))
    c.append(err("not-json", "Form-encoded junk.", {"body": "a=b&c=d"}, "not_json"))
    c.append(err("oversized", "Above 64 KiB.", {"body": OVERSIZED}, "body_too_large"))
    c.append(err("too-deep", "Nested 40 deep.", {"body": TOO_DEEP}, "json_too_deep"))
    return c


# ------------------------------------------------------------------ callback URLs

SECRET = "test-only callback secret, 32+ bytes long"


def token(secret, order, payment):
    mac = hmac.new(secret.encode(), b"jenga-stk/callback/v1\n" + order.encode() + b"\n" + payment.encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()).rstrip(b"=").decode()


def callback_url_cases():
    base = "https://shop.example.com/jenga/callback"
    good = f"{base}?jenga_order=OR28922980077&jenga_payment=MKQR28922980073&jenga_token={token(SECRET, 'OR28922980077', 'MKQR28922980073')}"
    c = [
        ok("make", "The URL carries both references and an HMAC-SHA256 token (computed here with Python's hmac).",
           {"operation": "make", "secret": SECRET, "baseUrl": base, "orderReference": "OR28922980077", "paymentReference": "MKQR28922980073"},
           {"url": good}),
        ok("make-with-query", "A base URL with a query gets & parameters.",
           {"operation": "make", "secret": SECRET, "baseUrl": "http://127.0.0.1:8080/cb?shop=7", "orderReference": "A1", "paymentReference": "B2"},
           {"url": f"http://127.0.0.1:8080/cb?shop=7&jenga_order=A1&jenga_payment=B2&jenga_token={token(SECRET, 'A1', 'B2')}"}),
        err("make-insecure", "A public http base URL.", {"operation": "make", "secret": SECRET, "baseUrl": "http://shop.example.com/cb", "orderReference": "A1", "paymentReference": "B2"},
            "insecure_url", "callbackBaseUrl"),
        err("make-reserved-parameter", "A base URL already carrying jenga_order would make a URL that never verifies.",
            {"operation": "make", "secret": SECRET, "baseUrl": base + "?jenga_order=1", "orderReference": "A1", "paymentReference": "B2"},
            "invalid_url", "callbackBaseUrl"),
        err("short-secret", "Secrets under 32 bytes are refused.", {"operation": "make", "secret": "short", "baseUrl": base, "orderReference": "A1", "paymentReference": "B2"},
            "secret_too_short", "callbackSecret"),
        ok("verify", "The URL verifies and yields its references.", {"operation": "verify", "secret": SECRET, "url": good},
           {"orderReference": "OR28922980077", "paymentReference": "MKQR28922980073"}),
        ok("verify-target", "The request target (path and query) is enough.", {"operation": "verify", "secret": SECRET, "url": good[len("https://shop.example.com"):]},
           {"orderReference": "OR28922980077", "paymentReference": "MKQR28922980073"}),
        err("verify-tampered-payment", "Another payment reference.", {"operation": "verify", "secret": SECRET, "url": good.replace("MKQR28922980073", "MKQR28922980074")}, "callback_token_invalid"),
        err("verify-wrong-secret", "Another merchant's secret.", {"operation": "verify", "secret": SECRET + "!", "url": good}, "callback_token_invalid"),
        err("verify-repeated-parameter", "A repeated parameter.", {"operation": "verify", "secret": SECRET, "url": good + "&jenga_payment=X"}, "callback_token_invalid"),
        err("verify-no-token", "No token at all.", {"operation": "verify", "secret": SECRET, "url": base + "?jenga_order=OR28922980077&jenga_payment=MKQR28922980073"}, "callback_token_missing"),
        ok("verify-callback", "Token and body agree: the parsed callback.", {"operation": "verify_callback", "secret": SECRET, "url": good, "body": text(PAGE_CALLBACK)}, PAID),
        err("verify-callback-other-payment", "A genuine URL with another payment's callback body.",
            {"operation": "verify_callback", "secret": SECRET, "url": good, "body": text(deep(PAGE_CALLBACK, transactionReference="MKQR99999999999"))}, "callback_reference_mismatch"),
    ]
    return c


# ------------------------------------------------------------------ IPN

IPN_EXPECTED = {
    "callbackType": "IPN",
    "customer": {"name": "John Doe", "mobileNumber": "0722000000", "reference": "OR28922980077"},
    "transaction": {"date": "2024-08-09T16:22:50+03:00", "reference": "SH90HU7FO2", "paymentMode": "MPESA", "amount": "2",
                    "currency": "KES", "serviceCharge": "1", "billNumber": "INVDBU", "servedBy": "JENGA", "additionalInfo": "MPESA",
                    "orderAmount": "2", "orderCurrency": "KES", "status": "SUCCESS", "remarks": "ED990222"},
    "bank": {"reference": "NONE", "transactionType": "C", "account": "NONE"},
}


def ipn_cases():
    c = [ok("page-ipn", "The page's Complete Callback Response.", {"operation": "parse", "body": text(PAGE_IPN)},
            dict(IPN_EXPECTED, dedupeKey="SH90HU7FO2", orderReference="OR28922980077"))]
    failed = deep(PAGE_IPN, transaction__status="FAILED", transaction__paymentMode="CARD", bank=DELETE)
    exp = copy.deepcopy(IPN_EXPECTED)
    exp["transaction"]["status"] = "FAILED"
    exp["transaction"]["paymentMode"] = "CARD"
    exp["bank"] = None
    c.append(ok("failed-card-no-bank", "A FAILED IPN by card, without the bank part.", {"operation": "parse", "body": text(failed)},
                dict(exp, dedupeKey="SH90HU7FO2", orderReference="OR28922980077")))
    other = deep(PAGE_IPN, transaction__status="REVERSED", transaction__paymentMode="MOBILEMONEY", transaction__amount="1500.50")
    exp = copy.deepcopy(IPN_EXPECTED)
    exp["transaction"].update(status="REVERSED", paymentMode="MOBILEMONEY", amount="1500.5")
    c.append(ok("unknown-status-and-mode-kept", "Unknown status and payment mode are kept; a string amount is exact.", {"operation": "parse", "body": text(other)},
                dict(exp, dedupeKey="SH90HU7FO2", orderReference="OR28922980077")))
    def parsed(body, exp, order="OR28922980077", dedupe="SH90HU7FO2"):
        return {"operation": "parse", "body": text(body)}, dict(exp, dedupeKey=dedupe, orderReference=order)

    def expect(**transaction):
        e = copy.deepcopy(IPN_EXPECTED)
        e["transaction"].update(transaction)
        return e

    # Side fields, each odd in its own way: the IPN still decides.
    c.append(ok("bad-date", "An impossible date is a side field: absent.", *parsed(deep(PAGE_IPN, transaction__date="2024-02-30 10:00:00"), expect(date=None))))
    c.append(ok("garbage-date", "A date in another script: absent.", *parsed(deep(PAGE_IPN, transaction__date="２０２４-08-09 16:22:50"), expect(date=None))))
    c.append(ok("date-missing", "No date at all.", *parsed(deep(PAGE_IPN, transaction__date=DELETE), expect(date=None))))
    c.append(ok("iso-date", "An ISO date with T and a zone is the same instant, shown in East Africa Time.",
                *parsed(deep(PAGE_IPN, transaction__date="2024-08-09T13:22:50Z"), IPN_EXPECTED)))
    numbers = deep(PAGE_IPN, customer__mobileNumber=254722000000, transaction__billNumber=123456)
    e = expect(billNumber="123456")
    e["customer"]["mobileNumber"] = "254722000000"
    c.append(ok("numbers-for-text", "mobileNumber and billNumber as numbers are kept as their digits.", *parsed(numbers, e)))
    c.append(ok("optional-amounts-empty", "serviceCharge and orderAmount as \"\" are absent.",
                *parsed(deep(PAGE_IPN, transaction__serviceCharge="", transaction__orderAmount=""), expect(serviceCharge=None, orderAmount=None))))
    sample = deep(PAGE_IPN, transaction__currency=DELETE, transaction__serviceCharge="", transaction__orderAmount="", transaction__orderCurrency="",
                  transaction__remarks="", bank=DELETE)
    e = expect(currency=None, serviceCharge=None, orderAmount=None, orderCurrency=None, remarks=None)
    e["bank"] = None
    c.append(ok("provider-sample-no-currency", "In the shape of the provider's other published IPN samples: no currency, optional amounts as \"\". It still decides on status, amount and reference.",
                *parsed(sample, e)))
    e = copy.deepcopy(IPN_EXPECTED)
    e["customer"]["reference"] = None
    c.append(ok("no-customer-reference", "No customer.reference: a payment that did not come from a push; it parses, with no order reference.",
                *parsed(deep(PAGE_IPN, customer__reference=DELETE), e, order=None)))
    c.append(ok("empty-customer-reference", "An empty customer.reference is no reference.", *parsed(deep(PAGE_IPN, customer__reference="  "), e, order=None)))
    e2 = copy.deepcopy(e)
    e2["customer"].update(name=None, mobileNumber=None)
    c.append(ok("no-customer", "No customer part at all.", *parsed(deep(PAGE_IPN, customer=DELETE), e2, order=None)))
    e = copy.deepcopy(IPN_EXPECTED)
    e["bank"] = None
    c.append(ok("bank-not-an-object", "A bank part that is not an object is absent.", *parsed(deep(PAGE_IPN, bank="NONE"), e)))
    c.append(ok("payment-mode-missing", "No paymentMode.", *parsed(deep(PAGE_IPN, transaction__paymentMode=DELETE), expect(paymentMode=None))))
    c.append(ok("side-texts-of-other-types", "servedBy, additionalInfo and remarks of other types.",
                *parsed(deep(PAGE_IPN, transaction__servedBy=None, transaction__additionalInfo={"a": 1}, transaction__remarks=42),
                        expect(servedBy=None, additionalInfo=None, remarks="42"))))
    trimmed = deep(PAGE_IPN, customer__reference=" OR28922980077 ", transaction__reference=" SH90HU7FO2\t", transaction__status=" success ", transaction__currency=" KES ")
    c.append(ok("references-trimmed", "References are trimmed before they are compared or used as dedupe keys; the status is read case-insensitively.",
                *parsed(trimmed, IPN_EXPECTED)))
    c.append(ok("numeric-order-reference", "An order reference sent as a JSON integer is its digits.",
                *parsed(deep(PAGE_IPN, customer__reference=12345), dict(IPN_EXPECTED, customer=dict(IPN_EXPECTED["customer"], reference="12345")), order="12345")))
    # Deciding fields stay strict.
    c.append(err("missing-reference", "transaction.reference is the receipt and the dedupe key.", {"operation": "parse", "body": text(deep(PAGE_IPN, transaction__reference=DELETE))}, "missing_field", "transaction.reference"))
    c.append(err("empty-reference", "An empty transaction.reference.", {"operation": "parse", "body": text(deep(PAGE_IPN, transaction__reference=" "))}, "invalid_field", "transaction.reference"))
    c.append(err("float-like-amount", "An amount with three decimals.", {"operation": "parse", "body": text(deep(PAGE_IPN, transaction__amount=2.005))}, "invalid_field", "transaction.amount"))
    c.append(err("empty-amount", "The amount decides: \"\" is refused.", {"operation": "parse", "body": text(deep(PAGE_IPN, transaction__amount=""))}, "invalid_field", "transaction.amount"))
    c.append(err("missing-status", "transaction.status decides.", {"operation": "parse", "body": text(deep(PAGE_IPN, transaction__status=DELETE))}, "missing_field", "transaction.status"))
    c.append(err("currency-number", "A currency that is not text.", {"operation": "parse", "body": text(deep(PAGE_IPN, transaction__currency=404))}, "invalid_field", "transaction.currency"))
    c.append(err("customer-reference-object", "An order reference that is not text.", {"operation": "parse", "body": text(deep(PAGE_IPN, customer__reference={"id": 1}))}, "invalid_field", "customer.reference"))
    c.append(err("not-json", "Not JSON.", {"operation": "parse", "body": "<xml/>"}, "not_json"))
    c.append(err("oversized", "Above 64 KiB.", {"operation": "parse", "body": OVERSIZED}, "body_too_large"))
    basic = lambda s: "Basic " + base64.b64encode(s.encode()).decode()
    creds = {"username": "jenga-ipn", "password": "test-only p@ss:word"}
    c.append(ok("auth-ok", "The configured credentials.", dict(creds, operation="verify_auth", authorization=basic("jenga-ipn:test-only p@ss:word")), {"authenticated": True}))
    c.append(ok("auth-scheme-case", "The scheme is case-insensitive.", dict(creds, operation="verify_auth", authorization=basic("jenga-ipn:test-only p@ss:word").replace("Basic", "BASIC")), {"authenticated": True}))
    c.append(err("auth-missing", "No Authorization header.", dict(creds, operation="verify_auth", authorization=None), "ipn_auth_missing"))
    c.append(err("auth-wrong-password", "A wrong password.", dict(creds, operation="verify_auth", authorization=basic("jenga-ipn:guess")), "ipn_auth_invalid"))
    c.append(err("auth-wrong-user", "A wrong username.", dict(creds, operation="verify_auth", authorization=basic("admin:test-only p@ss:word")), "ipn_auth_invalid"))
    c.append(err("auth-bearer", "Another scheme.", dict(creds, operation="verify_auth", authorization="Bearer abc"), "ipn_auth_invalid"))
    c.append(err("auth-garbage", "Not Base64.", dict(creds, operation="verify_auth", authorization="Basic %%%"), "ipn_auth_invalid"))
    return c


# ------------------------------------------------------------------ reconcile


def reconcile_cases():
    expected = {"orderReference": "OR28922980077", "amount": "2", "currency": "KES"}
    paid_callback = text(PAGE_CALLBACK)
    cancelled_callback = text(failed_callback(1032, "Request cancelled by user"))
    ipn_ok = text(PAGE_IPN)
    # A FAILED IPN of the same transaction reference (the example),
    # and one of an earlier attempt (its own reference).
    ipn_failed = text(deep(PAGE_IPN, transaction__status="FAILED"))
    ipn_failed_attempt = text(deep(PAGE_IPN, transaction__status="FAILED", transaction__reference="SH90FAILED1"))
    ipn_other_order = text(deep(PAGE_IPN, customer__reference="OR00000000001"))
    ipn_no_order = text(deep(PAGE_IPN, customer__reference=DELETE))
    ipn_short = text(deep(PAGE_IPN, transaction__amount=1))
    ipn_second_receipt = text(deep(PAGE_IPN, transaction__reference="SH90SECOND2"))
    ipn_other_amount = text(deep(PAGE_IPN, transaction__amount=3))
    ipn_no_currency = text(deep(PAGE_IPN, transaction__currency=DELETE))
    ipn_usd = text(deep(PAGE_IPN, transaction__currency="USD"))
    status_paid = text(STATUS_FOUND)
    status_pending = text(deep(STATUS_FOUND, data__order__orderStatus="Pending", data__order__amountPaid=0, data__invoices=[
        {"amount": 2, "invoiceStatus": "Pending", "orderReference": "OR28922980077"}]))
    status_cancelled = text(deep(STATUS_FOUND, data__order__orderStatus="Pending", data__order__amountPaid=0, data__invoices=[
        {"amount": 2, "invoiceStatus": "Cancelled", "orderReference": "OR28922980077"},
        {"amount": 2, "invoiceStatus": "Expired", "orderReference": "OR28922980077"}]))
    status_paid_twice = text(deep(STATUS_FOUND, data__order__amountPaid=4, data__invoices=[
        {"amount": 2, "invoiceStatus": "Paid", "orderReference": "OR28922980077", "externalReference": "SH90SECOND2"},
        {"amount": 2, "invoiceStatus": "Cancelled", "orderReference": "OR28922980077"},
        {"amount": 2, "invoiceStatus": "Paid", "orderReference": "OR28922980077", "externalReference": "SH90HU7FO2"}]))
    status_retried = text(deep(STATUS_FOUND, data__invoices=[
        {"amount": 2, "invoiceStatus": "Cancelled", "orderReference": "OR28922980077"},
        STATUS_FOUND["data"]["invoices"][0]]))

    def case(cid, desc, state, decided_by, confirmed, receipt, amount, conflicts, callback=None, ipns=(), status=None,
             currency=None, currency_confirmed=False, expect=expected):
        return ok(cid, desc, {"expected": expect, "callback": callback, "ipns": list(ipns), "status": status},
                  {"state": state, "decidedBy": decided_by, "confirmed": confirmed, "mpesaReceipt": receipt, "amountPaid": amount,
                   "currencyPaid": currency, "currencyConfirmed": currency_confirmed,
                   "conflicts": [{"kind": k, "sources": s} for k, s in conflicts],
                   # A person looks first when anything but evidence about another order disagrees.
                   "needsReview": any(k != "reference_mismatch" for k, _ in conflicts)})

    kes = {"currency": "KES", "currency_confirmed": True}
    return [
        case("nothing", "No evidence: pending.", "pending", None, False, None, None, []),
        case("ipn-paid", "The IPN alone decides.", "paid", "ipn", True, "SH90HU7FO2", "2", [], ipns=[ipn_ok], **kes),
        case("ipn-redelivered", "The same IPN twice is still one payment.", "paid", "ipn", True, "SH90HU7FO2", "2", [], ipns=[ipn_ok, ipn_ok], **kes),
        case("status-paid", "The status query alone decides; it states no currency, so the currency is unconfirmed.", "paid", "status_query", True, "SH90HU7FO2", "2", [], status=status_paid),
        case("callback-only", "The unsigned callback alone: paid, but not confirmed.", "paid", "callback", False, "SH90HU7FO2", "2", [], callback=paid_callback),
        case("all-agree", "Callback, IPN and status agree.", "paid", "ipn", True, "SH90HU7FO2", "2", [], callback=paid_callback, ipns=[ipn_ok], status=status_paid, **kes),
        case("failed-callback-paid-status", "A failed callback (one attempt) and a paid status: paid, no conflict: attempts may fail before one succeeds.",
             "paid", "status_query", True, "SH90HU7FO2", "2", [], callback=cancelled_callback, status=status_paid),
        case("retried-order-paid", "A cancelled attempt, then a paid one, in the status query.", "paid", "status_query", True, "SH90HU7FO2", "2", [], status=status_retried),
        case("pending-status-paid-callback", "A pending status decides nothing; the callback says paid, unconfirmed.", "paid", "callback", False, "SH90HU7FO2", "2", [],
             callback=paid_callback, status=status_pending),
        case("cancelled-attempts", "Every attempt cancelled or expired: failed.", "failed", "status_query", True, None, None, [], status=status_cancelled),
        case("ipn-failed-callback-cancelled", "A FAILED IPN and a cancelled callback: failed, and no receipt (a receipt only comes from successful evidence).",
             "failed", "ipn", True, None, None, [], callback=cancelled_callback, ipns=[ipn_failed_attempt]),
        case("ipns-failed-then-success", "IPNs [FAILED, SUCCESS] of two attempts: the success wins.", "paid", "ipn", True, "SH90HU7FO2", "2", [],
             ipns=[ipn_failed_attempt, ipn_ok], **kes),
        case("ipns-success-then-failed", "The same IPNs in the other order: the same decision.", "paid", "ipn", True, "SH90HU7FO2", "2", [],
             ipns=[ipn_ok, ipn_failed_attempt], **kes),
        case("same-ipn-failed-then-success", "IPNs [FAILED, SUCCESS] of one transaction reference: paid, with the receipt of the success, and the contradiction reported.",
             "paid", "ipn", True, "SH90HU7FO2", "2", [("sources_disagree", ["ipn"])], ipns=[ipn_failed, ipn_ok], **kes),
        case("same-ipn-success-then-failed", "The same in the other order: the same decision.",
             "paid", "ipn", True, "SH90HU7FO2", "2", [("sources_disagree", ["ipn"])], ipns=[ipn_ok, ipn_failed], **kes),
        case("paid-callback-failed-ipn", "A paid callback and a FAILED IPN of an earlier attempt: paid on the callback, not confirmed.",
             "paid", "callback", False, "SH90HU7FO2", "2", [], callback=paid_callback, ipns=[ipn_failed_attempt]),
        case("two-receipts", "Two successful IPNs with different receipts: perhaps paid twice; reported.", "paid", "ipn", True, "SH90HU7FO2", "2",
             [("payments_disagree", ["ipn"])], ipns=[ipn_second_receipt, ipn_ok], **kes),
        case("two-amounts", "One receipt, two amounts: reported; the amount shown is the smallest, deterministically.", "paid", "ipn", True, "SH90HU7FO2", "2",
             [("payments_disagree", ["ipn"])], ipns=[ipn_other_amount, ipn_ok], **kes),
        case("status-paid-twice", "The status query lists two paid attempts: reported, and the total is not the order's amount.", "paid", "status_query", True, "SH90HU7FO2", "4",
             [("amount_mismatch", ["status_query"]), ("payments_disagree", ["status_query"])], status=status_paid_twice),
        case("callback-and-status-receipts-differ", "The callback and the status name different receipts: reported; the stronger source's receipt is shown.",
             "paid", "status_query", True, "SH90HU7FO2", "2", [("payments_disagree", ["status_query", "callback"])],
             callback=text(deep(PAGE_CALLBACK, data__Body__stkCallback__CallbackMetadata__Item__1__Value="SH90OTHER99")), status=status_paid),
        case("ipn-without-currency", "An IPN without currency still decides on status, amount and reference; the currency is unconfirmed.",
             "paid", "ipn", True, "SH90HU7FO2", "2", [], ipns=[ipn_no_currency]),
        case("ipn-other-currency", "Paid in another currency than the order's.", "paid", "ipn", True, "SH90HU7FO2", "2",
             [("currency_mismatch", ["ipn"])], ipns=[ipn_usd], currency="USD"),
        case("ipn-for-another-order", "An IPN for another order is ignored and reported.", "pending", None, False, None, None,
             [("reference_mismatch", ["ipn"])], ipns=[ipn_other_order]),
        case("ipn-for-no-order", "An IPN that names no order is ignored and reported.", "pending", None, False, None, None,
             [("reference_mismatch", ["ipn"])], ipns=[ipn_no_order]),
        case("short-payment", "An IPN for less than the order amount.", "paid", "ipn", True, "SH90HU7FO2", "1",
             [("amount_mismatch", ["ipn"])], ipns=[ipn_short], **kes),
        case("ipn-paid-status-failed", "IPN paid, status all cancelled: the payment wins, the contradiction is reported.", "paid", "ipn", True, "SH90HU7FO2", "2",
             [("sources_disagree", ["ipn", "status_query"])], ipns=[ipn_ok], status=status_cancelled, **kes),
        case("expected-reference-trimmed", "The merchant's reference is compared trimmed.", "paid", "ipn", True, "SH90HU7FO2", "2", [], ipns=[ipn_ok],
             expect=dict(expected, orderReference=" OR28922980077 "), **kes),
    ]


def all_files():
    return [
        ("init_responses.json", "init_response", "Classify the answer to the STK push initiation: input.status (HTTP) and input.body (text).", init_cases()),
        ("token_responses.json", "token_response", "Parse the merchant token response received at input.now.", token_cases()),
        ("token_state.json", "token_state", "Drive the token state holder through input.steps; expected.actions lists one word per step: refresh, use, stored, rejected:<kind>, invalidated.", token_state_cases()),
        ("status_responses.json", "status_response", "Parse the order status query's answer.", status_cases()),
        ("status_requests.json", "status_request", "Build the order status query. A null header value means: present, any value (a signature, checked by verification).", status_request_cases()),
        ("callbacks.json", "callback", "Parse the callback posted to payment.callbackUrl.", callback_cases()),
        ("callback_urls.json", "callback_url", "Make and verify callback URLs with an HMAC token; verify_callback also parses the body.", callback_url_cases()),
        ("ipn.json", "ipn", "Parse IPNs (parse) and check their Basic-auth header (verify_auth; authorization null means absent).", ipn_cases()),
        ("reconcile.json", "reconcile", "Decide paid / failed / pending from the bodies held: callback (text or null), ipns (texts), status (the status query's 200 body, or null).", reconcile_cases()),
    ]
