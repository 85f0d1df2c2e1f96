"""Bad-date reports and the alerts made from them. A report says when and where (a hotspot and
a few words of area, never an address), what happened, what the aggressor and vehicle looked
like, and carries a phone number and part of a plate only as keyed hashes (members.identifiers)
with their last characters for display. Three consents, each off by default, decide where it may
go: an alert to the community, partner organizations, the police. It circulates only after two
moderators approve it, expires, and can be withdrawn or corrected. Who reported it is seen only
by the staff who support that person."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.fields import EncryptedCharField, EncryptedTextField
from members.models import Hotspot, Person, User


class Category(models.TextChoices):
    PHYSICAL = "physical", _("Hit or hurt")
    SEXUAL = "sexual", _("Sexual assault")
    WEAPON = "weapon", _("Showed a weapon")
    ROBBED = "robbed", _("Robbed")
    NOT_PAID = "not_paid", _("Refused to pay")
    CONDOM = "condom", _("Took off or refused a condom")
    THREATS = "threats", _("Threats or stalking")
    POSED = "posed", _("Said he was police or an official")
    OTHER = "other", _("Something else")


# The pictogram of each category (static/icons/<name>.svg): no photo is ever uploaded.
PICTOGRAMS = {
    Category.PHYSICAL: "hand",
    Category.SEXUAL: "warning",
    Category.WEAPON: "knife",
    Category.ROBBED: "bag",
    Category.NOT_PAID: "coins",
    Category.CONDOM: "heart",
    Category.THREATS: "face-bad",
    Category.POSED: "scales",
    Category.OTHER: "bell",
}


class Report(models.Model):
    class Status(models.TextChoices):
        # Not for circulation (no consent to an alert): counted, shared only as consented.
        RECORDED = "recorded", _("Recorded, not circulated")
        WAITING = "waiting", _("Waiting for two moderators")
        CIRCULATING = "circulating", _("Circulating as an alert")
        REJECTED = "rejected", _("Not sent out: the moderators said no")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    # Whom it happened to; null once they are erased. Seen only by staff who support them.
    reporter = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    entered_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reference = models.CharField(_("reference"), max_length=8, unique=True, editable=False)
    happened_on = models.DateField(_("when it happened"))
    hotspot = models.ForeignKey(
        Hotspot, on_delete=models.PROTECT, related_name="+", verbose_name=_("where")
    )
    area = EncryptedCharField(_("area"), null=True, blank=True)
    categories = models.JSONField(_("what happened"), default=list)
    what_happened = EncryptedTextField(_("in your own words"), null=True, blank=True)
    description = EncryptedTextField(_("what he looked like"), null=True, blank=True)
    vehicle = EncryptedCharField(_("vehicle make and colour"), null=True, blank=True)
    # Keyed hashes (members.identifiers) and the last characters, for display only.
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone_end = models.CharField(max_length=3, blank=True, editable=False)
    plate_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    plate_end = models.CharField(max_length=2, blank=True, editable=False)
    consent_alert = models.BooleanField(_("circulate it as an alert"), default=False)
    consent_partners = models.BooleanField(_("share it with groups we work with"), default=False)
    consent_police = models.BooleanField(_("share it with the police"), default=False)
    wants_support = models.BooleanField(_("would like support"), default=False)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.WAITING
    )
    created_at = models.DateTimeField(default=timezone.now)
    circulated_at = models.DateTimeField(null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    corrected_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # When the reminders planner has queued the alert, the moderators' and the support reminders.
    alert_planned_at = models.DateTimeField(null=True, blank=True, editable=False)
    moderation_planned_at = models.DateTimeField(null=True, blank=True, editable=False)
    support_planned_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("safety report")
        verbose_name_plural = _("safety reports")
        indexes = [
            models.Index(fields=["status", "hotspot"], name="safety_report_live"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def state(self) -> str:
        """The status as people read it: a circulating alert past its date has expired."""
        expired = self.expires_on is not None and self.expires_on < timezone.localdate()
        if self.status == self.Status.CIRCULATING and expired:
            return str(_("Expired"))
        return self.get_status_display()

    @property
    def pictograms(self) -> list[tuple[str, str]]:
        """(label, pictogram) of each category, in the order of the choices."""
        return [
            (str(Category(value).label), PICTOGRAMS[Category(value)])
            for value in Category.values
            if value in self.categories
        ]


class Decision(models.Model):
    """One moderator's approval or rejection of a report as it reads now: editing the words
    removes the approvals, so both moderators approve the same text."""

    class Verdict(models.TextChoices):
        APPROVE = "approve", _("Approve")
        REJECT = "reject", _("Reject")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="decisions")
    moderator = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    verdict = models.CharField(max_length=8, choices=Verdict.choices)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "moderator"], name="safety_decision_once")
        ]

    def __str__(self) -> str:
        return f"{self.report_id} · {self.verdict}"


class RemovalRequest(models.Model):
    """Someone says an alert names or describes them wrongly and asks for it to be removed. Sent
    from an open page (the person named has no login); the moderators decide."""

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, null=True, blank=True, related_name="removal_requests"
    )
    reference = models.CharField(_("reference of the alert"), max_length=12, blank=True)
    reason = EncryptedTextField(_("why it should be removed"))
    contact = EncryptedCharField(_("how to reach you (optional)"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    removed = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("removal request")
        verbose_name_plural = _("removal requests")

    def __str__(self) -> str:
        return self.reference
