"""The benchmark's figures, pure functions of the measurements: percentiles, ratios, the budgets
of SPEC.md, the markdown report, and what a page's HTML and CSS make a browser fetch. Tested in
tests/test_bench_runner.py; benchmarks/run.py measures and calls them."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

# Requests per page: warm-up ones first, then the timed ones.
WARMUP = 20
TIMED = 200
# A response cached this long (or marked immutable) is not asked for again by a browser.
FAR_FUTURE_SECONDS = 30 * 24 * 3600


@dataclass(frozen=True)
class Budget:
    """A target of SPEC.md's "Performance budgets": a figure of the results, below a limit."""

    figure: str  # "p95_ms", "first_load_kb" or "cached_kb"
    limit: float
    label: str

    def is_over(self, result: dict[str, Any]) -> bool:
        value = result.get(self.figure)
        return value is not None and value >= self.limit


BUDGETS: dict[str, list[Budget]] = {
    "contact save": [Budget("p95_ms", 50, "p95 < 50 ms")],
    "my week": [Budget("p95_ms", 100, "p95 < 100 ms")],
    "dashboard": [Budget("p95_ms", 300, "p95 < 300 ms")],
    "dashboard, filtered": [Budget("p95_ms", 300, "p95 < 300 ms")],
    "contact form": [
        Budget("first_load_kb", 100, "first load < 100 KB"),
        Budget("cached_kb", 10, "cached < 10 KB"),
    ],
}
FLOOR_PAGE = "floor (bare view)"


# --- Figures (pure: tests/test_bench_runner.py) ----------------------------------------------


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), interpolating linearly between the two nearest ranks, as
    numpy's default does: p50 of [1, 2, 3, 4] is 2.5."""
    if not values:
        raise ValueError("percentile of no values")
    if not 0 <= q <= 100:
        raise ValueError("q must be between 0 and 100")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summarise(seconds: list[float]) -> dict[str, float]:
    """p50 and p95 in milliseconds, and requests per second over one connection."""
    total = sum(seconds)
    return {
        "p50_ms": round(percentile(seconds, 50) * 1000, 2),
        "p95_ms": round(percentile(seconds, 95) * 1000, 2),
        "requests_per_s": round(len(seconds) / total, 1) if total else 0.0,
    }


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return round(numerator / denominator, 2)


def queries_grown(small: dict[str, Any], full: dict[str, Any]) -> list[str]:
    """The pages whose SQL queries per request are more at full size than at 1%: the count
    must not depend on the data."""
    full_pages = {page["name"]: page for page in full["pages"]}
    grown = []
    for page in small["pages"]:
        other = full_pages.get(page["name"])
        if other is None or page.get("queries") is None or other.get("queries") is None:
            continue
        if other["queries"] > page["queries"]:
            grown.append(f"{page['name']} ({page['queries']} -> {other['queries']} queries)")
    return grown


def _cell(value: Any, digits: int = 1) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def budget_cell(name: str, result: dict[str, Any]) -> str:
    budgets = BUDGETS.get(name, [])
    if not budgets:
        return ""
    return "; ".join(
        f"{b.label}: **over**" if b.is_over(result) else f"{b.label}: ok" for b in budgets
    )


def markdown_table(result: dict[str, Any]) -> str:
    """One scale's pages: latency, queries, weight, ratio to the floor, budget."""
    lines = [
        "| Page | As | p50 ms | p95 ms | req/s | Queries | First load KB | Cached KB "
        "| p50 / floor | Budget (SPEC.md) |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|---|",
    ]
    for page in result["pages"]:
        lines.append(
            f"| {page['name']} | {page['as'] or 'anonymous'} | {_cell(page['p50_ms'])} "
            f"| {_cell(page['p95_ms'])} | {_cell(page['requests_per_s'])} "
            f"| {_cell(page.get('queries'))} | {_cell(page.get('first_load_kb'))} "
            f"| {_cell(page.get('cached_kb'))} | {_cell(page.get('floor_ratio'))} "
            f"| {budget_cell(page['name'], page)} |"
        )
    return "\n".join(lines)


def floors_table(result: dict[str, Any]) -> str:
    """Each page beside its floor: the bare view for the contact save, the SQL for dashboards."""
    floor = result["floor"]
    lines = [
        "| Page | p50 ms | p95 ms | req/s | Floor | Floor p50 ms | Floor p95 ms | Floor req/s "
        "| p50 / floor p50 |",
        "|---|--:|--:|--:|---|--:|--:|--:|--:|",
    ]
    pages = {page["name"]: page for page in result["pages"]}
    save = pages.get("contact save")
    if save is not None:
        lines.append(
            f"| contact save | {_cell(save['p50_ms'])} | {_cell(save['p95_ms'])} "
            f"| {_cell(save['requests_per_s'])} | bare Django view | {_cell(floor['p50_ms'])} "
            f"| {_cell(floor['p95_ms'])} | {_cell(floor['requests_per_s'])} "
            f"| {_cell(save.get('floor_ratio'))} |"
        )
    for name, sql in result.get("sql_floors", {}).items():
        page = pages[name]
        lines.append(
            f"| {name} | {_cell(page['p50_ms'])} | {_cell(page['p95_ms'])} "
            f"| {_cell(page['requests_per_s'])} | its {sql['statements']} SELECTs, run directly "
            f"| {_cell(sql['p50_ms'])} | {_cell(sql['p95_ms'])} | — "
            f"| {_cell(sql.get('page_ratio'))} |"
        )
    return "\n".join(lines)


