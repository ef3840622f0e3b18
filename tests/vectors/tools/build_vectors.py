#!/usr/bin/env python3
"""Writes tests/vectors/stk_push.json, keys.json, signatures.json and (with
doctor_vectors.py) signature_doctor.json.

This script is the *independent oracle* for the conformance vectors: it does
not use the Rust core. Expected request bodies are written here with Python's
own `json` module and `decimal` arithmetic, expected signatures come from
`openssl dgst -sha256 -sign`. The Rust tests (and every binding) must then
agree with these files byte for byte.

Run: python3 tests/vectors/tools/build_vectors.py   (or `make vectors`)
"""

import argparse
import base64
import copy
import json
import pathlib
import re
import subprocess
import sys
import tempfile
from decimal import Decimal

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import answer_vectors  # noqa: E402
import flow_vectors  # noqa: E402
import lifecycle_vectors  # noqa: E402
import doctor_vectors  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[3]
VECTORS = ROOT / "tests" / "vectors"
KEYS = ROOT / "tests" / "keys"

# The provider page's example request, verbatim (comments removed).
PAGE_EXAMPLE = {
    "order": {
        "orderReference": "OR28922980077",
        "orderAmount": 2,
        "orderCurrency": "KES",
        "source": "APICHECKOUT",
        "countryCode": "KE",
        "description": "Purchase",
    },
    "customer": {
        "name": "John Doe",
        "email": "xyx2@gmail.com",
        "phoneNumber": "0722000111",
        "identityNumber": "0000000",
        "firstAddress": "",
        "secondAddress": "",
    },
    "payment": {
        "paymentReference": "MKQR28922980073",
        "paymentCurrency": "KES",
        "channel": "MOBILE",
        "service": "MPESA",
        "provider": "JENGA",
        "callbackUrl": "https://webhook.site/5c74a733-1caa-4f10-b876-3df9c0d7453c",
        "details": {"msisdn": "0722000000", "paymentAmount": 2},
    },
}

CALLING = {"KE": "254", "UG": "256", "TZ": "255", "RW": "250", "SS": "211", "DRC": "243"}
BASE_URLS = {"uat": "https://uat.finserve.africa", "live": "https://api.finserve.africa"}
TOKEN = "eyJhbGciOiJSUzI1NiJ9.test-only-token.c2lnbmF0dXJl"


def openssl_sign(key: str, message: str) -> str:
    with tempfile.NamedTemporaryFile() as msg:
        msg.write(message.encode())
        msg.flush()
        sig = subprocess.run(
            ["openssl", "dgst", "-sha256", "-sign", str(KEYS / f"{key}.pem"), msg.name],
            check=True,
            capture_output=True,
        ).stdout
    return base64.b64encode(sig).decode()


def amount_text(value, decimals: str) -> str:
    d = Decimal(value.text if isinstance(value, Raw) else str(value))
    if decimals == "whole":
        assert d == d.to_integral_value(), value
        return str(int(d))
    return f"{d:.2f}"


def phone_text(number: str, country: str, form: str) -> str:
    """The wire form: separators people type (whitespace, - . ( )) dropped;
    a leading + or 00 introduces the country code; digits only on the wire."""
    cc = CALLING[country]
    compact = "".join(ch for ch in number if not (ch.isspace() or ch in "-.()"))
    if compact.startswith("+"):
        given, nsn = "international", compact[1 + len(cc):]
    elif compact.startswith("00"):
        given, nsn = "international", compact[2 + len(cc):]
    elif compact.startswith("0"):
        given, nsn = "local", compact[1:]
    else:
        given, nsn = "international", compact[len(cc):]
    assert len(nsn) == 9 and nsn.isascii() and nsn.isdigit(), number
    local, international = "0" + nsn, cc + nsn
    return {"asGiven": local if given == "local" else international, "local": local, "international": international}[form]


