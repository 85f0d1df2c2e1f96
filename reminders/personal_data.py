"""Personal data held by reminders: the text messages sent to a login (members.personal_data
explains the registry). The stop list is not here: it holds a keyed hash of a number and no
link to anyone."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from members.personal_data import Delete, register
from reminders.models import SmsMessage

register(
    SmsMessage,
    key="text_messages",
    label=_("Text messages to your phone"),
    login="reminder__user",
    fields={
        "created_at": _("Planned"),
        "status": _("Status"),
        "attempts": _("Attempts"),
        "sent_at": _("Sent"),
        "gateway_id": _("Message number at the gateway"),
    },
    order_by=("-created_at", "-pk"),
    note=_("They never held your number or what the reminder was about."),
    erase=Delete(),
)
