"""The programme's indicators (SPEC "Indicators", definitions in reference/mission.md B), one
function per indicator, each taking a Period and Filters and returning a Figure. Every function
aggregates in the database, so its query count does not grow with the data; the registry at the
end names each one and says in plain words what is counted, for the dashboard and the export."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from django.conf import settings
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Coalesce, Greatest
from django.utils.translation import gettext_lazy as _

from common.periods import Period
from members import staffing
from members.models import Employment, Hotspot
from monitoring.models import Complaint, Feedback, Place, Rating
from outreach import rules as outreach_rules
from outreach.indicators_contacts import goods_given, in_period
from outreach.indicators_referrals import completion_rates
from outreach.models import Attendance, Contact, GroupActivity, Referral
from outreach.rules import ACTIVE_DAYS, CASELOAD_TARGET, NOT_SEEN_DAYS
from outreach.selectors_hotspots import WITHIN, active_people, caseloads, estimates_for
from programmes.indicators import members_in_planning, share_of_spending_on_voted_priorities
from programmes.models import BudgetLine, Need, Round, SignUp, Stage

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

M = TypeVar("M", bound=Model)

# Hotspots reached below this share of their size estimate are listed on the dashboard.
COVERAGE_ALERT = 0.5
# How a group's counts are protected in exports (common.suppression):
# COUNT: the numerator is a count of people; SHARE: numerator and denominator both are.
COUNT, SHARE = "count", "share"


@dataclass(frozen=True)
class Filters:
    """Optional narrowing of the figures; empty means everyone."""

    hotspot_ids: tuple[int, ...] = ()
    typology: str = ""
    worker_id: int | None = None
    age_band: str = ""


@dataclass(frozen=True)
class Group:
    """One line of a breakdown: a hotspot, a place, a worker, a commodity..."""

    label: str
    numerator: int | Decimal | None
    denominator: int | Decimal | None = None
    # For labels the application translates (GOODS): the key to find the label again.
    key: str = ""

    @property
    def value(self) -> float | None:
        return ratio(self.numerator, self.denominator)


@dataclass(frozen=True)
class Figure:
    value: float | int | Decimal | None
    numerator: int | Decimal | None = None
    denominator: int | Decimal | None = None
    groups: tuple[Group, ...] = ()
    # None: not people (goods, hotspots, money), shown as they are.
    protects: str | None = None
    recorded: bool = True


def ratio(numerator: int | Decimal | None, denominator: int | Decimal | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return float(numerator) / float(denominator)


def _share(
    numerator: int | Decimal,
    denominator: int | Decimal,
    *,
    groups: tuple[Group, ...] = (),
    protects: str | None = None,
) -> Figure:
    return Figure(ratio(numerator, denominator), numerator, denominator, groups, protects)


def _end(period: Period) -> date:
    return period.last or date.today()


# --- Scoping -----------------------------------------------------------------------------------


def contacts_for(filters: Filters) -> QuerySet[Contact]:
    contacts = Contact.objects.order_by()
    if filters.hotspot_ids:
        contacts = contacts.filter(hotspot_id__in=filters.hotspot_ids)
    if filters.typology:
        contacts = contacts.filter(hotspot__typology=filters.typology)
    if filters.worker_id:
        contacts = contacts.filter(worker_id=filters.worker_id)
    if filters.age_band:
        contacts = contacts.filter(person__age_band=filters.age_band)
    return contacts


def hotspots_for(filters: Filters) -> QuerySet[Hotspot]:
    hotspots = Hotspot.objects.filter(is_active=True).only("name", "typology").order_by("name")
    if filters.hotspot_ids:
        hotspots = hotspots.filter(pk__in=filters.hotspot_ids)
    if filters.typology:
        hotspots = hotspots.filter(typology=filters.typology)
    if filters.worker_id:
        hotspots = hotspots.filter(assignments__worker_id=filters.worker_id).distinct()
    return hotspots


def _referrals_for(filters: Filters) -> QuerySet[Referral]:
    referrals = Referral.objects.order_by()
    if filters.hotspot_ids:
        referrals = referrals.filter(person__hotspot_id__in=filters.hotspot_ids)
    if filters.typology:
        referrals = referrals.filter(person__hotspot__typology=filters.typology)
    if filters.worker_id:
        referrals = referrals.filter(made_by_id=filters.worker_id)
    if filters.age_band:
        referrals = referrals.filter(person__age_band=filters.age_band)
    return referrals


def _dated(queryset: QuerySet[M], field_name: str, period: Period) -> QuerySet[M]:
    if period.first is not None:
        queryset = queryset.filter(**{f"{field_name}__gte": period.first})
    if period.last is not None:
        queryset = queryset.filter(**{f"{field_name}__lte": period.last})
    return queryset


def reporting_year_start(day: date) -> date:
    """The first day of the reporting year that holds `day` (October by default, as PEPFAR)."""
    month = settings.REPORTING_YEAR_START_MONTH
    year = day.year if day.month >= month else day.year - 1
    return date(year, month, 1)


# --- Coverage ----------------------------------------------------------------------------------


def one_to_one(period: Period, filters: Filters) -> QuerySet[Contact]:
    return in_period(contacts_for(filters), period).filter(kind=Contact.Kind.ONE_TO_ONE)


def coverage(period: Period, filters: Filters) -> Figure:
    """Four queries: the hotspots, their estimates, people per hotspot and people overall."""
    hotspots = list(hotspots_for(filters))
    estimates = estimates_for(hotspots, _end(period))
    # Only the hotspots listed: people reached elsewhere (an inactive hotspot) would otherwise
    # show as the overall minus the lines, a count no suppression protects.
    contacts = one_to_one(period, filters).filter(hotspot_id__in=[h.pk for h in hotspots])
    reached = dict(
        contacts.values("hotspot_id")
        .annotate(n=Count("person", distinct=True))
        .values_list("hotspot_id", "n")
    )
    overall = contacts.aggregate(n=Count("person", distinct=True))["n"]
    groups = tuple(
        Group(
            h.name,
            reached.get(h.pk, 0),
            estimates[h.pk].number if h.pk in estimates else None,
        )
        for h in hotspots
    )
    estimated = sum(e.number for e in estimates.values())
    return Figure(ratio(overall, estimated), overall, estimated or None, groups, COUNT)


def hotspots_below_alert(figure: Figure) -> list[Group]:
    """Hotspots of a coverage figure reached below COVERAGE_ALERT of their estimate."""
    return [g for g in figure.groups if g.value is not None and g.value < COVERAGE_ALERT]


def hotspots_not_reached(period: Period, filters: Filters) -> Figure:
    """One query: active hotspots with no contact in the NOT_SEEN_DAYS days up to the end."""
    end = _end(period)
    hotspots = hotspots_for(filters).annotate(
        last_contact=Max("contacts__contacted_on", filter=Q(contacts__contacted_on__lte=end))
    )
    since = end - timedelta(days=NOT_SEEN_DAYS)
    rows = list(hotspots.values_list("name", "last_contact"))
    quiet = tuple(Group(name, None) for name, last in rows if last is None or last <= since)
    return Figure(len(quiet), len(quiet), len(rows), quiet)


def caseload(period: Period, filters: Filters) -> Figure:
    """Three queries (selectors_hotspots.caseloads): workers within the feasible range."""
    loads = caseloads(_end(period))
    if filters.worker_id:
        loads = [c for c in loads if c.worker.pk == filters.worker_id]
    groups = tuple(Group(c.worker.username, c.active_people, CASELOAD_TARGET) for c in loads)
    within = sum(c.band == WITHIN for c in loads)
    return _share(within, len(loads), groups=groups)


# --- Reach and active --------------------------------------------------------------------------


def reach(period: Period, filters: Filters) -> Figure:
    """One query: different people with a contact from the reporting year's start to the end
    of the period, each counted once (at their first contact of the year)."""
    end = _end(period)
    year = Period(reporting_year_start(end), end)
    n = in_period(contacts_for(filters), year).aggregate(n=Count("person", distinct=True))["n"]
    return Figure(n, n, None, protects=COUNT)


def active(period: Period, filters: Filters) -> Figure:
    """One query: people with a contact in the ACTIVE_DAYS days up to the period's end, still
    active in their record (selectors_hotspots.active_people)."""
    end = _end(period)
    window = Period(end - timedelta(days=ACTIVE_DAYS - 1), end)
    recent = in_period(contacts_for(filters), window).filter(person=OuterRef("pk"))
    n = active_people(end).filter(Exists(recent)).count()
    return Figure(n, n, None, protects=COUNT)


# --- Condom adequacy ---------------------------------------------------------------------------


def _given() -> CombinedExpression:
    return F("male_condoms") + F("female_condoms")


def _need() -> Greatest:
    # outreach.rules.monthly_need in SQL, over contacts with a known need (_with_known_need).
    month_of_clients = Coalesce("weekly_acts", 0) * outreach_rules.WEEKS_PER_MONTH
    return Greatest(Coalesce("stated_monthly_need", 0), month_of_clients)


def _with_known_need(period: Period, filters: Filters) -> QuerySet[Contact]:
    return in_period(contacts_for(filters), period).filter(
        Q(stated_monthly_need__isnull=False) | Q(weekly_acts__isnull=False)
    )


def condom_adequacy(period: Period, filters: Filters) -> Figure:
    """One query: condoms given / condoms needed, over the contacts with a known need."""
    totals = _with_known_need(period, filters).aggregate(
        given=Coalesce(Sum(_given()), 0), need=Coalesce(Sum(_need()), 0)
    )
    return Figure(ratio(totals["given"], totals["need"]), totals["given"], totals["need"] or None)


def people_given_their_need(period: Period, filters: Filters) -> Figure:
    """Two queries: people given at least their largest known need in the period, out of the
    people with a known need."""
    people = (
        _with_known_need(period, filters)
        .values("person")
        .annotate(given=Sum(_given()), need=Max(_need(), output_field=IntegerField()))
    )
    return _share(people.filter(given__gte=F("need")).count(), people.count(), protects=SHARE)


# --- Quality -----------------------------------------------------------------------------------

QUESTIONS = (
    ("respect", _("Respect")),
    ("confidentiality", _("Kept private")),
    ("waiting_time", _("Waiting time")),
)


def feedback_good(period: Period, filters: Filters) -> Figure:
    """Two queries: answers "good" out of answers given, to the three questions together; by
    place and partner, and by question."""
    feedback = _dated(Feedback.objects.order_by(), "given_on", period)
    if filters.hotspot_ids:
        feedback = feedback.filter(hotspot_id__in=filters.hotspot_ids)
    counts = {}
    for name, _label in QUESTIONS:
        counts[f"{name}_good"] = Count("pk", filter=Q(**{name: Rating.GOOD}))
        counts[f"{name}_answered"] = Count(name)
    overall = feedback.aggregate(**counts)
    places = dict(Place.choices)
    groups = [
        Group(str(label), overall[f"{name}_good"], overall[f"{name}_answered"])
        for name, label in QUESTIONS
    ]
    rows = feedback.values("place", "partner__name").annotate(**counts).order_by("place")
    for row in rows:
        label = row["partner__name"] or str(places.get(row["place"], row["place"]))
        groups.append(Group(label, *_good_and_answered(row)))
    return _share(*_good_and_answered(overall), groups=tuple(groups))


def _good_and_answered(counted: Mapping[str, Any]) -> tuple[int, int]:
    """The three questions' counts of "good" and of answers in one row, added up. (The values
    are Any: the counts are named at run time, so no type lists them.)"""
    good = sum(counted[f"{name}_good"] for name, _label in QUESTIONS)
    answered = sum(counted[f"{name}_answered"] for name, _label in QUESTIONS)
    return good, answered


def referral_completion(period: Period, filters: Filters) -> Figure:
    """One query (three columns per referral made in the period): completion within 7, 14 and
    28 days by outreach.indicators_referrals; the headline is the 28-day window."""
    rows = _dated(_referrals_for(filters), "made_on", period).only(
        "partner_id", "made_on", "attended_on"
    )
    windows = completion_rates(rows, as_of=_end(period))
    groups = tuple(
        Group(
            str(_("Within %(days)d days") % {"days": w.days}),
            w.overall.numerator,
            w.overall.denominator,
        )
        for w in windows
    )
    last = windows[-1].overall
    return _share(last.numerator, last.denominator, groups=groups, protects=SHARE)


def complaints(period: Period, filters: Filters) -> Figure:
    """One query: complaints closed in the period, out of complaints raised in it."""
    raised = _dated(Complaint.objects.order_by(), "raised_on", period)
    totals = raised.aggregate(
        raised=Count("pk"), closed=Count("pk", filter=Q(status=Complaint.Status.CLOSED))
    )
    return _share(totals["closed"], totals["raised"])


# --- Engagement --------------------------------------------------------------------------------


def turnout(period: Period, filters: Filters) -> Figure:
    """One query: voters / members on the roll of the last round counted by the period's end."""
    last = (
        Round.objects.filter(status=Round.Status.COUNTED, closes_at__date__lte=_end(period))
        .annotate(on_roll=Count("roll"), voted=Count("roll", filter=Q(roll__has_voted=True)))
        .order_by("-closes_at")
        .values("title", "on_roll", "voted")
        .first()
    )
    if last is None:
        return Figure(None)
    return _share(last["voted"], last["on_roll"], groups=(Group(last["title"], last["voted"]),))


