from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A login. People are known by a chosen username only: no legal names are ever stored."""

    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]

    # Roles add up (an outreach worker is also a member); members.roles reads them.
    is_member = models.BooleanField(_("member"), default=False)
    is_outreach_worker = models.BooleanField(_("outreach worker"), default=False)
    is_coordinator = models.BooleanField(_("coordinator"), default=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.username
