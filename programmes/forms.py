from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from members.choices import offer_current
from members.models import User
from members.widgets import ISO_DATE
from programmes.models import (
    BudgetLine,
    Comment,
    Need,
    Option,
    Pictogram,
    Programme,
    ProgrammeActivity,
    Result,
    Round,
    Stage,
    Update,
)
from programmes.rules import NEED_ACTIVE, ROUND_OPTIONS_MAX, ROUND_TURNOUT_FLOOR
from programmes.selectors import counted_options
from programmes.services import members_to_name

# --- Needs -----------------------------------------------------------------------------------


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        # The worker knows them by their nickname; the need will show the username.
        return f"{obj.person.label} ({obj.username})"


class NeedForm(forms.ModelForm):
    """A need in a few words. An outreach worker (`worker` given) is writing one down at a
    meeting, or, if they are a member too, raising their own. At a meeting they may name a
    member of their hotspots, only if that member agreed; otherwise no name is shown at all."""

    MEETING, OWN = "meeting", "own"

    source = forms.ChoiceField(
        label=_("Whose need is it?"),
        choices=[
            (MEETING, _("Someone's, written down at a meeting")),
            (OWN, _("My own")),
        ],
        initial=MEETING,
        widget=forms.RadioSelect,
    )
    member = MemberChoiceField(
        queryset=User.objects.none(),
        required=False,
        label=_("The member it comes from"),
        empty_label=_("Nobody named"),
        help_text=_("Name someone only if they agree. With nobody named, no name is shown."),
    )
    agreed = forms.BooleanField(
        required=False, label=_("They agreed that I write this down in their name")
    )

    class Meta:
        model = Need
        fields = ["title", "category", "details", "is_anonymous"]
        labels = {
            "title": _("What is needed? A few words"),
            "category": _("What is it about?"),
            "details": _("More details (you can leave this empty)"),
            "is_anonymous": _("Hide my name"),
        }
        help_texts = {
            "is_anonymous": _(
                "Other members will not see your name. Only coordinators will see it."
            ),
        }
        widgets = {"details": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, worker: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if worker is None:
            for name in ("source", "member", "agreed"):
                del self.fields[name]
            return
        if not worker.is_member:
            del self.fields["source"]  # a worker who is not a member only writes down
        cast(forms.ModelChoiceField, self.fields["member"]).queryset = (
            members_to_name(worker).select_related("person").order_by("username")
        )
        self.fields["is_anonymous"].label = _("Hide the name from other members")
        self.fields["is_anonymous"].help_text = _("Coordinators still see it.")
        self.order_fields(["source", "member", "agreed", "title", "category", "details"])

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if "member" not in self.fields:
            return cleaned
        member, own = cleaned.get("member"), cleaned.get("source") == self.OWN
        if own and member is not None:
            self.add_error("member", _("For your own need, leave this as “Nobody named”."))
        elif member is not None and not cleaned.get("agreed"):
            self.add_error(
                "agreed",
                _("Tick this only if they agreed. If not, choose “Nobody named”."),
            )
        cleaned["at_meeting"] = not own
        return cleaned


class CommentForm(forms.ModelForm):
    class Meta:
        model = Comment
        fields = ["text", "is_anonymous"]
        labels = {"text": _("Your comment"), "is_anonymous": _("Hide my name")}
        help_texts = {
            "is_anonymous": _(
                "Other members will not see your name. Only coordinators will see it."
            ),
        }
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}


class HideForm(forms.Form):
    reason = forms.CharField(
        label=_("Why hide it?"),
        max_length=200,
        help_text=_("Only coordinators see this reason."),
    )


class NeedMergeForm(forms.Form):
    target = forms.ModelChoiceField(
        queryset=Need.objects.none(),
        label=_("Merge into which need?"),
        help_text=_("Its supports move there. A member who supported both counts once."),
    )

    def __init__(self, *args: Any, source: Need, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["target"]).queryset = (
            Need.objects.filter(status__in=NEED_ACTIVE)
            .exclude(pk=source.pk)
            .order_by("title", "pk")
        )


# --- Priority rounds and ballots -------------------------------------------------------------

