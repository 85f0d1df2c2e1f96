"""Sending a form twice saves once; starting a form again saves again.

Every page with a form that creates something carries a key in its address (`?key=...`): a page
asked for without one is sent on, at once, to the same address with a fresh key, and its forms
carry that key in a hidden field (`{% form_key %}`). Going Back to the page brings back the same
address, so the same key, while the browser refills what was typed (pages are never cached, so
it fetches them again). Starting anew, from a link or the menu, asks for the page without a key
and gets a fresh one.

When a form arrives, its key, the view it was sent to and a keyed digest of its answers are
claimed in one row before the view runs, inside the view's transaction:

- the same key, view and answers were saved before (a double tap, Back and send again, a
  network retry): the view does not run; the person is led where the first send led, and told;
- the same key and view with other answers (Back, change something, send again): the server
  cannot tell a correction from a second entry, so the view runs and saves (the contact form,
  whose service knows the key too, says so and offers an Undo);
- anything else is a new entry and is always saved.

Two sends at the same moment queue on the row's unique index, so the second sees the first's
result. A send the view refuses (the form shows its errors again) releases its claim.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import timedelta
from functools import wraps
from typing import Any, overload
from uuid import UUID, uuid4

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from members.models import Submission, User

# The hidden field of the form, and the parameter of the page's address.
FIELD = "form_key"
PARAM = "key"
# A resend is recognised for this long; beat deletes older rows (purge_submissions).
KEEP_HOURS = 24
# Never part of the digest: they change between two sends of the same answers.
_NOT_ANSWERS = {FIELD, "csrfmiddlewaretoken"}

View = Callable[..., HttpResponse]


def parse_key(raw: str | None) -> UUID | None:
    try:
        return UUID(raw or "")
    except ValueError:
        return None


def address_with_fresh_key(request: HttpRequest) -> str:
    """The page's own address, other parameters kept, with a new key: a new, empty form."""
    query = request.GET.copy()
    query[PARAM] = str(uuid4())
    return f"{request.path}?{query.urlencode()}"


def saved(request: HttpRequest, url: str) -> None:
    """For a view that answers a successful send with a page rather than a redirect (a code shown
    once): a resend leads to `url` instead of saving again."""
    request.resend_saved_url = url  # type: ignore[attr-defined]  # read back by _once


def nothing_saved(request: HttpRequest) -> None:
    """For a view whose form also looks things up (find a code): this send saved nothing, so
    sending it again must do the same again, not say "already saved"."""
    request.resend_saved_url = ""  # type: ignore[attr-defined]  # read back by _once


def _scope(request: HttpRequest) -> str:
    match = request.resolver_match
    if match is None:  # called outside the URL resolver (a view tested directly)
        return request.path[:200]
    arguments = ",".join(f"{name}={value}" for name, value in sorted(match.kwargs.items()))
    return f"{match.view_name}:{arguments}"[:200]


def _digest(request: HttpRequest) -> str:
    """A keyed digest of the answers as sent. Passwords and the fields a view declares
    sensitive (`sensitive_post_parameters`: handed codes) stay out: a fast digest of a password
    would undo its slow hash."""
    sensitive = getattr(request, "sensitive_post_parameters", ())
    return digest_of(
        (name, "" if sensitive == "__ALL__" or name in sensitive else value)
        for name in request.POST
        for value in request.POST.getlist(name)
    )


def digest_of(answers: Iterable[tuple[str, str]]) -> str:
    """A keyed digest of a form's answers, every value of every field, in a stable order.
    Keyed, so the table cannot be used to try out guesses of what someone typed."""
    kept = sorted(
        (name, value)
        for name, value in answers
        if name not in _NOT_ANSWERS and "password" not in name
    )
    payload = json.dumps(kept, ensure_ascii=False)
    return salted_hmac("members.resend", payload, algorithm="sha256").hexdigest()


def _owner(request: HttpRequest, *, unlinked: bool) -> User | None:
    user = getattr(request, "user", None)
    return None if unlinked or user is None or not user.is_authenticated else user


@overload
def resend_safe(view: View, *, unlinked: bool = False) -> View: ...


@overload
def resend_safe(view: None = None, *, unlinked: bool = False) -> Callable[[View], View]: ...


