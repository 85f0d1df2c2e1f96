"""Text messages as an outbox of their own, sent after the reminders, and the stop list.

Why not send in the reminder's delivery (reminders.outbox): that transaction also sends the
e-mail, and a gateway failing inside it would roll it back and send the e-mail again on the next
try. So the SMS channel only writes a row there (one per reminder: a unique constraint), and
`sms_send_due` sends the rows afterwards:

- each row is claimed with SELECT ... FOR UPDATE SKIP LOCKED and held while it is sent and marked,
  in one transaction: two senders never send the same row, and a worker that dies mid-send
  leaves it waiting (rolled back), so it goes again later: at least once;
- consent, number and stop list are checked again just before sending, so a consent withdrawn
  or a number deleted or stopped since the row was written stops it;
- a temporary failure waits (5, 10, 20, 40 minutes, never inside quiet hours) and gives up
  after SMS_MAX_ATTEMPTS;
- every text, whatever it is about, leaves through `sms_send`, which checks the stop list first
  and adds a number the gateway says refuses messages.

No phone number is stored here: it is read from the person's encrypted record when sent.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from members.identifiers import Use, identifier_hash, normalise_phone
from members.models import Consent, NotificationPreference, Person, Reminder

# A module, not its names: reminders.outbox imports the channels, which import this module.
from reminders import outbox
from reminders.models import SmsMessage, SmsStop
from reminders.sms import Outcome, SmsResult, get_backend

logger = logging.getLogger(__name__)

# The first wait after a temporary failure; it doubles with each attempt.
FIRST_RETRY = timedelta(minutes=5)


@dataclass(frozen=True)
class Recipient:
    number: str  # E.164
    sender_name: str
    preference: NotificationPreference  # unsaved: its quiet hours only


def sms_recipient(*, user_id: int) -> Recipient | None:
    """One query: where a login's texts go, or None when they go nowhere (no record, erased or
    merged, no open consent to SMS reminders, no possible number). The stop list is not read
    here: `is_stopped` does."""
    open_consent = Consent.objects.filter(
        person=OuterRef("pk"), purpose=Consent.Purpose.SMS_REMINDERS, withdrawn_at__isnull=True
    )
    person = (
        Person.objects.filter(
            Exists(open_consent),
            user_id=user_id,
            merged_into__isnull=True,
            erased_at__isnull=True,
            phone__isnull=False,
        )
        .annotate(
            sender_name=F("user__notification_preference__sender_name"),
            quiet_from=F("user__notification_preference__quiet_from"),
            quiet_until=F("user__notification_preference__quiet_until"),
        )
        .only("pk", "phone")
        .first()
    )
    number = normalise_phone(person.phone) if person is not None and person.phone else None
    if person is None or number is None:
        return None
    return Recipient(
        number=number,
        sender_name=person.sender_name or "",
        preference=NotificationPreference(
            quiet_from=person.quiet_from, quiet_until=person.quiet_until
        ),
    )


def sms_text(sender_name: str) -> str:
    """The only wording a text has: the sender name the person chose and nothing about what
    waits. In the site's language: logins keep no language of their own (e-mails are alike)."""
    default = NotificationPreference._meta.get_field("sender_name").get_default()
    name = " ".join(sender_name.split()) or default
    with translation.override(settings.LANGUAGE_CODE):
        return _("New message from %(sender)s. Open the app.") % {"sender": name}


# --- The stop list -----------------------------------------------------------------------------


def number_hash(number: str) -> str | None:
    """The keyed hash the stop list keeps, or None for what is no possible number."""
    normalised = normalise_phone(number)
    return None if normalised is None else identifier_hash(Use.SMS_STOP, normalised)


def is_stopped(number: str) -> bool:
    digest = number_hash(number)
    return digest is not None and SmsStop.objects.filter(number_hash=digest).exists()


def sms_stop_add(*, number: str, source: str) -> bool:
    """Put a number on the stop list for good; False when it is no possible number. Safe to run
    twice (the first source is kept)."""
    digest = number_hash(number)
    if digest is None:
        return False
    SmsStop.objects.get_or_create(number_hash=digest, defaults={"source": source})
    return True


