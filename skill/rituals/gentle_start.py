"""Gentle start: a hard topic in five steps (soften, reflect, impact; then swap; one experiment; appreciation).

It opens with a few of the breathing ritual's slow breaths (content setting `opening_breaths`, 0 for none).
Paced, it is longer than one response: it pauses once, at the role swap when it can, and says so.
"""

from __future__ import annotations

from typing import Any

from skill.engine.script import Segment, host
from skill.engine.turn import Turn
from skill.engine.turns import Step, TurnTaking
from skill.rituals.breathe import breath_cues


class GentleStart(TurnTaking):
    name = "gentle_start"
    intents = frozenset({"GentleStartIntent"})

    def steps(self, turn: Turn, state: dict[str, Any]) -> list[Step]:
        seconds = {key: float(value) for key, value in turn.section.settings["seconds"].items()}
        # Every step hands over to someone else, so each ends with a chime; the last one is followed by the
        # closing words instead (and Alexa plays at most five sound clips in one response).
        steps = []
        for part, speaker in enumerate((0, 1)):  # the speaker of the first half listens in the second
            listener = 1 - speaker
            steps.append(Step("soften" if part == 0 else "soften_swap", speaker, seconds["soften"], part=part, cue=True))
            steps.append(Step("reflect", listener, seconds["reflect"], part=part, cue=True))
            steps.append(Step("impact", speaker, seconds["impact"], part=part, cue=True))
        steps.append(Step("experiment", None, seconds["experiment"], part=2, cue=True))
        steps.append(Step("appreciate", 0, seconds["appreciate"], part=3, cue=True))
        steps.append(Step("appreciate", 1, seconds["appreciate"], part=3))
        return steps

    def opening(self, turn: Turn, state: dict[str, Any]) -> list[Segment]:
        breaths = int(turn.section.settings["opening_breaths"])
        if breaths <= 0:
            return []
        return [host(turn.line("breathe_intro", count=breaths)), *breath_cues(turn, state["first"], breaths)]


RITUAL = GentleStart()
