from __future__ import annotations

from collections.abc import Callable
from typing import Any

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from members.roles import requires_mfa

# What a coordinator without a second factor may still reach: setting one up, and leaving.
MFA_SETUP_URL_NAMES = frozenset(
    {
        "mfa_activate_totp",
        "mfa_index",
        "mfa_reauthenticate",
        "account_reauthenticate",
        "account_logout",
        "quick_exit",
        "set_language",
        "healthz",
    }
)


class RequireMFAMiddleware:
    """Until coordinators and administrators have set up two-factor authentication, every page
    but the set-up page sends them there."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view: Callable[..., HttpResponse],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        if settings.DEMO_MODE or not requires_mfa(request.user):
            return None
        if request.resolver_match and request.resolver_match.url_name in MFA_SETUP_URL_NAMES:
            return None
        if is_mfa_enabled(request.user):
            return None
        return redirect("mfa_activate_totp")


class PrivacyHeadersMiddleware:
    """Headers Django has no setting for: pages are never kept in a (possibly shared) browser's
    cache, and the browser offers no sensors to any page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response["Cache-Control"] = "no-store"
        response["Permissions-Policy"] = "geolocation=(), camera=(), microphone=()"
        return response
