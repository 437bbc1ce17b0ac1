"""Sentence stems: three beginnings, each finished by both partners in turn; who starts alternates from stem to stem."""

from __future__ import annotations

from skill.engine.turn import Turn
from skill.engine.turn_place import Place
from skill.engine.turn_taking import Step, TurnTaking


class SentenceStems(TurnTaking[Place]):
    name = "sentence_stems"
    intents = frozenset({"SentenceStemsIntent"})

    def steps(self, turn: Turn, place: Place) -> list[Step]:
        settings = turn.section.settings
        seconds = float(settings["turn_seconds"])
        stems = settings["stems"]
        steps = []
        for number, stem in enumerate(stems):
            opener = number % 2
            last = number == len(stems) - 1
            steps.append(Step(stem, opener, seconds, part=number, cue=True))
            # A chime at every change of speaker. After the last turn the closing words follow instead, which
            # keeps the three stems inside one response (Alexa plays at most five sound clips in one).
            steps.append(Step(stem, 1 - opener, seconds, part=number, cue=not last))
        return steps


RITUAL = SentenceStems()
