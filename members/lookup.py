"""Finding a person by their code. Every page that looks a code up counts it against one
allowance per login, kept by allauth's rate limiter like the login limits (the action
"code_lookup" of ACCOUNT_RATE_LIMITS): a code is built from facts a person can repeat, so
trying codes in bulk must not be a way to learn who is registered."""

from __future__ import annotations

from math import ceil

from allauth.account import app_settings as account_settings
from allauth.core import ratelimit

# allauth parses its own rate strings; the page says how long to wait from the same string.
from allauth.core.internal.ratelimit import parse_rates
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

ACTION = "code_lookup"


def lookup_allowed(request: HttpRequest) -> bool:
    """Count one look-up of a code for this login; False once it has used up its allowance."""
    return ratelimit.consume(request, action=ACTION, user=request.user)


def wait_minutes(action: str) -> int:
    """How long a login over its allowance for `action` waits, at most, in whole minutes."""
    rates = parse_rates(account_settings.RATE_LIMITS.get(action))
    return max(ceil(rate.duration / 60) for rate in rates)


def too_many_lookups(request: HttpRequest) -> HttpResponse:
    """The page shown instead of a look-up over the allowance: in plain words, when to retry."""
    minutes = wait_minutes(ACTION)
    return render(request, "members/lookup_throttled.html", {"minutes": minutes}, status=429)