# --- Writing and sending -----------------------------------------------------------------------


def sms_plan(*, reminder: Reminder) -> bool:
    """Inside the reminder's delivery transaction: a row to send later, when the person wants
    texts and their number is not stopped. True if the row is new."""
    recipient = sms_recipient(user_id=reminder.user_id)
    if recipient is None or is_stopped(recipient.number):
        return False
    _row, created = SmsMessage.objects.get_or_create(
        reminder=reminder,
        defaults={"next_try_at": outbox.quiet_hours_end(timezone.now(), recipient.preference)},
    )
    return created


def sms_send(*, number: str, text: str) -> SmsResult:
    """Every text leaves through here: never to a stopped number, and a number the gateway says
    refuses messages joins the stop list. A backend that raises is a temporary failure."""
    if is_stopped(number):
        return SmsResult(Outcome.STOPPED, detail="on the stop list")
    try:
        result = get_backend().send(to=number, text=text)
    except Exception:
        logger.exception("The SMS backend failed")
        return SmsResult(Outcome.RETRY, detail="backend error")
    if result.outcome is Outcome.STOPPED:
        sms_stop_add(number=number, source=SmsStop.Source.GATEWAY)
    return result


def sms_send_due(*, limit: int = 100) -> int:
    """Send up to `limit` due texts, one transaction each; returns how many were sent. A row
    whose handling fails is rolled back and waits for the next run."""
    tried: set[int] = set()
    sent = 0
    for _step in range(limit):
        before = len(tried)
        try:
            status = _send_next(tried)
        except Exception:
            logger.exception("A text message could not be handled")
            if len(tried) == before:  # failed before claiming anything: stop for this run
                break
            continue
        if status is None:
            break
        sent += status == SmsMessage.Status.SENT
    return sent


def _send_next(tried: set[int]) -> str | None:
    """Claim the next due row that nobody else holds, send it and mark it, in one transaction;
    its new status, or None when nothing is due."""
    now = timezone.now()
    with transaction.atomic():
        due = (
            SmsMessage.objects.filter(status=SmsMessage.Status.PENDING, next_try_at__lte=now)
            .exclude(pk__in=tried)
            .select_related("reminder")
            .order_by("next_try_at", "pk")
        )
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True, of=("self",))
        # SQLite has no row locks: a plain select; its writes are serialised.
        message = due.first()
        if message is None:
            return None
        tried.add(message.pk)
        _attempt(message, now)
        message.save(update_fields=["status", "attempts", "next_try_at", "sent_at", "gateway_id"])
    return message.status


def _attempt(message: SmsMessage, now: datetime) -> None:
    recipient = sms_recipient(user_id=message.reminder.user_id)
    if recipient is None:
        message.status = SmsMessage.Status.SKIPPED
        return
    later = outbox.quiet_hours_end(now, recipient.preference)
    if later > now:  # quiet hours chosen since the row was written: wait, no attempt spent
        message.next_try_at = later
        return
    result = sms_send(number=recipient.number, text=sms_text(recipient.sender_name))
    _record(message, result, recipient.preference, now)


def _record(
    message: SmsMessage, result: SmsResult, preference: NotificationPreference, now: datetime
) -> None:
    message.attempts += 1
    if result.outcome is Outcome.SENT:
        message.status = SmsMessage.Status.SENT
        message.sent_at = now
        message.gateway_id = result.message_id[:100]
    elif result.outcome is Outcome.STOPPED:
        message.status = SmsMessage.Status.STOPPED
    elif result.outcome is Outcome.RETRY and message.attempts < settings.SMS_MAX_ATTEMPTS:
        wait = FIRST_RETRY * 2 ** (message.attempts - 1)
        message.next_try_at = outbox.quiet_hours_end(now + wait, preference)
    else:
        message.status = SmsMessage.Status.FAILED
    # The gateway's status only: never the number or the text.
    logger.info("Text message %s: %s %s", message.pk, result.outcome, result.detail)
