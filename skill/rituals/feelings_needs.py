"""Feelings, needs and a request: each partner says "I feel..., I need..., would you...?" in a timed turn,
and the listener says the request back and answers yes, no, or "not that, but this".

The same two steps are a part of the gentle start (see skill/rituals/gentle_start.py), spoken from this
ritual's content. Nothing said is stored; only the place while in progress.
"""

from __future__ import annotations

from typing import Any

from skill.engine.turn import Turn
from skill.engine.turn_place import Place
from skill.engine.turn_taking import Step, TurnTaking

NAME = "feelings_needs"
ASK, ANSWER = "ask", "answer"


def request_steps(seconds: dict[str, Any], asker: int, part: int, *, last: bool = False) -> list[Step]:
    """`asker` makes a request and the other answers it; a chime between, and after unless it is the last turn."""
    return [
        Step(ASK, asker, float(seconds[ASK]), part=part, cue=True),
        Step(ANSWER, 1 - asker, float(seconds[ANSWER]), part=part, cue=not last),
    ]


class FeelingsNeeds(TurnTaking[Place]):
    name = NAME
    intents = frozenset({"FeelingsNeedsIntent"})

    def steps(self, turn: Turn, place: Place) -> list[Step]:
        seconds = turn.section.settings["seconds"]
        return [*request_steps(seconds, 0, part=0), *request_steps(seconds, 1, part=0, last=True)]


RITUAL = FeelingsNeeds()
