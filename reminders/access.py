"""The one way to fetch reminders for a request: a login sees only its own delivered reminders;
anyone else's is a 404, whether or not it exists."""

from __future__ import annotations

from django.db.models import QuerySet

from members.access import one_or_404
from members.models import Reminder, User
from members.roles import LoggedInRequest


def reminders_visible_to(user: User) -> QuerySet[Reminder]:
    """Delivered reminders of this login (planned ones are not shown before they are due)."""
    return Reminder.objects.filter(user=user, status=Reminder.Status.SENT)


def get_reminder_for_user(request: LoggedInRequest, pk: int) -> Reminder:
    return one_or_404(reminders_visible_to(request.user), pk)
