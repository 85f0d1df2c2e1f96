"""`{% error_summary %}`: at the top of every page, the errors of the forms the view checked,
each linking to its field (the GOV.UK pattern). The errors stay beside their fields too; a small
script moves the focus to the summary, so a phone's screen starts where the problem is said."""

from __future__ import annotations

from typing import Any

from django import template
from django.forms import BaseForm
from django.forms.formsets import BaseFormSet

register = template.Library()


def _form_errors(form: BaseForm) -> list[tuple[str, str]]:
    found = []
    for name, messages in form.errors.items():
        if name not in form.fields or form[name].is_hidden:
            found += [(str(message), "") for message in messages]
            continue
        field = form[name]
        found += [(f"{field.label}: {message}", f"#{field.auto_id}") for message in messages]
    return found


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