def expected_for(request: dict, options: dict, key: str, environment: str) -> dict:
    decimals = options.get("amountDecimals", "whole")
    encoding = options.get("amountEncoding", "number")
    phone_form = options.get("phoneFormat", "asGiven")
    o, c, p = request["order"], request["customer"], request["payment"]
    country = o["countryCode"]
    amounts = {
        "order": amount_text(o["orderAmount"], decimals),
        "payment": amount_text(p["details"]["paymentAmount"], decimals),
    }
    marker = {k: f"@@{k}@@" for k in amounts}
    body = {
        "order": {
            "orderReference": o["orderReference"],
            "orderAmount": marker["order"],
            "orderCurrency": o["orderCurrency"],
            "source": o.get("source", "APICHECKOUT"),
            "countryCode": country,
            "description": o["description"],
        },
        "customer": {
            "name": c["name"],
            "email": c["email"],
            "phoneNumber": phone_text(c["phoneNumber"], country, phone_form),
            "identityNumber": c["identityNumber"],
            "firstAddress": c.get("firstAddress", ""),
            "secondAddress": c.get("secondAddress", ""),
        },
        "payment": {
            "paymentReference": p["paymentReference"],
            "paymentCurrency": p["paymentCurrency"],
            "channel": p.get("channel", "MOBILE"),
            "service": p.get("service", "MPESA"),
            "provider": p.get("provider", "JENGA"),
            "callbackUrl": p["callbackUrl"],
            "details": {
                "msisdn": phone_text(p["details"]["msisdn"], country, phone_form),
                "paymentAmount": marker["payment"],
            },
        },
    }
    text = json.dumps(body, separators=(",", ":"), ensure_ascii=False)
    for k, amount in amounts.items():
        wire = amount if encoding == "number" else json.dumps(amount)
        text = text.replace(json.dumps(marker[k]), wire)
    signing = (
        o["orderReference"]
        + p["paymentCurrency"]
        + body["payment"]["details"]["msisdn"]
        + amounts["payment"]
    )
    base = BASE_URLS.get(environment, environment.rstrip("/"))
    signature = openssl_sign(key, signing)
    return {
        "body": text,
        "signingString": signing,
        "signature": signature,
        "method": "POST",
        "url": base + "/api-checkout/mpesa-stk-push/v3.0/init",
        "headers": [
            ["Content-Type", "application/json"],
            ["Authorization", "Bearer " + TOKEN],
            ["Signature", signature],
        ],
    }


def set_path(obj: dict, path: str, value):
    *parents, last = path.split(".")
    for part in parents:
        obj = obj[part]
    if value is DELETE:
        obj.pop(last, None)
    else:
        obj[last] = value


DELETE = object()


def variant(**changes) -> dict:
    request = copy.deepcopy(PAGE_EXAMPLE)
    for path, value in changes.items():
        set_path(request, path.replace("__", "."), value)
    return request


def ok_case(case_id, description, request, options=None, key="test-pkcs1-2048", environment="uat"):
    options = options or {}
    return {
        "id": case_id,
        "description": description,
        "input": {
            "request": request,
            "options": options,
            "key": key,
            "environment": environment,
            "accessToken": TOKEN,
        },
        "expected": expected_for(request, options, key, environment),
    }


def err_case(case_id, description, request, code, field, options=None, problems=None, **extra):
    case = {
        "id": case_id,
        "description": description,
        "input": {
            "request": request,
            "options": options or {},
            "key": "test-pkcs1-2048",
            "environment": extra.get("environment", "uat"),
            "accessToken": extra.get("accessToken", TOKEN),
        },
        "error": {"code": code, "field": field},
    }
    if problems:
        case["error"]["problems"] = [{"code": c, "field": f} for c, f in problems]
    return case


def duplicated(path: str, second) -> str:
    """The page example as JSON text with the member at `path` given a second
    time (value `second`) right after the first; checked with the standard
    library's `object_pairs_hook`, which sees every member."""
    doc = variant()
    *parents, key = path.split(".")
    obj = doc
    for p in parents:
        obj = obj[p]
    first = json.dumps(obj[key], separators=(",", ":"), default=decimal_default)
    marker = "@@dup@@"
    obj[key] = marker
    text = json.dumps(doc, separators=(",", ":"), ensure_ascii=False, default=decimal_default)
    text = text.replace(
        f'"{key}":"{marker}"',
        f'"{key}":{first},"{key}":{json.dumps(second, separators=(",", ":"))}',
    )
    text = re.sub(r'"@@num:([^@]*)@@"', r"\1", text)
    seen = []

    def hook(pairs):
        keys = [k for k, _ in pairs]
        seen.extend(k for k in set(keys) if keys.count(k) > 1)
        return dict(pairs)

    json.loads(text, object_pairs_hook=hook)
    assert seen == [key], (path, seen)
    return text


