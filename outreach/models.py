from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from members.fields import EncryptedCharField, EncryptedTextField
from members.models import Hotspot
from outreach import rules


class SizeEstimate(models.Model):
    """How many sex workers a hotspot has, as estimated on a date: coverage in any month uses
    the latest estimate made on or before the end of that month."""

    hotspot = models.ForeignKey(Hotspot, on_delete=models.CASCADE, related_name="size_estimates")
    number = models.PositiveIntegerField(_("estimated number of sex workers"))
    estimated_on = models.DateField(_("estimated on"))
    source = models.CharField(
        _("source"), max_length=120, help_text=_("For example: mapping by peers.")
    )

    class Meta:
        verbose_name = _("size estimate")
        verbose_name_plural = _("size estimates")
        constraints = [
            models.UniqueConstraint(
                fields=["hotspot", "estimated_on"], name="outreach_sizeestimate_one_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.hotspot}: {self.number} ({self.estimated_on})"


# The eight factors a new organization starts with (written by migration 0004, whose frozen copy
# a test keeps equal to this one). Their names are messages of the catalogue, so every page shows
# them in its language; a factor the organization adds or renames shows as written.
DEFAULT_RISK_FACTORS = (
    gettext_noop("Under 25"),
    gettext_noop("New to sex work (under a year)"),
    gettext_noop("More than 10 clients a week"),
    gettext_noop("Works on the street at night"),
    gettext_noop("Violence in the last 6 months"),
    gettext_noop("Arrested or harassed by police in the last 6 months"),
    gettext_noop("Uses alcohol or drugs at work"),
    gettext_noop("Does not always use condoms"),
)


class RiskFactor(models.Model):
    """One of the (about eight) risk and vulnerability factors the organization chooses."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("risk factor")
        verbose_name_plural = _("risk factors")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return gettext(self.name) if self.name in DEFAULT_RISK_FACTORS else self.name


class RiskAssessment(models.Model):
    """Which factors apply to a person, as assessed on a date. Restricted: seen only by the
    person's outreach workers and coordinators. More than PRIORITY_FACTORS factors makes the
    person a priority (weekly contact instead of monthly)."""

    person = models.ForeignKey(
        "members.Person", on_delete=models.CASCADE, related_name="risk_assessments"
    )
    factors = models.ManyToManyField(RiskFactor, blank=True, related_name="+")
    assessed_on = models.DateField(_("assessed on"), default=timezone.localdate)
    reassess_on = models.DateField(_("reassess on"))
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    is_priority = models.BooleanField(_("priority"), default=False)

    class Meta:
        verbose_name = _("risk assessment")
        verbose_name_plural = _("risk assessments")
        indexes = [
            # The latest assessment of each person on My week.
            models.Index(fields=["person", "-assessed_on"], name="outreach_risk_person_latest")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} · {self.assessed_on}"


class Contact(models.Model):
    """One contact between an outreach worker and a person. Goods are counted but never the
    headline: what matters is who is reached, how often, and what they raise."""

    class Kind(models.TextChoices):
        ONE_TO_ONE = "one_to_one", _("One-to-one")
        GROUP = "group", _("Group")
        PHONE = "phone", _("Phone")
        ONLINE = "online", _("Online")

    class Topic(models.TextChoices):
        CONDOM_USE = "condom_use", _("Condom use")
        TESTING = "testing", _("Testing")
        PREP = "prep", _("PrEP")
        TREATMENT = "treatment", _("Treatment")
        RIGHTS = "rights", _("Rights and the law")
        VIOLENCE = "violence", _("Violence and safety")
        MENTAL_HEALTH = "mental_health", _("Mental health")
        MONEY = "money", _("Money and housing")
        COMMUNITY = "community", _("Community activities")

    person = models.ForeignKey("members.Person", on_delete=models.PROTECT, related_name="contacts")
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="contacts"
    )
    hotspot = models.ForeignKey(Hotspot, on_delete=models.PROTECT, related_name="contacts")
    contacted_on = models.DateField(_("date"), default=timezone.localdate)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.ONE_TO_ONE)
    male_condoms = models.PositiveIntegerField(_("male condoms"), default=0)
    female_condoms = models.PositiveIntegerField(_("female condoms"), default=0)
    lubricant = models.PositiveIntegerField(_("lubricant sachets"), default=0)
    self_test_kits = models.PositiveIntegerField(_("HIV self-test kits"), default=0)
    # Inputs of the condom need (outreach.rules.monthly_need).
    stated_monthly_need = models.PositiveIntegerField(
        _("condoms they say they need a month"), null=True, blank=True
    )
    weekly_acts = models.PositiveIntegerField(_("clients a week"), null=True, blank=True)
    topics = models.JSONField(_("topics"), default=list, blank=True)
    needs_raised = EncryptedTextField(_("needs raised"), null=True, blank=True)
    violence_reported = models.BooleanField(_("violence reported"), default=False)
    # A double tap, a resubmit or a retry after a timeout carries the same key: one contact.
    idempotency_key = models.UUIDField(unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        indexes = [
            # A person's history and "last seen" on My week.
            models.Index(fields=["person", "-contacted_on"], name="outreach_contact_person"),
            # "Last one-to-one contact" per person on My week: without the kind in the index, a
            # person never met one-to-one had every contact read (167 ms at 2,000,000 contacts).
            models.Index(
                fields=["person", "kind", "-contacted_on"], name="outreach_contact_person_kind"
            ),
            # A worker's day and month; the coordinator's list filtered by worker.
            models.Index(fields=["worker", "contacted_on"], name="outreach_contact_worker"),
            # Coverage by hotspot and period.
            models.Index(fields=["hotspot", "contacted_on"], name="outreach_contact_hotspot"),
            models.Index(fields=["contacted_on"], name="outreach_contact_date"),
        ]

    def __str__(self) -> str:
        return f"{self.contacted_on} {self.person_id} {self.get_kind_display()}"

    @property
    def condoms(self) -> int:
        return self.male_condoms + self.female_condoms

    @property
    def monthly_need(self) -> int | None:
        return rules.monthly_need(self.stated_monthly_need, self.weekly_acts)


class ZeroReport(models.Model):
    """A worker's day with no contacts still counts as reported."""

    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("day"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["worker", "day"], name="outreach_zeroreport_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.worker} · {self.day}"


class ViolenceIncident(models.Model):
    """A short, restricted record opened when a contact reports violence, with a follow-up.
    Seen only by the person's outreach workers and coordinators; every answer may be
    "prefer not to say"."""

    class Kind(models.TextChoices):
        PHYSICAL = "physical", _("Physical")
        SEXUAL = "sexual", _("Sexual")
        EMOTIONAL = "emotional", _("Emotional or threats")
        POLICE = "police", _("By police or officials")
        ECONOMIC = "economic", _("Money taken or withheld")
        OTHER = "other", _("Other")

    contact = models.OneToOneField(Contact, on_delete=models.PROTECT, related_name="violence")
    person = models.ForeignKey("members.Person", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(
        _("what happened"),
        max_length=10,
        blank=True,
        choices=[("", _("Prefer not to say")), *Kind.choices],
    )
    notes = EncryptedTextField(_("notes"), null=True, blank=True)
    follow_up_on = models.DateField(_("follow up on"))
    followed_up_at = models.DateTimeField(_("followed up at"), null=True, blank=True)

    class Meta:
        verbose_name = _("violence incident")
        verbose_name_plural = _("violence incidents")

    def __str__(self) -> str:
        return f"{self.person_id} · {self.follow_up_on}"


class Partner(models.Model):
    """An organization people are referred to. No personal data of members here."""

    class Kind(models.TextChoices):
        HEALTH = "health", _("Health")
        LEGAL = "legal", _("Legal")
        HUMAN_RIGHTS = "human_rights", _("Human rights")
        SOCIAL_PROTECTION = "social_protection", _("Social protection")
        COMMUNITY = "community", _("Community")

    name = models.CharField(_("name"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    services = models.JSONField(_("services"), default=list, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=120, blank=True)
    area = models.CharField(_("area"), max_length=80, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Service(models.TextChoices):
    HIV_TEST = "hiv_test", _("HIV test")
    STI_CHECKUP = "sti_checkup", _("STI check-up")
    PREP = "prep", _("PrEP")
    ART = "art", _("HIV treatment (ART)")
    PEP = "pep", _("PEP")
    LEGAL_AID = "legal_aid", _("Legal aid")
    VIOLENCE_SUPPORT = "violence_support", _("Violence support")
    MENTAL_HEALTH = "mental_health", _("Mental health")
    SOCIAL_PROTECTION = "social_protection", _("Social protection")


class Referral(models.Model):
    """A person sent to a partner for a service: made, then attended, then an outcome; traced up
    to three times when it is overdue."""

    class Status(models.TextChoices):
        MADE = "made", _("Made")
        ATTENDED = "attended", _("Attended")
        COMPLETED = "completed", _("Outcome recorded")
        LOST = "lost", _("Not completed")

    person = models.ForeignKey("members.Person", on_delete=models.PROTECT, related_name="referrals")
    contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="referrals"
    )
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="referrals")
    service = models.CharField(_("service"), max_length=20, choices=Service.choices)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    made_on = models.DateField(_("made on"), default=timezone.localdate)
    due_on = models.DateField(_("due by"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.MADE
    )
    attended_on = models.DateField(_("attended on"), null=True, blank=True)
    # What happened at a health or legal service is sensitive: encrypted, so never filtered on
    # in SQL. Not given is NULL; the 200-character limit lives in OutcomeForm.
    outcome = EncryptedCharField(_("outcome"), null=True, blank=True)
    outcome_on = models.DateField(_("outcome on"), null=True, blank=True)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        indexes = [
            # Open referrals due for follow-up on My week.
            models.Index(fields=["status", "due_on"], name="outreach_referral_open_due"),
            models.Index(fields=["partner", "made_on"], name="outreach_referral_partner"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(due_on__gte=models.F("made_on")),
                name="outreach_referral_due_after_made",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} → {self.partner} ({self.get_service_display()})"


class TracingAttempt(models.Model):
    """Looking for someone whose referral is overdue: at most rules.MAX_TRACING_ATTEMPTS."""

    class Method(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        PHONE = "phone", _("Phone")
        MESSAGE = "message", _("Message")

    class Outcome(models.TextChoices):
        REACHED = "reached", _("Reached")
        NOT_REACHED = "not_reached", _("Not reached")
        MOVED = "moved", _("Moved away")
        DECLINED = "declined", _("Declined")

    referral = models.ForeignKey(
        Referral, on_delete=models.CASCADE, related_name="tracing_attempts"
    )
    number = models.PositiveSmallIntegerField()
    attempted_on = models.DateField(_("date"), default=timezone.localdate)
    method = models.CharField(_("how"), max_length=10, choices=Method.choices)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["referral", "number"], name="outreach_tracing_numbered_once"
            ),
            models.CheckConstraint(
                condition=models.Q(number__gte=1)
                & models.Q(number__lte=rules.MAX_TRACING_ATTEMPTS),
                name="outreach_tracing_at_most_three",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.referral_id} #{self.number}"


class GroupActivity(models.Model):
    """Community meetings, trainings and support groups: the cohesion and engagement
    indicators count who came."""

    class Kind(models.TextChoices):
        MEETING = "meeting", _("Community meeting")
        TRAINING = "training", _("Training")
        SUPPORT_GROUP = "support_group", _("Support group")
        OTHER = "other", _("Other")

    kind = models.CharField(_("kind"), max_length=15, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=120)
    held_on = models.DateField(_("held on"), default=timezone.localdate)
    hotspot = models.ForeignKey(
        Hotspot, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    attendees = models.ManyToManyField("members.Person", through="Attendance", related_name="+")
    other_attendees = models.PositiveIntegerField(
        _("others who came without being registered"), default=0
    )

    class Meta:
        verbose_name = _("group activity")
        verbose_name_plural = _("group activities")
        indexes = [models.Index(fields=["held_on"], name="outreach_activity_held_on")]

    def __str__(self) -> str:
        return f"{self.held_on} {self.title}"


class Attendance(models.Model):
    activity = models.ForeignKey(GroupActivity, on_delete=models.CASCADE, related_name="attendance")
    person = models.ForeignKey(
        "members.Person", on_delete=models.PROTECT, related_name="attendance"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["activity", "person"], name="outreach_attendance_once")
        ]

    def __str__(self) -> str:
        return f"{self.activity_id} · {self.person_id}"


class OfflineKey(models.Model):
    """The key pair records saved on a phone without a connection are sealed to (outreach.offline).
    Phones get the public half; the private half never leaves the server and is stored
    encrypted with the field keys. Older pairs stay so that a record sealed before a new pair
    was made can still be opened."""

    public_key = models.TextField()  # SubjectPublicKeyInfo, DER, base64
    private_key = EncryptedTextField()  # PKCS #8, PEM
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    def __str__(self) -> str:
        return f"offline key {self.pk}"
