"""Fictional demo data for `make run`. Safe to run twice: existing rows are left as they are."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import NAMESPACE_URL, uuid5

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from common.periods import last_full_month, months_later
from demo.safety import safety_reports
from demo.year import report_mappings, year_of_activity
from members import services
from members.models import Assignment, Employment, Hotspot, Person, Typology, User
from members.uic import uic_hash
from monitoring import services_feedback, snapshots
from monitoring.indicators import Filters
from monitoring.models import Complaint, Feedback, Place, Rating
from outreach import services as outreach_services
from outreach.models import (
    GroupActivity,
    Partner,
    Referral,
    RiskAssessment,
    RiskFactor,
    SizeEstimate,
    ZeroReport,
)
from programmes import services as programme_services
from programmes.models import (
    BudgetLine,
    Comment,
    Follow,
    Need,
    Option,
    Programme,
    ProgrammeActivity,
    Result,
    Round,
    SignUp,
    Stage,
    Support,
    Teller,
    Update,
)
from reminders.outbox import dispatch_due
from reminders.planning import plan_all

# Shared by every demo login and printed in the README: demo mode only, never real people.
DEMO_PASSWORD = "demo-password-2026"  # noqa: S105

HOTSPOTS = [
    ("Riverside market", "North district", Typology.STREET),
    ("Blue Door lounge", "Old town", Typology.VENUE),
    ("Hillside flats", "East district", Typology.HOME_BASED),
    ("Chat groups", "Online", Typology.ONLINE),
]

# username -> role flags
LOGINS: dict[str, dict[str, bool]] = {
    "admin": {"is_superuser": True, "is_staff": True},
    "coordinator": {"is_coordinator": True, "is_member": True},
    "worker.river": {"is_outreach_worker": True, "is_member": True},
    "worker.hill": {"is_outreach_worker": True, "is_member": True, "is_moderator": True},
    "worker.online": {"is_outreach_worker": True, "is_member": True},
    "member.sun": {"is_member": True},
    "member.moon": {"is_member": True, "is_moderator": True},
    "member.star": {"is_member": True, "is_moderator": True},
}

ASSIGNMENTS = {
    "worker.river": ["Riverside market", "Blue Door lounge"],
    "worker.hill": ["Hillside flats"],
    "worker.online": ["Chat groups"],
}

# Code (as typed, normalised by members.uic), nickname, hotspot, age band, registering worker,
# login. The README gives the first code so a visitor can try "Find by code".
PEOPLE = [
    ("SUNO0199", "Sunflower", "Riverside market", "25-34", "worker.river", "member.sun"),
    ("MOLA0292", "Moonbeam", "Riverside market", "35-44", "worker.river", "member.moon"),
    ("STRI0300", "Starfish", "Hillside flats", "18-24", "worker.hill", "member.star"),
    ("PEBA0188", "Pebble", "Blue Door lounge", "45+", "worker.river", None),
    ("WIRO0297", "Willow", "Hillside flats", "25-34", "worker.hill", None),
    ("CLOU0195", "Cloud", "Chat groups", "25-34", "worker.online", None),
    # Same nickname, hotspot and age band as Willow: shows the duplicate review queue.
    ("WIMA0497", "Willow", "Hillside flats", "25-34", "worker.hill", None),
    # The coordinator and the outreach workers are community members too, each registered at
    # a hotspot they do not cover: with the three members, seven on a round's list of voters.
    ("COLA0186", "Coral", "Chat groups", "35-44", "worker.online", "coordinator"),
    ("REFI0291", "Reed", "Hillside flats", "25-34", "worker.hill", "worker.river"),
    ("HEMO0394", "Heather", "Riverside market", "35-44", "worker.river", "worker.hill"),
    ("OLSA0198", "Olive", "Blue Door lounge", "18-24", "worker.river", "worker.online"),
]

# username, role, community member, monthly pay (None: volunteer), hours a week, started, ended.
# worker.hill volunteered first, then took a paid post: one ended post shows turnover.
POSTS = [
    ("coordinator", Employment.Role.COORDINATOR, True, "1400.00", 40, date(2024, 1, 8), None),
    ("worker.river", Employment.Role.OUTREACH_WORKER, True, "950.00", 30, date(2024, 3, 4), None),
    (
        "worker.hill",
        Employment.Role.OUTREACH_WORKER,
        True,
        None,
        10,
        date(2024, 3, 4),
        date(2024, 8, 31),
    ),
    ("worker.hill", Employment.Role.OUTREACH_WORKER, True, "950.00", 30, date(2024, 9, 2), None),
    ("worker.online", Employment.Role.OUTREACH_WORKER, True, "800.00", 24, date(2025, 2, 3), None),
    ("staff.liaison", Employment.Role.OTHER, False, "1250.00", 20, date(2024, 6, 3), None),
]

HOTSPOT_DETAILS = {
    "Riverside market": (
        "Tuesday to Saturday, 20:00 to 02:00",
        "Work in pairs after midnight. When patrols pass, leave and meet again the next day.",
    ),
    "Blue Door lounge": (
        "Thursday to Sunday, 22:00 to 04:00",
        "The manager welcomes outreach: ask at the bar first. No leaflets on the tables.",
    ),
    "Hillside flats": (
        "Every day, by appointment",
        "Phone first and visit only when invited; never knock unannounced.",
    ),
    "Chat groups": ("Evenings, online", "Use the organization's phone only."),
}
# hotspot, number, estimated on, source: Riverside has two, to show the history.
ESTIMATES = [
    ("Riverside market", 45, date(2025, 3, 10), "Mapping by peers"),
    ("Riverside market", 52, date(2025, 9, 15), "Mapping by peers"),
    ("Blue Door lounge", 18, date(2025, 9, 15), "Count with the venue manager"),
    ("Hillside flats", 30, date(2025, 6, 2), "Peer referral chain"),
    ("Chat groups", 60, date(2025, 8, 20), "Active members of the groups"),
]
PARTNERS = [  # name, kind, services, opening hours, area
    (
        "Harbour health clinic",
        "health",
        ["hiv_test", "sti_checkup", "prep", "pep", "art"],
        "Monday to Friday, 9:00 to 17:00",
        "North district",
    ),
    (
        "Lantern legal aid",
        "legal",
        ["legal_aid", "violence_support"],
        "Tue and Thu, 10-16",
        "Old town",
    ),
    (
        "Open Door community centre",
        "community",
        ["mental_health", "social_protection"],
        "Every day, 12:00 to 20:00",
        "East district",
    ),
]
# nickname, worker, days ago, kind, male, female, lubricant, kits, stated need, clients a week,
# topics, violence reported. Moonbeam, Willow and Cloud end up due on My week.
CONTACTS = [
    ("Sunflower", "worker.river", 3, "one_to_one", 30, 0, 10, 1, 30, 8, ["prep", "testing"], False),
    ("Sunflower", "worker.river", 35, "one_to_one", 20, 0, 5, 0, 30, None, ["condom_use"], False),
    ("Moonbeam", "worker.river", 10, "phone", 0, 0, 0, 0, None, None, ["rights"], False),
    ("Pebble", "worker.river", 2, "one_to_one", 40, 4, 10, 0, None, 10, ["violence"], True),
    ("Starfish", "worker.hill", 6, "one_to_one", 10, 5, 5, 1, 20, None, ["mental_health"], False),
    ("Willow", "worker.hill", 50, "one_to_one", 12, 0, 4, 0, 12, 3, ["community"], False),
    ("Cloud", "worker.online", 4, "online", 0, 0, 0, 1, None, None, ["testing", "prep"], False),
    # Staff who are members were met this month too: none of them is due on My week.
    ("Coral", "worker.online", 8, "one_to_one", 0, 0, 0, 0, None, None, ["community"], False),
    ("Reed", "worker.hill", 9, "one_to_one", 10, 0, 5, 0, None, None, ["testing"], False),
    ("Heather", "worker.river", 6, "one_to_one", 10, 0, 5, 0, None, None, ["prep"], False),
    ("Olive", "worker.river", 11, "one_to_one", 0, 0, 0, 0, None, None, ["rights"], False),
]
# nickname, partner, service, worker, made (days ago), attended (days after made) or None, then
# an outcome text, "lost" (three tracing attempts), or tracing attempts (days after, how, result).
REFERRALS: list[tuple[Any, ...]] = [
    ("Sunflower", "Harbour health clinic", "prep", "worker.river", 20, 5, "Next visit booked"),
    (
        "Moonbeam",
        "Harbour health clinic",
        "sti_checkup",
        "worker.river",
        12,
        None,
        [(8, "phone", "not_reached"), (10, "in_person", "reached")],
    ),
    ("Pebble", "Lantern legal aid", "legal_aid", "worker.river", 3, None, None),
    ("Starfish", "Open Door community centre", "mental_health", "worker.hill", 30, 10, None),
    ("Willow", "Harbour health clinic", "hiv_test", "worker.hill", 45, None, "lost"),
    ("Cloud", "Harbour health clinic", "hiv_test", "worker.online", 9, None, None),
]
# title, kind, days from today, hotspot (None: whole community), facilitator, others, attendees
ACTIVITIES = [
    (
        "Monthly community meeting",
        "meeting",
        -20,
        None,
        "coordinator",
        4,
        ["Sunflower", "Starfish", "Cloud"],
    ),
    (
        "Tuesday support group",
        "support_group",
        -12,
        "Riverside market",
        "worker.river",
        2,
        ["Sunflower", "Moonbeam", "Pebble"],
    ),
    (
        "Know your rights training",
        "training",
        -5,
        "Hillside flats",
        "worker.hill",
        1,
        ["Starfish", "Willow"],
    ),
    ("Online peer circle", "support_group", -3, "Chat groups", "worker.online", 0, ["Cloud"]),
    ("Priorities discussion", "meeting", 7, None, "coordinator", 0, []),
]

# title, category, author, details, show the name, supporters. A need "raised" by an outreach
# worker was written down in a meeting for a member who gave no name; "<member> via <worker>"
# was written down by the worker for a member of their hotspot who agreed to be named.
NEEDS = [
    (
        "Safe place to rest between shifts",
        "safety",
        "member.sun",
        "Somewhere warm near the market at night.",
        False,
        ["member.moon", "member.star"],
    ),
    (
        "Lawyer who helps after an arrest",
        "rights",
        "member.moon",
        "",
        True,
        ["member.sun", "member.star"],
    ),
    ("Free lubricant at the drop-in", "health", "member.star", "", False, ["member.sun"]),
    (
        "Evening hours at the clinic",
        "health",
        "worker.hill",
        "Raised at the Thursday meeting.",
        False,
        ["member.star"],
    ),
    (
        "Women-only hours at the drop-in",
        "safety",
        "member.moon via worker.river",
        "",
        True,
        ["member.sun"],
    ),
]
# title, opens in (days), budget, options: (title, plain words, pictogram, cost), tellers:
# (username, has agreed, has seen their words). 2 tellers are needed to count each round. In the
# open round the coordinator and member.sun have still to see their words ("See your words" on
# Menu → Vote on priorities); in the round being prepared worker.hill and member.moon have still
# to agree.
ROUNDS: list[tuple[Any, ...]] = [
    (
        "Our priorities this season",
        0,
        None,
        [
            ("Legal aid clinic", "A lawyer who listens, once a week.", "scales", None),
            ("Safer rides home", "Rides home after late work.", "shield", None),
            ("Peer health checks", "Check-ups with people we trust.", "heart", None),
            ("Emergency fund", "Small help when money runs out.", "coins", None),
        ],
        [("coordinator", True, False), ("worker.river", True, True), ("member.sun", True, False)],
    ),
    (
        "Next season's budget",
        14,
        Decimal("3000"),
        [
            (
                "Drop-in evenings",
                "A safe place to meet, two evenings a week.",
                "people",
                Decimal("1800"),
            ),
            ("Phone credit", "Credit on your phone to call for help.", "phone", Decimal("900")),
            (
                "Know your rights",
                "Short sessions about the law and the police.",
                "book",
                Decimal("700"),
            ),
        ],
        [
            ("coordinator", True, False),
            ("worker.hill", False, False),
            ("member.moon", False, False),
        ],
    ),
]
# The counted past round's tellers: all three agreed and saw their words; the first two entered
# them for the count.
PAST_TELLERS = ["coordinator", "member.moon", "worker.hill"]
TELLERS_NEEDED = 2


class Command(BaseCommand):
    help = "Create fictional hotspots, people and demo logins (demo mode only; safe to run twice)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_MODE:
            raise CommandError("seed_demo needs DEMO_MODE=true: it creates known passwords.")
        created = 0
        with transaction.atomic():
            hotspots = {}
            for name, area, typology in HOTSPOTS:
                hotspots[name], new = Hotspot.objects.get_or_create(
                    name=name, defaults={"area": area, "typology": typology}
                )
                created += new
            users = {}
            for username, flags in LOGINS.items():
                users[username], new = User.objects.get_or_create(username=username, defaults=flags)
                if new:
                    users[username].set_password(DEMO_PASSWORD)
                    users[username].save(update_fields=["password"])
                created += new
            for username, names in ASSIGNMENTS.items():
                for name in names:
                    _, new = Assignment.objects.get_or_create(
                        worker=users[username], hotspot=hotspots[name]
                    )
                    created += new
            for code, nickname, hotspot, age_band, worker, login in PEOPLE:
                if Person.objects.filter(uic_hash=uic_hash(code)).exists():
                    continue
                person = services.person_register(
                    actor=users[worker],
                    uic_hash=uic_hash(code),
                    nickname=nickname,
                    hotspot=hotspots[hotspot],
                    age_band=age_band,
                    typology=hotspots[hotspot].typology,
                    is_member=login is not None,
                    user=users[login] if login else None,
                )
                if login:
                    services.consent_set(person=person, purpose="voting", given=True)
                created += 1
            # A post holder who never logs in in the demo.
            users["staff.liaison"], new = User.objects.get_or_create(username="staff.liaison")
            if new:
                users["staff.liaison"].set_unusable_password()
                users["staff.liaison"].save(update_fields=["password"])
            for username, role, community, pay, hours, started, ended in POSTS:
                _, new = Employment.objects.get_or_create(
                    user=users[username],
                    role=role,
                    started_on=started,
                    defaults={
                        "is_community_member": community,
                        "is_paid": pay is not None,
                        "monthly_pay": Decimal(pay) if pay else None,
                        "hours_per_week": hours,
                        "ended_on": ended,
                    },
                )
                created += new
            created += self.outreach(users, hotspots)
            created += year_of_activity(users, hotspots)
            created += report_mappings()
            created += self.programmes(users)
            created += self.feedback(users)
            created += safety_reports(users, hotspots)
        # What the daily job and the dispatcher would do: the inboxes show today's reminders.
        created += sum(plan_all().values())
        dispatch_due()
        # The dashboard's default view opens at once; beat keeps it fresh (monitoring.snapshots).
        snapshots.compute_now(last_full_month(timezone.localdate()), Filters())
        self.stdout.write(f"Demo data ready ({created} new rows).")

    def outreach(self, users: dict[str, User], hotspots: dict[str, Hotspot]) -> int:
        """Hotspot details, partners, contacts, risk, referrals and group activities."""
        created = 0
        today = timezone.localdate()
        for name, (hours, notes) in HOTSPOT_DETAILS.items():
            hotspot = hotspots[name]
            if not hotspot.days_and_hours:
                hotspot.days_and_hours, hotspot.safety_notes = hours, notes
                hotspot.save(update_fields=["days_and_hours", "safety_notes"])
        for name, number, day, source in ESTIMATES:
            _, new = SizeEstimate.objects.get_or_create(
                hotspot=hotspots[name],
                estimated_on=day,
                defaults={"number": number, "source": source},
            )
            created += new
        partners = {}
        for name, kind, offered, hours, area in PARTNERS:
            partners[name], new = Partner.objects.get_or_create(
                name=name,
                defaults={"kind": kind, "services": offered, "opening_hours": hours, "area": area},
            )
            created += new
        # The first Willow is the real one: the later record is the duplicate under review.
        people = {
            p.nickname: p
            for p in Person.objects.filter(
                merged_into__isnull=True, erased_at__isnull=True
            ).order_by("-pk")
        }
        for n, (
            nick,
            worker,
            ago,
            kind,
            male,
            female,
            lube,
            kits,
            need,
            acts,
            topics,
            violence,
        ) in enumerate(CONTACTS):
            contact, new = outreach_services.contact_log(
                worker=users[worker],
                person=people[nick],
                idempotency_key=uuid5(NAMESPACE_URL, f"demo-contact-{n}"),  # found again next time
                contacted_on=today - timedelta(days=ago),
                kind=kind,
                male_condoms=male,
                female_condoms=female,
                lubricant=lube,
                self_test_kits=kits,
                stated_monthly_need=need,
                weekly_acts=acts,
                topics=topics,
                needs_raised="",
                violence_reported=violence,
            )
            created += new
            if violence and new:
                outreach_services.incident_open(
                    worker=users[worker],
                    contact=contact,
                    kind="police",
                    notes="Fictional: asked about legal aid after a police check.",
                    follow_up_on=today + timedelta(days=outreach_services.VIOLENCE_FOLLOW_UP_DAYS),
                )
        factors = list(RiskFactor.objects.filter(is_active=True).order_by("position", "name"))
        for nick, worker, count in [
            ("Pebble", "worker.river", 4),
            ("Sunflower", "worker.river", 1),
        ]:
            if not RiskAssessment.objects.filter(person=people[nick]).exists():
                outreach_services.risk_assess(
                    actor=users[worker],
                    person=people[nick],
                    factors=factors[:count],
                    reassess_on=months_later(today, outreach_services.REASSESS_MONTHS),
                )
                created += 1
        for nick, partner_name, service, worker, ago, attended_after, then in REFERRALS:
            person, partner, actor = people[nick], partners[partner_name], users[worker]
            if Referral.objects.filter(person=person, partner=partner, service=service).exists():
                continue
            made_on = today - timedelta(days=ago)
            referral = outreach_services.referral_make(
                actor=actor, person=person, partner=partner, service=service, made_on=made_on
            )
            created += 1
            if attended_after is not None:
                outreach_services.referral_mark_attended(
                    actor=actor,
                    referral=referral,
                    attended_on=made_on + timedelta(days=attended_after),
                )
            if isinstance(then, str) and then != "lost":
                outreach_services.referral_record_outcome(
                    actor=actor,
                    referral=referral,
                    outcome=then,
                    outcome_on=made_on + timedelta(days=attended_after + 1),
                )
            attempts = (
                [
                    (7 + n * 3, how, "not_reached")
                    for n, how in enumerate(("phone", "message", "in_person"))
                ]
                if then == "lost"
                else then
                if isinstance(then, list)
                else []
            )
            for days, how, result in attempts:
                outreach_services.tracing_attempt_add(
                    actor=actor,
                    referral=referral,
                    method=how,
                    outcome=result,
                    attempted_on=made_on + timedelta(days=days),
                )
            if then == "lost":
                outreach_services.referral_mark_not_completed(actor=actor, referral=referral)
        for title, kind, days, place_name, facilitator, others, attendees in ACTIVITIES:
            activity, new = GroupActivity.objects.get_or_create(
                title=title,
                defaults={
                    "kind": kind,
                    "held_on": today + timedelta(days=days),
                    "hotspot": hotspots[place_name] if place_name else None,
                    "facilitator": users[facilitator],
                    "other_attendees": others,
                },
            )
            created += new
            for nick in attendees:
                created += outreach_services.attendance_add(
                    actor=users[facilitator], activity=activity, person=people[nick]
                )
        # worker.online covered Hillside flats before Chat groups: an ended assignment.
        _, new = Assignment.objects.get_or_create(
            worker=users["worker.online"],
            hotspot=hotspots["Hillside flats"],
            starts_on=date(2025, 2, 3),
            defaults={"ends_on": date(2025, 6, 30)},
        )
        created += new
        _, new = ZeroReport.objects.get_or_create(
            worker=users["worker.online"], day=today - timedelta(days=1)
        )
        return created + new

    def programmes(self, users: dict[str, User]) -> int:
        """Needs, an open round and one in preparation, a counted past round and its programmes."""
        created = 0
        for title, category, raised_by, details, named, supporters in NEEDS:
            author, _via, writer = raised_by.partition(" via ")
            if author.startswith("worker."):
                writer = author
            need, new = Need.objects.get_or_create(
                title=title,
                defaults={
                    "category": category,
                    "author": users[author],
                    "entered_by": users[writer] if writer else None,
                    "details": details,
                    "is_anonymous": not named,
                },
            )
            created += new
            for name in supporters:
                created += Support.objects.get_or_create(need=need, member=users[name])[1]
        Comment.objects.get_or_create(
            need=Need.objects.get(title="Safe place to rest between shifts"),
            author=users["member.moon"],
            text="The park is not safe after midnight.",
        )
        Need.objects.filter(
            title="Lawyer who helps after an arrest", status=Need.Status.OPEN
        ).update(status=Need.Status.SHORTLISTED)
        now = timezone.now()
        for title, opens_in, budget, options, tellers in ROUNDS:
            if Round.objects.filter(title=title).exists():
                continue
            opens_at = now + timedelta(days=opens_in) - timedelta(minutes=5)
            demo_round = programme_services.round_save(
                round=Round(
                    title=title,
                    question="What should we do first?",
                    opens_at=opens_at,
                    closes_at=opens_at + timedelta(days=14),
                    budget=budget,
                    min_turnout=5,
                    created_by=users["coordinator"],
                )
            )
            for option_title, words, pictogram, cost in options:
                programme_services.option_save(
                    option=Option(
                        round=demo_round,
                        title=option_title,
                        plain_text=words,
                        pictogram=pictogram,
                        cost=cost,
                    )
                )
            self.tellers_agree(
                demo_round,
                [users[name] for name, _agreed, _seen in tellers],
                agreeing=[name for name, agreed, _seen in tellers if agreed],
            )
            if opens_in == 0:
                # Opening freezes the roll (the seven demo logins with voting consent) and
                # seals each teller's words to their key.
                programme_services.round_open(round=demo_round, now=now)
                self.words_seen(demo_round, [name for name, _agreed, seen in tellers if seen])
            created += 1
        return created + self.past_round(users, now)

    @staticmethod
    def tellers_agree(demo_round: Round, tellers: list[User], *, agreeing: list[str]) -> None:
        """Name the round's tellers; those in `agreeing` agree with the demo password, as each
        would on their teller page."""
        named = programme_services.tellers_name(
            round=demo_round, users=tellers, needed=TELLERS_NEEDED
        )
        for teller in named:
            if teller.user.username in agreeing:
                programme_services.teller_accept(teller=teller, password=DEMO_PASSWORD)

    @staticmethod
    def words_seen(demo_round: Round, usernames: list[str]) -> list[str]:
        """These tellers see their words (once), in the order given."""
        tellers = {
            teller.user.username: teller
            for teller in Teller.objects.filter(
                round=demo_round, user__username__in=usernames
            ).select_related("user", "round")
        }
        return [
            programme_services.teller_share_reveal(teller=tellers[name], password=DEMO_PASSWORD)
            for name in usernames
        ]

    def past_round(self, users: dict[str, User], now: datetime) -> int:
        """A round voted and counted months ago, through the same path as any round (tellers
        agree, open, each teller sees their words, cast, close, two tellers enter their words
        and the ballots are decrypted, shuffled and counted), so its results and its list of
        trackers are real; then what became of it."""
        title = "Last year's priorities"
        if Round.objects.filter(title=title).exists():
            return 0
        opened = now - timedelta(days=120)
        past = programme_services.round_save(
            round=Round(
                title=title,
                question="What matters most to you this year?",
                opens_at=opened,
                closes_at=now - timedelta(days=106),
                min_turnout=5,
                created_by=users["coordinator"],
            )
        )
        specs = [
            ("Legal advice", "A lawyer who helps us, for free.", "scales"),
            ("A safe place to rest", "A room to rest between work. Safe and free.", "house"),
            ("Phone credit for peers", "So peers can call when someone is in danger.", "phone"),
        ]
        options = [
            programme_services.option_save(
                option=Option(round=past, title=t, plain_text=p, pictogram=pic)
            )
            for t, p, pic in specs
        ]
        legal, rest, phone = options
        self.tellers_agree(past, [users[u] for u in PAST_TELLERS], agreeing=PAST_TELLERS)
        # Opened then: the roll is the seven demo logins with voting consent.
        programme_services.round_open(round=past, now=opened + timedelta(minutes=5))
        words = self.words_seen(past, PAST_TELLERS)
        # What each chose: legal advice 6 approvals, a place to rest 5, phone credit 2.
        ballots = {
            "coordinator": [legal, rest],
            "worker.river": [legal, rest, phone],
            "worker.hill": [legal],
            "worker.online": [legal, rest],
            "member.sun": [rest, phone],
            "member.moon": [legal, rest],
            "member.star": [legal],
        }
        for day, (username, chosen) in enumerate(ballots.items(), start=1):
            programme_services.ballot_cast(
                round=past,
                member=users[username],
                choices=[option.pk for option in chosen],
                now=opened + timedelta(days=day),
            )
        programme_services.round_close(round=past)
        for given in words[:TELLERS_NEEDED]:
            programme_services.share_give(round=past, words=given)
        # The dates of then, where the services wrote today's.
        Teller.objects.filter(round=past).update(
            accepted_at=opened - timedelta(days=2), share_shown_at=opened + timedelta(hours=3)
        )
        Result.objects.filter(round=past).update(counted_at=past.closes_at + timedelta(hours=2))
        today = timezone.localdate()
        programme = programme_services.programme_create(
            programme=Programme(
                title="Legal advice nights",
                goal="Once a month, a lawyer we trust answers our questions at the drop-in.",
                priority=legal,
                lead=users["worker.river"],
                status=Programme.Status.RUNNING,
            )
        )
        stages = [
            (Stage.Kind.ASSESSMENT, 100, 80, 2, 9, ["member.sun", "member.moon"]),
            (Stage.Kind.DESIGN, 79, 60, 1, 6, ["member.star"]),
            (Stage.Kind.IMPLEMENTATION, 59, None, 0, 0, []),
        ]
        for kind, start, end, meetings, came, committee in stages:
            stage = programme.stages.get(kind=kind)
            stage.starts_on = today - timedelta(days=start)
            stage.ends_on = today - timedelta(days=end) if end else None
            stage.meetings_held, stage.members_attended = meetings, came
            programme_services.stage_save(stage=stage, committee=[users[u] for u in committee])
        ProgrammeActivity.objects.create(
            programme=programme,
            title="Find a lawyer who respects us",
            priority=legal,
            responsible=users["worker.river"],
            starts_on=today - timedelta(days=70),
            is_done=True,
        )
        ProgrammeActivity.objects.create(
            programme=programme,
            title="Advice night at the drop-in",
            priority=legal,
            responsible=users["worker.river"],
            starts_on=today + timedelta(days=9),
        )
        BudgetLine.objects.create(
            programme=programme, description="Lawyer's fee, 12 nights", amount=1200, priority=legal
        )
        BudgetLine.objects.create(programme=programme, description="Tea and snacks", amount=150)
        for u in ("member.sun", "member.star"):
            SignUp.objects.create(programme=programme, member=users[u])
        for u in ("member.sun", "member.moon"):
            Follow.objects.create(programme=programme, member=users[u])
        Update.objects.create(
            programme=programme,
            posted_by=users["coordinator"],
            posted_at=now - timedelta(days=65),
            text="We found a lawyer. She has helped peers before.",
        )
        programme_services.programme_create(
            programme=Programme(
                title="Rest room at the drop-in",
                goal="A quiet room with beds and lockers, open at night.",
                priority=rest,
                lead=users["worker.hill"],
            )
        )
        return 1

    def feedback(self, users: dict[str, User]) -> int:
        """Feedback and complaints: enough answers about the clinic for its scorecard, too few
        about legal aid (shown as "not enough answers yet"), and last month's for the dashboard."""
        if Feedback.objects.exists():
            return 0
        today = timezone.localdate()
        clinic = Partner.objects.get(name="Harbour health clinic")
        legal = Partner.objects.get(name="Lantern legal aid")
        river = Hotspot.objects.get(name="Riverside market")
        for days, respect, private, recommend in [
            (3, 3, 3, True),
            (10, 3, 2, True),
            (25, 2, 3, True),
            (40, 3, 3, None),
            (60, 1, 1, False),
            (90, 3, 3, True),
            (120, None, 3, True),
        ]:
            Feedback.objects.create(
                place=Place.PARTNER,
                partner=clinic,
                respect=respect,
                confidentiality=private,
                would_recommend=recommend,
                commodities_available=True,
                given_on=today - timedelta(days=days),
            )
        for days in (5, 15, 30):
            Feedback.objects.create(
                place=Place.PARTNER,
                partner=legal,
                respect=3,
                would_recommend=True,
                given_on=today - timedelta(days=days),
            )
        last_month_day = today.replace(day=1) - timedelta(days=10)
        for place, hotspot, respected, kept_private, waiting, recommend in [
            (Place.OUTREACH, river, Rating.GOOD, Rating.GOOD, Rating.OK, True),
            (Place.OUTREACH, river, Rating.GOOD, Rating.OK, Rating.GOOD, True),
            (Place.DROP_IN, None, Rating.GOOD, Rating.GOOD, Rating.GOOD, True),
            (Place.DROP_IN, None, Rating.BAD, None, Rating.OK, None),
        ]:
            Feedback.objects.create(
                place=place,
                hotspot=hotspot,
                respect=respected,
                confidentiality=kept_private,
                waiting_time=waiting,
                would_recommend=recommend,
                given_on=last_month_day,
            )
        services_feedback.complaint_create(
            person=getattr(users["member.sun"], "person", None),
            place=Place.PARTNER,
            partner=clinic,
            description="The receptionist asked about my work in front of everyone.",
        )
        closed = services_feedback.complaint_create(
            person=None,
            place=Place.DROP_IN,
            partner=None,
            description="The drop-in was closed on the day it should have been open.",
        )
        services_feedback.complaint_update(
            complaint=closed,
            actor=users["coordinator"],
            status=Complaint.Status.CLOSED,
            resolution="Opening days are now on the door and in the chat group.",
        )
        return 1
