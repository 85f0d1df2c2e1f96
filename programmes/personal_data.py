"""Personal data held by programmes: needs, comments and support, whether one is on a round's
roll and voted (never what they chose), committees, sign-ups and follows (members.personal_data
explains the registry)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from members.personal_data import Delete, Keep, exempt, register, wipe
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

register(
    Need,
    key="needs",
    label=_("Needs you raised"),
    login="author",
    staff="entered_by",
    fields={
        "created_at": _("When"),
        "title": _("The need"),
        "details": _("More details"),
        "category": _("Category"),
        "status": _("Status"),
        "is_anonymous": _("Your name hidden from other members"),
    },
    order_by=("-created_at", "-pk"),
    # Wiped rather than deleted: other members' support, merged needs and a round's options may
    # point at it, and the engagement indicator counts the needs submitted.
    erase=wipe(
        title="",
        details="",
        hidden_reason="",
        status=Need.Status.WITHDRAWN,
        says=_("Withdrawn: your words are wiped; the need still counts as one raised."),
    ),
)
register(
    Comment,
    key="comments",
    label=_("Your comments on needs"),
    login="author",
    fields={"created_at": _("When"), "need.title": _("On the need"), "text": _("Comment")},
    order_by=("-created_at", "-pk"),
    erase=Delete(),
)
register(
    Support,
    key="supports",
    label=_("Needs you support"),
    login="member",
    fields={"created_at": _("Since"), "need.title": _("The need")},
    order_by=("-created_at", "-pk"),
    erase=Keep(_("Kept: your support still counts for the need; it holds no words of yours.")),
)
register(
    RollEntry,
    key="votes",
    label=_("Priority rounds you could vote in"),
    login="member",
    # Whether they voted, never what: ballots carry no link to anyone (programmes.models).
    fields={
        "round.title": _("Round"),
        "has_voted": _("Voted"),
        "voted_in_person": _("Voted in person"),
        "assisted": _("Had help"),
    },
    order_by=("-round__opens_at", "-pk"),
    erase=Keep(_("Kept: the number who could vote and who voted must match the published count.")),
)
register(
    Teller,
    key="tellers",
    label=_("Rounds you are a teller for"),
    login="user",
    fields={
        "round.title": _("Round"),
        "accepted_at": _("Accepted"),
        "share_shown_at": _("Your words were shown"),
    },
    order_by=("-round__opens_at", "-pk"),
    erase=Keep(_("Kept: the round's count needs to know which share was yours.")),
)
register(
    Stage.committee.through,
    key="committees",
    label=_("Planning committees you sit on"),
    login="user",
    fields={"stage.programme.title": _("Programme"), "stage.kind": _("Stage")},
    erase=Delete(),
)
register(
    SignUp,
    key="sign_ups",
    label=_("Programmes you offered to help"),
    login="member",
    fields={"created_at": _("When"), "programme.title": _("Programme")},
    order_by=("-created_at", "-pk"),
    erase=Delete(),
)
register(
    Follow,
    key="follows",
    label=_("Programmes you follow"),
    login="member",
    fields={"programme.title": _("Programme")},
    erase=Delete(),
)

# The secret ballot (shared/reference/voting.md): nothing may tie a ballot or a count to anyone.
BALLOT = "Secret ballot: unlinkable from voters by design; reaches a login only through the "
exempt(EncryptedBallot, reason=BALLOT + "coordinator who created the round.")
exempt(CountedBallot, reason=BALLOT + "coordinator who created the round.")
exempt(Tracker, reason=BALLOT + "coordinator who created the round (trackers name no one).")
exempt(ShareGiven, reason="A teller's share for the count: names no one; deleted by the count.")
exempt(Result, reason=BALLOT + "coordinator who created the round (counts only).")
# The programme's own records reach people only as the staff who did the work.
exempt(Round, reason="A round: reaches a login only as the coordinator who created it.")
exempt(
    Option,
    reason="A ballot option: the coordinator's words, published to every voter; the need it "
    "came from is registered and wiped on its author's erasure.",
)
exempt(Programme, reason="A programme: reaches a login only as its responsible peer staff.")
exempt(Stage, reason="A stage: its committee is registered (committees); the rest is counts.")
exempt(ProgrammeActivity, reason="An activity: reaches a login only as the staff responsible.")
exempt(BudgetLine, reason="A budget line: reaches people only through its programme and option.")
exempt(Update, reason="A programme's news: reaches a login only as the staff who posted it.")
