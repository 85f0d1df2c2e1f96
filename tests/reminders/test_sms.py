"""Text messages: the backend's contract with a loopback server answering as Africa's Talking
does (sent, a temporary failure tried again, a stopped number), consent and the stop list
checked before every text, quiet hours, one text per reminder, an e-mail never sent twice
because a text failed, the opt-out callback and the preferences page's stop button. The numbers
are fictional."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from config.celery import app
from members import services
from members.identifiers import Use, identifier_hash
from members.models import Consent, NotificationPreference, Person, Reminder, User
from members.personal_data import REGISTRY
from reminders import channels, planning, sms
from reminders.models import SmsMessage, SmsStop
from reminders.outbox import dispatch_due, reminders_sweep
from reminders.sms import (
    AfricasTalkingBackend,
    ConsoleBackend,
    FileBackend,
    LocmemBackend,
    Outcome,
)
from reminders.sms_outbox import sms_send, sms_send_due, sms_stop_add, sms_text
from reminders.tasks import send_text_messages
from tests.conftest import make_person, make_user
from tests.reminders.at_once import at_once
from tests.reminders.fake_sms_gateway import API_KEY, USERNAME, FakeGateway

NUMBER = "+254711000101"
DIGITS = "711000101"  # the number without its country code, as a dump would be searched
OTHER_NUMBER = "+254711000202"
KIND = Reminder.Kind.ROUND_OPENED
NEUTRAL = "New message from Reminder. Open the app."


@pytest.fixture(autouse=True)
def _sms_settings(settings: Any) -> Iterator[None]:
    settings.SMS_BACKEND = "reminders.sms.LocmemBackend"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SMS_CALLBACK_TOKEN = ""
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture
def gateway(settings: Any) -> Iterator[FakeGateway]:
    with FakeGateway() as server:
        settings.SMS_BACKEND = "reminders.sms.AfricasTalkingBackend"
        settings.SMS_GATEWAY_URL = server.url
        settings.SMS_USERNAME = USERNAME
        settings.SMS_API_KEY = API_KEY
        settings.SMS_SENDER_ID = "NEWS"
        yield server


def texting(user: User, number: str | None = NUMBER) -> Person:
    """The login's record with a phone and an open consent to SMS reminders."""
    person = Person.objects.get(user=user)
    person.phone = number
    person.save(update_fields=["phone"])
    Consent.objects.get_or_create(
        person=person, purpose=Consent.Purpose.SMS_REMINDERS, withdrawn_at=None
    )
    return person


def remind(user: User, kind: str = KIND, key: str = "round:1") -> Reminder:
    """A reminder due now, delivered by the outbox (inbox, e-mail, and the SMS row)."""
    reminder = Reminder.objects.create(
        user=user, kind=kind, object_key=key, due_on=timezone.localdate()
    )
    dispatch_due()
    reminder.refresh_from_db()
    return reminder


def text_for(user: User, kind: str, key: str) -> SmsMessage | None:
    """What the SMS channel writes for a reminder of `kind`, or None."""
    reminder = Reminder.objects.create(
        user=user, kind=kind, object_key=key, due_on=timezone.localdate()
    )
    channels.SmsChannel().send(reminder)
    return SmsMessage.objects.filter(reminder=reminder).first()


def make_due(message: SmsMessage) -> None:
    """The back-off has passed."""
    SmsMessage.objects.filter(pk=message.pk).update(
        next_try_at=timezone.now() - timedelta(seconds=1)
    )


def stop_hash(number: str) -> str:
    return identifier_hash(Use.SMS_STOP, number)


# --- The contract with the gateway -------------------------------------------------------------


@pytest.mark.django_db
def test_a_text_goes_through_the_gateway_and_its_id_is_kept(
    member: User, gateway: FakeGateway
) -> None:
    texting(member)
    reminder = remind(member)
    assert sms_send_due() == 1
    [request] = gateway.requests
    assert request["form"] == {
        "username": USERNAME,
        "to": NUMBER,
        "message": NEUTRAL,
        "from": "NEWS",
    }
    assert request["headers"]["apikey"] == API_KEY
    assert request["headers"]["accept"] == "application/json"
    message = SmsMessage.objects.get(reminder=reminder)
    assert message.status == SmsMessage.Status.SENT
    assert message.gateway_id == "ATXid_00000001"
    assert message.attempts == 1
    assert message.sent_at is not None
    assert sms_send_due() == 0  # sent once
    assert len(gateway.delivered) == 1


