"""A report's figures as the national health information system imports them (DHIS2): the
`dataValueSets` JSON, ADX XML and DHIS2's CSV of data values. Pure functions of the figures and
the administrator's mappings (monitoring.models.ReportMapping); only counts, never a person."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from xml.etree import ElementTree as ET

from django.utils.translation import gettext as _

from monitoring.kp_prev import TESTING, TYPES, HalfYear, KpPrev, kp_prev
from monitoring.models import ReportMapping
from monitoring.programme_report import FIGURES, programme_figures

ADX_NAMESPACE = "urn:ihe:qrph:adx:2015"


@dataclass(frozen=True)
class Value:
    figure: str  # the mapping's key, "KP_PREV/FSW/known_positive"
    value: int


class MissingMapping(Exception):
    """Figures of the report without a mapping: the export stops and names them."""

    def __init__(self, figures: Sequence[str]) -> None:
        self.figures = list(figures)
        super().__init__(
            _("No mapping for %(figures)s: an administrator adds it under Report mappings.")
            % {"figures": ", ".join(self.figures)}
        )


def kp_prev_figure(kind: str, status: str) -> str:
    """The name of a KP_PREV figure in the mappings: KP_PREV/FSW/known_positive."""
    return f"KP_PREV/{kind}/{status}"


def kp_prev_values(report: KpPrev) -> list[Value]:
    """The figures DHIS2 takes: every type and testing status; it sums the totals itself."""
    return [
        Value(kp_prev_figure(kind, status), report.cells[(kind, status)])
        for kind in TYPES
        for status in TESTING
    ]


def programme_figure(name: str) -> str:
    """The name of one of the programme's figures in the mappings: PROGRAMME/contacts."""
    return f"PROGRAMME/{name}"


def programme_values(figures: Mapping[str, int]) -> list[Value]:
    return [Value(programme_figure(name), figures[name]) for name in FIGURES]


# The reports, by the name the page and its addresses use.
REPORTS = ("kp_prev", "programme")


def report_values(report: str, half: HalfYear) -> list[Value]:
    """A report's figures for a half-year, as DHIS2 takes them."""
    if report == "programme":
        return programme_values(programme_figures(half))
    return kp_prev_values(kp_prev(half))


def dhis2_period(half: HalfYear) -> str:
    """DHIS2's name of a half-year: 2026S1 (January), 2026AprilS1 (April), 2026AprilS2 (October),
    2026NovS1 (November)."""
    first = half.first
    names = {1: "S1", 7: "S2", 4: "AprilS1", 10: "AprilS2", 11: "NovS1", 5: "NovS2"}
    if first.month not in names:
        raise ValueError(_("DHIS2 has no six-monthly period starting in month %d.") % first.month)
    # A half starting in May (NovS2) belongs to the year of the November before it.
    year = first.year - 1 if first.month == 5 else first.year
    return f"{year}{names[first.month]}"


def adx_period(half: HalfYear) -> str:
    """ISO 8601 with a duration, as ADX writes periods: 2026-04-01/P6M."""
    return f"{half.first.isoformat()}/P6M"


def _mapped(values: Sequence[Value], mappings: Mapping[str, ReportMapping]) -> list[ReportMapping]:
    missing = [v.figure for v in values if v.figure not in mappings]
    if missing:
        raise MissingMapping(missing)
    return [mappings[v.figure] for v in values]


def _shared(mapped: Sequence[ReportMapping], field: str) -> str:
    found = {getattr(m, field) for m in mapped}
    if len(found) != 1:
        raise ValueError(_("The report's mappings name more than one %s.") % field)
    return found.pop()


def data_value_set(
    values: Sequence[Value], mappings: Mapping[str, ReportMapping], period: str, completed: date
) -> dict[str, object]:
    """DHIS2's `POST /api/dataValueSets` body: one data set, period and org unit."""
    mapped = _mapped(values, mappings)
    body: dict[str, object] = {
        "dataSet": _shared(mapped, "data_set"),
        "completeDate": completed.isoformat(),
        "period": period,
        "orgUnit": _shared(mapped, "org_unit"),
    }
    if aoc := _shared(mapped, "attribute_option_combo"):
        body["attributeOptionCombo"] = aoc
    body["dataValues"] = [
        {
            "dataElement": m.data_element,
            "categoryOptionCombo": m.category_option_combo,
            "value": str(v.value),
        }
        for v, m in zip(values, mapped, strict=True)
    ]
    return body


def adx(
    values: Sequence[Value], mappings: Mapping[str, ReportMapping], period: str, completed: date
) -> str:
    """ADX (`application/adx+xml`): a group per data set, org unit and period; disaggregations
    as attributes named by category code."""
    mapped = _mapped(values, mappings)
    ET.register_namespace("", ADX_NAMESPACE)
    root = ET.Element(f"{{{ADX_NAMESPACE}}}adx")
    group = ET.SubElement(
        root,
        f"{{{ADX_NAMESPACE}}}group",
        {
            "orgUnit": _shared(mapped, "org_unit"),
            "period": period,
            "completeDate": completed.isoformat(),
            "dataSet": _shared(mapped, "data_set"),
        },
    )
    for v, m in zip(values, mapped, strict=True):
        attributes = {"dataElement": m.data_element}
        for pair in m.adx_disaggregation.split():
            category, _sep, option = pair.partition("=")
            attributes[category] = option
        attributes["value"] = str(v.value)
        ET.SubElement(group, f"{{{ADX_NAMESPACE}}}dataValue", attributes)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def data_values_csv(
    values: Sequence[Value], mappings: Mapping[str, ReportMapping], period: str
) -> str:
    """DHIS2's CSV of data values: one line per figure, in its documented column order."""
    mapped = _mapped(values, mappings)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["dataelement", "period", "orgunit", "categoryoptioncombo", "attributeoptioncombo", "value"]
    )
    for v, m in zip(values, mapped, strict=True):
        writer.writerow(
            [
                m.data_element,
                period,
                m.org_unit,
                m.category_option_combo,
                m.attribute_option_combo,
                v.value,
            ]
        )
    return out.getvalue()


def mappings() -> dict[str, ReportMapping]:
    return {m.figure: m for m in ReportMapping.objects.all()}