def needs_submitted(period: Period, filters: Filters) -> Figure:
    """One query: needs members raised in the period."""
    n = _dated(Need.objects.order_by(), "created_at__date", period).count()
    return Figure(n, n)


def planning(period: Period, filters: Filters) -> Figure:
    """Three queries: members on a stage's committee during the period, or signed up to help by
    its end (programmes.indicators)."""
    end = _end(period)
    stages = Stage.objects.filter(Q(starts_on__isnull=True) | Q(starts_on__lte=end))
    if period.first is not None:
        stages = stages.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=period.first))
    sign_ups = SignUp.objects.filter(created_at__date__lte=end).only("member_id")
    n = members_in_planning(stages.prefetch_related("committee").only("pk"), sign_ups)
    return Figure(n, n, protects=COUNT)


def spending_traceable(period: Period, filters: Filters) -> Figure:
    """One query: money of budget lines serving a voted priority, out of all budgeted money."""
    lines = BudgetLine.objects.only("amount", "priority_id")
    traceable, total, share = share_of_spending_on_voted_priorities(lines)
    return Figure(share, traceable, total or None)


# --- Cohesion ----------------------------------------------------------------------------------


def _activities(period: Period, filters: Filters) -> QuerySet[GroupActivity]:
    activities = _dated(GroupActivity.objects.order_by(), "held_on", period)
    if filters.hotspot_ids:
        activities = activities.filter(hotspot_id__in=filters.hotspot_ids)
    if filters.worker_id:
        activities = activities.filter(facilitator_id=filters.worker_id)
    return activities