@pytest.mark.django_db
def test_a_temporary_failure_is_tried_again_later_and_delivered_once(
    member: User, gateway: FakeGateway
) -> None:
    texting(member)
    remind(member)
    gateway.answers = [("http", 503), 500]  # the service is down, then a GatewayError
    before = timezone.now()
    assert sms_send_due() == 0
    message = SmsMessage.objects.get()
    assert (message.status, message.attempts) == (SmsMessage.Status.PENDING, 1)
    assert message.next_try_at >= before + timedelta(minutes=5)
    assert sms_send_due() == 0  # not due yet: nothing asked
    assert len(gateway.requests) == 1
    make_due(message)
    assert sms_send_due() == 0
    message.refresh_from_db()
    assert message.attempts == 2
    assert message.next_try_at >= before + timedelta(minutes=10)  # the wait doubles
    make_due(message)
    assert sms_send_due() == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == (SmsMessage.Status.SENT, 3)
    assert len(gateway.delivered) == 1


@pytest.mark.django_db
def test_a_stopped_number_joins_the_stop_list_and_gets_nothing_again(
    member: User, gateway: FakeGateway
) -> None:
    texting(member)
    remind(member)
    gateway.answers = [406]  # UserInBlacklist
    assert sms_send_due() == 0
    assert SmsMessage.objects.get().status == SmsMessage.Status.STOPPED
    stop = SmsStop.objects.get()
    assert (stop.number_hash, stop.source) == (stop_hash(NUMBER), SmsStop.Source.GATEWAY)
    later = remind(member, key="round:2")
    assert not SmsMessage.objects.filter(reminder=later).exists()
    assert sms_send_due() == 0
    assert len(gateway.requests) == 1
    assert later.status == Reminder.Status.SENT  # still in the inbox


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("answer", "outcome"),
    [
        (100, Outcome.SENT),
        (102, Outcome.SENT),
        (409, Outcome.STOPPED),  # DoNotDisturbRejection
        (501, Outcome.RETRY),
        (("http", 500), Outcome.RETRY),
        (("http", 429), Outcome.RETRY),
        (403, Outcome.FAILED),  # InvalidPhoneNumber
        (405, Outcome.FAILED),  # InsufficientBalance
        (502, Outcome.FAILED),  # RejectedByGateway
        (("http", 400), Outcome.FAILED),
    ],
)
def test_each_gateway_answer_has_its_outcome(
    gateway: FakeGateway, answer: int | tuple[str, int], outcome: Outcome
) -> None:
    gateway.answers = [answer]
    assert AfricasTalkingBackend().send(to=NUMBER, text=NEUTRAL).outcome is outcome


@pytest.mark.django_db
def test_a_wrong_key_is_a_permanent_failure(gateway: FakeGateway, settings: Any) -> None:
    settings.SMS_API_KEY = "not-the-key"
    result = AfricasTalkingBackend().send(to=NUMBER, text=NEUTRAL)
    assert (result.outcome, result.detail) == (Outcome.FAILED, "HTTP 401")


def test_an_unreachable_gateway_is_a_temporary_failure(settings: Any) -> None:
    with FakeGateway() as server:
        url = server.url
    settings.SMS_GATEWAY_URL = url  # closed now: the connection is refused
    assert AfricasTalkingBackend().send(to=NUMBER, text=NEUTRAL).outcome is Outcome.RETRY


@pytest.mark.django_db
def test_it_gives_up_after_the_last_attempt(
    member: User, gateway: FakeGateway, settings: Any
) -> None:
    settings.SMS_MAX_ATTEMPTS = 2
    texting(member)
    remind(member)
    gateway.answers = [500, 500, 500]
    sms_send_due()
    make_due(SmsMessage.objects.get())
    sms_send_due()
    message = SmsMessage.objects.get()
    assert (message.status, message.attempts) == (SmsMessage.Status.FAILED, 2)
    make_due(message)
    sms_send_due()
    assert len(gateway.requests) == 2


# --- Who gets a text ---------------------------------------------------------------------------


def _no_consent(person: Person) -> None:
    Consent.objects.filter(person=person).delete()


def _withdrawn(person: Person) -> None:
    Consent.objects.filter(person=person).update(withdrawn_at=timezone.now())


def _no_phone(person: Person) -> None:
    Person.objects.filter(pk=person.pk).update(phone=None)


def _empty_phone(person: Person) -> None:
    person.phone = ""
    person.save(update_fields=["phone"])


def _erased(person: Person) -> None:
    Person.objects.filter(pk=person.pk).update(erased_at=timezone.now())


