"""Logging a contact on a phone: the person (from their page, or by typing their code), what was
given and talked about, saved exactly once however many taps. The outreach part of a person's
page is read here too."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode
from uuid import UUID, uuid4

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from members.access import get_person_for_user
from members.forms import CodeForm
from members.ids import parse_id
from members.lookup import lookup_allowed, too_many_lookups
from members.models import AccessLog, Person
from members.roles import Role, has_role, role_required
from members.services import access_log_write
from outreach import services
from outreach.access import contacts_visible_to
from outreach.forms import ContactForm
from outreach.models import Contact, RiskAssessment, ViolenceIncident

STAFF = (Role.OUTREACH_WORKER, Role.COORDINATOR)
# The person's page shows this many of their latest contacts.
CONTACTS_SHOWN = 20
# Going back to a form sent less than this long ago shows it as saved, with the same key.
REVISIT_MINUTES = 15
# Where the session keeps the key of the form last shown per person, for that many people.
SESSION_KEYS = "outreach_contact_form_keys"
SESSION_SLOTS = 20


def latest_assessment(person: Person) -> RiskAssessment | None:
    """The person's latest risk assessment (one query); the caller has checked access."""
    return RiskAssessment.objects.filter(person=person).order_by("-assessed_on", "-pk").first()


@role_required(*STAFF)
def contact_create(request: HttpRequest) -> HttpResponse:
    posting = request.method == "POST"
    if posting and not has_role(request.user, Role.OUTREACH_WORKER):
        # Coordinators may see the form; contacts are logged by the workers who made them.
        raise PermissionDenied
    person = _person_chosen(request, posting=posting)
    key, already_saved = (None, False) if posting else _form_key(request, person)
    code_form = CodeForm(request.POST if posting else None) if person is None else None
    form = ContactForm(
        request.POST if posting else None, initial=_initial(request, person, key=key)
    )
    code_not_found = False
    if posting:
        if person is None:
            if code_form.is_valid() and not lookup_allowed(request):
                return too_many_lookups(request)
            person, code_not_found = _person_by_code(request, code_form)
        if person is not None and form.is_valid():
            saved = _save(request, form, person)
            if saved is not None:
                return saved
        if person is not None:
            # What comes back on screen is a look at the record.
            access_log_write(actor=request.user, person=person, action=AccessLog.Action.VIEW)
    assessment = latest_assessment(person) if person is not None else None
    priority = assessment is not None and assessment.is_priority
    return render(
        request,
        "outreach/contact_form.html",
        {
            "form": form,
            "code_form": code_form if person is None else None,
            "code_not_found": code_not_found,
            "person": person,
            "priority": priority,
            "suggestion": _suggestion(form, priority=priority),
            "weeks_per_month": services.WEEKS_PER_MONTH,
            "can_save": has_role(request.user, Role.OUTREACH_WORKER),
            "already_saved": already_saved,
            "another_url": contact_create_url(person),
        },
    )


def _form_key(request: HttpRequest, person: Person | None) -> tuple[UUID, bool]:
    """The key of the form shown now, and whether it already saved a contact. Pages are never
    cached, so going back to a sent form fetches it again: the browser refills what was typed
    and the session brings back its key, so sending it again finds the same contact. A key
    that saved a contact more than REVISIT_MINUTES ago gives way to a fresh one; a key in the
    address ("Log another contact") always wins."""
    slot = str(person.pk) if person is not None else ""
    keys: dict[str, str] = request.session.get(SESSION_KEYS, {})
    in_address = _key_in_address(request)
    key = in_address or (UUID(keys[slot]) if slot in keys else None)
    saved_at = None
    if key is not None:
        saved_at = (
            contacts_visible_to(request.user)
            .filter(worker=request.user, idempotency_key=key)
            .values_list("created_at", flat=True)
            .first()
        )
    long_ago = timezone.now() - timedelta(minutes=REVISIT_MINUTES)
    if key is None or (in_address is None and saved_at is not None and saved_at < long_ago):
        key, saved_at = uuid4(), None
    keys.pop(slot, None)
    keys[slot] = str(key)
    # The session keeps the keys of the last few people only.
    request.session[SESSION_KEYS] = dict(list(keys.items())[-SESSION_SLOTS:])
    return key, saved_at is not None


