"""Writes about needs, rounds, ballots and programmes. Each validates, then saves inside one
transaction."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from members.models import Person, User
from programmes import ballot_crypto, tally
from programmes.models import (
    BudgetLine,
    Comment,
    CountedBallot,
    EncryptedBallot,
    Follow,
    Need,
    Option,
    Programme,
    ProgrammeActivity,
    Result,
    RollEntry,
    Round,
    ShareGiven,
    SignUp,
    Stage,
    Support,
    Teller,
    Tracker,
    Update,
)
from programmes.rules import (
    CLOSED_TO_HELPERS,
    NEED_ACTIVE,
    NEED_SUPPORTS_MAX,
    ROUND_OPTIONS_MAX,
    ROUND_OPTIONS_MIN,
    round_tie_break,
    round_turnout_needed,
)
from programmes.selectors import round_eligible_members

# --- Programmes ------------------------------------------------------------------------------


def programme_create(*, programme: Programme) -> Programme:
    """Save a new programme with its four stages, empty: who from the community took part in each
    is recorded as the work goes on."""
    with transaction.atomic():
        programme.save()
        Stage.objects.bulk_create(
            [Stage(programme=programme, kind=kind) for kind in Stage.Kind.values]
        )
    return programme


def programme_save(*, programme: Programme) -> Programme:
    programme.save()
    return programme


def stage_save(*, stage: Stage, committee: list[User]) -> Stage:
    """The stage's dates and meeting figures, and its planning committee (members only)."""
    if any(not user.is_member for user in committee):
        raise ValidationError(_("Only members can sit on the planning committee."))
    with transaction.atomic():
        stage.save()
        stage.committee.set(committee)
    return stage


def programme_activity_add(*, activity: ProgrammeActivity) -> ProgrammeActivity:
    activity.save()
    return activity


def budget_line_add(*, line: BudgetLine) -> BudgetLine:
    line.save()
    return line


def programme_update_post(*, programme: Programme, author: User, text: str) -> Update:
    return Update.objects.create(programme=programme, posted_by=author, text=text)


def programme_signup_set(*, programme: Programme, member: User, wanted: bool) -> bool:
    """Say "I'll help", or no longer. Returns whether anything changed: a second tap of the same
    button (a double click, a slow network) changes nothing."""
    if not wanted:
        removed = SignUp.objects.filter(programme=programme, member=member).delete()[0]
        return bool(removed)
    if programme.status in CLOSED_TO_HELPERS:
        raise ValidationError(_("This programme has ended: it needs no more help."))
    return SignUp.objects.get_or_create(programme=programme, member=member)[1]


def programme_follow_set(*, programme: Programme, member: User, wanted: bool) -> bool:
    """Follow the updates of a programme, or stop. Returns whether anything changed."""
    if not wanted:
        removed = Follow.objects.filter(programme=programme, member=member).delete()[0]
        return bool(removed)
    return Follow.objects.get_or_create(programme=programme, member=member)[1]


# --- Needs ---


def members_to_name(worker: User) -> QuerySet[User]:
    """The members an outreach worker writing a need down at a meeting may name as its author:
    people of the hotspots assigned to them now who have a member login of their own. Never a
    login of staff (another worker, a coordinator, an administrator), and not someone opened
    from outside for a few hours: that opening is for their care, not for speaking for them."""
    people = Person.objects.at_hotspots_of(worker).filter(
        erased_at__isnull=True, user__isnull=False
    )
    return User.objects.filter(
        pk__in=people.values("user"),
        is_active=True,
        is_member=True,
        is_outreach_worker=False,
        is_coordinator=False,
        is_superuser=False,
    ).exclude(pk=worker.pk)


