"""Text-message backends, in the manner of Django's e-mail backends: SMS_BACKEND names a class
whose `send(to=..., text=...)` returns what became of the message. Console and file backends for
a local machine, an in-memory outbox for tests, and Africa's Talking's SMS API for real phones.

A backend only talks to the gateway. Who may get a message, the stop list and retries live in
reminders.sms_outbox, so every backend is held to the same rules."""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol, TextIO
from urllib.parse import urlencode, urlsplit
from uuid import uuid4

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from members.identifiers import last_digits

TIMEOUT = 30  # seconds: the gateway answers in about one; a hung one is tried again later


class Outcome(StrEnum):
    SENT = "sent"
    RETRY = "retry"  # a temporary failure: try again later
    STOPPED = "stopped"  # the number asked to receive nothing
    FAILED = "failed"  # permanent: trying again would fail the same way


@dataclass(frozen=True)
class SmsResult:
    outcome: Outcome
    message_id: str = ""  # the gateway's id, when it sent the message
    detail: str = ""  # the gateway's status, for the log; never the number


class SmsBackend(Protocol):
    def send(self, *, to: str, text: str) -> SmsResult: ...


def get_backend() -> SmsBackend:
    backend: SmsBackend = import_string(settings.SMS_BACKEND)()
    return backend


def masked(number: str) -> str:
    """What a log or a local file may show of a number: its last three digits."""
    return f"…{last_digits(number)}"


class ConsoleBackend:
    """Prints each message (the number masked: worker logs are kept)."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout

    def send(self, *, to: str, text: str) -> SmsResult:
        self.stream.write(f"SMS to {masked(to)}\n{text}\n{'-' * 40}\n")
        self.stream.flush()
        return SmsResult(Outcome.SENT, message_id=f"console-{uuid4().hex[:12]}")


class FileBackend:
    """Writes one file per message under SMS_FILE_PATH (var/sms/ by default), number masked."""

    def send(self, *, to: str, text: str) -> SmsResult:
        folder = Path(settings.SMS_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        message_id = f"{timezone.now():%Y%m%d-%H%M%S}-{uuid4().hex[:12]}"
        (folder / f"{message_id}.txt").write_text(f"To: {masked(to)}\n\n{text}\n")
        return SmsResult(Outcome.SENT, message_id=f"file-{message_id}")


@dataclass(frozen=True)
class Sent:
    to: str
    text: str


# The in-memory outbox of LocmemBackend, as django.core.mail.outbox is for e-mail.
outbox: list[Sent] = []


class LocmemBackend:
    """Keeps each message in `reminders.sms.outbox` (tests empty it)."""

    def send(self, *, to: str, text: str) -> SmsResult:
        outbox.append(Sent(to=to, text=text))
        return SmsResult(Outcome.SENT, message_id=f"locmem-{len(outbox)}")


# Africa's Talking's per-recipient status codes.
AT_SENT = {100, 101, 102}  # Processed, Sent, Queued
AT_STOPPED = {406, 409}  # UserInBlacklist, DoNotDisturbRejection
AT_RETRY = {500, 501}  # InternalServerError, GatewayError
# Everything else is permanent: RiskHold, InvalidSenderId, InvalidPhoneNumber,
# UnsupportedNumberType, InsufficientBalance, CouldNotRoute, RejectedByGateway (401-407, 502).


class AfricasTalkingBackend:
    """POST {SMS_GATEWAY_URL}/version1/messaging with the account's username and API key. The
    sandbox (username "sandbox", https://api.sandbox.africastalking.com) answers alike."""

    def send(self, *, to: str, text: str) -> SmsResult:
        base = settings.SMS_GATEWAY_URL.rstrip("/")
        if urlsplit(base).scheme not in ("http", "https"):
            return SmsResult(Outcome.FAILED, detail="SMS_GATEWAY_URL is not an http(s) address")
        try:
            status, raw = self._post(f"{base}/version1/messaging", self._form(to, text))
        except (urllib.error.URLError, TimeoutError, OSError) as unreachable:
            return SmsResult(Outcome.RETRY, detail=f"unreachable: {type(unreachable).__name__}")
        if status == 429 or status >= 500:
            return SmsResult(Outcome.RETRY, detail=f"HTTP {status}")
        if status >= 400:
            return SmsResult(Outcome.FAILED, detail=f"HTTP {status}")
        return self._result(raw)

    def _form(self, to: str, text: str) -> dict[str, str]:
        form = {"username": settings.SMS_USERNAME, "to": to, "message": text}
        if settings.SMS_SENDER_ID:
            form["from"] = settings.SMS_SENDER_ID
        return form

    def _post(self, url: str, form: dict[str, str]) -> tuple[int, bytes]:
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked by the caller
            url,
            data=urlencode(form).encode(),
            headers={
                "apiKey": settings.SMS_API_KEY,
                "Accept": "application/json",
                "Content-Type": "application/x-www-form-urlencoded",
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310  # nosec B310
                return response.status, response.read()
        except urllib.error.HTTPError as refused:
            return refused.code, refused.read()

    def _result(self, raw: bytes) -> SmsResult:
        """The one recipient's status. An answer that cannot be read may hide a message that
        left: it is tried again (at least once, rather than maybe never)."""
        try:
            data: dict[str, Any] = json.loads(raw)["SMSMessageData"]
            recipients: list[dict[str, Any]] = data["Recipients"]
            if not recipients:  # refused as a whole ("InvalidPhoneNumber", "InvalidSenderId")
                return SmsResult(Outcome.FAILED, detail=str(data.get("Message", ""))[:100])
            recipient = recipients[0]
            code = int(recipient["statusCode"])
        except (ValueError, KeyError, TypeError):
            return SmsResult(Outcome.RETRY, detail="unreadable answer")
        detail = f"{code} {recipient.get('status', '')}".strip()
        if code in AT_SENT:
            return SmsResult(Outcome.SENT, message_id=str(recipient.get("messageId", "")))
        if code in AT_STOPPED:
            return SmsResult(Outcome.STOPPED, detail=detail)
        if code in AT_RETRY:
            return SmsResult(Outcome.RETRY, detail=detail)
        return SmsResult(Outcome.FAILED, detail=detail)
