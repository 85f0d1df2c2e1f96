from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SafetyConfig(AppConfig):
    name = "safety"
    verbose_name = _("Safety alerts")

    def ready(self) -> None:
        # Registers this app's personal data for My data, its download and erasure.
        from safety import personal_data  # noqa: F401
