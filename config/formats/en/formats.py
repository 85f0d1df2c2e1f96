"""Dates in English as the GOV.UK style writes them (7 December 2026, 15:07): one format on every
page, as Spanish and French have with Django's own formats. Anything not set here is Django's."""

DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
