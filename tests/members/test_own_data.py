"""My data: every login sees and downloads what is held about it (a member everything about
their record too: contacts, referrals, needs, ...), a member changes consent and asks for
erasure, which a coordinator confirms."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from allauth.usersessions.models import UserSession
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members import personal_data
from members.models import (
    AccessLog,
    Assignment,
    Consent,
    Employment,
    ErasureRequest,
    NotificationPreference,
    Person,
    User,
)
from members.services import access_log_write, person_merge, user_suspend
from monitoring.models import Complaint, Place
from outreach.models import (
    Partner,
    Referral,
    RiskAssessment,
    RiskFactor,
    TracingAttempt,
    ViolenceIncident,
)
from programmes import services as programmes_services
from programmes.models import Comment, Need, RollEntry
from tests.conftest import PASSWORD, make_contact, make_person, make_user
from tests.programmes.round_helpers import give_voting_consent, make_round, option_ids

pytestmark = pytest.mark.django_db

PURPOSE = Consent.Purpose.EMAIL_REMINDERS
# GET pages and POST-only actions of a member's own data.
PAGES = ["members:own_data", "members:own_data_download", "members:erasure_request"]
ACTIONS = ["members:own_consent", "members:erasure_request"]


@pytest.fixture
def own(member: User) -> Person:
    """The member's record, with contact details and a consent."""
    person = member.person
    person.phone, person.email, person.notes = "+000 555 0101", "moon@example.test", "Likes tea"
    person.save()
    Consent.objects.create(person=person, purpose=PURPOSE)
    return person


def test_a_member_sees_everything_held_about_them(
    client_for: Any, member: User, own: Person, outreach_worker: User
) -> None:
    access_log_write(
        actor=outreach_worker, person=own, action=AccessLog.Action.VIEW, reason="checking in"
    )
    body = client_for(member).get(reverse("members:own_data")).content.decode()
    for shown in ["Moonbeam", "+000 555 0101", "moon@example.test", "Likes tea", "Test market"]:
        assert shown in body
    assert "Reminders by e-mail" in body
    # Who looked, as a role: never the worker's login or the reason they typed.
    assert "an outreach worker" in body
    assert outreach_worker.username not in body
    assert "checking in" not in body


def held_about(member: User, worker: User) -> dict[str, Any]:
    """One record of each kind outreach, programmes and monitoring keep about a member."""
    own = member.person
    today = timezone.localdate()
    partner, _new = Partner.objects.get_or_create(name="Harbour clinic", kind="health")
    contact = make_contact(
        own, worker, needs_raised="Needs a safer room", violence_reported=True, male_condoms=12
    )
    ViolenceIncident.objects.create(
        contact=contact, person=own, kind="physical", notes="Hit by a client", follow_up_on=today
    )
    referral = Referral.objects.create(
        person=own,
        partner=partner,
        service="prep",
        made_by=worker,
        due_on=today,
        outcome="Started PrEP",
    )
    TracingAttempt.objects.create(
        referral=referral, number=1, method="phone", outcome="reached", worker=worker
    )
    assessment = RiskAssessment.objects.create(
        person=own, reassess_on=today, assessed_by=worker, is_priority=True
    )
    assessment.factors.add(RiskFactor.objects.get_or_create(name="Works alone at night")[0])
    Complaint.objects.create(
        place=Place.PARTNER, partner=partner, person=own, description="Kept waiting all day"
    )
    need = Need.objects.create(author=member, title="Night shelter", category="housing")
    Comment.objects.create(need=need, author=member, text="It gets cold by the river")
    return {"contact": contact, "referral": referral, "need": need}


def test_a_member_sees_their_contacts_referrals_needs_and_the_rest(
    client_for: Any, member: User, outreach_worker: User, coordinator: User
) -> None:
    held_about(member, outreach_worker)
    body = client_for(member).get(reverse("members:own_data")).content.decode()
    for heading in [
        "Your contacts with outreach workers",
        "Violence you reported",
        "Referrals to other services",
        "Times we looked for you about a referral",
        "Risk assessments",
        "Complaints you raised",
        "Needs you raised",
        "Your comments on needs",
    ]:
        assert heading in body
    for value in [
        "Needs a safer room",
        "Hit by a client",
        "Harbour clinic",
        "Started PrEP",
        "Works alone at night",
        "Kept waiting all day",
        "Night shelter",
        "It gets cold by the river",
    ]:
        assert value in body


