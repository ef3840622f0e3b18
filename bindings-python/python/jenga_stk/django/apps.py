"""The app's configuration: label ``jenga_stk``; checks and settings are
hooked up in ``ready()`` (no database work there)."""

from __future__ import annotations

from django.apps import AppConfig


class JengaStkConfig(AppConfig):
    name = "jenga_stk.django"
    label = "jenga_stk"
    verbose_name = "M-Pesa payments (Jenga)"
    # Pinned: projects with another DEFAULT_AUTO_FIELD get no stray migration.
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import checks, conf  # noqa: F401  (registers the checks)

        conf.get()  # validated once at start-up: a wrong JENGA_STK fails here, naming the key