def stk_push_cases():
    cases = [
        ok_case("page-example", "The provider page's example request, verbatim.", variant()),
        ok_case(
            "two-decimals-number",
            "Two-decimal amounts as JSON numbers: 2.00 in the body and the signing string.",
            variant(),
            {"amountDecimals": "two"},
        ),
        ok_case(
            "two-decimals-string",
            "Two-decimal amounts as JSON strings (the page's best-practice section).",
            variant(),
            {"amountDecimals": "two", "amountEncoding": "string"},
        ),
        ok_case(
            "whole-string",
            "Whole amounts as JSON strings.",
            variant(),
            {"amountEncoding": "string"},
        ),
        ok_case(
            "fraction-two-decimals",
            "A fractional amount given as the number 2.5 is written 2.50.",
            variant(order__orderAmount=Decimal("10.5"), payment__details__paymentAmount=Decimal("2.5")),
            {"amountDecimals": "two"},
        ),
        ok_case(
            "amounts-as-strings-in-input",
            "Amounts may be given as decimal strings; whole style writes 2.",
            variant(order__orderAmount="2.00", payment__details__paymentAmount="2.00"),
        ),
        ok_case(
            "phone-local",
            "International input normalised to local form.",
            variant(customer__phoneNumber="254722000111", payment__details__msisdn="+254722000000"),
            {"phoneFormat": "local"},
        ),
        ok_case(
            "phone-international",
            "Local input normalised to international form (no plus).",
            variant(),
            {"phoneFormat": "international"},
        ),
        ok_case(
            "phone-as-given-plus",
            "The default keeps the form given (international) but never sends the + (nor signs it).",
            variant(payment__details__msisdn="+254110000000"),
        ),
        ok_case(
            "phone-as-people-type-it",
            "Spaces, dashes, dots and parentheses are dropped; the local form stays local.",
            variant(customer__phoneNumber="(0722) 000-111", payment__details__msisdn="0722 000.000"),
        ),
        ok_case(
            "phone-double-zero-prefix",
            "00 introduces the country code like +; sent as 2547… by default.",
            variant(customer__phoneNumber="00254 722 000 111", payment__details__msisdn="+254 (722) 000-000"),
        ),
        ok_case(
            "phone-no-break-spaces",
            "A no-break space pasted from a spreadsheet is a space.",
            variant(payment__details__msisdn="0722\u00a0000\u00a0000"),
            {"phoneFormat": "international"},
        ),
        ok_case("pkcs8-key-live", "A PKCS#8 key and the live environment.", variant(), key="test-pkcs8-2048", environment="live"),
        ok_case(
            "pkcs8-4096-custom-base",
            "A 4096-bit key and a custom (loopback, http) base URL with a trailing slash.",
            variant(),
            key="test-pkcs8-4096",
            environment="http://127.0.0.1:8080/",
        ),
        ok_case(
            "defaults-filled",
            "source, channel, service, provider and the addresses may be left out.",
            variant(
                order__source=DELETE,
                payment__channel=DELETE,
                payment__service=DELETE,
                payment__provider=DELETE,
                customer__firstAddress=DELETE,
                customer__secondAddress=DELETE,
            ),
        ),
        ok_case(
            "defaults-overridden-unicode",
            "Overridden fixed fields; non-ASCII names and addresses are written as UTF-8.",
            variant(
                order__source="POS",
                customer__name="Wanjikũ Njoroge \"WN\"",
                customer__firstAddress="Kimathi St, Nairobi",
                customer__secondAddress="P.O. Box 1-00100",
            ),
        ),
        ok_case(
            "partial-payment",
            "A payment below the order amount.",
            variant(order__orderAmount=1500, payment__details__paymentAmount=500),
        ),
        ok_case(
            "uganda",
            "Uganda: UGX and a +256 mobile number.",
            variant(
                order__countryCode="UG",
                order__orderCurrency="UGX",
                payment__paymentCurrency="UGX",
                order__orderAmount=5000,
                payment__details__paymentAmount=5000,
                customer__phoneNumber="0772123456",
                payment__details__msisdn="256772123456",
            ),
            {"phoneFormat": "local"},
        ),
        ok_case(
            "drc",
            "DRC as the page writes it, in USD.",
            variant(
                order__countryCode="DRC",
                order__orderCurrency="USD",
                payment__paymentCurrency="USD",
                customer__phoneNumber="0812345678",
                payment__details__msisdn="0991234567",
            ),
        ),
    ]
    E = err_case
    long_ref = "A" * 33
    cases += [
        E("missing-order-reference", "A required field left out.", variant(order__orderReference=DELETE), "required", "order.orderReference"),
        E("blank-name", "Whitespace is not a value.", variant(customer__name="   "), "required", "customer.name"),
        E("missing-payment-amount", "No payment amount.", variant(payment__details__paymentAmount=DELETE), "required", "payment.details.paymentAmount"),
        E("reference-wrong-type", "A number where text is expected.", variant(order__orderReference=123), "invalid_type", "order.orderReference"),
        E("details-wrong-type", "payment.details must be an object; its fields are then not reported as missing.", variant(payment__details=[]), "invalid_type", "payment.details"),
        E("amount-boolean", "A boolean amount.", variant(order__orderAmount=True), "invalid_type", "order.orderAmount"),
        E("unknown-field", "A misspelt field is reported, not ignored.", variant(order__orderRef="X1"), "unknown_field", "order.orderRef"),
        E("reference-too-long", "References above the configured length.", variant(order__orderReference=long_ref), "too_long", "order.orderReference"),
        E("reference-length-configured", "A shorter configured reference length.", variant(), "too_long", "payment.paymentReference", options={"maxReferenceLength": 14}),
        E("control-character", "A newline inside a name.", variant(customer__name="John\nDoe"), "control_character", "customer.name"),
        E("nul-in-address", "A NUL byte in an optional field.", variant(customer__firstAddress="a\u0000b"), "control_character", "customer.firstAddress"),
        E("invalid-email", "Not an e-mail address.", variant(customer__email="xyx2@gmail"), "invalid_email", "customer.email"),
        E("invalid-url", "Not an absolute URL.", variant(payment__callbackUrl="webhook.site/cb"), "invalid_url", "payment.callbackUrl"),
        E("url-with-credentials", "Credentials in the URL.", variant(payment__callbackUrl="https://u:p@shop.example.com/cb"), "invalid_url", "payment.callbackUrl"),
        E("insecure-url", "Plain http to a public host.", variant(payment__callbackUrl="http://shop.example.com/cb"), "insecure_url", "payment.callbackUrl"),
        E("unsupported-country", "CD is not what the page uses (DRC).", variant(order__countryCode="CD"), "unsupported_country", "order.countryCode"),
        E("lowercase-country", "Country codes are upper case.", variant(order__countryCode="ke"), "unsupported_country", "order.countryCode"),
        E("currency-country-mismatch", "UGX for Kenya, in both places.", variant(order__orderCurrency="UGX", payment__paymentCurrency="UGX"), "currency_country_mismatch", "order.orderCurrency"),
        E("currency-mismatch", "Payment currency differs from the order's.", variant(payment__paymentCurrency="USD"), "currency_mismatch", "payment.paymentCurrency"),
        E("amount-exponent", "Exponent notation is not an exact amount.", variant(payment__details__paymentAmount=Raw("2e0")), "invalid_amount", "payment.details.paymentAmount"),
        E("amount-text-garbage", "A string that is not a decimal.", variant(order__orderAmount="two"), "invalid_amount", "order.orderAmount"),
        E("amount-unicode-digits", "Look-alike digits are not digits.", variant(order__orderAmount="２"), "invalid_amount", "order.orderAmount"),
        E("amount-zero", "Zero is not a payment.", variant(payment__details__paymentAmount=0), "amount_not_positive", "payment.details.paymentAmount"),
        E("amount-negative", "Negative amounts.", variant(order__orderAmount=-2), "amount_not_positive", "order.orderAmount"),
        E("amount-not-whole", "A fraction under the default whole-unit style is refused, not rounded.", variant(payment__details__paymentAmount=Decimal("1.5")), "amount_not_whole", "payment.details.paymentAmount"),
        E("amount-too-precise", "Three decimals.", variant(payment__details__paymentAmount=Decimal("1.005")), "amount_too_precise", "payment.details.paymentAmount", options={"amountDecimals": "two"}),
        E("amount-too-large-default", "Above M-Pesa Kenya's 250,000 KES default maximum.", variant(order__orderAmount=250001, payment__details__paymentAmount=250001), "amount_too_large", "order.orderAmount",
          problems=[("amount_too_large", "order.orderAmount"), ("amount_too_large", "payment.details.paymentAmount")]),
        E("amount-too-large-configured", "Above a configured maximum.", variant(), "amount_too_large", "order.orderAmount", options={"maxAmount": "1"},
          problems=[("amount_too_large", "order.orderAmount"), ("amount_too_large", "payment.details.paymentAmount")]),
        E("amount-exceeds-order", "Paying more than the order.", variant(payment__details__paymentAmount=3), "amount_exceeds_order", "payment.details.paymentAmount"),
        E("invalid-reference", "Punctuation in a reference.", variant(payment__paymentReference="MKQR-2892"), "invalid_reference", "payment.paymentReference"),
        E("invalid-description", "Punctuation the provider rejects.", variant(order__description="Purchase #12!"), "invalid_description", "order.description"),
        E("invalid-phone-prefix", "Not a Kenyan mobile prefix.", variant(payment__details__msisdn="0622000000"), "invalid_phone", "payment.details.msisdn"),
        E("invalid-phone-country", "A Ugandan number on a Kenyan order.", variant(customer__phoneNumber="256772123456"), "invalid_phone", "customer.phoneNumber"),
        E("invalid-phone-lookalike", "Arabic-Indic digits in the number.", variant(payment__details__msisdn="07٢2000000"), "invalid_phone", "payment.details.msisdn"),
        E("invalid-phone-letters", "Letters are not separators.", variant(payment__details__msisdn="0722-OOO-000"), "invalid_phone", "payment.details.msisdn"),
        E("invalid-phone-length", "One digit short, however it is spaced.", variant(payment__details__msisdn="0722 000 00"), "invalid_phone", "payment.details.msisdn"),
        E("invalid-phone-other-country-prefix", "A Tanzanian +255 number on a Kenyan order.", variant(payment__details__msisdn="+255 722 000 000"), "invalid_phone", "payment.details.msisdn"),
        E("invalid-phone-other-separators", "Slashes and underscores are not separators.", variant(payment__details__msisdn="0722/000_000"), "invalid_phone", "payment.details.msisdn"),
        E("invalid-option", "An amount style that does not exist.", variant(), "invalid_option", "options", options={"amountDecimals": "three"}),
        E("invalid-token", "A token that would inject a header.", variant(), "invalid_token", "accessToken", accessToken="abc\r\nX-Evil: 1"),
        E("insecure-base-url", "A custom base URL over http to a public host.", variant(), "insecure_url", "environment.baseUrl", environment="http://api.example.com"),
        E("invalid-json", "Not JSON at all.", "{\"order\": ", "invalid_json", "request"),
        E("duplicate-field", "A field given twice is refused: JSON readers disagree on which one wins.",
          duplicated("payment.details.paymentAmount", 1), "duplicate_field", "payment.details.paymentAmount"),
        E("duplicate-object", "A whole object given twice is refused too.",
          duplicated("order", {}), "duplicate_field", "order"),
        E("not-an-object", "JSON, but not an object.", [1, 2], "invalid_type", "request"),
        E(
            "every-problem-at-once",
            "Validation reports every problem, in the order of the page's fields.",
            variant(
                order__orderReference="",
                order__countryCode="KE",
                customer__email="nope",
                payment__callbackUrl="ftp://x",
                payment__details__msisdn="123",
                payment__details__paymentAmount=0,
            ),
            "required",
            "order.orderReference",
            problems=[
                ("required", "order.orderReference"),
                ("invalid_email", "customer.email"),
                ("invalid_url", "payment.callbackUrl"),
                ("invalid_phone", "payment.details.msisdn"),
                ("amount_not_positive", "payment.details.paymentAmount"),
            ],
        ),
    ]
    return cases


