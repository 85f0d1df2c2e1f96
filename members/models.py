from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.fields import EncryptedCharField, EncryptedTextField
from members.roles import Role, has_role

if TYPE_CHECKING:
    from members.roles import Viewer


class User(AbstractUser):
    """A login. People are known by a chosen username only: no legal names are ever stored."""

    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]

    # Roles add up (an outreach worker is also a member); members.roles reads them.
    is_member = models.BooleanField(_("member"), default=False)
    is_outreach_worker = models.BooleanField(_("outreach worker"), default=False)
    is_coordinator = models.BooleanField(_("coordinator"), default=False)
    # A peer who approves or rejects safety reports before they circulate (safety app).
    is_moderator = models.BooleanField(_("moderator of safety alerts"), default=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.username


# --- Where people are met: hotspots, and the outreach workers assigned to them ---------------
# Here, below outreach, because need-to-know is decided by them: a worker sees the people of the
# hotspots assigned to them now.


class Typology(models.TextChoices):
    STREET = "street", _("Street")
    VENUE = "venue", _("Venue")
    HOME_BASED = "home", _("Home-based")
    ONLINE = "online", _("Online")


class Hotspot(models.Model):
    """A place (or online space) where sex workers meet clients. Confidential: never shown to
    members, and never a precise address."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    area = models.CharField(_("area"), max_length=80, help_text=_("A district, not an address."))
    typology = models.CharField(_("typology"), max_length=10, choices=Typology.choices)
    days_and_hours = models.CharField(
        _("days and hours of operation"),
        max_length=120,
        blank=True,
        help_text=_("For example: Thursday to Saturday, 21:00 to 03:00."),
    )
    # For the outreach workers of this hotspot and coordinators only; encrypted at rest.
    safety_notes = EncryptedTextField(_("safety notes"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        # Moved here from outreach so the people registry needs nothing above it; the table
        # keeps its name (members/migrations/0012_hotspots_from_outreach.py).
        db_table = "outreach_hotspot"
        verbose_name = _("hotspot")
        verbose_name_plural = _("hotspots")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AssignmentQuerySet(models.QuerySet["Assignment"]):
    def current(self, on: date | None = None) -> AssignmentQuerySet:
        day = on or timezone.localdate()
        return self.filter(starts_on__lte=day).filter(
            models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=day)
        )


class Assignment(models.Model):
    """An outreach worker serves a hotspot from a date, until an optional end date. A worker
    sees the people of the hotspots they are currently assigned to, and no one else."""

    worker = models.ForeignKey(User, on_delete=models.PROTECT, related_name="assignments")
    hotspot = models.ForeignKey(Hotspot, on_delete=models.PROTECT, related_name="assignments")
    starts_on = models.DateField(_("starts on"), default=timezone.localdate)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        db_table = "outreach_assignment"
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="outreach_assignment_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.worker} @ {self.hotspot}"


PREFER_NOT = ("", _("Prefer not to say"))


class GenderIdentity(models.TextChoices):
    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    TRANS_WOMAN = "trans_woman", _("Trans woman")
    TRANS_MAN = "trans_man", _("Trans man")
    NON_BINARY = "non_binary", _("Non-binary")
    OTHER = "other", _("Another identity")


class AgeBand(models.TextChoices):
    AGE_18_24 = "18-24", _("18 to 24")
    AGE_25_34 = "25-34", _("25 to 34")
    AGE_35_44 = "35-44", _("35 to 44")
    AGE_45_PLUS = "45+", _("45 or older")


class PersonQuerySet(models.QuerySet["Person"]):
    def visible_to(self, user: Viewer) -> PersonQuerySet:
        """Need to know: coordinators see everyone; an outreach worker the people of the hotspots
        assigned to them now, plus anyone opened with a stated reason in the last hours; a member
        only themself. Merged-away records are never listed."""
        people = self.filter(merged_into__isnull=True)
        if not isinstance(user, User):
            return people.none()
        if has_role(user, Role.COORDINATOR):
            return people
        if has_role(user, Role.OUTREACH_WORKER):
            hotspots = Assignment.objects.current().filter(worker=user).values("hotspot")
            opened = OutsideAccess.objects.filter(worker=user, expires_at__gt=timezone.now())
            return people.filter(
                models.Q(hotspot__in=hotspots) | models.Q(pk__in=opened.values("person"))
            )
        return people.filter(user=user)

    def at_hotspots_of(self, worker: User) -> PersonQuerySet:
        """The people of the hotspots assigned to `worker` now: their own people, without the
        records opened from outside for a few hours (and, for a worker who also coordinates,
        without everyone else)."""
        hotspots = Assignment.objects.current().filter(worker=worker).values("hotspot")
        return self.filter(merged_into__isnull=True, hotspot__in=hotspots)


class Person(models.Model):
    """Someone the organization reaches. Known by a keyed hash of their code and an optional
    nickname: never a legal name, address, document number, birth date or photo."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        INACTIVE = "inactive", _("Inactive")
        LEFT = "left", _("Left")

    # HMAC of the normalised code; not unique: a collision goes to the review queue.
    uic_hash = models.CharField(_("code hash"), max_length=64, db_index=True, editable=False)
    nickname = models.CharField(_("nickname"), max_length=40, blank=True)
    gender_identity = models.CharField(
        _("gender identity"),
        max_length=12,
        blank=True,
        choices=[PREFER_NOT, *GenderIdentity.choices],
    )
    age_band = models.CharField(
        _("age band"), max_length=6, blank=True, choices=[PREFER_NOT, *AgeBand.choices]
    )
    typology = models.CharField(
        _("where they work"), max_length=10, blank=True, choices=[PREFER_NOT, *Typology.choices]
    )
    hotspot = models.ForeignKey(
        Hotspot,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("main hotspot"),
    )
    languages = models.CharField(_("languages"), max_length=80, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    is_member = models.BooleanField(_("member of the organization"), default=False)
    member_since = models.DateField(_("member since"), null=True, blank=True)
    user = models.OneToOneField(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="person"
    )
    phone = EncryptedCharField(_("phone"), null=True, blank=True)
    email = EncryptedCharField(_("e-mail"), null=True, blank=True)
    notes = EncryptedTextField(_("notes"), null=True, blank=True)
    registered_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    registered_at = models.DateTimeField(_("registered at"), default=timezone.now)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_from"
    )
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [
            # The possible-duplicate check on registration: same nickname, hotspot and age band.
            models.Index(fields=["hotspot", "nickname", "age_band"], name="members_person_similar"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """How staff see this person on screen: the nickname, or a short neutral reference."""
        return self.nickname or f"#{self.pk}"


class Consent(models.Model):
    class Purpose(models.TextChoices):
        EMAIL_REMINDERS = "email_reminders", _("Reminders by e-mail")
        SMS_REMINDERS = "sms_reminders", _("Reminders by SMS")
        VOTING = "voting", _("Voting membership")
        AGGREGATE_REPORTS = "aggregate_reports", _("Counted in anonymous reports to funders")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    given_at = models.DateTimeField(_("given at"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "purpose"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="members_consent_one_open_per_purpose",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_purpose_display()}"


class HandedCode(models.Model):
    """A single-use code that staff hand over in person and its holder types on a public page
    (members.codes). Only a keyed hash is kept: the code is shown once, on the screen of whoever
    created it. It expires, works once, and a newer code for the same holder voids it."""

    code_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    def is_usable(self, now: datetime) -> bool:
        return self.used_at is None and self.expires_at > now


class Invitation(HandedCode):
    """With it a registered person creates their own login."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="invitations")

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.person} · {self.created_at:%Y-%m-%d}"


class PasswordResetCode(HandedCode):
    """With it the owner of a login without e-mail chooses a new password."""

    login = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("password reset code")
        verbose_name_plural = _("password reset codes")

    def __str__(self) -> str:
        return f"{self.login} · {self.created_at:%Y-%m-%d}"


class Employment(models.Model):
    """A post held by a member of staff: the basis of the staffing figures (community members in
    outreach and supervision, paid or volunteer, pay parity, turnover)."""

    class Role(models.TextChoices):
        OUTREACH_WORKER = "outreach_worker", _("Outreach worker")
        SUPERVISOR = "supervisor", _("Supervisor")
        COORDINATOR = "coordinator", _("Coordinator")
        OTHER = "other", _("Other staff")

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="employments")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    is_community_member = models.BooleanField(_("community member"), default=True)
    is_paid = models.BooleanField(_("paid"), default=True)
    monthly_pay = models.DecimalField(
        _("monthly pay"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    hours_per_week = models.PositiveSmallIntegerField(_("hours per week"), null=True, blank=True)
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    class Meta:
        verbose_name = _("employment")
        verbose_name_plural = _("employments")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="members_employment_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(is_paid=True)
                | models.Q(monthly_pay__isnull=True)
                | models.Q(monthly_pay=0),
                name="members_employment_volunteers_unpaid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


class AccessLog(models.Model):
    """Append-only: who read or changed which person's record or login, what, why and when. On
    PostgreSQL a trigger refuses UPDATE and DELETE, so not even the application can rewrite it."""

    class Action(models.TextChoices):
        VIEW = "view", _("Viewed")
        CREATE = "create", _("Registered")
        CHANGE = "change", _("Changed")
        MOVE = "move", _("Moved to another hotspot")
        EXPORT = "export", _("Exported")
        LOOKUP = "lookup", _("Found by code from another hotspot")
        OPEN_OUTSIDE = "open_outside", _("Opened from outside their hotspots")
        INVITE = "invite", _("Created an invitation")
        RESET_CODE = "reset_code", _("Created a password reset code")
        MERGE = "merge", _("Merged")
        ERASE = "erase", _("Erased")
        END_SESSIONS = "end_sessions", _("Ended all sessions")
        SUSPEND = "suspend", _("Suspended the login")
        REACTIVATE = "reactivate", _("Reactivated the login")
        REPORT = "report", _("Sent a report to DHIS2")
        CHECK = "check", _("Checked a number or plate against the alerts")

    actor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    # About a person's record, or about a login (suspended, reactivated, ...), or both.
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="access_log"
    )
    login = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    detail = models.CharField(_("what"), max_length=200, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person__isnull=False) | models.Q(login__isnull=False),
                name="members_accesslog_about_someone",
            )
        ]
        indexes = [
            # A member's own page and the coordinator's filter by person, newest first.
            models.Index(fields=["person", "-at"], name="members_accesslog_person"),
            models.Index(fields=["-at"], name="members_accesslog_at"),
            # What was done to a login (its owner's own data, the coordinator's filter).
            models.Index(fields=["login", "-at"], name="members_accesslog_login"),
        ]

    def __str__(self) -> str:
        about = self.person_id if self.person_id is not None else f"login {self.login_id}"
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {about}"


class OutsideAccess(models.Model):
    """An outreach worker opened a person outside their hotspots, with a stated reason; it
    lasts a few hours (OUTSIDE_ACCESS_HOURS)."""

    worker = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=200)
    granted_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    class Meta:
        indexes = [
            # Person.objects.visible_to(worker): the worker's unexpired openings.
            models.Index(fields=["worker", "expires_at"], name="members_outside_worker"),
        ]

    def __str__(self) -> str:
        return f"{self.worker} → {self.person_id}"


class PossibleDuplicate(models.Model):
    """Two records that may be one person, waiting for a coordinator: merge or tell apart."""

    class Reason(models.TextChoices):
        SAME_CODE = "same_code", _("Same code")
        SIMILAR = "similar", _("Same nickname, hotspot and age band")

    class Resolution(models.TextChoices):
        MERGED = "merged", _("Merged")
        DIFFERENT = "different", _("Different people")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    other = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=10, choices=Reason.choices)
    found_at = models.DateTimeField(default=timezone.now)
    resolution = models.CharField(max_length=10, choices=Resolution.choices, blank=True)
    resolved_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "other"], name="members_duplicate_pair_once"),
            models.CheckConstraint(
                condition=~models.Q(person=models.F("other")), name="members_duplicate_two_people"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} ~ {self.other_id}"


class ErasureRequest(models.Model):
    """A member asks for their identifying data to be wiped; a coordinator confirms."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="erasure_requests")
    requested_at = models.DateTimeField(default=timezone.now)
    confirmed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(confirmed_at__isnull=True),
                name="members_erasure_one_open_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} · {self.requested_at:%Y-%m-%d}"


class Reminder(models.Model):
    """The outbox: one row per (person, kind, object, due date), written in the same transaction
    as its cause or by a planning job. Celery beat claims due rows and delivers them; the web
    request never talks to the broker."""

    class Kind(models.TextChoices):
        DAILY_LIST = "daily_list", _("Your list for today")
        REFERRAL_FOLLOW_UP = "referral_follow_up", _("A follow-up is due")
        NOT_SEEN = "not_seen", _("Someone has not been seen for a while")
        ROUND_OPENED = "round_opened", _("A vote has opened")
        ROUND_CLOSING = "round_closing", _("A vote closes soon")
        RESULTS_OUT = "results_out", _("Results are out")
        COVERAGE_ALERT = "coverage_alert", _("Weekly coverage check")
        MONTHLY_REPORT = "monthly_report", _("Monthly report due")
        TELLER_DUTY = "teller_duty", _("A vote needs you as a teller")
        SAFETY_ALERT = "safety_alert", _("Take care: a new alert for your area")
        SAFETY_MODERATION = "safety_moderation", _("A report waits for moderators")
        SAFETY_SUPPORT = "safety_support", _("Someone asked for support after a bad date")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        SKIPPED = "skipped", _("Not sent (preferences)")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # What it is about, as "<model>:<id>" ("" when it is about nothing in particular).
    object_key = models.CharField(max_length=40, blank=True)
    due_on = models.DateField(_("due on"))
    # Not before this moment (quiet hours push it later).
    send_after = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempt_id = models.UUIDField(null=True, blank=True, editable=False)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # The in-app inbox: shown until the person marks it done.
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "object_key", "due_on"], name="members_reminder_once"
            )
        ]
        indexes = [
            # The dispatcher's claim: pending rows whose time has come.
            models.Index(fields=["status", "send_after"], name="members_reminder_due"),
            # The inbox bell: a user's sent, not yet done reminders.
            models.Index(fields=["user", "status", "done_at"], name="members_reminder_inbox"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.due_on}"


class NotificationPreference(models.Model):
    """How and when a person wants to be reminded. Defaults: in-app only, no quiet hours."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="notification_preference"
    )
    by_email = models.BooleanField(_("also by e-mail"), default=False)
    # Shown as the e-mail's sender: something that means nothing to anyone else.
    sender_name = models.CharField(_("sender name"), max_length=40, default="Reminder")
    quiet_from = models.TimeField(_("no reminders from"), null=True, blank=True)
    quiet_until = models.TimeField(_("until"), null=True, blank=True)
    muted_kinds = models.JSONField(_("kinds I do not want"), default=list, blank=True)

    def __str__(self) -> str:
        return f"preferences of {self.user_id}"


class Submission(models.Model):
    """A form that created something was sent with this key (members.resend): sending the same
    form again, with the same answers, leads to what the first send saved instead of saving it
    twice. Kept a day, then deleted by beat; holds a keyed digest of the answers, never the
    answers themselves."""

    # None for forms that must stay unlinked from whoever sent them (feedback) and for
    # visitors without a login.
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    key = models.UUIDField()
    # The view and its URL arguments the form was sent to ("programmes:comment_create:pk=5").
    scope = models.CharField(max_length=200)
    digest = models.CharField(max_length=64)
    # Where the first send led (its redirect); empty while it is being saved.
    result_url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["key", "scope", "digest"], name="members_submission_once"
            )
        ]
        indexes = [
            # The daily purge of rows older than RESEND_KEEP_HOURS.
            models.Index(fields=["created_at"], name="members_submission_created"),
        ]

    def __str__(self) -> str:
        return f"{self.scope} · {self.created_at:%Y-%m-%d %H:%M}"
