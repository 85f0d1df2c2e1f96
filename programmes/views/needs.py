"""Community needs: members say what they need, support ("Me too") and discuss each other's
needs; coordinators moderate, merge duplicates and shortlist needs for a priority round."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members.models import User
from members.resend import resend_safe
from members.roles import LoggedInRequest, Role, has_role, role_required
from programmes import rules, selectors, services
from programmes.access import (
    VIEWERS,
    get_comment_for_user,
    get_need_for_user,
    merge_target_visible_to,
)
from programmes.forms import CommentForm, HideForm, NeedForm, NeedMergeForm
from programmes.models import Category, Comment, Need

EVERYONE = VIEWERS
PAGE_SIZE = 20
# What the list shows: the needs still being discussed, or (coordinators) the hidden ones.
SHOW_ACTIVE, SHOW_SHORTLISTED, SHOW_HIDDEN = "", "shortlisted", "hidden"
STATUSES_SHOWN = {
    SHOW_ACTIVE: rules.NEED_ACTIVE,
    SHOW_SHORTLISTED: (Need.Status.SHORTLISTED,),
    SHOW_HIDDEN: (Need.Status.HIDDEN,),
}


def byline(viewer: User, author: User, *, is_anonymous: bool, coordinator: bool) -> str:
    """Who wrote it, as this viewer may know: coordinators see the username, members see it only
    when the author chose to show it."""
    if author.pk == viewer.pk:
        return _("you")
    if coordinator or not is_anonymous:
        return author.username
    return _("a member")


def _label(need: Need, viewer: User, coordinator: bool) -> Need:
    """The need's byline for this viewer. A need written down at a meeting says so; with no
    member named it shows nobody as raising it, not the worker who wrote it down."""
    named = need.entered_by_id is None or need.author_id != need.entered_by_id
    who = byline(viewer, need.author, is_anonymous=need.is_anonymous, coordinator=coordinator)
    if need.entered_by_id is None:
        need.byline = _("Raised by %(who)s") % {"who": who}
    elif named:
        need.byline = _("Raised by %(who)s, written down at a meeting") % {"who": who}
    else:
        need.byline = _("Written down at a meeting")
    need.name_hidden = coordinator and named and need.is_anonymous
    return need


def _labelled_comments(viewer: User, need: Need, coordinator: bool) -> list[Comment]:
    comments = selectors.need_comments(viewer, need)
    for comment in comments:
        comment.byline = byline(
            viewer, comment.author, is_anonymous=comment.is_anonymous, coordinator=coordinator
        )
    return comments


def _back(request: LoggedInRequest, need: Need) -> HttpResponse:
    """Back to the page the button was on (the list keeps its filter), else the need."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ) and target.startswith(reverse("programmes:need_list")):
        return redirect(target)
    return redirect("programmes:need_detail", pk=need.pk)


def _supports_used(user: User) -> int | None:
    """The member's supports in use, for the counter; None (no counter) for anyone else."""
    if not has_role(user, Role.MEMBER):
        return None
    return selectors.supports_in_use(user)


def _list_filter(request: LoggedInRequest, *, coordinator: bool) -> tuple[str, str]:
    """The category and the `show` the list was asked for, each dropped if it is not one."""
    category = request.GET.get("category", "")
    if category not in Category.values:
        category = ""
    show = request.GET.get("show", "")
    allowed = [SHOW_ACTIVE, SHOW_SHORTLISTED] + ([SHOW_HIDDEN] if coordinator else [])
    if show not in allowed:
        show = SHOW_ACTIVE
    return category, show


# --- Pages ---------------------------------------------------------------------------------


@role_required(*EVERYONE)
def need_list(request: LoggedInRequest) -> HttpResponse:
    coordinator = has_role(request.user, Role.COORDINATOR)
    category, show = _list_filter(request, coordinator=coordinator)
    needs = selectors.needs_for_list(request.user, statuses=STATUSES_SHOWN[show], category=category)
    page = Paginator(needs, PAGE_SIZE).get_page(request.GET.get("page"))
    for need in page:
        _label(need, request.user, coordinator)
    return render(
        request,
        "programmes/need_list.html",
        {
            "page": page,
            "categories": Category.choices,
            "category": category,
            "show": show,
            "coordinator": coordinator,
            "is_member": has_role(request.user, Role.MEMBER),
            "can_submit": has_role(request.user, Role.MEMBER)
            or has_role(request.user, Role.OUTREACH_WORKER),
            "supports_used": _supports_used(request.user),
            "supports_max": rules.NEED_SUPPORTS_MAX,
        },
    )


@role_required(Role.MEMBER, Role.OUTREACH_WORKER)
@resend_safe
def need_create(request: LoggedInRequest) -> HttpResponse:
    worker = request.user if has_role(request.user, Role.OUTREACH_WORKER) else None
    form = NeedForm(request.POST or None, worker=worker)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            need = services.need_submit(
                author=data.get("member") or request.user,
                entered_by=request.user if data.get("at_meeting") else None,
                title=data["title"],
                category=data["category"],
                details=data["details"],
                is_anonymous=data["is_anonymous"],
            )
        except ValidationError as error:
            # The member left the worker's hotspots between the page and the save.
            form.add_error("member", error)
        else:
            messages.success(request, _("Thank you. The need is on the list."))
            return redirect("programmes:need_detail", pk=need.pk)
    return render(request, "programmes/need_form.html", {"form": form, "worker": worker})


