"""Reminders as a database outbox: plan a row once, claim due rows, deliver, mark sent.

Guarantees (see reminders.channels for the per-channel wording):
- reminder_plan makes one row per (person, kind, object, due date), however often it is called;
- two dispatchers never claim the same row (SELECT ... FOR UPDATE SKIP LOCKED on PostgreSQL);
- a row is delivered and marked SENT only by the attempt that holds it, re-checked under a row
  lock in the transaction that marks it, so a row swept and re-claimed is not delivered by its old
  attempt;
- a worker that dies after claiming leaves rows in SENDING; reminders_sweep returns them to
  PENDING and the next dispatch delivers them: none lost.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from uuid import UUID, uuid4

from django.db import connection, transaction
from django.utils import timezone

from members.models import NotificationPreference, Reminder, User
from reminders import channels
from safety.selectors import alert_is_live

logger = logging.getLogger(__name__)

# dispatch_due stops after this many batches even if rows keep falling due.
MAX_BATCHES = 100


def quiet_hours_end(moment: datetime, preference: NotificationPreference | None) -> datetime:
    """`moment`, or the end of the person's quiet hours if it falls inside them. Quiet hours are
    local times (TIME_ZONE) and may wrap midnight (22:00 to 07:00)."""
    if preference is None or preference.quiet_from is None or preference.quiet_until is None:
        return moment
    start, end = preference.quiet_from, preference.quiet_until
    if start == end:
        return moment
    local = timezone.localtime(moment)
    now = local.time()
    if start < end:
        inside = start <= now < end
        end_day = local.date()
    else:
        inside = now >= start or now < end
        end_day = local.date() + timedelta(days=1) if now >= start else local.date()
    if not inside:
        return moment
    return datetime.combine(end_day, end, tzinfo=local.tzinfo)


def reminder_plan(
    *,
    user: User,
    kind: str,
    object_key: str = "",
    due_on: date,
    send_after: datetime | None = None,
) -> bool:
    """Plan one reminder; True if it was new. Call it inside the cause's transaction. Quiet hours
    push `send_after` later; a kind the person muted is recorded as SKIPPED, never sent."""
    preference = NotificationPreference.objects.filter(user=user).first()
    muted = preference is not None and kind in (preference.muted_kinds or [])
    _, created = Reminder.objects.get_or_create(
        user=user,
        kind=kind,
        object_key=object_key,
        due_on=due_on,
        defaults={
            "send_after": quiet_hours_end(send_after or timezone.now(), preference),
            "status": Reminder.Status.SKIPPED if muted else Reminder.Status.PENDING,
        },
    )
    return created


def reminders_claim(*, limit: int = 100) -> tuple[UUID, list[int]]:
    """Claim up to `limit` due PENDING rows for one new attempt: SENDING, attempt id, claimed at,
    all in one transaction. Rows another dispatcher holds are skipped, not waited for."""
    attempt_id = uuid4()
    now = timezone.now()
    with transaction.atomic():
        due = Reminder.objects.filter(status=Reminder.Status.PENDING, send_after__lte=now).order_by(
            "send_after", "pk"
        )
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        # SQLite has no SKIP LOCKED (nor row locks): a plain select; its writes are serialised.
        ids = list(due.values_list("pk", flat=True)[:limit])
        if ids:
            Reminder.objects.filter(pk__in=ids, status=Reminder.Status.PENDING).update(
                status=Reminder.Status.SENDING, attempt_id=attempt_id, claimed_at=now
            )
    return attempt_id, ids


def reminders_deliver(*, attempt_id: UUID) -> int:
    """Deliver each row this attempt still holds and mark it SENT; returns how many. A row swept
    and re-claimed under another attempt id is neither sent nor marked here."""
    ids = list(
        Reminder.objects.filter(status=Reminder.Status.SENDING, attempt_id=attempt_id)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    delivered = 0
    for pk in ids:
        try:
            delivered += _deliver_one(pk=pk, attempt_id=attempt_id)
        except Exception:
            # Rolled back: the row stays SENDING and the sweeper retries it later.
            logger.exception("Reminder %s could not be delivered", pk)
    return delivered


def still_wanted(reminder: Reminder) -> bool:
    """Whether what a reminder is about still holds when its turn comes: an alert withdrawn or
    expired while its reminder waited (quiet hours) is not sent."""
    if reminder.kind == Reminder.Kind.SAFETY_ALERT:
        _, _sep, raw_id = reminder.object_key.partition(":")
        return raw_id.isdigit() and alert_is_live(int(raw_id))
    return True


def _deliver_one(*, pk: int, attempt_id: UUID) -> int:
    with transaction.atomic():
        reminder = (
            Reminder.objects.select_for_update()
            .select_related("user")
            .filter(pk=pk, status=Reminder.Status.SENDING, attempt_id=attempt_id)
            .first()
        )
        if reminder is None:
            return 0
        if not still_wanted(reminder):
            reminder.status = Reminder.Status.SKIPPED
            reminder.save(update_fields=["status"])
            return 0
        for channel in channels.CHANNELS:
            channel.send(reminder)
        reminder.status = Reminder.Status.SENT
        reminder.sent_at = timezone.now()
        reminder.save(update_fields=["status", "sent_at"])
    return 1


def reminders_sweep(*, older_than: timedelta = timedelta(minutes=10)) -> int:
    """Return rows stuck in SENDING (their worker died) to PENDING; returns how many. Rows being
    delivered right now are locked and skipped."""
    cutoff = timezone.now() - older_than
    with transaction.atomic():
        stuck = Reminder.objects.filter(status=Reminder.Status.SENDING, claimed_at__lte=cutoff)
        if connection.features.has_select_for_update_skip_locked:
            stuck = stuck.select_for_update(skip_locked=True)
        ids = list(stuck.values_list("pk", flat=True))
        return Reminder.objects.filter(pk__in=ids, status=Reminder.Status.SENDING).update(
            status=Reminder.Status.PENDING, attempt_id=None, claimed_at=None
        )


def dispatch_due(*, limit: int = 100) -> int:
    """Claim and deliver batches until nothing is due (at most MAX_BATCHES); returns how many
    were delivered."""
    delivered = 0
    for _ in range(MAX_BATCHES):
        attempt_id, ids = reminders_claim(limit=limit)
        if not ids:
            break
        delivered += reminders_deliver(attempt_id=attempt_id)
    return delivered
