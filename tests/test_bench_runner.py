"""The benchmark runner's pure parts: the figures it reports must be right even though nobody
runs the full benchmark in the test suite."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from benchmarks import figures, run, server


def page(name: str, *, p50: float, p95: float, queries: int | None, **more: Any) -> dict[str, Any]:
    return {
        "name": name,
        "as": "bench.worker",
        "p50_ms": float(p50),
        "p95_ms": float(p95),
        "requests_per_s": 1000 / p50,
        "queries": queries,
        **more,
    }


def result(*pages: dict[str, Any]) -> dict[str, Any]:
    return {
        "date": "2026-11-29T20:00:00+00:00",
        "scale": {"name": "small", "people": 1000, "contacts": 20000, "hotspots": 10},
        "server": "gunicorn",
        "pages": list(pages),
        "floor": {"p50_ms": 1.0, "p95_ms": 2.0, "requests_per_s": 900.0},
        "sql_floors": {},
        "notes": [],
    }


# --- Percentiles ----------------------------------------------------------------------------


def test_the_median_of_an_even_count_lies_between_the_middle_two() -> None:
    assert figures.percentile([4.0, 1.0, 3.0, 2.0], 50) == 2.5


def test_percentiles_interpolate_between_ranks_like_numpy() -> None:
    values = [float(n) for n in range(1, 11)]  # 1..10
    # numpy.percentile(range(1, 11), 95) == 9.55
    assert figures.percentile(values, 95) == pytest.approx(9.55)
    assert figures.percentile(values, 0) == 1.0
    assert figures.percentile(values, 100) == 10.0


def test_the_p95_of_200_requests_ignores_the_ten_slowest_but_one() -> None:
    timings = [0.010] * 190 + [1.0] * 10
    # Rank 189.05 lies between the last fast request and the first slow one.
    assert figures.percentile(timings, 95) == pytest.approx(0.010 + 0.05 * 0.990)


def test_a_percentile_of_nothing_is_refused() -> None:
    with pytest.raises(ValueError):
        figures.percentile([], 50)
    with pytest.raises(ValueError):
        figures.percentile([1.0], 101)


def test_a_summary_is_in_milliseconds_and_requests_per_second() -> None:
    summary = figures.summarise([0.002, 0.004, 0.006, 0.008])
    assert summary == {"p50_ms": 5.0, "p95_ms": 7.7, "requests_per_s": 200.0}


# --- Tables ---------------------------------------------------------------------------------


def test_a_page_over_its_budget_is_marked_over() -> None:
    table = figures.markdown_table(
        result(
            page("contact save", p50=30, p95=70, queries=14, floor_ratio=30.0),
            page("my week", p50=20, p95=40, queries=9),
        )
    )
    save = next(line for line in table.splitlines() if line.startswith("| contact save"))
    week = next(line for line in table.splitlines() if line.startswith("| my week"))
    assert "p95 < 50 ms: **over**" in save
    assert "| 30.0 |" in save  # the ratio to the floor
    assert "p95 < 100 ms: ok" in week


def test_the_contact_form_has_weight_budgets() -> None:
    light = page("contact form", p50=5, p95=9, queries=8, first_load_kb=80.0, cached_kb=12.5)
    line = figures.markdown_table(result(light)).splitlines()[2]
    assert "first load < 100 KB: ok" in line
    assert "cached < 10 KB: **over**" in line
    assert "| 80.0 | 12.5 |" in line


def test_the_table_has_one_row_per_page_and_a_dash_for_missing_figures() -> None:
    table = figures.markdown_table(result(page("floor (bare view)", p50=1, p95=2, queries=None)))
    lines = table.splitlines()
    assert len(lines) == 3
    assert lines[2].count("—") >= 3  # queries, both weights, floor ratio


def test_the_report_shows_scaling_only_with_both_sizes() -> None:
    machine = {"cpu": "Test CPU", "cores": 2, "ram_gb": 4.0, "postgresql": "16", "python": "3.12"}
    small = result(page("my week", p50=10, p95=20, queries=9))
    full = result(page("my week", p50=25, p95=80, queries=9))
    full["scale"] = {"name": "full", "people": 100000, "contacts": 2000000, "hotspots": 1000}
    one = figures.report({"small": small}, machine=machine, command="python benchmarks/run.py")
    both = figures.report({"small": small, "full": full}, machine=machine, command="make bench")
    assert "Scaling" not in one
    assert "Test CPU, 2 cores, 4.0 GB RAM; PostgreSQL 16; Python 3.12" in one
    assert "| my week | 10.0 | 25.0 | 2.5 | 20.0 | 80.0 | 4.0 | 9 | 9 |" in both
    assert "do not grow" in both


# --- Queries per request must not grow with the data -----------------------------------------


def test_queries_that_stay_the_same_pass() -> None:
    small = result(page("dashboard", p50=50, p95=90, queries=40))
    full = result(page("dashboard", p50=150, p95=250, queries=40))
    assert figures.queries_grown(small, full) == []


def test_a_page_whose_queries_grow_is_named() -> None:
    small = result(
        page("dashboard", p50=50, p95=90, queries=40), page("my week", p50=9, p95=12, queries=9)
    )
    full = result(
        page("dashboard", p50=150, p95=250, queries=40), page("my week", p50=9, p95=12, queries=11)
    )
    assert figures.queries_grown(small, full) == ["my week (9 -> 11 queries)"]
    assert "| 9 | 11 **grew** |" in figures.scaling_table(small, full)


def test_fewer_queries_at_full_size_is_no_growth() -> None:
    small = result(page("member home", p50=5, p95=8, queries=6))
    full = result(page("member home", p50=5, p95=8, queries=5))
    assert figures.queries_grown(small, full) == []


# --- Bytes on the wire ----------------------------------------------------------------------


def test_the_assets_of_a_page_are_its_stylesheets_scripts_images_and_icons() -> None:
    html = """
      <link rel="stylesheet" href="/static/bootstrap/css/bootstrap.min.abc123.css">
      <link rel="icon" href="/static/favicon.def456.svg">
      <link rel="canonical" href="/outreach/week/">
      <script src="/static/js/stepper.0a1b2c.js" defer></script>
      <script src="https://cdn.example.org/evil.js"></script>
      <img src="data:image/svg+xml;base64,AAAA" alt="">
      <a href="/static/not-loaded.css">a link, not an asset</a>
    """
    assert figures.assets_in_html(html, "http://127.0.0.1:8000/outreach/week/") == [
        "http://127.0.0.1:8000/static/bootstrap/css/bootstrap.min.abc123.css",
        "http://127.0.0.1:8000/static/favicon.def456.svg",
        "http://127.0.0.1:8000/static/js/stepper.0a1b2c.js",
    ]


def test_the_fonts_of_a_stylesheet_are_assets_but_data_urls_are_not() -> None:
    css = (
        'a{background:url("data:image/svg+xml,%3csvg%3e")} '
        "@font-face{src:url('../fonts/x.woff2')}"
    )
    assert figures.assets_in_css(css, "http://127.0.0.1:8000/static/css/app.css") == [
        "http://127.0.0.1:8000/static/fonts/x.woff2"
    ]


@pytest.mark.parametrize(
    ("cache_control", "kept"),
    [
        ("max-age=315360000, public, immutable", True),
        ("max-age=31536000", True),
        ("max-age=60, public", False),
        ("no-store", False),
        ("no-cache, max-age=31536000", False),
        ("", False),
    ],
)
def test_only_far_future_responses_are_not_asked_for_again(cache_control: str, kept: bool) -> None:
    assert figures.is_far_future(cache_control) is kept


# --- Finding a person's code ------------------------------------------------------------------


def test_the_runner_finds_the_parts_of_a_code_from_its_hash(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from datetime import date

    from members.uic import uic_hash

    year = f"{(date.today().year - 30) % 100:02d}"  # among the first years tried
    wanted = uic_hash(f"ACZB01{year}")
    found = run.find_code({"0" * 64, wanted})
    assert found == (
        wanted,
        {"birth_order": "01", "birth_year": year, "mother": "AC", "father": "ZB"},
    )


def test_the_search_for_a_code_gives_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(run, "CODE_TRIES", 1000)
    assert run.find_code({"0" * 64}) is None


# --- Environment ----------------------------------------------------------------------------


def test_the_environment_is_production_like_and_keeps_given_secrets() -> None:
    given = {"SECRET_KEY": "given", "DEBUG": "true", "DEMO_MODE": "true"}
    env = server.bench_environment(given, server.make_keys())
    assert env["SECRET_KEY"] == "given"
    assert env["DEBUG"] == "false"
    assert env["DEMO_MODE"] == "false"
    assert env["SECURE_SSL_REDIRECT"] == "false"
    assert env["DJANGO_SETTINGS_MODULE"] == "benchmarks.settings"
    for name in server.SECRETS:
        assert env[name]


def test_new_keys_are_valid_fernet_keys_and_differ_each_time() -> None:
    from cryptography.fernet import Fernet

    first, second = server.make_keys(), server.make_keys()
    Fernet(first["FIELD_ENCRYPTION_KEYS"])
    Fernet(first["MFA_ENCRYPTION_KEYS"])
    assert first["SECRET_KEY"] != second["SECRET_KEY"]


def test_keys_are_kept_for_the_next_run_so_its_data_stays_readable(tmp_path: Path) -> None:
    path = tmp_path / "var" / "bench-keys.json"
    made, new = server.stored_keys(path)
    again, new_again = server.stored_keys(path)
    assert new is True
    assert new_again is False
    assert again == made
    assert path.stat().st_mode & 0o077 == 0  # readable by its owner only


def test_the_runner_refuses_to_run_without_postgresql(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert run.main(["--scale", "small"]) == 2
    monkeypatch.setenv("DATABASE_URL", "sqlite:///var/bench.sqlite3")
    assert run.main(["--scale", "small"]) == 2
    assert "need PostgreSQL" in capsys.readouterr().err


def test_a_menu_read_through_a_server_side_cursor_is_timed_as_its_select() -> None:
    declared = (
        'DECLARE "_django_curs_1_sync_5" NO SCROLL CURSOR WITH HOLD FOR '
        'SELECT "outreach_hotspot"."id" FROM "outreach_hotspot"'
    )
    assert (
        run.SERVER_CURSOR.sub("", declared)
        == 'SELECT "outreach_hotspot"."id" FROM "outreach_hotspot"'
    )
