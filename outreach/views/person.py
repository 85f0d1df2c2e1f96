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
from outreach.views.contact_form import person_outreach


@role_required(*STAFF)
def person_detail(request: LoggedInRequest, pk: int) -> HttpResponse:
    person = get_person_for_user(request, pk)
    open_consents = list(person.consents.filter(withdrawn_at__isnull=True))
    context: dict[str, Any] = {
        "person": person,
        "consents": open_consents,
        "consent_form": ConsentForm(initial={"purposes": [c.purpose for c in open_consents]}),
        "referrals": referrals_visible_to(request.user)
        .filter(person=person)
        .select_related("partner")
        .order_by("-made_on", "-pk")[:20],
        # Contacts, latest risk assessment and open violence follow-ups.
        "outreach": person_outreach(request, person),
    }
    if has_role(request.user, Role.COORDINATOR):
        context["log"] = person.access_log.select_related("actor").order_by("-at")[:20]
    login = person.user
    context["may_reset"] = (
        login is not None and login.is_active and may_hand_reset_code(request.user, login)
    )
    return render(request, "outreach/person_detail.html", context)
