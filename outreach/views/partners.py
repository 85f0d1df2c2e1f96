"""The partners directory: organizations people are referred to, what they offer and how many
referrals they received and completed. Coordinators keep it up to date."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from members.resend import resend_safe
from members.roles import STAFF, LoggedInRequest, Role, has_role, role_required
from outreach import services
from outreach.access import get_partner_for_user
from outreach.forms import PartnerForm
from outreach.models import Partner, Service
from outreach.selectors_partners import ReferralCounts, partners_with_counts

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

# The directory counts the referrals of the last year.
COUNTED_DAYS = 365


@dataclass(frozen=True)
class PartnerRow:
    """A partner as the directory shows it; a count is None when it is too small to show."""

    partner: Partner
    services: list[str]
    made: int | None
    completed: int | None


def shown_counts(made: int, completed: int, min_cell: int) -> tuple[int | None, int | None]:
    """Small-cell suppression for those who are not coordinators: a count under `min_cell` is
    hidden (None), and so is `completed` when the referrals not completed (made - completed)
    would be a small cell worked out from the two."""
    if made < min_cell:
        return None, None
    if completed < min_cell or made - completed < min_cell:
        return made, None
    return made, completed


def _counted_since(today: date) -> date:
    return today - timedelta(days=COUNTED_DAYS)


@role_required(*STAFF)
def partner_list(request: LoggedInRequest) -> HttpResponse:
    coordinator = has_role(request.user, Role.COORDINATOR)
    since = _counted_since(timezone.localdate())
    service = request.GET.get("service", "")
    if service not in Service:  # Django's choices match a code as well as a member
        service = ""
    min_cell = settings.SMALL_CELL_MIN
    # One query whatever the numbers: every partner with its two counts.
    partners = partners_with_counts(since, active_only=not coordinator)
    return render(
        request,
        "outreach/partner_list.html",
        {
            "rows": _rows(partners, service, min_cell=None if coordinator else min_cell),
            "services": Service.choices,
            "service": service,
            "since": since,
            "min_cell": min_cell,
            "can_edit": coordinator,
        },
    )


def _rows(
    partners: Iterable[WithAnnotations[Partner, ReferralCounts]],
    service: str,
    *,
    min_cell: int | None,
) -> list[PartnerRow]:
    """The directory's rows, only partners listing `service` if one is chosen; counts under
    `min_cell` hidden (None: coordinators see every count)."""
    labels = dict(Service.choices)
    rows = []
    # Services are a short JSON list, filtered here: the same on SQLite and PostgreSQL.
    for partner in partners:
        if service and service not in partner.services:
            continue
        made, completed = (
            (partner.made, partner.completed)
            if min_cell is None
            else shown_counts(partner.made, partner.completed, min_cell)
        )
        rows.append(
            PartnerRow(
                partner=partner,
                services=[str(labels[code]) for code in partner.services if code in labels],
                made=made,
                completed=completed,
            )
        )
    return rows


@role_required(Role.COORDINATOR)
@resend_safe
def partner_create(request: LoggedInRequest) -> HttpResponse:
    form = PartnerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.partner_save(partner=form.instance)
        messages.success(request, _("Partner added."))
        return redirect("outreach:partner_list")
    return render(request, "outreach/partner_form.html", {"form": form, "partner": None})


@role_required(Role.COORDINATOR)
def partner_edit(request: LoggedInRequest, pk: int) -> HttpResponse:
    partner = get_partner_for_user(request, pk)
    form = PartnerForm(request.POST or None, instance=partner)
    if request.method == "POST" and form.is_valid():
        services.partner_save(partner=form.instance)
        messages.success(request, _("Saved."))
        return redirect("outreach:partner_list")
    return render(request, "outreach/partner_form.html", {"form": form, "partner": partner})
