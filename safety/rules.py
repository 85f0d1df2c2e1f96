"""The rules of safety alerts, in one place."""

from __future__ import annotations

from datetime import date

# A report circulates once this many different moderators approve the same words; it is closed
# without circulating once this many reject it.
APPROVALS_NEEDED = 2
REJECTIONS_NEEDED = 2
# A report may say it happened up to this many days ago.
OLDEST_DAYS = 365


def alert_is_live(status: str, expires_on: date | None, today: date) -> bool:
    """Circulating and not yet expired: the only state in which an alert is shown or sent."""
    from safety.models import Report

    return status == Report.Status.CIRCULATING and expires_on is not None and expires_on >= today
