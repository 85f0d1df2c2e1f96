"""A person's page for staff: their record and consents, with the outreach that hangs on it
(contacts, referrals, risk, violence follow-ups). It lives with outreach, which reads the people
registry below it; members' own views (find, register, edit, consent) lead here."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render

from members.access import get_person_for_user, may_hand_reset_code
from members.forms import ConsentForm
from members.roles import STAFF, LoggedInRequest, Role, has_role, role_required
from outreach.access import referrals_visible_to
from outreach.selectors_people import open_consents, recent_access_log, recent_referrals
from outreach.views.contact_form import person_outreach

# The page shows this many of the latest referrals and lines of the access log.
SHOWN = 20


@role_required(*STAFF)
def person_detail(request: LoggedInRequest, pk: int) -> HttpResponse:
    person = get_person_for_user(request, pk)
    consents = open_consents(person)
    context: dict[str, Any] = {
        "person": person,
        "consents": consents,
        "consent_form": ConsentForm(initial={"purposes": [c.purpose for c in consents]}),
        "referrals": recent_referrals(referrals_visible_to(request.user), person, SHOWN),
        # Contacts, latest risk assessment and open violence follow-ups.
        "outreach": person_outreach(request, person),
    }
    if has_role(request.user, Role.COORDINATOR):
        context["log"] = recent_access_log(person, SHOWN)
    login = person.user
    context["may_reset"] = (
        login is not None and login.is_active and may_hand_reset_code(request.user, login)
    )
    return render(request, "outreach/person_detail.html", context)
