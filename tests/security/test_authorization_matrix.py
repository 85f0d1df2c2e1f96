"""AZ-1, HD-1, HD-2, HD-3: every URL pattern, asked by every role, answers as the matrix in
url_matrix.py says; every answer carries the security headers; no POST passes without a CSRF
token.

Path parameters are filled with real objects of a small world: the outreach worker's side lives
in `hotspot`, so `other_worker` (assigned to `other_hotspot`) asks for another hotspot's
records, and a 404 there proves need to know rather than a missing row."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from members.models import (
    Assignment,
    Consent,
    Employment,
    ErasureRequest,
    Hotspot,
    Person,
    PossibleDuplicate,
    Reminder,
    User,
)
from monitoring.models import Complaint, Place
from outreach.models import GroupActivity, Partner, Referral, ViolenceIncident
from programmes import services as programme_services
from programmes.models import Comment, Need, Option, Programme, RollEntry, Round, Teller
from safety import services as safety_services
from tests.conftest import PageClient, make_contact, make_person, make_user
from tests.security.url_matrix import ADMIN, MATRIX, OUTCOMES, ROLES, expected_for

pytestmark = pytest.mark.django_db

# The allauth login, and the admin's own login door (which secure_admin_login guards).
LOGIN_PATHS = ("/accounts/login/", "/admin/login/")


# --- The URL patterns, as the resolver has them ------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    key: str  # "namespace:name", or the route itself for an unnamed pattern
    route: str


def walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> list[Pattern]:
    found: list[Pattern] = []
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = entry.namespace if entry.namespace else ""
            spaced = f"{namespace}:{inner}".strip(":") if inner else namespace
            found += walk(entry.url_patterns, route, spaced)
        elif isinstance(entry, URLPattern):
            key = f"{namespace}:{entry.name}".strip(":") if entry.name else route
            found.append(Pattern(key, route))
    return found


def all_patterns() -> list[Pattern]:
    """Every pattern but the static files the development server adds."""
    return [p for p in walk(get_resolver().url_patterns) if not p.route.startswith("static")]


PATTERNS = all_patterns()
APP_PATTERNS = [p for p in PATTERNS if not p.route.startswith(ADMIN)]
ADMIN_PATTERNS = [p for p in PATTERNS if p.route.startswith(ADMIN)]


def fill(route: str, values: dict[str, Any]) -> str:
    """A concrete path for `route`: each parameter from `values`, else a harmless placeholder
    (the first choice of a regex alternative, or "x")."""

    def regex_group(match: re.Match[str]) -> str:
        name, body = match.group(1), match.group(2)
        if name in values:
            return str(values[name])
        words = body.split("|")
        return words[0] if len(words) > 1 and words[0].isidentifier() else "x"

    path = re.sub(r"\(\?P<(\w+)>([^)]*)\)", regex_group, route)
    path = re.sub(
        r"<(?:(\w+):)?(\w+)>",
        lambda m: str(values.get(m.group(2), "1" if m.group(1) == "int" else "x")),
        path,
    )
    return "/" + path.replace("^", "").replace("$", "").replace("\\", "")


# --- The world ---------------------------------------------------------------------------------


def build_world(
    *,
    hotspot: Hotspot,
    other_hotspot: Hotspot,
    member: User,
    outreach_worker: User,
    other_worker: User,
    coordinator: User,
) -> dict[str, Any]:
    """One of every object a URL can name, on the worker's side (`hotspot`) and the same people's
    records on the other side. Codes and nicknames are made up."""
    today = timezone.localdate()
    now = timezone.now()
    partner = Partner.objects.create(name="Matrix clinic", kind="health", services=["hiv_test"])
    world: dict[str, Any] = {"partner": partner, "hotspot": hotspot}
    for side, place, worker in (
        ("", hotspot, outreach_worker),
        ("other_", other_hotspot, other_worker),
    ):
        person = make_person(place, f"ZZ{side}QQ0199", nickname=f"Matrix {side}one")
        Consent.objects.create(person=person, purpose=Consent.Purpose.AGGREGATE_REPORTS)
        contact = make_contact(person, worker, violence_reported=True, male_condoms=3)
        world[f"{side}person"] = person
        world[f"{side}contact"] = contact
        world[f"{side}incident"] = ViolenceIncident.objects.create(
            contact=contact,
            person=person,
            kind="physical",
            notes="Matrix note",
            follow_up_on=today + timedelta(days=2),
        )
        world[f"{side}referral"] = Referral.objects.create(
            person=person,
            partner=partner,
            made_by=worker,
            made_on=today - timedelta(days=10),
            due_on=today - timedelta(days=3),
            service="hiv_test",
        )
        world[f"{side}activity"] = GroupActivity.objects.create(
            hotspot=place,
            facilitator=worker,
            kind=GroupActivity.Kind.SUPPORT_GROUP,
            title=f"Matrix group {side}",
            held_on=today,
        )
    world["assignment"] = Assignment.objects.get(worker=outreach_worker, hotspot=hotspot)
    twin = make_person(hotspot, "ZZQQ0199", nickname="Matrix twin")
    world["duplicate"] = PossibleDuplicate.objects.create(
        person=world["person"], other=twin, reason="same_code"
    )
    leaving = make_person(hotspot, "ZZLV0188", nickname="Matrix leaving")
    world["erasure"] = ErasureRequest.objects.create(person=leaving)
    world["reminder"] = Reminder.objects.create(
        user=member,
        kind=Reminder.Kind.ROUND_OPENED,
        status=Reminder.Status.SENT,
        sent_at=now,
        due_on=today,
    )
    world["employment"] = Employment.objects.create(
        user=outreach_worker,
        role=Employment.Role.OUTREACH_WORKER,
        monthly_pay=Decimal("900"),
        started_on=today - timedelta(days=400),
    )
    world["login"] = make_user("matrix.spare", is_member=True)
    world["complaint"] = Complaint.objects.create(
        place=Place.OUTREACH, description="Matrix complaint", person=member.person
    )
    need = Need.objects.create(author=member, title="Matrix need", category="safety")
    world["need"] = need
    world["comment"] = Comment.objects.create(need=need, author=member, text="Matrix comment")
    draft = Round.objects.create(
        title="Matrix draft",
        question="What first?",
        opens_at=now + timedelta(days=1),
        closes_at=now + timedelta(days=8),
        created_by=coordinator,
    )
    world["round_draft"] = draft
    world["option"] = Option.objects.create(
        round=draft, title="Matrix option", plain_text="In plain words", pictogram="heart"
    )
    voting = Round.objects.create(
        title="Matrix vote",
        question="What first?",
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=1),
        status=Round.Status.OPEN,
        created_by=coordinator,
    )
    for position in (1, 2):
        Option.objects.create(
            round=voting,
            title=f"Matrix choice {position}",
            plain_text="In plain words",
            pictogram="heart",
            position=position,
        )
    RollEntry.objects.create(round=voting, member=member)
    Teller.objects.create(round=voting, user=member, index=1)
    world["round_open"] = voting
    programme = programme_services.programme_create(
        programme=Programme(title="Matrix programme", goal="A goal", lead=outreach_worker)
    )
    world["programme"] = programme
    world["stage"] = programme.stages.order_by("pk").first()
    world.update(safety_world(hotspot=hotspot, member=member, outreach_worker=outreach_worker))
    return world


def safety_world(*, hotspot: Hotspot, member: User, outreach_worker: User) -> dict[str, Any]:
    """A circulating alert at the worker's hotspot about someone of it, written down by the
    worker; the member's own report; a request to remove the alert."""
    incident = safety_services.Incident(
        happened_on=timezone.localdate(), hotspot=hotspot, categories=["robbed"]
    )
    alert = safety_services.report_submit(
        entered_by=outreach_worker,
        reporter=Person.objects.filter(hotspot=hotspot, user__isnull=True).first(),
        incident=incident,
        consents=safety_services.Consents(alert=True),
        wants_support=True,
    )
    for name in ("matrix.mod1", "matrix.mod2"):
        moderator = make_user(name, is_member=True, is_moderator=True)
        alert = safety_services.report_decide(report=alert, moderator=moderator, verdict="approve")
    own = safety_services.report_submit(
        entered_by=member,
        reporter=member.person,
        incident=incident,
        consents=safety_services.Consents(alert=True),
        wants_support=False,
    )
    removal = safety_services.removal_request_create(
        reference=alert.reference, reason="Matrix reason", contact=""
    )
    return {"alert": alert, "own_report": own, "removal": removal}


