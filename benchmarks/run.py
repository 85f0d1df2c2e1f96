"""The benchmark runner (issue 8): every page a person uses, served by gunicorn over real HTTP on
loopback from PostgreSQL filled by `manage.py generate_scale`, at 1% and at full size.

`make bench` (both sizes) or `make bench-small` (1%, in CI), with DATABASE_URL set to a PostgreSQL
database that may be emptied: the generator replaces its data. Per page it reports p50 and p95 over
200 requests after 20 warm-up requests on one keep-alive connection, requests per second, SQL
queries per request (counted in-process on the same data), and bytes transferred on first load
and when cached; then each page against its floor (a bare Django view; the dashboard's own SQL run
directly), the budgets of SPEC.md, and how figures grow from 1% to full size. Writes
benchmarks/results/<scale>.json and benchmarks/results/latest.md. Exit status 1 if a page answers
with an unexpected status or its queries per request grow with the data; 2 without PostgreSQL."""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import signal
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS_DIR = BASE_DIR / "benchmarks" / "results"

# Run as a script (`python benchmarks/run.py`), the project root is not on the path yet.
if str(BASE_DIR) not in sys.path:
    sys.path.insert(0, str(BASE_DIR))

from benchmarks.figures import (  # noqa: E402
    FLOOR_PAGE,
    TIMED,
    WARMUP,
    assets_in_css,
    assets_in_html,
    is_far_future,
    queries_grown,
    ratio,
    report,
    summarise,
)
from benchmarks.server import (  # noqa: E402
    KEYS_FILE,
    BenchError,
    bench_environment,
    gunicorn,
    machine_facts,
    manage,
    stored_keys,
)


@dataclass(frozen=True)
class Scale:
    people: int
    contacts: int
    hotspots: int


SCALES = {
    "small": Scale(people=1_000, contacts=20_000, hotspots=10),
    "full": Scale(people=100_000, contacts=2_000_000, hotspots=1_000),
}
SEED = 2026
SQL_REPETITIONS = 200
# In-process runs of a page before its queries are counted: the first ones fill caches.
QUERY_RUNS = 3
LOGINS = {"worker": "bench.worker", "coordinator": "bench.coordinator", "member": "bench.member"}


# --- The pages -------------------------------------------------------------------------------


@dataclass
class Page:
    name: str
    user: str  # a key of LOGINS, or "" for an anonymous visitor
    path: str
    expect: int = 200
    method: str = "GET"
    # A fresh form for every request (POST): a new idempotency key for each contact.
    data: Callable[[], dict[str, str]] | None = None
    # The page whose form gives the CSRF token of a POST.
    form_path: str = ""
    location: str = ""  # the start of the redirect's target
    weigh: bool = True
    sent: list[dict[str, str]] = field(default_factory=list)  # over HTTP
    made: list[dict[str, str]] = field(default_factory=list)  # over HTTP and in-process


@dataclass(frozen=True)
class Fixtures:
    """What the generator made that the pages need, looked up through the models."""

    users: dict[str, Any]
    person_id: int
    code: dict[str, str]
    hotspot_id: int
    typology: str
    round_id: int