def scaling_table(small: dict[str, Any], full: dict[str, Any]) -> str:
    """The same pages at 1% and at full size: how latency and queries grow with the data."""
    lines = [
        "| Page | p50 1% | p50 full | p50 ratio | p95 1% | p95 full | p95 ratio "
        "| Queries 1% | Queries full |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    full_pages = {page["name"]: page for page in full["pages"]}
    for page in small["pages"]:
        other = full_pages.get(page["name"])
        if other is None:
            continue
        grew = (other.get("queries") or 0) > (page.get("queries") or 0)
        lines.append(
            f"| {page['name']} | {_cell(page['p50_ms'])} | {_cell(other['p50_ms'])} "
            f"| {_cell(ratio(other['p50_ms'], page['p50_ms']))} | {_cell(page['p95_ms'])} "
            f"| {_cell(other['p95_ms'])} | {_cell(ratio(other['p95_ms'], page['p95_ms']))} "
            f"| {_cell(page.get('queries'))} "
            f"| {_cell(other.get('queries'))}{' **grew**' if grew else ''} |"
        )
    return "\n".join(lines)


def report(results: dict[str, dict[str, Any]], *, machine: dict[str, Any], command: str) -> str:
    """latest.md: the machine, the command, a table per scale, the scaling table."""
    first = next(iter(results.values()))
    parts = [
        "# Benchmark results",
        "",
        f"- Date: {first['date']}",
        f"- Command: `{command}`",
        f"- Machine: {machine['cpu']}, {machine['cores']} cores, {machine['ram_gb']} GB RAM; "
        f"PostgreSQL {machine['postgresql']}; Python {machine['python']}",
        f"- Server: {first['server']}",
        f"- Each page: {WARMUP} warm-up then {TIMED} timed requests over one keep-alive "
        "connection; queries counted in-process on the same data; bytes as sent (headers and "
        "body, compressed when the server compresses), the cached figure counting only what a "
        "browser asks for again.",
    ]
    for scale, result in results.items():
        data = result["scale"]
        parts += [
            "",
            f"## {scale}: {data['people']:,} people, {data['contacts']:,} contacts, "
            f"{data['hotspots']:,} hotspots",
            "",
            markdown_table(result),
            "",
            "Floors:",
            "",
            floors_table(result),
        ]
        if result.get("notes"):
            parts += ["", *[f"- {note}" for note in result["notes"]]]
    if "small" in results and "full" in results:
        parts += [
            "",
            "## Scaling, full size / 1%",
            "",
            scaling_table(results["small"], results["full"]),
        ]
        grown = queries_grown(results["small"], results["full"])
        parts += [
            "",
            "Queries per request grow for: " + ", ".join(grown)
            if grown
            else "Queries per request do not grow with the data on any page.",
        ]
    return "\n".join(parts) + "\n"


# --- Bytes on the wire (pure) ----------------------------------------------------------------

ASSET_PATTERNS = [
    re.compile(r"<link\b[^>]*\bhref=\"([^\"]+)\"", re.IGNORECASE),
    re.compile(r"<script\b[^>]*\bsrc=\"([^\"]+)\"", re.IGNORECASE),
    re.compile(r"<img\b[^>]*\bsrc=\"([^\"]+)\"", re.IGNORECASE),
]
LINK_REL = re.compile(r"\brel=\"([^\"]+)\"", re.IGNORECASE)
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")
FETCHED_RELS = {"stylesheet", "icon", "preload", "modulepreload", "apple-touch-icon", "manifest"}


def assets_in_html(html: str, base: str) -> list[str]:
    """Same-origin URLs of the stylesheets, scripts, images and icons a page loads."""
    found: list[str] = []
    for pattern in ASSET_PATTERNS:
        for match in pattern.finditer(html):
            tag = match.group(0)
            if tag.lower().startswith("<link"):
                rel = LINK_REL.search(tag)
                if rel is None or not set(rel.group(1).lower().split()) & FETCHED_RELS:
                    continue
            found.append(match.group(1))
    return _same_origin(found, base)


def assets_in_css(css: str, base: str) -> list[str]:
    """Fonts and images a stylesheet loads (data: URLs cost nothing more)."""
    return _same_origin([m.group(1) for m in CSS_URL.finditer(css)], base)


def _same_origin(urls: list[str], base: str) -> list[str]:
    origin = urlsplit(base).netloc
    out: list[str] = []
    for raw in urls:
        if raw.startswith(("data:", "#")):
            continue
        url = urljoin(base, raw.replace("&amp;", "&"))
        if urlsplit(url).netloc == origin and url not in out:
            out.append(url)
    return out


def is_far_future(cache_control: str) -> bool:
    """Whether a browser keeps the response without asking again (hashed static files)."""
    directives = [d.strip().lower() for d in cache_control.split(",")]
    if "no-store" in directives or "no-cache" in directives:
        return False
    if "immutable" in directives:
        return True
    for directive in directives:
        if directive.startswith("max-age="):
            try:
                return int(directive.split("=", 1)[1]) >= FAR_FUTURE_SECONDS
            except ValueError:
                return False
    return False