def need_submit(
    *,
    author: User,
    title: str,
    category: str,
    details: str = "",
    is_anonymous: bool = True,
    entered_by: User | None = None,
) -> Need:
    """A member raises a need, or an outreach worker writes one down at a meeting
    (`entered_by`), naming a member of their hotspots who agreed (`author`) or nobody: then the
    worker's login is kept as the author, the need stays anonymous, and it is shown as written
    down at a meeting, never as raised by the worker."""
    if entered_by is not None and entered_by.pk == author.pk:
        is_anonymous = True
    elif entered_by is not None and not members_to_name(entered_by).filter(pk=author.pk).exists():
        raise ValidationError(
            _("Only a member of your hotspots who agreed can be named."), code="not_yours"
        )
    need = Need(
        author=author,
        entered_by=entered_by,
        title=title.strip(),
        category=category,
        details=details.strip(),
        is_anonymous=is_anonymous,
    )
    need.full_clean(exclude=["status", "merged_into", "hidden_reason"])
    with transaction.atomic():
        need.save()
    return need


def need_support(*, member: User, need: Need) -> bool:
    """ "Me too". True when the support is new, False when it was already there (a second tap,
    or two taps at once). Raises ValidationError when the need is closed or the member already
    supports NEED_SUPPORTS_MAX needs."""
    if not member.is_member:
        raise ValidationError(_("Only members can support a need."), code="not_member")
    with transaction.atomic():
        # The member's row is the lock: two taps at once cannot both slip under the limit.
        User.objects.select_for_update().filter(pk=member.pk).first()
        need = Need.objects.select_for_update().get(pk=need.pk)
        if need.status not in NEED_ACTIVE:
            raise ValidationError(_("This need can no longer be supported."), code="closed")
        if Support.objects.filter(need=need, member=member).exists():
            return False
        used = Support.objects.filter(member=member, need__status__in=NEED_ACTIVE).count()
        if used >= NEED_SUPPORTS_MAX:
            raise ValidationError(
                _(
                    "You already support %(max)d needs, the most anyone can. To support this "
                    "one, take back your support from another need first."
                )
                % {"max": NEED_SUPPORTS_MAX},
                code="limit",
            )
        try:
            with transaction.atomic():
                Support.objects.create(need=need, member=member)
        except IntegrityError:
            # The unique constraint caught a simultaneous tap (on a database without row locks).
            return False
    return True


def need_unsupport(*, member: User, need: Need) -> bool:
    """Take a "Me too" back; True if there was one."""
    with transaction.atomic():
        deleted, _rows = Support.objects.filter(need=need, member=member).delete()
    return deleted > 0


def comment_add(*, author: User, need: Need, text: str, is_anonymous: bool = True) -> Comment:
    if need.status not in NEED_ACTIVE:
        raise ValidationError(_("This need is closed for comments."), code="closed")
    comment = Comment(need=need, author=author, text=text.strip(), is_anonymous=is_anonymous)
    comment.full_clean(exclude=["hidden_reason"])
    with transaction.atomic():
        comment.save()
    return comment


