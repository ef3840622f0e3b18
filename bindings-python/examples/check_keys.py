"""Is this private key the pair of the public key registered on the portal?

    python check_keys.py private.pem public.pem

The most common cause of the provider's `403 Invalid signature` is a portal
public key that is not the pair of the signing key. This signs the provider
page's example request and verifies it with the public key, offline.
Exits 0 when they match.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import jenga_stk

PAGE_EXAMPLE = (
    b'{"order":{"orderReference":"OR28922980077","orderAmount":2,"orderCurrency":"KES","countryCode":"KE",'
    b'"description":"Purchase"},"customer":{"name":"John Doe","email":"xyx2@gmail.com","phoneNumber":"0722000111",'
    b'"identityNumber":"0000000"},"payment":{"paymentReference":"MKQR28922980073","paymentCurrency":"KES",'
    b'"callbackUrl":"https://webhook.site/5c74a733-1caa-4f10-b876-3df9c0d7453c",'
    b'"details":{"msisdn":"0722000000","paymentAmount":2}}}'
)


def check(private_pem: str, public_pem: str) -> Optional[str]:
    """None when the keys match, else the reason (an error code)."""
    try:
        signer = jenga_stk.Signer.from_pem(private_pem)
        verifier = jenga_stk.Verifier.from_pem(public_pem)
    except jenga_stk.KeyLoadError as e:
        return f"{e.code}: {e}"
    signed = jenga_stk.StkPush.from_json(PAGE_EXAMPLE).sign(signer)
    try:
        signed.verify(verifier)
    except jenga_stk.SignatureError as e:
        return f"{e.code}: the public key is not the pair of the private key"
    print(f"signing string {signed.push.signing_string}")
    print(f"signature {signed.signature.base64[:32]}… verifies with the {verifier.bits}-bit public key")
    return None


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    problem = check(Path(argv[0]).read_text(), Path(argv[1]).read_text())
    if problem is not None:
        print(f"MISMATCH {problem}", file=sys.stderr)
        return 1
    print("OK: the keys are a pair")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
