"""The registry of personal data. Every model that refers to a person, directly or through
another model, is registered here with how its rows are found for one person, how they are shown
on My data and written to the download, and how erasure treats them. The page, the download and
erasure (members.services.person_erase) are built from this registry alone, so nothing can be
shown but not erased, or erased but not shown.

Each app registers its own models in its `personal_data` module, imported from its
AppConfig.ready() (members: `personal_data_members`); members imports no app above it. A model
that can reach a person but must not be registered (a secret ballot) is declared with `exempt()`
and a reason. tests/members/test_personal_data_registry.py walks every installed model and
fails on one that is neither. Registering a model is one call, here a row about a login that
erasure deletes:

    register(Follow, key="follows", label=_("Programmes you follow"), login="member",
             fields={"programme.title": _("Programme")}, erase=Delete())

`person=` and `login=` are lookups from the model to the Person or the login the row is about
("referral__person" reaches through another model); `staff=` names links to the staff member
who did the work; erasure is Delete(), wipe(field=value, says=...), Keep(reason) or Run(...).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

Label = str | Promise

# --- How erasure treats the rows of a registration ---------------------------------------------


DELETED = _("Deleted.")


@dataclass(frozen=True)
class Delete:
    """The rows are deleted: nothing else needs them."""

    says: Label = DELETED

    def apply(self, rows: QuerySet[Any]) -> None:
        rows.delete()


@dataclass(frozen=True)
class Wipe:
    """The rows stay (for counts, or because other rows depend on them) with the named fields
    overwritten. A value may be a callable, called at erasure (a fresh random hash, the time).
    `only` narrows the rows (consents still open)."""

    values: dict[str, Any]
    says: Label
    only: Q | None = None

    def apply(self, rows: QuerySet[Any]) -> None:
        if self.only is not None:
            rows = rows.filter(self.only)
        rows.update(**{name: v() if callable(v) else v for name, v in self.values.items()})


def wipe(*, says: Label, only: Q | None = None, **values: Any) -> Wipe:
    return Wipe(values=values, says=says, only=only)


@dataclass(frozen=True)
class Keep:
    """The rows stay as they are, for the reason given: never silently."""

    says: Label

    def apply(self, rows: QuerySet[Any]) -> None:
        return None


@dataclass(frozen=True)
class Run:
    """A function erases the rows, where a delete or an update is not enough (a session also
    lives in the session store)."""

    function: Callable[[QuerySet[Any]], None]
    says: Label

    def apply(self, rows: QuerySet[Any]) -> None:
        self.function(rows)


Erasure = Delete | Wipe | Keep | Run

# --- Registrations -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Registration:
    """One kind of record on My data: a model (or one view of it, the access log has two)."""

    key: str  # the section's anchor and its key in the download
    model: type[models.Model]
    label: Label
    # Field path ("partner.name" follows a link) -> label; choices show their display text.
    fields: dict[str, Label]
    erase: Erasure
    # Lookups from the model to the Person and to the login (User) a row is about.
    person: tuple[str, ...] = ()
    login: tuple[str, ...] = ()
    # Links to the staff member who did the work (logged the contact, made the referral): their
    # work, not data about them. Named so that the registry test knows each link was thought of.
    staff: tuple[str, ...] = ()
    # Values worked out from the row: name -> function of the row (the name goes in `fields`).
    computed: dict[str, Callable[[Any], Any]] = field(default_factory=dict)
    related: tuple[str, ...] = ()  # select_related for the computed values
    order_by: tuple[Any, ...] = ("-pk",)
    shown: int = 20  # rows on the page; the download holds all of them
    note: Label = ""  # a sentence under the heading
    empty: Label = ""  # shown when there are no rows; without it the section is left out
    # Rows found by something a lookup cannot say (the admin's log names objects by id).
    find: Callable[[list[int], Any], Q] | None = None

    def rows(self, people: list[int], login: Any) -> QuerySet[Any]:
        """The rows about these records of one person and their login (None: no login)."""
        conditions = [Q(**{f"{path}__in": people}) for path in self.person if people]
        if login is not None:
            conditions += [Q(**{path: login.pk}) for path in self.login]
        if self.find is not None:
            conditions.append(self.find(people, login))
        if not conditions:
            return self.model._default_manager.none()
        where = conditions[0]
        for condition in conditions[1:]:
            where |= condition
        return self.model._default_manager.filter(where)

    def ordered(self, people: list[int], login: Any) -> QuerySet[Any]:
        """The rows as shown: one query, with their links and many-to-many values."""
        joins, many = list(self.related), []
        for path in self.fields:
            if path in self.computed:
                continue
            *links, name = path.split(".")
            if links:
                joins.append("__".join(links))
            elif self._field(name).many_to_many:
                many.append(name)
        rows = self.rows(people, login).order_by(*self.order_by)
        return rows.select_related(*joins).prefetch_related(*many)

    def values(self, row: Any) -> dict[str, Any]:
        """The row's shown values by field path, as a person reads them."""
        return {path: self._value(row, path) for path in self.fields}

    def _value(self, row: Any, path: str) -> Any:
        if path in self.computed:
            return self.computed[path](row)
        *links, name = path.split(".")
        for link in links:
            row = getattr(row, link)
            if row is None:
                return None
        model_field = row._meta.get_field(name)
        if model_field.many_to_many:
            return [str(item) for item in getattr(row, name).all()]
        if model_field.choices:
            return getattr(row, f"get_{name}_display")()
        value = getattr(row, name)
        return str(value) if isinstance(value, models.Model) else value

    def _field(self, name: str) -> Any:
        try:
            return self.model._meta.get_field(name)
        except FieldDoesNotExist as exc:
            raise ImproperlyConfigured(f"{self.key}: {self.model} has no field {name}") from exc


