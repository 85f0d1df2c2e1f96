"""Invitations: staff hand a registered person a single-use code, and the person creates their own
login with it on a public page (the codes themselves: members.codes)."""

from __future__ import annotations

from xml.etree import ElementTree

import qrcode
from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from qrcode.image.svg import SvgPathImage

from members import codes, resend, services
from members.access import get_person_for_user
from members.forms import CODE_REFUSED, InvitationRedeemForm
from members.resend import resend_safe
from members.roles import LoggedInRequest, role_required
from members.views.people import STAFF


@require_POST
@role_required(*STAFF)
@resend_safe
def invitation_create(request: LoggedInRequest, pk: int) -> HttpResponse:
    """Rendered, not redirected: the code exists only in this one response."""
    person = get_person_for_user(request, pk, write=True, log=False)
    if person.user_id is not None or person.erased_at is not None:
        messages.info(
            request, _("No invitation: this person already has a login or their record was erased.")
        )
        return redirect("outreach:person_detail", pk=person.pk)
    invitation, code = services.invitation_create(actor=request.user, person=person)
    # Sent again, the button leads to the person's page: the code was shown once, here.
    resend.saved(request, reverse("outreach:person_detail", args=[person.pk]))
    return render(
        request,
        "members/invitation_created.html",
        {
            "person": person,
            "invitation": invitation,
            "code": code,
            "qr": qr_svg(code, label=_("QR code of the invitation code")),
            "join_url": request.build_absolute_uri(reverse("members:invitation_redeem")),
        },
    )


def qr_svg(text: str, *, label: str) -> SafeString:
    """An inline SVG: no image request, nothing cached, allowed by the CSP."""
    svg = qrcode.make(text, image_factory=SvgPathImage, border=2).get_image()
    # Pixels on screen, about 5 cm on paper: big enough for any phone camera.
    svg.set("width", "192")
    svg.set("height", "192")
    svg.set("role", "img")
    svg.set("aria-label", label)
    # Only our own alphabet and the escaped label go in: nothing typed by a visitor.
    # ElementTree escapes the label; the code only becomes path data.
    return mark_safe(ElementTree.tostring(svg, encoding="unicode"))  # noqa: S308 # nosec B308 B703


@login_not_required
@sensitive_post_parameters("code", "password1", "password2")
@resend_safe
def invitation_redeem(request: HttpRequest) -> HttpResponse:
    """The code is checked before the username: without a valid code nobody learns whether a
    username exists. Limited like the login (members.codes)."""
    if request.user.is_authenticated:
        messages.info(request, _("You are already logged in."))
        return redirect("home")
    form = InvitationRedeemForm(request.POST or None)
    if request.method == "POST":
        if not codes.may_try(request):
            return ratelimit.respond_429(request)
        if form.is_valid():
            data = form.cleaned_data
            try:
                user = services.invitation_redeem(
                    code=data["code"], username=data["username"], password=data["password1"]
                )
            except services.CodeRefused:
                codes.WRONG_CODES.count(request)
                # One message for unknown, used and expired codes: codes cannot be probed.
                form.add_error("code", CODE_REFUSED)
            except (services.UsernameTaken, IntegrityError):
                # IntegrityError: someone took the same username a moment ago.
                form.add_error("username", _("This username is taken. Choose another one."))
            else:
                login(request, user, backend="allauth.account.auth_backends.AuthenticationBackend")
                messages.success(request, _("Welcome! Your login is ready."))
                return redirect("home")
    return render(request, "members/invitation_redeem.html", {"form": form})
