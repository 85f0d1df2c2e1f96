"""Personal data held by outreach: contacts, referrals, risk and violence records, attendance
and the hotspots a worker serves (members.personal_data explains the registry)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from members.models import Assignment, Person
from members.personal_data import Delete, Keep, before_merge, exempt, register, wipe
from outreach.models import (
    Attendance,
    Contact,
    GroupActivity,
    Referral,
    RiskAssessment,
    TracingAttempt,
    ViolenceIncident,
    ZeroReport,
)


@before_merge
def _attend_once(*, keep: Person, remove: Person) -> None:
    """Attendance is once per activity: where both records came, the kept one's row is enough."""
    Attendance.objects.filter(
        person=remove, activity__in=Attendance.objects.filter(person=keep).values("activity")
    ).delete()


register(
    Contact,
    key="contacts",
    label=_("Your contacts with outreach workers"),
    person="person",
    staff="worker",
    fields={
        "contacted_on": _("Date"),
        "kind": _("Kind"),
        "hotspot.name": _("Hotspot"),
        "male_condoms": _("Male condoms"),
        "female_condoms": _("Female condoms"),
        "lubricant": _("Lubricant sachets"),
        "self_test_kits": _("HIV self-test kits"),
        "stated_monthly_need": _("Condoms you said you need a month"),
        "weekly_acts": _("Clients a week"),
        "topics": _("Topics"),
        "needs_raised": _("Needs raised"),
        "violence_reported": _("Violence reported"),
    },
    computed={"topics": lambda contact: [str(Contact.Topic(t).label) for t in contact.topics]},
    order_by=("-contacted_on", "-pk"),
    erase=wipe(
        needs_raised=None,
        says=_("Kept as anonymous counts; what you said you needed is wiped."),
    ),
)
register(
    ViolenceIncident,
    key="violence",
    label=_("Violence you reported"),
    person="person",
    fields={
        "contact.contacted_on": _("Reported on"),
        "kind": _("What happened"),
        "notes": _("Notes"),
        "follow_up_on": _("Follow up on"),
        "followed_up_at": _("Followed up"),
    },
    order_by=("-follow_up_on", "-pk"),
    erase=wipe(notes=None, says=_("Kept as a count; the notes are wiped.")),
)
register(
    Referral,
    key="referrals",
    label=_("Referrals to other services"),
    person="person",
    staff="made_by",
    fields={
        "made_on": _("Made on"),
        "partner.name": _("Where"),
        "service": _("Service"),
        "due_on": _("Due by"),
        "status": _("Status"),
        "attended_on": _("Attended on"),
        "outcome": _("Outcome"),
        "outcome_on": _("Outcome on"),
    },
    order_by=("-made_on", "-pk"),
    erase=wipe(
        outcome=None,
        says=_("Kept as counts for the partner; what the service said is wiped."),
    ),
)
register(
    TracingAttempt,
    key="tracing",
    label=_("Times we looked for you about a referral"),
    person="referral__person",
    staff="worker",
    fields={"attempted_on": _("Date"), "method": _("How"), "outcome": _("Outcome")},
    order_by=("-attempted_on", "-pk"),
    erase=Keep(_("Kept as counts of follow-up; they hold no words about you.")),
)
register(
    RiskAssessment,
    key="risk_assessments",
    label=_("Risk assessments"),
    person="person",
    staff="assessed_by",
    fields={
        "assessed_on": _("Assessed on"),
        "factors": _("Factors"),
        "is_priority": _("Priority"),
        "reassess_on": _("Reassess on"),
    },
    order_by=("-assessed_on", "-pk"),
    erase=Delete(),
)
register(
    Attendance,
    key="attendance",
    label=_("Group activities you came to"),
    person="person",
    fields={
        "activity.held_on": _("Date"),
        "activity.kind": _("Kind"),
        "activity.title": _("Activity"),
    },
    order_by=("-activity__held_on", "-pk"),
    erase=Keep(_("Kept as counts of who came; nothing in them names you.")),
)
register(
    Assignment,
    key="assignments",
    label=_("Hotspots you serve"),
    login="worker",
    fields={"hotspot.name": _("Hotspot"), "starts_on": _("From"), "ends_on": _("Until")},
    order_by=("-starts_on", "-pk"),
    erase=Keep(_("Kept: coverage and caseloads of the past count the hotspots served.")),
)

exempt(
    RiskAssessment.factors.through,
    reason="The factors of one risk assessment: shown and erased with it (risk_assessments).",
)
exempt(
    GroupActivity,
    reason="Reaches people only through its facilitator (staff at work) and Attendance, "
    "which is registered.",
)
exempt(
    ZeroReport,
    reason="A worker's day with no contacts: their work, like the contacts they log, shown on "
    "My week; it holds only the date.",
)
