"""``manage.py jenga_stk_reconcile --older-than 10``: asks the provider about
every payment still pending 10 minutes (by default) after it started, so
none stays undecided when its callback and IPN never come. For cron (every
few minutes). Prints one line per payment and a summary; exits 1 if a query
failed (the others are still done)."""

from __future__ import annotations

import typing
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jenga_stk import JengaError
from jenga_stk.django import services
from jenga_stk.django.models import Payment


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--older-than", type=float, default=10.0, metavar="MINUTES", help="pending for at least this long (default 10)")
        parser.add_argument("--limit", type=int, default=200, help="at most this many payments per run (default 200)")
        parser.add_argument("--order", action="append", default=[], metavar="REFERENCE", help="only this order (repeatable); ignores --older-than")

    def handle(self, *args: typing.Any, **options: typing.Any) -> None:
        if options["order"]:
            queryset = Payment.objects.filter(order_reference__in=options["order"]).exclude(flow_state="")
        else:
            queryset = services.pending_payments(timedelta(minutes=options["older_than"]))
        counts = {"paid": 0, "failed": 0, "pending": 0}
        errors = 0
        for payment in queryset[: options["limit"]]:
            try:
                updated = services.check_status(payment)
            except (JengaError, OSError) as e:
                errors += 1
                self.stderr.write(f"{payment.order_reference}: {type(e).__name__}: {e}")
                continue
            counts[updated.state] = counts.get(updated.state, 0) + 1
            detail = f" by {updated.decided_by}" if updated.decided_by else ""
            self.stdout.write(f"{updated.order_reference}: {updated.state}{detail}")
        self.stdout.write(f"checked {sum(counts.values()) + errors}: {counts['paid']} paid, {counts['failed']} failed, {counts['pending']} still pending, {errors} errors")
        if errors:
            raise CommandError(f"{errors} status queries failed; they are retried on the next run")
