"""Coordinators make a programme from a voted priority and keep it up to date: its stages with
the community's part in each, activities, budget lines and news for members. 403 for anyone else
who may see programmes."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from members.ids import parse_id
from members.resend import resend_safe
from members.roles import LoggedInRequest, Role, role_required
from programmes import selectors, services
from programmes.access import get_programme_for_user, get_stage_for_user
from programmes.forms import (
    BudgetLineForm,
    ProgrammeActivityForm,
    ProgrammeForm,
    StageForm,
    UpdateForm,
)
from programmes.models import BudgetLine, Option, ProgrammeActivity


def _option_asked_for(request: HttpRequest) -> Option | None:
    """The voted priority of `?priority=<id>`, if it is one of a round with results out."""
    pk = parse_id(request.GET.get("priority"))
    return selectors.counted_option(pk) if pk is not None else None


@role_required(Role.COORDINATOR)
@resend_safe
def programme_create(request: LoggedInRequest) -> HttpResponse:
    option = _option_asked_for(request)
    initial: dict[str, object] = {"lead": request.user.pk}
    if option is not None:
        initial.update(priority=option.pk, title=option.title, goal=option.plain_text)
    form = ProgrammeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        programme = services.programme_create(programme=form.instance)
        messages.success(request, _("Programme created, with its four stages."))
        return redirect("programmes:programme_detail", pk=programme.pk)
    return render(request, "programmes/programme_form.html", {"form": form, "programme": None})


@role_required(Role.COORDINATOR)
def programme_edit(request: LoggedInRequest, pk: int) -> HttpResponse:
    programme = get_programme_for_user(request, pk, write=True)
    form = ProgrammeForm(request.POST or None, instance=programme)
    if request.method == "POST" and form.is_valid():
        services.programme_save(programme=form.instance)
        messages.success(request, _("Saved."))
        return redirect("programmes:programme_detail", pk=programme.pk)
    return render(request, "programmes/programme_form.html", {"form": form, "programme": programme})


@role_required(Role.COORDINATOR)
def stage_edit(request: LoggedInRequest, pk: int) -> HttpResponse:
    stage = get_stage_for_user(request, pk, write=True)
    form = StageForm(request.POST or None, instance=stage)
    if request.method == "POST" and form.is_valid():
        try:
            services.stage_save(stage=form.instance, committee=list(form.cleaned_data["committee"]))
        except ValidationError as error:
            form.add_error("committee", error)
        else:
            messages.success(request, _("Saved."))
            return redirect("programmes:programme_detail", pk=stage.programme_id)
    return render(request, "programmes/stage_form.html", {"form": form, "stage": stage})


@role_required(Role.COORDINATOR)
@resend_safe
def activity_add(request: LoggedInRequest, pk: int) -> HttpResponse:
    programme = get_programme_for_user(request, pk, write=True)
    form = ProgrammeActivityForm(
        request.POST or None, instance=ProgrammeActivity(programme=programme)
    )
    if request.method == "POST" and form.is_valid():
        services.programme_activity_add(activity=form.instance)
        messages.success(request, _("Activity added."))
        return redirect("programmes:programme_detail", pk=programme.pk)
    return render(
        request, "programmes/programmeactivity_form.html", {"form": form, "programme": programme}
    )


@role_required(Role.COORDINATOR)
@resend_safe
def budget_line_add(request: LoggedInRequest, pk: int) -> HttpResponse:
    programme = get_programme_for_user(request, pk, write=True)
    form = BudgetLineForm(request.POST or None, instance=BudgetLine(programme=programme))
    if request.method == "POST" and form.is_valid():
        services.budget_line_add(line=form.instance)
        messages.success(request, _("Budget line added."))
        return redirect("programmes:programme_detail", pk=programme.pk)
    return render(
        request, "programmes/budgetline_form.html", {"form": form, "programme": programme}
    )


@role_required(Role.COORDINATOR)
@resend_safe
def update_create(request: LoggedInRequest, pk: int) -> HttpResponse:
    programme = get_programme_for_user(request, pk, write=True)
    form = UpdateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.programme_update_post(
            programme=programme, author=request.user, text=form.cleaned_data["text"]
        )
        messages.success(request, _("News posted. Members who follow this programme see it."))
        return redirect("programmes:programme_detail", pk=programme.pk)
    return render(request, "programmes/update_form.html", {"form": form, "programme": programme})
