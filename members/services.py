"""Writes about people and logins. Each function validates, then saves inside one transaction."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import ForeignObjectRel, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from members import codes, personal_data
from members.models import (
    AccessLog,
    Consent,
    Employment,
    ErasureRequest,
    Hotspot,
    Invitation,
    NotificationPreference,
    OutsideAccess,
    PasswordResetCode,
    Person,
    PossibleDuplicate,
    User,
)
from members.roles import Role, has_role

# --- Logins ----------------------------------------------------------------------------------


class LoginChangeRefused(Exception):
    """A suspension or reactivation the rules forbid; the message says why, for the page."""


def user_end_all_sessions(*, user: User, actor: User | None = None) -> int:
    """End every session of `user` at once (a lost or seized phone). Returns how many ended.
    Done by someone (`actor`), it goes to the access log."""
    with transaction.atomic():
        sessions = list(UserSession.objects.select_for_update().filter(user=user))
        for session in sessions:
            session.end()
        if actor is not None:
            access_log_write(
                actor=actor,
                login=user,
                person=_record_of(user),
                action=AccessLog.Action.END_SESSIONS,
                detail=f"{len(sessions)} session(s)",
            )
    return len(sessions)


def user_suspend_refusal(*, actor: User, user: User, active_coordinators: int) -> str | None:
    """Why `actor` may not suspend `user`, or None. An administrator is managed only in the
    administration site; nobody locks themself out; the last coordinator stays, or nobody could
    manage logins any more."""
    if user.is_superuser:
        return _("An administrator's login cannot be suspended here.")
    if user.pk == actor.pk:
        return _("You cannot suspend your own login.")
    if user.is_active and user.is_coordinator and active_coordinators <= 1:
        return _(
            "%(username)s is the only active coordinator. Without them nobody could manage "
            "logins: ask an administrator to make someone else a coordinator first."
        ) % {"username": user.username}
    return None


def user_suspend(*, actor: User, user: User) -> int:
    """Lost phone, one step: the login stops working and every open session ends. Returns how
    many sessions ended; raises LoginChangeRefused (see user_suspend_refusal). The login and
    every active coordinator are locked first, in one order, so two coordinators suspending each
    other at once cannot leave none: the second sees the first's change and is refused."""
    with transaction.atomic():
        locked = list(
            User.objects.select_for_update()
            .filter(Q(pk=user.pk) | Q(is_coordinator=True, is_active=True))
            .order_by("pk")
        )
        user = next(u for u in locked if u.pk == user.pk)
        active_coordinators = sum(u.is_active and u.is_coordinator for u in locked)
        refusal = user_suspend_refusal(
            actor=actor, user=user, active_coordinators=active_coordinators
        )
        if refusal is not None:
            raise LoginChangeRefused(refusal)
        if not user.is_active:
            return 0  # a second tap: already done and logged
        User.objects.filter(pk=user.pk).update(is_active=False)
        ended = user_end_all_sessions(user=user)
        access_log_write(
            actor=actor,
            login=user,
            person=_record_of(user),
            action=AccessLog.Action.SUSPEND,
            detail=f"{ended} session(s) ended",
        )
    return ended


def is_erased_login(user: User) -> bool:
    """The login of someone whose data was erased (person_erase renames it and takes away its
    password): closed for good."""
    return user.username.startswith("erased-") and not user.has_usable_password()


def user_reactivate_refusal(*, user: User) -> str | None:
    """Why a suspended login may not be turned back on, or None."""
    if is_erased_login(user):
        return _("This login was closed when its owner's data was erased. It stays closed.")
    if user.is_superuser:
        return _("An administrator's login is managed in the administration site.")
    return None


def user_reactivate(*, actor: User, user: User) -> bool:
    """Turn a suspended login back on. True when it was suspended; raises LoginChangeRefused
    for an erased login or an administrator's."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        refusal = user_reactivate_refusal(user=user)
        if refusal is not None:
            raise LoginChangeRefused(refusal)
        if user.is_active:
            return False
        User.objects.filter(pk=user.pk).update(is_active=True)
        user.is_active = True
        access_log_write(
            actor=actor, login=user, person=_record_of(user), action=AccessLog.Action.REACTIVATE
        )
    return True


def _record_of(user: User) -> Person | None:
    """The person's record linked to a login, if any: a line about their login is theirs to see."""
    return Person.objects.filter(user=user).first()


# --- Access log ------------------------------------------------------------------------------


def access_log_write(
    *,
    actor: User,
    action: str,
    person: Person | None = None,
    login: User | None = None,
    detail: str = "",
    reason: str = "",
) -> AccessLog:
    """One line of the append-only log, about a person's record, a login, or both."""
    return AccessLog.objects.create(
        actor=actor,
        person=person,
        login=login,
        action=action,
        detail=detail[:200],
        reason=reason[:200],
    )


