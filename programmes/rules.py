"""The community's rules with numbers, in one place (sources in shared/reference/voting.md)."""

from __future__ import annotations

# "Me too": each member supports at most this many open or shortlisted needs at a time, so the
# shortlist shows what matters most to many, not what a few people clicked on everything
# (Decidim's `vote_limit`). Taking a support back frees it.
NEED_SUPPORTS_MAX = 5
