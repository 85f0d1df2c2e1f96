from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.db.models import Model, Q, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from common.periods import Period, months_later
from members.choices import offer_current
from members.forms import DatesFilterForm
from members.models import Assignment, Hotspot, User
from members.widgets import ISO_DATE, QuickSelect
from outreach.indicators_contacts import COMMODITIES
from outreach.models import (
    Contact,
    GroupActivity,
    Partner,
    Referral,
    RiskFactor,
    Service,
    SizeEstimate,
    TracingAttempt,
    ViolenceIncident,
)
from outreach.services import (
    REASSESS_MONTHS,
    REFERRAL_DUE_DAYS,
    VIOLENCE_FOLLOW_UP_DAYS,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _model_choice(form: forms.BaseForm, name: str) -> forms.ModelChoiceField[Model]:
    """The form's own copy of a model choice field, to narrow what it offers."""
    return cast("forms.ModelChoiceField[Model]", form.fields[name])


# --- Hotspots, size estimates, assignments ---------------------------------------------------


class HotspotForm(forms.ModelForm):
    """Where outreach happens, described without an address: a district, a name the team uses,
    and safety notes only its own workers and coordinators read."""

    class Meta:
        model = Hotspot
        fields = ["name", "area", "typology", "days_and_hours", "safety_notes", "is_active"]
        labels = {
            "name": _("Name"),
            "area": _("Area"),
            "typology": _("Typology"),
            "days_and_hours": _("Days and hours"),
            "safety_notes": _("Safety notes"),
            "is_active": _("Outreach happens here now"),
        }
        help_texts = {
            "name": _("A name the team uses. Never a street address."),
            "days_and_hours": _("For example: Thursday to Saturday, 21:00 to 03:00."),
            "safety_notes": _(
                "Read only by the outreach workers assigned here and by coordinators. Stored "
                "encrypted. No names of people."
            ),
            "is_active": _("Untick when outreach stops here; its history is kept."),
        }


class SizeEstimateForm(forms.ModelForm):
    """How many sex workers a hotspot has, as estimated on a day: one estimate per day."""

    SAME_DAY = _("This hotspot already has an estimate on this date. Choose another date.")

    class Meta:
        model = SizeEstimate
        fields = ["number", "estimated_on", "source"]
        widgets = {"estimated_on": ISO_DATE}
        labels = {
            "number": _("Estimated number of sex workers"),
            "estimated_on": _("Estimated on"),
            "source": _("Source"),
        }
        help_texts = {"source": _("For example: mapping by peers.")}

    def __init__(self, *args: Any, hotspot: Hotspot, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The hotspot is not a field: it comes from the page, already checked by the view.
        self.hotspot = hotspot
        self.fields["estimated_on"].initial = timezone.localdate

    def clean_estimated_on(self) -> date:
        day = self.cleaned_data["estimated_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("An estimate cannot be dated in the future."))
        if SizeEstimate.objects.filter(hotspot=self.hotspot, estimated_on=day).exists():
            raise forms.ValidationError(self.SAME_DAY)
        return day


class AssignmentForm(forms.ModelForm):
    """An outreach worker serves a hotspot from a date, until an optional end."""

    class Meta:
        model = Assignment
        fields = ["worker", "starts_on", "ends_on"]
        widgets = {"starts_on": ISO_DATE, "ends_on": ISO_DATE}
        labels = {
            "worker": _("Outreach worker"),
            "starts_on": _("Starts on"),
            "ends_on": _("Ends on"),
        }
        help_texts = {
            "worker": _("They will see the people of this hotspot and its safety notes."),
            "ends_on": _("Leave empty while they serve here."),
        }

    def __init__(self, *args: Any, hotspot: Hotspot, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.hotspot = hotspot
        _model_choice(self, "worker").queryset = User.objects.filter(
            is_active=True, is_outreach_worker=True
        ).order_by("username")

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        worker, start, end = cleaned.get("worker"), cleaned.get("starts_on"), cleaned.get("ends_on")
        if start and end and end < start:
            # An error on the field also spares the person the model constraint's message.
            self.add_error("ends_on", _("The end date must be on or after the start date."))
        elif worker and start:
            overlapping = Assignment.objects.filter(worker=worker, hotspot=self.hotspot).filter(
                Q(ends_on__isnull=True) | Q(ends_on__gte=start)
            )
            if end is not None:
                overlapping = overlapping.filter(starts_on__lte=end)
            if overlapping.exists():
                self.add_error(
                    "worker",
                    _("%(worker)s is already assigned here for some of these days.")
                    % {"worker": worker.username},
                )
        return cleaned


# --- Contacts --------------------------------------------------------------------------------

# More than this in one contact, or as a need, is a typing mistake.
GOODS_MAX = 1000


def _count_input(*, less: StrOrPromise, more: StrOrPromise) -> forms.NumberInput:
    """A number input; static/js/stepper.js adds large minus and plus buttons named `less` and
    `more`. Without scripts it works alone."""
    return forms.NumberInput(
        attrs={
            "min": 0,
            "max": GOODS_MAX,
            "inputmode": "numeric",
            "pattern": "[0-9]*",
            "data-stepper": "",
            "data-stepper-less": less,
            "data-stepper-more": more,
        }
    )


def _count_field(
    label: StrOrPromise, *, less: StrOrPromise, more: StrOrPromise
) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=GOODS_MAX,
        widget=_count_input(less=less, more=more),
    )


def _need_field(label: StrOrPromise, help_text: StrOrPromise) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        help_text=help_text,
        required=False,
        min_value=0,
        max_value=GOODS_MAX,
        widget=forms.NumberInput(attrs={"min": 0, "inputmode": "numeric", "pattern": "[0-9]*"}),
    )


class ContactForm(forms.Form):
    """One contact, on a phone. Sending it twice saves once (members.resend: the page's key
    becomes the contact's idempotency key)."""

    contacted_on = forms.DateField(label=_("Date"), widget=ISO_DATE)
    kind = forms.ChoiceField(
        label=_("Kind of contact"),
        choices=Contact.Kind.choices,
        initial=Contact.Kind.ONE_TO_ONE,
        widget=forms.RadioSelect,
    )
    stated_monthly_need = _need_field(
        _("Condoms they say they need a month"), _("Optional. Ask if you can.")
    )
    weekly_acts = _need_field(_("Clients a week"), _("Optional. Ask if you can."))
    male_condoms = _count_field(
        _("Male condoms"), less=_("Fewer male condoms"), more=_("More male condoms")
    )
    female_condoms = _count_field(
        _("Female condoms"), less=_("Fewer female condoms"), more=_("More female condoms")
    )
    lubricant = _count_field(
        _("Lubricant sachets"),
        less=_("Fewer lubricant sachets"),
        more=_("More lubricant sachets"),
    )
    self_test_kits = _count_field(
        _("HIV self-test kits"),
        less=_("Fewer HIV self-test kits"),
        more=_("More HIV self-test kits"),
    )
    topics = forms.MultipleChoiceField(
        label=_("Topics talked about"),
        choices=Contact.Topic.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    needs_raised = forms.CharField(
        label=_("Needs they raised"),
        help_text=_("A few words. Stored encrypted. No names, addresses or health details."),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    violence_reported = forms.BooleanField(
        label=_("They reported violence"),
        help_text=_("After saving you will fill in a short, restricted follow-up form."),
        required=False,
    )

    def clean_contacted_on(self) -> date:
        day = self.cleaned_data["contacted_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("A contact cannot be dated in the future."))
        return day

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        # An emptied count means none given.
        for name in COMMODITIES:
            if name in cleaned and cleaned[name] is None:
                cleaned[name] = 0
        return cleaned


class ViolenceIncidentForm(forms.ModelForm):
    """Short on purpose: what happened (or "prefer not to say"), a few notes, when to follow up."""

    class Meta:
        model = ViolenceIncident
        fields = ["kind", "notes", "follow_up_on"]
        widgets = {
            "kind": forms.RadioSelect,
            "notes": forms.Textarea(attrs={"rows": 3}),
            "follow_up_on": ISO_DATE,
        }
        labels = {
            "kind": _("What happened"),
            "notes": _("Notes"),
            "follow_up_on": _("Follow up on"),
        }
        help_texts = {
            "notes": _(
                "Only what helps the follow-up. Stored encrypted; read only by their outreach "
                "workers and coordinators."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["notes"].required = False
        if self.instance.pk is None:
            self.fields["follow_up_on"].initial = timezone.localdate() + timedelta(
                days=VIOLENCE_FOLLOW_UP_DAYS
            )

    def clean_follow_up_on(self) -> date:
        day = self.cleaned_data["follow_up_on"]
        if day < timezone.localdate():
            raise forms.ValidationError(_("Choose today or a later day."))
        return day


class RiskAssessmentForm(forms.Form):
    """The organization's active risk factors as checkboxes (set in the Django admin)."""

    factors = forms.ModelMultipleChoiceField(
        label=_("Which of these apply to them now?"),
        queryset=RiskFactor.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    reassess_on = forms.DateField(label=_("Assess again on"), widget=ISO_DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _model_choice(self, "factors").queryset = RiskFactor.objects.filter(is_active=True)
        self.fields["reassess_on"].initial = months_later(timezone.localdate(), REASSESS_MONTHS)

    def clean_reassess_on(self) -> date:
        day = self.cleaned_data["reassess_on"]
        if day <= timezone.localdate():
            raise forms.ValidationError(_("Choose a day after today."))
        return day


# --- Referrals and partners ------------------------------------------------------------------


class PartnerForm(forms.ModelForm):
    """An organization people are referred to. Its services are ticked from the programme's
    list, so referrals and the directory's filter speak the same language."""

    services = forms.MultipleChoiceField(
        label=_("Services"),
        choices=Service.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Partner
        fields = ["name", "kind", "services", "opening_hours", "area", "is_active"]
        labels = {
            "name": _("Name"),
            "kind": _("Kind"),
            "opening_hours": _("Opening hours"),
            "area": _("Area"),
            "is_active": _("Takes referrals now"),
        }
        help_texts = {
            "name": _("The organization's name. Never the name of a person who works there."),
            "opening_hours": _("For example: Monday to Friday, 9:00 to 17:00."),
            "area": _("A district, not an address."),
            "is_active": _("Untick when referrals stop; its history is kept."),
        }


def _not_in_future(day: date) -> date:
    if day > timezone.localdate():
        raise forms.ValidationError(_("This date is in the future."))
    return day


class _ContactChoiceField(forms.ModelChoiceField):
    """A contact offered by its date and kind: nothing said in it shows in the list."""

    def label_from_instance(self, obj: Contact) -> str:
        return f"{formats.date_format(obj.contacted_on)} · {obj.get_kind_display()}"


class ReferralForm(forms.Form):
    service = forms.ChoiceField(
        label=_("Service"), choices=[("", _("Choose a service")), *Service.choices]
    )
    partner = forms.ModelChoiceField(
        label=_("Partner"), queryset=Partner.objects.none(), empty_label=_("Choose a partner")
    )
    made_on = forms.DateField(label=_("Referred on"), widget=ISO_DATE)
    due_on = forms.DateField(label=_("Due by"), required=False, widget=ISO_DATE)
    contact = _ContactChoiceField(
        label=_("During the contact of"),
        queryset=Contact.objects.none(),
        required=False,
        empty_label=_("Not linked to a contact"),
    )

    # The person's latest contacts offered for the link.
    RECENT_CONTACTS = 10

    def __init__(
        self,
        *args: Any,
        partners: QuerySet[Partner],
        contacts: QuerySet[Contact],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _model_choice(self, "partner").queryset = partners
        latest = contacts.order_by("-contacted_on", "-pk")
        recent = list(latest.values_list("pk", flat=True)[: self.RECENT_CONTACTS])
        _model_choice(self, "contact").queryset = latest.filter(pk__in=recent)
        today = timezone.localdate()
        self.fields["made_on"].initial = today
        self.fields["due_on"].initial = today + timedelta(days=REFERRAL_DUE_DAYS)
        self.fields["due_on"].help_text = _(
            "Left empty: %(days)d days after the referral date."
        ) % {"days": REFERRAL_DUE_DAYS}

    def clean_made_on(self) -> date:
        return _not_in_future(self.cleaned_data["made_on"])

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        made_on, due_on = cleaned.get("made_on"), cleaned.get("due_on")
        if made_on and due_on and due_on < made_on:
            self.add_error("due_on", _("The due date cannot be before the referral date."))
        partner, service = cleaned.get("partner"), cleaned.get("service")
        # A partner with no services listed yet may still be chosen: the directory can lag.
        if partner and service and partner.services and service not in partner.services:
            self.add_error(
                "partner",
                _(
                    "%(partner)s does not list this service. Choose another partner, or ask a "
                    "coordinator to update the directory."
                )
                % {"partner": partner.name},
            )
        return cleaned


class AttendedForm(forms.Form):
    attended_on = forms.DateField(label=_("Attended on"), widget=ISO_DATE)

    def __init__(self, *args: Any, referral: Referral, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.referral = referral
        self.fields["attended_on"].initial = timezone.localdate()

    def clean_attended_on(self) -> date:
        day = _not_in_future(self.cleaned_data["attended_on"])
        if day < self.referral.made_on:
            raise forms.ValidationError(_("This is before the referral was made."))
        return day


class OutcomeForm(forms.Form):
    outcome = forms.CharField(
        label=_("Outcome"),
        max_length=200,
        help_text=_("In a few words, for example: test done, next visit booked. No names."),
    )
    outcome_on = forms.DateField(label=_("Outcome on"), widget=ISO_DATE)

    def __init__(self, *args: Any, referral: Referral, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.referral = referral
        self.fields["outcome_on"].initial = timezone.localdate()

    def clean_outcome_on(self) -> date:
        day = _not_in_future(self.cleaned_data["outcome_on"])
        if day < (self.referral.attended_on or self.referral.made_on):
            raise forms.ValidationError(_("This is before the person attended."))
        return day


class TracingForm(forms.Form):
    """A prefix keeps its fields apart from the outcome form on the same page."""

    method = forms.ChoiceField(label=_("How"), choices=TracingAttempt.Method.choices)
    outcome = forms.ChoiceField(label=_("Result"), choices=TracingAttempt.Outcome.choices)
    attempted_on = forms.DateField(label=_("Date of the attempt"), widget=ISO_DATE)

    def __init__(self, *args: Any, referral: Referral, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "tracing")
        super().__init__(*args, **kwargs)
        self.referral = referral
        self.fields["attempted_on"].initial = timezone.localdate()

    def clean_attempted_on(self) -> date:
        day = _not_in_future(self.cleaned_data["attempted_on"])
        if day < self.referral.made_on:
            raise forms.ValidationError(_("This is before the referral was made."))
        return day


# --- Group activities ------------------------------------------------------------------------


class GroupActivityForm(forms.ModelForm):
    """A meeting, training or support group. Hotspots are the ones the user may choose from; the
    facilitator is any active outreach worker or coordinator, the user by default."""

    class Meta:
        model = GroupActivity
        fields = ["kind", "title", "held_on", "hotspot", "facilitator", "other_attendees"]
        widgets = {"held_on": ISO_DATE, "hotspot": QuickSelect}
        labels = {
            "kind": _("Kind"),
            "title": _("Title"),
            "held_on": _("Date"),
            "hotspot": _("Hotspot"),
            "facilitator": _("Facilitator"),
            "other_attendees": _("Others who came without being registered"),
        }
        help_texts = {
            "title": _(
                "Short and neutral, for example “Monday support group”. No names of people."
            ),
            "hotspot": _("Leave empty for an activity open to the whole community."),
            "other_attendees": _(
                "People who came but are not on the attendance list: counted, never named."
            ),
        }

    def __init__(
        self,
        *args: Any,
        hotspots: QuerySet[Hotspot],
        hotspot_required: bool,
        user: User,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        hotspot = _model_choice(self, "hotspot")
        hotspot.queryset = hotspots
        hotspot.required = hotspot_required
        if hotspot_required:
            hotspot.help_text = ""
            if self.instance.pk is None and len(choices := list(hotspots[:2])) == 1:
                # The form's initial (from the unsaved instance) wins over the field's.
                self.initial["hotspot"] = choices[0].pk
                hotspot.empty_label = None
        # Staff who can log in.
        _model_choice(self, "facilitator").queryset = User.objects.filter(
            Q(is_active=True, is_outreach_worker=True) | Q(is_active=True, is_coordinator=True)
        ).order_by("username")
        if self.instance.pk is None:
            self.initial["facilitator"] = user.pk
        # A facilitator who has left since, or a hotspot the user no longer serves, stays as is.
        offer_current(self, "hotspot", "facilitator")


class AttendeeSearchForm(forms.Form):
    q = forms.CharField(label=_("Nickname"), max_length=40, required=False)


# --- Contacts list and exports ---------------------------------------------------------------


class PeriodFilterForm(DatesFilterForm):
    """A month, or dates from and to: the period fields of the contacts list and of the
    dashboard (monitoring.forms, which adds the month's quarter and reporting year)."""

    month = forms.DateField(
        label=_("Month"),
        required=False,
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        help_text=_("For example 2026-11. Or choose dates below."),
    )
    field_order = ["month", "date_from", "date_to"]


class ContactFilterForm(PeriodFilterForm):
    """The coordinator's filters of the contacts list and its exports; a GET form, so a filtered
    list is a link, and the same filters make the export."""

    hotspot = forms.ModelChoiceField(
        label=_("Hotspot"),
        queryset=Hotspot.objects.none(),
        required=False,
        empty_label=_("All hotspots"),
        widget=QuickSelect,
    )
    worker = forms.ModelChoiceField(
        label=_("Outreach worker"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("All outreach workers"),
        widget=QuickSelect,
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("Any kind")), *Contact.Kind.choices], required=False
    )

    def __init__(
        self, *args: Any, hotspots: QuerySet[Hotspot], workers: QuerySet[User], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _model_choice(self, "hotspot").queryset = hotspots
        _model_choice(self, "worker").queryset = workers

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        month, start, end = cleaned.get("month"), cleaned.get("date_from"), cleaned.get("date_to")
        if month and (start or end):
            self.add_error("month", _("Choose a month or dates, not both."))
        return cleaned

    def period(self) -> Period | None:
        """The chosen month or dates, once the form is valid; None for all time."""
        month = self.cleaned_data.get("month")
        if month:
            return Period.month(month.year, month.month)
        start, end = self.cleaned_data.get("date_from"), self.cleaned_data.get("date_to")
        return Period(start, end) if start or end else None