def need_hide(*, need: Need, reason: str) -> Need:
    """A coordinator hides a need from everyone else. Its supports stop counting towards each
    member's limit, since only open and shortlisted needs count."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Say why it is hidden."), code="reason")
    with transaction.atomic():
        need = Need.objects.select_for_update().get(pk=need.pk)
        need.status = Need.Status.HIDDEN
        need.hidden_reason = reason[:200]
        need.save(update_fields=["status", "hidden_reason"])
    return need


def comment_hide(*, comment: Comment, reason: str) -> Comment:
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Say why it is hidden."), code="reason")
    with transaction.atomic():
        Comment.objects.filter(pk=comment.pk).update(hidden_reason=reason[:200])
    comment.hidden_reason = reason[:200]
    return comment


def need_merge(*, source: Need, target: Need) -> int:
    """Merge a duplicate `source` into `target`, in one transaction. Supports move to the target;
    a member who supported both keeps one. Needs merged earlier into the source now point at the
    target, and a shortlisted source keeps its place on the shortlist through the target.
    Returns how many supports moved."""
    if source.pk == target.pk:
        raise ValidationError(_("A need cannot be merged into itself."), code="same")
    with transaction.atomic():
        # Both rows locked, lower id first, so two merges cannot deadlock or cross.
        locked = {
            n.pk: n
            for n in Need.objects.select_for_update()
            .filter(pk__in=[source.pk, target.pk])
            .order_by("pk")
        }
        source, target = locked[source.pk], locked[target.pk]
        if source.status not in NEED_ACTIVE or target.status not in NEED_ACTIVE:
            raise ValidationError(_("Only open or shortlisted needs can be merged."), code="closed")
        target_members = Support.objects.filter(need=target).values("member")
        Support.objects.filter(need=source, member__in=target_members).delete()
        moved = Support.objects.filter(need=source).update(need=target)
        Need.objects.filter(merged_into=source).update(merged_into=target)
        if source.status == Need.Status.SHORTLISTED and target.status == Need.Status.OPEN:
            target.status = Need.Status.SHORTLISTED
            target.save(update_fields=["status"])
        source.status = Need.Status.MERGED
        source.merged_into = target
        source.save(update_fields=["status", "merged_into"])
    return moved


def need_shortlist(*, need: Need) -> Need:
    """Put an open need on the shortlist for the next priority round, or take it off again."""
    with transaction.atomic():
        need = Need.objects.select_for_update().get(pk=need.pk)
        if need.status == Need.Status.OPEN:
            need.status = Need.Status.SHORTLISTED
        elif need.status == Need.Status.SHORTLISTED:
            need.status = Need.Status.OPEN
        else:
            raise ValidationError(_("Only open needs can be shortlisted."), code="closed")
        need.save(update_fields=["status"])
    return need


# --- Priority rounds and ballots ---
# The design is voting.md (c), rules R1-R15, with the ballots encrypted at cast (SECURITY.md):
# a ballot is written only by ballot_cast, as ciphertext; opened only by _count, with the shares
# of enough tellers; and then exists only as a counted ballot with nothing that points back.

rounds_log = logging.getLogger("programmes.rounds")


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def _lock_round(round: Round) -> Round:
    return Round.objects.select_for_update().get(pk=round.pk)


def round_save(*, round: Round) -> Round:
    """Create a round, or change it while it is still being prepared (never once it opened)."""
    with transaction.atomic():
        if round.pk is not None and _lock_round(round).status != Round.Status.DRAFT:
            raise _refuse(_("This round has opened: it can no longer be changed."), "not_draft")
        round.status = Round.Status.DRAFT
        round.save()
    return round


def option_save(*, option: Option) -> Option:
    """Add an option to a round being prepared, or change one: at most ROUND_OPTIONS_MAX, and a
    cost for each when the round shares a budget."""
    with transaction.atomic():
        locked = _lock_round(option.round)
        if locked.status != Round.Status.DRAFT:
            raise _refuse(_("This round has opened: its options cannot change."), "not_draft")
        others = locked.options.exclude(pk=option.pk) if option.pk else locked.options.all()
        if option.pk is None and others.count() >= ROUND_OPTIONS_MAX:
            raise _refuse(
                _("A round has at most %(max)d options.") % {"max": ROUND_OPTIONS_MAX}, "too_many"
            )
        if locked.budget is not None and option.cost is None:
            raise _refuse(_("Say what it would cost: this round shares a budget."), "cost")
        if option.pk is None:
            option.position = max((o.position for o in others), default=0) + 1
        option.save()
    return option


def option_delete(*, option: Option) -> None:
    with transaction.atomic():
        if _lock_round(option.round).status != Round.Status.DRAFT:
            raise _refuse(_("This round has opened: its options cannot change."), "not_draft")
        Option.objects.filter(pk=option.pk).delete()


TELLERS_MAX = 9


def tellers_name(*, round: Round, users: Sequence[User], needed: int) -> list[Teller]:
    """Name the tellers of a round being prepared (replacing any named before) and how many of
    them the count needs. Once the round opens they cannot change: if too many are lost, the
    round cannot be counted and a new one must be run."""
    users = list(dict.fromkeys(users))
    if not 2 <= needed <= len(users) <= TELLERS_MAX:
        raise _refuse(
            _(
                "Name between %(needed)d and %(max)d different people, and need at least 2 "
                "of them to count."
            )
            % {"needed": max(needed, 2), "max": TELLERS_MAX},
            "tellers",
        )
    with transaction.atomic():
        locked = _lock_round(round)
        if locked.status != Round.Status.DRAFT:
            raise _refuse(_("This round has opened: its tellers cannot change."), "not_draft")
        Teller.objects.filter(round=locked).delete()
        tellers = Teller.objects.bulk_create(
            [Teller(round=locked, user=user, index=i) for i, user in enumerate(users, 1)]
        )
        locked.tellers_needed = needed
        locked.save(update_fields=["tellers_needed"])
    round.tellers_needed = needed
    return tellers


def _stored(value: bytes | memoryview | None) -> bytes:
    """Key material read back from the database (a memoryview on PostgreSQL)."""
    if value is None:
        raise ValueError("Key material missing.")
    return bytes(value)


def _password_checked(teller: Teller, password: str) -> None:
    if not teller.user.check_password(password):
        raise _refuse(_("This is not your password."), "password")


@sensitive_variables("password")
def teller_accept(*, teller: Teller, password: str) -> Teller:
    """The teller agrees, with their password, before the round opens: a key pair for this
    round is made from it, and only its public half is kept, for their share to wait under."""
    _password_checked(teller, password)
    with transaction.atomic():
        if _lock_round(teller.round).status != Round.Status.DRAFT:
            raise _refuse(_("This round has opened: it is too late to accept."), "not_draft")
        teller.key_salt = secrets.token_bytes(ballot_crypto.SALT_BYTES)
        teller.public_key = ballot_crypto.teller_public_key(
            password, teller.key_salt, settings.TELLER_KEY_COST
        )
        teller.accepted_at = timezone.now()
        teller.save(update_fields=["key_salt", "public_key", "accepted_at"])
    return teller


@sensitive_variables("password", "words")
def teller_share_reveal(*, teller: Teller, password: str) -> str:
    """The teller's share as words, once: opened with their password, then deleted."""
    _password_checked(teller, password)
    with transaction.atomic():
        locked = Teller.objects.select_for_update().get(pk=teller.pk)
        if locked.share_box is None:
            raise _refuse(_("Your words have already been shown, or the round is over."), "shown")
        try:
            words = ballot_crypto.share_box_open(
                password,
                _stored(locked.key_salt),
                _stored(locked.share_box),
                settings.TELLER_KEY_COST,
            )
        except ballot_crypto.SharesRefused as refused:
            raise _refuse(
                _("Use the password you had when you agreed to be a teller."), "password"
            ) from refused
        locked.share_box = None
        locked.share_shown_at = timezone.now()
        locked.save(update_fields=["share_box", "share_shown_at"])
    teller.share_box, teller.share_shown_at = None, locked.share_shown_at
    return words


