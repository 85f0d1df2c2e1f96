"""Session lifetime (SPEC rule 8, a lost or seized phone): staff sessions end after a quiet spell,
every session ends a fixed time after login, and logging out, changing a password or losing
one's login ends every session of that person, on every device.

The receivers below connect when this module is imported: the middleware imports it when the
request handler starts, and ``members.apps`` imports it in ``ready()`` so that saves made
outside a request (the admin shell, management commands) are covered too.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from allauth.account.signals import password_changed, password_reset, password_set
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db import transaction
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from members.roles import Role, Viewer, has_role

if TYPE_CHECKING:
    from django.contrib.sessions.backends.base import SessionBase

    from members.models import User

# Seconds since the epoch, so the session's JSON serializer stores them as they are.
LOGIN_AT = "_session_login_at"
SEEN_AT = "_session_seen_at"
# Last-seen is written at most this often: a session save per request would cost a write per page.
SEEN_WRITE_INTERVAL = 60
# Set on a request whose session expired: ending it must not end the person's other devices.
EXPIRED_MARK = "_session_expired"


def _now() -> int:
    return int(timezone.now().timestamp())


def is_staff_session(user: Viewer) -> bool:
    """Staff see other people's records: their sessions end after idle time, members' do not."""
    return bool(
        getattr(user, "is_staff", False)
        or has_role(user, Role.OUTREACH_WORKER)
        or has_role(user, Role.COORDINATOR)
        or has_role(user, Role.ADMINISTRATOR)
    )


def session_expired(session: SessionBase, user: Viewer, now: int) -> bool:
    """Whether the absolute lifetime, or for staff the idle time, has run out."""
    login_at = session.get(LOGIN_AT)
    if login_at is None:
        return False
    if now - int(login_at) > settings.SESSION_ABSOLUTE_LIFETIME:
        return True
    seen_at = int(session.get(SEEN_AT, login_at))
    return is_staff_session(user) and now - seen_at > settings.STAFF_IDLE_TIMEOUT


class SessionLifetimeMiddleware:
    """Ends expired sessions before any view runs. The request then goes on as an anonymous
    one, so LoginRequiredMiddleware sends it to the login page, where the message explains."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            self._check(request, user)
        return self.get_response(request)

    def _check(self, request: HttpRequest, user: User) -> None:
        session = request.session
        now = _now()
        if session.get(LOGIN_AT) is None:
            # A session from before this rule (or a login no receiver saw): its clock starts now.
            session[LOGIN_AT] = session[SEEN_AT] = now
        elif session_expired(session, user, now):
            setattr(request, EXPIRED_MARK, True)
            logout(request)
            messages.info(
                request, _("Your session has ended. Please log in again."), fail_silently=True
            )
        elif now - int(session.get(SEEN_AT, 0)) >= SEEN_WRITE_INTERVAL:
            session[SEEN_AT] = now


def user_end_other_sessions(*, user: User, keep: str | None = None) -> int:
    """End every session of `user` but `keep` (allauth's UserSession list); returns how many."""
    with transaction.atomic():
        sessions = list(
            UserSession.objects.select_for_update().filter(user=user).exclude(session_key=keep)
        )
        for session in sessions:
            session.end()
    return len(sessions)


# --- Receivers -------------------------------------------------------------------------------


@receiver(user_logged_in, dispatch_uid="members.sessions.start_clock")
def start_clock(sender: type[User], request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    """A fresh login starts both clocks, even on a session kept from before the login."""
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_AT] = request.session[SEEN_AT] = _now()


@receiver(user_logged_out, dispatch_uid="members.sessions.end_everywhere_on_logout")
def end_everywhere_on_logout(
    sender: type[User], request: HttpRequest | None, user: User | None, **kwargs: Any
) -> None:
    """Logging out on one device logs out every device (a phone left somewhere). An expired
    session ends alone: the person did not ask for the others to end."""
    if user is None or request is None:
        return
    if getattr(request, EXPIRED_MARK, False):
        key = request.session.session_key
        if key:
            UserSession.objects.filter(session_key=key).delete()
        return
    user_end_other_sessions(user=user)


@receiver(password_changed, dispatch_uid="members.sessions.end_everywhere_on_password_change")
@receiver(password_set, dispatch_uid="members.sessions.end_everywhere_on_password_set")
@receiver(password_reset, dispatch_uid="members.sessions.end_everywhere_on_password_reset")
def end_everywhere_on_password_change(
    sender: type[User], request: HttpRequest | None, user: User, **kwargs: Any
) -> None:
    """Django already refuses sessions made with the old password on their next request; this
    also removes them, so the logins page counts no ghosts. The session in hand stays when
    allauth keeps it (ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE off)."""
    keep = None
    if request is not None and getattr(request, "user", None) == user:
        keep = request.session.session_key
    user_end_other_sessions(user=user, keep=keep)


@receiver(post_save, sender=get_user_model(), dispatch_uid="members.sessions.end_on_suspend")
def end_everywhere_on_suspend(sender: type[User], instance: User, **kwargs: Any) -> None:
    """A login suspended anywhere (the admin, a script) loses its sessions at once."""
    if not instance.is_active:
        user_end_other_sessions(user=instance)


# --- Addresses ---------------------------------------------------------------------------------


def coarse_ip(address: str) -> str:
    """The network, not the device: IPv4 to its /24, IPv6 to its /48. Enough to tell a person
    "a phone in another town is signed in", not enough to find the phone."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        # A stored placeholder for "unknown": nothing listens on it.
        return "0.0.0.0"  # noqa: S104 # nosec B104
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False).network_address)


@receiver(pre_save, sender=UserSession, dispatch_uid="members.sessions.coarse_ip")
def store_coarse_ip(sender: type[UserSession], instance: UserSession, **kwargs: Any) -> None:
    """allauth keeps each session's address so people can see where they are signed in; a
    full address is more than that needs (security.md DP-8)."""
    if instance.ip:
        instance.ip = coarse_ip(str(instance.ip))
