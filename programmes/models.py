"""Needs the community raises, priority rounds with secret ballots, and the programmes that come
of them. The ballot design is in shared/reference/voting.md (rules R1-R15)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

    from members.roles import Viewer


class Category(models.TextChoices):
    SAFETY = "safety", _("Safety")
    RIGHTS = "rights", _("Rights and the law")
    HEALTH = "health", _("Health services")
    MONEY = "money", _("Money and work")
    HOUSING = "housing", _("Housing")
    COMMUNITY = "community", _("Community life")
    OTHER = "other", _("Something else")


# A pictogram instead of a photo for every option: nobody's picture is ever uploaded. The files are
# static/icons/<name>.svg.
class Pictogram(models.TextChoices):
    SHIELD = "shield", _("Shield")
    SCALES = "scales", _("Scales")
    HEART = "heart", _("Heart")
    COINS = "coins", _("Coins")
    HOUSE = "house", _("House")
    PEOPLE = "people", _("People together")
    PHONE = "phone", _("Phone")
    BOOK = "book", _("Book")


# --- Needs -----------------------------------------------------------------------------------


class NeedQuerySet(models.QuerySet["Need"]):
    def with_counts(self, user: Viewer) -> NeedQuerySet:
        """Supports, visible comments and whether `user` supports each need, as subqueries of
        the one query: no extra query per row, and no join that multiplies supports by
        comments."""

        def count(model: type[Support | Comment], **filters: Any) -> Coalesce:
            rows = (
                model.objects.filter(need=OuterRef("pk"), **filters)
                .order_by()
                .values("need")
                .annotate(n=Count("pk"))
                .values("n")
            )
            return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))

        return self.annotate(
            support_count=count(Support),
            comment_count=count(Comment, hidden_reason=""),
            supported=Exists(Support.objects.filter(need=OuterRef("pk"), member_id=user.pk)),
        )


class Need(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        SHORTLISTED = "shortlisted", _("Shortlisted")
        MERGED = "merged", _("Merged into another")
        HIDDEN = "hidden", _("Hidden by a moderator")
        # Its author's data was erased: the words are gone, the need still counts as raised.
        WITHDRAWN = "withdrawn", _("Withdrawn")

    title = models.CharField(_("the need, in a few words"), max_length=120)
    details = models.TextField(_("more details"), max_length=1000, blank=True)
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Set when an outreach worker wrote it down for a member, in a meeting.
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Other members do not see who raised it; coordinators do, to moderate.
    is_anonymous = models.BooleanField(_("hide my name from other members"), default=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_from"
    )
    hidden_reason = models.CharField(_("reason for hiding"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = NeedQuerySet.as_manager()

    # Set for one viewer by the needs pages (programmes.views.needs), never stored: how the
    # author is named to them, and whether a coordinator sees a name that members do not.
    byline: str
    name_hidden: bool

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        indexes = [models.Index(fields=["status", "-created_at"], name="programmes_need_status")]

    def __str__(self) -> str:
        return self.title


class Support(models.Model):
    """ "Me too": a member supports a need. Each member has a limited number of supports."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="supports")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["need", "member"], name="programmes_support_once")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} + {self.need_id}"


