"""Couples counselling, asked about ("ask our rituals about counselling"): what it is for, and where to look.

A plain answer, never a verdict on the couple: counselling framed as a routine tune-up, not a last resort.
Where to find one differs by country, so each locale's content says it. Nothing is stored, and a ritual in
progress keeps its place.
"""

from __future__ import annotations

from skill.engine.script import Reply, narrate
from skill.engine.turn import Turn


class Counselling:
    name = "counselling"
    intents = frozenset({"CounsellingIntent"})

    def start(self, turn: Turn) -> Reply:
        return Reply(
            speech=(narrate(turn.line("what_it_is")), narrate(turn.line("where")), narrate(turn.line("closing"))),
            end_session=True,
        )


RITUAL = Counselling()
