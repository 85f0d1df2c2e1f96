from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Typology(models.TextChoices):
    STREET = "street", _("Street")
    VENUE = "venue", _("Venue")
    HOME_BASED = "home", _("Home-based")
    ONLINE = "online", _("Online")


class Hotspot(models.Model):
    """A place (or online space) where sex workers meet clients. Confidential: never shown to
    members, and never a precise address."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    area = models.CharField(_("area"), max_length=80, help_text=_("A district, not an address."))
    typology = models.CharField(_("typology"), max_length=10, choices=Typology.choices)

    class Meta:
        verbose_name = _("hotspot")
        verbose_name_plural = _("hotspots")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