def resend_safe(
    view: View | None = None, *, unlinked: bool = False
) -> View | Callable[[View], View]:
    """Make a view's page carry a key (GET) and its creating form safe to send twice (POST).
    `unlinked=True` for forms that must never be tied to whoever sent them (feedback): their
    rows name no login."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method in ("GET", "HEAD"):
                key = parse_key(request.GET.get(PARAM))
                if key is None:
                    return HttpResponseRedirect(address_with_fresh_key(request))
                request.form_key = key  # type: ignore[attr-defined]  # for {% form_key %}
                # Back to a page whose form was already sent (to this page or, from a page
                # such as a need's, to another address): it says so and offers a new one.
                sent = Submission.objects.filter(
                    key=key, user=_owner(request, unlinked=unlinked)
                ).exists()
                request.form_restart_url = (  # type: ignore[attr-defined]  # for base.html
                    address_with_fresh_key(request) if sent else None
                )
                return view(request, *args, **kwargs)
            if request.method != "POST":
                return view(request, *args, **kwargs)
            key = parse_key(request.POST.get(FIELD)) or parse_key(request.GET.get(PARAM))
            if key is None:
                # An old page or a script: nothing to recognise it by; saved as it comes.
                request.form_key = uuid4()  # type: ignore[attr-defined]  # for the view
                return view(request, *args, **kwargs)
            return _once(view, request, key, unlinked, args, kwargs)

        # A mark the tests read to list every resend-safe view.
        wrapper.resend_safe = True  # type: ignore[attr-defined]
        return wrapper

    return decorate(view) if view is not None else decorate


def _once(
    view: View,
    request: HttpRequest,
    key: UUID,
    unlinked: bool,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> HttpResponse:
    answered: list[HttpResponse] = []

    def save(key: UUID) -> str | None:
        request.form_key = key  # type: ignore[attr-defined]  # for the view and {% form_key %}
        response = view(request, *args, **kwargs)
        answered.append(response)
        result = getattr(request, "resend_saved_url", None)
        if result is None and response.status_code in (301, 302, 303):
            result = response["Location"]
        return result

    owner = _owner(request, unlinked=unlinked)
    earlier = run_once(
        owner=owner, key=key, scope=_scope(request), digest=_digest(request), save=save
    )
    if earlier is not None:
        messages.info(
            request, _("This was already saved. Sending the same form again saves nothing new.")
        )
        return HttpResponseRedirect(earlier)
    return answered[0]


def run_once(
    *,
    owner: User | None,
    key: UUID,
    scope: str,
    digest: str,
    save: Callable[[UUID], str | None],
) -> str | None:
    """Claim (key, scope, digest) and run `save` with the key to save under; `save` returns
    where its result is shown, or nothing when it saved nothing (the claim is released).
    Returns the address of the earlier result instead, without running `save`, when the same
    owner already saved the same answers under this key. An exception from `save` undoes the
    claim with everything else."""
    scope = scope[:200]
    with transaction.atomic():
        same = Submission.objects.filter(key=key, scope=scope, digest=digest).first()
        if same is None:
            try:
                # A savepoint: the same answers sent at this very moment wait here on the
                # unique index, then find the first send's row (committed with its result).
                with transaction.atomic():
                    claim = Submission.objects.create(
                        key=key, scope=scope, digest=digest, user=owner
                    )
            except IntegrityError:
                same = Submission.objects.get(key=key, scope=scope, digest=digest)
        if same is not None and same.user_id == getattr(owner, "pk", None) and same.result_url:
            return same.result_url
        if same is not None:
            # Someone else's key (copied from an address): their row stays theirs; this send
            # is a new entry under a key of its own.
            key = uuid4()
            claim = Submission.objects.create(key=key, scope=scope, digest=digest, user=owner)
        result = save(key)
        # A page, a refusal or nothing_saved(): the corrected form may use the key again.
        if result:
            claim.result_url = result[:500]
            claim.save(update_fields=["result_url"])
        else:
            claim.delete()
    return None


# Where the session keeps an offer to undo what was just saved, and for how long it holds.
UNDO_SESSION_KEY = "resend_undo"
UNDO_MINUTES = 10


def offer_undo(request: HttpRequest, url: str) -> None:
    """The next page shows an Undo button that posts to `url` (which checks the time itself)."""
    request.session[UNDO_SESSION_KEY] = url


def take_undo_offer(request: HttpRequest) -> str | None:
    """The undo offer, once: shown on the next page like a message, then gone."""
    session = getattr(request, "session", None)
    if session is None or UNDO_SESSION_KEY not in session:
        return None
    return session.pop(UNDO_SESSION_KEY)


def submissions_purge() -> int:
    """Delete rows older than KEEP_HOURS: by then nobody resends a form by mistake."""
    cutoff = timezone.now() - timedelta(hours=KEEP_HOURS)
    deleted, _kinds = Submission.objects.filter(created_at__lt=cutoff).delete()
    return deleted
