"""Partner scorecards from members' feedback: pure functions over rows already fetched, no
database. A partner with fewer answers than the small-cell minimum shows no figure at all, and a
share is shown only when at least that many people answered its question: nothing on the page is
ever computed from one to four people."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from common.suppression import small_cell_minimum
from members import staffing
from monitoring.models import Rating


class FeedbackRow(Protocol):
    """A Feedback, or anything with these fields:
    `Feedback.objects.filter(place=Place.PARTNER).only("partner", "respect", ...)`."""

    partner_id: int | None
    respect: int | None
    confidentiality: int | None
    would_recommend: bool | None


@dataclass(frozen=True)
class Share:
    """How many answered a question and how many of them gave the answer counted; `percent` is
    None when too few answered to show it."""

    answered: int
    counted: int
    minimum: int

    @property
    def shown(self) -> bool:
        return self.answered >= self.minimum

    @property
    def percent(self) -> int | None:
        if not self.shown:
            return None
        return staffing.Share(self.counted, self.answered).percent


@dataclass(frozen=True)
class Scorecard:
    partner_id: int
    answers: int
    respect_good: Share
    private_good: Share
    would_recommend: Share
    minimum: int

    @property
    def enough(self) -> bool:
        return self.answers >= self.minimum

    @property
    def shown_answers(self) -> int | None:
        """The number of answers, or None: a count of 1-4 people is itself a small cell."""
        return self.answers if self.enough else None

    def figures(self) -> list[int | None]:
        """Every figure the page may print for this partner (None for hidden ones)."""
        if not self.enough:
            return []
        shares = (self.respect_good, self.private_good, self.would_recommend)
        return [self.answers, *(share.percent for share in shares)]


def _share(values: list[bool], minimum: int) -> Share:
    return Share(answered=len(values), counted=sum(values), minimum=minimum)


def scorecards(
    rows: Iterable[FeedbackRow], partner_ids: Iterable[int], *, minimum: int | None = None
) -> list[Scorecard]:
    """One scorecard per partner in `partner_ids` (in that order), from feedback rows about
    partners. A share counts only those who answered that question: "prefer not to say" is not
    a bad answer. A partner hidden for too few answers hides all its shares too."""
    minimum = small_cell_minimum() if minimum is None else minimum
    answers: dict[int, int] = defaultdict(int)
    respect: dict[int, list[bool]] = defaultdict(list)
    private: dict[int, list[bool]] = defaultdict(list)
    recommend: dict[int, list[bool]] = defaultdict(list)
    for row in rows:
        if row.partner_id is None:
            continue
        answers[row.partner_id] += 1
        if row.respect is not None:
            respect[row.partner_id].append(row.respect == Rating.GOOD)
        if row.confidentiality is not None:
            private[row.partner_id].append(row.confidentiality == Rating.GOOD)
        if row.would_recommend is not None:
            recommend[row.partner_id].append(bool(row.would_recommend))
    cards = []
    for pk in partner_ids:
        enough = answers[pk] >= minimum
        # Below the minimum, nothing is kept: not even the shares reach the template.
        cards.append(
            Scorecard(
                partner_id=pk,
                answers=answers[pk],
                respect_good=_share(respect[pk] if enough else [], minimum),
                private_good=_share(private[pk] if enough else [], minimum),
                would_recommend=_share(recommend[pk] if enough else [], minimum),
                minimum=minimum,
            )
        )
    return cards


def small_count(count: int, *, minimum: int | None = None) -> str | None:
    """A count of people for a page anyone may read, or None when it is 1 to minimum-1: the
    template then says "fewer than N". A zero reveals nobody and is shown."""
    minimum = small_cell_minimum() if minimum is None else minimum
    return None if 0 < count < minimum else str(count)
