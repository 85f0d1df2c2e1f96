"""A loopback HTTP server that answers `POST /version1/messaging` as Africa's Talking's SMS API
does: 401 without the right apiKey header or username, 201 with "SMSMessageData" and one status
per recipient otherwise (101 Success with a messageId; 406 UserInBlacklist for a number that
asked for no messages, with "Sent to 0/1"). `answers` scripts what comes next: a recipient
status code, or ("http", status) for a whole-request failure such as a 503. Use it as
`with FakeGateway() as gateway:`, which serves from a thread until the block ends."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

USERNAME, API_KEY = "loopback-account", "loopback-only-key-2026"

STATUS = {
    100: "Processed",
    101: "Success",
    102: "Queued",
    401: "RiskHold",
    402: "InvalidSenderId",
    403: "InvalidPhoneNumber",
    404: "UnsupportedNumberType",
    405: "InsufficientBalance",
    406: "UserInBlacklist",
    407: "CouldNotRoute",
    409: "DoNotDisturbRejection",
    500: "InternalServerError",
    501: "GatewayError",
    502: "RejectedByGateway",
}


class FakeGateway(ThreadingHTTPServer):
    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.answers: list[int | tuple[str, int]] = []
        # Every request that got through the login: its form fields and headers (names in lower
        # case: HTTP header names are case-insensitive, and urllib sends "Apikey").
        self.requests: list[dict[str, Any]] = []
        self.delivered: list[dict[str, str]] = []  # messages answered 100-102
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def __enter__(self) -> FakeGateway:
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()

    def next_answer(self) -> int | tuple[str, int]:
        with self._lock:
            return self.answers.pop(0) if self.answers else 101


class _Handler(BaseHTTPRequestHandler):
    server: FakeGateway

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def _answer(self, status: int, body: dict[str, Any] | str) -> None:
        raw = (json.dumps(body) if isinstance(body, dict) else body).encode()
        self.send_response(status)
        kind = "application/json" if isinstance(body, dict) else "text/plain"
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def do_POST(self) -> None:
        if self.path != "/version1/messaging":
            self._answer(404, "Not Found")
            return
        length = int(self.headers.get("Content-Length", "0"))
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        if self.headers.get("apiKey") != API_KEY or form.get("username") != USERNAME:
            self._answer(401, "The supplied authentication is invalid")
            return
        headers = {name.lower(): value for name, value in self.headers.items()}
        self.server.requests.append({"form": form, "headers": headers})
        answer = self.server.next_answer()
        if isinstance(answer, tuple):
            self._answer(answer[1], "Service Unavailable")
            return
        self._answer(201, self._recipient(form, answer))

    def _recipient(self, form: dict[str, str], code: int) -> dict[str, Any]:
        delivered = code in (100, 101, 102)
        if delivered:
            self.server.delivered.append(form)
        recipient = {
            "statusCode": code,
            "number": form["to"],
            "status": STATUS.get(code, "Unknown"),
            "cost": "KES 0.8000" if delivered else "0",
            "messageId": f"ATXid_{len(self.server.delivered):08d}" if delivered else "None",
        }
        total = "KES 0.8000" if delivered else "0"
        return {
            "SMSMessageData": {
                "Message": f"Sent to {int(delivered)}/1 Total Cost: {total}",
                "Recipients": [recipient],
            }
        }
