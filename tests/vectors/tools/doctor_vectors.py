#!/usr/bin/env python3
"""Cases of tests/vectors/signature_doctor.json: one per signing mistake the
provider's troubleshooting section lists (and the ones seen in the wild),
plus valid signatures that must be diagnosed `ok`.

Independent of the Rust code: every signature is made by OpenSSL over the
*mistaken* text (`openssl dgst -sha1 -sign`, `-sha512`, `-sigopt
rsa_padding_mode:pss`, `openssl pkeyutl -sign` for the no-hash and
no-DigestInfo cases), the header encodings by Python's `base64`, and the key
fingerprints by `openssl pkey -pubin -outform DER | openssl dgst -sha256`.

Each case records how its signature was made (`oracle`: key, OpenSSL
arguments, the text on OpenSSL's standard input), so the Rust test re-runs
OpenSSL and checks it. PKCS#1 v1.5 is deterministic; RSA-PSS is not (random
salt), so a PSS case keeps the signature already committed while OpenSSL
still verifies it, and the file stays byte-identical when regenerated.

Used by build_vectors.py (`make vectors`); run alone to print the cases:
python3 tests/vectors/tools/doctor_vectors.py
"""

import base64
import hashlib
import json
import pathlib
import subprocess
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[3]
KEYS = ROOT / "tests" / "keys"
COMMITTED = ROOT / "tests" / "vectors" / "signature_doctor.json"

FILE_NAME = "signature_doctor.json"
OPERATION = "diagnose_signature"
DESCRIPTION = (
    "Diagnose a Signature header: input.body is the request body as sent (text), input.signature "
    "the header as sent (or input.signatureBytesBase64: raw header bytes, Base64 here only to fit "
    "in JSON), input.publicKey the registered public key's stem under tests/keys/, "
    "input.privateKey a private key's stem or null. expected.codes lists the finding codes in "
    "order (empty when ok); expected.signedText is the text the doctor must report as signed "
    "(null: it cannot know); expected fingerprints are SHA-256 of the SubjectPublicKeyInfo DER, by "
    "OpenSSL. oracle says how OpenSSL made the signature: `openssl <args>` with {key} = "
    "tests/keys/<key>.pem, `stdin` on standard input (`stdinSha256`: its SHA-256 digest instead); "
    "oracle.signature is the result in standard Base64."
)

