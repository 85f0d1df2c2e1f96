"""The error summary at the top of a page: every error of the forms the view checked, each
linked to its field; nothing on a page without errors; a form nobody sent is not checked."""

from __future__ import annotations

from typing import Any

from django import forms
from django.template import Context, Template
from django.urls import reverse

from members.models import Person, User


class _Form(forms.Form):
    count = forms.IntegerField(label="How many", min_value=0)
    note = forms.CharField(label="Note", required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("note") == "both":
            raise forms.ValidationError("Not both at once.")
        return cleaned


def _render(**context: Any) -> str:
    return Template("{% load error_summary %}{% error_summary %}").render(Context(context))


def test_each_answer_found_wrong_links_to_its_field_and_its_message_is_said_once() -> None:
    form = _Form({"count": "-1", "note": ""})
    assert not form.is_valid()
    html = _render(form=form)
    assert "There is a problem" in html
    assert '<a class="alert-link" href="#id_count">How many</a>' in html
    assert "greater than or equal" not in html  # said beside the field, not twice
    form_wide = _Form({"count": "1", "note": "both"})
    assert not form_wide.is_valid()
    # A form-wide error is said at the top of its form; no field to link to.
    assert _render(form=form_wide).strip() == ""


def test_no_summary_without_errors_and_no_check_of_a_form_the_view_did_not_check() -> None:
    valid = _Form({"count": "2"})
    assert valid.is_valid()
    unchecked = _Form({"count": "-5"})
    assert _render(form=valid, unchecked=unchecked, empty=_Form()).strip() == ""
    assert unchecked._errors is None  # the summary did not check it


def test_the_contact_form_sent_with_a_mistake_says_so_at_the_top(
    client_for: Any, outreach_worker: User, person: Person
) -> None:
    url = reverse("outreach:contact_create")
    page = client_for(outreach_worker).get(f"{url}?person={person.pk}").content.decode()
    assert "data-error-summary" not in page
    response = client_for(outreach_worker).post(
        url,
        {
            "person": person.pk,
            "contacted_on": "2000-01-01x",
            "kind": "one_to_one",
            "male_condoms": "-3",
            "female_condoms": "0",
            "lubricant": "0",
            "self_test_kits": "0",
        },
    )
    body = response.content.decode()
    summary = body[
        body.index("data-error-summary") : body.index("</ul>", body.index("data-error-summary"))
    ]
    assert 'href="#id_male_condoms">Male condoms</a>' in summary
    assert 'href="#id_contacted_on"' in summary
    assert body.index("data-error-summary") < body.index('name="male_condoms"')
