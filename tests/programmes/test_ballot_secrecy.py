"""The secret ballot against its threat model: voting.md section (c), tests T1-T13 (T12, the
tally, is tests/programmes/test_tally.py; what the database files, dumps and WAL hold is
tests/programmes/test_ballot_storage.py). Those that need PostgreSQL's system columns, row locks
or triggers run only there: DATABASE_URL=postgres://... pytest tests/programmes."""

from __future__ import annotations

import base64
import json
import logging
import pickle
import re
import threading
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.messages import get_messages
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, models, transaction
from django.test import Client
from django.urls import URLPattern, get_resolver, reverse

from members.models import Hotspot, User
from programmes import ballot_crypto, services, tally
from programmes.models import (
    CountedBallot,
    EncryptedBallot,
    Option,
    Result,
    RollEntry,
    Round,
    Tracker,
)
from tests.programmes.round_helpers import (
    OPTIONS,
    count,
    give_voting_consent,
    make_round,
    make_voter,
    make_voters,
    open_with_votes,
    option_ids,
    teller_words,
)

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL (set DATABASE_URL)"
)
TITLES = [title for title, _picture in OPTIONS]
# How an approval count reads on the results page; nothing may read like it before the count.
# Five ballots, as option positions: one choice, two, another, a pair, a repeat.
CAST = [[0], [1, 2], [3], [0, 3], [2]]
APPROVALS = re.compile(r"\d+\s+(people|person)\s+chose", re.IGNORECASE)


@pytest.fixture
def voting_member(member: User) -> User:
    give_voting_consent(member)
    return member


