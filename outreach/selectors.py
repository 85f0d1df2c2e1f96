"""My week's reads moved to outreach.selectors_week. Only members.reminder_planning still imports
these two from here: delete this module once it imports them from outreach.selectors_week."""

from __future__ import annotations

from outreach.selectors_week import due_people, people_not_seen

__all__ = ["due_people", "people_not_seen"]
