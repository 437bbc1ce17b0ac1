"""The stress map: each partner names their stressors, rates the heaviest 1-10, then says what would lighten it a point.

Only the ratings are remembered, under household.rituals["stress_map"]:
{"ratings": [{"date": "YYYY-MM-DD", "partner": 0 or 1, "rating": 1-10}, ...]}; the stressors never are.
At most `ratings_kept` ratings, none older than `ratings_kept_days`.
"""

from __future__ import annotations

from datetime import timedelta

from skill.engine.turn import Turn
from skill.engine.turn_place import Place
from skill.engine.turn_taking import Step, TurnTaking
from skill.household import Household
from skill.record import Record

NAME = "stress_map"


class Rated(Record):
    """One partner's heaviest stressor, rated 1-10 on a day (the stressor itself is never kept)."""

    date: str
    partner: int
    rating: int


def ratings(household: Household) -> list[Rated]:
    """The stored ratings, oldest first, leaving out anything malformed."""
    state = household.peek_ritual(NAME)  # a look: the review reads it too
    stored = state.get("ratings") if isinstance(state, dict) else None
    return [
        Rated(r["date"], r["partner"], r["rating"])
        for r in (stored if isinstance(stored, list) else [])
        if isinstance(r, dict)
        and isinstance(r.get("date"), str)
        and r.get("partner") in (0, 1)
        and isinstance(r.get("rating"), int)
    ]


def keep_ratings(household: Household, kept: list[Rated]) -> None:
    """Store `kept` as {"ratings": [{"date", "partner", "rating"}]}, beside anything else of the ritual's."""
    durable = household.rituals.get(NAME)
    durable = durable if isinstance(durable, dict) else {}
    durable["ratings"] = [{"date": r.date, "partner": r.partner, "rating": r.rating} for r in kept]
    household.rituals[NAME] = durable


class StressMap(TurnTaking[Place]):
    name = NAME
    intents = frozenset({"StressMapIntent"})

    def steps(self, turn: Turn, place: Place) -> list[Step]:
        seconds = float(turn.section.settings["turn_seconds"])
        steps = []
        for speaker in (0, 1):
            steps.append(Step("name", speaker, seconds, part=speaker, cue=True))
            steps.append(Step("rate", speaker, part=speaker, rating=True))
        steps.extend(Step("one_point", speaker, seconds, part=2, cue=True) for speaker in (0, 1))
        return steps

    def rated(self, turn: Turn, place: Place, partner: int, rating: int) -> Place:
        """Keep the rating with today's date; a second rating the same day replaces the first."""
        today = turn.now.date().isoformat()
        oldest = (turn.now.date() - timedelta(days=int(turn.section.settings["ratings_kept_days"]))).isoformat()
        kept = [
            r for r in ratings(turn.household) if r.date > oldest and not (r.date == today and r.partner == partner)
        ]
        kept.append(Rated(today, partner, rating))
        keep_ratings(turn.household, kept[-int(turn.section.settings["ratings_kept"]) :])
        return place


RITUAL = StressMap()