def find_fixtures() -> Fixtures:
    """bench.worker's person to log contacts with and to find by code, the largest hotspot with
    its typology for the dashboard's filters, and bench.member's closed, counted round."""
    from members.models import Assignment, Person, User
    from programmes.models import RollEntry, Round

    users = {key: User.objects.filter(username=name).first() for key, name in LOGINS.items()}
    missing = [LOGINS[key] for key, user in users.items() if user is None]
    if missing:
        raise BenchError(f"The generator made no {', '.join(missing)}: run generate_scale first.")
    hotspots = Assignment.objects.current().filter(worker=users["worker"]).values("hotspot")
    member_person = Person.objects.filter(user=users["member"]).select_related("hotspot").first()
    if member_person is None or member_person.hotspot is None:
        raise BenchError("bench.member has no Person in a hotspot.")
    person, code = person_with_code(
        Person.objects.visible_to(users["worker"]).filter(
            hotspot__in=hotspots, erased_at__isnull=True, merged_into__isnull=True
        )
    )
    round_ = (
        Round.objects.filter(
            status=Round.Status.COUNTED,
            pk__in=RollEntry.objects.filter(member=users["member"]).values("round"),
        )
        .order_by("-closes_at")
        .first()
    )
    if round_ is None:
        raise BenchError("bench.member is on the roll of no counted round.")
    return Fixtures(
        users=users,
        person_id=person.pk,
        code=code,
        hotspot_id=member_person.hotspot_id,
        typology=member_person.hotspot.typology,
        round_id=round_.pk,
    )


def person_with_code(people: Any) -> tuple[Any, dict[str, str]]:
    """A person among `people` and the code parts that find them. Only keyed hashes are stored,
    so the runner, which holds the key, tries codes until one is a person's (find_code)."""
    from members.forms import CodeForm

    hashes = dict(people.values_list("uic_hash", "pk"))
    found = find_code(set(hashes))
    if found is None:
        raise BenchError(f"No code of bench.worker's {len(hashes)} people found in time.")
    code_hash, parts = found
    data = {f"code_{name}": value for name, value in parts.items()}
    form = CodeForm(data)
    if not form.is_valid() or form.cleaned_data["uic_hash"] != code_hash:
        raise BenchError("The code found does not find its person.")
    return people.get(pk=hashes[code_hash]), data


# Codes tried before giving up: about ten seconds of hashing.
CODE_TRIES = 10_000_000


def find_code(hashes: set[str]) -> tuple[str, dict[str, str]] | None:
    """The hash and parts of a code whose keyed hash is in `hashes`: codes are tried in the
    order of members.uic's recipe, likely birth orders and years first. With a few hundred
    people in reach, a hit comes within a second."""
    import hashlib
    import hmac
    import string
    from itertools import islice, product

    from django.conf import settings

    from members.uic import recipe

    this_year = date.today().year % 100
    # Digits outermost, likeliest first: letters are uniform, digits are not.
    parts = sorted(recipe(), key=lambda part: not part.digits)
    choices = []
    for part in parts:
        if not part.digits:
            values = ["".join(p) for p in product(string.ascii_uppercase, repeat=part.length)]
        elif part.name == "birth_year":
            # People aged about 30 first.
            values = sorted(
                (f"{y:02d}" for y in range(100)),
                key=lambda y: abs((this_year - int(y)) % 100 - 30),
            )
        else:
            values = [f"{n:0{part.length}d}" for n in [*range(1, 10**part.length), 0]]
        choices.append(values)
    position = {part.name: n for n, part in enumerate(parts)}
    order = [position[part.name] for part in recipe()]
    keyed = hmac.new(settings.UIC_HMAC_KEY.encode(), digestmod=hashlib.sha256)
    for values in islice(product(*choices), CODE_TRIES):
        digest = keyed.copy()
        digest.update("".join(values[n] for n in order).encode())
        code_hash = digest.hexdigest()
        if code_hash in hashes:
            return code_hash, {part.name: values[position[part.name]] for part in parts}
    return None


