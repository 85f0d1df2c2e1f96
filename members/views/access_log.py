"""For coordinators: the access log of every staff read and change, and the erasure queue."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members import services
from members.access import get_erasure_request_for_user
from members.forms import AccessLogFilterForm
from members.roles import LoggedInRequest, Role, role_required
from members.selectors import access_log_entries, open_erasure_requests

PAGE_SIZE = 50


@role_required(Role.COORDINATOR)
def access_log_list(request: LoggedInRequest) -> HttpResponse:
    # Two queries whatever the size of the log: the count, and one page of entries with their
    # actors and people.
    form = AccessLogFilterForm(request.GET or None)
    # No filter: everything; a filter that does not validate: nothing.
    filters = (form.cleaned_data if form.is_valid() else None) if form.is_bound else {}
    page = Paginator(access_log_entries(filters), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "members/accesslog_list.html", {"form": form, "page": page})


@role_required(Role.COORDINATOR)
def erasure_list(request: LoggedInRequest) -> HttpResponse:
    # One query: the open requests with each person's nickname, oldest first.
    requests = open_erasure_requests()
    return render(request, "members/erasure_list.html", {"requests": requests})


@require_POST
@role_required(Role.COORDINATOR)
def erasure_confirm(request: LoggedInRequest, pk: int) -> HttpResponse:
    erasure = get_erasure_request_for_user(request, pk)
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
