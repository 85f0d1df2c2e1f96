"""The safety app's personal data (members.personal_data): reports are shown to and erased for
the person they are about. Erasure withdraws a report (it is never shown or sent again) and
wipes its words and who it was about; the row stays, without them, in the monthly counts."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from members.personal_data import Keep, exempt, register, wipe
from safety.models import Decision, RemovalRequest, Report

register(
    Report,
    key="safety_reports",
    label=_("Safety reports about you"),
    person="reporter",
    staff=("entered_by",),
    fields={
        "reference": _("Reference"),
        "happened_on": _("When it happened"),
        "status": _("Status"),
        "what_happened": _("In your own words"),
    },
    erase=wipe(
        reporter=None,
        area=None,
        what_happened=None,
        description=None,
        vehicle=None,
        phone_hash="",
        phone_end="",
        plate_hash="",
        plate_end="",
        status=Report.Status.WITHDRAWN,
        says=_("Withdrawn; the words and who it was about are wiped. Counted without them."),
    ),
)
register(
    Decision,
    key="safety_decisions",
    label=_("Your decisions as a moderator"),
    login="moderator",
    fields={"report.reference": _("Report"), "verdict": _("Decision")},
    erase=Keep(_("Kept: which moderators let an alert circulate is part of its record.")),
)
exempt(
    RemovalRequest,
    reason="A request from outside (its sender has no login): reaches a login only as the "
    "moderator who answered it.",
)
