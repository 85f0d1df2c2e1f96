"""Logins and sessions: a coordinator ends every session of a lost phone at once, suspends a
login and turns it back on. Each of these goes to the access log."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members.access import get_user_for_user, may_hand_reset_code
from members.roles import LoggedInRequest, Role, held_roles, role_required
from members.selectors import logins_with_session_counts
from members.services import (
    LoginChangeRefused,
    user_end_all_sessions,
    user_reactivate,
    user_reactivate_refusal,
    user_suspend,
    user_suspend_refusal,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class LoginRow:
    """A login as the list shows it, with the buttons its owner may be offered."""

    pk: int
    username: str
    is_active: bool
    session_count: int
    role_labels: list[StrOrPromise]
    may_reset: bool
    may_suspend: bool
    may_reactivate: bool


@role_required(Role.COORDINATOR)
def user_list(request: LoggedInRequest) -> HttpResponse:
    # Two queries: the users with their session counts, and the current user's session.
    logins = logins_with_session_counts()
    active_coordinators = sum(u.is_active and u.is_coordinator for u in logins)
    users = [
        LoginRow(
            pk=login.pk,
            username=login.username,
            is_active=login.is_active,
            session_count=login.session_count,
            role_labels=[role.label for role in held_roles(login)],
            may_reset=login.is_active and may_hand_reset_code(request.user, login),
            # The buttons follow the services' own rules; the services check them again.
            may_suspend=login.is_active
            and not user_suspend_refusal(
                actor=request.user, user=login, active_coordinators=active_coordinators
            ),
            may_reactivate=not login.is_active and not user_reactivate_refusal(user=login),
        )
        for login in logins
    ]
    return render(request, "members/user_list.html", {"users": users})


@require_POST
def user_end_sessions(request: LoggedInRequest, pk: int) -> HttpResponse:
    user = get_user_for_user(request, pk)
    ended = user_end_all_sessions(user=user, actor=request.user)
    messages.success(
        request,
        _("%(count)d session(s) of %(username)s ended.") % {"count": ended, "username": user},
    )
    if user == request.user:
        return redirect("account_login")
    return redirect("members:user_list")


@require_POST
def user_suspend_login(request: LoggedInRequest, pk: int) -> HttpResponse:
    """Lost phone, one step: the login is suspended and every session ends."""
    user = get_user_for_user(request, pk)
    try:
        ended = user_suspend(actor=request.user, user=user)
    except LoginChangeRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("members:user_list")
    messages.success(
        request,
        _("%(username)s is suspended; %(count)d session(s) ended.")
        % {"username": user, "count": ended},
    )
    return redirect("members:user_list")


@require_POST
def user_reactivate_login(request: LoggedInRequest, pk: int) -> HttpResponse:
    """The phone is back, or the suspension was a mistake: the login works again."""
    user = get_user_for_user(request, pk)
    try:
        changed = user_reactivate(actor=request.user, user=user)
    except LoginChangeRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("members:user_list")
    if changed:
        messages.success(request, _("%(username)s can log in again.") % {"username": user})
    else:
        messages.info(request, _("%(username)s was not suspended.") % {"username": user})
    return redirect("members:user_list")
