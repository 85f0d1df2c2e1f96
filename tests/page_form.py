"""What a browser sends when a form of a page is submitted untouched: each field's value as the
page shows it. A select that offers no option marked as selected sends its first option, which
is how an edit form with a too-short list of choices silently changes a value nobody touched."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any


class _Form(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[list[tuple[str, str]]] = []
        self.inside = False
        # The select being read: its name, options (value, selected), whether multiple.
        self.select: tuple[str, list[tuple[str, bool]], bool] | None = None
        self.option: tuple[str | None, bool, str] | None = None
        self.textarea: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self.forms.append([])
            self.inside = True
            return
        if not self.inside or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.forms[-1].append((name, a.get("value", "on")))
                return
            self.forms[-1].append((name, a.get("value", "")))
        elif tag == "select" and name:
            self.select = (name, [], "multiple" in a)
        elif tag == "option" and self.select is not None:
            self.option = (a.get("value"), "selected" in a, "")
        elif tag == "textarea" and name:
            self.textarea = (name, [])

    def handle_data(self, data: str) -> None:
        if self.option is not None:
            value, selected, text = self.option
            self.option = (value, selected, text + data)
        if self.textarea is not None:
            self.textarea[1].append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "option" and self.option is not None and self.select is not None:
            value, selected, text = self.option
            self.select[1].append((value if value is not None else text.strip(), selected))
            self.option = None
        elif tag == "select" and self.select is not None:
            name, options, multiple = self.select
            chosen = [value for value, selected in options if selected]
            if not chosen and options and not multiple:
                chosen = [options[0][0]]  # what a browser shows, and sends, when none is marked
            self.forms[-1] += [(name, value) for value in (chosen if multiple else chosen[-1:])]
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            name, text = self.textarea
            value = "".join(text)
            self.forms[-1].append((name, value[1:] if value.startswith("\n") else value))
            self.textarea = None


def untouched(html: str, having: str) -> dict[str, Any]:
    """The data the first form of `html` with a field named `having` sends as it is: a value
    per name, or a list when several fields share the name (ticked boxes)."""
    parser = _Form()
    parser.feed(html)
    fields = next(f for f in parser.forms if any(name == having for name, _ in f))
    data: dict[str, Any] = {}
    for name, value in fields:
        if name in data:
            data[name] = (
                [*data[name], value] if isinstance(data[name], list) else [data[name], value]
            )
        else:
            data[name] = value
    return data