@pytest.fixture
def world(
    hotspot: Hotspot,
    other_hotspot: Hotspot,
    member: User,
    outreach_worker: User,
    other_worker: User,
    coordinator: User,
) -> dict[str, Any]:
    return build_world(
        hotspot=hotspot,
        other_hotspot=other_hotspot,
        member=member,
        outreach_worker=outreach_worker,
        other_worker=other_worker,
        coordinator=coordinator,
    )


@pytest.fixture
def moderator(other_hotspot: Hotspot) -> User:
    """A member of another hotspot who moderates safety alerts."""
    user = make_user("moderator.test", is_member=True, is_moderator=True)
    make_person(other_hotspot, "MODR0193", nickname="Matrix moderator", user=user, is_member=True)
    return user


@pytest.fixture
def personas(
    member: User, outreach_worker: User, other_worker: User, coordinator: User, moderator: User
) -> dict[str, User | None]:
    return {
        "anonymous": None,
        "member": member,
        "worker": outreach_worker,
        "other_worker": other_worker,
        "coordinator": coordinator,
        "moderator": moderator,
    }


def client_as(user: User | None, **options: Any) -> Client:
    # A form page's redirect to its own address with a key is followed: the page is judged.
    client = PageClient(**options)
    if user is not None:
        client.force_login(user)
    return client


