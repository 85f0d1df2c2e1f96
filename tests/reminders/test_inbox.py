"""The inbox, its bell and the notification preferences: everyone logged in sees only their own
reminders; the bell costs one query; form errors show beside their fields."""

from __future__ import annotations

from datetime import time
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members.models import NotificationPreference, Person, Reminder, User
from outreach.models import Referral
from tests.page_form import untouched

pytestmark = pytest.mark.django_db
Kind = Reminder.Kind


def sent(user: User, kind: str = Kind.DAILY_LIST, **fields: Any) -> Reminder:
    fields.setdefault("due_on", timezone.localdate())
    return Reminder.objects.create(
        user=user, kind=kind, status=Reminder.Status.SENT, sent_at=timezone.now(), **fields
    )


# --- Access matrix -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "method", "args"),
    [
        ("reminders:inbox", "get", []),
        ("reminders:inbox_done", "post", [1]),
        ("reminders:inbox_done_all", "post", []),
        ("reminders:notification_preferences", "get", []),
        ("reminders:notification_preferences", "post", []),
    ],
)
def test_anonymous_visitors_are_sent_to_log_in(
    client_for: Any, name: str, method: str, args: list[int]
) -> None:
    response = getattr(client_for(None), method)(reverse(name, args=args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("persona", ["member", "outreach_worker", "coordinator", "administrator"])
def test_everyone_logged_in_sees_only_their_own_reminders(
    request: Any, client_for: Any, persona: str, other_worker: User
) -> None:
    user = request.getfixturevalue(persona)
    mine = sent(user, Kind.MONTHLY_REPORT)
    sent(other_worker, Kind.ROUND_OPENED, object_key="round:1")
    Reminder.objects.create(user=user, kind=Kind.NOT_SEEN, due_on=timezone.localdate())
    response = client_for(user).get(reverse("reminders:inbox"))
    assert response.status_code == 200
    assert [row["reminder"] for row in response.context["waiting"]] == [mine]
    assert "The monthly report is due." in response.content.decode()
    assert "A vote has opened." not in response.content.decode()


def test_the_inbox_and_preferences_need_get_or_post(client_for: Any, member: User) -> None:
    client = client_for(member)
    assert client.post(reverse("reminders:inbox")).status_code == 405
    assert client.get(reverse("reminders:inbox_done", args=[1])).status_code == 405
    assert client.get(reverse("reminders:inbox_done_all")).status_code == 405


def test_done_marks_one_own_reminder(client_for: Any, member: User) -> None:
    reminder = sent(member, Kind.ROUND_OPENED, object_key="round:1")
    response = client_for(member).post(reverse("reminders:inbox_done", args=[reminder.pk]))
    assert response.status_code == 302
    reminder.refresh_from_db()
    assert reminder.done_at is not None


def test_someone_elses_reminder_is_a_404(
    client_for: Any, member: User, outreach_worker: User
) -> None:
    theirs = sent(outreach_worker)
    response = client_for(member).post(reverse("reminders:inbox_done", args=[theirs.pk]))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.done_at is None


def test_mark_all_done_touches_only_ones_own(
    client_for: Any, member: User, outreach_worker: User
) -> None:
    sent(member, Kind.ROUND_OPENED, object_key="round:1")
    sent(member, Kind.RESULTS_OUT, object_key="round:1")
    theirs = sent(outreach_worker)
    client_for(member).post(reverse("reminders:inbox_done_all"))
    assert not Reminder.objects.filter(user=member, done_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.done_at is None


def test_links_lead_where_they_help(
    client_for: Any, outreach_worker: User, person: Any, partner: Any
) -> None:
    referral = Referral.objects.create(
        person=person,
        partner=partner,
        service="hiv_test",
        made_by=outreach_worker,
        made_on=timezone.localdate(),
        due_on=timezone.localdate(),
    )
    sent(outreach_worker, Kind.DAILY_LIST)
    sent(outreach_worker, Kind.REFERRAL_FOLLOW_UP, object_key=f"referral:{referral.pk}")
    response = client_for(outreach_worker).get(reverse("reminders:inbox"))
    links = {row["reminder"].kind: row["link"] for row in response.context["waiting"]}
    assert links[Kind.DAILY_LIST] == reverse("outreach:my_week")
    assert links[Kind.REFERRAL_FOLLOW_UP] == reverse("outreach:referral_detail", args=[referral.pk])


# --- The bell ------------------------------------------------------------------------------


def test_the_bell_counts_sent_reminders_not_done_in_one_query(
    client_for: Any, member: User
) -> None:
    sent(member, Kind.ROUND_OPENED, object_key="round:1")
    sent(member, Kind.RESULTS_OUT, object_key="round:1")
    sent(member, Kind.ROUND_CLOSING, object_key="round:1", done_at=timezone.now())
    Reminder.objects.create(user=member, kind=Kind.ROUND_OPENED, due_on=timezone.localdate())
    client = client_for(member)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("home"))
    content = response.content.decode()
    assert 'href="/inbox/"' in content
    assert '<span class="badge text-bg-danger">2<' in content
    reminder_queries = [q for q in queries if "members_reminder" in q["sql"]]
    assert len(reminder_queries) == 1


def test_no_bell_for_anonymous_visitors(client_for: Any, db: None) -> None:
    content = client_for(None).get(reverse("account_login")).content.decode()
    assert reverse("reminders:inbox") not in content


def test_no_number_when_nothing_waits(client_for: Any, member: User) -> None:
    content = client_for(member).get(reverse("reminders:inbox")).content.decode()
    assert "Inbox" in content
    assert "badge" not in content


# --- Preferences ---------------------------------------------------------------------------


def test_preferences_offer_only_the_kinds_of_ones_roles(client_for: Any, member: User) -> None:
    form = client_for(member).get(reverse("reminders:notification_preferences")).context["form"]
    kinds = [value for value, _label in form.fields["muted_kinds"].choices]
    assert kinds == [
        Kind.ROUND_OPENED,
        Kind.ROUND_CLOSING,
        Kind.RESULTS_OUT,
        Kind.TELLER_DUTY,
        Kind.SAFETY_ALERT,
    ]


def test_preferences_without_a_record_keep_reminders_in_the_inbox(
    client_for: Any, outreach_worker: User
) -> None:
    response = client_for(outreach_worker).get(reverse("reminders:notification_preferences"))
    fields = response.context["form"].fields
    assert not {"by_email", "email_address", "sender_name"} & set(fields)
    content = response.content.decode()
    assert "Your reminders come to this inbox only." in content
    assert reverse("account_email") not in content


def test_preferences_of_a_person_offer_an_address_and_no_link_to_allauth(
    client_for: Any, member: User
) -> None:
    response = client_for(member).get(reverse("reminders:notification_preferences"))
    assert {"by_email", "email_address", "sender_name"} <= set(response.context["form"].fields)
    content = response.content.decode()
    assert "E-mail address for reminders" in content
    assert reverse("account_email") not in content
    assert "Your reminders come to this inbox only." not in content


def test_preferences_are_saved(client_for: Any, member: User) -> None:
    response = client_for(member).post(
        reverse("reminders:notification_preferences"),
        {
            "by_email": "on",
            "email_address": "moon@example.test",
            "sender_name": "Aunt May",
            "quiet_from": "22:00",
            "quiet_until": "07:00",
            "muted_kinds": [Kind.ROUND_CLOSING],
        },
    )
    assert response.status_code == 302
    preference = NotificationPreference.objects.get(user=member)
    assert preference.by_email and preference.sender_name == "Aunt May"
    assert (preference.quiet_from, preference.quiet_until) == (time(22), time(7))
    assert preference.muted_kinds == [Kind.ROUND_CLOSING]
    assert Person.objects.get(user=member).email == "moon@example.test"


def test_preferences_without_a_record_are_saved_without_e_mail(
    client_for: Any, outreach_worker: User
) -> None:
    response = client_for(outreach_worker).post(
        reverse("reminders:notification_preferences"),
        # A forged e-mail choice is ignored: there is no record to keep an address on.
        {
            "by_email": "on",
            "email_address": "w@example.test",
            "quiet_from": "22:00",
            "quiet_until": "07:00",
            "muted_kinds": [Kind.NOT_SEEN],
        },
    )
    assert response.status_code == 302
    preference = NotificationPreference.objects.get(user=outreach_worker)
    assert not preference.by_email
    assert (preference.quiet_from, preference.quiet_until) == (time(22), time(7))
    assert preference.muted_kinds == [Kind.NOT_SEEN]


def test_saving_preferences_keeps_the_kinds_not_on_the_page(client_for: Any, member: User) -> None:
    """Muted while they were an outreach worker: the page no longer shows the box, and saving
    it does not quietly take the choice back."""
    NotificationPreference.objects.create(user=member, muted_kinds=[Kind.DAILY_LIST])
    client = client_for(member)
    page = client.get(reverse("reminders:notification_preferences"))
    offered = [value for value, _label in page.context["form"].fields["muted_kinds"].choices]
    assert Kind.DAILY_LIST not in offered
    data = {**untouched(page.content.decode(), having="sender_name")}
    data["muted_kinds"] = [Kind.ROUND_CLOSING]
    assert client.post(reverse("reminders:notification_preferences"), data).status_code == 302
    preference = NotificationPreference.objects.get(user=member)
    assert sorted(preference.muted_kinds) == sorted([Kind.ROUND_CLOSING, Kind.DAILY_LIST])


def test_preference_errors_show_beside_their_fields(client_for: Any, member: User) -> None:
    response = client_for(member).post(
        reverse("reminders:notification_preferences"),
        {"sender_name": "", "quiet_from": "22:00", "muted_kinds": ["coverage_alert"]},
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {"sender_name", "quiet_until", "muted_kinds"}
    content = response.content.decode()
    assert 'id="id_quiet_until"' in content
    assert "Give both times, or neither." in content
    assert 'id="error_1_id_quiet_until"' in content
