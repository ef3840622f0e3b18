"""The admin: payments and evidence, read-only (money is never edited by
hand), with filters and search, and an action that asks the provider again.
Evidence shows its bodies, never an Authorization header (not stored)."""

from __future__ import annotations

import typing

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from . import services
from .models import Evidence, Payment


class _ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class EvidenceInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Evidence
    extra = 0
    fields = ("kind", "dedupe_key", "deliveries", "valid", "processed", "received_at", "body")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Payment)
class PaymentAdmin(_ReadOnly):
    list_display = ("order_reference", "amount", "currency", "phone", "state", "confirmed", "needs_review", "decided_by", "receipt", "created_at")
    list_filter = ("state", "needs_review", "confirmed", "decided_by", "outcome", "created_at")
    search_fields = ("order_reference", "payment_reference", "phone", "receipt", "invoice_number", "customer_email", "customer_name")
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in Payment._meta.fields]
    inlines = [EvidenceInline]
    actions = ["check_status"]

    @admin.action(description="Ask Jenga about the payment now (status query)")
    def check_status(self, request: HttpRequest, queryset: QuerySet[Payment]) -> None:
        for payment in queryset:
            updated = services.check_status(payment)
            self.message_user(
                request,
                f"{updated.order_reference}: {updated.state}" + (" (confirmed)" if updated.confirmed else " (not confirmed)"),
                messages.SUCCESS if updated.confirmed else messages.WARNING,
            )


@admin.register(Evidence)
class EvidenceAdmin(_ReadOnly):
    list_display = ("kind", "dedupe_key", "order_reference", "deliveries", "valid", "processed", "received_at")
    list_filter = ("kind", "valid", "processed", "received_at")
    search_fields = ("dedupe_key", "order_reference", "payment__payment_reference")
    readonly_fields = [f.name for f in Evidence._meta.fields]


__all__: typing.List[str] = ["EvidenceAdmin", "PaymentAdmin"]
