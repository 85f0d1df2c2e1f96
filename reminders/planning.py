"""What reminders are planned, for whom, and what they say.

Each `plan_<kind>(today)` makes at most one reminder per (person, kind, object, due date) through
`reminders.outbox.reminder_plan`, so running a plan twice on the same day makes nothing new. The
dispatcher (reminders.outbox) delivers them later, honouring preferences and quiet hours.

Wording is discreet (SPEC "Privacy and safety", rule 6): nothing in an e-mail or inbox line may
reveal HIV, sex work or the organization's purpose. `lint_text` and `lint_directory` check every
reminder text against FORBIDDEN_WORDS (or settings.REMINDER_FORBIDDEN_WORDS)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.periods import Period
from members.models import Consent, Reminder, User
from members.roles import Role
from monitoring.indicators import Filters, coverage, hotspots_below_alert
from outreach.models import Referral
from outreach.rules import NOT_SEEN_DAYS
from outreach.selectors_week import due_people, people_not_seen
from programmes.models import RollEntry, Round
from programmes.selectors import tellers_with_duties
from reminders.outbox import reminder_plan
from safety import selectors as safety_selectors
from safety.models import Report

Kind = Reminder.Kind

# Words that must never appear in a reminder's e-mail or inbox text, matched as whole words
# whatever the case. Settings may replace the list (REMINDER_FORBIDDEN_WORDS).
FORBIDDEN_WORDS: tuple[str, ...] = (
    "hiv",
    "sti",
    "prep",
    "sex",
    "test result",
    "clinic",
    "outreach",
    "condom",
)

# The inbox line of each kind: neutral, a little more specific than the e-mail because only the
# logged-in person sees it.
KIND_TEXT: dict[str, Any] = {
    Kind.DAILY_LIST: _("Your list for today is ready: some people are due a visit."),
    Kind.REFERRAL_FOLLOW_UP: _("A follow-up you arranged is due."),
    Kind.NOT_SEEN: _("Someone on your list has not been seen for a while."),
    Kind.ROUND_OPENED: _("A vote has opened."),
    Kind.ROUND_CLOSING: _("A vote closes within a day and you have not taken part yet."),
    Kind.RESULTS_OUT: _("The results of a vote are out."),
    Kind.COVERAGE_ALERT: _("Weekly check: some places were reached less than planned."),
    Kind.MONTHLY_REPORT: _("The monthly report is due."),
    Kind.TELLER_DUTY: _("A vote needs you as a teller."),
    Kind.SAFETY_ALERT: _("Take care: there is a new alert for your area."),
    Kind.SAFETY_MODERATION: _("A report waits for your decision."),
    Kind.SAFETY_SUPPORT: _("Someone you support asked to be contacted."),
}

# Which role a kind is for: the preferences page offers to mute only the kinds of one's roles.
KIND_ROLE: dict[str, Role] = {
    Kind.DAILY_LIST: Role.OUTREACH_WORKER,
    Kind.REFERRAL_FOLLOW_UP: Role.OUTREACH_WORKER,
    Kind.NOT_SEEN: Role.OUTREACH_WORKER,
    Kind.ROUND_OPENED: Role.MEMBER,
    Kind.ROUND_CLOSING: Role.MEMBER,
    Kind.RESULTS_OUT: Role.MEMBER,
    Kind.COVERAGE_ALERT: Role.COORDINATOR,
    Kind.MONTHLY_REPORT: Role.COORDINATOR,
    # Tellers are members or staff; the demo's and most organizations' staff are members too.
    Kind.TELLER_DUTY: Role.MEMBER,
    Kind.SAFETY_ALERT: Role.MEMBER,
    Kind.SAFETY_MODERATION: Role.MODERATOR,
    Kind.SAFETY_SUPPORT: Role.OUTREACH_WORKER,
}

# A vote's results are announced for this many days after counting (not for old rounds).
RESULTS_WITHIN_DAYS = 14
# A closing reminder goes out when the round closes within this many hours.
CLOSING_WITHIN_HOURS = 24


# --- Wording lint --------------------------------------------------------------------------


def forbidden_words() -> tuple[str, ...]:
    return tuple(getattr(settings, "REMINDER_FORBIDDEN_WORDS", FORBIDDEN_WORDS))


def _pattern(word: str) -> re.Pattern[str]:
    parts = [re.escape(part) for part in word.split()]
    return re.compile(r"\b" + r"\s+".join(parts) + r"\b", re.IGNORECASE)


def lint_text(text: str, words: Iterable[str] | None = None) -> list[str]:
    """The forbidden words found in `text` (whole words, any case)."""
    chosen = forbidden_words() if words is None else tuple(words)
    return [word for word in chosen if _pattern(word).search(text)]


def lint_directory(directory: Path, words: Iterable[str] | None = None) -> list[str]:
    """One line "<file>: <word>" per forbidden word found in any file under `directory`."""
    problems = []
    for path in sorted(directory.rglob("*")):
        if path.is_file():
            for word in lint_text(path.read_text(encoding="utf-8"), words):
                problems.append(f"{path.relative_to(directory)}: {word}")
    return problems


def lint_inbox_texts(words: Iterable[str] | None = None) -> list[str]:
    """The inbox lines and the kinds' names, as the logged-in person reads them."""
    texts = {**{f"KIND_TEXT[{k}]": str(v) for k, v in KIND_TEXT.items()}}
    texts.update({f"Reminder.Kind.{k.name}": str(k.label) for k in Kind})
    return [f"{name}: {word}" for name, text in texts.items() for word in lint_text(text, words)]