# --- People ----------------------------------------------------------------------------------


def person_register(*, actor: User, uic_hash: str, **fields: Any) -> Person:
    """Register someone new. The caller has already looked the code up; a record with the same
    code or the same nickname, hotspot and age band is flagged for a coordinator, never merged."""
    with transaction.atomic():
        person = Person.objects.create(uic_hash=uic_hash, registered_by=actor, **fields)
        access_log_write(actor=actor, person=person, action=AccessLog.Action.CREATE)
        others = Person.objects.filter(merged_into__isnull=True, erased_at__isnull=True).exclude(
            pk=person.pk
        )
        same_code = others.filter(uic_hash=uic_hash)
        similar = Person.objects.none()
        if person.nickname and person.hotspot_id and person.age_band:
            similar = others.filter(
                nickname__iexact=person.nickname, hotspot=person.hotspot, age_band=person.age_band
            ).exclude(uic_hash=uic_hash)
        PossibleDuplicate.objects.bulk_create(
            [PossibleDuplicate(person=person, other=o, reason="same_code") for o in same_code]
            + [PossibleDuplicate(person=person, other=o, reason="similar") for o in similar]
        )
    return person


def person_update(*, actor: User, person: Person, changed: list[str]) -> Person:
    """Save the fields of a person that were changed through a form, and only those: a field
    nobody touched is never written back. The log names the fields, never their values. A
    move to another hotspot is for coordinators only and gets its own line, naming both."""
    with transaction.atomic():
        before = (
            Person.objects.select_for_update(of=("self",))
            .select_related("hotspot")
            .get(pk=person.pk)
        )
        moved = person.hotspot_id != before.hotspot_id
        if moved and not has_role(actor, Role.COORDINATOR):
            raise PermissionDenied("Only a coordinator moves a person to another hotspot.")
        fields = [name for name in changed if name != "hotspot"]
        person.save(update_fields=fields + (["hotspot"] if moved else []))
        if moved:
            access_log_write(
                actor=actor,
                person=person,
                action=AccessLog.Action.MOVE,
                detail=f"from {_hotspot_label(before.hotspot)} to {_hotspot_label(person.hotspot)}",
            )
        if fields or not moved:
            access_log_write(
                actor=actor, person=person, action=AccessLog.Action.CHANGE, detail=", ".join(fields)
            )
    return person


def _hotspot_label(hotspot: Hotspot | None) -> str:
    # A hotspot's name and number: never anything about the person.
    return f"{hotspot.name} (#{hotspot.pk})" if hotspot is not None else "no hotspot"


def outside_access_grant(*, worker: User, person: Person, reason: str) -> OutsideAccess:
    """A worker reaches someone outside their hotspots: a stated reason, logged, for a few hours."""
    now = timezone.now()
    with transaction.atomic():
        grant = OutsideAccess.objects.create(
            worker=worker,
            person=person,
            reason=reason,
            granted_at=now,
            expires_at=now + timedelta(hours=settings.OUTSIDE_ACCESS_HOURS),
        )
        access_log_write(
            actor=worker, person=person, action=AccessLog.Action.OPEN_OUTSIDE, reason=reason
        )
    return grant


# Rows that stay with the record they were written about: the log is append-only, and the
# duplicate pairs are resolved by the merge itself.
_NOT_MOVED = {AccessLog, PossibleDuplicate}


def person_merge(*, actor: User, keep: Person, remove: Person) -> Person:
    """Move everything that points at `remove` (contacts, referrals, attendance, consents, ...)
    to `keep`, in one transaction; `remove` stays as an empty pointer to `keep`."""
    if keep.pk == remove.pk:
        raise ValueError("A record cannot be merged into itself.")
    with transaction.atomic():
        keep, remove = (
            Person.objects.select_for_update().get(pk=keep.pk),
            Person.objects.select_for_update().get(pk=remove.pk),
        )
        for step in personal_data.MERGE_STEPS:
            step(keep=keep, remove=remove)
        # One open consent per purpose: the kept record's own consent wins.
        kept_purposes = keep.consents.filter(withdrawn_at__isnull=True).values("purpose")
        remove.consents.filter(withdrawn_at__isnull=True, purpose__in=kept_purposes).update(
            withdrawn_at=timezone.now()
        )
        # Every reverse relation: related_objects leaves out those with related_name="+".
        for relation in Person._meta.get_fields(include_hidden=True):
            if not isinstance(relation, ForeignObjectRel):
                continue
            model = relation.related_model
            if model in _NOT_MOVED or relation.one_to_one or relation.many_to_many:
                continue
            name = relation.field.name
            model._default_manager.filter(**{name: remove}).update(**{name: keep})
        if keep.user_id is None and remove.user_id is not None:
            keep.user, remove.user = remove.user, None
            remove.save(update_fields=["user"])
            keep.save(update_fields=["user"])
        remove.merged_into = keep
        remove.save(update_fields=["merged_into"])
        PossibleDuplicate.objects.filter(
            Q(person__in=[keep, remove]) & Q(other__in=[keep, remove]), resolution=""
        ).update(resolution="merged", resolved_by=actor, resolved_at=timezone.now())
        for person in (keep, remove):
            access_log_write(
                actor=actor,
                person=person,
                action=AccessLog.Action.MERGE,
                detail=f"#{remove.pk} into #{keep.pk}",
            )
    return keep


