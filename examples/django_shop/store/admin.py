from django.contrib import admin

from .models import Order


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("reference", "amount", "phone", "name", "fulfilled_at", "created_at")
    search_fields = ("reference", "phone", "email")
    readonly_fields = ("reference", "fulfilled_at", "created_at")
