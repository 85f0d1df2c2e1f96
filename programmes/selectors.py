"""The reads of programmes' pages, each named for what it returns. Who may see what is decided in
programmes.access and these build on it. Those that fetch more than a row or a count say how many
queries they cost: the pages' query counts (tests/programmes) add them up."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    Model,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce

from members.models import Consent, User
from members.roles import Viewer
from programmes import rules, tally
from programmes.access import (
    comments_visible_to,
    needs_visible_to,
    programmes_visible_to,
    rounds_visible_to,
)
from programmes.models import (
    BudgetLine,
    Comment,
    Follow,
    Need,
    NeedQuerySet,
    Option,
    Programme,
    ProgrammeActivity,
    Result,
    RollEntry,
    Round,
    ShareGiven,
    SignUp,
    Stage,
    Support,
    Teller,
    Tracker,
    Update,
)

M = TypeVar("M", bound=Model)


def _count(rows: QuerySet[M], per: str) -> Coalesce:
    """The number of `rows` (filtered on OuterRef("pk")) for each `per`, as a subquery: two
    counts side by side do not multiply each other as two joins would."""
    counted = rows.order_by().values(per).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


# --- Needs -----------------------------------------------------------------------------------


def needs_for_list(viewer: Viewer, *, statuses: Iterable[str], category: str) -> NeedQuerySet:
    """The needs of the list with these statuses (and `category`, if given) that the viewer may
    see, with their counts and author, most supported first: one query a page."""
    needs = (
        needs_visible_to(viewer)
        .filter(status__in=statuses)
        .with_counts(viewer)
        .select_related("author")
    )
    if category:
        needs = needs.filter(category=category)
    return needs.order_by(F("support_count").desc(), "-created_at", "-pk")


def need_comments(viewer: Viewer, need: Need) -> list[Comment]:
    """The comments on `need` the viewer may see, with their authors: one query."""
    return list(comments_visible_to(viewer).filter(need=need).select_related("author"))


def supports_in_use(member: User) -> int:
    """How many of their supports a member has on needs still being discussed (the others are
    free again): one query."""
    return Support.objects.filter(member=member, need__status__in=rules.NEED_ACTIVE).count()


# --- Priority rounds: members ----------------------------------------------------------------


def rounds_for_member(member: User) -> list[Round]:
    """The latest rounds the member may see, each with its turnout (a count only, R6) and
    whether this member is on its roll and has voted: one query however many rounds."""
    mine = RollEntry.objects.filter(round=OuterRef("pk"), member=member)
    return list(
        rounds_visible_to(member)
        .annotate(
            turnout=Count("roll", filter=Q(roll__has_voted=True)),
            on_roll=Exists(mine),
            voted=Exists(mine.filter(Q(has_voted=True) | Q(voted_in_person=True))),
        )
        .order_by("-closes_at", "-pk")[:50]
    )


def roll_entry(round_: Round, member: User) -> RollEntry | None:
    return RollEntry.objects.filter(round=round_, member=member).first()


def has_voted(round_: Round, member: User) -> bool:
    """Whether the member voted in the round, online or on paper at a meeting."""
    return RollEntry.objects.filter(
        Q(has_voted=True) | Q(voted_in_person=True), round=round_, member=member
    ).exists()


def round_options(round_: Round, *, with_needs: bool = False) -> list[Option]:
    """The round's options in ballot order, with the need of each if asked: one query."""
    options = round_.options.select_related("need") if with_needs else round_.options.all()
    return list(options)


def option_count(round_: Round) -> int:
    return round_.options.count()


def roll_size(round_: Round) -> int:
    return round_.roll.count()


def trackers(round_: Round) -> list[str]:
    """Every ballot tracker of the counted round, sorted, without any choice (R9): one query."""
    return list(Tracker.objects.filter(round=round_).values_list("code", flat=True))


def tellers(round_: Round) -> list[Teller]:
    """The round's tellers in share order, with their logins: one query."""
    return list(Teller.objects.filter(round=round_).select_related("user"))