def duplicate_mark_different(*, actor: User, duplicate: PossibleDuplicate) -> None:
    PossibleDuplicate.objects.filter(pk=duplicate.pk).update(
        resolution="different", resolved_by=actor, resolved_at=timezone.now()
    )


# --- Consent ---------------------------------------------------------------------------------


def has_consent(person: Person, purpose: str) -> bool:
    return person.consents.filter(purpose=purpose, withdrawn_at__isnull=True).exists()


# A contact detail is kept only while the person consents to its use (SPEC rule 2).
CONTACT_DETAIL: dict[str, str] = {
    Consent.Purpose.EMAIL_REMINDERS: "email",
    Consent.Purpose.SMS_REMINDERS: "phone",
}


def consent_set(*, person: Person, purpose: str, given: bool) -> None:
    """Give or withdraw consent for one purpose; the times of both are kept. Without the
    consent to reminders by e-mail or SMS the address or number is deleted (and e-mail
    reminders switched off, so the preferences page tells the truth)."""
    with transaction.atomic():
        open_consent = person.consents.select_for_update().filter(
            purpose=purpose, withdrawn_at__isnull=True
        )
        if given and not open_consent.exists():
            Consent.objects.create(person=person, purpose=purpose)
        elif not given:
            open_consent.update(withdrawn_at=timezone.now())
            detail = CONTACT_DETAIL.get(purpose)
            if detail:
                Person.objects.filter(pk=person.pk).update(**{detail: None})
                setattr(person, detail, None)
            if detail == "email" and person.user_id:
                NotificationPreference.objects.filter(user_id=person.user_id).update(by_email=False)


# --- Own data and erasure --------------------------------------------------------------------


def person_erase(*, actor: User, person: Person) -> None:
    """Erase a person as every app's registry entries say (members.personal_data): what
    identifies them is wiped or deleted, their login closed, and what the programme's counts
    need stays without them. Their open request is confirmed and the erasure logged."""
    now = timezone.now()
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        ErasureRequest.objects.filter(person=person, confirmed_at__isnull=True).update(
            confirmed_by=actor, confirmed_at=now
        )
        personal_data.erase(person=person, login=person.user)
        access_log_write(actor=actor, person=person, action=AccessLog.Action.ERASE)


# --- Own data --------------------------------------------------------------------------------


def erasure_request_create(*, person: Person) -> tuple[ErasureRequest, bool]:
    """A member asks for erasure. Asking again while a request is open changes nothing: the
    person's row is locked, so two taps at once still make one request. Returns the open
    request and whether it is new."""
    with transaction.atomic():
        Person.objects.select_for_update().only("pk").get(pk=person.pk)
        open_request = person.erasure_requests.filter(confirmed_at__isnull=True).first()
        if open_request is not None:
            return open_request, False
        return ErasureRequest.objects.create(person=person), True


# --- Staff -----------------------------------------------------------------------------------


def employment_save(*, employment: Employment) -> Employment:
    """Create or change a post. The form has already explained any mistake beside its field;
    checking again here keeps other callers from reaching the database's constraints."""
    with transaction.atomic():
        employment.full_clean()
        employment.save()
    return employment


# --- Codes handed over in person: invitations and password reset codes ------------------------
# Both kinds live in members.codes: a keyed hash only, shown once, single use, expiring, and the
# holder's older codes void when a new one is made. Redeeming checks the code before anything
# else, so a wrong code is told nothing about usernames or logins.

INVITATION_ALPHABET = codes.ALPHABET
INVITATION_CODE_LENGTH = RESET_CODE_LENGTH = 10
_INVITATION = "members.invitation.code"
_RESET = "members.password_reset.code"


class CodeRefused(Exception):
    """The code is unknown, already used or expired, or its login cannot use it now; on
    purpose, nobody is told which."""


class UsernameTaken(Exception):
    """Said only to someone holding a valid invitation code."""


def invitation_code_hash(code: str) -> str:
    return codes.code_hash(code, purpose=_INVITATION)


