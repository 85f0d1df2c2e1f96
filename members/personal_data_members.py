"""Personal data held by members and by the Django and allauth apps beneath it: the record, the
login and what hangs on them (members.personal_data explains the registry). The order here is
the order of My data."""

from __future__ import annotations

import secrets
from typing import Any

from allauth.account.models import EmailAddress, EmailConfirmation
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.contrib.admin.models import LogEntry
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

from members.models import (
    AccessLog,
    Consent,
    Employment,
    ErasureRequest,
    Invitation,
    NotificationPreference,
    OutsideAccess,
    PasswordResetCode,
    Person,
    PossibleDuplicate,
    Reminder,
    Submission,
    User,
)
from members.personal_data import Delete, Keep, Run, register, wipe
from members.roles import held_roles

# Why the access log stays whole, on every registration that shows it.
LOG_KEPT = _(
    "Kept: nobody can change or delete the access log, so what staff did stays accountable. "
    "It holds no name, only record numbers."
)


def actor_role(actor: User) -> str:
    """Who looked, as a role rather than a username. Outreach workers are community members
    too: their logins are not handed to everyone they serve, and a member's phone or downloaded
    file may be read by a partner. The role is enough to raise a concern with the organization;
    coordinators see the exact login in the full log. A login with several roles shows the one
    with the widest access."""
    if actor.is_superuser:
        return _gettext("an administrator")
    if actor.is_coordinator:
        return _gettext("a coordinator")
    if actor.is_outreach_worker:
        return _gettext("an outreach worker")
    return _gettext("a member of staff")


def _about(entry: AccessLog) -> str:
    """What a staff member's logged action was about: a record or a login, by number only."""
    if entry.person_id is not None:
        return _gettext("record #%(pk)d") % {"pk": entry.person_id}
    return _gettext("login #%(pk)d") % {"pk": entry.login_id}


def _end_sessions(rows: QuerySet[Any]) -> None:
    # Ending a session also removes it from the session store: the phone is logged out.
    for session in rows.select_for_update():
        session.end()


def _admin_log_about(people: list[int], login: User | None) -> Q:
    """Lines of Django's admin log about this login. The admin writes each object's name into
    its lines: the username for the login, "username @ hotspot" for an assignment, "username ·
    role" for a post, so a name that starts with the username is about them (and never about
    "ana.b" when the login is "ana")."""
    if login is None:
        return Q(pk__in=[])
    users = ContentType.objects.get_for_model(User)
    return (
        Q(content_type=users, object_id=str(login.pk))
        | Q(object_repr=login.username)
        | Q(object_repr__startswith=f"{login.username} ")
    )


