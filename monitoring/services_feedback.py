"""Writes for community feedback and complaints: feedback from a member, anonymous feedback
with a single-use code, printing a batch of codes, and raising and following up complaints."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from members import codes
from members.models import Person, User
from monitoring.models import Complaint, Feedback, FeedbackCode
from outreach.models import Partner

CODE_ALPHABET = codes.ALPHABET
CODE_LENGTH = 8
CODE_VALID_DAYS = 30
CODES_AT_ONCE = 50


class FeedbackCodeRefused(Exception):
    """The code is unknown, used or expired; on purpose, nobody is told which."""


feedback_code_normalise = codes.normalise


def feedback_code_hash(code: str) -> str:
    return codes.code_hash(code, purpose="monitoring.feedback.code")


def feedback_codes_create(*, actor: User, count: int) -> list[str]:
    """`count` new codes, returned once, grouped for reading (ABCD-EFGH): only keyed hashes
    are stored."""
    if not 1 <= count <= CODES_AT_ONCE:
        raise ValueError(f"Between 1 and {CODES_AT_ONCE} codes at once.")
    now = timezone.now()
    drawn: list[str] = []
    hashes: set[str] = set()
    while len(drawn) < count:
        code = codes.new_code(CODE_LENGTH)
        code_hash = feedback_code_hash(code)
        if code_hash in hashes:
            continue
        hashes.add(code_hash)
        drawn.append(code)
    with transaction.atomic():
        # 31^8 codes: a clash with a stored one is near impossible; redraw rather than fail.
        taken = set(
            FeedbackCode.objects.filter(code_hash__in=hashes).values_list("code_hash", flat=True)
        )
        if taken:
            return feedback_codes_create(actor=actor, count=count)
        FeedbackCode.objects.bulk_create(
            FeedbackCode(
                code_hash=feedback_code_hash(code),
                created_by=actor,
                created_at=now,
                expires_at=now + timedelta(days=CODE_VALID_DAYS),
            )
            for code in drawn
        )
    return [codes.grouped(code) for code in drawn]


def feedback_code_check(*, code: str) -> None:
    """Raise FeedbackCodeRefused unless the code may be used now (it is not used up here)."""
    exists = FeedbackCode.objects.filter(
        code_hash=feedback_code_hash(code), used_at__isnull=True, expires_at__gt=timezone.now()
    ).exists()
    if not exists:
        raise FeedbackCodeRefused


def _feedback_fields(data: dict[str, Any]) -> dict[str, Any]:
    fields = {
        name: data.get(name)
        for name in (
            "place",
            "partner",
            "respect",
            "confidentiality",
            "waiting_time",
            "commodities_available",
            "would_recommend",
        )
    }
    fields["comment"] = (data.get("comment") or "").strip() or None
    if fields["place"] != "partner":
        fields["partner"] = None
    return fields


def feedback_create(*, data: dict[str, Any]) -> Feedback:
    """Feedback from a logged-in member. Not linked to them: a small clinic's few answers must
    not lead back to who gave them, not even for whoever holds the database."""
    return Feedback.objects.create(**_feedback_fields(data))


def feedback_with_code_create(*, code: str, data: dict[str, Any]) -> Feedback:
    """Anonymous feedback: no person is stored, and the code is used up in the same transaction,
    so two sends with one code give one feedback."""
    with transaction.atomic():
        feedback_code = (
            FeedbackCode.objects.select_for_update()
            .filter(
                code_hash=feedback_code_hash(code),
                used_at__isnull=True,
                expires_at__gt=timezone.now(),
            )
            .first()
        )
        if feedback_code is None:
            raise FeedbackCodeRefused
        feedback_code.used_at = timezone.now()
        feedback_code.save(update_fields=["used_at"])
        return Feedback.objects.create(**_feedback_fields(data))


def complaint_create(
    *, person: Person | None, place: str, partner: Partner | None, description: str
) -> Complaint:
    return Complaint.objects.create(
        person=person,
        place=place,
        partner=partner if place == "partner" else None,
        description=description.strip(),
    )


def complaint_update(
    *, complaint: Complaint, actor: User, status: str, resolution: str
) -> Complaint:
    """Follow up or close: who handled it, what was done, and the day it closed."""
    with transaction.atomic():
        complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
        complaint.status = status
        complaint.handled_by = actor
        complaint.resolution = resolution.strip() or None
        if status == Complaint.Status.CLOSED:
            complaint.closed_on = complaint.closed_on or timezone.localdate()
        else:
            complaint.closed_on = None
        complaint.save(update_fields=["status", "handled_by", "resolution", "closed_on"])
    return complaint