def build_pages(fx: Fixtures) -> list[Page]:
    from django.urls import reverse

    person_url = reverse("outreach:person_detail", args=[fx.person_id])
    today = date.today().isoformat()

    def contact() -> dict[str, str]:
        return {
            "person": str(fx.person_id),
            "form_key": str(uuid.uuid4()),
            "contacted_on": today,
            "kind": "one_to_one",
            "stated_monthly_need": "40",
            "weekly_acts": "8",
            "male_condoms": "20",
            "female_condoms": "0",
            "lubricant": "10",
            "self_test_kits": "0",
        }

    # As My week links it: with the key of a new form, so the page opens without a redirect.
    contact_form = f"{reverse('outreach:contact_create')}?person={fx.person_id}&key={uuid.uuid4()}"
    dashboard = reverse("monitoring:dashboard")
    return [
        Page("contact form", "worker", contact_form),
        Page(
            "contact save",
            "worker",
            reverse("outreach:contact_create"),
            expect=302,
            method="POST",
            data=contact,
            form_path=contact_form,
            # Saved from My week, the form leads back there.
            location=reverse("outreach:my_week"),
            weigh=False,
        ),
        Page("my week", "worker", reverse("outreach:my_week")),
        Page(
            "find by code",
            "worker",
            reverse("members:person_find"),
            expect=302,
            method="POST",
            data=lambda: dict(fx.code),
            form_path=reverse("members:person_find"),
            location=person_url,
            weigh=False,
        ),
        Page("contacts list", "coordinator", reverse("outreach:contact_list")),
        Page("dashboard", "coordinator", dashboard),
        Page(
            "dashboard, filtered",
            "coordinator",
            f"{dashboard}?period=quarter&hotspot={fx.hotspot_id}&typology={fx.typology}",
        ),
        Page("round results", "member", reverse("programmes:round_results", args=[fx.round_id])),
        Page("member home", "member", reverse("home")),
        Page(FLOOR_PAGE, "", "/bench/floor/", weigh=False),
    ]


def prepare_dashboards(pages: list[Page]) -> dict[str, float]:
    """Compute the dashboards' snapshots the way the Celery worker does, so the pages measured
    are the ones people get: the latest snapshot, read in one query. Returns the seconds the
    worker spends on each (what a page would cost without snapshots)."""
    from django.test import RequestFactory

    from members.models import User
    from monitoring import snapshots
    from monitoring.views import dashboard

    # The filter form offers the hotspots its viewer may see: the benchmark's coordinator.
    coordinator = User.objects.get(username=LOGINS["coordinator"])
    seconds = {}
    for page in pages:
        if not page.name.startswith("dashboard"):
            continue
        request = RequestFactory().get(page.path)
        request.user = coordinator
        form = dashboard._filter_form(request)  # type: ignore[arg-type]
        if form.is_bound and not form.is_valid():
            raise BenchError(f"{page.name}: the filters {page.path} are refused: {form.errors}")
        period, filters = dashboard._chosen(form)
        started = time.perf_counter()
        snapshots.compute_now(period, filters)
        seconds[page.name] = round(time.perf_counter() - started, 2)
    return seconds


# --- Queries per request, in-process ---------------------------------------------------------