@sensitive_variables("shares")
def _round_key_split(round: Round) -> None:
    """Make the round's key pair, keep its public half, and seal each teller's share to the
    teller's key. The private key and the shares leave memory with this call."""
    tellers = list(
        Teller.objects.select_related("user").select_for_update(of=("self",)).filter(round=round)
    )
    if len(tellers) < round.tellers_needed:
        raise _refuse(
            _("Name at least %(count)d tellers first.") % {"count": round.tellers_needed},
            "tellers",
        )
    waiting = [t.user.username for t in tellers if t.public_key is None]
    if waiting:
        raise _refuse(
            _("Every teller must agree first. Still waiting for: %(names)s.")
            % {"names": ", ".join(waiting)},
            "tellers",
        )
    round.public_key, shares = ballot_crypto.round_key_make(round.tellers_needed, len(tellers))
    label = _share_label(round)
    for teller, share in zip(tellers, shares, strict=True):
        words = ballot_crypto.share_words(share, label)
        teller.share_box = ballot_crypto.share_box_seal(_stored(teller.public_key), words)
    Teller.objects.bulk_update(tellers, ["share_box"])


def round_open(*, round: Round, now: datetime | None = None) -> int:
    """Open a round and freeze its roll in the same transaction (R1): one row per eligible
    member now, and never another row afterwards, so nobody can be added late to work out a
    vote by difference (Loomio #12751). Returns the size of the roll."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_round(round)
        if locked.status != Round.Status.DRAFT:
            raise _refuse(_("This round is already open or over."), "not_draft")
        if locked.options.count() < ROUND_OPTIONS_MIN:
            raise _refuse(
                _("A round needs at least %(min)d options to open.") % {"min": ROUND_OPTIONS_MIN},
                "too_few",
            )
        if locked.opens_at > now:
            raise _refuse(_("It is not yet time to open this round."), "too_early")
        if locked.closes_at <= now:
            raise _refuse(_("Its closing time has passed: change it first."), "too_late")
        _round_key_split(locked)
        members = round_eligible_members().values_list("pk", flat=True)
        roll = RollEntry.objects.bulk_create(
            [RollEntry(round=locked, member_id=pk) for pk in members], batch_size=1000
        )
        locked.status = Round.Status.OPEN
        locked.save(update_fields=["status", "public_key"])
    round.status, round.public_key = locked.status, locked.public_key
    return len(roll)


@sensitive_variables("choices", "picked")
def _checked_choices(choices: Iterable[int], round: Round) -> list[int]:
    picked = sorted(set(choices))
    if not picked:
        raise _refuse(_("Choose at least one."), "none")
    if len(picked) > round.max_choices:
        raise _refuse(
            _("You can choose up to %(max)d. Please choose again.") % {"max": round.max_choices},
            "too_many",
        )
    if not set(picked) <= set(round.options.values_list("pk", flat=True)):
        raise _refuse(_("One of the choices is not in this vote. Please choose again."), "unknown")
    return picked


@sensitive_variables("choices", "picked")
def ballot_cast(
    *,
    round: Round,
    choices: Sequence[int],
    member: User | None = None,
    in_person: bool = False,
    assisted: bool = False,
    now: datetime | None = None,
) -> str:
    """Take one ballot, encrypted to the round's public key, and return its tracker, the
    voter's receipt (R3, R13). The one way a ballot is ever written:
    - online: `member` votes on their own roll row;
    - at a meeting: a coordinator marks `member` as voted in person (`assisted` if someone
      helped; the helper is never recorded, R14) and enters their paper ballot;
    - from the ballot box: without `member`, a paper ballot for one of the roll rows already
      marked in person and not yet entered (paper_ballots_enter).
    One transaction locks the round, then the roll row, and checks again that the round is open
    and the row has not voted, so two taps, two tabs or a vote racing the close give one ballot
    or a refusal, never two and never a lost one. Nothing here logs anything."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_round(round)
        if not locked.is_voting_time(now) or locked.public_key is None:
            raise _refuse(_("This vote is closed."), "closed")
        rows = RollEntry.objects.select_for_update().filter(round=locked)
        if member is not None:
            entry = rows.filter(member=member).first()
            if entry is None:
                raise _refuse(_("You are not on the list of voters of this round."), "not_on_roll")
            # Marked at a meeting: their paper is in the box, so they cannot also vote online.
            if entry.has_voted or entry.voted_in_person:
                raise _refuse(_("This vote has already been given."), "already_voted")
        else:
            entry = rows.filter(voted_in_person=True, has_voted=False).order_by("pk").first()
            if entry is None:
                raise _refuse(_("There are more paper ballots than people marked."), "no_paper")
            in_person = True
        picked = _checked_choices(choices, locked)
        # Encrypted before anything is written: the database never holds the choices.
        ciphertext = ballot_crypto.ballot_seal(_stored(locked.public_key), picked)
        EncryptedBallot.objects.create(round=locked, ciphertext=ciphertext)
        RollEntry.objects.filter(pk=entry.pk).update(
            has_voted=True,
            voted_in_person=in_person or entry.voted_in_person,
            assisted=assisted or entry.assisted,
        )
    return ballot_crypto.tracker(ciphertext)


