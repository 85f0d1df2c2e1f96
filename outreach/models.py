from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
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


class AssignmentQuerySet(models.QuerySet["Assignment"]):
    def current(self, on: date | None = None) -> AssignmentQuerySet:
        day = on or timezone.localdate()
        return self.filter(starts_on__lte=day).filter(
            models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=day)
        )


class Assignment(models.Model):
    """An outreach worker serves a hotspot from a date, until an optional end date. A worker
    sees the people of the hotspots they are currently assigned to, and no one else."""

    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments"
    )
    hotspot = models.ForeignKey(Hotspot, on_delete=models.PROTECT, related_name="assignments")
    starts_on = models.DateField(_("starts on"), default=timezone.localdate)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="outreach_assignment_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.worker} @ {self.hotspot}"
