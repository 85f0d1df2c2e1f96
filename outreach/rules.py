"""The programme's rules with numbers, in one place (sources in shared/reference/mission.md)."""

from __future__ import annotations

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
