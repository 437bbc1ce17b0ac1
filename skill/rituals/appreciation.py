"""The two-minute appreciation: each names a trait and a recent action they value in the other, in timed turns."""

from __future__ import annotations

from skill.engine.turn import Turn
from skill.engine.turn_place import Place
from skill.engine.turn_taking import Step, TurnTaking


class Appreciation(TurnTaking[Place]):
    name = "appreciation"
    intents = frozenset({"AppreciationIntent"})

    def steps(self, turn: Turn, place: Place) -> list[Step]:
        seconds = float(turn.section.settings["turn_seconds"])
        # A chime after each partner's action: the turn changes hands.
        return [Step(key, who, seconds, part=who, cue=key == "action") for who in (0, 1) for key in ("trait", "action")]


RITUAL = Appreciation()
