"""QuickSelect writes the same select as Django's own widget, only faster."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.test.html import parse_html

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
    from outreach.models import Hotspot

    field = forms.ModelChoiceField(queryset=Hotspot.objects.all(), widget=QuickSelect)
    html = field.widget.render("hotspot", hotspot.pk)  # type: ignore[attr-defined]
    assert f'<option value="{hotspot.pk}" selected>' in html  # type: ignore[attr-defined]
