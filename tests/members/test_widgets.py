"""QuickSelect writes the same select as Django's own widget, only faster; every date field of
the apps' forms is the one ISO date picker, in any language."""

from __future__ import annotations

import inspect
import re
from datetime import date

import pytest
from django import forms
from django.test.html import parse_html
from django.utils import translation

import members.forms
import monitoring.forms
import outreach.forms
import programmes.forms
from members.widgets import QuickSelect

CHOICES = [("", "All hotspots"), (1, "Harbour <east>"), (2, "Station & market"), (30, "Yard")]


def _field(widget: type[forms.Select]) -> forms.BoundField:
    class F(forms.Form):
        place = forms.TypedChoiceField(
            choices=CHOICES, coerce=int, required=False, widget=widget, help_text="Pick one"
        )

    return F({"place": "2"})["place"]


def test_the_html_is_the_same_as_django_select() -> None:
    ours, theirs = str(_field(QuickSelect)), str(_field(forms.Select))
    assert parse_html(ours) == parse_html(theirs)
    assert re.search(r'<option value="2" selected>Station &amp; market</option>', ours)
    assert "Harbour &lt;east&gt;" in ours


def test_option_groups_fall_back_to_django() -> None:
    widget = QuickSelect(choices=[("Group", [(1, "One")]), (2, "Two")])
    assert "<optgroup" in widget.render("x", 1)


@pytest.mark.django_db
def test_model_choices_mark_the_chosen_one(hotspot: object) -> None:
    from members.models import Hotspot

    field = forms.ModelChoiceField(queryset=Hotspot.objects.all(), widget=QuickSelect)
    html = field.widget.render("hotspot", hotspot.pk)  # type: ignore[attr-defined]
    assert f'<option value="{hotspot.pk}" selected>' in html  # type: ignore[attr-defined]


def _date_fields() -> list[tuple[str, forms.DateField]]:
    fields = []
    for module in (members.forms, monitoring.forms, outreach.forms, programmes.forms):
        for name, form in inspect.getmembers(module, inspect.isclass):
            if issubclass(form, forms.BaseForm) and form.__module__ == module.__name__:
                fields += [
                    (f"{name}.{field_name}", field)
                    for field_name, field in form.base_fields.items()
                    if isinstance(field, forms.DateField)
                ]
    return fields


@pytest.mark.parametrize("language", ["en", "es", "fr"])
def test_every_date_field_shows_its_date_as_the_picker_reads_it(language: str) -> None:
    # A date picker takes 2026-03-01 (a month picker 2026-03) only: a Spanish or French
    # 01/03/2026 shows as an empty field, and an end date was lost on saving.
    fields = _date_fields()
    assert len(fields) > 20
    wrong = []
    with translation.override(language):
        for name, field in fields:
            html = field.widget.render("day", date(2026, 3, 1))
            if 'value="2026-03-01"' not in html and 'value="2026-03"' not in html:
                wrong.append((name, html))
    assert wrong == []
