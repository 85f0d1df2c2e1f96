"""The period fields of the coordinator's filters are defined once: From and To with their order
check (members.forms.DatesFilterForm, also the access log's), and the month
(outreach.forms.PeriodFilterForm) for the contacts list and the dashboard."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms

from members.forms import AccessLogFilterForm, DatesFilterForm
from members.models import Hotspot, User
from monitoring.forms import DashboardFilterForm
from outreach.forms import ContactFilterForm, PeriodFilterForm


def test_the_period_fields_are_one_definition() -> None:
    for form in (ContactFilterForm, DashboardFilterForm):
        assert form.base_fields["month"] is PeriodFilterForm.base_fields["month"]
    for form in (AccessLogFilterForm, ContactFilterForm, DashboardFilterForm):
        for name in ("date_from", "date_to"):
            assert form.base_fields[name] is DatesFilterForm.base_fields[name]


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["access log", "contacts", "dashboard"])
def test_dates_the_wrong_way_round_are_explained_beside_the_end(name: str) -> None:
    data: dict[str, Any] = {"date_from": "2026-11-30", "date_to": "2026-11-01"}
    places = {"hotspots": Hotspot.objects.none(), "workers": User.objects.none()}
    if name == "access log":
        form: forms.Form = AccessLogFilterForm(data)
    elif name == "contacts":
        form = ContactFilterForm(data, **places)
    else:
        form = DashboardFilterForm({**data, "period": "custom"}, **places, typologies=[])
    assert not form.is_valid()
    assert form.errors["date_to"] == ["The end comes before the start."]


def test_each_form_keeps_its_own_words_for_the_month() -> None:
    places = {"hotspots": Hotspot.objects.none(), "workers": User.objects.none()}
    contacts = ContactFilterForm(**places).fields["month"].help_text
    dashboard = DashboardFilterForm(**places, typologies=[]).fields["month"].help_text
    assert contacts == "For example 2026-11. Or choose dates below."
    assert dashboard == "For example 2026-11; the quarter or year that holds it."
    # The dashboard's own words stay on its form: the shared field is untouched.
    assert PeriodFilterForm.base_fields["month"].help_text == contacts
