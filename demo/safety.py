"""Fictional bad-date reports for the demo, one in each state a moderator or member meets:
waiting with no decision, waiting with one approval, circulating, rejected, withdrawn, expired,
recorded only (no consent to an alert), and a request to remove an alert. The phone numbers are
from the range set aside for drama (+44 7700 900xxx): they ring nobody. A second run finds the
references and adds nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from members.models import Hotspot, Person, User
from safety import services
from safety.models import RemovalRequest, Report

# reference, reporter's nickname, who wrote it down, hotspot, days ago, categories, words,
# looks, car, plate, phone, consent to an alert, wants support, moderators approving,
# moderators rejecting, then what happens after ("withdrawn", "expired" or "").
REPORTS: list[tuple[Any, ...]] = [
    ("DEMWAT", "Sunflower", "member.sun", "Riverside market", 1, ["robbed", "threats"],
     "Took the money back and said he would come again.", "Short, shaved head, red cap",
     "Silver saloon", "KD7", "+447700900461", True, False, [], [], ""),
    ("DEMONE", "Willow", "worker.hill", "Hillside flats", 3, ["not_paid"],
     "Left without paying.", "Tall, glasses", "", "", "+447700900518", True, True,
     ["member.star"], [], ""),
    ("DEMLIV", "Moonbeam", "member.moon", "Riverside market", 6, ["physical", "condom"],
     "Pulled the condom off and pushed me.", "About 50, grey beard, big silver ring",
     "Dark blue van", "KX58", "+447700900372", True, True, ["member.star", "worker.hill"], [], ""),
    ("DEMREJ", "Cloud", "worker.online", "Chat groups", 9, ["other"],
     "Asked too many questions.", "", "", "", "", True, False, [],
     ["member.moon", "member.star"], ""),
    ("DEMWDN", "Starfish", "member.star", "Hillside flats", 12, ["threats"],
     "Kept calling at night.", "", "", "", "+447700900285", True, False,
     ["member.moon", "worker.hill"], [], "withdrawn"),
    ("DEMEXP", "Sunflower", "member.sun", "Riverside market", 120, ["posed"],
     "Said he was police and took money.", "Uniform-like jacket", "White car", "PL4", "",
     True, False, ["member.moon", "member.star"], [], "expired"),
    ("DEMREC", "Pebble", "worker.river", "Blue Door lounge", 20, ["sexual"],
     "", "", "", "", "", False, True, [], [], ""),
]  # fmt: skip


def _report(users: dict[str, User], hotspots: dict[str, Hotspot], row: tuple[Any, ...]) -> None:
    (reference, nickname, writer, place, days, categories, words, looks, car, plate, phone,
     alert, support, approving, rejecting, after) = row  # fmt: skip
    today = timezone.localdate()
    report = services.report_submit(
        entered_by=users[writer],
        reporter=Person.objects.filter(nickname=nickname, hotspot=hotspots[place]).first(),
        incident=services.Incident(
            happened_on=today - timedelta(days=days),
            hotspot=hotspots[place],
            categories=categories,
            what_happened=words,
            description=looks,
            vehicle=car,
            plate=plate,
            phone=phone,
        ),
        consents=services.Consents(alert=alert),
        wants_support=support,
    )
    Report.objects.filter(pk=report.pk).update(reference=reference)
    for verdict, names in (("approve", approving), ("reject", rejecting)):
        for name in names:
            report = services.report_decide(report=report, moderator=users[name], verdict=verdict)
    if after == "withdrawn":
        services.report_withdraw(report=report, by=users[writer])
    elif after == "expired":
        Report.objects.filter(pk=report.pk).update(
            circulated_at=timezone.now() - timedelta(days=days - 1),
            expires_on=today - timedelta(days=days - 91),
        )


def safety_reports(users: dict[str, User], hotspots: dict[str, Hotspot]) -> int:
    created = 0
    for row in REPORTS:
        if not Report.objects.filter(reference=row[0]).exists():
            _report(users, hotspots, row)
            created += 1
    if not RemovalRequest.objects.exists():
        services.removal_request_create(
            reference="DEMLIV",
            reason="The van described is mine, but I lent it to a friend that week.",
            contact="",
        )
        created += 1
    return created
