from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Heartbeat(models.Model):
    """One row per periodic job, touched each time it runs: /healthz reads when beat and a
    worker last did their work."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    last_run_at = models.DateTimeField(_("last run at"))
    runs = models.PositiveBigIntegerField(_("runs"), default=0)

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self) -> str:
        return self.name