def count_queries(
    pages: list[Page], users: dict[str, Any]
) -> tuple[dict[str, int], dict[str, list[str]]]:
    """Queries of each page through django.test.Client, the code path gunicorn serves, as the
    same user on the same data; and the SQL of the dashboards, for their floor."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    clients: dict[str, Any] = {"": Client(HTTP_HOST="127.0.0.1")}
    for key, user in users.items():
        clients[key] = Client(HTTP_HOST="127.0.0.1")
        clients[key].force_login(user)
    counts: dict[str, int] = {}
    sql: dict[str, list[str]] = {}
    for page in pages:
        client = clients[page.user]
        for _ in range(QUERY_RUNS):
            with CaptureQueriesContext(connection) as captured:
                if page.method == "POST":
                    data = page.data() if page.data else {}
                    page.made.append(data)
                    response = client.post(page.path, data)
                else:
                    response = client.get(page.path)
            if response.status_code != page.expect:
                raise BenchError(
                    f"{page.name}: in-process status {response.status_code}, expected {page.expect}"
                )
        counts[page.name] = len(captured.captured_queries)
        if page.name.startswith("dashboard"):
            sql[page.name] = [q["sql"] for q in captured.captured_queries]
    return counts, sql


SERVER_CURSOR = re.compile(r"^\s*DECLARE\s+\"[^\"]+\"\s+NO SCROLL CURSOR WITH(?:OUT)? HOLD FOR\s+")


def sql_floor(statements: list[str]) -> dict[str, Any]:
    """The dashboard's own SELECTs, as Django sent them (parameters inlined by psycopg's
    client-side binding), run on a raw psycopg connection: the database's floor."""
    import psycopg
    from django.db import connection

    # A ModelChoiceField reads its menu through a server-side cursor: the SELECT inside counts.
    unwrapped = [SERVER_CURSOR.sub("", s) for s in statements]
    selects = [s for s in unwrapped if s.lstrip().upper().startswith(("SELECT", "WITH"))]
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params.pop("prepare_threshold", None)
    timings = []
    with psycopg.connect(**params, autocommit=True) as raw:
        for repetition in range(WARMUP + SQL_REPETITIONS):
            started = time.perf_counter()
            with raw.cursor() as cursor:
                for statement in selects:
                    cursor.execute(statement.encode())
                    cursor.fetchall()
            if repetition >= WARMUP:
                timings.append(time.perf_counter() - started)
    figures = summarise(timings)
    return {
        "statements": len(selects),
        "skipped": len(statements) - len(selects),
        "p50_ms": figures["p50_ms"],
        "p95_ms": figures["p95_ms"],
    }


# --- Timing over HTTP ------------------------------------------------------------------------


