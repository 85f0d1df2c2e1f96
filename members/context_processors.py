from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from members.resend import take_undo_offer
from members.roles import Role, has_role

if TYPE_CHECKING:
    from members.models import User


def _inbox_count(user: User) -> int:
    """The user's reminders delivered and not yet marked done: the bell's number."""
    from members.models import Reminder

    return Reminder.objects.filter(
        user=user, status=Reminder.Status.SENT, done_at__isnull=True
    ).count()


def site(request: HttpRequest) -> dict[str, Any]:
    """What the base template needs on every page: the neutral site name, the demo banner, where
    quick exit leaves for and which navigation entries this person's roles open."""
    user = getattr(request, "user", None)
    return {
        "site_name": settings.SITE_NAME,
        "demo_mode": settings.DEMO_MODE,
        "quick_exit_url": settings.QUICK_EXIT_URL,
        "nav": {role.value: user is not None and has_role(user, role) for role in Role},
        # Counted only when a page shows it: one query, none for pages that do not.
        "inbox_count": SimpleLazyObject(
            lambda: _inbox_count(user) if user is not None and user.is_authenticated else 0
        ),
        # Shown once, beside the message of what was just saved (members.resend).
        "undo_url": SimpleLazyObject(lambda: take_undo_offer(request) or ""),
    }
