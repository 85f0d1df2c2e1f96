"""The one way to fetch reminders for a request: a login sees only its own delivered reminders;
anyone else's is a 404, whether or not it exists."""

from __future__ import annotations

from django.db.models import QuerySet

from members.access import one_or_404
from members.models import NotificationPreference, Reminder, User
from members.roles import LoggedInRequest


def reminders_visible_to(user: User) -> QuerySet[Reminder]:
    """Delivered reminders of this login (planned ones are not shown before they are due)."""
    return Reminder.objects.filter(user=user, status=Reminder.Status.SENT)


def get_reminder_for_user(request: LoggedInRequest, pk: int) -> Reminder:
    return one_or_404(reminders_visible_to(request.user), pk)


def notification_preference_of(user: User) -> NotificationPreference:
    """The saved preferences or, until the first save, the defaults in an unsaved row (the
    outbox assumes the same): a page read writes nothing. One query."""
    saved = NotificationPreference.objects.filter(user=user).first()
    return saved or NotificationPreference(user=user)