# --- Outcomes and headers ----------------------------------------------------------------------


def outcome(response: HttpResponse) -> str:
    status = response.status_code
    if status == 405:
        return "method"
    if status in (403, 404):
        return "denied"
    if status in (400, 413, 429):
        return "invalid"
    if status in (301, 302, 303, 307, 308):
        return "login" if response["Location"].startswith(LOGIN_PATHS) else "ok"
    if 200 <= status < 300:
        return "ok"
    return f"error {status}"


def missing_headers(response: HttpResponse, *, logged_in: bool) -> list[str]:
    """HD-1 and HD-2 for one response: the names of the promises it breaks."""
    missing = []
    html = response.get("Content-Type", "").startswith("text/html")
    if response.status_code == 200 and html:
        csp = response.get("Content-Security-Policy", "")
        policy = {
            parts[0]: parts[1:] for directive in csp.split(";") if (parts := directive.split())
        }
        if policy.get("default-src") != ["'self'"]:
            missing.append("CSP default-src 'self'")
        script = policy.get("script-src", policy.get("default-src", []))
        if "'unsafe-inline'" in script or "'unsafe-eval'" in script or not script:
            missing.append("CSP script-src without unsafe-*")
        # 'self', 'none' and data: images only: no other host anywhere in the policy.
        if any(
            source not in ("'self'", "'none'", "data:")
            for sources in policy.values()
            for source in sources
        ):
            missing.append("CSP without other hosts")
    if logged_in and "no-store" not in response.get("Cache-Control", ""):
        missing.append("Cache-Control no-store")
    if response.get("X-Content-Type-Options") != "nosniff":
        missing.append("nosniff")
    if response.get("Referrer-Policy") not in ("same-origin", "no-referrer"):
        missing.append("Referrer-Policy")
    permissions = response.get("Permissions-Policy", "")
    for feature in ("geolocation", "camera", "microphone"):
        if f"{feature}=()" not in permissions:
            missing.append(f"Permissions-Policy {feature}")
    if html and response.status_code == 200:
        framing = response.get("X-Frame-Options") == "DENY" or "frame-ancestors 'none'" in (
            response.get("Content-Security-Policy", "")
        )
        if not framing:
            missing.append("X-Frame-Options DENY")
    return missing


# Running totals for the figures, across the parametrised tests of this module.
TOTALS: Counter[str] = Counter()


def record_totals(figure: Any) -> None:
    figure("AZ-1", "cells checked", TOTALS["cells"])
    figure("AZ-1", "patterns exercised", TOTALS["patterns"])
    figure("AZ-1", "unexpected 2xx", TOTALS["unexpected_2xx"])
    figure("AZ-1", "cells differing from the matrix", TOTALS["mismatches"])
    figure("HD-1/HD-2", "responses checked", TOTALS["responses"])
    figure("HD-1/HD-2", "missing headers x responses", TOTALS["missing_headers"])