def roll_mark_in_person(
    *, round: Round, member: User, assisted: bool = False, now: datetime | None = None
) -> None:
    """A member put a paper ballot in the box at a meeting: their row is marked now, so they
    cannot vote online too (R13), and the paper is entered later with the others."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_round(round)
        if not locked.is_voting_time(now):
            raise _refuse(_("This vote is closed."), "closed")
        entry = RollEntry.objects.select_for_update().filter(round=locked, member=member).first()
        if entry is None:
            raise _refuse(_("This member is not on this round's list of voters."), "not_on_roll")
        if entry.has_voted or entry.voted_in_person:
            raise _refuse(_("This member has already voted."), "already_voted")
        RollEntry.objects.filter(pk=entry.pk).update(voted_in_person=True, assisted=assisted)


@sensitive_variables("papers")
def paper_ballots_enter(
    *, round: Round, papers: Sequence[Sequence[int]], now: datetime | None = None
) -> int:
    """Enter the paper ballots of the box, all or none, in shuffled order (R13), each through
    ballot_cast for one of the rows marked in person. Returns how many were entered."""
    papers = list(papers)
    secrets.SystemRandom().shuffle(papers)
    with transaction.atomic():
        locked = _lock_round(round)
        waiting = RollEntry.objects.filter(
            round=locked, voted_in_person=True, has_voted=False
        ).count()
        if len(papers) > waiting:
            raise _refuse(
                _(
                    "There are more paper ballots (%(papers)d) than people marked as voting in "
                    "person and not yet entered (%(waiting)d)."
                )
                % {"papers": len(papers), "waiting": waiting},
                "no_paper",
            )
        for paper in papers:
            ballot_cast(round=locked, choices=paper, now=now)
    return len(papers)


def _destroy_ciphertexts(round: Round) -> None:
    """The round's encrypted ballots go with the table's files: TRUNCATE gives the table a new
    file and unlinks the old one at commit, whatever snapshot another transaction holds, where
    DELETE would leave every row in the file until a VACUUM that a held snapshot stops. Other
    rounds' ballots are copied out and back in the same transaction."""
    if connection.vendor != "postgresql":
        # The embedded default (SQLite) overwrites what it deletes; SECURITY.md says the
        # promise about files is PostgreSQL's.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA secure_delete = ON")
        EncryptedBallot.objects.filter(round=round).delete()
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE programmes_ballots_kept AS "
            "SELECT * FROM programmes_encryptedballot WHERE round_id <> %s",
            [round.pk],
        )
        # Checks deferred to the commit of rows written earlier in this transaction would stop
        # the TRUNCATE ("pending trigger events"): run them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE programmes_encryptedballot")
        cursor.execute(
            "INSERT INTO programmes_encryptedballot SELECT * FROM programmes_ballots_kept"
        )
        cursor.execute("DROP TABLE programmes_ballots_kept")