def round_eligible_members() -> QuerySet[User]:
    """Who goes on the roll when a round opens: active members whose own record is neither
    erased nor merged away and who gave voting consent (members.services.has_consent, as one
    subquery, so opening costs the same few queries for ten or ten thousand members)."""
    voting = Consent.objects.filter(
        person=OuterRef("person__pk"), purpose=Consent.Purpose.VOTING, withdrawn_at__isnull=True
    )
    return User.objects.filter(
        Exists(voting),
        is_active=True,
        is_member=True,
        person__isnull=False,
        person__erased_at__isnull=True,
        person__merged_into__isnull=True,
    )


def eligible_count() -> int:
    """How many members would be on a round's list of voters if it opened now: one query."""
    return round_eligible_members().count()


def shares_given(round_: Round) -> int:
    """How many tellers' words are in for the count (never which, never the words)."""
    return ShareGiven.objects.filter(round=round_).count()


def tellers_with_duties() -> QuerySet[Teller]:
    """Tellers with something to do: agree before their round opens, see their words once it
    is open, enter them once it is closed (until the count), each with their round."""
    return (
        Teller.objects.filter(
            Q(round__status=Round.Status.DRAFT, accepted_at__isnull=True)
            | Q(round__status=Round.Status.OPEN, share_box__isnull=False)
            | Q(round__status=Round.Status.CLOSED, round__public_key__isnull=False)
        )
        .select_related("round")
        .order_by("round__closes_at", "pk")
    )


def teller_duties(user: User) -> list[Teller]:
    """The rounds where this person is a teller with something to do: one query."""
    return list(tellers_with_duties().filter(user=user))


def turnout_by_hotspot(round_: Round) -> list[tuple[str, int | None]]:
    """Voters by the hotspot of their record, any group under ROUND_SUBGROUP_MIN hidden with a
    complementary one (R7): one query. For coordinators only."""
    rows = (
        RollEntry.objects.filter(round=round_, has_voted=True)
        .values("member__person__hotspot__name")
        .annotate(n=Count("pk"))
    )
    counts = {row["member__person__hotspot__name"] or "": row["n"] for row in rows}
    cells = tally.turnout_cells(counts, k=rules.ROUND_SUBGROUP_MIN)
    return sorted(cells.items())


# --- Priority rounds: coordinators -----------------------------------------------------------


def _with_counts(rounds: QuerySet[Round]) -> QuerySet[Round]:
    roll = RollEntry.objects.filter(round=OuterRef("pk"))
    return rounds.annotate(
        option_count=_count(Option.objects.filter(round=OuterRef("pk")), "round"),
        roll_size=_count(roll, "round"),
        turnout=_count(roll.filter(has_voted=True), "round"),
        waiting_paper=_count(roll.filter(voted_in_person=True, has_voted=False), "round"),
    )


def rounds_for_coordinators() -> QuerySet[Round]:
    """Every round, drafts included, latest first, with its options, roll, turnout and paper
    ballots waiting counted in subqueries: one query a page."""
    return _with_counts(Round.objects.all()).order_by("-opens_at", "-pk")


def round_with_counts(round_: Round) -> Round:
    """The round fetched afresh with the counts of rounds_for_coordinators: one query."""
    return _with_counts(Round.objects.filter(pk=round_.pk))[0]


# --- "You asked, we did" ---------------------------------------------------------------------


@dataclass
class Outcome:
    option: Option
    approvals: int
    chosen: bool
    programmes: list[Programme] = field(default_factory=list)


def counted_rounds(viewer: Viewer) -> QuerySet[Round]:
    """The rounds whose results are out, latest first, with their result, their options and the
    programmes serving each that the viewer may see: three queries a page (round_outcomes
    then reads only what they fetched)."""
    programmes = (
        programmes_visible_to(viewer)
        .only("pk", "title", "status", "priority_id")
        .order_by("created_at", "pk")
    )
    options = Option.objects.prefetch_related(Prefetch("programmes", queryset=programmes))
    return (
        rounds_visible_to(viewer)
        .filter(status=Round.Status.COUNTED)
        .select_related("result")
        .prefetch_related(Prefetch("options", queryset=options))
        .order_by("-closes_at", "-pk")
    )


