"""A loopback HTTP server that answers `POST /api/dataValueSets` as DHIS2 2.38 does: an import
summary wrapped in "response", with imported, updated, ignored and conflicts; 409 when a value
names a data element it does not know (here: any code starting with "BAD"); 401 without the
right login; dryRun=true saves nothing. It keeps what was imported, so a second push of the
same values answers "updated"."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

USERNAME, PASSWORD = "report.sender", "loopback-only-2026"


class FakeDhis2(ThreadingHTTPServer):
    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.stored: dict[tuple[str, str, str, str], str] = {}
        self.requests: list[dict[str, Any]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: FakeDhis2

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def _answer(self, status: int, body: dict[str, Any]) -> None:
        raw = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def do_POST(self) -> None:
        parts = urlsplit(self.path)
        if parts.path != "/api/dataValueSets":
            self._answer(404, {"httpStatus": "Not Found", "httpStatusCode": 404})
            return
        expected = base64.b64encode(f"{USERNAME}:{PASSWORD}".encode()).decode()
        if self.headers.get("Authorization") != f"Basic {expected}":
            self._answer(401, {"httpStatus": "Unauthorized", "httpStatusCode": 401})
            return
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.requests.append({"query": query, "body": body})
        dry_run = query.get("dryRun") == "true"
        imported = updated = ignored = 0
        conflicts = []
        for value in body["dataValues"]:
            key = (
                value["dataElement"],
                value["categoryOptionCombo"],
                body["period"],
                body["orgUnit"],
            )
            if value["dataElement"].startswith("BAD"):
                ignored += 1
                conflicts.append(
                    {
                        "object": value["dataElement"],
                        "objects": {"dataElement": value["dataElement"]},
                        "value": "Data element not found or not accessible",
                        "errorCode": "E7610",
                    }
                )
                continue
            if key in self.server.stored:
                updated += 1
            else:
                imported += 1
            if not dry_run:
                self.server.stored[key] = value["value"]
        status = "WARNING" if conflicts else "SUCCESS"
        summary = {
            "responseType": "ImportSummary",
            "status": status,
            "importOptions": {"dryRun": dry_run, "idSchemes": {}},
            "description": "Import process completed successfully",
            "importCount": {
                "imported": imported,
                "updated": updated,
                "ignored": ignored,
                "deleted": 0,
            },
            "conflicts": conflicts,
        }
        code = 409 if conflicts else 200
        self._answer(
            code,
            {
                "httpStatus": "Conflict" if conflicts else "OK",
                "httpStatusCode": code,
                "status": "WARNING" if conflicts else "OK",
                "message": "One more conflicts encountered, please check import summary."
                if conflicts
                else "Import was successful.",
                "response": summary,
            },
        )


@contextmanager
def fake_dhis2() -> Iterator[FakeDhis2]:
    server = FakeDhis2()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
