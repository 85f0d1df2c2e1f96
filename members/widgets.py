"""Form widgets shared by the apps."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext

# Django's empty choice of a model field or a ModelChoiceField, untranslated by Django.
DASHES = "---------"


def choice_label(label: Any) -> Any:
    """An option's label as shown: Django's empty choice in words of the page's language (every
    option goes through here: QuickSelect and templates/django/forms/widgets/select_option.html)."""
    return gettext("Choose one") if label == DASHES else label


# The one date picker of every form. It reads and writes ISO dates only, whatever the page's
# language: without the format a Spanish or French page filled it with 01/03/2026, which the
# picker shows as empty (and a post's end date was lost on saving).
ISO_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class QuickSelect(forms.Select):
    """A select that writes its options itself. Django renders a template per option: for the
    1,000 hotspots and 330 workers of a national programme's filters that took 180 ms of a
    dashboard request. Flat choices only (no option groups); the HTML is the same."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        chosen = {str(v) for v in self.format_value(value)}
        options = []
        for option_value, label in self.choices:
            if isinstance(label, list | tuple):
                return super().render(name, value, attrs, renderer)  # option groups
            text = "" if option_value is None else str(option_value)
            options.append((text, " selected" if text in chosen else "", choice_label(label)))
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            format_html_join("", '<option value="{}"{}>{}</option>', options),
        )
