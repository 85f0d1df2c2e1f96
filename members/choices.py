"""Edit forms whose choices are what this user may pick now (their own hotspots, staff who can
still log in, shortlisted needs) while the record may already hold a value outside them. A select
cannot show a value it does not offer: the browser shows, and sends, its first option instead,
so saving the form without touching the field would change it. The current value is therefore
always offered too; every other choice stays limited."""

from __future__ import annotations

from typing import Any

from django import forms


def offer_current(form: forms.ModelForm, *names: str) -> None:
    """Add the value the instance holds now to the choices of each named model-choice field
    (every value, for a many-to-many field). Nothing changes for a new instance."""
    instance = form.instance
    if instance.pk is None:
        return
    for name in names:
        field: Any = form.fields.get(name)
        if field is None:
            continue
        model_field = instance._meta.get_field(name)
        if model_field.many_to_many:
            current: Any = getattr(instance, name).values("pk")
        else:
            value = getattr(instance, model_field.attname)
            if value is None:
                continue
            current = [value]
        # Combined with OR, the field keeps its own ordering and select_related (the labels).
        limited = field.queryset
        held = limited.model._default_manager.filter(pk__in=current)
        field.queryset = limited | (held.distinct() if limited.query.distinct else held)