def test_the_download_holds_every_kind_of_record_the_page_shows(
    client_for: Any, member: User, outreach_worker: User, coordinator: User
) -> None:
    held_about(member, outreach_worker)
    data = json.loads(client_for(member).get(reverse("members:own_data_download")).content)
    assert set(personal_data.REGISTRY) <= set(data)
    assert data["contacts"][0]["needs_raised"] == "Needs a safer room"
    assert data["violence"][0]["notes"] == "Hit by a client"
    assert data["referrals"][0]["partner_name"] == "Harbour clinic"
    assert data["risk_assessments"][0]["factors"] == ["Works alone at night"]
    assert data["complaints"][0]["description"] == "Kept waiting all day"
    assert data["needs"][0]["title"] == "Night shelter"
    assert data["comments"][0]["text"] == "It gets cold by the river"


def test_the_page_shows_the_latest_and_the_download_all_of_them(
    client_for: Any, member: User, outreach_worker: User
) -> None:
    today = timezone.localdate()
    for days in range(25):
        make_contact(member.person, outreach_worker, contacted_on=today - timedelta(days=days))
    client = client_for(member)
    body = client.get(reverse("members:own_data")).content.decode()
    contacts = body.split('id="contacts-heading"')[1].split("</section>")[0]
    assert contacts.count("list-group-item") == 20
    assert "The download has all of them." in contacts
    data = json.loads(client.get(reverse("members:own_data_download")).content)
    assert len(data["contacts"]) == 25
    assert data["contacts"][0]["contacted_on"] == today.isoformat()  # newest first


def test_a_member_sees_whether_they_voted_never_what(
    client_for: Any, member: User, coordinator: User
) -> None:
    give_voting_consent(member)
    round_ = make_round(coordinator, title="Winter priorities")
    programmes_services.round_open(round=round_)
    receipt = programmes_services.ballot_cast(
        round=round_, member=member, choices=option_ids(round_)[:1]
    )
    assert RollEntry.objects.get(member=member).has_voted
    response = client_for(member).get(reverse("members:own_data_download"))
    data = json.loads(response.content)
    assert data["votes"] == [
        {
            "round_title": "Winter priorities",
            "has_voted": True,
            "voted_in_person": False,
            "assisted": False,
        }
    ]
    text = response.content.decode()
    assert receipt not in text
    assert "Legal aid clinic" not in text  # the option chosen


def test_records_merged_into_theirs_are_theirs_too(
    client_for: Any, member: User, coordinator: User, hotspot: Any
) -> None:
    older = make_person(hotspot, "OLDR0190", nickname="Moony", phone="+000 555 0177")
    person_merge(actor=coordinator, keep=member.person, remove=older)
    data = json.loads(client_for(member).get(reverse("members:own_data_download")).content)
    assert [row["nickname"] for row in data["details"]] == ["Moonbeam", "Moony"]
    assert data["details"][1]["phone"] == "+000 555 0177"
    # The access log's lines about the merged record are theirs as well.
    assert len(data["access_log"]) == 2


def test_my_data_costs_the_same_queries_however_much_is_held(
    client_for: Any, member: User, outreach_worker: User, coordinator: User
) -> None:
    client = client_for(member)
    client.get(reverse("members:own_data"))  # warm the session

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("members:own_data")).status_code == 200
        return len(captured)

    held_about(member, outreach_worker)
    few = queries()
    for _ in range(3):
        held_about(member, outreach_worker)
        access_log_write(actor=coordinator, person=member.person, action=AccessLog.Action.VIEW)
    assert queries() == few
    # The session, the login, the person, their open consents, the records merged into theirs,
    # one query per kind of record in the registry, one more for risk factors, the open
    # erasure request and the inbox bell.
    assert few == 5 + len(personal_data.REGISTRY) + 1 + 1 + 1


def test_reading_ones_own_data_is_not_logged(client_for: Any, member: User, own: Person) -> None:
    client = client_for(member)
    client.get(reverse("members:own_data"))
    client.get(reverse("members:own_data_download"))
    assert not AccessLog.objects.exists()


def test_the_download_holds_their_decrypted_contacts_and_nobody_else(
    client_for: Any, member: User, own: Person, person: Person, coordinator: User
) -> None:
    person.phone = "+000 555 0199"
    person.save()
    access_log_write(actor=coordinator, person=own, action=AccessLog.Action.CHANGE)
    access_log_write(actor=coordinator, person=person, action=AccessLog.Action.VIEW)

    response = client_for(member).get(reverse("members:own_data_download"))
    assert response["Content-Disposition"] == 'attachment; filename="my-data.json"'
    assert response["Cache-Control"] == "no-store"
    data = json.loads(response.content)
    assert data["details"][0]["phone"] == "+000 555 0101"
    assert data["details"][0]["email"] == "moon@example.test"
    assert data["details"][0]["nickname"] == "Moonbeam"
    assert [c["withdrawn_at"] for c in data["consents"]] == [None]
    assert data["access_log"] == [
        {"at": data["access_log"][0]["at"], "by": "a coordinator", "action": "Changed"}
    ]
    text = response.content.decode()
    for other in ["Sunny", "+000 555 0199", coordinator.username]:
        assert other not in text


