"""Sending a report's data values to the configured DHIS2 (`POST /api/dataValueSets`), from the
server, never from the browser. A dry run first, whose import summary the coordinator reads;
then the same figures for real. DHIS2 can answer 200 and still have ignored values or conflicts:
those are failures here, said in plain words, never a green tick."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

TIMEOUT = 60  # seconds: a national server imports a few hundred values in seconds


class PushFailed(Exception):
    """DHIS2 could not be reached or refused the request: the reason, in plain words."""


@dataclass(frozen=True)
class ImportSummary:
    status: str
    imported: int = 0
    updated: int = 0
    ignored: int = 0
    deleted: int = 0
    conflicts: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Everything taken: nothing ignored, no conflict."""
        return self.ignored == 0 and not self.conflicts and self.status in ("SUCCESS", "OK")

    def __str__(self) -> str:
        return (
            f"{self.status} imported={self.imported} updated={self.updated} "
            f"ignored={self.ignored} conflicts={len(self.conflicts)}"
        )


def configured() -> bool:
    return bool(settings.DHIS2_URL)


def _summary(answer: dict[str, Any]) -> ImportSummary:
    """DHIS2 2.36 and later wrap the import summary in "response"; earlier versions do not."""
    wrapped = answer.get("response")
    inner: dict[str, Any] = wrapped if isinstance(wrapped, dict) else answer
    counts = inner.get("importCount") or {}
    conflicts = [
        f"{c.get('object', '')}: {c.get('value', '')}".strip(": ")
        for c in inner.get("conflicts") or []
    ]
    return ImportSummary(
        status=str(inner.get("status") or answer.get("status") or ""),
        imported=int(counts.get("imported", 0)),
        updated=int(counts.get("updated", 0)),
        ignored=int(counts.get("ignored", 0)),
        deleted=int(counts.get("deleted", 0)),
        conflicts=conflicts,
    )


def push(body: dict[str, object], *, dry_run: bool) -> ImportSummary:
    """Send the data value set; the summary DHIS2 gives, or PushFailed."""
    if not configured():
        raise PushFailed(
            _("No DHIS2 is set up: an operator sets DHIS2_URL, DHIS2_USERNAME and DHIS2_PASSWORD.")
        )
    base = settings.DHIS2_URL.rstrip("/")
    if urlsplit(base).scheme not in ("http", "https"):
        raise PushFailed(_("DHIS2_URL must start with https:// (or http:// on a test server)."))
    query = urlencode(
        {
            "dryRun": "true" if dry_run else "false",
            "importStrategy": "CREATE_AND_UPDATE",
            "idScheme": settings.DHIS2_ID_SCHEME,
        }
    )
    login = f"{settings.DHIS2_USERNAME}:{settings.DHIS2_PASSWORD}".encode()
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
        f"{base}/api/dataValueSets?{query}",
        data=json.dumps(body).encode(),
        headers={
            "Content-Type": "application/json",
            "Accept": "application/json",
            "Authorization": f"Basic {base64.b64encode(login).decode()}",
        },
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310  # nosec B310
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as refused:  # 409 carries the summary of conflicts
        status, raw = refused.code, refused.read()
    except (urllib.error.URLError, TimeoutError, OSError) as unreachable:
        raise PushFailed(
            _("DHIS2 did not answer (%(reason)s). Try again later, or send the file instead.")
            % {"reason": getattr(unreachable, "reason", unreachable)}
        ) from unreachable
    if status in (401, 403):
        raise PushFailed(_("DHIS2 refused the login: check DHIS2_USERNAME and DHIS2_PASSWORD."))
    try:
        answer = json.loads(raw)
    except ValueError as garbled:
        raise PushFailed(
            _("DHIS2 answered %(status)d with something that is not an import summary.")
            % {"status": status}
        ) from garbled
    if not isinstance(answer, dict) or status >= 500:
        raise PushFailed(_("DHIS2 answered %(status)d: try again later.") % {"status": status})
    return _summary(answer)
