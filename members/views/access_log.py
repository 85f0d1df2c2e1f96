"""For coordinators: the access log of every staff read and change, and the erasure queue."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members import services
from members.forms import AccessLogFilterForm
from members.models import AccessLog, ErasureRequest
from members.roles import LoggedInRequest, Role, role_required

PAGE_SIZE = 50


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _filtered(entries: QuerySet[AccessLog], filters: dict[str, Any]) -> QuerySet[AccessLog]:
    if filters["actor"]:
        entries = entries.filter(actor=filters["actor"])
    if filters["person"]:
        entries = entries.filter(person_id=filters["person"])
    if filters["action"]:
        entries = entries.filter(action=filters["action"])
    # A range of whole days in the site's time zone, compared on the indexed column itself.
    if filters["date_from"]:
        entries = entries.filter(at__gte=_start_of(filters["date_from"]))
    if filters["date_to"]:
        entries = entries.filter(at__lt=_start_of(filters["date_to"] + timedelta(days=1)))
    return entries


@role_required(Role.COORDINATOR)
def access_log_list(request: LoggedInRequest) -> HttpResponse:
    # Two queries whatever the size of the log: the count, and one page of entries with their
    # actors and people. Only the shown columns are loaded: no contact detail is decrypted here.
    entries = (
        AccessLog.objects.select_related("actor", "person", "login")
        .only(
            "at",
            "action",
            "detail",
            "reason",
            "actor__username",
            "person__nickname",
            "login__username",
        )
        .order_by("-at", "-pk")
    )
    form = AccessLogFilterForm(request.GET or None)
    if form.is_bound:
        entries = _filtered(entries, form.cleaned_data) if form.is_valid() else entries.none()
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "members/accesslog_list.html", {"form": form, "page": page})


@role_required(Role.COORDINATOR)
def erasure_list(request: LoggedInRequest) -> HttpResponse:
    # One query: the open requests with each person's nickname, oldest first.
    requests = (
        ErasureRequest.objects.filter(confirmed_at__isnull=True)
        .select_related("person")
        .only("requested_at", "person__nickname")
        .order_by("requested_at", "pk")
    )
    return render(request, "members/erasure_list.html", {"requests": requests})


@require_POST
@role_required(Role.COORDINATOR)
def erasure_confirm(request: LoggedInRequest, pk: int) -> HttpResponse:
    erasure = get_object_or_404(
        ErasureRequest.objects.select_related("person"), pk=pk, confirmed_at__isnull=True
    )
    person = erasure.person
    if person.user_id is not None and person.user_id == request.user.pk:
        # Erasure cannot be undone: it always takes a second pair of eyes.
        messages.error(request, _("Another coordinator must confirm your own request."))
        return redirect("members:erasure_list")
    services.person_erase(actor=request.user, person=person)
    messages.success(
        request,
        _("Record #%(pk)d is erased: only anonymous counts remain.") % {"pk": person.pk},
    )
    return redirect("members:erasure_list")
