"""The label of a select's option as shown (members.widgets.choice_label)."""

from __future__ import annotations

from django import template

from members.widgets import choice_label

register = template.Library()
register.filter("choice_label", choice_label)
