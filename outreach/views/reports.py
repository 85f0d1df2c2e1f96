"""For coordinators: every contact, filtered by period, hotspot, worker and kind, and two CSV
exports of the same selection: counts by hotspot and month with small counts hidden, and one line
per contact, which writes an "export" line to the access log of every person in it."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse, QueryDict, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from common.periods import Period
from common.suppression import SuppressedTable, small_cell_minimum, suppress
from members.access import hotspots_visible_to
from members.roles import LoggedInRequest, Role, role_required
from outreach import services
from outreach.access import contacts_visible_to
from outreach.forms import ContactFilterForm
from outreach.indicators_contacts import (
    COMMODITIES,
    HotspotMonthFigures,
    by_hotspot_and_month,
    in_period,
)
from outreach.models import Contact
from outreach.selectors_reports import (
    contact_export_rows,
    contacts_listed,
    contacts_matching,
    hotspot_names,
    hotspots_by_name,
    workers_ever_assigned,
)
from outreach.spreadsheets import spreadsheet_row

PAGE_SIZE = 50
# Rows fetched at a time while a large export streams: memory stays flat.
EXPORT_CHUNK = 2000
FORMATS = ("aggregate", "rows")


def _filter_form(request: LoggedInRequest, data: QueryDict) -> ContactFilterForm:
    hotspots = hotspots_by_name(hotspots_visible_to(request.user))
    return ContactFilterForm(data, hotspots=hotspots, workers=workers_ever_assigned())


def _selected(request: LoggedInRequest, form: ContactFilterForm) -> QuerySet[Contact]:
    """The contacts this coordinator may see that match valid filters (form.is_valid() first)."""
    return contacts_matching(
        in_period(contacts_visible_to(request.user), form.period()),
        hotspot=form.cleaned_data.get("hotspot"),
        worker=form.cleaned_data.get("worker"),
        kind=form.cleaned_data.get("kind"),
    )


def _render_list(
    request: LoggedInRequest,
    form: ContactFilterForm,
    contacts: QuerySet[Contact],
    status: int = 200,
) -> HttpResponse:
    page = Paginator(contacts_listed(contacts), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "outreach/contact_list.html",
        {
            "form": form,
            "page": page,
            "can_export": not form.errors,
            "small_cell_min": small_cell_minimum(),
        },
        status=status,
    )


@role_required(Role.COORDINATOR)
def contact_list(request: LoggedInRequest) -> HttpResponse:
    # Queries, however many contacts: the count, one page of contacts with their people,
    # hotspots and workers, and the hotspots and workers of the filter (plus one each to check
    # a chosen hotspot or worker).
    data = request.GET.copy()
    if not any(data.get(name) for name in ("month", "date_from", "date_to")):
        # Without a period the list opens on this month: counting every contact ever, for the
        # pages, took 190 ms at 2,000,000 contacts. Dates from long ago show more.
        data["month"] = timezone.localdate().strftime("%Y-%m")
    form = _filter_form(request, data)
    if not form.is_valid():
        return _render_list(request, form, contacts_visible_to(request.user).none())
    return _render_list(request, form, _selected(request, form))


@require_GET
# role_required is typed for an HttpResponse; this view streams its CSV (StreamingHttpResponse).
@role_required(Role.COORDINATOR)  # type: ignore[arg-type]
def contact_export(request: LoggedInRequest) -> HttpResponseBase:
    form = _filter_form(request, request.GET)
    export_format = request.GET.get("format", "")
    if not form.is_valid() or export_format not in FORMATS:
        # The export links carry the list's filters: a broken link shows the list and why.
        return _render_list(request, form, contacts_visible_to(request.user).none(), status=400)
    contacts, period = _selected(request, form), form.period()
    slug = period.slug if period else "all"
    if export_format == "aggregate":
        return _csv_response(_aggregate_lines(request, contacts, period), f"export-{slug}.csv")
    services.contact_export_log(
        actor=request.user, contacts=contacts, detail=f"contact rows, {slug}"
    )
    return _csv_response(_contact_lines(contacts), f"export-{slug}-rows.csv")


# --- CSV -------------------------------------------------------------------------------------


class _Echo:
    """csv.writer writes to this and gets each line back, to stream it."""

    def write(self, value: str) -> str:
        return value


def _csv_response(lines: Iterable[Sequence[object]], filename: str) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def stream() -> Iterator[str]:
        yield "\ufeff"  # so a spreadsheet reads accented headers as UTF-8
        for line in lines:
            yield writer.writerow(spreadsheet_row(line))

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    # A neutral name: a downloads folder tells nothing about what the file holds.
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def _goods_headers() -> list[str]:
    return [_("Male condoms"), _("Female condoms"), _("Lubricant"), _("HIV self-test kits")]


def _aggregate_lines(
    request: LoggedInRequest, contacts: QuerySet[Contact], period: Period | None
) -> list[Sequence[object]]:
    """Counts by hotspot and month, with totals. Contacts and people reached hide their small
    counts and complements (common.suppression); goods are counts of items, not people."""
    figures = by_hotspot_and_month(contacts, period)
    names = hotspot_names(hotspots_visible_to(request.user), figures.hotspot_ids)
    hotspot_ids = sorted(figures.hotspot_ids, key=lambda pk: (names.get(pk, ""), pk))
    tables = {
        measure: suppress(
            [[figures.cell(h, m)[measure] for m in figures.months] for h in hotspot_ids],
            row_totals=[figures.by_hotspot[h][measure] for h in hotspot_ids],
            column_totals=[figures.by_month.get(m, {}).get(measure, 0) for m in figures.months],
            total=figures.overall[measure],
        )
        for measure in ("contacts", "people")
    }
    header = [_("Hotspot"), _("Month"), _("Contacts"), _("People reached"), *_goods_headers()]
    body = _figure_lines(figures, [(pk, names.get(pk, "")) for pk in hotspot_ids], tables)
    return [header, *body, *_notes(tables["people"].minimum)]


def _figure_lines(
    figures: HotspotMonthFigures,
    hotspots: list[tuple[int, str]],
    tables: dict[str, SuppressedTable],
) -> list[Sequence[object]]:
    """A line per hotspot and month, per hotspot, per month and overall, in the tables' order."""

    def line(
        place: str, when: str, row: int | None, column: int | None, goods: dict[str, int]
    ) -> list[object]:
        counts = [tables["contacts"].show(row, column), tables["people"].show(row, column)]
        return [place, when, *counts, *(goods.get(name, 0) for name in COMMODITIES)]

    all_months, all_hotspots = _("All months"), _("All hotspots")
    lines: list[Sequence[object]] = []
    for i, (hotspot_id, name) in enumerate(hotspots):
        for j, month in enumerate(figures.months):
            lines.append(line(name, f"{month:%Y-%m}", i, j, figures.cell(hotspot_id, month)))
        lines.append(line(name, all_months, i, None, figures.by_hotspot[hotspot_id]))
    for j, month in enumerate(figures.months):
        lines.append(line(all_hotspots, f"{month:%Y-%m}", None, j, figures.by_month.get(month, {})))
    lines.append(line(all_hotspots, all_months, None, None, figures.overall))
    return lines