def _publish(round: Round, ballots: list[list[int]], trackers: int) -> Result | None:
    """Count the round's ballots with programmes.tally and publish the result: COUNTED, or VOID
    when fewer voted than the round needs (then no approvals are stored at all, R7). Refuses
    unless #ballots == #roll rows voted == #trackers (R9), and logs only the numbers. The caller
    holds the round's lock."""
    voters = RollEntry.objects.filter(round=round, has_voted=True).count()
    if not len(ballots) == voters == trackers:
        rounds_log.error(
            "Round %s not published: %d ballots, %d voted on the roll, %d trackers.",
            round.pk,
            len(ballots),
            voters,
            trackers,
        )
        return None
    approvals: dict[str, int] = {}
    selected: list[int] = []
    published = voters >= round_turnout_needed(round)
    if published:
        options = list(round.options.select_related("need"))
        counts = tally.approvals(ballots, [option.pk for option in options])
        approvals = {str(pk): n for pk, n in counts.items()}
        if round.budget is not None:
            selected = tally.equal_shares(
                ballots,
                {option.pk: option.cost or Decimal(0) for option in options},
                round.budget,
                round_tie_break(options),
            )
    result = Result.objects.create(
        round=round,
        approvals=approvals,
        selected=selected,
        ballots_counted=len(ballots),
        voters=voters,
    )
    round.status = Round.Status.COUNTED if published else Round.Status.VOID
    round.save(update_fields=["status"])
    return result