REGISTRY: dict[str, Registration] = {}
EXEMPT: dict[type[models.Model], str] = {}


def _paths(value: str | tuple[str, ...]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else value


def register(
    model: type[models.Model],
    *,
    key: str,
    label: Label,
    fields: dict[str, Label],
    erase: Erasure,
    person: str | tuple[str, ...] = (),
    login: str | tuple[str, ...] = (),
    staff: str | tuple[str, ...] = (),
    **options: Any,
) -> None:
    """Add one kind of record to My data, its download and erasure."""
    if key in REGISTRY:
        raise ImproperlyConfigured(f"Personal data {key!r} is registered twice.")
    if not (person or login or options.get("find")):
        raise ImproperlyConfigured(f"{key}: say how a person's rows are found.")
    REGISTRY[key] = Registration(
        key=key,
        model=model,
        label=label,
        fields=fields,
        erase=erase,
        person=_paths(person),
        login=_paths(login),
        staff=_paths(staff),
        **options,
    )


def exempt(model: type[models.Model], *, reason: str) -> None:
    """A model that can reach a person but is deliberately not personal data (a secret ballot,
    a programme's own records): say why."""
    EXEMPT[model] = reason


# Steps an app runs before two records of one person are merged (members.services.person_merge
# then moves every row that points at the removed record): each clears what would break a rule
# of its own, such as attending one activity twice. Filled in by the apps' ready().
MergeStep = Callable[..., None]
MERGE_STEPS: list[MergeStep] = []


def before_merge(step: MergeStep) -> MergeStep:
    """Register `step(keep=..., remove=...)`, run in the merge's transaction with both records
    locked."""
    MERGE_STEPS.append(step)
    return step


# --- Reading and erasing one person's data -----------------------------------------------------


@dataclass
class Section:
    key: str
    label: Label
    note: Label
    empty: Label
    rows: list[list[tuple[Label, Any]]]
    more: bool  # the page shows the latest rows; the download holds all


def records_of(person: Any) -> list[int]:
    """One query: the person's record and those merged into it, which are them too."""
    if person is None:
        return []
    model = type(person)
    return list(
        model._default_manager.filter(Q(pk=person.pk) | Q(merged_into=person.pk)).values_list(
            "pk", flat=True
        )
    )


def _shown(value: Any) -> Any:
    return ", ".join(value) if isinstance(value, list) else value


def sections(*, person: Any, login: Any) -> list[Section]:
    """My data: one query per kind of record (plus one for many-to-many values), whatever
    the number of rows; kinds with no rows are left out unless they say what "none" means."""
    people = records_of(person)
    found = []
    for registration in REGISTRY.values():
        rows = list(registration.ordered(people, login)[: registration.shown + 1])
        if not rows and not registration.empty:
            continue
        shown = [
            [
                (registration.fields[path], _shown(value))
                for path, value in registration.values(row).items()
            ]
            for row in rows[: registration.shown]
        ]
        found.append(
            Section(
                key=registration.key,
                label=registration.label,
                note=registration.note,
                empty=registration.empty,
                rows=shown,
                more=len(rows) > registration.shown,
            )
        )
    return found


def export(*, person: Any, login: Any) -> dict[str, list[dict[str, Any]]]:
    """The download: every row of every kind, each value under its field path ("partner.name"
    becomes "partner_name")."""
    people = records_of(person)
    return {
        registration.key: [
            {path.replace(".", "_"): value for path, value in registration.values(row).items()}
            for row in registration.ordered(people, login)
        ]
        for registration in REGISTRY.values()
    }


def held(*, person: Any, login: Any) -> list[tuple[Label, Label]]:
    """What erasure would do to each kind of record this person has: (label, what happens)."""
    people = records_of(person)
    return [
        (registration.label, registration.erase.says)
        for registration in REGISTRY.values()
        if registration.rows(people, login).exists()
    ]


def erase(*, person: Any, login: Any) -> None:
    """Apply every registration's erasure to this person's rows. The caller holds the
    transaction and the person's row lock (members.services.person_erase)."""
    people = records_of(person)
    # Every set of rows is chosen before anything changes: the login's name, which the admin's
    # log is searched for, is about to be overwritten.
    plans = [(registration, registration.rows(people, login)) for registration in REGISTRY.values()]
    for registration, rows in plans:
        registration.erase.apply(rows)
