from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from . import services
from .models import IpnEvent, Payment


class IpnEventInline(admin.TabularInline):  # type: ignore[type-arg]
    model = IpnEvent
    extra = 0
    can_delete = False
    fields = ("dedupe_key", "status", "amount", "deliveries", "first_received_at", "last_received_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = (
        "order_reference",
        "amount",
        "msisdn",
        "state",
        "confirmed",
        "decided_by",
        "mpesa_receipt",
        "created_at",
    )
    list_filter = ("state", "confirmed", "decided_by")
    search_fields = ("order_reference", "payment_reference", "msisdn", "mpesa_receipt", "customer_email")
    readonly_fields = [f.name for f in Payment._meta.fields]
    inlines = [IpnEventInline]
    actions = ["query_status"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # payments start at the checkout

    @admin.action(description="Query the status at Jenga and decide again")
    def query_status(self, request: HttpRequest, queryset: QuerySet[Payment]) -> None:
        for payment in queryset:
            updated = services.refresh_status(payment)
            self.message_user(
                request,
                f"{updated.order_reference}: {updated.state}"
                + (" (confirmed)" if updated.confirmed else " (not confirmed)"),
                messages.SUCCESS if updated.confirmed else messages.WARNING,
            )


@admin.register(IpnEvent)
class IpnEventAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("dedupe_key", "order_reference", "status", "amount", "deliveries", "first_received_at")
    search_fields = ("dedupe_key", "order_reference")
    readonly_fields = [f.name for f in IpnEvent._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