def in_threads(count: int, work: Callable[[int], Any]) -> list[Any]:
    """Run `work(i)` in `count` threads released at the same moment; each thread has its own
    database connection, closed at its end. Returns what each returned or raised."""
    start = threading.Barrier(count)
    outcomes: list[Any] = [None] * count

    def run(i: int) -> None:
        try:
            start.wait()
            outcomes[i] = work(i)
        except Exception as error:  # the test inspects what each thread met
            outcomes[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


# --- T1: nothing in the schema links a voter to a ballot -------------------------------------


BALLOTS = (EncryptedBallot, CountedBallot, Tracker)


def test_t1_the_roll_and_the_ballots_share_no_link() -> None:
    timestamps = (models.DateTimeField, models.DateField, models.TimeField)
    for model in (*BALLOTS, RollEntry):
        for field in model._meta.get_fields():
            assert not isinstance(field, timestamps), f"{model.__name__}.{field.name}"
            assert not isinstance(field, models.GenericIPAddressField)
            if field.is_relation and field.concrete:
                allowed = {Round} | ({User} if model is RollEntry else set())
                assert field.related_model in allowed, f"{model.__name__}.{field.name}"
    # A ballot: a random UUID4 key, its round and its content, nothing else; a tracker: a code.
    for model in (EncryptedBallot, CountedBallot):
        assert isinstance(model._meta.pk, models.UUIDField)
        assert model._meta.pk.default is uuid.uuid4
    columns = {model: {f.column for f in model._meta.concrete_fields} for model in BALLOTS}
    assert columns[EncryptedBallot] == {"id", "round_id", "ciphertext"}
    assert columns[CountedBallot] == {"id", "round_id", "choices"}
    assert columns[Tracker] == {"id", "round_id", "code"}
    assert {f.column for f in RollEntry._meta.concrete_fields} == {
        "id",
        "round_id",
        "member_id",
        "has_voted",
        "voted_in_person",
        "assisted",
    }
    # No model anywhere points at a ballot or a tracker (no choice table, history or audit).
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if field.is_relation and field.concrete:
                assert field.related_model not in BALLOTS, f"{model.__name__}.{field.name}"


def test_t1_the_database_has_no_foreign_key_between_roll_and_ballot() -> None:
    with connection.cursor() as cursor:
        for table, other in (
            ("programmes_encryptedballot", "programmes_rollentry"),
            ("programmes_countedballot", "programmes_rollentry"),
            ("programmes_tracker", "programmes_rollentry"),
            ("programmes_rollentry", "programmes_encryptedballot"),
            ("programmes_rollentry", "programmes_countedballot"),
        ):
            constraints = connection.introspection.get_constraints(cursor, table)
            targets = {c["foreign_key"][0] for c in constraints.values() if c["foreign_key"]}
            assert other not in targets
            assert "members_user" not in targets or table == "programmes_rollentry"
            columns = {
                c.name for c in connection.introspection.get_table_description(cursor, table)
            }
            assert not any("time" in c or c.endswith("_at") or c == "ip" for c in columns)


# --- T2: the stored ballot is ciphertext; only enough tellers open it ---------------------------


def test_t2_a_cast_ballot_is_stored_encrypted_and_opens_only_with_enough_shares(
    coordinator: User,
) -> None:
    round_ = make_round(coordinator)
    trackers = open_with_votes(round_, CAST)
    ids = option_ids(round_)
    stored = [bytes(c) for c in EncryptedBallot.objects.values_list("ciphertext", flat=True)]
    assert len(stored) == 5 and len({len(c) for c in stored}) == 1  # one size, whatever chosen
    assert sorted(ballot_crypto.tracker(c) for c in stored) == sorted(trackers)
    # No plain text of any ballot (its choices encoded and padded as sealed) is in any
    # ciphertext. The whole padded text, not a fragment: two random bytes such as b"1]" turn up
    # by chance in about 2 of 100 sets of five ciphertexts.
    plain = [json.dumps(sorted(ids[i] for i in c), separators=(",", ":")).encode() for c in CAST]
    padded = [p + b" " * (ballot_crypto.PLAINTEXT_BYTES - len(p)) for p in plain]
    for ciphertext in stored:
        assert not [p for p in padded if p in ciphertext]
    assert round_.public_key is not None
    words = teller_words(round_)
    shares = [ballot_crypto.share_from_words(w, bytes(round_.public_key).hex()) for w in words]
    with pytest.raises(ballot_crypto.SharesRefused):
        ballot_crypto.ballots_open(shares[:1], bytes(round_.public_key), stored)
    opened = ballot_crypto.ballots_open(shares[1:], bytes(round_.public_key), stored)
    assert sorted(opened) == sorted(
        [[ids[0]], [ids[1], ids[2]], [ids[3]], [ids[0], ids[3]], [ids[2]]]
    )


def test_t2_counting_keeps_every_ballot_with_fresh_ids_and_destroys_the_ciphertexts(
    coordinator: User,
) -> None:
    round_ = make_round(coordinator)
    open_with_votes(round_, [[0], [1, 2], [3], [0, 3], [2]])
    ids = option_ids(round_)
    cast_ids = set(EncryptedBallot.objects.values_list("pk", flat=True))
    count(round_)
    assert round_.status == Round.Status.COUNTED
    counted = CountedBallot.objects.filter(round=round_)
    assert not cast_ids & {b.pk for b in counted}
    assert all(b.pk.version == 4 for b in counted)
    assert sorted(b.choices for b in counted) == sorted(
        [[ids[0]], [ids[1], ids[2]], [ids[3]], [ids[0], ids[3]], [ids[2]]]
    )
    assert not EncryptedBallot.objects.exists()
    assert not round_.tellers.exclude(share_box=None).exists()


def test_an_open_round_cannot_be_counted(coordinator: User) -> None:
    round_ = make_round(coordinator)
    open_with_votes(round_, [[0]] * 5)
    words = teller_words(round_)
    for given in words:
        with pytest.raises(ValidationError) as refused:
            services.share_give(round=round_, words=given)
        assert refused.value.code == "not_closed"
    assert not Result.objects.exists()


def test_one_teller_cannot_count_alone_nor_twice(coordinator: User) -> None:
    round_ = make_round(coordinator)
    open_with_votes(round_, [[0]] * 5)
    words = teller_words(round_)
    services.round_close(round=round_)
    assert services.share_give(round=round_, words=words[0]) is None
    with pytest.raises(ValidationError) as refused:
        services.share_give(round=round_, words=words[0])
    assert refused.value.code == "already_given"
    round_.refresh_from_db()
    assert round_.status == Round.Status.CLOSED
    assert not Result.objects.exists() and not CountedBallot.objects.exists()
    assert services.share_give(round=round_, words=words[2]) is not None


def test_a_share_of_another_round_or_mistyped_is_refused(coordinator: User) -> None:
    first, second = make_round(coordinator, title="First"), make_round(coordinator, title="Two")
    open_with_votes(first, [[0]] * 5)
    open_with_votes(second, [[1]] * 5, prefix="second")
    services.round_close(round=first)
    other = teller_words(second)[0]
    mine = teller_words(first)[0]
    mistyped = mine[:-1] + ("0" if mine[-1] != "0" else "1")
    for words in (other, mistyped, "ABCD EFGH"):
        with pytest.raises(ValidationError) as refused:
            services.share_give(round=first, words=words)
        assert refused.value.code == "bad_share"


# --- T3: one member, one vote, however many clicks --------------------------------------------


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_t3_ten_simultaneous_casts_by_one_member_make_one_ballot(
    coordinator: User, voting_member: User
) -> None:
    round_ = make_round(coordinator)
    services.round_open(round=round_)
    ids = option_ids(round_)

    def cast(i: int) -> str:
        return services.ballot_cast(round=round_, member=voting_member, choices=[ids[i % 4]])

    outcomes = in_threads(10, cast)
    trackers = [o for o in outcomes if isinstance(o, str)]
    refusals = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(trackers) == 1, outcomes
    assert len(refusals) == 9
    assert {r.code for r in refusals} == {"already_voted"}
    stored = EncryptedBallot.objects.values_list("ciphertext", flat=True)
    assert [ballot_crypto.tracker(bytes(c)) for c in stored] == trackers
    assert RollEntry.objects.get(member=voting_member).has_voted


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_t3_ten_simultaneous_posts_of_the_vote_page_make_one_ballot(
    coordinator: User, voting_member: User
) -> None:
    round_ = make_round(coordinator)
    services.round_open(round=round_)
    url = reverse("programmes:round_thanks", args=[round_.pk])
    data = {"choice": [str(option_ids(round_)[0])]}

    def post(_: int) -> int:
        client = Client()
        client.force_login(voting_member)
        return client.post(url, data).status_code

    assert in_threads(10, post) == [200] * 10
    assert EncryptedBallot.objects.count() == 1


# --- T4: a vote racing the close is counted or refused, never lost ----------------------------


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_t4_a_cast_racing_the_close_is_counted_or_refused(coordinator: User) -> None:
    for attempt in range(4):
        round_ = make_round(coordinator, title=f"Race {attempt}")
        racer = make_voter(f"racer{attempt}")
        open_with_votes(round_, [[0], [1], [2], [3], [0, 1]], prefix=f"race{attempt}-")
        ids = option_ids(round_)

        def work(i: int, round_: Round = round_, racer: User = racer, ids: list = ids) -> Any:
            if i == 0:
                return services.ballot_cast(round=round_, member=racer, choices=[ids[2]])
            return services.round_close(round=round_)

        outcomes = in_threads(2, work)
        cast = outcomes[0]
        assert isinstance(cast, str) or (
            isinstance(cast, ValidationError) and cast.code == "closed"
        ), outcomes
        count(round_)
        result = Result.objects.get(round=round_)
        voted = RollEntry.objects.filter(round=round_, has_voted=True).count()
        trackers = set(Tracker.objects.filter(round=round_).values_list("code", flat=True))
        assert len(trackers) == voted == result.ballots_counted == result.voters
        assert voted == (6 if isinstance(cast, str) else 5)
        if isinstance(cast, str):
            assert cast in trackers
        assert Round.objects.get(pk=round_.pk).status == Round.Status.COUNTED


# --- T5: no result anywhere while a round is open ---------------------------------------------


def _programmes_pages(round_: Round, option: Option) -> list[str]:
    """Every GET page of the programmes app, its ids filled with the round's (or its option's):
    pages written by others too, so a future export or API is covered as it appears."""
    urls = []
    for app in get_resolver().url_patterns:
        if getattr(app, "namespace", None) != "programmes":
            continue
        for entry in app.url_patterns:
            if isinstance(entry, URLPattern):
                pk = option.pk if "option" in entry.name else round_.pk
                kwargs = dict.fromkeys(entry.pattern.regex.groupindex, pk)
                urls.append(reverse(f"programmes:{entry.name}", kwargs=kwargs))
    return urls


def test_t5_no_page_shows_a_count_of_choices_while_a_round_is_open(
    client_for: Any,
    coordinator: User,
    administrator: User,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_counting(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("something counted the ballots of an open round")

    for name in ("approvals", "ranking", "equal_shares"):
        monkeypatch.setattr(tally, name, no_counting)
    User.objects.filter(pk=administrator.pk).update(is_coordinator=True, is_member=True)
    round_ = make_round(coordinator)
    open_with_votes(round_, [[0, 1], [0], [0, 2], [1], [0, 1, 3], [2], [0]])
    pages = _programmes_pages(round_, round_.options.first())
    assert reverse("programmes:round_results", args=[round_.pk]) in pages
    for user in (coordinator, administrator):
        client = client_for(user)
        for url in pages:
            body = client.get(url).content.decode()
            assert not APPROVALS.search(body), url
            assert "chose this" not in body, url
    assert not Result.objects.exists()


def test_t5_the_admin_has_no_ballots(client_for: Any, administrator: User) -> None:
    assert not set(BALLOTS) & set(admin.site._registry)
    assert RollEntry not in admin.site._registry
    client = client_for(administrator)
    assert client.get("/admin/programmes/encryptedballot/").status_code == 404
    assert client.get("/admin/programmes/countedballot/").status_code == 404
    assert "ballot" not in client.get("/admin/").content.decode().lower()


# --- T6: nothing about a choice in logs, session, cache or messages ---------------------------


def test_t6_casting_leaves_no_trace_of_the_choice(
    client_for: Any,
    coordinator: User,
    voting_member: User,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    round_ = make_round(coordinator)
    services.round_open(round=round_)
    ids = option_ids(round_)
    data = {"choice": [str(ids[1]), str(ids[3])]}
    client = client_for(voting_member)
    client.post(reverse("programmes:round_confirm", args=[round_.pk]), data)
    thanks = client.post(reverse("programmes:round_thanks", args=[round_.pk]), data)
    receipt = ballot_crypto.tracker(bytes(EncryptedBallot.objects.get().ciphertext))
    traces = {receipt, TITLES[1], TITLES[3], str([ids[1], ids[3]]), f"{ids[1]}, {ids[3]}"}

    # The logs, and what the process wrote to its output (a web server's log in production).
    printed = capfd.readouterr()
    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    logged += printed.out + printed.err
    assert not any(trace in logged for trace in traces)
    session = str(dict(client.session.items()))
    assert not any(trace in session for trace in traces)
    assert "choice" not in session
    assert list(get_messages(thanks.wsgi_request)) == []
    assert not any(trace in str(client.cookies) for trace in traces)
    with connection.cursor() as cursor:
        cursor.execute("SELECT value FROM django_cache")
        # Django's database cache keeps each value pickled and in base64: read as it is kept
        # (cache entries written by this test only).
        cached = " ".join(
            repr(pickle.loads(base64.b64decode(row[0])))  # noqa: S301
            for row in cursor.fetchall()
        )
    assert not any(trace in cached for trace in traces)
    body = thanks.content.decode()
    assert receipt in body
    assert not any(title in body for title in TITLES)


# --- T7: casting makes no notification, activity or event --------------------------------------


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


def test_t7_casting_writes_one_ballot_and_nothing_else(
    client_for: Any, coordinator: User, voting_member: User
) -> None:
    round_ = make_round(coordinator)
    services.round_open(round=round_)
    client = client_for(voting_member)
    client.get(reverse("programmes:round_list"))
    before = _row_counts()
    client.post(
        reverse("programmes:round_thanks", args=[round_.pk]),
        {"choice": [str(option_ids(round_)[0])]},
    )
    after = _row_counts()
    changed = {
        label: after[label] - before[label] for label in after if after[label] != before[label]
    }
    assert changed == {"programmes.EncryptedBallot": 1}
    assert mail.outbox == []


# --- T8: receipts = voters = counted ------------------------------------------------------------


def test_t8_the_published_codes_are_the_ballots_and_match_the_count(
    client_for: Any, coordinator: User, voting_member: User
) -> None:
    round_ = make_round(coordinator)
    receipts = open_with_votes(round_, [[0], [1], [2], [3], [0, 1], [2, 3]])
    count(round_)
    body = client_for(voting_member).get(reverse("programmes:round_trackers", args=[round_.pk]))
    published = re.findall(r"<li>([0-9A-Z]{5}-[0-9A-Z]{5})</li>", body.content.decode())
    codes = set(Tracker.objects.values_list("code", flat=True))
    result = Result.objects.get(round=round_)
    voted = RollEntry.objects.filter(round=round_, has_voted=True).count()
    assert set(published) == codes == set(receipts)
    assert len(published) == voted == result.ballots_counted == result.voters == 6
    assert not any(title in body.content.decode() for title in TITLES)
    assert mail.outbox == []


# --- T9: thresholds ------------------------------------------------------------------------------


def test_t9_small_groups_of_voters_are_hidden_with_a_complement(
    client_for: Any, coordinator: User, voting_member: User
) -> None:
    big, middle, small = (
        Hotspot.objects.create(name=name, area="Test", typology="street")
        for name in ("Big market", "Middle lane", "Small corner")
    )
    round_ = make_round(coordinator)
    voters = (
        make_voters(12, big, "big") + make_voters(11, middle, "mid") + make_voters(2, small, "sm")
    )
    services.round_open(round=round_)
    first = option_ids(round_)[0]
    for voter in voters:
        services.ballot_cast(round=round_, member=voter, choices=[first])
    count(round_)
    url = reverse("programmes:round_results", args=[round_.pk])
    body = client_for(coordinator).get(url).content.decode()
    table = body[body.index("by hotspot") :]
    assert re.search(r"Big market</td><td[^>]*>12<", table)
    assert re.search(r"Middle lane</td><td[^>]*>hidden<", table)  # the complement
    assert re.search(r"Small corner</td><td[^>]*>hidden<", table)
    # Hotspots are confidential: members see no table at all.
    assert "Big market" not in client_for(voting_member).get(url).content.decode()


def test_t9_results_are_void_under_the_minimum_turnout(coordinator: User) -> None:
    round_ = make_round(coordinator, min_turnout=6)
    open_with_votes(round_, [[0]] * 5)
    count(round_)
    assert Round.objects.get(pk=round_.pk).status == Round.Status.VOID
    assert Result.objects.get(round=round_).approvals == {}


# --- T10: ballots are immutable -----------------------------------------------------------------


@postgresql_only
def test_t10_the_database_refuses_to_change_or_delete_a_ballot(coordinator: User) -> None:
    round_ = make_round(coordinator)
    open_with_votes(round_, [[0]] * 5)
    encrypted = EncryptedBallot.objects.first()
    other = make_round(coordinator, title="Counted")
    open_with_votes(other, [[1]] * 5, prefix="other")
    count(other)
    counted = CountedBallot.objects.first()
    for table, pk, change in (
        ("programmes_encryptedballot", encrypted.pk, "ciphertext = ''"),
        ("programmes_countedballot", counted.pk, "choices = '[]'"),
    ):
        for statement in (
            f"UPDATE {table} SET {change} WHERE id = %s",  # noqa: S608 (constants)
            f"DELETE FROM {table} WHERE id = %s",  # noqa: S608
        ):
            with (
                pytest.raises(DatabaseError, match="ballots are immutable"),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(statement, [pk])
    counted.choices = option_ids(round_)[1:2]
    with pytest.raises(DatabaseError), transaction.atomic():
        counted.save()
    with pytest.raises(DatabaseError), transaction.atomic():
        encrypted.delete()
    assert CountedBallot.objects.get(pk=counted.pk).choices == option_ids(other)[1:2]
    assert EncryptedBallot.objects.filter(round=round_).count() == 5


# --- T11: the electorate is frozen -------------------------------------------------------------


def test_t11_a_member_who_consents_after_opening_cannot_vote(
    client_for: Any, coordinator: User, member: User
) -> None:
    round_ = make_round(coordinator)
    make_voters(2)
    services.round_open(round=round_)
    roll = list(round_.roll.values_list("member", flat=True))
    give_voting_consent(member)
    with pytest.raises(ValidationError) as refused:
        services.ballot_cast(round=round_, member=member, choices=option_ids(round_)[:1])
    assert refused.value.code == "not_on_roll"
    with pytest.raises(ValidationError):
        services.round_open(round=round_)
    assert list(round_.roll.values_list("member", flat=True)) == roll
    assert not EncryptedBallot.objects.exists()


# --- T13: shared phones --------------------------------------------------------------------------


def test_t13_ballot_pages_are_not_stored_and_no_url_carries_a_choice(
    client_for: Any, coordinator: User, voting_member: User
) -> None:
    round_ = make_round(coordinator)
    services.round_open(round=round_)
    data = {"choice": [str(option_ids(round_)[2])]}
    client = client_for(voting_member)
    responses = [
        client.get(reverse("programmes:round_vote", args=[round_.pk])),
        client.post(reverse("programmes:round_vote", args=[round_.pk]), data),
        client.get(reverse("programmes:round_confirm", args=[round_.pk])),
        client.post(reverse("programmes:round_confirm", args=[round_.pk]), data),
        client.post(reverse("programmes:round_thanks", args=[round_.pk]), data),
        client.get(reverse("programmes:round_thanks", args=[round_.pk])),
    ]
    vote_url = reverse("programmes:round_vote", args=[round_.pk])
    for response in responses:
        assert "no-store" in response["Cache-Control"]
        # The only redirect is back to the ballot, with no query string.
        assert response.get("Location", vote_url) == vote_url
    assert 'autocomplete="off"' in responses[0].content.decode()
    assert 'autocomplete="off"' in responses[3].content.decode()