def invitation_create(*, actor: User, person: Person) -> tuple[Invitation, str]:
    """A new single-use code for `person`, returned once, grouped for reading (ABCD-EFGH-JK):
    only its keyed hash is stored. Their older unused codes stop working."""
    with transaction.atomic():
        # Serialises two invitations for the same person: only the newest stays usable.
        person = Person.objects.select_for_update().get(pk=person.pk)
        if person.user_id is not None or person.erased_at is not None:
            raise ValueError("This person cannot be invited: they have a login or were erased.")
        invitation, code = codes.issue(
            Invitation,
            purpose=_INVITATION,
            length=INVITATION_CODE_LENGTH,
            lifetime=timedelta(days=settings.INVITATION_DAYS),
            created_by=actor,
            person=person,
        )
        access_log_write(actor=actor, person=person, action=AccessLog.Action.INVITE)
    return invitation, code


def invitation_redeem(*, code: str, username: str, password: str) -> User:
    """Create the invited person's login and use up the code. Raises CodeRefused, whatever the
    reason, so the answer says nothing about which codes exist; only then UsernameTaken."""
    with transaction.atomic():
        # Locks the invitation and its person: the same code sent twice creates one login.
        invitation = codes.take(Invitation, code, purpose=_INVITATION, related="person")
        if invitation is None:
            raise CodeRefused
        person = invitation.person
        if person.user_id is not None or person.erased_at or person.merged_into_id:
            raise CodeRefused
        # Logging in ignores case, so two usernames differing only in case would clash.
        if User.objects.filter(username__iexact=username).exists():
            raise UsernameTaken
        user = User.objects.create_user(
            username=username, password=password, is_member=person.is_member
        )
        person.user = user
        person.save(update_fields=["user"])
        invitation.used_at = timezone.now()
        invitation.save(update_fields=["used_at"])
    return user


def password_reset_code_hash(code: str) -> str:
    return codes.code_hash(code, purpose=_RESET)


def password_reset_code_create(*, actor: User, login: User) -> tuple[PasswordResetCode, str]:
    """A new single-use code with which the owner of `login` chooses a new password, returned
    once; their older unused codes stop working. Who may ask is members.access's to decide."""
    with transaction.atomic():
        # Serialises two codes for the same login: only the newest stays usable.
        login = User.objects.select_for_update().get(pk=login.pk)
        if not login.is_active:
            raise ValueError("A suspended or erased login gets no reset code.")
        # Nobody may hand one out for an administrator: the admin keeps its own door.
        if login.is_superuser or login.is_staff:
            raise ValueError("An administrator's login gets no reset code.")
        reset, code = codes.issue(
            PasswordResetCode,
            purpose=_RESET,
            length=RESET_CODE_LENGTH,
            lifetime=timedelta(hours=settings.RESET_CODE_HOURS),
            created_by=actor,
            login=login,
        )
        person = Person.objects.filter(user=login).first()
        access_log_write(
            actor=actor, login=login, person=person, action=AccessLog.Action.RESET_CODE
        )
    return reset, code


def password_reset_code_redeem(*, code: str, password: str) -> User:
    """Set the new password of the code's login, use up the code and end every session of the
    login. Raises CodeRefused (whatever the reason), then ValidationError for a password the
    validators refuse, leaving the code usable."""
    with transaction.atomic():
        # Locks the code and its login: the same code sent twice sets one password.
        reset = codes.take(PasswordResetCode, code, purpose=_RESET, related="login")
        if reset is None or not reset.login.is_active:
            raise CodeRefused
        user = reset.login
        password_validation.validate_password(password, user=user)
        user.set_password(password)
        user.save(update_fields=["password"])
        reset.used_at = timezone.now()
        reset.save(update_fields=["used_at"])
        user_end_all_sessions(user=user)
    return user


def notification_preference_get_or_create(*, user: User) -> NotificationPreference:
    """The login's saved preferences, created with the defaults if there are none yet: a save
    needs the row (get_or_create, so two first saves at once both find it)."""
    preference, _created = NotificationPreference.objects.get_or_create(user=user)
    return preference


def notification_preference_save(
    *, preference: NotificationPreference, person: Person | None, email_address: str
) -> None:
    """Save the preferences as the form changed them. The reminder address and the consent to
    use it change together: kept and given while e-mail is chosen, deleted and withdrawn when it
    is not (data minimisation). A login without a record has nowhere to keep an address, so its
    reminders stay in the inbox. A person's own change is not written to the access log, which
    records staff (as on the own data page)."""
    if person is None:
        preference.by_email = False
    with transaction.atomic():
        preference.save()
        if person is None:
            return
        if preference.by_email:
            person.email = email_address
            person.save(update_fields=["email"])
        # Withdrawing also deletes the address (members.services.consent_set).
        consent_set(
            person=person, purpose=Consent.Purpose.EMAIL_REMINDERS, given=preference.by_email
        )