def test_withdrawing_consent_records_when(client_for: Any, member: User, own: Person) -> None:
    client = client_for(member)
    response = client.post(reverse("members:own_consent"), {"purpose": PURPOSE, "given": "0"})
    assert response["Location"] == reverse("members:own_data") + "#consent"
    consent = own.consents.get()
    assert consent.withdrawn_at is not None
    # Giving it again opens a new consent; the withdrawn one keeps its dates.
    client.post(reverse("members:own_consent"), {"purpose": PURPOSE, "given": "1"})
    assert own.consents.filter(withdrawn_at__isnull=True).count() == 1
    assert own.consents.count() == 2


def test_withdrawing_email_reminders_deletes_the_address_and_stops_email(
    client_for: Any, member: User, own: Person
) -> None:
    NotificationPreference.objects.create(user=member, by_email=True)
    client_for(member).post(reverse("members:own_consent"), {"purpose": PURPOSE, "given": "0"})
    own.refresh_from_db()
    assert own.email is None
    assert own.phone == "+000 555 0101"  # only the address of the purpose withdrawn goes
    assert NotificationPreference.objects.get(user=member).by_email is False


def test_withdrawing_another_purpose_keeps_the_address(
    client_for: Any, member: User, own: Person
) -> None:
    NotificationPreference.objects.create(user=member, by_email=True)
    Consent.objects.create(person=own, purpose=Consent.Purpose.VOTING)
    client = client_for(member)
    client.post(reverse("members:own_consent"), {"purpose": "voting", "given": "0"})
    client.post(reverse("members:own_consent"), {"purpose": PURPOSE, "given": "1"})
    own.refresh_from_db()
    assert own.email == "moon@example.test"
    assert NotificationPreference.objects.get(user=member).by_email is True


def test_withdrawing_email_reminders_without_preferences_still_deletes_the_address(
    client_for: Any, member: User, own: Person
) -> None:
    client_for(member).post(reverse("members:own_consent"), {"purpose": PURPOSE, "given": "0"})
    own.refresh_from_db()
    assert own.email is None
    assert not NotificationPreference.objects.exists()


def test_withdrawing_sms_reminders_deletes_the_number(
    client_for: Any, member: User, own: Person
) -> None:
    client_for(member).post(
        reverse("members:own_consent"), {"purpose": "sms_reminders", "given": "0"}
    )
    own.refresh_from_db()
    assert own.phone is None
    assert own.email == "moon@example.test"


def test_a_member_changes_only_their_own_consent(
    client_for: Any, member: User, own: Person, person: Person
) -> None:
    Consent.objects.create(person=person, purpose=PURPOSE)
    client_for(member).post(
        reverse("members:own_consent"), {"purpose": PURPOSE, "given": "0", "person": person.pk}
    )
    assert person.consents.get().withdrawn_at is None
    assert own.consents.get().withdrawn_at is not None


def test_a_made_up_purpose_changes_nothing(client_for: Any, member: User, own: Person) -> None:
    client_for(member).post(reverse("members:own_consent"), {"purpose": "sell", "given": "1"})
    assert list(own.consents.values_list("purpose", flat=True)) == [PURPOSE]


def test_the_erasure_page_explains_before_anything_is_sent(
    client_for: Any, member: User, own: Person
) -> None:
    body = client_for(member).get(reverse("members:erasure_request")).content.decode()
    assert "You cannot undo this." in body
    assert "counts with no name" in body
    assert not ErasureRequest.objects.exists()


def test_asking_twice_makes_one_request(client_for: Any, member: User, own: Person) -> None:
    client = client_for(member)
    for _ in range(2):
        assert client.post(reverse("members:erasure_request"))["Location"] == reverse(
            "members:own_data"
        )
    assert ErasureRequest.objects.filter(person=own).count() == 1
    assert "You asked for erasure" in client.get(reverse("members:own_data")).content.decode()


def test_an_erased_member_is_gone_but_still_counted(
    client_for: Any, member: User, own: Person, coordinator: User
) -> None:
    people = Person.objects.count()
    client_for(member).post(reverse("members:erasure_request"))
    erasure = ErasureRequest.objects.get(person=own)

    response = client_for(coordinator).post(
        reverse("members:erasure_confirm", args=[erasure.pk]), follow=True
    )
    assert f"Record #{own.pk} is erased" in response.content.decode()
    own.refresh_from_db()
    assert (own.nickname, own.phone, own.email, own.notes) == ("", None, None, None)
    assert own.user_id is None and own.erased_at is not None
    assert Person.objects.count() == people
    assert not Client().login(username="member.test", password=PASSWORD)
    member.refresh_from_db()
    assert not member.is_active and not member.has_usable_password()


