"""Morning coffee: before the phones come out, one short prompt each, never one the couple heard the day before.

Durable state under household.rituals["morning_coffee"]: {"recent": [{"date": "YYYY-MM-DD", "prompts": [...]}]},
the prompt kinds of the last runs (today's and yesterday's), so tomorrow's prompts differ from today's.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from skill.engine.narrator import menu
from skill.engine.script import Reply, Segment, narrate
from skill.engine.turn import Turn
from skill.engine.turn_place import Place, with_extras
from skill.engine.turn_taking import Step, TurnTaking
from skill.household import Household
from skill.intents import MORNING_GREETING as GOOD_MORNING
from skill.record import Record

NAME = "morning_coffee"
# Runs remembered; a couple rarely has more than a couple of coffees a day.
KEPT_RUNS = 4
# "Good morning" starts morning coffee only in the morning (the narrator's hours for suggesting it).


class Run(Record):
    """One morning's coffee: its date (YYYY-MM-DD) and the prompt kinds it asked."""

    date: str
    prompts: tuple[str, ...]


def recent_runs(household: Household) -> list[Run]:
    """The last runs, oldest first, tolerating anything malformed in storage."""
    state = household.peek_ritual(NAME)  # a look: the review reads it too
    runs = state.get("recent") if isinstance(state, dict) else None
    return [
        Run(run["date"], tuple(str(p) for p in run["prompts"]))
        for run in (runs if isinstance(runs, list) else [])
        if isinstance(run, dict) and isinstance(run.get("date"), str) and isinstance(run.get("prompts"), list)
    ]


def keep_runs(household: Household, runs: list[Run]) -> None:
    """Store the last KEPT_RUNS runs, beside anything else of the ritual's."""
    state = household.rituals.get(NAME)
    state = state if isinstance(state, dict) else {}
    state["recent"] = [{"date": run.date, "prompts": list(run.prompts)} for run in runs[-KEPT_RUNS:]]
    household.rituals[NAME] = state


def choose_prompts(turn: Turn) -> list[str]:
    """Two different prompt kinds, none heard today or yesterday (else none from the last run), and remember them."""
    kinds = [kind for kind in turn.section.settings["prompts"] if kind in turn.section.lines]
    today = turn.now.date()
    recent = recent_runs(turn.household)

    def heard_on_or_after(day: date) -> set[str]:
        return {p for run in recent if run.date >= day.isoformat() for p in run.prompts}

    last_run = set(recent[-1].prompts if recent else ())
    for heard in (heard_on_or_after(today - timedelta(days=1)), last_run, set()):
        fresh = [kind for kind in kinds if kind not in heard]
        if len(fresh) >= 2:
            break
    chosen = turn.rng.sample(fresh, 2)
    keep_runs(turn.household, [*recent, Run(today.isoformat(), tuple(chosen))])
    return chosen


class CoffeePlace(Place):
    """The turn engine's place, and the run's two prompt kinds (stored as "prompts"; empty in a damaged place)."""

    prompts: tuple[str, ...] = ()

    @classmethod
    def read_extras(cls, stored: Mapping[str, Any], shared: Place) -> CoffeePlace:
        prompts = stored.get("prompts")
        if not isinstance(prompts, list) or not all(isinstance(p, str) for p in prompts):
            prompts = []
        return with_extras(shared, cls, prompts=tuple(prompts))

    def stored_extras(self) -> dict[str, Any]:
        return {"prompts": list(self.prompts)} if self.prompts else {}


class MorningCoffee(TurnTaking[CoffeePlace]):
    name = NAME
    intents = frozenset({"MorningCoffeeIntent", GOOD_MORNING})
    place_type = CoffeePlace

    def start(self, turn: Turn) -> Reply:
        """A three-minute ritual is not what "good morning" at 8:30 pm asks for: then a greeting and the menu."""
        if turn.intent == GOOD_MORNING and not _morning(turn):
            examples = menu(turn)
            return Reply(
                speech=(narrate(turn.line("not_morning", examples=examples)),),
                reprompt=(narrate(turn.line("not_morning_again", examples=examples)),),
            )
        return super().start(turn)

    def prepare(self, turn: Turn, place: Place) -> CoffeePlace:
        return with_extras(place, CoffeePlace, prompts=tuple(choose_prompts(turn)))

    def _close(self, turn: Turn, speech: list[Segment], place: CoffeePlace | None = None) -> Reply:
        """The coffee is done: counted, and on the third one Alexa offers a routine that starts it (once)."""
        from skill.engine import routine_offer

        routine_offer.count_run(turn, NAME)
        return routine_offer.after(turn, NAME, super()._close(turn, speech, place))

    def steps(self, turn: Turn, place: CoffeePlace) -> list[Step]:
        prompts = list(place.prompts)
        kinds = list(turn.section.settings["prompts"])
        if len(prompts) != 2 or not all(p in turn.section.lines for p in prompts):
            prompts = kinds[:2]  # content changed since this run began: any two prompts will do
        seconds = float(turn.section.settings["turn_seconds"])
        return [Step(prompts[0], 0, seconds, part=0, cue=True), Step(prompts[1], 1, seconds, part=1, cue=True)]


def _morning(turn: Turn) -> bool:
    """Whether it is morning on the couple's clock: the hours in which the narrator suggests morning coffee."""
    hour = turn.local_now.hour
    slots = turn.content.section("narrator").settings.get("suggest_by_hour", [])
    return any(slot["ritual"] == NAME and int(slot["from"]) <= hour < int(slot["to"]) for slot in slots)


RITUAL = MorningCoffee()