def exercise(
    pattern: Pattern, expected: dict[str, Any], personas: dict[str, User | None], world: Any
) -> tuple[list[str], list[str]]:
    """Ask `pattern` as each role, GET then POST, each with a fresh client. Returns the cells
    that differ from `expected` and the header promises broken."""
    values = {name: world[key].pk for name, key in expected.get("path", {}).items()}
    path = fill(pattern.route, values)
    query = expected.get("query", "")
    wrong: list[str] = []
    broken: list[str] = []
    for role in ROLES:
        want_get, want_post = expected_for(expected, role).split()
        for method, want in (("get", want_get), ("post", want_post)):
            client = client_as(personas[role])
            target = f"{path}?{query}" if method == "get" and query else path
            response = getattr(client, method)(target)
            got = outcome(response)
            TOTALS["cells"] += 1
            TOTALS["responses"] += 1
            if got != want:
                TOTALS["mismatches"] += 1
                if got == "ok" and want in ("login", "denied", "method"):
                    TOTALS["unexpected_2xx"] += 1
                wrong.append(f"{role} {method.upper()} {path}: expected {want}, got {got}")
            for promise in missing_headers(response, logged_in=role != "anonymous"):
                TOTALS["missing_headers"] += 1
                broken.append(f"{role} {method.upper()} {path}: {promise}")
    TOTALS["patterns"] += 1
    return wrong, broken


# --- AZ-1 and HD-1/HD-2 ------------------------------------------------------------------------


def test_the_matrix_lists_every_pattern_and_nothing_else(figure: Any) -> None:
    """A new URL fails here until someone decides who may use it."""
    keys = {p.key for p in APP_PATTERNS}
    unlisted = sorted(keys - MATRIX.keys())
    gone = sorted(MATRIX.keys() - keys)
    figure("AZ-1", "unlisted patterns", len(unlisted))
    figure("AZ-1", "matrix entries naming no pattern", len(gone))
    figure("AZ-1", "patterns", len(PATTERNS))
    figure("AZ-1", "roles", len(ROLES))
    assert not unlisted, f"add these URLs to tests/security/url_matrix.py: {unlisted}"
    assert not gone, f"these URLs no longer exist: {gone}"
    assert ADMIN_PATTERNS, "the admin is mounted"
    for key, expected in MATRIX.items():
        for role in ROLES:
            want = expected_for(expected, role)
            assert set(want.split()) <= OUTCOMES, (key, role)
            assert len(want.split()) == 2, (key, role)


@pytest.mark.parametrize("pattern", APP_PATTERNS, ids=[p.key for p in APP_PATTERNS])
def test_each_url_answers_each_role_as_the_matrix_says(
    pattern: Pattern, personas: dict[str, User | None], world: dict[str, Any], figure: Any
) -> None:
    wrong, broken = exercise(pattern, MATRIX[pattern.key], personas, world)
    record_totals(figure)
    assert not wrong, "\n".join(wrong)
    assert not broken, "\n".join(broken)


def admin_values(route: str) -> dict[str, Any]:
    """A real row of the model an admin URL is about, so change pages open a real object."""
    match = re.match(r"admin/(\w+)/(\w+)/", route)
    if match is None:
        return {}
    try:
        model = apps.get_model(match.group(1), match.group(2))
    except LookupError:
        return {}
    row = model._default_manager.order_by("pk").first()
    return {"object_id": row.pk} if row is not None else {}


