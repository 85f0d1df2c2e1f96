"""Reads for the inbox. They take a login's delivered reminders as reminders.access scopes them
(`reminders_visible_to`), so nobody reads another person's reminders through them."""

from __future__ import annotations

from django.db.models import QuerySet

from members.models import Reminder


def reminders_waiting(reminders: QuerySet[Reminder]) -> QuerySet[Reminder]:
    """Those of `reminders` not marked done yet."""
    return reminders.filter(done_at__isnull=True)


def inbox_reminders(
    reminders: QuerySet[Reminder], *, done_shown: int
) -> tuple[QuerySet[Reminder], QuerySet[Reminder]]:
    """The waiting ones of `reminders` and the last `done_shown` marked done, each newest first:
    one query each when read."""
    newest_first = reminders.order_by("-sent_at", "-pk")
    return (
        reminders_waiting(newest_first),
        newest_first.filter(done_at__isnull=False)[:done_shown],
    )
