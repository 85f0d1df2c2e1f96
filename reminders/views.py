"""The in-app inbox: a person's delivered reminders, each with a neutral line and a link where it
helps, a "Done" button per reminder and "Mark all done"; the notification preferences with their
"stop all text messages" button; and the gateway's opt-out callback."""

from __future__ import annotations

import hmac
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypedDict, cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from members import services
from members.access import find_own_person
from members.identifiers import last_digits, normalise_phone
from members.models import Consent, NotificationPreference, Person, Reminder, User
from members.roles import LoggedInRequest, Viewer, has_role
from reminders.access import (
    get_reminder_for_user,
    notification_preference_of,
    reminders_visible_to,
)
from reminders.models import SmsStop
from reminders.planning import KIND_ROLE, KIND_TEXT
from reminders.selectors import inbox_reminders, reminders_waiting
from reminders.sms_outbox import is_stopped, sms_stop_add

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

Kind = Reminder.Kind

# How many reminders already marked done stay listed below the waiting ones.
DONE_SHOWN = 10

# Where a reminder of each kind leads: a URL name, and whether it takes the object's id.
_LINKS: dict[str, tuple[str, bool]] = {
    Kind.DAILY_LIST: ("outreach:my_week", False),
    Kind.REFERRAL_FOLLOW_UP: ("outreach:referral_detail", True),
    Kind.NOT_SEEN: ("outreach:my_week", False),
    Kind.ROUND_OPENED: ("programmes:round_list", False),
    Kind.ROUND_CLOSING: ("programmes:round_list", False),
    Kind.RESULTS_OUT: ("programmes:round_list", False),
    Kind.COVERAGE_ALERT: ("monitoring:dashboard", False),
    Kind.MONTHLY_REPORT: ("monitoring:reports", False),
    Kind.TELLER_DUTY: ("programmes:round_teller", True),
    Kind.SAFETY_ALERT: ("safety:alert_detail", True),
    Kind.SAFETY_MODERATION: ("safety:moderation_detail", True),
    Kind.SAFETY_SUPPORT: ("safety:report_support", True),
}


def reminder_link(reminder: Reminder) -> str:
    """The page a reminder is about, or "" when there is none. A renamed route fails loudly
    rather than leave the inbox without its link."""
    name, with_id = _LINKS.get(reminder.kind, ("", False))
    if not name:
        return ""
    args: list[int] = []
    if with_id:
        _, _sep, raw_id = reminder.object_key.partition(":")
        if not raw_id.isdigit():
            return ""
        args = [int(raw_id)]
    return reverse(name, args=args)


class InboxRow(TypedDict):
    reminder: Reminder
    text: StrOrPromise
    link: str


def _rows(reminders: Iterable[Reminder]) -> list[InboxRow]:
    return [
        {
            "reminder": r,
            "text": KIND_TEXT.get(r.kind, r.get_kind_display()),
            "link": reminder_link(r),
        }
        for r in reminders
    ]


@require_http_methods(["GET"])
def inbox(request: LoggedInRequest) -> HttpResponse:
    """Any logged-in person: their own delivered reminders, newest first."""
    delivered = reminders_visible_to(request.user)
    waiting, done = inbox_reminders(delivered, done_shown=DONE_SHOWN)
    return render(
        request, "reminders/reminder_list.html", {"waiting": _rows(waiting), "done": _rows(done)}
    )


@require_POST
def inbox_done(request: LoggedInRequest, pk: int) -> HttpResponse:
    """Mark one of one's own reminders done; someone else's is a 404."""
    reminder = get_reminder_for_user(request, pk)
    if reminder.done_at is None:
        reminder.done_at = timezone.now()
        reminder.save(update_fields=["done_at"])
    messages.success(request, _("Marked as done."))
    return redirect("reminders:inbox")


@require_POST
def inbox_done_all(request: LoggedInRequest) -> HttpResponse:
    count = reminders_waiting(reminders_visible_to(request.user)).update(done_at=timezone.now())
    if count:
        messages.success(request, _("Everything is marked as done."))
    return redirect("reminders:inbox")


def kinds_for(user: Viewer) -> list[tuple[str, StrOrPromise]]:
    """The kinds of reminder this person's roles can receive, as choices."""
    return [(kind.value, kind.label) for kind in Kind if has_role(user, KIND_ROLE[kind])]


