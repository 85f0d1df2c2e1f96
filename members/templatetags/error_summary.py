"""`{% error_summary %}`: at the top of every page, the answers the forms the view checked found
wrong, each a link to its field (the GOV.UK pattern). What is wrong is said once, beside the
field (a form-wide error at the top of its form); a small script moves the focus to the summary,
so a phone's screen starts where the problem is, not 1,200 px above it."""

from __future__ import annotations

from typing import Any

from django import template
from django.forms import BaseForm
from django.forms.formsets import BaseFormSet

register = template.Library()


def _form_errors(form: BaseForm) -> list[tuple[str, str]]:
    """(label, link) of each visible field with an error, in the form's order."""
    return [
        (str(form[name].label), f"#{form[name].auto_id}")
        for name in form.fields
        if name in form.errors and not form[name].is_hidden
    ]


@register.inclusion_tag("includes/error_summary.html", takes_context=True)
def error_summary(context: template.Context) -> dict[str, Any]:
    """Only forms the view has already checked (their errors are computed): asking a form
    nobody sent for its errors would check it here."""
    errors: list[tuple[str, str]] = []
    seen: set[int] = set()
    for value in context.flatten().values():
        forms: list[Any] = []
        if isinstance(value, BaseForm):
            forms = [value]
        elif isinstance(value, BaseFormSet) and value.is_bound:
            forms = list(value.forms)
        for form in forms:
            if id(form) in seen or getattr(form, "_errors", None) is None:
                continue
            seen.add(id(form))
            errors += _form_errors(form)
    return {"errors": errors}
