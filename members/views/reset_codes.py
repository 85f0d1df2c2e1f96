"""Password reset codes, for logins without e-mail: an outreach worker (from a member's record) or
a coordinator (from Logins and sessions) hands the owner a single-use code, and on a public page
the owner types it and chooses a new password. Every session of the login then ends."""

from __future__ import annotations

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from members import codes, resend, services
from members.access import get_login_for_reset_code
from members.forms import CODE_REFUSED, PasswordResetCodeForm
from members.resend import resend_safe
from members.roles import LoggedInRequest, Role, has_role, role_required
from members.selectors import person_of_login
from members.views.invitations import qr_svg
from members.views.people import STAFF


@require_POST
@role_required(*STAFF)
@resend_safe
def reset_code_create(request: LoggedInRequest, pk: int) -> HttpResponse:
    """Rendered, not redirected: the code exists only in this one response."""
    login = get_login_for_reset_code(request, pk)
    person = person_of_login(login)
    coordinator = has_role(request.user, Role.COORDINATOR)
    if not login.is_active:
        messages.info(request, _("No reset code: this login is suspended or was erased."))
        if person is not None and not coordinator:
            return redirect("outreach:person_detail", pk=person.pk)
        return redirect("members:user_list")
    reset, code = services.password_reset_code_create(actor=request.user, login=login)
    # Sent again, the button leads back to where it was: the code was shown once, here.
    if person is not None and not coordinator:
        resend.saved(request, reverse("outreach:person_detail", args=[person.pk]))
    else:
        resend.saved(request, reverse("members:user_list"))
    return render(
        request,
        "members/reset_code_created.html",
        {
            "login": login,
            "person": person,
            "coordinator": coordinator,
            "reset": reset,
            "code": code,
            "qr": qr_svg(code, label=_("QR code of the reset code")),
            "reset_url": request.build_absolute_uri(reverse("members:reset_code_redeem")),
        },
    )


@login_not_required
@sensitive_post_parameters("code", "password1", "password2")
@resend_safe
def reset_code_redeem(request: HttpRequest) -> HttpResponse:
    """The code first: a wrong one is told nothing about any login. Limited like the login
    (members.codes); afterwards the person logs in with the new password, through the same
    rate limits and second factor as always."""
    if request.user.is_authenticated:
        messages.info(request, _("You are logged in: change your password from the menu."))
        return redirect("home")
    form = PasswordResetCodeForm(request.POST or None)
    if request.method == "POST":
        if not codes.may_try(request):
            return ratelimit.respond_429(request)
        if form.is_valid():
            data = form.cleaned_data
            try:
                user = services.password_reset_code_redeem(
                    code=data["code"], password=data["password1"]
                )
            except services.CodeRefused:
                codes.WRONG_CODES.count(request)
                form.add_error("code", CODE_REFUSED)
            except ValidationError as error:
                form.add_error("password1", error)
            else:
                messages.success(
                    request,
                    _("Your new password is set. Log in with your username, %(username)s.")
                    % {"username": user.username},
                )
                return redirect("account_login")
    return render(request, "members/reset_code_redeem.html", {"form": form})
