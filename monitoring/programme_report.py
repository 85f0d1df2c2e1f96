"""The programme's own reportable figures for a half of the financial year, for funders and the
national system beside KP_PREV: contacts, people reached, goods given, referrals made and
completed, violence responded to. The same definitions as the dashboard's, as plain counts over
the half-year (monitoring.kp_prev.HalfYear); only counts, never a person."""

from __future__ import annotations

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from monitoring.kp_prev import HalfYear
from outreach.models import Contact, Referral, ViolenceIncident

# name: (label, definition)
FIGURES = {
    "contacts": (_("Contacts"), _("Contacts of every kind logged in the half-year.")),
    "people_reached": (
        _("People reached"),
        _("People with at least one contact in the half-year, each counted once."),
    ),
    "male_condoms": (_("Male condoms given"), _("Given at contacts in the half-year.")),
    "female_condoms": (_("Female condoms given"), _("Given at contacts in the half-year.")),
    "lubricant": (_("Lubricant sachets given"), _("Given at contacts in the half-year.")),
    "referrals_made": (_("Referrals made"), _("Referrals made in the half-year.")),
    "referrals_completed": (
        _("Referrals completed"),
        _("Referrals made in the half-year that the person attended."),
    ),
    "violence_responded": (
        _("Violence responded to"),
        _("Reports of violence in the half-year whose follow-up was done."),
    ),
}


def programme_figures(half: HalfYear) -> dict[str, int]:
    """Three queries, whatever the data."""
    period = half.period
    contacts = Contact.objects.filter(
        contacted_on__gte=period.first, contacted_on__lte=period.last
    ).aggregate(
        contacts=Count("pk"),
        people_reached=Count("person", distinct=True),
        male_condoms=Sum("male_condoms"),
        female_condoms=Sum("female_condoms"),
        lubricant=Sum("lubricant"),
    )
    referrals = Referral.objects.filter(
        made_on__gte=period.first, made_on__lte=period.last
    ).aggregate(
        referrals_made=Count("pk"),
        referrals_completed=Count("pk", filter=Q(attended_on__isnull=False)),
    )
    responded = ViolenceIncident.objects.filter(
        contact__contacted_on__gte=period.first,
        contact__contacted_on__lte=period.last,
        followed_up_at__isnull=False,
    ).count()
    figures = {**contacts, **referrals, "violence_responded": responded}
    return {name: int(figures[name] or 0) for name in FIGURES}
