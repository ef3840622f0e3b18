"""The signature doctor (`diagnose_signature`) against
tests/vectors/signature_doctor.json, as core/tests/diagnose.rs runs it: `ok`,
the finding codes in order, the signed text and both key fingerprints. The
vectors' signatures were made by OpenSSL over each mistaken text; here the
fingerprints are also recomputed with OpenSSL when it is installed.

Plus what no vector shows: unusable inputs raise typed errors naming the
argument, no private key material in any output, and the GIL is released.
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import subprocess
from typing import Any, Dict, List

import pytest

import jenga_stk as j
from conftest import KEYS, VECTORS, key_text


def load_cases() -> List[Dict[str, Any]]:
    data = json.loads((VECTORS / "signature_doctor.json").read_text())
    assert data["operation"] == "diagnose_signature"
    assert len(data["cases"]) > 50
    cases: List[Dict[str, Any]] = data["cases"]
    return cases


DOCTOR_CASES = load_cases()


def header(inp: Dict[str, Any]) -> bytes:
    text, raw = inp.get("signature"), inp.get("signatureBytesBase64")
    assert (text is None) != (raw is None), "exactly one of signature / signatureBytesBase64"
    return text.encode() if text is not None else base64.b64decode(raw)


def diagnose(inp: Dict[str, Any]) -> j.Diagnosis:
    private = key_text(inp["privateKey"]) if inp["privateKey"] is not None else None
    return j.diagnose_signature(inp["body"], header(inp), key_text(inp["publicKey"]), private)


@pytest.mark.parametrize("case", [pytest.param(c, id=c["id"]) for c in DOCTOR_CASES])
def test_doctor_vector(case: Dict[str, Any]) -> None:
    d = diagnose(case["input"])
    want = case["expected"]
    assert (d.ok, list(d.codes)) == (want["ok"], want["codes"]), str(d)
    assert [f.code for f in d.findings] == list(d.codes)
    assert all(code in j.FINDING_CODES for code in d.codes)
    assert d.signed_text == want["signedText"]
    for f in d.findings:
        assert f.signed_text is None or f.signed_text == d.signed_text, "a finding shows another signed text"
        assert f.message and f.fix
    assert d.registered_key.fingerprint == want["registeredFingerprint"]
    assert (None if d.signing_key is None else d.signing_key.fingerprint) == want.get("signingKeyFingerprint")
    assert d.registered_key.bits in (2048, 3072, 4096)
    assert ("OK: the signature is valid" in str(d)) == d.ok, "str() is the doctor's report"
    # The same inputs as bytes and as text agree.
    inp = case["input"]
    again = j.diagnose_signature(inp["body"].encode(), header(inp), key_text(inp["publicKey"]).encode())
    assert again.registered_key == d.registered_key


def test_every_finding_code_has_a_vector() -> None:
    used = {code for c in DOCTOR_CASES for code in c["expected"]["codes"]}
    assert used == set(j.FINDING_CODES), used ^ set(j.FINDING_CODES)
    assert len(j.FINDING_CODES) == len(set(j.FINDING_CODES))


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is not installed: fingerprints not recomputed")
def test_fingerprints_are_openssls() -> None:
    """The registered key's fingerprint is what `openssl pkey -pubin -outform DER | sha256` gives."""
    stems = sorted({c["input"]["publicKey"] for c in DOCTOR_CASES})
    assert stems
    for stem in stems:
        der = subprocess.run(
            ["openssl", "pkey", "-pubin", "-in", str(KEYS / f"{stem}.pem"), "-outform", "DER"],
            capture_output=True,
            check=True,
        ).stdout
        case = next(c for c in DOCTOR_CASES if c["input"]["publicKey"] == stem)
        assert diagnose(case["input"]).registered_key.fingerprint == hashlib.sha256(der).hexdigest(), stem


BODY = (
    b'{"order":{"orderReference":"OR28922980077"},"payment":{"paymentCurrency":"KES",'
    b'"details":{"msisdn":"0722000000","paymentAmount":2}}}'
)


def error_of(call: Any) -> j.JengaError:
    with pytest.raises(j.JengaError) as info:
        call()
    return info.value


def test_unusable_inputs_raise_typed_errors_naming_the_argument() -> None:
    public = key_text("test-pkcs1-2048.pub")
    not_json = error_of(lambda: j.diagnose_signature(b"<html>", b"c2ln", public))
    assert isinstance(not_json, j.ParseError) and not_json.code == "not_json"
    missing = error_of(lambda: j.diagnose_signature(b'{"order":{}}', b"c2ln", public))
    assert isinstance(missing, j.ParseError) and missing.code == "missing_field" and missing.field
    swapped = error_of(lambda: j.diagnose_signature(BODY, b"c2ln", key_text("test-pkcs1-2048")))
    assert isinstance(swapped, j.KeyLoadError)
    assert (swapped.code, swapped.field) == ("key_is_private", "registered_public_key_pem")
    bad_private = error_of(lambda: j.diagnose_signature(BODY, b"c2ln", public, public))
    assert isinstance(bad_private, j.KeyLoadError)
    assert (bad_private.code, bad_private.field) == ("key_is_public", "private_key_pem")
    with pytest.raises(TypeError):
        j.diagnose_signature(BODY, 12, public)  # type: ignore[arg-type]


def test_no_private_key_material_in_any_output() -> None:
    private = key_text("test-pkcs1-2048")
    secret_lines = [line for line in private.splitlines() if len(line) > 16 and not line.startswith("-----")]
    signature = j.Signer.from_pem(key_text("test-pkcs8-2048")).sign("OR28922980077KES07220000002")
    for sent in (signature.base64.encode(), b"garbage", b""):
        d = j.diagnose_signature(BODY, sent, key_text("test-pkcs1-2048.pub"), private)
        shown = [str(d), repr(d)] + [repr(f) for f in d.findings] + [f.fix for f in d.findings] + list(d.notes)
        for text in shown:
            for line in secret_lines:
                assert line not in text
        assert d.signing_key is not None and d.signing_key == d.registered_key  # the registered key's pair


def test_a_wrong_amount_text_is_named() -> None:
    """The README's example: `2.00` signed for a body's `2`."""
    signer = j.Signer.from_pem(key_text("test-pkcs1-2048"))
    wrong = signer.sign("OR28922980077KES07220000002.00")
    d = j.diagnose_signature(BODY, wrong.base64, key_text("test-pkcs1-2048.pub"))
    assert (d.ok, d.codes, d.signed_text) == (False, ("amount_text",), "OR28922980077KES07220000002.00")
    assert d.signing_string == "OR28922980077KES07220000002"
    right = j.diagnose_signature(BODY, signer.sign(d.signing_string).base64, key_text("test-pkcs1-2048.pub"))
    assert (right.ok, right.codes, right.findings) == (True, (), ())
    assert "amount_text" in repr(d) and "[amount_text]" in str(d)


