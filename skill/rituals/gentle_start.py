"""Gentle start: a hard topic in steps (soften, reflect, impact, a request; then swap; one experiment; appreciation).

It opens with a few of the breathing ritual's slow breaths (content setting `opening_breaths`, 0 for none).
Each half ends with the feelings-needs-request practice (skill/rituals/feelings_needs.py, its wording): the
speaker asks for one thing and the listener says it back and answers (content setting `request_seconds`,
empty for none). Paced, it is longer than one response: it pauses at the role swap and before the
experiment, and says so.
"""

from __future__ import annotations

from typing import ClassVar

from skill.engine.script import Segment, narrate
from skill.engine.turn import Turn
from skill.engine.turn_place import Place
from skill.engine.turn_taking import Step, TurnTaking
from skill.rituals.breathe import breath_cues
from skill.rituals.feelings_needs import ANSWER, ASK, request_steps
from skill.rituals.feelings_needs import NAME as FEELINGS_NEEDS


class GentleStart(TurnTaking[Place]):
    name = "gentle_start"
    intents = frozenset({"GentleStartIntent"})
    # Steps worded in another ritual's content (the screen reads them from there too).
    borrowed_lines: ClassVar[dict[str, str]] = {ASK: FEELINGS_NEEDS, ANSWER: FEELINGS_NEEDS}

    def steps(self, turn: Turn, place: Place) -> list[Step]:
        seconds = {key: float(value) for key, value in turn.section.settings["seconds"].items()}
        # Every step hands over to someone else, so each ends with a chime; the last one is followed by the
        # closing words instead (and Alexa plays at most five sound clips in one response).
        steps = []
        for part, speaker in enumerate((0, 1)):  # the speaker of the first half listens in the second
            listener = 1 - speaker
            steps.append(
                Step("soften" if part == 0 else "soften_swap", speaker, seconds["soften"], part=part, cue=True)
            )
            steps.append(Step("reflect", listener, seconds["reflect"], part=part, cue=True))
            steps.append(Step("impact", speaker, seconds["impact"], part=part, cue=True))
            if turn.section.settings.get("request_seconds"):
                steps.extend(request_steps(turn.section.settings["request_seconds"], speaker, part))
        steps.append(Step("experiment", None, seconds["experiment"], part=2, cue=True))
        steps.append(Step("appreciate", 0, seconds["appreciate"], part=3, cue=True))
        steps.append(Step("appreciate", 1, seconds["appreciate"], part=3))
        return steps

    def prompt(self, turn: Turn, place: Place, step: Step) -> list[Segment]:
        """The request and its answer are worded as in the feelings-needs-request ritual."""
        if step.key in self.borrowed_lines:
            return [self._say(turn.for_section(self.borrowed_lines[step.key]), place, step, step.key)]
        return super().prompt(turn, place, step)

    def opening(self, turn: Turn, place: Place) -> list[Segment]:
        breaths = int(turn.section.settings["opening_breaths"])
        if breaths <= 0:
            return []
        return [narrate(turn.line("breathe_intro", count=breaths)), *breath_cues(turn, place.first, breaths)]


RITUAL = GentleStart()