def _merged(person: Person) -> None:
    kept = make_person(person.hotspot, "KEEP0101")
    Person.objects.filter(pk=person.pk).update(merged_into=kept)


GATES = [_no_consent, _withdrawn, _no_phone, _empty_phone, _erased, _merged]


@pytest.mark.django_db
@pytest.mark.parametrize("gate", GATES, ids=[g.__name__.strip("_") for g in GATES])
def test_no_text_without_consent_and_a_number(member: User, gate: Any) -> None:
    gate(texting(member))
    reminder = remind(member)
    assert reminder.status == Reminder.Status.SENT
    assert not SmsMessage.objects.exists()
    assert sms_send_due() == 0
    assert sms.outbox == []


@pytest.mark.django_db
def test_a_login_without_a_record_gets_no_text(outreach_worker: User) -> None:
    remind(outreach_worker, kind=Reminder.Kind.DAILY_LIST)
    assert not SmsMessage.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "gate", [_withdrawn, _no_phone, _erased], ids=["withdrawn", "phone", "erased"]
)
def test_consent_and_number_are_checked_again_when_sending(member: User, gate: Any) -> None:
    person = texting(member)
    remind(member)
    gate(person)
    assert sms_send_due() == 0
    assert SmsMessage.objects.get().status == SmsMessage.Status.SKIPPED
    assert sms.outbox == []


@pytest.mark.django_db
def test_erasure_deletes_the_texts(member: User, coordinator: User) -> None:
    person = texting(member)
    remind(member)
    sms_send_due()
    assert REGISTRY["text_messages"].model is SmsMessage
    services.person_erase(actor=coordinator, person=person)
    assert not SmsMessage.objects.exists()


# --- The stop list -----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("kind", Reminder.Kind.values)
def test_the_stop_list_holds_for_every_kind(member: User, kind: str) -> None:
    """Through the channel itself: whatever a kind's delivery checks first (a live alert), the
    text is held by the same stop list, when written and when sent."""
    texting(member)
    written = text_for(member, kind, "thing:1")
    sms_stop_add(number=NUMBER, source=SmsStop.Source.PAGE)
    assert text_for(member, kind, "thing:2") is None
    assert sms_send_due() == 0
    assert written is not None
    written.refresh_from_db()
    assert written.status == SmsMessage.Status.STOPPED
    assert sms_send(number=NUMBER, text=NEUTRAL).outcome is Outcome.STOPPED
    assert sms.outbox == []


@pytest.mark.django_db
def test_a_number_stopped_after_its_text_was_written_gets_nothing(member: User) -> None:
    texting(member)
    remind(member)
    sms_stop_add(number="+254 711 000 101", source=SmsStop.Source.OPT_OUT)  # spelt otherwise
    assert sms_send_due() == 0
    assert SmsMessage.objects.get().status == SmsMessage.Status.STOPPED
    assert sms.outbox == []


@pytest.mark.django_db(transaction=True)
def test_the_database_never_holds_the_number_in_the_clear(
    member: User, dump: Callable[[], str]
) -> None:
    """A dump, as a stolen backup would show it, after a text was sent and the number stopped."""
    texting(member)
    remind(member)
    assert sms_send_due() == 1
    sms_stop_add(number=NUMBER, source=SmsStop.Source.OPT_OUT)
    stop = SmsStop.objects.get()
    assert stop.number_hash == stop_hash(NUMBER)
    assert all(DIGITS not in str(getattr(stop, f.attname)) for f in SmsStop._meta.concrete_fields)
    text = dump()
    assert stop.number_hash in text  # the control: the dump holds the stop list
    assert DIGITS not in text


# --- Quiet hours, once per reminder, and e-mail --------------------------------------------------


@pytest.mark.django_db
def test_quiet_hours_push_a_retry_to_their_end(member: User, gateway: FakeGateway) -> None:
    texting(member)
    remind(member)
    now = timezone.localtime()
    end = (now + timedelta(hours=3)).replace(second=0, microsecond=0)
    NotificationPreference.objects.create(
        user=member,
        quiet_from=(now + timedelta(minutes=1)).time().replace(second=0, microsecond=0),
        quiet_until=end.time(),
    )
    gateway.answers = [("http", 503)]
    sms_send_due()
    message = SmsMessage.objects.get()
    assert message.attempts == 1
    assert message.next_try_at == end  # not 5 minutes from now, inside the quiet hours


