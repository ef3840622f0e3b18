#!/usr/bin/env python3
"""Writes the fuzz targets' seed corpora, fuzz/corpus/<target>/, from the
conformance vectors (tests/vectors/*.json) and the test keys (tests/keys/).

Each seed is laid out the way its target reads its input (see the comment at
the top of each fuzz/fuzz_targets/<target>.rs). Seeds are named by the SHA-1
of their content, like libFuzzer's own corpus files, so re-running only adds
what is missing and never duplicates what the fuzzer already found.

Corpora are build outputs (fuzz/.gitignore): the vectors are the source.

    python3 scripts/fuzz-seeds.py [--out fuzz/corpus]
"""

import argparse
import hashlib
import json
import struct
import sys
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VECTORS = ROOT / "tests" / "vectors"
KEYS = ROOT / "tests" / "keys"

# The request variants of fuzz/fuzz_targets/request.rs (selector byte % 6),
# by their JSON options form; 0xFF = "options JSON, NUL, request".
REQUEST_VARIANTS = 6
OPTIONS_SELECTOR = 0xFF


class Raw:
    """A JSON number kept as its literal text (`2e0` must stay `2e0`)."""


def load_exact(path):
    """Loads a vector file keeping every number literal exactly as written,
    and returns (data, dumps) where dumps(value) writes JSON with those
    literals restored."""
    literals = []

    def keep(text):
        literals.append(text)
        return f"\u0000num{len(literals) - 1}\u0000"

    data = json.loads(path.read_text(encoding="utf-8"), parse_float=keep, parse_int=keep)

    def dumps(value, indent=None):
        text = json.dumps(value, ensure_ascii=False, indent=indent,
                          separators=None if indent else (",", ":"))
        for i, literal in enumerate(literals):
            text = text.replace(f'"\\u0000num{i}\\u0000"', literal)
        return text

    def restore(value):
        """A number placeholder back to the literal's text (for scalars)."""
        if isinstance(value, str) and value.startswith("\u0000num"):
            return literals[int(value[4:-1])]
        return value

    return data, dumps, restore


def status_bytes(status):
    return struct.pack(">H", int(status) & 0xFFFF)


def millis(rfc3339):
    return int(datetime.fromisoformat(rfc3339.replace("Z", "+00:00")).timestamp() * 1000)


