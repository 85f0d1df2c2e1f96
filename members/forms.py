from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from allauth.account.forms import ResetPasswordForm as AllauthResetPasswordForm
from django import forms
from django.contrib.auth import password_validation
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from members import codes
from members.choices import offer_current
from members.ids import parse_id
from members.models import AccessLog, Consent, Employment, Hotspot, Person, User
from members.services import INVITATION_CODE_LENGTH, RESET_CODE_LENGTH
from members.uic import build_code, is_complete, normalise_part, recipe, uic_hash
from members.widgets import ISO_DATE, QuickSelect

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
        super().clean()
        cleaned = self.cleaned_data
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
        widgets = {"member_since": ISO_DATE, "hotspot": QuickSelect}
        help_texts = {
            "nickname": _("A nickname they choose; never a legal name."),
            "phone": _("Only with their consent to reminders. Stored encrypted."),
            "email": _("Only with their consent to reminders. Stored encrypted."),
            "notes": _(
                "Only what helps the work. Stored encrypted. No names, addresses or health details."
            ),
        }

    def __init__(
        self,
        *args: Any,
        hotspots: QuerySet[Hotspot] | None = None,
        hotspot_required: bool = False,
        may_move: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and not may_move:
            # Moving someone to another hotspot is a coordinator's decision: the page shows
            # the hotspot instead of a select, which could not show one outside `hotspots`.
            del self.fields["hotspot"]
            return
        field = cast("forms.ModelChoiceField[Hotspot]", self.fields["hotspot"])
        if hotspots is not None:
            field.queryset = hotspots
        offer_current(self, "hotspot")
        # An outreach worker sees only people of their hotspots: someone they register without
        # one would vanish from their own list at once.
        field.required = hotspot_required
        offered = field.queryset
        if hotspot_required and offered is not None and len(choices := list(offered[:2])) == 1:
            field.initial = choices[0].pk
            field.empty_label = None


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
        help_text=_(
            "Written to the access log. Coordinators read it; the person sees that their record "
            "was opened, and when."
        ),
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
        keep = cast(forms.ChoiceField, self.fields["keep"])
        keep.choices = [(str(p.pk), p.label) for p in people]
        keep.required = False

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("decision") == "merge" and not cleaned.get("keep"):
            self.add_error("keep", _("Choose the record to keep."))
        return cleaned


# --- Codes handed over in person: invitations and password reset codes ------------------------

CODE_REFUSED = _(
    "This code does not work. It may be mistyped, already used or expired: ask an outreach "
    "worker or a coordinator for a new one."
)


class HandedCodeField(forms.CharField):
    """A code handed over on paper, read whatever the case, dashes and spaces. Only its shape
    is checked here; whether it works is the service's to say, before anything else."""

    def __init__(self, *, length: int, **kwargs: Any) -> None:
        self.length = length
        attrs = {"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        super().__init__(max_length=40, widget=forms.TextInput(attrs=attrs), **kwargs)

    def clean(self, value: Any) -> str:
        code = codes.normalise(super().clean(value))
        if not codes.is_well_formed(code, self.length):
            raise forms.ValidationError(
                _("Type the %(n)d letters and digits of the code, as they are written on it.")
                % {"n": self.length}
            )
        return code


class NewPasswordForm(forms.Form):
    """A handed code and a new password typed twice. Passwords are never shown again after a
    refused attempt; everything else is kept as typed."""

    password1 = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        help_text=password_validation.password_validators_help_text_html(),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("The same password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def password_user(self, cleaned: dict[str, Any]) -> User | None:
        """The login the password is checked against (similarity to its username), if known."""
        return None

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords are not the same."))
        elif password1:
            try:
                password_validation.validate_password(password1, user=self.password_user(cleaned))
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class InvitationRedeemForm(NewPasswordForm):
    """The invitation code and the login the person chooses. Whether the username is free is
    told only once the code is found valid (members.services.invitation_redeem)."""

    code = HandedCodeField(label=_("Invitation code"), length=INVITATION_CODE_LENGTH)
    username = forms.CharField(
        label=_("Choose a username"),
        max_length=User._meta.get_field("username").max_length,
        validators=[User.username_validator],
        help_text=_(
            "Not your real name or phone number. Letters, digits and @ . + - _ only, no spaces."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    field_order = ["code", "username", "password1", "password2"]

    def password_user(self, cleaned: dict[str, Any]) -> User | None:
        return User(username=cleaned.get("username", ""))


class PasswordResetCodeForm(NewPasswordForm):
    """The reset code and the new password; the service checks the password against the login
    once the code has named it."""

    code = HandedCodeField(label=_("Reset code"), length=RESET_CODE_LENGTH)
    field_order = ["code", "password1", "password2"]


class ResetPasswordForm(AllauthResetPasswordForm):
    """allauth's reset by e-mail (ACCOUNT_FORMS): the address typed is not offered again by a
    shared phone."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "off"


# --- Staff and staffing ----------------------------------------------------------------------

# A week has this many hours; more is a typing mistake.
HOURS_IN_A_WEEK = 168


class EmploymentForm(forms.ModelForm):
    """A post. The model's two check constraints are checked here first, so the person sees
    what is wrong beside the field instead of a database error."""

    class Meta:
        model = Employment
        fields = [
            "user",
            "role",
            "is_community_member",
            "is_paid",
            "monthly_pay",
            "hours_per_week",
            "started_on",
            "ended_on",
        ]
        widgets = {
            "started_on": ISO_DATE,
            "ended_on": ISO_DATE,
        }
        labels = {
            "user": _("Staff member (their login)"),
            "is_community_member": _("Community member"),
            "is_paid": _("Paid post"),
        }
        help_texts = {
            "is_community_member": _("Tick if they come from the community we serve."),
            "is_paid": _("Leave unticked for a volunteer."),
            "monthly_pay": _("Before tax. Leave empty for a volunteer."),
            "ended_on": _("Leave empty while they hold the post."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        users = cast("forms.ModelChoiceField[User]", self.fields["user"])
        users.queryset = User.objects.filter(is_active=True).order_by("username")
        # A post of someone whose login is suspended can still be corrected or ended.
        offer_current(self, "user")

    def clean_monthly_pay(self) -> Decimal | None:
        pay = self.cleaned_data.get("monthly_pay")
        if pay is not None and pay < 0:
            raise forms.ValidationError(_("Pay cannot be below zero."))
        return pay

    def clean_hours_per_week(self) -> int | None:
        hours = self.cleaned_data.get("hours_per_week")
        if hours is not None and hours > HOURS_IN_A_WEEK:
            raise forms.ValidationError(_("A week has 168 hours."))
        return hours

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        started, ended = cleaned.get("started_on"), cleaned.get("ended_on")
        if started and ended and ended < started:
            self.add_error("ended_on", _("The end date must be on or after the start date."))
        pay = cleaned.get("monthly_pay")
        if "monthly_pay" in self.errors:
            return cleaned
        if not cleaned.get("is_paid"):
            if pay:
                self.add_error(
                    "monthly_pay",
                    _("Volunteers have no pay: leave this empty, or tick “Paid post”."),
                )
            else:
                cleaned["monthly_pay"] = None  # a volunteer's 0 is stored as "no pay"
        elif pay is None:
            # The pay parity figure needs it.
            self.add_error("monthly_pay", _("Give the monthly pay of a paid post."))
        return cleaned


# --- Own data and erasure --------------------------------------------------------------------


class OwnConsentForm(forms.Form):
    """One purpose at a time, from a button: give or withdraw. Carries no person: a member can
    only ever change their own record, the one linked to their login."""

    purpose = forms.ChoiceField(choices=Consent.Purpose.choices)
    given = forms.TypedChoiceField(
        choices=[("1", _("Give")), ("0", _("Withdraw"))], coerce=lambda value: value == "1"
    )


class DatesFilterForm(forms.Form):
    """From and To of a coordinator's filters (the access log here, the contacts list and the
    dashboard through outreach.forms.PeriodFilterForm), with the one check of their order."""

    date_from = forms.DateField(label=_("From"), required=False, widget=ISO_DATE)
    date_to = forms.DateField(label=_("To"), required=False, widget=ISO_DATE)

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end comes before the start."))
        return cleaned


class AccessLogFilterForm(DatesFilterForm):
    """The coordinator's filters; a GET form, so a filtered view is a link that can be shared.
    The login is chosen from a list and goes into the address by number: no username is typed
    into a URL."""

    actor = forms.ModelChoiceField(
        label=_("Login"), queryset=User.objects.none(), required=False, empty_label=_("Any")
    )
    person = forms.IntegerField(label=_("Person number"), min_value=1, required=False)
    action = forms.ChoiceField(
        label=_("Action"), choices=[("", _("Any")), *AccessLog.Action.choices], required=False
    )
    field_order = ["actor", "person", "action", "date_from", "date_to"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Staff do the reading and changing; a member acting on their own record is offered
        # only when an entry's link asked for them.
        logins = Q(is_outreach_worker=True) | Q(is_coordinator=True) | Q(is_superuser=True)
        if (wanted := parse_id(self.data.get("actor"))) is not None:
            logins |= Q(pk=wanted)
        actors = cast("forms.ModelChoiceField[User]", self.fields["actor"])
        actors.queryset = User.objects.filter(logins).order_by("username")