@pytest.mark.django_db
def test_a_text_waits_for_the_end_of_quiet_hours(member: User) -> None:
    now = timezone.localtime()
    end = (now + timedelta(hours=2)).replace(second=0, microsecond=0)
    preference = NotificationPreference.objects.create(
        user=member,
        quiet_from=(now - timedelta(hours=1)).time().replace(second=0, microsecond=0),
        quiet_until=end.time(),
    )
    texting(member)
    remind(member)
    message = SmsMessage.objects.get()
    assert message.next_try_at == end
    # Quiet hours chosen after the row was written also hold, and spend no attempt.
    make_due(message)
    assert sms_send_due() == 0
    message.refresh_from_db()
    assert (message.next_try_at, message.attempts) == (end, 0)
    preference.delete()
    make_due(message)
    assert sms_send_due() == 1


@pytest.mark.django_db
def test_one_text_per_reminder_however_often_the_channel_runs(member: User) -> None:
    texting(member)
    reminder = remind(member)
    channels.SmsChannel().send(reminder)
    channels.SmsChannel().send(reminder)
    # The reminder delivered again after a sweep (its worker died before the commit).
    Reminder.objects.filter(pk=reminder.pk).update(
        status=Reminder.Status.SENDING, claimed_at=timezone.now() - timedelta(hours=1)
    )
    reminders_sweep()
    dispatch_due()
    assert SmsMessage.objects.count() == 1
    sms_send_due()
    assert len(sms.outbox) == 1


@pytest.mark.django_db
def test_a_failing_text_never_sends_the_e_mail_again(member: User, gateway: FakeGateway) -> None:
    person = texting(member)
    person.email = "member.test@example.org"
    person.save(update_fields=["email"])
    Consent.objects.create(person=person, purpose=Consent.Purpose.EMAIL_REMINDERS)
    NotificationPreference.objects.create(user=member, by_email=True)
    gateway.answers = [("http", 503)] * 3
    reminder = remind(member)
    for _round in range(3):
        sms_send_due()
        make_due(SmsMessage.objects.get())
        reminders_sweep(older_than=timedelta(0))
        dispatch_due()
    assert len(mail.outbox) == 1
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.SENT
    assert SmsMessage.objects.get().attempts == 3