def test_anonymous_visitors_are_sent_to_log_in(client: Client) -> None:
    for name in PAGES:
        assert client.get(reverse(name))["Location"].startswith(reverse("account_login"))
    for name in ACTIONS:
        assert client.post(reverse(name))["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("persona", ["outreach_worker", "coordinator", "lone_member"])
def test_only_a_login_with_a_record_gives_consent_or_asks_for_erasure(
    request: Any, client_for: Any, persona: str
) -> None:
    user = (
        make_user("member.lone", is_member=True)
        if persona == "lone_member"
        else request.getfixturevalue(persona)
    )
    client = client_for(user)
    assert client.get(reverse("members:erasure_request")).status_code == 404
    for name in ACTIONS:
        assert client.post(reverse(name), {"purpose": PURPOSE, "given": "1"}).status_code == 404
    assert not Consent.objects.exists() and not ErasureRequest.objects.exists()
    body = client.get(reverse("members:own_data")).content.decode()
    assert reverse("members:erasure_request") not in body
    assert "Your consent" not in body


@pytest.mark.parametrize("persona", ["outreach_worker", "coordinator"])
def test_staff_without_a_record_see_their_login_roles_sessions_and_logged_actions(
    request: Any, client_for: Any, persona: str, person: Person
) -> None:
    staff = request.getfixturevalue(persona)
    Employment.objects.create(
        user=staff, role="coordinator", started_on=timezone.localdate(), monthly_pay=1200
    )
    UserSession.objects.create(
        user=staff, ip="192.0.2.0", session_key="k" * 32, user_agent="Phone browser 7"
    )
    access_log_write(actor=staff, person=person, action=AccessLog.Action.VIEW)
    other = make_user("worker.lost", is_outreach_worker=True)
    user_suspend(actor=staff, user=other)  # logged by the service itself
    someone = make_user("coordinator.other", is_coordinator=True)
    access_log_write(actor=someone, login=staff, action=AccessLog.Action.END_SESSIONS)

    response = client_for(staff).get(reverse("members:own_data"))
    assert response.status_code == 200
    body = response.content.decode()
    for shown in [
        "Your login",
        staff.username,
        "Outreach worker" if persona == "outreach_worker" else "Coordinator",
        "Where you are signed in",
        "Phone browser 7",
        "What you did that is logged",
        f"record #{person.pk}",
        f"login #{other.pk}",
        "Ended all sessions",  # what was done to their own login
        "Your posts on the staff",
        "1200.00",
    ]:
        assert shown in body
    assert "Sunny" not in body  # the person they looked at, by number only

    data = json.loads(client_for(staff).get(reverse("members:own_data_download")).content)
    assert data["login"][0]["username"] == staff.username
    assert data["details"] == []
    assert [row["about"] for row in data["actions_logged"]] == [
        f"login #{other.pk}",
        f"record #{person.pk}",
    ]
    assert data["access_log"][0]["action"] == "Ended all sessions"
    assert data["sessions"][0]["user_agent"] == "Phone browser 7"


def test_the_menu_offers_my_data_to_every_login(
    client_for: Any, member: User, outreach_worker: User, coordinator: User
) -> None:
    for user in (member, outreach_worker, coordinator):
        assert reverse("members:own_data") in client_for(user).get(reverse("home")).content.decode()


def test_a_worker_sees_the_hotspots_they_serve(
    client_for: Any, outreach_worker: User, hotspot: Any
) -> None:
    assert Assignment.objects.filter(worker=outreach_worker).exists()
    body = client_for(outreach_worker).get(reverse("members:own_data")).content.decode()
    assert "Hotspots you serve" in body and hotspot.name in body


def test_an_outreach_worker_sees_their_own_record_wherever_it_is(
    client_for: Any, outreach_worker: User, other_hotspot: Any
) -> None:
    make_person(other_hotspot, "ABCD0101", nickname="Myself", user=outreach_worker)
    assert client_for(outreach_worker).get(reverse("members:own_data")).status_code == 200


def test_consent_is_changed_by_post_only(client_for: Any, member: User, own: Person) -> None:
    assert client_for(member).get(reverse("members:own_consent")).status_code == 405


def test_the_admin_log_lines_shown_are_about_their_login_only(
    client_for: Any, member: User, coordinator: User
) -> None:
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.contenttypes.models import ContentType

    users = ContentType.objects.get_for_model(User)
    for name in (member.username, "member.test.other", "member.testing"):
        LogEntry.objects.create(
            user=coordinator,
            content_type=users,
            object_id="0",
            object_repr=name,
            action_flag=CHANGE,
        )
    data = json.loads(client_for(member).get(reverse("members:own_data_download")).content)
    assert [row["object_repr"] for row in data["admin_log"]] == [member.username]
