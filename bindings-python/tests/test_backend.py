"""The wheel's signing backend: native and constant-time by default (issue 9),
byte-identical to OpenSSL for every kind of signing key."""

from __future__ import annotations

import base64
import shutil
import subprocess
from pathlib import Path

import pytest

import jenga_stk as j
from conftest import key_text

KEYS = Path(__file__).resolve().parents[2] / "tests" / "keys"


def test_the_default_wheel_signs_with_aws_lc_rs_constant_time() -> None:
    assert j.SIGNER_BACKEND == "aws-lc-rs"
    assert j.SIGNER_IS_CONSTANT_TIME is True
    assert (j.MIN_KEY_BITS, j.MAX_PRIVATE_KEY_BITS, j.MAX_KEY_BITS) == (2048, 4096, 8192)
    assert "aws-lc-rs" in repr(j.Signer.from_pem(key_text("test-pkcs8-2048")))


@pytest.mark.parametrize(
    "stem", ["test-pkcs1-2048", "test-pkcs1-2048-crlf", "test-pkcs8-2048", "test-pkcs8-4096"]
)
def test_signatures_equal_openssl_dgst(stem: str) -> None:
    openssl = shutil.which("openssl")
    assert openssl, "openssl is required for this test (scripts/setup.sh installs it)"
    signer = j.Signer.from_pem(key_text(stem))
    for message in [b"OR28922980077KES07220000002", b"", "Wanjik\u0169".encode(), bytes(range(256)) * 9]:
        want = subprocess.run(
            [openssl, "dgst", "-sha256", "-sign", str(KEYS / f"{stem}.pem")],
            input=message,
            capture_output=True,
            check=True,
        ).stdout
        assert str(signer.sign(message)) == base64.b64encode(want).decode(), (stem, len(message))


@pytest.mark.parametrize(
    ("stem", "code"),
    [("test-pkcs1-8192", "key_unsupported"), ("test-e3-2048", "key_unsupported"), ("test-1024", "key_too_small")],
)
def test_keys_every_backend_refuses_are_refused_alike(stem: str, code: str) -> None:
    with pytest.raises(j.KeyLoadError) as caught:
        j.Signer.from_pem(key_text(stem))
    assert caught.value.code == code