class Visitor:
    """One browser tab on one keep-alive connection. Cookies are kept by hand: with DEBUG off
    they are Secure and named __Host-, which a cookie jar would not send over plain HTTP on
    loopback."""

    def __init__(self, base: str, session_cookie: tuple[str, str] | None) -> None:
        import requests

        self.base = base
        self.http = requests.Session()
        self.http.trust_env = False  # no proxy between us and loopback
        self.cookies: dict[str, str] = dict([session_cookie]) if session_cookie else {}

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = {"Accept-Encoding": "gzip, br", **kwargs.pop("headers", {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        response = self.http.request(
            method, self.base + path, headers=headers, allow_redirects=False, timeout=120, **kwargs
        )
        return response

    def keep_cookie(self, response: Any, name: str) -> None:
        for header in response.raw.headers.getlist("Set-Cookie"):
            jar = SimpleCookie()
            jar.load(header)
            if name in jar:
                self.cookies[name] = jar[name].value

    def close(self) -> None:
        self.http.close()


ERROR_TEXT = re.compile(
    r"class=\"(?:alert alert-danger|invalid-feedback)[^\"]*\"[^>]*>(.*?)<", re.S
)


def why(content: bytes) -> str:
    """The form errors of a page that should have redirected, for the failure message."""
    errors = [e.strip() for e in ERROR_TEXT.findall(content.decode(errors="replace")) if e.strip()]
    return f" ({'; '.join(errors[:5])})" if errors else ""


CSRF_INPUT = re.compile(r"name=\"csrfmiddlewaretoken\" value=\"([^\"]+)\"")


def check(page: Page, response: Any) -> None:
    """A wrong answer fails the run: a fast error page is no result."""
    if response.status_code != page.expect:
        raise BenchError(
            f"{page.name}: {page.method} {page.path} answered {response.status_code}, "
            f"expected {page.expect}{why(response.content)}"
        )
    if page.location and not response.headers.get("Location", "").startswith(page.location):
        raise BenchError(
            f"{page.name}: redirected to {response.headers.get('Location')!r}, "
            f"expected {page.location}"
        )


def time_page(page: Page, visitor: Visitor) -> list[float]:
    from django.conf import settings

    token = ""
    if page.method == "POST":
        form = visitor.request("GET", page.form_path)
        match = CSRF_INPUT.search(form.text)
        if form.status_code != 200 or match is None:
            raise BenchError(f"{page.name}: no form with a CSRF token at {page.form_path}")
        visitor.keep_cookie(form, settings.CSRF_COOKIE_NAME)
        token = match.group(1)
    timings = []
    for n in range(WARMUP + TIMED):
        data = None
        if page.method == "POST":
            data = {**(page.data() if page.data else {}), "csrfmiddlewaretoken": token}
            page.sent.append(data)
            page.made.append(data)
        started = time.perf_counter()
        response = visitor.request(page.method, page.path, data=data)
        _ = response.content
        elapsed = time.perf_counter() - started
        check(page, response)
        if n >= WARMUP:
            timings.append(elapsed)
    return timings


def _wire_bytes(response: Any) -> tuple[int, bytes]:
    """Bytes as sent: status line, headers and the body before decompression."""
    body = response.raw.read(decode_content=False)
    headers = sum(len(k) + len(v) + 4 for k, v in response.raw.headers.items())
    return len(f"HTTP/1.1 {response.status_code} {response.reason}\r\n") + headers + 2 + len(
        body
    ), body


def weigh(page: Page, visitor: Visitor) -> dict[str, Any]:
    """KB on first load (the HTML and every asset it references, as sent) and when cached
    (the HTML, which is never stored, plus only what a browser asks for again)."""
    import gzip

    first = visitor.request("GET", page.path, stream=True)
    check(page, first)
    html_bytes, body = _wire_bytes(first)
    if first.headers.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    html = body.decode(first.encoding or "utf-8", errors="replace")
    first_total, cached_total = html_bytes, html_bytes
    if is_far_future(first.headers.get("Cache-Control", "")):
        cached_total = 0
    queue = assets_in_html(html, visitor.base + page.path)
    seen: set[str] = set()
    assets = []
    while queue:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        path = url[len(visitor.base) :]
        response = visitor.request("GET", path, stream=True)
        size, body = _wire_bytes(response)
        if response.status_code != 200:
            raise BenchError(f"{page.name}: asset {path} answered {response.status_code}")
        first_total += size
        again = 0
        if not is_far_future(response.headers.get("Cache-Control", "")):
            conditional = {
                k: v
                for k, v in (
                    ("If-None-Match", response.headers.get("ETag")),
                    ("If-Modified-Since", response.headers.get("Last-Modified")),
                )
                if v
            }
            revisit = visitor.request("GET", path, stream=True, headers=conditional)
            again, _ = _wire_bytes(revisit)
        cached_total += again
        assets.append({"path": path, "bytes": size, "cached_bytes": again})
        if response.headers.get("Content-Type", "").startswith("text/css"):
            if response.headers.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            queue += assets_in_css(body.decode("utf-8", errors="replace"), url)
    return {
        "first_load_kb": round(first_total / 1024, 1),
        "cached_kb": round(cached_total / 1024, 1),
        "assets": assets,
    }


# Work without a connection (outreach.offline): what it adds to an outreach worker's first
# load, and what each page the phone keeps weighs, both as sent.
OFFLINE_SCRIPTS_BUDGET_KB = 30
OFFLINE_PAGE_BUDGET_KB = 10


def weigh_offline(visitor: Visitor) -> dict[str, Any]:
    from django.templatetags.static import static
    from django.urls import reverse

    from outreach.offline import PAGES_KEPT

    def sent(path: str) -> int:
        response = visitor.request("GET", path, stream=True)
        if response.status_code != 200:
            raise BenchError(f"offline: {path} answered {response.status_code}")
        return _wire_bytes(response)[0]

    scripts = ["/sw.js", static("js/outbox-store.js"), static("js/offline.js")]
    pages = [reverse(name) for name in PAGES_KEPT] + [reverse("outreach:my_week")]
    return {
        "scripts_kb": round(sum(sent(path) for path in scripts) / 1024, 1),
        "scripts_budget_kb": OFFLINE_SCRIPTS_BUDGET_KB,
        "kept_pages_kb": {path: round(sent(path) / 1024, 1) for path in pages},
        "kept_page_budget_kb": OFFLINE_PAGE_BUDGET_KB,
    }


def offline_note(weight: dict[str, Any]) -> str:
    heaviest = max(weight["kept_pages_kb"].values())
    over = (
        weight["scripts_kb"] > weight["scripts_budget_kb"]
        or heaviest > weight["kept_page_budget_kb"]
    )
    pages = ", ".join(f"{path} {kb} KB" for path, kb in weight["kept_pages_kb"].items())
    return (
        f"offline: the service worker and its two scripts add {weight['scripts_kb']} KB to a "
        f"worker's first load (budget {weight['scripts_budget_kb']} KB); pages kept on the "
        f"phone, as sent: {pages} (budget {weight['kept_page_budget_kb']} KB each)"
        + (": **over**." if over else ".")
    )


def session_cookies(users: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """A session per login, made the way django.test.Client.force_login makes it: in this
    process, in the same database, with the same SECRET_KEY as gunicorn. The coordinator's
    authenticator (made by the generator) satisfies RequireMFAMiddleware."""
    from django.conf import settings
    from django.test import Client

    cookies = {}
    for key, user in users.items():
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        cookies[key] = (
            settings.SESSION_COOKIE_NAME,
            client.cookies[settings.SESSION_COOKIE_NAME].value,
        )
    return cookies


# --- One scale -------------------------------------------------------------------------------


def run_scale(
    name: str, env: dict[str, str], workdir: Path, *, generate: bool, reuse: bool
) -> dict[str, Any]:
    from django.db import connections

    from outreach.models import Contact

    scale = SCALES[name]
    if generate:
        manage(
            env,
            "generate_scale",
            f"--people={scale.people}",
            f"--contacts={scale.contacts}",
            f"--hotspots={scale.hotspots}",
            f"--seed={SEED}",
            "--replace",
            "--yes-this-is-a-benchmark-db",
            *(["--reuse"] if reuse else []),
        )
    connections.close_all()
    fixtures = find_fixtures()
    pages = build_pages(fixtures)
    print(f"[{name}] computing the dashboards' snapshots, as the Celery worker does", flush=True)
    snapshot_seconds = prepare_dashboards(pages)
    print(f"[{name}] counting queries in-process", flush=True)
    queries, dashboard_sql = count_queries(pages, fixtures.users)
    cookies = session_cookies(fixtures.users)
    connections.close_all()

    results: list[dict[str, Any]] = []
    with gunicorn(env, workdir / f"gunicorn-{name}.log") as base:
        for page in pages:
            print(f"[{name}] {page.name}: {WARMUP} + {TIMED} requests", flush=True)
            visitor = Visitor(base, cookies.get(page.user))
            try:
                figures: dict[str, Any] = summarise(time_page(page, visitor))
                if page.weigh:
                    figures.update(weigh(page, Visitor(base, cookies.get(page.user))))
            finally:
                visitor.close()
            results.append(
                {
                    "name": page.name,
                    "as": LOGINS.get(page.user, ""),
                    "method": page.method,
                    "path": page.path,
                    "queries": queries[page.name],
                    **figures,
                }
            )
        worker = Visitor(base, cookies.get("worker"))
        try:
            offline = weigh_offline(worker)
        finally:
            worker.close()

    notes = [offline_note(offline)]
    save = next(p for p in pages if p.name == "contact save")
    saved = Contact.objects.filter(idempotency_key__in=[d["form_key"] for d in save.sent]).count()
    if saved != len(save.sent):
        raise BenchError(f"contact save: {len(save.sent)} contacts sent, {saved} saved")
    notes.append(f"contact save: {saved} contacts sent over HTTP, {saved} rows saved.")
    # The data goes back to the generator's size, so that the next run may reuse it.
    Contact.objects.filter(idempotency_key__in=[d["form_key"] for d in save.made]).delete()
    for page_name, spent in snapshot_seconds.items():
        notes.append(
            f"{page_name}: the page reads a snapshot of its figures; the Celery worker took "
            f"{spent} s to compute it (monitoring.snapshots)."
        )

    floor = next(r for r in results if r["name"] == FLOOR_PAGE)
    for result in results:
        result["floor_ratio"] = ratio(result["p50_ms"], floor["p50_ms"])
    sql_floors = {}
    for page_name, statements in dashboard_sql.items():
        print(f"[{name}] {page_name}: its SQL run directly, {SQL_REPETITIONS} times", flush=True)
        sql = sql_floor(statements)
        page = next(r for r in results if r["name"] == page_name)
        sql["page_ratio"] = ratio(page["p50_ms"], sql["p50_ms"])
        sql_floors[page_name] = sql
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "scale": {
            "name": name,
            "people": scale.people,
            "contacts": scale.contacts,
            "hotspots": scale.hotspots,
            "seed": SEED,
        },
        "server": "gunicorn config.wsgi, 2 gthread workers of 1 thread, DEBUG off, PostgreSQL",
        "pages": results,
        "floor": {k: floor[k] for k in ("p50_ms", "p95_ms", "requests_per_s")},
        "sql_floors": sql_floors,
        "snapshot_seconds": snapshot_seconds,
        "offline": offline,
        "notes": notes,
    }


# --- Entry point -----------------------------------------------------------------------------


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=["small", "full", "both"], default="small")
    parser.add_argument(
        "--no-generate",
        action="store_true",
        help="measure the data already in the database (made by generate_scale)",
    )
    return parser.parse_args(argv)


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt  # so that gunicorn is stopped by the finally blocks


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://", "pgsql://")):
        print(
            "The benchmarks need PostgreSQL: set DATABASE_URL to a database the generator may "
            "empty, e.g.\n  DATABASE_URL=postgres://postgres@127.0.0.1:5432/outreach_bench_pages "
            "make bench-small",
            file=sys.stderr,
        )
        return 2
    # Also when started in the background, where SIGINT is ignored unless asked for.
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    command = shlex.join(["python", "benchmarks/run.py", *argv])
    scales = ["small", "full"] if args.scale == "both" else [args.scale]
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        workdir = Path(tmp)
        keys, new_keys = stored_keys(KEYS_FILE)
        env = bench_environment(dict(os.environ), keys)
        # This process renders pages too (to count queries): it reads the same manifest.
        env["BENCH_STATIC_ROOT"] = str(workdir / "static")
        os.environ.update(env)
        import django

        django.setup()
        from django.db import connection

        if connection.vendor != "postgresql":
            print("The benchmarks need PostgreSQL (DATABASE_URL).", file=sys.stderr)
            return 2
        try:
            manage(env, "migrate", "--noinput", "-v0")
            # WhiteNoise serves the hashed, compressed files collectstatic makes when DEBUG is off.
            manage(env, "collectstatic", "--noinput", "-v0")
            for name in scales:
                results[name] = run_scale(
                    name, env, workdir, generate=not args.no_generate, reuse=not new_keys
                )
                results[name]["machine"] = machine_facts()
                results[name]["command"] = command
        except BenchError as error:
            print(f"\nBENCHMARK FAILED: {error}", file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            print("\nInterrupted; gunicorn stopped.", file=sys.stderr)
            return 130
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    for name, result in results.items():
        (RESULTS_DIR / f"{name}.json").write_text(json.dumps(result, indent=2) + "\n")
    markdown = report(results, machine=next(iter(results.values()))["machine"], command=command)
    (RESULTS_DIR / "latest.md").write_text(markdown)
    print()
    print(markdown)
    if "small" in results and "full" in results:
        grown = queries_grown(results["small"], results["full"])
        if grown:
            print("Queries per request grow with the data: " + ", ".join(grown), file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
