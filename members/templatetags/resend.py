"""{% form_key %}: the hidden field that makes a creating form safe to send twice (members.resend).
A builtin, so every template has it."""

from __future__ import annotations

from uuid import uuid4

from django import template
from django.template import Context
from django.utils.html import format_html

from members.resend import FIELD

register = template.Library()


@register.simple_tag(takes_context=True)
def form_key(context: Context) -> str:
    """The key of the page's address. A page whose own address has no key (one shown in answer
    to a POST) still gets one for its forms: a double tap on them saves once."""
    request = context.get("request")
    key = getattr(request, "form_key", None) or uuid4()
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, key)


@register.simple_tag
def new_key() -> str:
    """A fresh key for a link that starts a new form (`?key={% new_key %}`): the form opens at
    once, without first being sent on to an address with a key of its own."""
    return str(uuid4())