def _notes(minimum: int) -> list[Sequence[object]]:
    return [
        [],
        [
            _("<%(min)d: fewer than %(min)d, hidden to protect the people counted.")
            % {"min": minimum}
        ],
        [_("Empty: hidden as well, so that a hidden count cannot be worked out from the totals.")],
        [_("People reached: each person once per line, however many contacts they had.")],
    ]


def _contact_lines(contacts: QuerySet[Contact]) -> Iterator[Sequence[object]]:
    """One line per contact, read in chunks as the file streams. Nothing encrypted, no topics
    and no violence report: a person is a number, a worker a login name."""
    # Translated now, in the request's language, not later while the file streams.
    kinds = {value: str(label) for value, label in Contact.Kind.choices}
    header = [
        _("Contact number"),
        _("Date"),
        _("Person number"),
        _("Hotspot"),
        _("Outreach worker"),
        _("Kind"),
        *_goods_headers(),
    ]

    def lines() -> Iterator[Sequence[object]]:
        yield header
        for pk, day, person_id, hotspot, worker, kind, *goods in contact_export_rows(
            contacts, EXPORT_CHUNK
        ):
            yield [pk, f"{day:%Y-%m-%d}", person_id, hotspot, worker, kinds.get(kind, kind), *goods]

    return lines()
