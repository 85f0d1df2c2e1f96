from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members.access import get_user_for_user, may_hand_reset_code
from members.models import User
from members.roles import Role, held_roles, role_required
from members.services import user_end_all_sessions, user_suspend


@role_required(Role.COORDINATOR)
def user_list(request: HttpRequest) -> HttpResponse:
    # Two queries: the users with their session counts, and the current user's session.
    users = list(User.objects.annotate(session_count=Count("usersession")).order_by("username"))
    for person in users:
        person.role_labels = [role.label for role in held_roles(person)]
        person.may_reset = person.is_active and may_hand_reset_code(request.user, person)
    return render(request, "members/user_list.html", {"users": users})


@require_POST
def user_end_sessions(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_user_for_user(request, pk)
    ended = user_end_all_sessions(user=user)
    messages.success(
        request,
        _("%(count)d session(s) of %(username)s ended.") % {"count": ended, "username": user},
    )
    if user == request.user:
        return redirect("account_login")
    return redirect("members:user_list")


@require_POST
def user_suspend_login(request: HttpRequest, pk: int) -> HttpResponse:
    """Lost phone, one step: the login is suspended and every session ends."""
    user = get_user_for_user(request, pk)
    if user == request.user:
        messages.error(request, _("You cannot suspend your own login."))
        return redirect("members:user_list")
    ended = user_suspend(user=user)
    messages.success(
        request,
        _("%(username)s is suspended; %(count)d session(s) ended.")
        % {"username": user, "count": ended},
    )
    return redirect("members:user_list")
