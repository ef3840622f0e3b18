"""A logging filter that hides the callback URL's token.

The callback URL made by `jenga_stk.CallbackUrls` carries an HMAC token in
its query (`jenga_token=…`): whoever reads it can forge that payment's
callback. Web servers log request lines with their query, so every such
record passes through `RedactCallbackTokens`. Configure the same for your
production server's access log (gunicorn: a custom `access_log_format`
without `%(q)s`, or this filter on `gunicorn.access`).
"""

from __future__ import annotations

import logging
import re

TOKEN = re.compile(r"(jenga_token=)[^&\s\"']+")


def redact(text: str) -> str:
    return TOKEN.sub(r"\1<redacted>", text)


class RedactCallbackTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "jenga_token=" in message:
            record.msg = redact(message)
            record.args = None
        return True