def key_cases():
    def ok(stem, kind, bits):
        return {"id": f"{kind}-{stem}", "input": {"key": stem, "kind": kind}, "expected": {"bits": bits}}

    def err(stem, kind, code):
        return {"id": f"{kind}-{stem}", "input": {"key": stem, "kind": kind}, "error": {"code": code, "field": None}}

    return [
        ok("test-pkcs1-2048", "private", 2048),
        ok("test-pkcs1-2048-crlf", "private", 2048),
        ok("test-pkcs8-2048", "private", 2048),
        ok("test-pkcs8-4096", "private", 4096),
        ok("test-pkcs1-2048.pub", "public", 2048),
        ok("test-pkcs1-2048.rsapub", "public", 2048),
        ok("test-pkcs8-4096.pub", "public", 4096),
        ok("test-pkcs1-8192.pub", "public", 8192),
        # Signing keys stop at 4096 bits (ring's limit; every backend refuses alike).
        err("test-pkcs1-8192", "private", "key_unsupported"),
        # Public exponent 3: ring refuses it, so every backend does.
        err("test-e3-2048", "private", "key_unsupported"),
        err("test-e3-2048.pub", "public", "key_unsupported"),
        err("test-1024", "private", "key_too_small"),
        err("test-1024.pub", "public", "key_too_small"),
        err("test-pkcs1-2048.pub", "private", "key_is_public"),
        err("test-pkcs1-2048.rsapub", "private", "key_is_public"),
        err("test-pkcs8-2048", "public", "key_is_private"),
        err("test-encrypted-pkcs8", "private", "key_encrypted"),
        err("test-encrypted-pkcs1", "private", "key_encrypted"),
        err("test-ec", "private", "key_unsupported"),
        err("test-ec-pkcs8", "private", "key_unsupported"),
        err("garbage", "private", "key_invalid"),
        err("garbage", "public", "key_invalid"),
    ]