class Comment(models.Model):
    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("comment"), max_length=1000)
    is_anonymous = models.BooleanField(_("hide my name from other members"), default=True)
    hidden_reason = models.CharField(_("reason for hiding"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    # Set for one viewer by the need's page (programmes.views.needs), never stored.
    byline: str

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.need_id}: {self.text[:30]}"


# --- Priority rounds and secret ballots ------------------------------------------------------


class Round(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Being prepared")
        OPEN = "open", _("Open for voting")
        CLOSED = "closed", _("Closed, waiting for the tellers")
        COUNTED = "counted", _("Results published")
        VOID = "void", _("Too few votes: to be run again")

    title = models.CharField(_("title"), max_length=120)
    question = models.CharField(_("question"), max_length=200)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    max_choices = models.PositiveSmallIntegerField(_("choices per member"), default=3)
    budget = models.DecimalField(
        _("budget to share"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    min_turnout = models.PositiveIntegerField(_("minimum number of voters"), default=10)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    tellers_needed = models.PositiveSmallIntegerField(
        _("tellers needed to count"),
        default=2,
        help_text=_("The votes can only be counted when this many tellers enter their words."),
    )
    # Set when the round opens; its private key is split among the tellers and kept nowhere.
    public_key = models.BinaryField(null=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("priority round")
        verbose_name_plural = _("priority rounds")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="programmes_round_closes_after_opening",
            ),
            models.CheckConstraint(
                condition=models.Q(max_choices__gte=1), name="programmes_round_at_least_one_choice"
            ),
            models.CheckConstraint(
                condition=models.Q(tellers_needed__gte=2), name="programmes_round_two_tellers"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def tie_rule(self) -> str:
        """How equal approvals are ordered (programmes.rules.round_tie_break), in the reader's
        language: a rule of the code, the same for every round and shown before it opens, so
        nobody can pick a rule that suits a result."""
        return gettext("Equal approvals: the lower cost first, then the need raised earlier.")

    def is_voting_time(self, now: datetime | None = None) -> bool:
        now = timezone.now() if now is None else now
        return self.status == self.Status.OPEN and now < self.closes_at


class Option(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="options")
    need = models.ForeignKey(
        Need, on_delete=models.PROTECT, null=True, blank=True, related_name="options"
    )
    title = models.CharField(_("title"), max_length=120)
    plain_text = models.CharField(_("in plain words"), max_length=300, blank=True)
    pictogram = models.CharField(_("picture"), max_length=10, choices=Pictogram.choices)
    cost = models.DecimalField(_("cost"), max_digits=12, decimal_places=2, null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class RollEntry(models.Model):
    """Who may vote in a round, frozen when it opens (R1). No time, no IP, no link to any ballot:
    only whether this member has voted, online or in person, and whether they had help."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="roll")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    has_voted = models.BooleanField(default=False)
    voted_in_person = models.BooleanField(default=False)
    assisted = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "member"], name="programmes_roll_once")
        ]

    def __str__(self) -> str:
        return f"{self.round_id} · {self.member_id}"


class Teller(models.Model):
    """A member or staff member named to hold one share of a round's key (k of n). They accept
    with their password, which makes a key pair for this round from it; when the round opens,
    their share is stored sealed to that key until they see it, once, as words to write down.
    The round's private key exists nowhere: counting needs `tellers_needed` of them."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="tellers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    index = models.PositiveSmallIntegerField()  # the share's number, 1..n
    key_salt = models.BinaryField(null=True, editable=False)
    public_key = models.BinaryField(null=True, editable=False)
    accepted_at = models.DateTimeField(null=True, blank=True)
    share_box = models.BinaryField(null=True, editable=False)
    share_shown_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["index"]
        constraints = [
            models.UniqueConstraint(fields=["round", "user"], name="programmes_teller_once"),
            models.UniqueConstraint(fields=["round", "index"], name="programmes_teller_index"),
        ]

    def __str__(self) -> str:
        return f"{self.round_id} · {self.index}"


class EncryptedBallot(models.Model):
    """One member's choices, encrypted to the round's public key before anything is written
    (programmes.ballot_crypto). Nothing else: no member, no time, no receipt. The table is
    emptied with TRUNCATE when the round is counted, so its files go with it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="encrypted_ballots")
    ciphertext = models.BinaryField()

    def __str__(self) -> str:
        return "encrypted ballot"


class CountedBallot(models.Model):
    """A ballot as counted: its choices only, written once, in random order, by the count. The
    table never held a ballot before its round was counted; no tracker, time or voter."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="counted_ballots")
    choices = models.JSONField(default=list)  # option ids

    def __str__(self) -> str:
        return "ballot"  # never its content


class Tracker(models.Model):
    """A published ballot tracker: each voter finds theirs in the list of the counted round.
    Written at the count, sorted; nothing ties it to a counted ballot."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="trackers")
    code = models.CharField(max_length=12)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class ShareGiven(models.Model):
    """A teller's share entered for the count, kept until enough are in. Never more than
    `tellers_needed - 1` of them are stored (fewer than k shares say nothing about the key): the
    last one needed is used in memory and the count deletes the others."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+")
    index = models.PositiveSmallIntegerField()
    share = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "index"], name="programmes_share_once")
        ]

    def __str__(self) -> str:
        return f"{self.round_id} · {self.index}"


class Result(models.Model):
    """The count of a round, computed by programmes.tally from its counted ballots."""

    round = models.OneToOneField(Round, on_delete=models.PROTECT, related_name="result")
    approvals = models.JSONField(default=dict)  # option id -> approvals
    selected = models.JSONField(default=list)  # option ids funded by Equal Shares, in order
    ballots_counted = models.PositiveIntegerField()
    voters = models.PositiveIntegerField()
    counted_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.round} ({self.ballots_counted})"


# --- Programmes ------------------------------------------------------------------------------


class Programme(models.Model):
    """What the organization does about a voted priority, with the community at every stage."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        STOPPED = "stopped", _("Stopped")

    title = models.CharField(_("title"), max_length=120)
    goal = models.TextField(_("goal"), max_length=1000)
    priority = models.ForeignKey(
        Option,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="programmes",
        verbose_name=_("voted priority it serves"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responsible peer staff"),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self) -> str:
        return self.title

    @property
    def status_words(self) -> StrPromise:
        return STATUS_WORDS[self.status]


# What became of a priority, in the simplest words: members may read little.
STATUS_WORDS: dict[str, StrPromise] = {
    Programme.Status.PLANNED: _("We are planning it"),
    Programme.Status.RUNNING: _("We are doing it now"),
    Programme.Status.DONE: _("Done"),
    Programme.Status.STOPPED: _("Stopped"),
}


class Stage(models.Model):
    """Assessment, design, implementation, review: each records how the community took part."""

    class Kind(models.TextChoices):
        ASSESSMENT = "assessment", _("Assessment")
        DESIGN = "design", _("Design")
        IMPLEMENTATION = "implementation", _("Implementation")
        REVIEW = "review", _("Review")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="stages")
    kind = models.CharField(_("stage"), max_length=15, choices=Kind.choices)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    meetings_held = models.PositiveSmallIntegerField(_("community meetings held"), default=0)
    members_attended = models.PositiveIntegerField(_("members who attended"), default=0)
    committee = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        verbose_name=_("members on the planning committee"),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["programme", "kind"], name="programmes_stage_once")
        ]

    def __str__(self) -> str:
        return f"{self.programme} · {self.get_kind_display()}"


class ProgrammeActivity(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="activities")
    title = models.CharField(_("activity"), max_length=120)
    priority = models.ForeignKey(
        Option,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("voted priority it serves"),
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    is_done = models.BooleanField(_("done"), default=False)

    def __str__(self) -> str:
        return self.title


class BudgetLine(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="budget_lines")
    description = models.CharField(_("what the money is for"), max_length=120)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    # Empty when the spending serves no voted priority: the engagement indicator counts these.
    priority = models.ForeignKey(
        Option,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("voted priority it serves"),
    )

    def __str__(self) -> str:
        return self.description


class SignUp(models.Model):
    """ "I'll help": a member offers to take part."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="sign_ups")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["programme", "member"], name="programmes_signup_once")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} → {self.programme_id}"


class Follow(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="followers")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["programme", "member"], name="programmes_follow_once")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} follows {self.programme_id}"


class Update(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="updates")
    text = models.TextField(_("update"), max_length=2000)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    posted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-posted_at"]

    def __str__(self) -> str:
        return f"{self.programme} · {self.posted_at:%Y-%m-%d}"