def contact_create_url(person: Person | None = None) -> str:
    """The form's address with a fresh key: a new contact, even just after another one."""
    query = {"person": person.pk} if person is not None else {}
    return f"{reverse('outreach:contact_create')}?{urlencode({**query, 'key': uuid4()})}"


def _key_in_address(request: HttpRequest) -> UUID | None:
    try:
        return UUID(request.GET.get("key", ""))
    except ValueError:
        return None


def _person_chosen(request: HttpRequest, *, posting: bool) -> Person | None:
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


def _person_by_code(request: HttpRequest, code_form: Any) -> tuple[Person | None, bool]:
    """The one person this worker may see with the typed code. Otherwise the reason goes beside
    the code fields; the second value says whether to offer registering them."""
    if not code_form.is_valid():
        return None, False
    matches = list(
        Person.objects.visible_to(request.user).filter(
            uic_hash=code_form.cleaned_data["uic_hash"], erased_at__isnull=True
        )[:2]
    )
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


def _initial(request: HttpRequest, person: Person | None, *, key: UUID | None) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "idempotency_key": key or uuid4(),
        "contacted_on": timezone.localdate(),
        "kind": Contact.Kind.ONE_TO_ONE,
        **dict.fromkeys(ContactForm.GOODS, 0),
    }
    if person is not None:
        # What they said last time, so the suggestion shows before anything is typed.
        last = (
            contacts_visible_to(request.user)
            .filter(person=person)
            .exclude(stated_monthly_need__isnull=True, weekly_acts__isnull=True)
            .order_by("-contacted_on", "-pk")
            .values("stated_monthly_need", "weekly_acts")
            .first()
        )
        initial.update(last or {})
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
    return services.condoms_to_give(Contact(**values).monthly_need, priority=priority)


def _save(request: HttpRequest, form: ContactForm, person: Person) -> HttpResponse | None:
    """Save and redirect, or None with the reason added to the form."""
    fields = dict(form.cleaned_data)
    key = fields.pop("idempotency_key")
    try:
        contact, created = services.contact_log(
            worker=request.user, person=person, idempotency_key=key, **fields
        )
    except services.ContactKeyReused:
        form.add_error(
            None,
            _(
                "This form was already used to save another contact. Check what you typed "
                "and save again."
            ),
        )
        # Saving again is a new, deliberate submission: it gets a key of its own.
        form.data = form.data.copy()
        form.data["idempotency_key"] = str(uuid4())
        return None
    except services.ContactWithoutHotspot:
        form.add_error(
            None, _("This person has no main hotspot. Add one to their details, then log again.")
        )
        return None
    if created:
        messages.success(request, _("Contact saved."))
    else:
        messages.info(request, _("This contact was already saved."))
    if contact.violence_reported:
        return redirect("outreach:incident_create", pk=contact.pk)
    return redirect("members:person_detail", pk=person.pk)


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


def person_outreach(request: HttpRequest, person: Person) -> PersonOutreach:
    """Contacts, latest risk assessment and open violence follow-ups of a person whose record
    the caller has already fetched through get_person_for_user. Four queries: the contacts,
    the assessment, its factors, the follow-ups."""
    contacts = list(
        contacts_visible_to(request.user)
        .filter(person=person)
        .order_by("-contacted_on", "-pk")[:CONTACTS_SHOWN]
    )
    topics = dict(Contact.Topic.choices)
    for contact in contacts:
        contact.goods_given = _goods_given(contact)  # type: ignore[attr-defined]
        contact.topic_labels = [topics[t] for t in contact.topics if t in topics]  # type: ignore[attr-defined]
    assessment = (
        RiskAssessment.objects.filter(person=person)
        .order_by("-assessed_on", "-pk")
        .prefetch_related("factors")
        .first()
    )
    follow_ups = list(
        ViolenceIncident.objects.filter(person=person, followed_up_at__isnull=True)
        .select_related("contact")
        .order_by("follow_up_on", "pk")
    )
    return PersonOutreach(
        contacts=contacts,
        assessment=assessment,
        follow_ups=follow_ups,
        can_log_contact=has_role(request.user, Role.OUTREACH_WORKER),
    )
