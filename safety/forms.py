"""The forms of safety reports. Every field has a label; every question may be left empty but
what happened and where."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.identifiers import PLATE_PART_MIN, normalise_phone, normalise_plate
from members.models import Hotspot, Person
from members.widgets import ISO_DATE
from safety import rules
from safety.models import PICTOGRAMS, Category, Report
from safety.services import Consents, Incident


class PictogramCheckboxes(forms.CheckboxSelectMultiple):
    """Each category with its pictogram (safety.models.PICTOGRAMS), for those who read little."""

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        option["pictogram"] = PICTOGRAMS[Category(option["value"])]
        return option


class _PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        return obj.label


class ReportForm(forms.Form):
    """A report in a few taps: who (a worker writing it down for someone), when, where, what
    happened; the rest may stay empty. The three consents start unticked."""

    reporter = _PersonChoice(
        queryset=Person.objects.none(),
        label=_("Who did it happen to?"),
        help_text=_("Only the staff who support them will see this."),
    )
    happened_on = forms.DateField(label=_("When did it happen?"), widget=ISO_DATE)
    hotspot = forms.ModelChoiceField(queryset=Hotspot.objects.none(), label=_("Where?"))
    area = forms.CharField(
        label=_("Which part of it (you can leave this empty)"),
        max_length=60,
        required=False,
        help_text=_("A street or an area. Never a house number or an address."),
    )
    categories = forms.MultipleChoiceField(
        label=_("What happened? Tick all that fit"),
        choices=Category.choices,
        widget=PictogramCheckboxes,
    )
    what_happened = forms.CharField(
        label=_("In your own words (you can leave this empty)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        required=False,
        help_text=_("No names, please: not yours, not anyone's."),
    )
    description = forms.CharField(
        label=_("What did he look like? (you can leave this empty)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=500,
        required=False,
    )
    vehicle = forms.CharField(
        label=_("His car: make and colour (you can leave this empty)"),
        max_length=60,
        required=False,
    )
    plate = forms.CharField(
        label=_("All or part of the number plate (you can leave this empty)"),
        max_length=20,
        required=False,
    )
    phone = forms.CharField(
        label=_("His phone number (you can leave this empty)"),
        max_length=30,
        required=False,
        help_text=_("It is kept locked: nobody can read it back, only check against it."),
    )
    consent_alert = forms.BooleanField(
        label=_("Warn others: send it as an alert, without my name"), required=False
    )
    consent_partners = forms.BooleanField(
        label=_("Share it with groups we work with"), required=False
    )
    consent_police = forms.BooleanField(label=_("Share it with the police"), required=False)
    wants_support = forms.BooleanField(
        label=_("I would like an outreach worker to contact me"), required=False
    )

    def __init__(
        self,
        *args: Any,
        people: QuerySet[Person] | None,
        hotspots: QuerySet[Hotspot],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if people is None:  # a member reporting for themself
            del self.fields["reporter"]
        else:
            self.reporter_field.queryset = people.order_by("nickname")
        self.hotspot_field.queryset = hotspots.order_by("name")
        if hotspots.count() == 1:
            self.fields["hotspot"].initial = hotspots.first()
        self.fields["happened_on"].initial = timezone.localdate()

    @property
    def reporter_field(self) -> forms.ModelChoiceField[Person]:
        return self.fields["reporter"]  # type: ignore[return-value]

    @property
    def hotspot_field(self) -> forms.ModelChoiceField[Hotspot]:
        return self.fields["hotspot"]  # type: ignore[return-value]

    def clean_happened_on(self) -> Any:
        day = self.cleaned_data["happened_on"]
        today = timezone.localdate()
        if day > today:
            raise forms.ValidationError(_("That day has not come yet."))
        if day < today - timedelta(days=rules.OLDEST_DAYS):
            raise forms.ValidationError(_("That is more than a year ago."))
        return day

    def clean_phone(self) -> str:
        raw = self.cleaned_data["phone"].strip()
        if not raw:
            return ""
        number = normalise_phone(raw)
        if number is None:
            raise forms.ValidationError(
                _("This does not look like a phone number. Check the digits.")
            )
        return number

    def clean_plate(self) -> str:
        plate = normalise_plate(self.cleaned_data["plate"])
        if plate and len(plate) < PLATE_PART_MIN:
            raise forms.ValidationError(
                _("Give at least %(count)d letters or digits of the plate.")
                % {"count": PLATE_PART_MIN}
            )
        return plate

    def incident(self) -> Incident:
        data = self.cleaned_data
        return Incident(
            happened_on=data["happened_on"],
            hotspot=data["hotspot"],
            categories=[v for v in Category.values if v in data["categories"]],
            area=data["area"].strip(),
            what_happened=data["what_happened"].strip(),
            description=data["description"].strip(),
            vehicle=data["vehicle"].strip(),
            phone=data["phone"],
            plate=data["plate"],
        )

    def consents(self) -> Consents:
        data = self.cleaned_data
        return Consents(data["consent_alert"], data["consent_partners"], data["consent_police"])


class EditForm(forms.ModelForm):
    """What a moderator may change: the words, to take out whatever could identify anyone."""

    class Meta:
        model = Report
        fields = ["area", "what_happened", "description", "vehicle"]
        labels = {
            "area": _("Area"),
            "what_happened": _("What happened, in words"),
            "description": _("What he looked like"),
            "vehicle": _("Car make and colour"),
        }
        widgets = {
            "what_happened": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 2}),
        }


class CheckForm(forms.Form):
    number = forms.CharField(
        label=_("A phone number or a number plate"),
        max_length=30,
        help_text=_("We never keep what you type here."),
    )

    def clean_number(self) -> str:
        raw = self.cleaned_data["number"]
        if normalise_phone(raw) is None and len(normalise_plate(raw)) < PLATE_PART_MIN:
            raise forms.ValidationError(
                _("This is not a phone number, and too short for a plate. Check what you typed.")
            )
        return raw


class RemovalForm(forms.Form):
    reference = forms.CharField(
        label=_("The alert's reference"),
        max_length=12,
        help_text=_("Six letters and digits, shown at the bottom of the alert."),
    )
    reason = forms.CharField(
        label=_("Why it should be removed"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
    )
    contact = forms.CharField(
        label=_("How can we reach you? (you can leave this empty)"),
        max_length=100,
        required=False,
    )
