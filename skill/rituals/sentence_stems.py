"""Sentence stems: three beginnings, each finished by both partners in turn; who starts alternates from stem to stem."""

from __future__ import annotations

from typing import Any

from skill.engine.turn import Turn
from skill.engine.turns import Step, TurnTaking


class SentenceStems(TurnTaking):
    name = "sentence_stems"
    intents = frozenset({"SentenceStemsIntent"})

    def steps(self, turn: Turn, state: dict[str, Any]) -> list[Step]:
        settings = turn.section.settings
        seconds = float(settings["turn_seconds"])
        steps = []
        for number, stem in enumerate(settings["stems"]):
            opener = number % 2
            steps.append(Step(stem, opener, seconds, part=number))
            steps.append(Step(stem, 1 - opener, seconds, part=number, cue=True))  # a chime once both have finished it
        return steps


RITUAL = SentenceStems()