def activities_held(period: Period, filters: Filters) -> Figure:
    """One query: activities held in the period, by kind (as outreach.indicators_groups)."""
    kinds = dict(GroupActivity.Kind.choices)
    rows = _activities(period, filters).values("kind").annotate(n=Count("pk")).order_by("kind")
    groups = tuple(Group(str(kinds.get(r["kind"], r["kind"])), r["n"]) for r in rows)
    n = sum(g.numerator or 0 for g in groups)
    return Figure(n, n, None, groups)


def people_attending(period: Period, filters: Filters) -> Figure:
    """One query: different registered people at one or more activities held in the period."""
    attendance = Attendance.objects.filter(activity__in=_activities(period, filters))
    n = attendance.aggregate(n=Count("person", distinct=True))["n"]
    return Figure(n, n, protects=COUNT)


# --- Acceptance --------------------------------------------------------------------------------


def would_recommend(period: Period, filters: Filters) -> Figure:
    """One query: "would tell a friend to go" out of those who answered."""
    feedback = _dated(Feedback.objects.order_by(), "given_on", period)
    if filters.hotspot_ids:
        feedback = feedback.filter(hotspot_id__in=filters.hotspot_ids)
    totals = feedback.aggregate(
        yes=Count("pk", filter=Q(would_recommend=True)), answered=Count("would_recommend")
    )
    return _share(totals["yes"], totals["answered"])


