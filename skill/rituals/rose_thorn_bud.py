"""Rose, thorn, bud: each partner names a good thing, a hard thing and a hopeful thing; the other only listens."""

from __future__ import annotations

from skill.engine.turn import Turn
from skill.engine.turn_place import Place
from skill.engine.turn_taking import Step, TurnTaking

PARTS = ("rose", "thorn", "bud")


class RoseThornBud(TurnTaking[Place]):
    name = "rose_thorn_bud"
    intents = frozenset({"RoseThornBudIntent"})

    def steps(self, turn: Turn, place: Place) -> list[Step]:
        seconds = float(turn.section.settings["turn_seconds"])
        # Each partner names all three in a row; the chime marks the hand-over (clips are few per response).
        return [Step(key, speaker, seconds, part=speaker, cue=key == PARTS[-1]) for speaker in (0, 1) for key in PARTS]


RITUAL = RoseThornBud()