def signature_cases():
    cases = []
    for key in ["test-pkcs1-2048", "test-pkcs8-2048", "test-pkcs8-4096"]:
        for message in ["OR28922980077KES07220000002", "", "Wanjikũ"]:
            cases.append(
                {
                    "id": f"sign-{key}-{len(message)}",
                    "input": {"operation": "sign", "key": key, "message": message},
                    "expected": {"signature": openssl_sign(key, message)},
                }
            )
    for i, bad in enumerate(["", "not base64!", "YWJj\n", " YWJj", "YWJj=", "YQ", "====", "YW Jj"]):
        cases.append(
            {
                "id": f"byo-invalid-{i}",
                "input": {"operation": "attach", "signature": bad},
                "error": {"code": "invalid_signature_encoding", "field": None},
            }
        )
    good = openssl_sign("test-pkcs1-2048", "OR28922980077KES07220000002")
    cases.append(
        {
            "id": "byo-valid-verifies",
            "input": {"operation": "attach", "signature": good},
            "expected": {"verifiesWith": "test-pkcs1-2048.pub"},
        }
    )
    wrong = openssl_sign("test-pkcs8-2048", "OR28922980077KES07220000002")
    cases.append(
        {
            "id": "byo-wrong-key",
            "input": {"operation": "attach", "signature": wrong},
            "error": {"code": "signature_mismatch", "field": None},
        }
    )
    return cases


