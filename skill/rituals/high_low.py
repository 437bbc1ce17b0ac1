"""High and low: one minute, each partner's best and hardest moment of the day; the smallest talking ritual."""

from __future__ import annotations

from skill.engine.turn import Turn
from skill.engine.turn_place import Place
from skill.engine.turn_taking import Step, TurnTaking


class HighLow(TurnTaking[Place]):
    name = "high_low"
    intents = frozenset({"HighLowIntent"})

    def steps(self, turn: Turn, place: Place) -> list[Step]:
        seconds = float(turn.section.settings["turn_seconds"])
        return [Step("high_low", 0, seconds, part=0, cue=True), Step("high_low", 1, seconds, part=0)]


RITUAL = HighLow()
