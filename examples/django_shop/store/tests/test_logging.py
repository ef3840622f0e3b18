from __future__ import annotations

import logging

from django.test import SimpleTestCase

from shop.logging import RedactCallbackTokens


class LogRedactionTests(SimpleTestCase):
    def test_the_callback_token_never_reaches_the_logs(self) -> None:
        line = "POST /jenga/callback?jenga_order=OR1&jenga_payment=PAY1&jenga_token=s3cr3tT0k3n HTTP/1.1"
        record = logging.LogRecord("django.server", logging.INFO, __file__, 1, '"%s" %s %s', (line, "200", "12"), None)
        self.assertTrue(RedactCallbackTokens().filter(record))
        self.assertEqual(
            record.getMessage(),
            '"POST /jenga/callback?jenga_order=OR1&jenga_payment=PAY1&jenga_token=<redacted> HTTP/1.1" 200 12',
        )

    def test_the_server_logger_is_filtered(self) -> None:
        handlers = logging.getLogger("django.server").handlers
        self.assertTrue(handlers)
        for handler in handlers:
            self.assertTrue(any(isinstance(f, RedactCallbackTokens) for f in handler.filters))
