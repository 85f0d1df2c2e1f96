"""Text messages: one row per reminder that goes out by SMS too, and the stop list. Neither holds
a phone number in the clear: the message reads the number from the person's encrypted record
when it is sent, and the stop list keeps only a keyed hash of each number."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import Reminder


class SmsMessage(models.Model):
    """A text message owed for one reminder (reminders.sms_outbox). Written in the reminder's
    delivery transaction and sent after it, so a gateway that fails never sends the reminder's
    e-mail again."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENT = "sent", _("Sent")
        STOPPED = "stopped", _("Not sent: the number asked for no messages")
        SKIPPED = "skipped", _("Not sent: no consent or no number")
        FAILED = "failed", _("Could not be sent")

    reminder = models.ForeignKey(Reminder, on_delete=models.CASCADE, related_name="sms_messages")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # Not before this moment: quiet hours and the back-off after a failed attempt push it later.
    next_try_at = models.DateTimeField(_("next try"), default=timezone.now)
    created_at = models.DateTimeField(_("planned at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # The gateway's id of the message, to trace it with the provider.
    gateway_id = models.CharField(_("gateway's message id"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("text message")
        verbose_name_plural = _("text messages")
        constraints = [
            # One text per reminder, however often its delivery runs.
            models.UniqueConstraint(fields=["reminder"], name="reminders_smsmessage_once")
        ]
        indexes = [
            # The sender's claim: waiting rows whose time has come.
            models.Index(fields=["status", "next_try_at"], name="reminders_smsmessage_due"),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} · {self.created_at:%Y-%m-%d %H:%M}"


class SmsStop(models.Model):
    """A number that must never get a text message again, of any kind. Only a keyed hash of the
    number is kept (members.identifiers, Use.SMS_STOP): the list names no one and cannot be
    searched by trying numbers without IDENTIFIER_HMAC_KEY."""

    class Source(models.TextChoices):
        GATEWAY = "gateway", _("The gateway said the number refuses messages")
        OPT_OUT = "opt_out", _("The person texted STOP")
        PAGE = "page", _("The person asked on the preferences page")

    number_hash = models.CharField(max_length=64, editable=False)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    created_at = models.DateTimeField(_("stopped at"), default=timezone.now)

    class Meta:
        verbose_name = _("stopped number")
        verbose_name_plural = _("stopped numbers")
        constraints = [
            # Also the index of the check every text makes before it leaves.
            models.UniqueConstraint(fields=["number_hash"], name="reminders_smsstop_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} · {self.created_at:%Y-%m-%d}"
