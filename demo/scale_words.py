"""The words of the fictional benchmark data (demo.scale): invented nicknames and places,
neutral notes. Nothing here is a real name, place or organisation."""

from __future__ import annotations

from members.models import Typology
from outreach.models import Partner, Service


def split_words(text: str) -> list[str]:
    """A long list of names, written as one text so that it stays readable."""
    return text.split()


NICKNAMES = split_words(
    "Amber Apricot Aster Birch Blossom Breeze Cedar Clover Comet Coral Daisy Dawn Ember Fern "
    "Finch Frost Gale Ginger Hazel Honey Iris Ivy Jade Juniper Kestrel Lark Lilac Lotus "
    "Maple Marigold Meadow Mint Misty Nova Olive Opal Orchid Pebble Pepper Pixie Plum Poppy "
    "Quartz Raven Robin Rosemary Saffron Sage Sky Sorrel Sparrow Storm Sunny Thistle Topaz "
    "Velvet Willow Wren Zephyr"
)
PLACE_WORDS = split_words(
    "Amber Blue Copper Golden Green Hidden Lantern Lower Moon Old Red Silver Star Upper Velvet"
)
PLACE_KINDS = {
    Typology.STREET: ["corner", "market", "bridge", "avenue", "station", "park"],
    Typology.VENUE: ["lounge", "bar", "club", "guesthouse", "karaoke"],
    Typology.HOME_BASED: ["flats", "courtyards", "terraces", "estate"],
    Typology.ONLINE: ["chat group", "forum", "app group"],
}
TYPOLOGY_WEIGHTS = {
    Typology.STREET: 35,
    Typology.VENUE: 25,
    Typology.HOME_BASED: 20,
    Typology.ONLINE: 20,
}
HOURS = [
    "Every evening, 20:00 to 02:00",
    "Thursday to Sunday, 22:00 to 04:00",
    "Every day, by appointment",
    "Weekdays, 11:00 to 18:00",
    "Evenings, online",
]
SAFETY_NOTES = [
    "Work in pairs after midnight.",
    "Ask at the bar before starting outreach.",
    "Phone first and visit only when invited.",
    "Use the organisation's phone only.",
    "Patrols on Fridays: come back the next day.",
]
PARTNER_SPECS = [
    (Partner.Kind.HEALTH, [Service.HIV_TEST, Service.STI_CHECKUP, Service.PREP, Service.ART]),
    (Partner.Kind.HEALTH, [Service.HIV_TEST, Service.PEP, Service.STI_CHECKUP]),
    (Partner.Kind.LEGAL, [Service.LEGAL_AID, Service.VIOLENCE_SUPPORT]),
    (Partner.Kind.HUMAN_RIGHTS, [Service.LEGAL_AID]),
    (Partner.Kind.SOCIAL_PROTECTION, [Service.SOCIAL_PROTECTION]),
    (Partner.Kind.COMMUNITY, [Service.MENTAL_HEALTH, Service.SOCIAL_PROTECTION]),
]
NEEDS_RAISED = [
    "Asks about PrEP refills.",
    "Wants a safer place to rest between shifts.",
    "Lost phone; needs the group's number again.",
    "Asks about evening clinic hours.",
    "Worried about rent this month.",
]
PERSON_NOTES = ["Prefers contact after 14:00.", "Speaks with peers first.", "Ask for Tuesday."]
OUTCOMES = ["Test done, result given", "Treatment started", "Advice given", "Next visit booked"]
FEEDBACK_COMMENTS = ["Staff were kind.", "Waited too long.", "No lubricant left.", "Felt safe."]
ROUND_OPTIONS = [
    ("Legal aid nights", "A lawyer who listens, once a week.", "scales", 1800),
    ("Safer rides home", "Rides home after late work.", "shield", 1500),
    ("Peer health checks", "Check-ups with people we trust.", "heart", 1200),
    ("Emergency fund", "Small help when money runs out.", "coins", 2000),
    ("Drop-in evenings", "A safe place to meet, two evenings a week.", "people", 1600),
    ("Phone credit", "Credit to call for help.", "phone", 700),
]