def reached_again(period: Period, filters: Filters) -> Figure:
    """One query: people with a contact in the period followed by another one within 90 days,
    out of the people with a contact in the period."""
    contacts = in_period(contacts_for(filters), period)
    later = Contact.objects.filter(
        person=OuterRef("person"),
        contacted_on__gt=OuterRef("contacted_on"),
        contacted_on__lte=OuterRef("contacted_on") + timedelta(days=ACTIVE_DAYS),
    )
    totals = contacts.aggregate(
        people=Count("person", distinct=True),
        again=Count("person", distinct=True, filter=Exists(later)),
    )
    return _share(totals["again"], totals["people"], protects=SHARE)


def brought_by_peers(period: Period, filters: Filters) -> Figure:
    """Not recorded anywhere yet: shown as such rather than guessed."""
    return Figure(None, recorded=False)


# --- Relationships, staffing, goods ------------------------------------------------------------


def referrals_by_partner(period: Period, filters: Filters) -> Figure:
    """One query: referrals made in the period and attended, per partner."""
    rows = (
        _dated(_referrals_for(filters), "made_on", period)
        .values("partner__name")
        .annotate(made=Count("pk"), attended=Count("pk", filter=Q(attended_on__isnull=False)))
        .order_by("partner__name")
    )
    groups = tuple(Group(r["partner__name"], r["attended"], r["made"]) for r in rows)
    attended = sum(g.numerator or 0 for g in groups)
    made = sum(g.denominator or 0 for g in groups)
    return _share(attended, made, groups=groups, protects=SHARE)


