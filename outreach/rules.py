"""The programme's rules with numbers, in one place (sources in shared/reference/mission.md)."""

from __future__ import annotations

import math

# One-to-one contact at least monthly; weekly for priority people.
ONE_TO_ONE_DAYS = 30
PRIORITY_DAYS = 7
# More than this many of the organization's risk factors makes someone a priority.
PRIORITY_FACTORS = 3
# "Not seen" on My week, and "active" (KP_CURR: a contact in the last 3 months).
NOT_SEEN_DAYS = 30
ACTIVE_DAYS = 90
# Referral completion windows.
REFERRAL_WINDOWS = (7, 14, 28)
# A tracing attempt at most this many times per referral.
MAX_TRACING_ATTEMPTS = 3
# Outreach worker caseload: target about 1:50, feasible 35-65.
CASELOAD_TARGET = 50
CASELOAD_RANGE = (35, 65)

# Condoms to give: enough until the next contact. A month's need is the larger of what the
# person says and their clients a week x WEEKS_PER_MONTH; a priority person, seen weekly, gets a
# week's worth. Written here only: the model, the contact form (its script reads the number from
# the page) and the condom indicators (in SQL) all take it from these three names.
WEEKS_PER_MONTH = 4


def monthly_need(stated: int | None, weekly_acts: int | None) -> int | None:
    """Condoms needed a month: the larger of what they say and a month of clients; None when
    neither is known."""
    from_acts = None if weekly_acts is None else weekly_acts * WEEKS_PER_MONTH
    known = [n for n in (stated, from_acts) if n is not None]
    return max(known) if known else None


def condoms_to_give(monthly_need: int | None, *, priority: bool) -> int | None:
    """A month's need, or a week's (rounded up) for a priority person. None when the need is
    unknown."""
    if monthly_need is None:
        return None
    return math.ceil(monthly_need / WEEKS_PER_MONTH) if priority else monthly_need
