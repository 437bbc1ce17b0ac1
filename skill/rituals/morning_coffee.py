"""Morning coffee: before the phones come out, one short prompt each, never one the couple heard the day before.

Durable state under household.rituals["morning_coffee"]: {"recent": [{"date": "YYYY-MM-DD", "prompts": [...]}]},
the prompt kinds of the last runs (today's and yesterday's), so tomorrow's prompts differ from today's.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from skill.engine.script import Reply, Segment
from skill.engine.turn import Turn
from skill.engine.turns import Step, TurnTaking

NAME = "morning_coffee"
# Runs remembered; a couple rarely has more than a couple of coffees a day.
KEPT_RUNS = 4


def _recent(turn: Turn) -> list[dict[str, Any]]:
    """The last runs' prompt kinds with their dates, tolerating anything malformed in storage."""
    state = turn.household.rituals.get(NAME)
    runs = state.get("recent") if isinstance(state, dict) else None
    if not isinstance(runs, list):
        return []
    return [
        run
        for run in runs
        if isinstance(run, dict) and isinstance(run.get("date"), str) and isinstance(run.get("prompts"), list)
    ]


def choose_prompts(turn: Turn) -> list[str]:
    """Two different prompt kinds, none heard today or yesterday (else none from the last run), and remember them."""
    kinds = [kind for kind in turn.section.settings["prompts"] if kind in turn.section.lines]
    today = turn.now.date()
    recent = _recent(turn)

    def heard_on_or_after(day: date) -> set[str]:
        return {str(p) for run in recent if run["date"] >= day.isoformat() for p in run["prompts"]}

    last_run = {str(p) for p in (recent[-1]["prompts"] if recent else [])}
    for heard in (heard_on_or_after(today - timedelta(days=1)), last_run, set()):
        fresh = [kind for kind in kinds if kind not in heard]
        if len(fresh) >= 2:
            break
    chosen = turn.rng.sample(fresh, 2)
    state = turn.household.rituals.get(NAME)
    state = state if isinstance(state, dict) else {}
    state["recent"] = [*recent, {"date": today.isoformat(), "prompts": chosen}][-KEPT_RUNS:]
    turn.household.rituals[NAME] = state
    return chosen


class MorningCoffee(TurnTaking):
    name = NAME
    intents = frozenset({"MorningCoffeeIntent"})

    def prepare(self, turn: Turn, state: dict[str, Any]) -> None:
        state["prompts"] = choose_prompts(turn)

    def _close(self, turn: Turn, speech: list[Segment], state: dict[str, Any] | None = None) -> Reply:
        """The coffee is done: counted, and on the third one Alexa offers a routine that starts it (once)."""
        from skill.engine import routine_offer

        routine_offer.count_run(turn, NAME)
        return routine_offer.after(turn, NAME, super()._close(turn, speech, state))

    def steps(self, turn: Turn, state: dict[str, Any]) -> list[Step]:
        prompts = state.get("prompts")
        kinds = list(turn.section.settings["prompts"])
        if not isinstance(prompts, list) or len(prompts) != 2 or not all(p in turn.section.lines for p in prompts):
            prompts = kinds[:2]  # content changed since this run began: any two prompts will do
        seconds = float(turn.section.settings["turn_seconds"])
        return [Step(prompts[0], 0, seconds, part=0, cue=True), Step(prompts[1], 1, seconds, part=1, cue=True)]


RITUAL = MorningCoffee()
