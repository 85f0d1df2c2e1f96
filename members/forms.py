from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from members.models import Consent, Person
from members.uic import build_code, is_complete, normalise_part, recipe, uic_hash

# --- People ----------------------------------------------------------------------------------


class CodeForm(forms.Form):
    """The parts of a person's code, typed as the person says them. Only the keyed hash of the
    normalised code leaves this form (`cleaned_data["uic_hash"]`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for part in recipe():
            self.fields[f"code_{part.name}"] = forms.CharField(
                label=part.label,
                max_length=8,
                widget=forms.TextInput(
                    attrs={
                        "autocomplete": "off",
                        "autocapitalize": "characters",
                        "spellcheck": "false",
                        "inputmode": "numeric" if part.digits else "text",
                    }
                ),
            )
        self.order_fields([f"code_{part.name}" for part in recipe()])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        parts = {}
        for part in recipe():
            key = f"code_{part.name}"
            if key not in cleaned:
                continue
            value = normalise_part(part, cleaned[key])
            if not is_complete(part, value):
                message = (
                    _("Type %(n)d digit(s).") if part.digits else _("Type %(n)d letter(s).")
                ) % {"n": part.length}
                self.add_error(key, message)
            parts[part.name] = value
        if not self.errors:
            cleaned["uic_hash"] = uic_hash(build_code(parts))
        # The parts are not kept anywhere, not even in what the view receives.
        for part in recipe():
            cleaned.pop(f"code_{part.name}", None)
        return cleaned


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = [
            "nickname",
            "gender_identity",
            "age_band",
            "typology",
            "hotspot",
            "languages",
            "status",
            "is_member",
            "member_since",
            "phone",
            "email",
            "notes",
        ]
        widgets = {"member_since": forms.DateInput(attrs={"type": "date"})}
        help_texts = {
            "nickname": _("A nickname they choose; never a legal name."),
            "phone": _("Only with their consent to reminders. Stored encrypted."),
            "email": _("Only with their consent to reminders. Stored encrypted."),
            "notes": _(
                "Only what helps the work. Stored encrypted. No names, addresses or health details."
            ),
        }

    def __init__(self, *args: Any, hotspots: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if hotspots is not None:
            self.fields["hotspot"].queryset = hotspots


class ConsentForm(forms.Form):
    purposes = forms.MultipleChoiceField(
        label=_("They agree to"),
        choices=Consent.Purpose.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you need to open this record?"),
        max_length=200,
        help_text=_("Written to the access log, which coordinators and the person can read."),
    )


class MergeForm(forms.Form):
    keep = forms.ChoiceField(label=_("Keep which record?"), widget=forms.RadioSelect)
    decision = forms.ChoiceField(
        choices=[("merge", _("Same person: merge")), ("different", _("Different people"))],
        widget=forms.RadioSelect,
        label=_("Decision"),
    )

    def __init__(self, *args: Any, people: tuple[Person, Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["keep"].choices = [(str(p.pk), p.label) for p in people]
        self.fields["keep"].required = False

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("decision") == "merge" and not cleaned.get("keep"):
            self.add_error("keep", _("Choose the record to keep."))
        return cleaned


# --- Invitations -----------------------------------------------------------------------------

# --- Staff and staffing ----------------------------------------------------------------------

# --- Own data and erasure --------------------------------------------------------------------