class NotificationPreferenceForm(forms.ModelForm):
    """Channels and timing. The reminder address is not kept here but on the person's record,
    encrypted, and only while "also by e-mail" is ticked: unticking deletes it."""

    email_address = forms.EmailField(
        label=gettext_lazy("E-mail address for reminders"),
        required=False,
        max_length=254,
        help_text=gettext_lazy(
            "Kept encrypted and used only for reminders. If you untick “also by e-mail”, "
            "the address is deleted."
        ),
    )
    muted_kinds = forms.MultipleChoiceField(
        label=gettext_lazy("Reminders I do not want"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    field_order = [
        "by_email",
        "email_address",
        "sender_name",
        "quiet_from",
        "quiet_until",
        "muted_kinds",
    ]

    class Meta:
        model = NotificationPreference
        fields = ["by_email", "sender_name", "quiet_from", "quiet_until", "muted_kinds"]
        widgets = {
            "quiet_from": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "quiet_until": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }
        help_texts = {
            "sender_name": gettext_lazy(
                "The name e-mails and texts come from: choose something that means nothing to "
                "others."
            ),
            "quiet_from": gettext_lazy("No reminders between these times (for example at night)."),
        }

    def __init__(
        self, *args: Any, user: User, person: Person | None, email_consent: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = kinds_for(user)
        cast(forms.MultipleChoiceField, self.fields["muted_kinds"]).choices = choices
        self.offered_kinds = {value for value, _label in choices}
        if not choices:
            del self.fields["muted_kinds"]
        if person is None:
            # No record to keep an address on (and to consent with): reminders stay in the inbox.
            for name in ("by_email", "email_address", "sender_name"):
                del self.fields[name]
            return
        self.fields["email_address"].initial = person.email
        # A consent withdrawn elsewhere (own data page) stops e-mail: the box says so too.
        self.initial["by_email"] = bool(self.instance.by_email and email_consent)

    def clean_muted_kinds(self) -> list[str]:
        # Kinds this login's roles do not receive now are not on the page (a worker who is no
        # longer one): they stay as they were, muted or not.
        kept = [kind for kind in self.instance.muted_kinds if kind not in self.offered_kinds]
        return list(self.cleaned_data.get("muted_kinds") or []) + kept

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        start, end = cleaned.get("quiet_from"), cleaned.get("quiet_until")
        if (start is None) != (end is None) and "quiet_from" not in self.errors:
            field = "quiet_until" if end is None else "quiet_from"
            self.add_error(field, _("Give both times, or neither."))
        if (
            cleaned.get("by_email")
            and not cleaned.get("email_address")
            and "email_address" not in self.errors
        ):
            self.add_error(
                "email_address", _("Give the address to send reminders to, or untick e-mail.")
            )
        return cleaned


def _preference_form(request: LoggedInRequest) -> tuple[NotificationPreferenceForm, Person | None]:
    """The form, bound on a POST, and the login's own record if it has one. Three queries at
    most: the preferences, the record and its consent to e-mail."""
    if request.method == "POST":
        # A save needs the row: it is created now if there is none yet.
        preference = services.notification_preference_get_or_create(user=request.user)
    else:
        preference = notification_preference_of(request.user)
    person = find_own_person(request)
    email_consent = person is not None and services.has_consent(
        person, Consent.Purpose.EMAIL_REMINDERS
    )
    form = NotificationPreferenceForm(
        request.POST or None,
        instance=preference,
        user=request.user,
        person=person,
        email_consent=email_consent,
    )
    return form, person


@require_http_methods(["GET", "POST"])
def notification_preferences(request: LoggedInRequest) -> HttpResponse:
    """Any logged-in person: channels, sender name, quiet hours and muted kinds; for a person
    with a record, also the encrypted address reminders go to."""
    form, person = _preference_form(request)
    posting = request.method == "POST"
    if posting and form.is_valid():
        services.notification_preference_save(
            preference=form.save(commit=False),
            person=person,
            email_address=form.cleaned_data.get("email_address", ""),
        )
        messages.success(request, _("Your preferences are saved."))
        return redirect("reminders:notification_preferences")
    return render(
        request,
        "reminders/notification_preferences.html",
        {"form": form, "has_person": person is not None, **_text_messages(person)},
        status=400 if posting else 200,
    )


def _text_messages(person: Person | None) -> dict[str, Any]:
    """What the page says about texts: the last digits of the person's number, and whether it
    is on the stop list (one query)."""
    number = normalise_phone(person.phone) if person is not None and person.phone else None
    if number is None:
        return {"sms_number_end": "", "sms_stopped": False}
    return {"sms_number_end": last_digits(number), "sms_stopped": is_stopped(number)}


@require_POST
def sms_stop(request: LoggedInRequest) -> HttpResponse:
    """The logged-in person's own number goes on the stop list (there is no one else's to
    choose): no text of any kind reaches it again. Pressing it twice changes nothing."""
    person = find_own_person(request)
    number = person.phone if person is not None and person.phone else ""
    if sms_stop_add(number=number, source=SmsStop.Source.PAGE):
        messages.success(request, _("No text messages will be sent to your number any more."))
    else:
        messages.info(request, _("There is no phone number on your record: no texts are sent."))
    return redirect("reminders:notification_preferences")


@csrf_exempt
@login_not_required
def sms_opt_out(request: HttpRequest, token: str) -> HttpResponse:
    """Africa's Talking posts here (form fields phoneNumber and senderId) when someone texts STOP
    to the sender id. The secret token in the address is the only credential: without
    SMS_CALLBACK_TOKEN, or with another token, the page does not exist. Whoever holds it can
    only stop texts to a number, never start them."""
    expected = settings.SMS_CALLBACK_TOKEN
    if not expected or not hmac.compare_digest(token.encode(), expected.encode()):
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    sms_stop_add(number=request.POST.get("phoneNumber", ""), source=SmsStop.Source.OPT_OUT)
    return HttpResponse("", content_type="text/plain")