@role_required(*EVERYONE)
@resend_safe
def need_detail(request: LoggedInRequest, pk: int) -> HttpResponse:
    return _render_detail(request, get_need_for_user(request, pk))


def _render_detail(
    request: LoggedInRequest, need: Need, comment_form: CommentForm | None = None, status: int = 200
) -> HttpResponse:
    coordinator = has_role(request.user, Role.COORDINATOR)
    _label(need, request.user, coordinator)
    active = need.status in rules.NEED_ACTIVE
    return render(
        request,
        "programmes/need_detail.html",
        {
            "need": need,
            "comments": _labelled_comments(request.user, need, coordinator),
            "merged_into": merge_target_visible_to(request.user, need),
            "active": active,
            "coordinator": coordinator,
            "is_member": has_role(request.user, Role.MEMBER),
            "comment_form": comment_form or (CommentForm() if active else None),
            "hide_form": HideForm(auto_id="hide_%s") if coordinator else None,
            "supports_used": _supports_used(request.user),
            "supports_max": rules.NEED_SUPPORTS_MAX,
        },
        status=status,
    )


# --- Supports and comments -----------------------------------------------------------------


@require_POST
@role_required(Role.MEMBER)
@resend_safe
def need_support(request: LoggedInRequest, pk: int) -> HttpResponse:
    need = get_need_for_user(request, pk)
    try:
        if services.need_support(member=request.user, need=need):
            messages.success(request, _("Thank you. You support this need."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _back(request, need)


@require_POST
@role_required(Role.MEMBER)
def need_unsupport(request: LoggedInRequest, pk: int) -> HttpResponse:
    need = get_need_for_user(request, pk)
    if services.need_unsupport(member=request.user, need=need):
        messages.success(request, _("You no longer support this need."))
    return _back(request, need)


@require_POST
@role_required(*EVERYONE)
@resend_safe
def comment_create(request: LoggedInRequest, pk: int) -> HttpResponse:
    need = get_need_for_user(request, pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, need, comment_form=form)
    try:
        services.comment_add(
            author=request.user,
            need=need,
            text=form.cleaned_data["text"],
            is_anonymous=form.cleaned_data["is_anonymous"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("programmes:need_detail", pk=need.pk)
    messages.success(request, _("Thank you. Your comment is added."))
    return redirect("programmes:need_detail", pk=need.pk)


# --- Moderation (coordinators) -------------------------------------------------------------


@require_POST
@role_required(Role.COORDINATOR)
def need_hide(request: LoggedInRequest, pk: int) -> HttpResponse:
    need = get_need_for_user(request, pk)
    form = HideForm(request.POST)
    if not form.is_valid():
        return render(request, "programmes/need_hide.html", {"need": need, "form": form})
    services.need_hide(need=need, reason=form.cleaned_data["reason"])
    messages.success(request, _("The need is hidden. Only coordinators can see it now."))
    return redirect("programmes:need_detail", pk=need.pk)


@require_POST
@role_required(Role.COORDINATOR)
def comment_hide(request: LoggedInRequest, pk: int) -> HttpResponse:
    comment = get_comment_for_user(request, pk)
    form = HideForm(request.POST)
    if not form.is_valid():
        return render(request, "programmes/comment_hide.html", {"comment": comment, "form": form})
    services.comment_hide(comment=comment, reason=form.cleaned_data["reason"])
    messages.success(request, _("The comment is hidden. Only coordinators can see it now."))
    return redirect("programmes:need_detail", pk=comment.need_id)


@role_required(Role.COORDINATOR)
def need_merge(request: LoggedInRequest, pk: int) -> HttpResponse:
    need = get_need_for_user(request, pk)
    if need.status not in rules.NEED_ACTIVE:
        messages.error(request, _("Only open or shortlisted needs can be merged."))
        return redirect("programmes:need_detail", pk=need.pk)
    form = NeedMergeForm(request.POST or None, source=need)
    if request.method == "POST" and form.is_valid():
        target = form.cleaned_data["target"]
        try:
            services.need_merge(source=need, target=target)
        except ValidationError as error:
            form.add_error("target", error)
        else:
            messages.success(request, _("Merged. The supports now count for this need."))
            return redirect("programmes:need_detail", pk=target.pk)
    return render(request, "programmes/need_merge.html", {"need": need, "form": form})


@require_POST
@role_required(Role.COORDINATOR)
def need_shortlist(request: LoggedInRequest, pk: int) -> HttpResponse:
    need = get_need_for_user(request, pk)
    try:
        need = services.need_shortlist(need=need)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if need.status == Need.Status.SHORTLISTED:
            messages.success(request, _("Shortlisted for the next priority round."))
        else:
            messages.success(request, _("Taken off the shortlist."))
    return redirect("programmes:need_detail", pk=need.pk)
