from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from members.models import Hotspot, User
from members.widgets import QuickSelect
from monitoring.models import Complaint, Place, Rating
from outreach.forms import PeriodFilterForm
from outreach.models import Partner

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# --- Feedback and complaints -----------------------------------------------------------------

YES_NO = [("yes", _("Yes")), ("no", _("No"))]
RATING_CHOICES = [(str(value), label) for value, label in Rating.choices]


def _yes_no(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


def _active_partners() -> QuerySet[Partner]:
    return Partner.objects.filter(is_active=True).only("name")


class FeedbackForm(forms.Form):
    """Taps only: every question but "about what" may be left unanswered ("prefer not to say")."""

    place = forms.ChoiceField(
        label=_("What is it about?"), choices=Place.choices, widget=forms.RadioSelect
    )
    # Each form gets its own copy of the queryset (ModelChoiceField.__deepcopy__), read when shown.
    partner = forms.ModelChoiceField(
        label=_("Which service?"), queryset=_active_partners(), required=False
    )
    respect = forms.TypedChoiceField(
        label=_("Were you treated with respect?"),
        choices=RATING_CHOICES,
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
    )
    confidentiality = forms.TypedChoiceField(
        label=_("Was what you said kept private?"),
        choices=RATING_CHOICES,
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
    )
    waiting_time = forms.TypedChoiceField(
        label=_("How was the waiting time?"),
        choices=RATING_CHOICES,
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
    )
    commodities_available = forms.TypedChoiceField(
        label=_("Were condoms and lubricant there?"),
        choices=YES_NO,
        coerce=_yes_no,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
    )
    would_recommend = forms.TypedChoiceField(
        label=_("Would you tell a friend to go?"),
        choices=YES_NO,
        coerce=_yes_no,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Anything else? (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("place") == Place.PARTNER and not data.get("partner"):
            self.add_error("partner", _("Choose the service you went to."))
        return data


class FeedbackCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Feedback code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class FeedbackCodesCreateForm(forms.Form):
    count = forms.IntegerField(label=_("How many codes?"), min_value=1, max_value=50, initial=10)


class ComplaintForm(forms.Form):
    place = forms.ChoiceField(
        label=_("What is it about?"), choices=Place.choices, widget=forms.RadioSelect
    )
    partner = forms.ModelChoiceField(
        label=_("Which service? (optional)"), queryset=_active_partners(), required=False
    )
    description = forms.CharField(
        label=_("What happened?"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )


class ComplaintUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Complaint.Status.choices)
    resolution = forms.CharField(
        label=_("What was done"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if (
            data.get("status") == Complaint.Status.CLOSED
            and not (data.get("resolution") or "").strip()
        ):
            self.add_error("resolution", _("Say what was done before closing the complaint."))
        return data


class ComplaintFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All")), *Complaint.Status.choices], required=False
    )


# --- Dashboard and exports -------------------------------------------------------------------


class DashboardFilterForm(PeriodFilterForm):
    """The dashboard's filters, a GET form: a filtered dashboard is a link, and the export
    takes the same filters. The period is the month, its quarter, its reporting year or dates."""

    PERIODS = [
        ("month", _("Month")),
        ("quarter", _("Quarter")),
        ("year", _("Reporting year")),
        ("custom", _("Dates below")),
    ]

    period = forms.ChoiceField(label=_("Period"), choices=PERIODS, required=False)
    field_order = ["period", "month", "date_from", "date_to"]
    hotspot: forms.ModelChoiceField[Hotspot] = forms.ModelChoiceField(
        label=_("Hotspot"),
        queryset=None,
        required=False,
        empty_label=_("All hotspots"),
        widget=QuickSelect,
    )
    typology = forms.ChoiceField(label=_("Where they work"), required=False)
    worker: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label=_("Outreach worker"),
        queryset=None,
        required=False,
        empty_label=_("All outreach workers"),
        widget=QuickSelect,
    )

    def __init__(
        self,
        *args: Any,
        hotspots: QuerySet[Hotspot],
        workers: QuerySet[User],
        typologies: Sequence[tuple[str, StrOrPromise]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["month"].help_text = _(
            "For example 2026-11; the quarter or year that holds it."
        )
        # The fields of this form as declared above (self.fields is typed as plain fields).
        cast("forms.ModelChoiceField[Hotspot]", self.fields["hotspot"]).queryset = hotspots
        cast("forms.ModelChoiceField[User]", self.fields["worker"]).queryset = workers
        cast(forms.ChoiceField, self.fields["typology"]).choices = [
            ("", _("All kinds of place")),
            *typologies,
        ]

    def clean(self) -> dict[str, Any]:
        # Read before the shared order check, which drops an end that comes before the start.
        start, end = self.cleaned_data.get("date_from"), self.cleaned_data.get("date_to")
        data = super().clean()
        if data.get("period") == "custom":
            if not start:
                self.add_error("date_from", _("Choose the first day."))
            if not end:
                self.add_error("date_to", _("Choose the last day."))
        elif start or end:
            self.add_error("period", _("Choose 'Dates below' to use dates."))
        return data
