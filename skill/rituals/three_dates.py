"""The three dates: a fun, a business and a connection date for the week, proposed in turns by alternating partners.

Keeping money, chores and family logistics on a date of their own leaves the connection date free for the
heart-to-heart. Nothing the couple decides is stored. Durable state, under household.rituals["three_dates"]:
{"week": "2026-W47"}, the ISO week (on the couple's clock) of the latest run, so a second run that week is
introduced as a check of the plan rather than a fresh start. Read and written only here (`planned_week`, `note_week`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from skill.engine.script import Segment, narrate
from skill.engine.trend import week_key
from skill.engine.turn import Turn
from skill.engine.turn_place import Place, with_extras
from skill.engine.turn_taking import Step, TurnTaking
from skill.household import Household

NAME = "three_dates"
# In this order; the first and third are proposed by whoever goes first this run, the second by the other.
DATES = ("fun", "business", "connection")


def planned_week(household: Household) -> str | None:
    """The ISO week of the latest run, as stored (None when there is none, or it is damaged)."""
    note = household.rituals.get(NAME)
    week = note.get("week") if isinstance(note, dict) else None
    return week if isinstance(week, str) else None


def note_week(household: Household, week: str) -> None:
    household.rituals[NAME] = {"week": week}


class ThreeDatesPlace(Place):
    """The turn engine's place, and whether they had already planned this week when the run began (stored as
    "again"; None in a place that never said)."""

    again: bool | None = None

    @classmethod
    def read_extras(cls, stored: Mapping[str, Any], shared: Place) -> ThreeDatesPlace:
        again = stored.get("again")
        return with_extras(shared, cls, again=again if isinstance(again, bool) else None)

    def stored_extras(self) -> dict[str, Any]:
        return {} if self.again is None else {"again": self.again}


class ThreeDates(TurnTaking[ThreeDatesPlace]):
    name = NAME
    intents = frozenset({"ThreeDatesIntent"})
    place_type = ThreeDatesPlace

    def steps(self, turn: Turn, place: ThreeDatesPlace) -> list[Step]:
        seconds = float(turn.section.settings["turn_seconds"])
        # One date a part, so a paced response never stops halfway through one; a chime once it is agreed.
        return [Step(key, number % 2, seconds, part=number, cue=True) for number, key in enumerate(DATES)]

    def prepare(self, turn: Turn, place: Place) -> ThreeDatesPlace:
        """Whether they already planned this week (a start over keeps the run's answer), and this week noted."""
        week = week_key(turn.local_now.date())
        previous = self._place(turn)
        again = previous.again if previous is not None else None
        if again is None:
            again = planned_week(turn.household) == week
        note_week(turn.household, week)
        return with_extras(place, ThreeDatesPlace, again=again)

    def opening(self, turn: Turn, place: ThreeDatesPlace) -> list[Segment]:
        return [narrate(turn.line("again_this_week"))] if place.again else []


RITUAL = ThreeDates()