# The provider page's example request (comments removed), as a compact body.
PAGE = {
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

REF, CUR, MSISDN, AMOUNT = "OR28922980077", "KES", "0722000000", "2"
GOOD = REF + CUR + MSISDN + AMOUNT  # OR28922980077KES07220000002


def body_text(msisdn=None, amount=None, reference=None, indent=None) -> str:
    """The page example as JSON text (compact, or indented by `indent`), with
    `msisdn` / `amount` given as the exact JSON literal text to write."""
    doc = json.loads(json.dumps(PAGE))
    if reference is not None:
        doc["order"]["orderReference"] = reference
    details = doc["payment"]["details"]
    if msisdn is not None:
        details["msisdn"] = "@@MSISDN@@"
    if amount is not None:
        details["paymentAmount"] = "@@AMOUNT@@"
    if indent is None:
        text = json.dumps(doc, separators=(",", ":"))
    else:
        text = json.dumps(doc, indent=indent)
    return text.replace('"@@MSISDN@@"', str(msisdn)).replace('"@@AMOUNT@@"', str(amount))


BODY = body_text()

_fingerprints = {}


def fingerprint(public_stem: str) -> str:
    """SHA-256 of the SubjectPublicKeyInfo DER, as OpenSSL computes it."""
    if public_stem not in _fingerprints:
        der = subprocess.run(
            ["openssl", "pkey", "-pubin", "-in", str(KEYS / f"{public_stem}.pem"), "-outform", "DER"],
            check=True,
            capture_output=True,
        ).stdout
        out = subprocess.run(
            ["openssl", "dgst", "-sha256"], input=der, check=True, capture_output=True
        ).stdout.decode()
        _fingerprints[public_stem] = out.strip().split("= ")[-1]
    return _fingerprints[public_stem]


def private_fingerprint(private_stem: str) -> str:
    """The fingerprint of a private key's public half (openssl pkey -pubout)."""
    der = subprocess.run(
        ["openssl", "pkey", "-in", str(KEYS / f"{private_stem}.pem"), "-pubout", "-outform", "DER"],
        check=True,
        capture_output=True,
    ).stdout
    return hashlib.sha256(der).hexdigest()


def run_openssl(args, key: str, stdin: bytes) -> bytes:
    argv = ["openssl"] + [str(KEYS / f"{key}.pem") if a == "{key}" else a for a in args]
    return subprocess.run(argv, input=stdin, check=True, capture_output=True).stdout


def openssl_verifies(args, key: str, stdin: bytes, signature: bytes) -> bool:
    """`openssl dgst -verify` of a (PSS) signature made with `args`."""
    public = str(KEYS / f"{key}.pub.pem")
    verify = []
    skip = False
    for a in args:
        if skip:
            skip = False
            continue
        if a == "-sign":
            verify += ["-verify", public]
            skip = True  # the "{key}" after -sign
            continue
        verify.append(a)
    with tempfile.NamedTemporaryFile() as sig:
        sig.write(signature)
        sig.flush()
        res = subprocess.run(
            ["openssl"] + verify + ["-signature", sig.name], input=stdin, capture_output=True
        )
    return res.returncode == 0


def committed_cases() -> dict:
    try:
        return {c["id"]: c for c in json.loads(COMMITTED.read_text())["cases"]}
    except (FileNotFoundError, KeyError, ValueError):
        return {}


COMMITTED_CASES = committed_cases()

SHA256 = ["dgst", "-sha256", "-sign", "{key}"]


def sign(case_id: str, text: str, key: str, args=None, prehash=False) -> dict:
    """The oracle record of a signature by OpenSSL over `text` (UTF-8)."""
    args = args or SHA256
    stdin = text.encode()
    if prehash:
        stdin = hashlib.sha256(stdin).digest()
    randomized = any("pss" in a for a in args) and "rsa_pss_saltlen:0" not in args
    signature = None
    old = COMMITTED_CASES.get(case_id, {}).get("oracle")
    if randomized and old and old.get("args") == args and old.get("key") == key and old.get("stdin") == text:
        previous = base64.b64decode(old["signature"])
        if openssl_verifies(args, key, stdin, previous):
            signature = previous
    if signature is None:
        signature = run_openssl(args, key, stdin)
        if randomized:
            assert openssl_verifies(args, key, stdin, signature), case_id
    oracle = {"key": key, "args": args, "stdin": text}
    if prehash:
        oracle["stdinSha256"] = True
    oracle["signature"] = base64.b64encode(signature).decode()
    return oracle


NOT_FOUND = object()  # the doctor cannot know the text signed


def case(case_id, description, oracle, header, codes, public="test-pkcs1-2048.pub", private=None,
         body=BODY, signed_text=None, raw_header=False):
    """A case; `signed_text` defaults to the oracle's text (what OpenSSL signed),
    NOT_FOUND when the doctor cannot find it (another key, another text)."""
    inp = {"body": body}
    if raw_header:
        inp["signatureBytesBase64"] = base64.b64encode(header).decode()
    else:
        inp["signature"] = header
    inp["publicKey"] = public
    inp["privateKey"] = private
    if signed_text is None:
        signed_text = oracle["stdin"] if oracle else None
    expected = {"ok": not codes, "codes": codes}
    expected["signedText"] = None if signed_text is NOT_FOUND else signed_text
    expected["registeredFingerprint"] = fingerprint(public)
    if private is not None:
        expected["signingKeyFingerprint"] = private_fingerprint(private)
    out = {"id": case_id, "description": description, "input": inp, "expected": expected}
    if oracle is not None:
        out["oracle"] = oracle
    return out


def b64(oracle) -> str:
    return oracle["signature"]


def raw(oracle) -> bytes:
    return base64.b64decode(oracle["signature"])


def valid_cases():
    out = []
    for key, public in [
        ("test-pkcs1-2048", "test-pkcs1-2048.pub"),
        ("test-pkcs8-2048", "test-pkcs8-2048.pub"),
        ("test-pkcs1-4096", "test-pkcs1-4096.pub"),
        ("test-pkcs8-4096", "test-pkcs8-4096.pub"),
        ("test-pkcs1-2048", "test-pkcs1-2048.rsapub"),
    ]:
        cid = f"valid-{key}-{public.split('.')[-1]}"
        o = sign(cid, GOOD, key)
        out.append(case(cid, f"a valid signature by {key}, registered key {public}", o, b64(o), [], public=public))
    o = sign("valid-with-private-key", GOOD, "test-pkcs1-2048")
    out.append(case("valid-with-private-key", "valid, and the private key given is the registered pair",
                    o, b64(o), [], private="test-pkcs1-2048"))
    body = body_text(amount='"500.00"')
    o = sign("valid-amount-string", REF + CUR + MSISDN + "500.00", "test-pkcs1-2048")
    out.append(case("valid-amount-string", 'the body sends "500.00" and signs 500.00', o, b64(o), [], body=body))
    body = body_text(indent=2)
    o = sign("valid-pretty-body", GOOD, "test-pkcs1-2048")
    out.append(case("valid-pretty-body", "a pretty-printed body with the right signing string", o, b64(o), [], body=body))
    return out


def first_byte_zero_reference():
    """A reference whose signing string's signature starts with a zero byte."""
    for n in range(100000):
        ref = f"OR{28922980077 + n}"
        sig = run_openssl(SHA256, "test-pkcs1-2048", (ref + CUR + MSISDN + AMOUNT).encode())
        if sig[0] == 0:
            return ref
    raise AssertionError("no signature starting with 0x00 found")


def encoding_cases():
    o = sign("encoding", GOOD, "test-pkcs1-2048")
    s, r = b64(o), raw(o)
    wrapped = "\n".join(s[i:i + 64] for i in range(0, len(s), 64))
    mime = "\r\n".join(s[i:i + 76] for i in range(0, len(s), 76))
    assert "+" in s and "/" in s, "the chosen signature must exercise + and /"
    rows = [
        ("url-safe-unpadded", "URL-safe Base64 without padding (base64url, JWT style)",
         base64.urlsafe_b64encode(r).decode().rstrip("=")),
        ("url-safe-padded", "URL-safe Base64 with padding", base64.urlsafe_b64encode(r).decode()),
        ("hex", "hexadecimal instead of Base64 (bin2hex, .hex())", r.hex()),
        ("hex-upper", "upper-case hexadecimal", r.hex().upper()),
        ("line-breaks-64", "Base64 wrapped at 64 columns (`openssl base64` without -A)", wrapped),
        ("line-breaks-mime", "MIME Base64: CRLF every 76 characters (Java getMimeEncoder)", mime),
        ("unpadded", "standard Base64 without its = padding", s.rstrip("=")),
        ("plus-as-space", "+ turned into spaces by URL/form decoding", s.replace("+", " ")),
        ("quoted", "wrapped in double quotes (a JSON-encoded value)", f'"{s}"'),
        ("header-name-prefix", "the value starts with `Signature: `", f"Signature: {s}"),
        ("json-escaped-slashes", "PHP json_encode's \\/ escapes", s.replace("/", "\\/")),
        ("percent-encoded", "URL-encoded Base64 (urlencode)",
         s.replace("+", "%2B").replace("/", "%2F").replace("=", "%3D")),
        ("base64-twice", "Base64 of the Base64 text", base64.b64encode(s.encode()).decode()),
        ("base64-of-hex", "Base64 of the hex text", base64.b64encode(r.hex().encode()).decode()),
    ]
    out = [case(f"not-base64-{cid}", d, o, header, ["not_base64"]) for cid, d, header in rows]
    out.append(case("not-base64-raw-bytes", "the raw signature bytes, never encoded", o, r,
                    ["not_base64"], raw_header=True))
    out.append(case("not-base64-empty", "an empty Signature header", None, "", ["not_base64"]))
    out.append(case("not-base64-garbage", "not decodable at all", None, "%%%not a signature%%%", ["not_base64"]))
    o2 = sign("not-base64-url-safe-and-amount", REF + CUR + MSISDN + "2.00", "test-pkcs1-2048")
    out.append(case("not-base64-url-safe-and-amount", "URL-safe Base64 of a signature over 2.00 for a body saying 2",
                    o2, base64.urlsafe_b64encode(raw(o2)).decode().rstrip("="), ["not_base64", "amount_text"],
                    signed_text=REF + CUR + MSISDN + "2.00"))
    return out


def length_cases():
    out = []
    o = sign("wrong-length-4096", GOOD, "test-pkcs8-4096")
    out.append(case("wrong-length-4096", "signed with a 4096-bit key, a 2048-bit key registered",
                    o, b64(o), ["wrong_length"], signed_text=NOT_FOUND))
    out.append(case("wrong-length-4096-with-private-key", "the same, with the 4096-bit private key given: proven",
                    o, b64(o), ["wrong_length", "key_mismatch"], private="test-pkcs8-4096", signed_text=GOOD))
    ref = first_byte_zero_reference()
    text = ref + CUR + MSISDN + AMOUNT
    o = sign("wrong-length-leading-zero-dropped", text, "test-pkcs1-2048")
    assert raw(o)[0] == 0
    out.append(case("wrong-length-leading-zero-dropped",
                    "a signature starting with 0x00 sent as 255 bytes (a big-integer conversion dropped it)",
                    o, base64.b64encode(raw(o)[1:]).decode(), ["wrong_length"],
                    body=body_text(reference=ref), signed_text=text))
    o = sign("wrong-length-sign-byte", GOOD, "test-pkcs1-2048")
    out.append(case("wrong-length-sign-byte", "257 bytes: a zero sign byte added (BigInteger.toByteArray)",
                    o, base64.b64encode(b"\0" + raw(o)).decode(), ["wrong_length"], signed_text=GOOD))
    return out


def text_cases():
    rows = [
        # id, description, signed text, body, codes
        ("wrong-order-currency-first", "currency first", CUR + REF + MSISDN + AMOUNT, BODY, ["wrong_order"]),
        ("wrong-order-amount-first", "amount, msisdn, currency, reference", AMOUNT + MSISDN + CUR + REF, BODY, ["wrong_order"]),
        ("wrong-order-account-stk-style", "the account-based STK push's order (ref, msisdn, amount, currency)",
         REF + MSISDN + AMOUNT + CUR, BODY, ["wrong_order"]),
        ("separators-spaces", "spaces between the values", " ".join([REF, CUR, MSISDN, AMOUNT]), BODY, ["separators"]),
        ("separators-commas", "commas between the values", ",".join([REF, CUR, MSISDN, AMOUNT]), BODY, ["separators"]),
        ("separators-pipes", "pipes between the values", "|".join([REF, CUR, MSISDN, AMOUNT]), BODY, ["separators"]),
        ("separators-plus-signs", "the page's a+b+c+d taken literally", "+".join([REF, CUR, MSISDN, AMOUNT]), BODY, ["separators"]),
        ("separators-newlines", "one value per line", "\n".join([REF, CUR, MSISDN, AMOUNT]), BODY, ["separators"]),
        ("separators-trailing-newline", "a newline after the string (`echo`)", GOOD + "\n", BODY, ["separators"]),
        ("separators-around-spaces", "a space before, between and after", " " + " ".join([REF, CUR, MSISDN, AMOUNT]) + " ", BODY, ["separators"]),
        ("wrong-order-and-commas", "two mistakes: another order and commas",
         ",".join([CUR, REF, MSISDN, AMOUNT]), BODY, ["wrong_order", "separators"]),
        ("amount-two-decimals-for-whole", "the body says 2, the signature 2.00", REF + CUR + MSISDN + "2.00", BODY, ["amount_text"]),
        ("amount-whole-for-two-decimals", 'the body says "2.00", the signature 2', GOOD, body_text(amount='"2.00"'), ["amount_text"]),
        ("amount-notes-500", 'the body says 500.0, the signature "500.00" (the case NOTES.md records)',
         REF + CUR + MSISDN + "500.00", body_text(amount="500.0"), ["amount_text"]),
        ("amount-quoted", 'the amount signed with its JSON quotes', REF + CUR + MSISDN + '"2"', BODY, ["amount_text"]),
        ("amount-cents", "the amount signed in cents", REF + CUR + MSISDN + "200", BODY, ["amount_text"]),
        ("msisdn-international", "the body says 0722000000, the signature 254722000000",
         REF + CUR + "254722000000" + AMOUNT, BODY, ["msisdn_text"]),
        ("msisdn-plus", "the body says 254722000000, the signature +254722000000",
         REF + CUR + "+254722000000" + AMOUNT, body_text(msisdn='"254722000000"'), ["msisdn_text"]),
        ("msisdn-spaced", "the phone number signed with spaces", REF + CUR + "0722 000 000" + AMOUNT, BODY, ["msisdn_text"]),
        ("msisdn-and-amount", "two mistakes: phone form and amount text",
         REF + CUR + "254722000000" + "2.00", BODY, ["amount_text", "msisdn_text"]),
        ("wrong-field-payment-reference", "payment.paymentReference signed for order.orderReference",
         "MKQR28922980073" + CUR + MSISDN + AMOUNT, BODY, ["wrong_field"]),
        ("wrong-field-customer-phone", "customer.phoneNumber signed for payment.details.msisdn",
         REF + CUR + "0722000111" + AMOUNT, BODY, ["wrong_field"]),
        ("missing-value-currency", "the currency left out", REF + MSISDN + AMOUNT, BODY, ["missing_value"]),
    ]
    out = []
    for cid, d, text, body, codes in rows:
        o = sign(cid, text, "test-pkcs1-2048")
        out.append(case(cid, d, o, b64(o), codes, body=body, signed_text=text))
    return out


def algorithm_cases():
    rows = [
        # id, description, key, args, signed text, prehash, codes
        ("wrong-algorithm-sha1", "SHA-1 (PHP openssl_sign's default)", "test-pkcs1-2048",
         ["dgst", "-sha1", "-sign", "{key}"], GOOD, False, ["wrong_algorithm"]),
        ("wrong-algorithm-sha512", "SHA-512", "test-pkcs1-2048", ["dgst", "-sha512", "-sign", "{key}"], GOOD, False, ["wrong_algorithm"]),
        ("wrong-algorithm-sha384", "SHA-384", "test-pkcs1-2048", ["dgst", "-sha384", "-sign", "{key}"], GOOD, False, ["wrong_algorithm"]),
        ("wrong-algorithm-pss-default", "RSA-PSS, OpenSSL's default salt length (the maximum)", "test-pkcs1-2048",
         ["dgst", "-sha256", "-sign", "{key}", "-sigopt", "rsa_padding_mode:pss"], GOOD, False, ["wrong_algorithm"]),
        ("wrong-algorithm-pss-digest-salt", "RSA-PSS, salt length = digest length (Java, Python's usual choice)", "test-pkcs1-2048",
         ["dgst", "-sha256", "-sign", "{key}", "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:digest"],
         GOOD, False, ["wrong_algorithm"]),
        ("wrong-algorithm-pss-no-salt", "RSA-PSS, no salt (deterministic)", "test-pkcs1-2048",
         ["dgst", "-sha256", "-sign", "{key}", "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:0"],
         GOOD, False, ["wrong_algorithm"]),
        ("wrong-algorithm-pss-mgf1-sha1", "RSA-PSS with SHA-256 but MGF1 with SHA-1", "test-pkcs1-2048",
         ["dgst", "-sha256", "-sign", "{key}", "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_mgf1_md:sha1"],
         GOOD, False, ["wrong_algorithm"]),
        ("wrong-algorithm-pss-4096-sha512", "RSA-PSS with SHA-512 and a 4096-bit key", "test-pkcs1-4096",
         ["dgst", "-sha512", "-sign", "{key}", "-sigopt", "rsa_padding_mode:pss"], GOOD, False, ["wrong_algorithm"]),
        ("wrong-algorithm-whole-body", "the whole body signed instead of the string", "test-pkcs1-2048",
         SHA256, BODY, False, ["wrong_algorithm"]),
        ("wrong-algorithm-body-python-dumps", "the body as Python's json.dumps writes it", "test-pkcs1-2048",
         SHA256, json.dumps(PAGE), False, ["wrong_algorithm"]),
        ("wrong-algorithm-body-pretty", "the body pretty-printed (JSON.stringify(body, null, 2))", "test-pkcs1-2048",
         SHA256, json.dumps(PAGE, indent=2), False, ["wrong_algorithm"]),
        ("wrong-algorithm-prehashed-hex", "the hex SHA-256 of the string signed (hashed twice)", "test-pkcs1-2048",
         SHA256, hashlib.sha256(GOOD.encode()).hexdigest(), False, ["wrong_algorithm"]),
        ("wrong-algorithm-no-digest-info", "a bare SHA-256 digest signed without DigestInfo (NONEwithRSA)", "test-pkcs1-2048",
         ["pkeyutl", "-sign", "-inkey", "{key}"], GOOD, True, ["wrong_algorithm"]),
        ("wrong-algorithm-no-hash", "raw RSA over the text, no hash (openssl_private_encrypt)", "test-pkcs1-2048",
         ["pkeyutl", "-sign", "-inkey", "{key}"], GOOD, False, ["wrong_algorithm"]),
        ("wrong-algorithm-sha1-and-amount", "two mistakes: SHA-1 over 2.00 for a body saying 2", "test-pkcs1-2048",
         ["dgst", "-sha1", "-sign", "{key}"], REF + CUR + MSISDN + "2.00", False, ["wrong_algorithm", "amount_text"]),
    ]
    out = []
    for cid, d, key, args, text, prehash, codes in rows:
        o = sign(cid, text, key, args=args, prehash=prehash)
        public = f"{key}.pub"
        out.append(case(cid, d, o, b64(o), codes, public=public, signed_text=text))
    return out


def key_cases():
    out = []
    o = sign("key-mismatch", GOOD, "test-pkcs8-2048")
    out.append(case("key-mismatch", "signed with another 2048-bit key; its private key given: proven",
                    o, b64(o), ["key_mismatch"], private="test-pkcs8-2048", signed_text=GOOD))
    out.append(case("unknown-key", "signed with another key; no private key given",
                    o, b64(o), ["unknown_key"], signed_text=NOT_FOUND))
    out.append(case("unknown-key-registered-private", "signed with another key; the private key given is the registered pair",
                    o, b64(o), ["unknown_key"], private="test-pkcs1-2048", signed_text=NOT_FOUND))
    o2 = sign("key-mismatch-and-amount", REF + CUR + MSISDN + "2.00", "test-pkcs8-2048")
    out.append(case("key-mismatch-and-amount", "another key and 2.00 for 2",
                    o2, b64(o2), ["key_mismatch", "amount_text"], private="test-pkcs8-2048",
                    signed_text=REF + CUR + MSISDN + "2.00"))
    o3 = sign("unknown-stale-reference", "OR11111111111" + CUR + MSISDN + AMOUNT, "test-pkcs1-2048")
    out.append(case("unknown-stale-reference", "the right key and algorithm over another order reference",
                    o3, b64(o3), ["unknown"], signed_text=NOT_FOUND))
    o4 = sign("unknown-sha1-stale-reference", "OR11111111111" + CUR + MSISDN + AMOUNT, "test-pkcs1-2048",
              args=["dgst", "-sha1", "-sign", "{key}"])
    out.append(case("unknown-sha1-stale-reference", "SHA-1 over another order reference",
                    o4, b64(o4), ["wrong_algorithm", "unknown"], signed_text=NOT_FOUND))
    return out


def cases():
    return valid_cases() + encoding_cases() + length_cases() + text_cases() + algorithm_cases() + key_cases()


if __name__ == "__main__":
    print(json.dumps(cases(), indent=2))