# --- Planning ------------------------------------------------------------------------------


def _plan(**fields: Any) -> bool:
    return bool(reminder_plan(**fields))


def _active(role_flag: str) -> QuerySet[User]:
    return User.objects.filter(is_active=True, **{role_flag: True}).order_by("pk")


def plan_daily_list(today: date) -> int:
    """Each active outreach worker with at least one person due gets "your list for today"."""
    made = 0
    for worker in _active("is_outreach_worker"):
        if due_people(worker, today).exists():
            made += _plan(user=worker, kind=Kind.DAILY_LIST, object_key="", due_on=today)
    return made


def plan_referral_follow_up(today: date) -> int:
    """The worker who made each open referral due today or overdue, once per referral and due
    date (so an overdue referral is not repeated every day)."""
    referrals = Referral.objects.filter(
        status=Referral.Status.MADE,
        due_on__lte=today,
        made_by__is_active=True,
        made_by__is_outreach_worker=True,
    ).select_related("made_by")
    made = 0
    for referral in referrals:
        made += _plan(
            user=referral.made_by,
            kind=Kind.REFERRAL_FOLLOW_UP,
            object_key=f"referral:{referral.pk}",
            due_on=referral.due_on,
        )
    return made


def not_seen_due_on(since: date, today: date, days: int) -> date | None:
    """The day the latest full run of `days` days without a contact ran out, counted from
    `since`; None while the first run has not ended. One reminder per person per run."""
    elapsed = (today - since).days
    if elapsed < days:
        return None
    return since + timedelta(days=days * (elapsed // days))


def plan_not_seen(today: date) -> int:
    """Each worker, per person of their hotspots not seen for NOT_SEEN_DAYS days: at most once
    per person per NOT_SEEN_DAYS days. Someone never seen counts from their registration."""
    made = 0
    for worker in _active("is_outreach_worker"):
        people = people_not_seen(worker, today).only("registered_at", "nickname", "hotspot__name")
        for person in people:
            since = person.last_seen or timezone.localdate(person.registered_at)
            due_on = not_seen_due_on(since, today, NOT_SEEN_DAYS)
            if due_on is not None:
                made += _plan(
                    user=worker,
                    kind=Kind.NOT_SEEN,
                    object_key=f"person:{person.pk}",
                    due_on=due_on,
                )
    return made


def _voting_consenters(user_ids: Iterable[int]) -> set[int]:
    """The users among `user_ids` whose record holds an open voting consent: the rule of
    members.services.has_consent, in one query for a whole roll."""
    return set(
        Consent.objects.filter(
            purpose=Consent.Purpose.VOTING,
            withdrawn_at__isnull=True,
            person__user_id__in=list(user_ids),
        ).values_list("person__user_id", flat=True)
    )


def _plan_roll(
    rounds: Iterable[Round],
    kind: str,
    due_on: Callable[[Round], date],
    only_not_voted: bool = False,
) -> int:
    made = 0
    for round_ in rounds:
        roll = RollEntry.objects.filter(round=round_, member__is_active=True)
        if only_not_voted:
            roll = roll.filter(has_voted=False)
        entries = list(roll.select_related("member").order_by("member_id"))
        consenting = _voting_consenters(entry.member_id for entry in entries)
        for entry in entries:
            if entry.member_id in consenting:
                made += _plan(
                    user=entry.member,
                    kind=kind,
                    object_key=f"round:{round_.pk}",
                    due_on=due_on(round_),
                )
    return made


def plan_round_opened(today: date) -> int:
    """Every consenting member on the roll of an open round, due on the opening day."""
    rounds = Round.objects.filter(status=Round.Status.OPEN)
    return _plan_roll(rounds, Kind.ROUND_OPENED, lambda r: timezone.localdate(r.opens_at))


def plan_round_closing(today: date, now: datetime | None = None) -> int:
    """Consenting members on the roll who have not voted, when the round closes within
    CLOSING_WITHIN_HOURS hours; due on the closing day, so once per round."""
    moment = now or timezone.now()
    rounds = Round.objects.filter(
        status=Round.Status.OPEN,
        closes_at__gt=moment,
        closes_at__lte=moment + timedelta(hours=CLOSING_WITHIN_HOURS),
    )
    return _plan_roll(
        rounds,
        Kind.ROUND_CLOSING,
        lambda r: timezone.localdate(r.closes_at),
        only_not_voted=True,
    )


def plan_results_out(today: date) -> int:
    """Every consenting member on the roll of a counted round, counted in the last
    RESULTS_WITHIN_DAYS days; due on the counting day."""
    since = timezone.make_aware(
        datetime.combine(today - timedelta(days=RESULTS_WITHIN_DAYS), datetime.min.time())
    )
    rounds = Round.objects.filter(status=Round.Status.COUNTED).filter(
        Q(result__counted_at__gte=since) | Q(result__isnull=True, closes_at__gte=since)
    )
    rounds = rounds.select_related("result")

    def counted_on(round_: Any) -> date:
        result = getattr(round_, "result", None)
        return timezone.localdate(result.counted_at if result else round_.closes_at)

    return _plan_roll(rounds, Kind.RESULTS_OUT, counted_on)


# What a teller does in each state of the round, and the day that step belongs to.
TELLER_STEPS: dict[str, tuple[str, Callable[[Round], datetime]]] = {
    Round.Status.DRAFT: ("agree", lambda r: r.opens_at),
    Round.Status.OPEN: ("words", lambda r: r.opens_at),
    Round.Status.CLOSED: ("count", lambda r: r.closes_at),
}


def plan_teller_duty(today: date) -> int:
    """Each teller with a step to take (agree before the round opens, see their words once it
    is open, enter them once it is closed), once per step; the count waits for them."""
    made = 0
    for teller in tellers_with_duties().filter(user__is_active=True).select_related("user"):
        step, day = TELLER_STEPS[teller.round.status]
        made += _plan(
            user=teller.user,
            kind=Kind.TELLER_DUTY,
            object_key=f"{step}:{teller.round_id}",
            due_on=timezone.localdate(day(teller.round)),
        )
    return made


def hotspots_under_coverage(today: date) -> bool:
    """Whether any hotspot was reached below COVERAGE_ALERT of its estimate in the last full
    month (coverage is a monthly figure; the month under way would always look low)."""
    last_month = today.replace(day=1) - timedelta(days=1)
    figure = coverage(Period.month(last_month.year, last_month.month), Filters())
    return bool(hotspots_below_alert(figure))


def plan_coverage_alert(today: date) -> int:
    """On Mondays, each coordinator gets one alert (no hotspot named) if any is under."""
    if today.weekday() != 0 or not hotspots_under_coverage(today):
        return 0
    made = 0
    for coordinator in _active("is_coordinator"):
        made += _plan(user=coordinator, kind=Kind.COVERAGE_ALERT, object_key="", due_on=today)
    return made


def plan_monthly_report(today: date) -> int:
    """On the first of the month, each coordinator."""
    if today.day != 1:
        return 0
    made = 0
    for coordinator in _active("is_coordinator"):
        made += _plan(user=coordinator, kind=Kind.MONTHLY_REPORT, object_key="", due_on=today)
    return made


def _tell(reports: QuerySet[Report], mark: str, kind: str, prefix: str, who: Any) -> int:
    """For each report not yet `mark`ed, one reminder to each of `who(report)`, then the mark,
    in one transaction per report (a crash in between plans nothing twice: reminders are
    unique)."""
    made = 0
    for report in reports.filter(**{f"{mark}__isnull": True}).order_by("pk"):
        with transaction.atomic():
            for user in who(report):
                made += _plan(
                    user=user,
                    kind=kind,
                    object_key=f"{prefix}:{report.pk}",
                    due_on=timezone.localdate(report.circulated_at or report.created_at),
                )
            Report.objects.filter(pk=report.pk).update(**{mark: timezone.now()})
    return made


def plan_safety(today: date) -> int:
    """Alerts to the members and workers of the hotspot once two moderators approved; reports
    to the moderators as they arrive; a request for support to the reporter's workers. Run every
    minute with the dispatch (an alert should not wait for tomorrow) and daily with the rest."""
    return (
        _tell(
            safety_selectors.live_alerts(),
            "alert_planned_at",
            Kind.SAFETY_ALERT,
            "alert",
            safety_selectors.alert_recipients,
        )
        + _tell(
            Report.objects.filter(status=Report.Status.WAITING),
            "moderation_planned_at",
            Kind.SAFETY_MODERATION,
            "report",
            safety_selectors.moderators_for,
        )
        + _tell(
            Report.objects.filter(wants_support=True),
            "support_planned_at",
            Kind.SAFETY_SUPPORT,
            "report",
            safety_selectors.supporters_for,
        )
    )


PLANS: tuple[Callable[[date], int], ...] = (
    plan_daily_list,
    plan_referral_follow_up,
    plan_not_seen,
    plan_round_opened,
    plan_round_closing,
    plan_results_out,
    plan_teller_duty,
    plan_coverage_alert,
    plan_monthly_report,
    plan_safety,
)


def plan_all(today: date | None = None) -> dict[str, int]:
    """Run every plan; how many new reminders each made."""
    day = today or timezone.localdate()
    return {plan.__name__: plan(day) for plan in PLANS}
