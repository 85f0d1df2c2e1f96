"""Personal data held by monitoring: the complaints a person raised. Feedback is never linked
to anyone (members.personal_data explains the registry)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from members.personal_data import exempt, register, wipe
from monitoring.models import Complaint, FeedbackCode

register(
    Complaint,
    key="complaints",
    label=_("Complaints you raised"),
    person="person",
    staff="handled_by",
    fields={
        "raised_on": _("Raised on"),
        "place": _("About"),
        "partner.name": _("Service"),
        "description": _("What happened"),
        "status": _("Status"),
        "resolution": _("What was done"),
        "closed_on": _("Closed on"),
    },
    order_by=("-raised_on", "-pk"),
    # The complaint stays for the quality indicator (raised and resolved), unlinked and wordless.
    erase=wipe(
        description="",
        resolution=None,
        person=None,
        says=_("Kept as a count, no longer linked to you; what you wrote and the reply are wiped."),
    ),
)

exempt(
    FeedbackCode,
    reason="A printed single-use code: reaches a login only as the staff member who printed it.",
)
