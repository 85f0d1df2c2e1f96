"""The tellers of a priority round, who hold its key between them (SECURITY.md, the ballot).

The coordinator names them while the round is being prepared. Each agrees with their password
before it opens; once it is open, each sees their share once, as words to write down; once it
is closed, enough of them enter their words (each on their own login, or together on the
coordinator's device at a meeting) and the votes are counted. Words travel only in the body of
a POST and in the page that answers it: never in a URL, the session, a message or a log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from members.roles import LoggedInRequest, Role, role_required
from programmes import selectors, services
from programmes.access import get_round_for_coordinator, get_teller_for_user
from programmes.forms import PasswordForm, ShareForm, TellersForm
from programmes.models import Round, Teller


@require_http_methods(["GET", "POST"])
@role_required(Role.COORDINATOR)
def round_tellers(request: LoggedInRequest, pk: int) -> HttpResponse:
    round_ = get_round_for_coordinator(request, pk)
    if round_.status != Round.Status.DRAFT:
        messages.error(request, _("This round has opened: its tellers cannot change."))
        return redirect("programmes:round_manage_detail", pk=round_.pk)
    named = selectors.tellers(round_)
    initial = {"usernames": "\n".join(t.user.username for t in named) or None}
    form = TellersForm(request.POST or None, initial={**initial, "needed": round_.tellers_needed})
    if request.method == "POST" and form.is_valid():
        try:
            users, needed = form.cleaned_data["usernames"], form.cleaned_data["needed"]
            services.tellers_name(round=round_, users=users, needed=needed)
        except ValidationError as error:
            form.add_error("usernames", error)
        else:
            messages.success(request, _("Tellers named. Each must now agree, on their own login."))
            return redirect("programmes:round_manage_detail", pk=round_.pk)
    return render(request, "programmes/round_tellers.html", {"round": round_, "form": form})


def _teller_page(request: HttpRequest, teller: Teller, **context: object) -> HttpResponse:
    return render(
        request,
        "programmes/round_teller.html",
        {"teller": teller, "round": teller.round, **context},
    )


def share_given(request: HttpRequest, round_: Round, form: ShareForm) -> str | None:
    """Enter the words of a valid form: a message, or None when refused (on the form)."""
    try:
        result = services.share_give(round=round_, words=form.cleaned_data["words"])
    except ValidationError as error:
        form.add_error("words", error)
        return None
    if result is not None:
        return _("The votes are counted. The results are out.")
    return _("Thank you. The votes are counted when enough tellers have entered their words.")


def _teller_count(request: HttpRequest, teller: Teller) -> HttpResponse:
    form = ShareForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = share_given(request, teller.round, form)
        if done is not None:
            messages.success(request, done)
            return redirect("programmes:round_teller", pk=teller.round_id)
    return _teller_page(request, teller, form=form)


@sensitive_post_parameters("password", "words")
@require_http_methods(["GET", "POST"])
@login_required
def round_teller(request: LoggedInRequest, pk: int) -> HttpResponse:
    """One page for what a teller does next: agree, see their words once, or enter them."""
    teller = get_teller_for_user(request, pk)
    if teller.round.status == Round.Status.CLOSED:
        return _teller_count(request, teller)
    form = PasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        password = form.cleaned_data["password"]
        try:
            if teller.round.status == Round.Status.OPEN:
                words = services.teller_share_reveal(teller=teller, password=password)
                # Rendered, not redirected to: the words are in this answer and nowhere else.
                return _teller_page(request, teller, words=words)
            services.teller_accept(teller=teller, password=password)
        except ValidationError as error:
            form.add_error("password", error)
        else:
            messages.success(request, _("Thank you: you are a teller of this round."))
            return redirect("programmes:round_teller", pk=pk)
    return _teller_page(request, teller, form=form)
