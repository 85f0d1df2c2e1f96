"""The pages a phone keeps for work without a connection: the contact form and the referral form
as empty copies (the person is chosen on the phone, from My week or by their code), and the list
of records waiting on the phone. None of them holds anything about anyone: the phone's script
fills them in (static/js/offline.js)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from members.forms import CodeForm
from members.roles import LoggedInRequest, Role, role_required
from outreach.access import contacts_visible_to
from outreach.forms import ContactForm, ReferralForm
from outreach.offline import WARN_AFTER_DAYS
from outreach.selectors_partners import partners_offering
from outreach.views.contact_form import contact_initial, render_contact_form


@require_GET
@role_required(Role.OUTREACH_WORKER)
def offline_contact(request: LoggedInRequest) -> HttpResponse:
    form = ContactForm(initial=contact_initial(request, None))
    return render_contact_form(request, form, None, CodeForm(), code_not_found=False, offline=True)


@require_GET
@role_required(Role.OUTREACH_WORKER)
def offline_referral(request: LoggedInRequest) -> HttpResponse:
    form = ReferralForm(
        partners=partners_offering("")[0], contacts=contacts_visible_to(request.user).none()
    )
    context = {"form": form, "code_form": CodeForm(), "offline": True}
    return render(request, "outreach/referral_form.html", context)


@require_GET
@role_required(Role.OUTREACH_WORKER)
def outbox(request: LoggedInRequest) -> HttpResponse:
    """What waits on this phone: listed by the phone's script from its own storage."""
    return render(request, "outreach/offline/outbox.html", {"warn_days": WARN_AFTER_DAYS})