OUT = VECTORS


def write(name: str, operation: str, description: str, cases: list):
    doc = {"operation": operation, "description": description, "cases": cases}
    text = json.dumps(doc, indent=2, ensure_ascii=False, default=decimal_default) + "\n"
    text = re.sub(r'"@@num:([^@]*)@@"', r"\1", text)
    (OUT / name).write_text(text, encoding="utf-8")
    print(f"wrote {name}: {len(cases)} cases")


class Raw:
    """A JSON number literal written exactly as given (e.g. `2e0`, `2.50`)."""

    def __init__(self, text: str):
        self.text = text


def decimal_default(value):
    # Decimals and raw literals become markers, replaced by their exact text below.
    if isinstance(value, (Decimal, Raw)):
        return "@@num:" + (value.text if isinstance(value, Raw) else str(value)) + "@@"
    raise TypeError(value)


def main():
    global OUT
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=pathlib.Path, default=VECTORS, help="folder to write to")
    OUT = parser.parse_args().out
    write(
        "stk_push.json",
        "stk_push",
        "Validate, write, sign and wrap an STK push request. input.request is the provider-shaped "
        "JSON (or malformed JSON as a string), input.options the request options, input.key a "
        "file stem under tests/keys/, input.environment uat, live or a base URL.",
        stk_push_cases(),
    )
    write("keys.json", "load_key", "Load a private (signer) or public (verifier) key from tests/keys/<key>.pem.", key_cases())
    for name, operation, description, cases in lifecycle_vectors.all_files() + answer_vectors.all_files() + flow_vectors.all_files():
        write(name, operation, description, cases)
    write(
        "signatures.json",
        "signature",
        "sign: sign input.message with tests/keys/<key>.pem. attach: accept a Base64 signature made "
        "elsewhere for the page example's signing string.",
        signature_cases(),
    )
    write(doctor_vectors.FILE_NAME, doctor_vectors.OPERATION, doctor_vectors.DESCRIPTION, doctor_vectors.cases())


if __name__ == "__main__":
    main()
