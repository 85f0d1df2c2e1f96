"""Logging a contact on a phone: the person (from their page, or by typing their code), what was
given and talked about, saved once however many taps or resends (members.resend), and always
saved when the worker starts a new one. The outreach part of a person's page is read here too."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from members.access import get_person_for_user
from members.forms import CodeForm
from members.ids import parse_id
from members.lookup import lookup_allowed, too_many_lookups
from members.models import AccessLog, Person
from members.resend import offer_undo, resend_safe
from members.roles import STAFF, LoggedInRequest, Role, has_role, role_required
from members.services import access_log_write
from outreach import rules, services
from outreach.access import contacts_visible_to
from outreach.forms import ContactForm
from outreach.indicators_contacts import COMMODITIES
from outreach.models import Contact, RiskAssessment, ViolenceIncident
from outreach.selectors_contacts import (
    contact_twin,
    last_goods,
    last_stated_need,
    own_contact,
)
from outreach.selectors_people import (
    latest_assessment,
    latest_assessment_with_factors,
    open_follow_ups,
    people_with_code,
    recent_contacts,
)

# The person's page shows this many of their latest contacts.
CONTACTS_SHOWN = 20


@role_required(*STAFF)
@resend_safe
def contact_create(request: LoggedInRequest) -> HttpResponse:
    posting = request.method == "POST"
    if posting and not has_role(request.user, Role.OUTREACH_WORKER):
        # Coordinators may see the form; contacts are logged by the workers who made them.
        raise PermissionDenied
    person = _person_chosen(request, posting=posting)
    code_form = CodeForm(request.POST if posting else None) if person is None else None
    # What they said last time is suggested on a new form; a sent form carries its own answers.
    form = (
        ContactForm(request.POST)
        if posting
        else ContactForm(initial=contact_initial(request, person))
    )
    code_not_found = False
    if posting:
        if code_form is not None:  # no person given: the worker typed their code
            if code_form.is_valid() and not lookup_allowed(request):
                return too_many_lookups(request)
            person, code_not_found = person_by_code(request, code_form)
        if person is not None and form.is_valid():
            saved = _save(request, form, person)
            if saved is not None:
                return saved
        if person is not None:
            # What comes back on screen is a look at the record.
            access_log_write(actor=request.user, person=person, action=AccessLog.Action.VIEW)
    shown_code_form = code_form if person is None else None
    return render_contact_form(
        request, form, person, shown_code_form, code_not_found=code_not_found
    )


# Where a saved contact leads: back to where the worker came from, My week unless they came from
# the person's page. A fixed list, so the form can name no other address.
BACK = {"week": "outreach:my_week", "person": "outreach:person_detail"}


def _back(request: LoggedInRequest) -> str:
    back = (request.POST if request.method == "POST" else request.GET).get("back", "")
    return back if back in BACK else "week"


def render_contact_form(
    request: LoggedInRequest,
    form: ContactForm,
    person: Person | None,
    code_form: CodeForm | None,
    *,
    code_not_found: bool,
    offline: bool = False,
) -> HttpResponse:
    """The form; `offline` for the copy a phone keeps (outreach.views.offline_forms)."""
    assessment = latest_assessment(person) if person is not None else None
    priority = assessment is not None and assessment.is_priority
    suggestion = _suggestion(form, priority=priority)
    return render(
        request,
        "outreach/contact_form.html",
        {
            "form": form,
            "code_form": code_form,
            "code_not_found": code_not_found,
            "person": person,
            "priority": priority,
            "suggestion": suggestion,
            "quick": _quick_saves(request, form, person, suggestion, offline=offline),
            "weeks_per_month": rules.WEEKS_PER_MONTH,
            "can_save": has_role(request.user, Role.OUTREACH_WORKER),
            "back": _back(request),
            "offline": offline,
        },
    )


@dataclass(frozen=True)
class QuickSave:
    """A routine contact saved in one tap: a button and the answers its small form sends (the
    form's own fields, hidden), so the save goes through the same view, checks and resend rule."""

    label: str
    detail: str
    answers: dict[str, object]


def _quick_saves(
    request: LoggedInRequest,
    form: ContactForm,
    person: Person | None,
    suggestion: int | None,
    *,
    offline: bool,
) -> list[QuickSave]:
    """Met today, one to one: give the suggested male condoms, or the same as last time.
    Offered on a fresh form for a known person, to the workers who save contacts."""
    if person is None or form.is_bound or offline:
        return []
    if not has_role(request.user, Role.OUTREACH_WORKER):
        return []
    base = _met_today(form, person)
    quick = []
    if suggestion:
        label = ngettext(
            "Give the suggested %(n)d male condom and save",
            "Give the suggested %(n)d male condoms and save",
            suggestion,
        )
        quick.append(QuickSave(label % {"n": suggestion}, "", {**base, "male_condoms": suggestion}))
    last = last_goods(contacts_visible_to(request.user), person)
    if last is not None:
        detail = ", ".join(_goods_given(Contact(**last)))
        quick.append(QuickSave(_("Give the same as last time and save"), detail, {**base, **last}))
    return quick


def _met_today(form: ContactForm, person: Person) -> dict[str, object]:
    """The answers of a one-to-one contact today that gave nothing, with the need as last said."""
    return {
        "person": person.pk,
        "contacted_on": timezone.localdate().isoformat(),
        "kind": Contact.Kind.ONE_TO_ONE,
        "stated_monthly_need": form["stated_monthly_need"].value() or "",
        "weekly_acts": form["weekly_acts"].value() or "",
        **dict.fromkeys(COMMODITIES, 0),
    }


def _person_chosen(request: LoggedInRequest, *, posting: bool) -> Person | None:
    """The person given by id (?person= from their page, or the hidden field once found), or
    None when the worker is to type the code. A POST is logged by the service or on re-display."""
    raw = request.POST.get("person", "") if posting else request.GET.get("person", "")
    if not raw:
        return None
    pk = parse_id(raw)
    if pk is None:
        raise Http404
    person = get_person_for_user(request, pk, log=not posting)
    if person.erased_at is not None:
        # An erased record stays only as anonymous counts: it takes no new contacts.
        raise Http404
    return person


def person_by_code(request: LoggedInRequest, code_form: CodeForm) -> tuple[Person | None, bool]:
    """The one person this worker may see with the typed code. Otherwise the reason goes beside
    the code fields; the second value says whether to offer registering them."""
    if not code_form.is_valid():
        return None, False
    # Two tell whether the code is someone's alone.
    matches = people_with_code(request.user, code_form.cleaned_data["uic_hash"], 2)
    if len(matches) == 1:
        return matches[0], False
    if matches:
        code_form.add_error(
            None,
            _(
                "More than one person has this code: a coordinator will sort it out. "
                "Open the person from the list of people, then log the contact."
            ),
        )
        return None, False
    code_form.add_error(None, _("None of your people has this code."))
    return None, True


def contact_initial(request: LoggedInRequest, person: Person | None) -> dict[str, object]:
    initial: dict[str, object] = {
        "contacted_on": timezone.localdate(),
        "kind": Contact.Kind.ONE_TO_ONE,
        **dict.fromkeys(COMMODITIES, 0),
    }
    if person is not None:
        # What they said last time, so the suggestion shows before anything is typed.
        initial.update(last_stated_need(contacts_visible_to(request.user), person) or {})
    return initial


def _suggestion(form: ContactForm, *, priority: bool) -> int | None:
    """The condoms to give, from the need fields as they stand (typed or suggested)."""
    values: dict[str, int | None] = {}
    for name in ("stated_monthly_need", "weekly_acts"):
        raw = form[name].value()
        try:
            number = int(raw)
        except (TypeError, ValueError):
            number = None
        values[name] = number if number is not None and number >= 0 else None
    need = rules.monthly_need(values["stated_monthly_need"], values["weekly_acts"])
    return rules.condoms_to_give(need, priority=priority)


def _save(request: LoggedInRequest, form: ContactForm, person: Person) -> HttpResponse | None:
    """Save and lead back where the worker came from (BACK), or None with the reason added to
    the form. A form sent again with other answers is saved as a new contact with an Undo
    (services.contact_log_sent)."""
    try:
        sent = services.contact_log_sent(
            worker=request.user,
            person=person,
            # Set by resend_safe: the page's key, the same however many times the form is sent.
            form_key=request.form_key,  # type: ignore[attr-defined]
            **form.cleaned_data,
        )
    except services.ContactWithoutHotspot:
        form.add_error(
            None, _("This person has no main hotspot. Add one to their details, then log again.")
        )
        return None
    _say_saved(request, sent)
    if sent.contact.violence_reported:
        return redirect("outreach:incident_create", pk=sent.contact.pk)
    if _back(request) == "person":
        return redirect("outreach:person_detail", pk=person.pk)
    return redirect("outreach:my_week")


def _say_saved(request: LoggedInRequest, sent: services.ContactSent) -> None:
    """Tell the worker what was saved; offer an Undo when it may be a contact sent twice."""
    contact, created, unsure = sent.contact, sent.created, sent.unsure
    twin = None if unsure or not created else _twin(contact)
    if not created:
        messages.info(request, _("This contact was already saved."))
    elif unsure:
        messages.success(
            request,
            _(
                "Saved as a new contact. This form had already saved a contact with other "
                "answers: both are kept. If you meant to correct it, undo this one."
            ),
        )
    elif twin is not None:
        messages.success(
            request,
            _(
                "Contact saved. It looks the same as the one you saved at %(time)s: if it was "
                "sent twice, undo this one."
            )
            % {"time": formats.time_format(timezone.localtime(twin.created_at))},
        )
    else:
        messages.success(request, _("Contact saved."))
    if created and (unsure or twin is not None):
        offer_undo(request, reverse("outreach:contact_undo", args=[contact.pk]))


def _twin(contact: Contact) -> Contact | None:
    """A contact with the same answers that this worker saved for this person in the last few
    minutes, from another form: maybe the same contact logged twice (one query)."""
    since = contact.created_at - timedelta(minutes=services.CONTACT_UNDO_MINUTES)
    return contact_twin(contact, since=since)


@require_POST
@role_required(Role.OUTREACH_WORKER)
def contact_undo(request: LoggedInRequest, pk: int) -> HttpResponse:
    """Undo a contact just saved (offered when it may have been sent twice). Only its own worker,
    only for a few minutes, only while nothing else was written about it."""
    contact = own_contact(contacts_visible_to(request.user), request.user, pk)
    if contact is None:
        raise Http404
    if services.contact_undo(worker=request.user, contact=contact):
        messages.success(request, _("Undone: that contact is deleted."))
    else:
        messages.error(
            request,
            _(
                "This contact can no longer be undone: more than %(minutes)d minutes have "
                "passed, or something was written about it since."
            )
            % {"minutes": services.CONTACT_UNDO_MINUTES},
        )
    return redirect("outreach:person_detail", pk=contact.person_id)


# --- The outreach part of a person's page ----------------------------------------------------


@dataclass(frozen=True)
class PersonOutreach:
    contacts: list[Contact]
    assessment: RiskAssessment | None
    follow_ups: list[ViolenceIncident]
    can_log_contact: bool


def _goods_given(contact: Contact) -> list[str]:
    """What was given, one phrase per commodity, leaving out what was not given."""
    phrases = [
        ngettext("%(n)d male condom", "%(n)d male condoms", contact.male_condoms),
        ngettext("%(n)d female condom", "%(n)d female condoms", contact.female_condoms),
        ngettext("%(n)d lubricant sachet", "%(n)d lubricant sachets", contact.lubricant),
        ngettext("%(n)d HIV self-test kit", "%(n)d HIV self-test kits", contact.self_test_kits),
    ]
    numbers = (
        contact.male_condoms,
        contact.female_condoms,
        contact.lubricant,
        contact.self_test_kits,
    )
    return [phrase % {"n": n} for phrase, n in zip(phrases, numbers, strict=True) if n]


def _label(contacts: list[Contact]) -> None:
    """Add what the person's page shows of each contact: no fields of the model, attributes
    its template (members/person_detail.html) reads."""
    topics = dict(Contact.Topic.choices)
    for contact in contacts:
        labels = [topics[t] for t in contact.topics if t in topics]
        contact.goods_given = _goods_given(contact)  # type: ignore[attr-defined]
        contact.topic_labels = labels  # type: ignore[attr-defined]


def person_outreach(request: LoggedInRequest, person: Person) -> PersonOutreach:
    """Contacts, latest risk assessment and open violence follow-ups of a person whose record
    the caller has already fetched through get_person_for_user. Four queries: the contacts,
    the assessment, its factors, the follow-ups."""
    contacts = recent_contacts(contacts_visible_to(request.user), person, CONTACTS_SHOWN)
    _label(contacts)
    return PersonOutreach(
        contacts=contacts,
        assessment=latest_assessment_with_factors(person),
        follow_ups=open_follow_ups(person),
        can_log_contact=has_role(request.user, Role.OUTREACH_WORKER),
    )