def text_bytes(value):
    return value.encode("utf-8") if isinstance(value, str) else b""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "fuzz" / "corpus")
    args = parser.parse_args()

    seeds = {}

    def add(target, data):
        seeds.setdefault(target, set()).add(bytes(data))

    def cases(name):
        data, dumps, restore = load_exact(VECTORS / name)
        return data["cases"], dumps, restore

    # request (+ received_body): stk_push.json requests as raw JSON text.
    stk, dumps, restore = cases("stk_push.json")
    for case in stk:
        inp = case["input"]
        request = inp["request"]
        if isinstance(request, str):  # raw, possibly malformed, request text
            texts = [request.encode("utf-8")]
        else:
            texts = [dumps(request).encode("utf-8"), dumps(request, indent=2).encode("utf-8")]
        options = inp.get("options")
        for text in texts:
            if options:
                add("request", bytes([OPTIONS_SELECTOR]) + dumps(options).encode("utf-8") + b"\0" + text)
            else:
                add("request", bytes([0]) + text)
            add("received_body", text)
        if "expected" in case and not options:
            # Accepted requests under every built-in variant.
            for selector in range(1, REQUEST_VARIANTS):
                add("request", bytes([selector]) + texts[0])
        if "expected" in case:
            add("received_body", case["expected"]["body"].encode("utf-8"))
            add("request", bytes([0]) + case["expected"]["body"].encode("utf-8"))
    for options in ('{}', '{"amountDecimals":"two","amountEncoding":"string","phoneFormat":"local",'
                    '"maxAmount":"1000","maxReferenceLength":20,"maxDescriptionLength":50}'):
        add("request", bytes([OPTIONS_SELECTOR]) + options.encode("utf-8") + b"\0")

    # keys: every test key file as it is.
    for pem in sorted(KEYS.glob("*.pem")):
        add("keys", pem.read_bytes())

    # token: status (2 bytes) + now (8 bytes, ms) + body.
    tokens, _, restore = cases("token_responses.json")
    now_default = millis("2024-01-01T00:00:00Z")
    for case in tokens:
        inp = case["input"]
        now = millis(inp["now"]) if inp.get("now") else now_default
        add("token", status_bytes(restore(inp["status"])) + struct.pack(">q", now) + text_bytes(inp["body"]))
    states, _, restore = cases("token_state.json")
    for case in states:
        for step in case["input"].get("steps", []):
            if step.get("op") == "response" and "body" in step:
                now = millis(step["now"]) if isinstance(step.get("now"), str) else now_default
                add("token", status_bytes(restore(step.get("status", 200)))
                    + struct.pack(">q", now) + text_bytes(step["body"]))

    # init_response, order_status: status (2 bytes) + body.
    for name, target in (("init_responses.json", "init_response"),
                         ("status_responses.json", "order_status")):
        found, _, restore = cases(name)
        for case in found:
            inp = case["input"]
            add(target, status_bytes(restore(inp["status"])) + text_bytes(inp["body"]))
    recon, _, _ = cases("reconcile.json")
    for case in recon:
        if isinstance(case["input"].get("status"), str):
            add("order_status", status_bytes(200) + text_bytes(case["input"]["status"]))

    # callback: callbacks.json, reconcile.json and callback_urls.json bodies.
    for case in cases("callbacks.json")[0]:
        add("callback", text_bytes(case["input"]["body"]))
    for case in recon:
        if isinstance(case["input"].get("callback"), str):
            add("callback", text_bytes(case["input"]["callback"]))

    # ipn and basic_auth: ipn.json (parse / verify_auth) and reconcile.json IPNs.
    for case in cases("ipn.json")[0]:
        inp = case["input"]
        if "body" in inp:
            add("ipn", text_bytes(inp["body"]))
        if "username" in inp:
            header = inp.get("authorization")
            if header is not None:
                add("basic_auth", text_bytes(header))
            creds = text_bytes(inp["username"]) + b"\0" + text_bytes(inp["password"])
            add("basic_auth", creds)
            if header is not None:
                add("basic_auth", creds + b"\0" + text_bytes(header))
    for case in recon:
        for body in case["input"].get("ipns") or []:
            add("ipn", text_bytes(body))

    # callback_url: url | url NUL body | base NUL order NUL payment.
    for case in cases("callback_urls.json")[0]:
        inp = case["input"]
        op = inp.get("operation")
        if op == "make":
            add("callback_url", b"\0".join(text_bytes(inp[k]) for k in
                                           ("baseUrl", "orderReference", "paymentReference")))
            if "expected" in case and isinstance(case["expected"].get("url"), str):
                add("callback_url", text_bytes(case["expected"]["url"]))
        elif op == "verify":
            add("callback_url", text_bytes(inp["url"]))
        elif op == "verify_callback":
            add("callback_url", text_bytes(inp["url"]) + b"\0" + text_bytes(inp["body"]))
            add("callback", text_bytes(inp["body"]))

    args.out.mkdir(parents=True, exist_ok=True)
    total_new = 0
    for target in sorted(seeds):
        folder = args.out / target
        folder.mkdir(parents=True, exist_ok=True)
        new = 0
        for data in sorted(seeds[target]):
            path = folder / hashlib.sha1(data).hexdigest()
            if not path.exists():
                path.write_bytes(data)
                new += 1
        total_new += new
        print(f"fuzz-seeds: {target:14} {len(seeds[target]):3} seeds ({new} new) in {folder.relative_to(ROOT) if folder.is_relative_to(ROOT) else folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