@sensitive_variables("shares", "opened")
def _count(round: Round, shares: list[ballot_crypto.Share]) -> Result | None:
    """With enough shares: rebuild the key in memory, decrypt every ballot, shuffle them, write
    the plain ballots and the sorted trackers, count, then destroy the ciphertexts and the
    stored shares, all in the caller's transaction (R4). The key lives only inside
    ballots_open."""
    ciphertexts = [
        bytes(c)
        for c in EncryptedBallot.objects.filter(round=round).values_list("ciphertext", flat=True)
    ]
    opened = ballot_crypto.ballots_open(shares, _stored(round.public_key), ciphertexts)
    secrets.SystemRandom().shuffle(opened)
    trackers = sorted(ballot_crypto.tracker(c) for c in ciphertexts)
    result = _publish(round, opened, len(trackers))
    if result is None:
        return None
    CountedBallot.objects.bulk_create(
        [CountedBallot(round=round, choices=c) for c in opened], batch_size=2000
    )
    Tracker.objects.bulk_create([Tracker(round=round, code=c) for c in trackers], batch_size=2000)
    _destroy_ciphertexts(round)
    ShareGiven.objects.filter(round=round).delete()
    Teller.objects.filter(round=round).update(share_box=None)
    return result


def share_give(*, round: Round, words: str) -> Result | None:
    """A teller's words for the count of a closed round. Fewer than the round needs are kept
    (they say nothing about the key); the last one needed is used at once, in memory, and the
    round is counted. Returns the result once counted, None while more tellers are needed."""
    with transaction.atomic():
        locked = _lock_round(round)
        if locked.status != Round.Status.CLOSED or locked.public_key is None:
            raise _refuse(_("This round is not waiting for its tellers."), "not_closed")
        try:
            share = ballot_crypto.share_from_words(words, _share_label(locked))
        except ballot_crypto.SharesRefused as refused:
            raise _refuse(
                _("These words are not a share of this round. Check every group."), "bad_share"
            ) from refused
        given = list(ShareGiven.objects.filter(round=locked))
        if share.index in {g.index for g in given}:
            raise _refuse(_("These words were already entered."), "already_given")
        shares = [_share_of(g) for g in given] + [share]
        if len(shares) < locked.tellers_needed:
            ShareGiven.objects.create(
                round=locked, index=share.index, share=share.first + share.second
            )
            return None
        try:
            return _count(locked, shares)
        except ballot_crypto.SharesRefused as refused:
            ShareGiven.objects.filter(round=locked).delete()
            raise _refuse(
                _(
                    "These words do not open the round together with those entered before. "
                    "Every teller must enter their words again."
                ),
                "shares_refused",
            ) from refused


def _share_label(round: Round) -> str:
    """What ties a share to its round: the round's public key, so a share from any other
    round, here or elsewhere, is refused."""
    return _stored(round.public_key).hex()


def _share_of(given: ShareGiven) -> ballot_crypto.Share:
    raw = bytes(given.share)
    half = len(raw) // 2
    return ballot_crypto.Share(given.index, raw[:half], raw[half:])


def round_close(*, round: Round) -> Round:
    """Stop the voting. The count waits for the tellers (share_give). A round from before
    ballots were encrypted (no public key) had its ballots moved to the counted ones by the
    migration and is counted here. Safe to run twice."""
    with transaction.atomic():
        locked = _lock_round(round)
        if locked.status == Round.Status.DRAFT:
            raise _refuse(_("This round has not opened yet."), "not_open")
        if locked.status == Round.Status.OPEN:
            locked.status = Round.Status.CLOSED
            locked.save(update_fields=["status"])
        if locked.status == Round.Status.CLOSED and locked.public_key is None:
            ballots = list(
                CountedBallot.objects.filter(round=locked).values_list("choices", flat=True)
            )
            _publish(locked, ballots, Tracker.objects.filter(round=locked).count())
    round.status = locked.status
    return locked


def rounds_close_due(now: datetime) -> int:
    """The minute job: close every open round whose time is up (its count waits for the
    tellers), and count any closed round from before ballots were encrypted. Returns how many
    rounds it handled."""
    due = Round.objects.filter(status=Round.Status.OPEN, closes_at__lte=now) | Round.objects.filter(
        status=Round.Status.CLOSED, public_key__isnull=True
    )
    handled = 0
    for round in due.order_by("closes_at"):
        try:
            round_close(round=round)
        except Exception:
            # One broken round must not keep the others open; the log names it, nothing more.
            rounds_log.exception("Round %s could not be closed.", round.pk)
            continue
        handled += 1
    return handled
