from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = "M-Pesa payments"
    default_auto_field = "django.db.models.BigAutoField"
