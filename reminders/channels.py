"""How a claimed reminder reaches its person. A channel is a small class with `send(reminder)`;
CHANNELS lists the active ones in order.

The dispatcher (reminders.outbox) calls every channel while it holds the reminder row locked
and re-checks its attempt id, then marks it sent in that same transaction. So:

- the inbox is exactly-once: "in the inbox" *is* the row being SENT (with done_at NULL), which is
  written once, in one transaction;
- e-mail is at-least-once, at most one repeat: the message leaves before the transaction
  commits. A crash between the mail server accepting it and the commit leaves the row in SENDING;
  the sweeper returns it to PENDING and the next dispatch sends that e-mail again. It is never
  lost, and it is never sent twice by two dispatchers (the row lock and the attempt id see to it).
- SMS only writes a row to send after the transaction (reminders.sms_outbox), one per reminder:
  a gateway failing can never roll back the delivery and send the e-mail again.
"""

from __future__ import annotations

from email.utils import parseaddr
from typing import TYPE_CHECKING, Any, Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Exists, F, OuterRef
from django.template.loader import select_template

from members.models import Consent, Person
from reminders.sms_outbox import sms_plan

if TYPE_CHECKING:
    from members.models import Reminder


class Channel(Protocol):
    name: str

    def send(self, reminder: Reminder) -> None: ...


class InboxChannel:
    """Nothing to send: a SENT reminder with done_at NULL is in the person's inbox."""

    name = "inbox"

    def send(self, reminder: Reminder) -> None:
        return None


def sender_address(sender_name: str) -> str:
    """`"<sender name>" <address of DEFAULT_FROM_EMAIL>`: the name the person chose, never ours."""
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or settings.DEFAULT_FROM_EMAIL
    # No quotes, backslashes or line breaks can break out of the display name.
    name = " ".join(sender_name.replace('"', "").replace("\\", "").split()) or "Reminder"
    return f'"{name}" <{address}>'


def render_reminder_email(reminder: Reminder) -> tuple[str, str, str]:
    """Subject, text body and HTML body from the kind's template triplet, each falling back to
    the neutral generic template when the kind has none."""
    context: dict[str, Any] = {"reminder": reminder, "user": reminder.user}
    parts = []
    for part in ("subject.txt", "body.txt", "body.html"):
        template = select_template(
            [f"emails/reminder_{reminder.kind}_{part}", f"emails/reminder_{part}"]
        )
        parts.append(template.render(context))
    subject = " ".join(parts[0].split())  # a header: one line
    return subject, parts[1].strip() + "\n", parts[2]


def reminder_address(reminder: Reminder) -> tuple[str, str] | None:
    """One query: the address and sender name for this reminder, or None. The address is the
    person's encrypted e-mail, used only while they chose e-mail and their consent is open; a
    login without a Person gets inbox reminders only."""
    open_consent = Consent.objects.filter(
        person=OuterRef("pk"), purpose=Consent.Purpose.EMAIL_REMINDERS, withdrawn_at__isnull=True
    )
    person = (
        Person.objects.filter(
            Exists(open_consent),
            user_id=reminder.user_id,
            user__notification_preference__by_email=True,
            merged_into__isnull=True,
            erased_at__isnull=True,
            email__isnull=False,
        )
        .annotate(sender_name=F("user__notification_preference__sender_name"))
        .only("pk", "email")
        .first()
    )
    if person is None or not person.email:
        return None
    return person.email, person.sender_name


class EmailChannel:
    """Only to people who chose e-mail, consented and gave an address, from the sender name they
    chose."""

    name = "email"

    def send(self, reminder: Reminder) -> None:
        found = reminder_address(reminder)
        if found is None:
            return
        address, sender_name = found
        subject, text, html = render_reminder_email(reminder)
        send_mail(
            subject,
            text,
            sender_address(sender_name),
            [address],
            html_message=html,
            fail_silently=False,
        )


class SmsChannel:
    """Only to people with a record, an open consent to SMS reminders and a number not on the
    stop list: a row sent after this transaction, never the text itself (reminders.sms_outbox)."""

    name = "sms"

    def send(self, reminder: Reminder) -> None:
        sms_plan(reminder=reminder)


# The active channels, in order. A setting-free constant: a new channel is a code change, reviewed.
CHANNELS: list[Channel] = [InboxChannel(), EmailChannel(), SmsChannel()]