def _employment(period: Period) -> list[Employment]:
    end = _end(period)
    first = date(end.year, end.month, 1)
    return list(
        Employment.objects.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=first)).filter(
            started_on__lte=end
        )
    )


def community_posts(period: Period, filters: Filters) -> Figure:
    """One query: outreach and supervisory posts held by community members in the period's
    last month (members.staffing)."""
    share = staffing.community_share(_employment(period), _end(period))
    return _share(share.numerator, share.denominator)


def paid_posts(period: Period, filters: Filters) -> Figure:
    """One query: outreach and supervisory posts that are paid, in the period's last month."""
    share = staffing.paid_share(_employment(period), _end(period))
    return _share(share.numerator, share.denominator)


GOODS_LABELS = {
    "male_condoms": _("Male condoms"),
    "female_condoms": _("Female condoms"),
    "lubricant": _("Lubricant"),
    "self_test_kits": _("HIV self-test kits"),
}


def goods(period: Period, filters: Filters) -> Figure:
    """One query: each commodity given in the period, counted on its own."""
    given = goods_given(contacts_for(filters), period)
    groups = tuple(Group(str(GOODS_LABELS[name]), n, key=name) for name, n in given.items())
    return Figure(None, None, None, groups)


# --- Registry ----------------------------------------------------------------------------------

COVERAGE, REACH, QUALITY, ENGAGEMENT, COHESION, ACCEPTANCE = (
    "coverage",
    "reach",
    "quality",
    "engagement",
    "cohesion",
    "acceptance",
)
RELATIONSHIPS, STAFFING, GOODS = "relationships", "staffing", "goods"

AREAS = {
    COVERAGE: _("Coverage"),
    QUALITY: _("Quality"),
    ENGAGEMENT: _("Engagement"),
    COHESION: _("Cohesion"),
    ACCEPTANCE: _("Acceptance"),
    REACH: _("Reach and adequacy"),
    RELATIONSHIPS: _("Relationships"),
    STAFFING: _("Staffing"),
    GOODS: _("Goods given"),
}
# The five areas of SWIT Table 1.1 first, goods last: never the headline.
AREA_ORDER = list(AREAS)
HEADLINE_AREAS = AREA_ORDER[:5]