LOCAL_DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class RoundForm(forms.ModelForm):
    """A priority round being prepared. The tie-break rule is not a field: it is the one the
    count applies (programmes.rules.round_tie_break), shown to everyone before voting."""

    class Meta:
        model = Round
        fields = [
            "title",
            "question",
            "opens_at",
            "closes_at",
            "max_choices",
            "budget",
            "min_turnout",
        ]
        widgets = {"opens_at": LOCAL_DATETIME, "closes_at": LOCAL_DATETIME}
        labels = {
            "title": _("Title"),
            "question": _("Question for members"),
            "opens_at": _("Opens at"),
            "closes_at": _("Closes at"),
            "max_choices": _("How many options each member may choose"),
            "budget": _("Budget to share (leave empty if none)"),
            "min_turnout": _("Fewest voters for the results to count"),
        }
        help_texts = {
            "question": _("In plain words, for example: What should we do first?"),
            "max_choices": _("Usually 3."),
            "budget": _("With a budget, each option has a cost and the money is shared fairly."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["min_turnout"].help_text = _(
            "Never under %(floor)d: with fewer, a vote could be guessed."
        ) % {"floor": ROUND_TURNOUT_FLOOR}

    def clean_max_choices(self) -> int:
        value = self.cleaned_data["max_choices"]
        # A member cannot choose more options than a ballot may have.
        if not 1 <= value <= ROUND_OPTIONS_MAX:
            raise ValidationError(
                _("Choose a number from 1 to %(max)d.") % {"max": ROUND_OPTIONS_MAX}
            )
        return value

    def clean_min_turnout(self) -> int:
        value = self.cleaned_data["min_turnout"]
        if value < ROUND_TURNOUT_FLOOR:
            raise ValidationError(
                _("At least %(floor)d.") % {"floor": ROUND_TURNOUT_FLOOR}, code="floor"
            )
        return value

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        opens, closes = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("The round must close after it opens."))
        return cleaned


class OptionForm(forms.ModelForm):
    """One option of a round: from a shortlisted need, or written here."""

    need = forms.ModelChoiceField(
        queryset=Need.objects.none(),
        required=False,
        label=_("From a shortlisted need"),
        empty_label=_("None: I write it below"),
        help_text=_("The title is taken from the need if you leave it empty."),
    )

    class Meta:
        model = Option
        fields = ["need", "title", "plain_text", "pictogram", "cost"]
        widgets = {"pictogram": forms.RadioSelect, "plain_text": forms.Textarea(attrs={"rows": 2})}
        labels = {
            "title": _("Title"),
            "plain_text": _("In plain words"),
            "pictogram": _("Picture"),
            "cost": _("Cost"),
        }
        help_texts = {"plain_text": _("One short sentence that someone who reads little gets.")}

    def __init__(self, *args: Any, round: Round, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.round = round
        cast(forms.ModelChoiceField, self.fields["need"]).queryset = Need.objects.filter(
            status=Need.Status.SHORTLISTED
        ).order_by("title", "pk")
        offer_current(self, "need")
        self.fields["title"].required = False
        cast(forms.ChoiceField, self.fields["pictogram"]).choices = [
            (
                value,
                format_html(
                    '<img class="pictogram-choice" src="{}" alt="" width="32" height="32"> {}',
                    static(f"icons/{value}.svg"),
                    label,
                ),
            )
            for value, label in Pictogram.choices
        ]
        if round.budget is None:
            del self.fields["cost"]
        else:
            self.fields["cost"].required = True

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        need = cleaned.get("need")
        if not cleaned.get("title"):
            if need is not None:
                cleaned["title"] = need.title[:120]
            else:
                self.add_error("title", _("Write a title, or choose a need."))
        return cleaned


CHOICE_ERRORS = {
    "required": _("Choose at least one."),
    "invalid_choice": _("One of the choices is not in this vote. Please choose again."),
}


class BallotForm(forms.Form):
    """The secret ballot: up to `max_choices` of the round's options. It validates only; the
    choices are kept nowhere but in the two POST bodies (vote -> confirm -> cast)."""

    choice = forms.TypedMultipleChoiceField(
        coerce=int, widget=forms.CheckboxSelectMultiple, error_messages=CHOICE_ERRORS
    )

    def __init__(self, *args: Any, round: Round, options: list[Option], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.round, self.options = round, options
        cast(forms.ChoiceField, self.fields["choice"]).choices = [
            (option.pk, option.title) for option in options
        ]
        self.fields["choice"].label = ngettext(
            "Choose %(max)d", "Choose up to %(max)d", round.max_choices
        ) % {"max": round.max_choices}

    def clean_choice(self) -> list[int]:
        picked = sorted(set(self.cleaned_data["choice"]))
        if len(picked) > self.round.max_choices:
            raise ValidationError(
                ngettext(
                    "You chose %(count)d. You can choose only %(max)d.",
                    "You chose %(count)d. You can choose up to %(max)d.",
                    self.round.max_choices,
                )
                % {"count": len(picked), "max": self.round.max_choices},
                code="too_many",
            )
        return picked

    def chosen(self) -> list[Option]:
        picked = set(self.cleaned_data["choice"])
        return [option for option in self.options if option.pk in picked]

    def ticked(self) -> set[str]:
        """The boxes to show ticked again: what was sent, valid or not."""
        if self.is_bound:
            return set(self["choice"].data)
        return {str(value) for value in self.initial.get("choice", [])}


class InPersonMarkForm(forms.Form):
    """A member gives a paper ballot at a meeting."""

    username = forms.CharField(label=_("Member's username"), max_length=150)
    assisted = forms.BooleanField(
        required=False,
        label=_("Someone helped them vote"),
        help_text=_("Only that help was given is kept: never who helped."),
    )

    def clean_username(self) -> User:
        member = User.objects.filter(
            username=self.cleaned_data["username"].strip(), is_member=True
        ).first()
        if member is None:
            raise ValidationError(_("No member has this username."), code="unknown")
        return member


class InPersonVoteForm(InPersonMarkForm):
    """A member votes at a meeting and their paper ballot is entered at once."""

    choice = forms.TypedMultipleChoiceField(
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages=CHOICE_ERRORS,
        label=_("What they chose, as on their paper"),
    )

    def __init__(self, *args: Any, round: Round, options: list[Option], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.round = round
        cast(forms.ChoiceField, self.fields["choice"]).choices = [
            (option.pk, f"{number}. {option.title}") for number, option in enumerate(options, 1)
        ]

    def clean_choice(self) -> list[int]:
        picked = sorted(set(self.cleaned_data["choice"]))
        if len(picked) > self.round.max_choices:
            raise ValidationError(
                _("At most %(max)d.") % {"max": self.round.max_choices}, code="too_many"
            )
        return picked


class PaperBallotsForm(forms.Form):
    """The paper ballots of the box, typed as the numbers of the options ticked on each."""

    papers = forms.CharField(
        label=_("Paper ballots, one line per paper"),
        help_text=_("The numbers of the options ticked on each paper, for example: 1 4 6"),
        widget=forms.Textarea(attrs={"rows": 6, "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, round: Round, options: list[Option], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.round, self.options = round, options

    def clean_papers(self) -> list[list[int]]:
        papers, problems = [], []
        for line_number, line in enumerate(self.cleaned_data["papers"].splitlines(), 1):
            words = line.replace(",", " ").split()
            if not words:
                continue
            numbers = [int(word) for word in words if word.isascii() and word.isdigit()]
            if len(numbers) != len(words) or not all(1 <= n <= len(self.options) for n in numbers):
                problems.append(
                    _("Line %(line)d: use only the numbers 1 to %(last)d.")
                    % {"line": line_number, "last": len(self.options)}
                )
            elif len(set(numbers)) != len(numbers) or len(numbers) > self.round.max_choices:
                problems.append(
                    _("Line %(line)d: each number once, at most %(max)d.")
                    % {"line": line_number, "max": self.round.max_choices}
                )
            else:
                papers.append(sorted(self.options[n - 1].pk for n in numbers))
        if problems:
            raise ValidationError(problems)
        if not papers:
            raise ValidationError(_("Type at least one paper ballot."))
        return papers


# --- Programmes ------------------------------------------------------------------------------


def peer_staff() -> QuerySet[User]:
    return User.objects.filter(
        Q(is_outreach_worker=True) | Q(is_coordinator=True), is_active=True
    ).order_by("username")


class PriorityField(forms.ModelChoiceField):
    """A voted priority, named with its round; those the count chose are marked."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Voted priority it serves"))
        kwargs.setdefault("empty_label", _("None"))
        super().__init__(queryset=counted_options(), required=False, **kwargs)
        chosen: set[str] = set()
        for selected in Result.objects.filter(round__status=Round.Status.COUNTED).values_list(
            "selected", flat=True
        ):
            chosen.update(str(pk) for pk in selected)
        self.chosen = chosen

    def label_from_instance(self, obj: Option) -> str:
        if str(obj.pk) in getattr(self, "chosen", ()):
            return _("%(option)s (%(round)s, chosen)") % {
                "option": obj.title,
                "round": obj.round.title,
            }
        return _("%(option)s (%(round)s)") % {"option": obj.title, "round": obj.round.title}


class ProgrammeForm(forms.ModelForm):
    """A programme and the voted priority it serves. Its status is changed once it exists."""

    class Meta:
        model = Programme
        fields = ["title", "goal", "priority", "lead", "status"]
        widgets = {"goal": forms.Textarea(attrs={"rows": 4})}
        labels = {
            "title": _("Title"),
            "goal": _("Goal"),
            "lead": _("Responsible peer staff"),
            "status": _("Status"),
        }
        help_texts = {
            "title": _("Short and plain: members read it on a phone."),
            "goal": _("What will be different for members when it is done."),
            "lead": _("An outreach worker or a coordinator."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["priority"] = PriorityField(
            help_text=_("The priority members voted for that this programme serves.")
        )
        cast(forms.ModelChoiceField, self.fields["lead"]).queryset = peer_staff()
        # A lead who has left since stays the lead until a coordinator chooses another.
        offer_current(self, "lead", "priority")
        if self.instance.pk is None:
            # A new programme is planned first.
            del self.fields["status"]


class StageForm(forms.ModelForm):
    """How the community took part in one stage: meetings, attendance and the committee."""

    class Meta:
        model = Stage
        fields = ["starts_on", "ends_on", "meetings_held", "members_attended", "committee"]
        widgets = {
            "starts_on": ISO_DATE,
            "ends_on": ISO_DATE,
            "meetings_held": forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
            "members_attended": forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
            "committee": forms.CheckboxSelectMultiple,
        }
        labels = {
            "starts_on": _("Starts on"),
            "ends_on": _("Ends on"),
            "meetings_held": _("Community meetings held"),
            "members_attended": _("Members who attended"),
            "committee": _("Members on the planning committee"),
        }
        help_texts = {
            "members_attended": _("Count each member once, even if they came to many meetings."),
            "committee": _("Other members see only how many; coordinators see who."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["committee"]).queryset = User.objects.filter(
            is_member=True, is_active=True
        ).order_by("username")
        # Someone on the committee who has since left stays listed, to be taken off.
        offer_current(self, "committee")

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        start, end = cleaned.get("starts_on"), cleaned.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("The end date must be on or after the start date."))
        if cleaned.get("members_attended") and cleaned.get("meetings_held") == 0:
            self.add_error(
                "meetings_held", _("Members attended, so at least one meeting was held.")
            )
        return cleaned


class ProgrammeActivityForm(forms.ModelForm):
    class Meta:
        model = ProgrammeActivity
        fields = ["title", "priority", "responsible", "starts_on", "is_done"]
        widgets = {"starts_on": ISO_DATE}
        labels = {
            "title": _("Activity"),
            "responsible": _("Responsible peer staff"),
            "starts_on": _("Starts on"),
            "is_done": _("Done"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["priority"] = PriorityField()
        responsible = cast(forms.ModelChoiceField, self.fields["responsible"])
        responsible.queryset = peer_staff()
        responsible.empty_label = _("Nobody yet")


class BudgetLineForm(forms.ModelForm):
    class Meta:
        model = BudgetLine
        fields = ["description", "amount", "priority"]
        widgets = {"amount": forms.NumberInput(attrs={"min": "0.01", "step": "0.01"})}
        labels = {"description": _("What the money is for"), "amount": _("Amount")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["priority"] = PriorityField(
            help_text=_("Leave empty if this money serves no voted priority.")
        )

    def clean_amount(self) -> Decimal | None:
        amount = self.cleaned_data["amount"]
        if amount is not None and amount <= 0:
            raise forms.ValidationError(_("Enter an amount above zero."))
        return amount


class UpdateForm(forms.ModelForm):
    class Meta:
        model = Update
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 5})}
        labels = {"text": _("News for members")}
        help_texts = {
            "text": _("Plain words. No names of members: everyone who follows can read it.")
        }


class TellersForm(forms.Form):
    """Who holds the round's key, and how many of them the count needs."""

    usernames = forms.CharField(
        label=_("Usernames of the tellers, one per line"),
        help_text=_("Members or staff you trust, usually 3. They may be at different places."),
        widget=forms.Textarea(attrs={"rows": 4, "autocomplete": "off", "spellcheck": "false"}),
    )
    needed = forms.IntegerField(
        label=_("How many of them must come to count the votes"),
        min_value=2,
        max_value=9,
        initial=2,
        help_text=_(
            "Usually 2 of 3, so one can be absent or lose their words. If fewer than this can "
            "come, the votes can never be counted and the round must be run again."
        ),
    )

    def clean_usernames(self) -> list[User]:
        names = list(dict.fromkeys(self.cleaned_data["usernames"].split()))
        users = {u.username: u for u in User.objects.filter(username__in=names, is_active=True)}
        unknown = [name for name in names if name not in users]
        if unknown:
            raise ValidationError(
                _("Nobody has these usernames: %(names)s") % {"names": ", ".join(unknown)},
                code="unknown",
            )
        return [users[name] for name in names]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        users, needed = cleaned.get("usernames"), cleaned.get("needed")
        if users is not None and needed is not None and not needed <= len(users) <= 9:
            self.add_error(
                "usernames",
                _("Name at least %(needed)d people and at most 9.") % {"needed": needed},
            )
        return cleaned


class PasswordForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class ShareForm(forms.Form):
    words = forms.CharField(
        label=_("The teller's words"),
        help_text=_("As written down: groups of 4 letters and numbers. Spaces do not matter."),
        widget=forms.Textarea(
            attrs={
                "rows": 3,
                "autocomplete": "off",
                "spellcheck": "false",
                "autocapitalize": "characters",
            }
        ),
    )
