from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.fields import EncryptedTextField


class Heartbeat(models.Model):
    """One row per periodic job, touched each time it runs: /healthz reads when beat and a
    worker last did their work."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    last_run_at = models.DateTimeField(_("last run at"))
    runs = models.PositiveBigIntegerField(_("runs"), default=0)

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self) -> str:
        return self.name


class Place(models.TextChoices):
    """What the feedback is about."""

    OUTREACH = "outreach", _("Outreach workers")
    DROP_IN = "drop_in", _("The drop-in centre")
    PARTNER = "partner", _("A service we sent you to")


class Rating(models.IntegerChoices):
    """Three faces; not answering means "prefer not to say" (NULL)."""

    BAD = 1, _("Bad")
    OK = 2, _("Okay")
    GOOD = 3, _("Good")


class Feedback(models.Model):
    """A member's view of a service or referral site, in taps. Never linked to the person who
    gave it (only totals are ever shown), and kept by day only, never by time."""

    place = models.CharField(_("about"), max_length=10, choices=Place.choices)
    partner = models.ForeignKey(
        "outreach.Partner", on_delete=models.PROTECT, null=True, blank=True, related_name="feedback"
    )
    hotspot = models.ForeignKey(
        "members.Hotspot", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    respect = models.PositiveSmallIntegerField(
        _("respect"), choices=Rating.choices, null=True, blank=True
    )
    confidentiality = models.PositiveSmallIntegerField(
        _("kept private"), choices=Rating.choices, null=True, blank=True
    )
    waiting_time = models.PositiveSmallIntegerField(
        _("waiting time"), choices=Rating.choices, null=True, blank=True
    )
    commodities_available = models.BooleanField(
        _("condoms and lubricant there"), null=True, blank=True
    )
    would_recommend = models.BooleanField(_("would tell a friend to go"), null=True, blank=True)
    comment = EncryptedTextField(_("anything else"), null=True, blank=True)
    given_on = models.DateField(_("given on"), default=timezone.localdate)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        indexes = [
            # Scores by place and partner over a period (dashboard and partner scorecards).
            models.Index(fields=["place", "partner", "given_on"], name="monitoring_feedback_place")
        ]

    def __str__(self) -> str:
        return f"{self.get_place_display()} · {self.given_on}"


class FeedbackCode(models.Model):
    """A single-use code handed out at a drop-in, so anyone can give feedback without a login.
    Only a keyed hash is kept."""

    code_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"code {self.pk}"


class Complaint(models.Model):
    """A complaint raised, followed and closed: the quality indicator counts raised vs resolved."""

    class Status(models.TextChoices):
        RAISED = "raised", _("Raised")
        FOLLOWED_UP = "followed_up", _("Being followed up")
        CLOSED = "closed", _("Closed")

    place = models.CharField(_("about"), max_length=10, choices=Place.choices)
    partner = models.ForeignKey(
        "outreach.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
    )
    person = models.ForeignKey(
        "members.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="complaints",
    )
    description = EncryptedTextField(_("what happened"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.RAISED
    )
    raised_on = models.DateField(_("raised on"), default=timezone.localdate)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolution = EncryptedTextField(_("what was done"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [models.Index(fields=["status", "raised_on"], name="monitoring_complaint_status")]

    def __str__(self) -> str:
        return f"{self.get_place_display()} · {self.raised_on}"


class DashboardSnapshot(models.Model):
    """The dashboard's figures for one period and set of filters, computed by a Celery worker or
    by a coordinator's "Compute the figures now" (monitoring.snapshots): at 2,000,000 contacts
    they take seconds to compute, so the page shows the latest snapshot with its time, and beat
    computes it again once it is older than DASHBOARD_MAX_AGE. Counts only: nothing here names or
    identifies a person."""

    key = models.CharField(_("key"), max_length=64, unique=True)
    period_first = models.DateField(_("first day"), null=True)
    period_last = models.DateField(_("last day"), null=True)
    filters = models.JSONField(_("filters"), default=dict)
    figures = models.JSONField(_("figures"), null=True)
    computed_at = models.DateTimeField(_("computed at"), null=True)
    seconds = models.FloatField(_("seconds to compute"), null=True)
    # Set by "Compute the figures now" (and by beat for the default view), never by a page read.
    asked_at = models.DateTimeField(_("last asked for at"), default=timezone.now)
    refresh_requested_at = models.DateTimeField(_("refresh requested at"), null=True)

    class Meta:
        verbose_name = _("dashboard snapshot")
        verbose_name_plural = _("dashboard snapshots")

    def __str__(self) -> str:
        return f"{self.period_first} to {self.period_last} {self.filters}"


class ReportMapping(models.Model):
    """Where one figure of a report goes in the national health information system (DHIS2): set
    by an administrator, by UID or by code (the push says which, DHIS2's idScheme). A figure
    without one stops its report's export, naming it (monitoring.dhis2)."""

    figure = models.CharField(_("figure"), max_length=60, unique=True)
    data_set = models.CharField(_("data set"), max_length=50)
    org_unit = models.CharField(_("organisation unit"), max_length=50)
    data_element = models.CharField(_("data element"), max_length=50)
    category_option_combo = models.CharField(_("category option combo"), max_length=50)
    attribute_option_combo = models.CharField(
        _("attribute option combo"), max_length=50, blank=True
    )
    adx_disaggregation = models.CharField(
        _("ADX disaggregation"),
        max_length=200,
        blank=True,
        help_text=_("Category codes and option codes for ADX, such as KP_TYPE=FSW HIV=KNOWN_POS."),
    )

    class Meta:
        verbose_name = _("report mapping")
        verbose_name_plural = _("report mappings")
        ordering = ["figure"]

    def __str__(self) -> str:
        return self.figure
