"""The report files DHIS2 imports (monitoring.dhis2), against fixtures shaped as DHIS2's
documentation shows them: dataValueSets JSON (data set, complete date, period and org unit on
top; data element, category option combo and value per line), ADX (a group with orgUnit, period
as ISO date and duration, dataSet; disaggregations as attributes named by category code) and the
CSV of data values. No ADX schema is shipped (DHIS2 generates one per data set, from the server):
the structural tests below check what an ADX import reads."""

from __future__ import annotations

from datetime import date
from typing import Any
from xml.etree import ElementTree as ET

import pytest

from monitoring.dhis2 import (
    ADX_NAMESPACE,
    MissingMapping,
    Value,
    adx,
    adx_period,
    data_value_set,
    data_values_csv,
    dhis2_period,
    kp_prev_values,
)
from monitoring.kp_prev import FSW, KNOWN_POSITIVE, MSM, TESTED, TESTING, TYPES, KpPrev, half_year
from monitoring.models import ReportMapping

COMPLETED = date(2026, 10, 15)
HALF = half_year(date(2026, 6, 1))  # April to September 2026


@pytest.fixture(autouse=True)
def _october(settings: Any) -> None:
    settings.REPORTING_YEAR_START_MONTH = 10


def mapping(figure: str) -> ReportMapping:
    _report, kind, status = figure.split("/")
    return ReportMapping(
        figure=figure,
        data_set="KP_PREV_DS",
        org_unit="OU_DEMO",
        data_element="KP_PREV",
        category_option_combo=f"{kind}_{status.upper()}",
        adx_disaggregation=f"KP_TYPE={kind} HIV_STATUS={status.upper()}",
    )


def report() -> KpPrev:
    cells = {(t, s): 0 for t in TYPES for s in TESTING}
    cells[(FSW, KNOWN_POSITIVE)] = 3
    cells[(MSM, TESTED)] = 12
    return KpPrev(HALF, cells)


VALUES = kp_prev_values(report())
MAPPINGS = {v.figure: mapping(v.figure) for v in VALUES}


def test_the_periods_as_dhis2_names_them(settings: Any) -> None:
    assert dhis2_period(HALF) == "2026AprilS1"
    assert dhis2_period(half_year(date(2026, 11, 1))) == "2026AprilS2"
    assert adx_period(HALF) == "2026-04-01/P6M"
    settings.REPORTING_YEAR_START_MONTH = 1
    assert [dhis2_period(half_year(date(2026, m, 1))) for m in (3, 9)] == ["2026S1", "2026S2"]
    settings.REPORTING_YEAR_START_MONTH = 11
    assert dhis2_period(half_year(date(2027, 6, 1))) == "2026NovS2"
    settings.REPORTING_YEAR_START_MONTH = 2
    with pytest.raises(ValueError, match="month 2"):
        dhis2_period(half_year(date(2026, 3, 1)))


def test_every_type_and_status_is_a_figure_and_they_add_up() -> None:
    assert len(VALUES) == 15
    assert sum(v.value for v in VALUES) == report().total == 15


def test_the_json_is_a_data_value_set() -> None:
    body = data_value_set(VALUES, MAPPINGS, "2026AprilS1", COMPLETED)
    assert {k: body[k] for k in ("dataSet", "completeDate", "period", "orgUnit")} == {
        "dataSet": "KP_PREV_DS",
        "completeDate": "2026-10-15",
        "period": "2026AprilS1",
        "orgUnit": "OU_DEMO",
    }
    assert "attributeOptionCombo" not in body  # none mapped: DHIS2 takes its default
    lines = body["dataValues"]
    assert isinstance(lines, list) and len(lines) == 15
    assert lines[0] == {
        "dataElement": "KP_PREV",
        "categoryOptionCombo": "FSW_KNOWN_POSITIVE",
        "value": "3",
    }
    assert {
        "dataElement": "KP_PREV",
        "categoryOptionCombo": "MSM_TESTED_OR_REFERRED",
        "value": "12",
    } in lines
    assert all(isinstance(line["value"], str) for line in lines)  # DHIS2 reads values as text


def test_the_adx_has_one_group_and_a_value_per_figure() -> None:
    text = adx(VALUES, MAPPINGS, adx_period(HALF), COMPLETED)
    assert text.startswith("<?xml version='1.0' encoding='utf-8'?>")
    root = ET.fromstring(text)  # noqa: S314 - our own output
    assert root.tag == f"{{{ADX_NAMESPACE}}}adx"
    (group,) = list(root)
    assert group.tag == f"{{{ADX_NAMESPACE}}}group"
    assert group.attrib == {
        "orgUnit": "OU_DEMO",
        "period": "2026-04-01/P6M",
        "completeDate": "2026-10-15",
        "dataSet": "KP_PREV_DS",
    }
    values = list(group)
    assert len(values) == 15
    assert all(v.tag == f"{{{ADX_NAMESPACE}}}dataValue" for v in values)
    assert values[0].attrib == {
        "dataElement": "KP_PREV",
        "KP_TYPE": "FSW",
        "HIV_STATUS": "KNOWN_POSITIVE",
        "value": "3",
    }


def test_the_csv_has_dhis2s_columns() -> None:
    lines = data_values_csv(VALUES, MAPPINGS, "2026AprilS1").splitlines()
    assert lines[0] == "dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value"
    assert lines[1] == "KP_PREV,2026AprilS1,OU_DEMO,FSW_KNOWN_POSITIVE,,3"
    assert len(lines) == 16


def test_a_figure_without_a_mapping_stops_the_export_and_is_named() -> None:
    partial = dict(MAPPINGS)
    del partial["KP_PREV/TG/declined"]
    for build in (
        lambda: data_value_set(VALUES, partial, "2026AprilS1", COMPLETED),
        lambda: adx(VALUES, partial, "2026-04-01/P6M", COMPLETED),
        lambda: data_values_csv(VALUES, partial, "2026AprilS1"),
    ):
        with pytest.raises(MissingMapping, match="KP_PREV/TG/declined"):
            build()


def test_mappings_that_disagree_on_the_data_set_are_refused() -> None:
    other = dict(MAPPINGS)
    other["KP_PREV/FSW/declined"] = mapping("KP_PREV/FSW/declined")
    other["KP_PREV/FSW/declined"].data_set = "OTHER"
    with pytest.raises(ValueError, match="more than one"):
        data_value_set([Value("KP_PREV/FSW/declined", 1), *VALUES[:1]], other, "x", COMPLETED)