ALL = ("hotspot", "typology", "worker", "age_band")
PLACES = ("hotspot",)
NONE: tuple[str, ...] = ()


@dataclass(frozen=True)
class Indicator:
    slug: str
    # Lazy: translated when shown, in the language of whoever reads it.
    name: StrOrPromise
    area: str
    definition: StrOrPromise
    groupings: tuple[str, ...]
    function: Callable[[Period, Filters], Figure]
    percent: bool = True


REGISTRY: list[Indicator] = [
    Indicator(
        "coverage",
        _("Coverage"),
        COVERAGE,
        _(
            "Different people with a one-to-one contact in the period, divided by the size "
            "estimates valid on its last day; per hotspot and overall."
        ),
        ALL,
        coverage,
    ),
    Indicator(
        "not_reached",
        _("Hotspots with no contact in 30 days"),
        COVERAGE,
        _("Active hotspots with no contact in the 30 days up to the period's last day."),
        ("hotspot", "typology", "worker"),
        hotspots_not_reached,
        percent=False,
    ),
    Indicator(
        "caseload",
        _("Workers within the caseload range"),
        COVERAGE,
        _(
            "Outreach workers whose active people number 35 to 65 (about 50 is the target), "
            "out of all outreach workers, on the period's last day."
        ),
        ("worker",),
        caseload,
    ),
    Indicator(
        "feedback_good",
        _("Feedback: good"),
        QUALITY,
        _(
            "Answers 'good' to respect, privacy and waiting time, out of the answers "
            "given in the period; by place and partner."
        ),
        PLACES,
        feedback_good,
    ),
    Indicator(
        "referral_completion",
        _("Referrals completed"),
        QUALITY,
        _(
            "Referrals made in the period and attended within 7, 14 and 28 days, out of those "
            "whose window was over by its last day; the figure is the 28-day window."
        ),
        ALL,
        referral_completion,
    ),
    Indicator(
        "complaints",
        _("Complaints closed"),
        QUALITY,
        _("Complaints raised in the period that are now closed, out of those raised."),
        NONE,
        complaints,
    ),
    Indicator(
        "turnout",
        _("Turnout in the last priority round"),
        ENGAGEMENT,
        _(
            "Members who voted in the last round counted by the period's end, out of the "
            "members on its roll."
        ),
        NONE,
        turnout,
    ),
    Indicator(
        "needs",
        _("Needs submitted"),
        ENGAGEMENT,
        _("Needs members raised in the period."),
        NONE,
        needs_submitted,
        percent=False,
    ),
    Indicator(
        "planning",
        _("Members in planning"),
        ENGAGEMENT,
        _(
            "Different members on a programme stage's committee during the period or signed up "
            "to help by its end."
        ),
        NONE,
        planning,
        percent=False,
    ),
    Indicator(
        "spending",
        _("Spending on voted priorities"),
        ENGAGEMENT,
        _("Money of budget lines serving a voted priority, out of all budgeted money."),
        NONE,
        spending_traceable,
    ),
    Indicator(
        "activities",
        _("Group activities held"),
        COHESION,
        _("Group activities held in the period, by kind."),
        ("hotspot", "worker"),
        activities_held,
        percent=False,
    ),
    Indicator(
        "attending",
        _("People attending an activity"),
        COHESION,
        _("Different registered people at one or more group activities held in the period."),
        ("hotspot", "worker"),
        people_attending,
        percent=False,
    ),
    Indicator(
        "would_recommend",
        _("Would recommend"),
        ACCEPTANCE,
        _("Feedback answering yes to 'would you tell a friend to go', out of answers."),
        PLACES,
        would_recommend,
    ),
    Indicator(
        "reached_again",
        _("Reached again within 90 days"),
        ACCEPTANCE,
        _(
            "Different people with a contact in the period followed by another contact within "
            "90 days, out of the people with a contact in the period."
        ),
        ALL,
        reached_again,
    ),
    Indicator(
        "brought_by_peers",
        _("Brought by peers"),
        ACCEPTANCE,
        _("People who came because a peer brought them: not recorded yet."),
        NONE,
        brought_by_peers,
        percent=False,
    ),
    Indicator(
        "reach",
        _("Reach this reporting year"),
        REACH,
        _(
            "Different people with a contact from the start of the reporting year to the "
            "period's last day, each counted once, at their first contact of the year."
        ),
        ALL,
        reach,
        percent=False,
    ),
    Indicator(
        "active",
        _("Active people"),
        REACH,
        _("People with a contact in the 90 days up to the period's last day."),
        ALL,
        active,
        percent=False,
    ),
    Indicator(
        "condom_adequacy",
        _("Condom adequacy"),
        REACH,
        _(
            "Condoms given, out of condoms needed (the larger of the stated monthly need and "
            "clients a week times 4), over contacts in the period with a known need."
        ),
        ALL,
        condom_adequacy,
    ),
    Indicator(
        "given_need",
        _("People given their need"),
        REACH,
        _(
            "Different people given at least their condom need in the period, out of the "
            "people with a known need."
        ),
        ALL,
        people_given_their_need,
    ),
    Indicator(
        "referrals_by_partner",
        _("Referrals attended, per partner"),
        RELATIONSHIPS,
        _("Referrals made in the period that were attended, out of those made; per partner."),
        ALL,
        referrals_by_partner,
    ),
    Indicator(
        "community_posts",
        _("Posts held by community members"),
        STAFFING,
        _(
            "Outreach and supervisory posts held by sex workers in the period's last month, "
            "out of all such posts."
        ),
        NONE,
        community_posts,
    ),
    Indicator(
        "paid_posts",
        _("Posts that are paid"),
        STAFFING,
        _("Outreach and supervisory posts that are paid in the period's last month."),
        NONE,
        paid_posts,
    ),
    Indicator(
        "goods",
        _("Goods given"),
        GOODS,
        _("Male condoms, female condoms, lubricant and self-test kits given in the period."),
        ALL,
        goods,
        percent=False,
    ),
]


