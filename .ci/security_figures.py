"""Write the figures of the latest security run (var/security-figures.json, recorded by the tests'
`figure` fixture and by .ci/static_analysis.py) into SECURITY.md, between its figures markers.
`make security-figures` after a full run on PostgreSQL and Redis."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # a script: the project root is not on the path

from tests.figures import load  # noqa: E402

SECURITY = ROOT / "SECURITY.md"
START, END = "<!-- figures:start -->", "<!-- figures:end -->"

# ID: (what is tested, where, the target)
TESTS = {
    "AZ-1": (
        "Every URL pattern x 6 roles (a moderator among them) x GET/POST against the matrix "
        "in the repository",
        "tests/security/test_authorization_matrix.py",
        "0 unexpected 2xx, 0 unlisted patterns",
    ),
    "AZ-2": (
        "Another hotspot's people, contacts and referrals, and missing ids",
        "tests/security/test_other_caseloads.py",
        "0 leaks; identical 404 bodies",
    ),
    "AZ-3": (
        "Extra POST fields on every form people fill",
        "tests/security/test_mass_assignment.py",
        "0 rows changed",
    ),
    "AZ-4": ("Every export, per role", "tests/security/test_exports.py", "0 row-level leaks"),
    "HD-0": ("`check --deploy` with production settings", "tests/security/test_errors.py", "0"),
    "HD-1/HD-2": (
        "CSP, no-store, nosniff, referrer, permissions and frame policies on every HTML answer",
        "tests/security/test_authorization_matrix.py",
        "0 missing",
    ),
    "HD-2": ("HSTS on secure answers", "tests/security/test_authorization_matrix.py", "0 missing"),
    "HD-3": (
        "POST to every state-changing URL without a CSRF token",
        "tests/security/test_authorization_matrix.py",
        "0 non-403",
    ),
    "HD-4": (
        "Forced exception and missing pages with DEBUG off",
        "tests/security/test_errors.py",
        "0 tracebacks or secrets",
    ),
    "DP-1": (
        "Encrypted fields: round trips (Hypothesis) and key rotation",
        "tests/security/test_canary_scan.py",
        "0 mismatches, 0 unreadable",
    ),
    "DP-2": (
        "Canaries in every sensitive field, then pg_dump, logs and e-mail outbox grepped",
        "tests/security/test_canary_scan.py",
        "0 hits",
    ),
    "DP-3": ("Second-factor secrets in a dump", "tests/security/test_canary_scan.py", "0 hits"),
    "DP-8": (
        "The network, not the address, kept for each signed-in session",
        "tests/security/test_addresses.py",
        "0 full addresses",
    ),
    "DP-9": (
        "Erasure: a canary in every text column of every registered kind of personal data, "
        "then the rows (decrypted) and a pg_dump searched",
        "tests/members/test_erasure_canary.py",
        "0 hits",
    ),
    "DP-10": (
        "Every installed model that reaches a person or a login is in the personal data "
        "registry or exempt with a reason",
        "tests/members/test_personal_data_registry.py",
        "0 neither",
    ),
    "DP-11": (
        "Canaries in every free-text value; every page per role crawled by links and GET forms",
        "tests/security/test_person_data_in_urls.py",
        "0 addresses with person data",
    ),
    "DP-12": (
        "Every text field of every page per role",
        "tests/security/test_autocomplete.py",
        "0 fields a shared phone would keep",
    ),
    "DP-13": (
        "A bad-date report sent through the form with a canary phone number, plate and words, "
        "then a pg_dump searched",
        "tests/safety/test_pages.py",
        "0 hits",
    ),
    "DP-5": (
        "Chromium crawl of every page per role, every request recorded",
        "tests/browser/test_no_third_party.py",
        "0 requests to another host",
    ),
    "CC-1": ("50 concurrent posts of one contact", "tests/security/test_concurrency.py", "1 row"),
    "CC-2": ("50 concurrent posts of 50 contacts", "tests/security/test_concurrency.py", "50 rows"),
    "CC-3": (
        "Every creating form sent again in Chromium: the same request again, then Back and send",
        "tests/browser/test_resend_journeys.py",
        "0 records doubled",
    ),
    "VT-1": (
        "50 votes at once by one member; 200 members at once",
        "tests/security/test_concurrency.py",
        "1 ballot; ballots = roll marks",
    ),
    "VT-2": (
        "A round's ballots as whoever holds the database sees them: a pg_dump and the WAL during "
        "voting, every programmes data file after the count (also with a snapshot held, and for "
        "500 ballots), the order of the counted ballots against the order of casting",
        "tests/programmes/test_ballot_storage.py",
        "0 choices found; 0 ciphertexts left; rank correlation within chance",
    ),
    "RL-1": (
        "Redis stopped: 200 contact saves and 50 logins",
        "tests/security/test_redis_outage.py",
        "0 5xx, all saved, p95 within 2x + 20 ms",
    ),
    "RL-2": (
        "Redis frozen (SIGSTOP): the same load, and the dashboard",
        "tests/security/test_redis_outage.py",
        "0 5xx, all saved, p95 within 2x + 20 ms",
    ),
    "AU-1": ("30 wrong passwords for one login", "tests/security/test_login_limits.py", "<= 5"),
    "AU-6": (
        "200 join-page tries from one address, then wrong codes on the join and reset pages",
        "tests/members/test_invitations.py, tests/members/test_reset_codes.py",
        "429 within the first 20; no username said without a valid code",
    ),
    "SE-2": (
        "Staff idle (15 min) and absolute (8 h) session expiry",
        "tests/security/test_sessions.py",
        "0 served after expiry",
    ),
    "SE-3": (
        "Logout, password change, suspension, deactivation end every session",
        "tests/security/test_sessions.py",
        "0 surviving",
    ),
    "SE-4": ("Cookie flags with production settings", "tests/security/test_sessions.py", "0 bad"),
    "SE-5": ("A coordinator ends a lost phone's session", "tests/security/test_sessions.py", "1"),
    "IN-4": (
        "10 MB body, 100,000 fields, NUL bytes, invalid UTF-8, non-ASCII digits",
        "tests/security/test_bad_input.py",
        "0 500s",
    ),
    "DV-1": (
        "Back and reload after logout in Chromium",
        "tests/browser/test_back_after_logout.py",
        "0 person data",
    ),
    "SA-1": ("pip-audit over the installed dependencies", ".ci/static_analysis.py", "0"),
    "SA-2": ("bandit, medium and high", ".ci/static_analysis.py", "0"),
}


def _value(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "none"
    return str(value)


def table(figures: dict[str, dict[str, object]]) -> str:
    lines = [
        "| ID | What | Target | Latest figures | Recorded |",
        "| --- | --- | --- | --- | --- |",
    ]
    for test_id, (what, where, target) in TESTS.items():
        recorded = dict(figures.get(test_id, {}))
        when = str(recorded.pop("recorded", "not run"))[:10]
        values = "; ".join(f"{name}: {_value(v)}" for name, v in sorted(recorded.items()))
        lines.append(
            f"| {test_id} | {what} (`{where}`) | {target} | {values or 'not run'} | {when} |"
        )
    return "\n".join(lines)


def main() -> int:
    figures = load()
    missing = [test_id for test_id in TESTS if test_id not in figures]
    text = SECURITY.read_text()
    before, rest = text.split(START, 1)
    _old, after = rest.split(END, 1)
    SECURITY.write_text(f"{before}{START}\n{table(figures)}\n{END}{after}")
    if missing:
        print(f"No figure recorded for: {', '.join(missing)}", file=sys.stderr)
        return 1
    print(f"SECURITY.md: {len(TESTS)} tests with their latest figures.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