@pytest.mark.parametrize("pattern", ADMIN_PATTERNS, ids=[p.route for p in ADMIN_PATTERNS])
def test_only_the_administrator_reaches_the_admin(
    pattern: Pattern,
    personas: dict[str, User | None],
    world: dict[str, Any],
    administrator: User,
    figure: Any,
) -> None:
    path = fill(pattern.route, admin_values(pattern.route))
    wrong: list[str] = []
    for role, user in personas.items():
        for method in ("get", "post"):
            response = getattr(client_as(user), method)(path)
            got = outcome(response)
            if got == "ok" and response.get("Location") == "/admin/":
                # The admin's logout sends outsiders to its index, which sends them to login.
                got = "login"
            TOTALS["cells"] += 1
            if got not in ("login", "denied", "method"):
                TOTALS["mismatches"] += 1
                TOTALS["unexpected_2xx"] += got == "ok"
                wrong.append(f"{role} {method.upper()} {path}: got {got}")
    # The administrator is let in (a 404 for a placeholder object is still "in").
    response = client_as(administrator).get(path)
    TOTALS["cells"] += 1
    TOTALS["responses"] += 1
    if outcome(response) == "login" or response.status_code >= 500:
        wrong.append(f"administrator GET {path}: got {outcome(response)}")
    broken = missing_headers(response, logged_in=True)
    TOTALS["missing_headers"] += len(broken)
    TOTALS["patterns"] += 1
    record_totals(figure)
    assert not wrong, "\n".join(wrong)
    assert not broken, f"{path}: {broken}"


def test_hsts_is_sent_over_https_as_production_sets_it(
    member: User, client_for: Any, figure: Any
) -> None:
    """HSTS exists only with DEBUG off; these are the values config/settings.py sets then."""
    with override_settings(
        SECURE_HSTS_SECONDS=31536000,
        SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
        SECURE_HSTS_PRELOAD=True,
    ):
        responses = [
            client_for(member).get(reverse("home"), secure=True),
            Client().get(reverse("account_login"), secure=True),
        ]
    missing = 0
    for response in responses:
        hsts = response.get("Strict-Transport-Security", "")
        seconds = re.search(r"max-age=(\d+)", hsts)
        ok = seconds is not None and int(seconds.group(1)) >= 31536000
        missing += not (ok and "includeSubDomains" in hsts)
    figure("HD-2", "secure responses without HSTS", missing)
    assert missing == 0


def test_production_sets_hsts_for_a_year() -> None:
    """The override above mirrors config/settings.py: read the file, not a copy of it."""
    text = (settings.BASE_DIR / "config" / "settings.py").read_text()
    assert 'SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)' in text
    assert "SECURE_HSTS_INCLUDE_SUBDOMAINS = True" in text


# --- HD-3 --------------------------------------------------------------------------------------


def csrf_cases() -> list[tuple[Pattern, str]]:
    """Every pattern that accepts a POST from some role, with the role that may send it."""
    cases = []
    for pattern in APP_PATTERNS:
        expected = MATRIX.get(pattern.key)
        if expected is None:
            continue
        roles = [r for r in ROLES if expected_for(expected, r).split()[1] in ("ok", "invalid")]
        if roles:
            # A logged-in role when one may post, so the refusal is the token's, not the login's.
            cases.append((pattern, next((r for r in roles if r != "anonymous"), roles[0])))
    return cases


CSRF_CASES = csrf_cases()


@pytest.mark.parametrize(
    ("pattern", "role"), CSRF_CASES, ids=[f"{p.key}-{r}" for p, r in CSRF_CASES]
)
def test_a_post_without_a_csrf_token_is_refused(
    pattern: Pattern,
    role: str,
    personas: dict[str, User | None],
    world: dict[str, Any],
    figure: Any,
) -> None:
    expected = MATRIX[pattern.key]
    values = {name: world[key].pk for name, key in expected.get("path", {}).items()}
    client = client_as(personas[role], enforce_csrf_checks=True)
    if expected.get("csrf_exempt"):
        # Sent by another site without a token: it may answer, but must change nothing.
        response = client.post(
            fill(pattern.route, values),
            {"anything": "1"},
            HTTP_SEC_FETCH_SITE="cross-site",
            HTTP_ORIGIN="https://elsewhere.example",
        )
        TOTALS["csrf_exempt"] += 1
        figure(
            "HD-3",
            "token-exempt patterns a cross-site POST changed nothing on",
            TOTALS["csrf_exempt"],
        )
        assert "Clear-Site-Data" not in response
        assert client.get(reverse("home")).status_code == 200
        return
    response = client.post(fill(pattern.route, values), {"anything": "1"})
    TOTALS["csrf_posts"] += 1
    TOTALS["csrf_not_403"] += response.status_code != 403
    figure("HD-3", "state-changing patterns posted", TOTALS["csrf_posts"])
    figure("HD-3", "non-403 responses", TOTALS["csrf_not_403"])
    assert response.status_code == 403
