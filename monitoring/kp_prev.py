"""KP_PREV, as PEPFAR's MER reference guide defines it: key populations reached with individual
or small-group prevention designed for them, reported for each half of the financial year
(REPORTING_YEAR_START_MONTH, October as PEPFAR's). The counting rules, each proved by a
hand-worked example in tests/monitoring/test_kp_prev.py:

1. Reached: a one-to-one or group contact, or a group activity attended, in the half-year.
   Phone and online contacts are not individual or small-group prevention sessions.
2. A person reached more than once in the half-year counts once.
3. In the second half of a financial year, people already counted in its first half are not
   counted again (the Q4 rule: the year's two reports add up to the year's people).
4. Each person has exactly one key population type, from their recorded gender identity:
   trans women, trans men, non-binary people and people of another identity are TG, men MSM,
   women and people who preferred not to say FSW. This registry holds sex workers only: people
   who inject drugs and people in prisons are not recorded as such, and those lines are 0.
5. Within each type, each person has exactly one testing status: known positive (ever referred
   to HIV treatment, by the end of the half-year); else newly tested or referred for testing (an
   HIV test referral made, or an HIV self-test kit given, in the half-year); else declined
   testing or referral (offered at every contact by the programme's protocol, not taken up).
   So the statuses add up to each type and the types to the total.

Only counts leave this module, never a person."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from common.periods import Period, last_of_month, months_later
from members.models import GenderIdentity, Person
from outreach.models import Attendance, Contact, Referral, Service

FSW, MSM, TG, PWID, PRISONS = "FSW", "MSM", "TG", "PWID", "PRISONS"
TYPES = {
    FSW: _("Female sex workers"),
    MSM: _("Men who have sex with men"),
    TG: _("Transgender people"),
    PWID: _("People who inject drugs"),
    PRISONS: _("People in prisons and other closed settings"),
}
KNOWN_POSITIVE, TESTED, DECLINED = "known_positive", "tested_or_referred", "declined"
TESTING = {
    KNOWN_POSITIVE: _("Known positive"),
    TESTED: _("Newly tested or referred for testing"),
    DECLINED: _("Declined testing or referral"),
}
INDIVIDUAL_OR_SMALL_GROUP = (Contact.Kind.ONE_TO_ONE, Contact.Kind.GROUP)
GENDER_TYPE = {
    GenderIdentity.WOMAN: FSW,
    GenderIdentity.MAN: MSM,
    GenderIdentity.TRANS_WOMAN: TG,
    GenderIdentity.TRANS_MAN: TG,
    GenderIdentity.NON_BINARY: TG,
    GenderIdentity.OTHER: TG,
}


def key_population(gender_identity: str) -> str:
    """Rule 4: one type per person."""
    return GENDER_TYPE.get(gender_identity, FSW)  # type: ignore[call-overload]


def _six_months(first: date) -> Period:
    return Period(first, last_of_month(months_later(first, 5)))


@dataclass(frozen=True)
class HalfYear:
    first: date  # its first day
    second: bool  # the second half of its financial year

    @property
    def period(self) -> Period:
        return _six_months(self.first)

    @property
    def first_half(self) -> Period:
        """The first half of the same financial year (this one, for a first half)."""
        return _six_months(months_later(self.first, -6) if self.second else self.first)


def half_year(day: date) -> HalfYear:
    """The half of the financial year that holds `day`."""
    month = settings.REPORTING_YEAR_START_MONTH
    start = date(day.year if day.month >= month else day.year - 1, month, 1)
    second = months_later(start, 6) <= day
    return HalfYear(months_later(start, 6) if second else start, second)


def last_half_years(today: date, count: int) -> list[HalfYear]:
    """The half-year before the one holding `today`, and the ones before it: the reports due."""
    current = half_year(today).first
    return [half_year(months_later(current, -6 * n)) for n in range(1, count + 1)]


@dataclass(frozen=True)
class KpPrev:
    half: HalfYear
    cells: dict[tuple[str, str], int]  # (type, testing status) -> people

    @property
    def total(self) -> int:
        return sum(self.cells.values())

    def by_type(self, kind: str) -> int:
        return sum(n for (t, _status), n in self.cells.items() if t == kind)


def _reached(period: Period) -> set[int]:
    """Rules 1 and 2: everyone reached in `period`, once (two queries)."""
    first, last = period.first, period.last
    contacts = Contact.objects.filter(
        contacted_on__gte=first, contacted_on__lte=last, kind__in=INDIVIDUAL_OR_SMALL_GROUP
    ).values_list("person_id", flat=True)
    attended = Attendance.objects.filter(
        activity__held_on__gte=first, activity__held_on__lte=last
    ).values_list("person_id", flat=True)
    return set(contacts) | set(attended)


def kp_prev(half: HalfYear) -> KpPrev:
    """The report for a half-year: eight queries, whatever the number of people."""
    period = half.period
    counted = _reached(period)
    if half.second:
        counted -= _reached(half.first_half)  # rule 3
    people = Person.objects.filter(pk__in=counted).values_list("pk", "gender_identity")
    positive = set(
        Referral.objects.filter(
            person_id__in=counted, service=Service.ART, made_on__lte=period.last
        ).values_list("person_id", flat=True)
    )
    tested = set(
        Referral.objects.filter(
            person_id__in=counted,
            service=Service.HIV_TEST,
            made_on__gte=period.first,
            made_on__lte=period.last,
        ).values_list("person_id", flat=True)
    ) | set(
        Contact.objects.filter(
            person_id__in=counted,
            self_test_kits__gt=0,
            contacted_on__gte=period.first,
            contacted_on__lte=period.last,
        ).values_list("person_id", flat=True)
    )
    cells: Counter[tuple[str, str]] = Counter()
    for pk, gender in people:
        status = KNOWN_POSITIVE if pk in positive else TESTED if pk in tested else DECLINED
        cells[(key_population(gender), status)] += 1  # rule 5
    every = {(t, s): cells.get((t, s), 0) for t in TYPES for s in TESTING}
    return KpPrev(half, every)