# The dashboard shows this many lines of a breakdown (1,000 hotspots made a 400 KB page that took
# 130 ms to render); the download holds every line.
GROUPS_SHOWN = 10


@dataclass
class Row:
    indicator: Indicator
    figure: Figure

    @property
    def groups_shown(self) -> tuple[Group, ...]:
        return self.figure.groups[:GROUPS_SHOWN]

    @property
    def groups_hidden(self) -> int:
        return max(len(self.figure.groups) - GROUPS_SHOWN, 0)

    @property
    def display(self) -> str:
        """The figure as the dashboard prints it: a whole percent or a number."""
        value = self.figure.value
        if value is None:
            return "\u2014"
        if self.indicator.percent:
            return f"{round(100 * float(value))}\u00a0%"
        return str(value)


@dataclass
class Area:
    slug: str
    name: str
    rows: list[Row] = field(default_factory=list)


def compute_figures(period: Period, filters: Filters) -> dict[str, Figure]:
    """Every indicator of the registry, by slug."""
    return {indicator.slug: indicator.function(period, filters) for indicator in REGISTRY}


def arrange(figures: dict[str, Figure]) -> list[Area]:
    """The figures grouped by area in the dashboard's order, named in the current language."""
    areas = {slug: Area(slug, str(name)) for slug, name in AREAS.items()}
    for indicator in REGISTRY:
        if indicator.slug in figures:
            areas[indicator.area].rows.append(Row(indicator, figures[indicator.slug]))
    return [areas[slug] for slug in AREA_ORDER if areas[slug].rows]


def compute_all(period: Period, filters: Filters) -> list[Area]:
    """Every indicator of the registry, grouped by area in the dashboard's order."""
    return arrange(compute_figures(period, filters))
