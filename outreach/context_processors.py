from __future__ import annotations

from django.http import HttpRequest

from outreach.offline import WARN_AFTER_DAYS, WEEK_KEPT_HOURS


def offline(request: HttpRequest) -> dict[str, int]:
    """What the phone's script needs to know of the offline rules (outreach/offline/status.html)."""
    return {
        "offline_week_kept_ms": WEEK_KEPT_HOURS * 3600 * 1000,
        "offline_warn_days": WARN_AFTER_DAYS,
    }