register(
    Person,
    key="details",
    label=_("Your details"),
    person=("pk", "merged_into"),
    login="user",
    staff="registered_by",
    fields={
        "nickname": _("Nickname"),
        "gender_identity": _("Gender identity"),
        "age_band": _("Age band"),
        "typology": _("Where you work"),
        "hotspot.name": _("Main hotspot"),
        "languages": _("Languages"),
        "status": _("Status"),
        "is_member": _("Member of the organization"),
        "member_since": _("Member since"),
        "phone": _("Phone"),
        "email": _("E-mail"),
        "notes": _("Notes"),
        "registered_at": _("Registered on"),
    },
    # Your own record first, then any earlier record merged into it.
    order_by=(F("merged_into").asc(nulls_first=True), "pk"),
    note=_(
        "We also keep a scrambled form of your code, so outreach workers can find your record. "
        "It cannot be turned back into your code."
    ),
    erase=wipe(
        nickname="",
        languages="",
        phone=None,
        email=None,
        notes=None,
        # A random hash: the same code given later starts a new, unrelated record.
        uic_hash=lambda: secrets.token_hex(32),
        status=Person.Status.LEFT,
        is_member=False,
        user=None,
        erased_at=timezone.now,
        says=_(
            "Your nickname, languages, phone, e-mail, notes and code are wiped. Age band, gender "
            "identity, where you work and main hotspot stay, so the counts stay right."
        ),
    ),
)
register(
    User,
    key="login",
    label=_("Your login"),
    login="pk",
    fields={
        "username": _("Username"),
        "roles": _("Roles"),
        "email": _("E-mail"),
        "date_joined": _("Created on"),
        "last_login": _("Last login"),
        "is_active": _("Can log in"),
    },
    computed={"roles": lambda user: [str(role.label) for role in held_roles(user)]},
    erase=wipe(
        username=lambda: f"erased-{secrets.token_hex(6)}",
        email="",
        is_active=False,
        password=lambda: make_password(None),
        says=_("Your username and e-mail are wiped and the login can no longer be used."),
    ),
)
register(
    Consent,
    key="consents",
    label=_("Your consent choices"),
    person="person",
    fields={"purpose": _("Purpose"), "given_at": _("Given on"), "withdrawn_at": _("Withdrawn on")},
    order_by=("-given_at", "-pk"),
    erase=wipe(
        withdrawn_at=timezone.now,
        only=Q(withdrawn_at__isnull=True),
        says=_("Every consent still given is withdrawn; the dates of your choices stay."),
    ),
)
register(
    AccessLog,
    key="access_log",
    label=_("Who looked at your record or changed your login"),
    person="person",
    login="login",
    staff="actor",
    fields={"at": _("When"), "by": _("Who"), "action": _("What")},
    # The reason and detail staff typed stay out: free text can name other people or places,
    # and this page and its download may be seen by someone else on a shared phone.
    computed={"by": lambda entry: actor_role(entry.actor)},
    related=("actor",),
    order_by=("-at", "-pk"),
    shown=50,
    note=_(
        "Each time staff open or change your record or your login, it is written here. Nobody "
        "can change or delete these lines."
    ),
    empty=_("No one from staff has opened your record or changed your login."),
    erase=Keep(LOG_KEPT),
)
register(
    UserSession,
    key="sessions",
    label=_("Where you are signed in"),
    login="user",
    fields={
        "created_at": _("Signed in"),
        "last_seen_at": _("Last seen"),
        "ip": _("Network"),
        "user_agent": _("Browser"),
    },
    order_by=("-last_seen_at", "-pk"),
    erase=Run(_end_sessions, says=_("Every session ends: each phone is logged out.")),
)
register(
    AccessLog,
    key="actions_logged",
    label=_("What you did that is logged"),
    login="actor",
    fields={"at": _("When"), "action": _("What"), "about": _("About")},
    computed={"about": _about},
    order_by=("-at", "-pk"),
    shown=50,
    note=_("Records you opened or changed and logins you managed, newest first."),
    erase=Keep(LOG_KEPT),
)
register(
    Employment,
    key="employment",
    label=_("Your posts on the staff"),
    login="user",
    fields={
        "role": _("Role"),
        "is_community_member": _("Community member"),
        "is_paid": _("Paid"),
        "monthly_pay": _("Monthly pay"),
        "hours_per_week": _("Hours per week"),
        "started_on": _("Started on"),
        "ended_on": _("Ended on"),
    },
    order_by=("-started_on", "-pk"),
    erase=Keep(_("Kept: the staffing figures (pay, paid posts, turnover) count every post held.")),
)
register(
    Submission,
    key="form_keys",
    label=_("Forms you sent in the last day"),
    note=_(
        "Kept for a day so that a form sent twice by mistake saves once; only a digest of the "
        "answers, never the answers themselves."
    ),
    login="user",
    fields={"created_at": _("Sent")},
    order_by=("-created_at", "-pk"),
    erase=Delete(),
)
register(
    Reminder,
    key="reminders",
    label=_("Your reminders"),
    login="user",
    fields={
        "kind": _("Kind"),
        "due_on": _("Due on"),
        "status": _("Status"),
        "sent_at": _("Sent"),
        "done_at": _("Done"),
    },
    order_by=("-due_on", "-pk"),
    erase=Delete(),
)
register(
    NotificationPreference,
    key="reminder_preferences",
    label=_("How and when you get reminders"),
    login="user",
    fields={
        "by_email": _("Also by e-mail"),
        "sender_name": _("Sender name"),
        "quiet_from": _("No reminders from"),
        "quiet_until": _("Until"),
        "muted_kinds": _("Kinds you do not want"),
    },
    computed={
        "muted_kinds": lambda preference: [
            str(Reminder.Kind(kind).label)
            for kind in preference.muted_kinds
            if kind in Reminder.Kind.values
        ]
    },
    erase=Delete(),
)
register(
    EmailAddress,
    key="login_email_addresses",
    label=_("E-mail addresses of your login"),
    login="user",
    fields={"email": _("E-mail"), "verified": _("Confirmed"), "primary": _("Main address")},
    erase=Delete(),
)
register(
    EmailConfirmation,
    key="login_email_confirmations",
    label=_("E-mail confirmations sent"),
    login="email_address__user",
    fields={"email_address.email": _("E-mail"), "created": _("Created"), "sent": _("Sent")},
    erase=Delete(),
)
register(
    Authenticator,
    key="two_factor",
    label=_("Two-factor authentication"),
    login="user",
    # The secret itself is never shown, nor put in the download.
    fields={"type": _("Kind"), "created_at": _("Set up on"), "last_used_at": _("Last used")},
    erase=Delete(),
)
register(
    Invitation,
    key="invitations",
    label=_("Invitation codes made for you"),
    person="person",
    staff="created_by",
    fields={"created_at": _("Made on"), "expires_at": _("Expires"), "used_at": _("Used on")},
    erase=Delete(),
)
register(
    PasswordResetCode,
    key="reset_codes",
    label=_("Password reset codes made for your login"),
    login="login",
    staff="created_by",
    fields={"created_at": _("Made on"), "expires_at": _("Expires"), "used_at": _("Used on")},
    erase=Delete(),
)
register(
    OutsideAccess,
    key="outside_openings",
    label=_("Openings of your record from another hotspot"),
    person="person",
    staff="worker",
    # The reason the worker typed stays out, as in the access log.
    fields={"granted_at": _("Opened"), "expires_at": _("Until")},
    erase=Delete(),
)
register(
    PossibleDuplicate,
    key="possible_duplicates",
    label=_("Checks for a second record of you"),
    person=("person", "other"),
    staff="resolved_by",
    fields={"found_at": _("Found"), "reason": _("Why"), "resolution": _("Decision")},
    erase=Delete(),
)
register(
    ErasureRequest,
    key="erasure_requests",
    label=_("Your requests for erasure"),
    person="person",
    staff="confirmed_by",
    fields={"requested_at": _("Asked on"), "confirmed_at": _("Confirmed on")},
    erase=Keep(_("Kept: the proof that you asked for erasure and that it was done.")),
)
register(
    LogEntry,
    key="admin_log",
    label=_("Changes made in the administration"),
    login="user",
    find=_admin_log_about,
    fields={
        "action_time": _("When"),
        "action_flag": _("What"),
        "kind": _("Kind of record"),
        "object_repr": _("Record"),
    },
    computed={"kind": lambda entry: entry.content_type and entry.content_type.name},
    related=("content_type",),
    order_by=("-action_time", "-pk"),
    erase=wipe(
        object_repr="",
        change_message="",
        says=_("The names written in the administration's log are wiped."),
    ),
)
register(
    User.groups.through,
    key="login_groups",
    label=_("Permission groups of your login"),
    login="user",
    fields={"group.name": _("Group")},
    erase=Delete(),
)
register(
    User.user_permissions.through,
    key="login_permissions",
    label=_("Permissions of your login"),
    login="user",
    fields={"permission.name": _("Permission")},
    erase=Delete(),
)
