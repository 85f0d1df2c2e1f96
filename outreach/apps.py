from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "outreach"
    verbose_name = _("Outreach")

    def ready(self) -> None:
        # Registers this app's personal data for My data, its download and erasure.
        from outreach import personal_data  # noqa: F401