@pytest.mark.django_db(transaction=True)
def test_four_senders_at_once_send_each_text_once(hotspot: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SKIP LOCKED and concurrent writers need PostgreSQL")
    users = []
    for index in range(12):
        user = make_user(f"texting.{index}", is_member=True)
        make_person(hotspot, f"TX{index:02d}0190", user=user)
        texting(user, f"+2547110003{index:02d}")
        users.append(user)
    for user in users:
        Reminder.objects.create(user=user, kind=KIND, due_on=timezone.localdate())
    dispatch_due()
    assert SmsMessage.objects.count() == 12
    assert sum(at_once(sms_send_due)) == 12
    assert sorted(m.to for m in sms.outbox) == sorted(f"+2547110003{i:02d}" for i in range(12))


# --- Wording -----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("kind", Reminder.Kind.values)
def test_every_kind_says_only_new_message_from_the_sender_name(member: User, kind: str) -> None:
    texting(member)
    text_for(member, kind, "thing:1")
    assert sms_send_due() == 1
    assert [m.text for m in sms.outbox] == [NEUTRAL]


@pytest.mark.django_db
def test_the_text_carries_the_chosen_sender_name(member: User) -> None:
    NotificationPreference.objects.create(user=member, sender_name="  Auntie\n Jo ")
    texting(member)
    remind(member)
    sms_send_due()
    assert [m.text for m in sms.outbox] == ["New message from Auntie Jo. Open the app."]


def test_the_wording_passes_the_forbidden_words_lint() -> None:
    assert sms_text("") == NEUTRAL
    assert planning.lint_text(sms_text("Reminder")) == []


# --- Backends ----------------------------------------------------------------------------------


def test_the_console_backend_prints_the_text_and_hides_the_number() -> None:
    stream = io.StringIO()
    result = ConsoleBackend(stream).send(to=NUMBER, text=NEUTRAL)
    assert result.outcome is Outcome.SENT
    assert NEUTRAL in stream.getvalue()
    assert DIGITS not in stream.getvalue()
    assert "…101" in stream.getvalue()


def test_the_file_backend_writes_one_file_per_text(settings: Any, tmp_path: Any) -> None:
    settings.SMS_FILE_PATH = str(tmp_path / "sms")
    FileBackend().send(to=NUMBER, text=NEUTRAL)
    FileBackend().send(to=OTHER_NUMBER, text=NEUTRAL)
    files = sorted((tmp_path / "sms").iterdir())
    assert len(files) == 2
    assert all(NEUTRAL in f.read_text() and DIGITS not in f.read_text() for f in files)


def test_the_locmem_backend_keeps_texts_in_memory() -> None:
    LocmemBackend().send(to=NUMBER, text=NEUTRAL)
    assert sms.outbox == [sms.Sent(to=NUMBER, text=NEUTRAL)]


def test_sms_backend_names_the_class(settings: Any) -> None:
    settings.SMS_BACKEND = "reminders.sms.FileBackend"
    assert isinstance(sms.get_backend(), FileBackend)


# --- The opt-out callback ----------------------------------------------------------------------


def callback(token: str) -> str:
    return reverse("reminders:sms_opt_out", args=[token])


@pytest.mark.django_db
def test_the_gateways_opt_out_puts_the_number_on_the_stop_list(client: Any, settings: Any) -> None:
    settings.SMS_CALLBACK_TOKEN = "callback-secret-4471"
    form = {"phoneNumber": NUMBER, "senderId": "NEWS"}
    response = client.post(callback("callback-secret-4471"), form)
    assert response.status_code == 200
    stop = SmsStop.objects.get()
    assert (stop.number_hash, stop.source) == (stop_hash(NUMBER), SmsStop.Source.OPT_OUT)
    assert client.post(callback("callback-secret-4471"), form).status_code == 200
    assert SmsStop.objects.count() == 1


@pytest.mark.django_db
def test_the_callback_is_404_with_a_wrong_or_unset_token_and_405_for_a_get(
    client: Any, settings: Any
) -> None:
    form = {"phoneNumber": NUMBER}
    assert client.post(callback("anything"), form).status_code == 404  # unset: off
    settings.SMS_CALLBACK_TOKEN = "callback-secret-4471"
    assert client.post(callback("callback-secret-4470"), form).status_code == 404
    assert client.get(callback("callback-secret-4470")).status_code == 404
    assert client.get(callback("callback-secret-4471")).status_code == 405
    assert not SmsStop.objects.exists()


# --- The preferences page's stop button ----------------------------------------------------------


@pytest.mark.django_db
def test_a_person_stops_all_texts_to_their_own_number(member: User, client_for: Any) -> None:
    texting(member)
    client = client_for(member)
    page = client.get(reverse("reminders:notification_preferences")).content.decode()
    assert "Stop all text messages to my number" in page
    assert "ending in 101" in page
    response = client.post(reverse("reminders:sms_stop"))
    assert response.status_code == 302
    assert response["Location"] == reverse("reminders:notification_preferences")
    assert SmsStop.objects.get().number_hash == stop_hash(NUMBER)
    page = client.get(reverse("reminders:notification_preferences")).content.decode()
    assert "No text messages are sent to your number ending in 101." in page
    assert "Stop all text messages to my number" not in page
    client.post(reverse("reminders:sms_stop"))  # again: nothing changes
    assert SmsStop.objects.count() == 1
    remind(member)
    assert not SmsMessage.objects.exists()


@pytest.mark.django_db
def test_the_stop_button_only_ever_stops_ones_own_number(
    member: User, hotspot: Any, outreach_worker: User, client_for: Any
) -> None:
    texting(member)
    other = make_user("texting.other", is_member=True)
    make_person(hotspot, "OTHR0101", user=other)
    texting(other, OTHER_NUMBER)
    client_for(other).post(reverse("reminders:sms_stop"))
    assert list(SmsStop.objects.values_list("number_hash", flat=True)) == [stop_hash(OTHER_NUMBER)]
    # A login without a record, and an anonymous visitor, stop nothing.
    page = client_for(outreach_worker).post(reverse("reminders:sms_stop"), follow=True)
    assert "There is no phone number on your record" in page.content.decode()
    anonymous = client_for(None).post(reverse("reminders:sms_stop"))
    assert anonymous["Location"].startswith("/accounts/login/")
    assert client_for(member).get(reverse("reminders:sms_stop")).status_code == 405
    assert SmsStop.objects.count() == 1


# --- Celery ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_task_sends_what_is_due(member: User) -> None:
    texting(member)
    remind(member)
    assert send_text_messages.delay().get() == 1
    assert len(sms.outbox) == 1


def test_beat_sends_texts_every_minute() -> None:
    entry = app.conf.beat_schedule["send-text-messages"]
    assert entry["task"] == send_text_messages.name
    assert entry["schedule"] == 60.0


def test_sms_is_a_registered_channel() -> None:
    assert any(isinstance(channel, channels.SmsChannel) for channel in channels.CHANNELS)