def round_outcomes(round_: Round, result: Result | None) -> list[Outcome]:
    """The options of a round of counted_rounds, most approvals first (then in ballot order),
    with the programmes serving each. Approvals are keyed by option id as a string, as JSON
    keeps them."""
    approvals = result.approvals if result else {}
    selected = {str(pk) for pk in (result.selected if result else [])}
    found = [
        Outcome(
            option=option,
            approvals=int(approvals.get(str(option.pk), 0)),
            chosen=str(option.pk) in selected,
            programmes=list(option.programmes.all()),
        )
        for option in round_.options.all()
    ]
    # sorted() is stable: equal approvals keep the ballot's order.
    return sorted(found, key=lambda outcome: -outcome.approvals)


# --- Programmes ------------------------------------------------------------------------------

STAGE_ORDER = list(Stage.Kind.values)


def programmes_for_list(member: User) -> QuerySet[Programme]:
    """The programmes the user may see, latest first, with their priority and its round, the
    counts of helpers and followers, and whether this user is one: one query a page."""
    return (
        programmes_visible_to(member)
        .select_related("priority__round")
        .annotate(
            helpers=_count(SignUp.objects.filter(programme=OuterRef("pk")), "programme"),
            following=_count(Follow.objects.filter(programme=OuterRef("pk")), "programme"),
            i_help=Exists(SignUp.objects.filter(programme=OuterRef("pk"), member=member)),
            i_follow=Exists(Follow.objects.filter(programme=OuterRef("pk"), member=member)),
        )
        .order_by(F("created_at").desc(), "-pk")
    )


def programme_stages(programme: Programme) -> list[Stage]:
    """The four stages in their order, each with its committee: two queries."""
    committee = User.objects.order_by("username").only("pk", "username")
    return sorted(
        programme.stages.prefetch_related(Prefetch("committee", queryset=committee)),
        key=lambda stage: STAGE_ORDER.index(stage.kind),
    )


def programme_sign_ups(programme: Programme) -> list[SignUp]:
    return list(programme.sign_ups.select_related("member").order_by("member__username"))


def programme_budget_lines(programme: Programme) -> list[BudgetLine]:
    return list(programme.budget_lines.select_related("priority__round").order_by("pk"))


def programme_activities(programme: Programme) -> QuerySet[ProgrammeActivity]:
    """Not evaluated here: the page reads it once."""
    return programme.activities.select_related("priority__round", "responsible").order_by(
        F("starts_on").asc(nulls_last=True), "pk"
    )


def programme_updates(programme: Programme) -> QuerySet[Update]:
    return programme.updates.select_related("posted_by").order_by("-posted_at", "-pk")


def programme_followers(programme: Programme, member: User) -> tuple[int, bool]:
    """How many follow the programme, and whether `member` is one of them: one query."""
    followers = Follow.objects.filter(programme=programme).aggregate(
        total=Count("pk"), mine=Count("pk", filter=Q(member=member))
    )
    return followers["total"], bool(followers["mine"])


def is_helping(programme: Programme, member: User) -> bool:
    return SignUp.objects.filter(programme=programme, member=member).exists()


def is_following(programme: Programme, member: User) -> bool:
    return Follow.objects.filter(programme=programme, member=member).exists()


def counted_options() -> QuerySet[Option]:
    """What members voted for, the only thing a programme can serve: the options of rounds whose
    results are out, latest round first."""
    return (
        Option.objects.filter(round__status=Round.Status.COUNTED)
        .select_related("round")
        .order_by("-round__closes_at", "round_id", "position", "pk")
    )


def counted_option(pk: int) -> Option | None:
    return counted_options().filter(pk=pk).first()
