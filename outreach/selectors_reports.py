"""Reads for the coordinators' list of contacts and its CSV exports: the choices of its filter,
the contacts matching it, one page of them and the lines of the export. Contacts and hotspots
come already scoped by outreach.access and members.access."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date

from django.db.models import Q, QuerySet

from members.models import Hotspot, User
from outreach.indicators_contacts import COMMODITIES
from outreach.models import Contact

# Only what the list shows is loaded: nothing encrypted is decrypted on its page.
LISTED = (
    "contacted_on",
    "kind",
    *COMMODITIES,
    "person__nickname",
    "hotspot__name",
    "worker__username",
)

# A line of the contacts export: contact number, date, person number, hotspot name, worker's
# login name, kind, then the goods in the order of COMMODITIES.
ExportRow = tuple[int, date, int, str, str, str, int, int, int, int]


def workers_ever_assigned() -> QuerySet[User]:
    """Outreach workers and anyone ever assigned to a hotspot, so a worker who has left can still
    be chosen; names only, in order (one query where the filter reads it)."""
    return (
        User.objects.filter(Q(is_outreach_worker=True) | Q(assignments__isnull=False))
        .distinct()
        .only("username")
        .order_by("username")
    )


def hotspots_by_name(hotspots: QuerySet[Hotspot]) -> QuerySet[Hotspot]:
    """The hotspots (scoped by hotspots_visible_to) by name, names only: their encrypted safety
    notes are not decrypted to fill a menu."""
    return hotspots.only("name").order_by("name")


def contacts_matching(
    contacts: QuerySet[Contact],
    *,
    hotspot: Hotspot | None,
    worker: User | None,
    kind: str | None,
) -> QuerySet[Contact]:
    """The contacts (scoped by contacts_visible_to) at `hotspot`, by `worker` and of `kind`,
    leaving out any filter not given."""
    filters = {"hotspot": hotspot, "worker": worker, "kind": kind}
    return contacts.filter(**{name: value for name, value in filters.items() if value})


def contacts_listed(contacts: QuerySet[Contact]) -> QuerySet[Contact]:
    """The contacts as the list shows them, newest first: only LISTED is loaded, with the person,
    hotspot and worker joined (one query a page)."""
    return (
        contacts.select_related("person", "hotspot", "worker")
        .only(*LISTED)
        .order_by("-contacted_on", "-pk")
    )


def hotspot_names(hotspots: QuerySet[Hotspot], ids: Iterable[int]) -> dict[int, str]:
    """{id: name} of the hotspots among `hotspots` (scoped by hotspots_visible_to) with these
    ids (one query)."""
    return dict(hotspots.filter(pk__in=ids).values_list("pk", "name"))


def contact_export_rows(contacts: QuerySet[Contact], chunk: int) -> Iterator[ExportRow]:
    """One ExportRow per contact, oldest first, read `chunk` rows at a time as the caller
    iterates: nothing is queried before the first row is asked for."""
    rows = contacts.order_by("contacted_on", "pk").values_list(
        "pk", "contacted_on", "person_id", "hotspot__name", "worker__username", "kind", *COMMODITIES
    )
    return rows.iterator(chunk)
