"""Breathing together: slow breaths, the exhale longer than the inhale, cues alternating between the two voices."""

from __future__ import annotations

from skill.engine.familiarity import familiarity, introduced
from skill.engine.script import BREATHE_IN, BREATHE_OUT, Pause, Reply, Segment, View, narrate, to_partner
from skill.engine.timing import clamp, timed_hold
from skill.engine.turn import Turn
from skill.engine.turn_taking import spoken_seconds


def breath_cues(turn: Turn, first: int, breaths: int) -> list[Segment]:
    """`breaths` slow breaths, in-cues in `first`'s voice and out-cues in the other's (gentle start opens with them).

    A breath starts with its cue, so the cue is part of it: the silence after a cue is the breath's length less
    the cue's (estimated as a paced answer's timeline estimates it), and the heard breath is the one promised.
    """
    section = turn.content.section("breathe")
    inhale, exhale = float(section.settings["inhale_seconds"]), float(section.settings["exhale_seconds"])
    in_cues, out_cues = section.lines.variants("in_cue"), section.lines.variants("out_cue")
    cues: list[Segment] = []
    for breath in range(breaths):
        for partner, said, seconds, mark in (
            (first, in_cues[breath % len(in_cues)], inhale, BREATHE_IN),
            (1 - first, out_cues[breath % len(out_cues)], exhale, BREATHE_OUT),
        ):
            cue = to_partner(partner, said, mark)
            cues.append(cue)
            cues.append(Pause(max(0.0, round(seconds - spoken_seconds([cue], turn.content.sounds), 1))))
    return cues


class Breathe:
    name = "breathe"
    intents = frozenset({"BreatheIntent"})

    def start(self, turn: Turn) -> Reply:
        settings = turn.section.settings
        low, high = int(settings["min_breaths"]), int(settings["max_breaths"])
        asked = turn.number_slot("breaths")
        breaths = clamp(asked, low, high) if asked is not None else int(settings["default_breaths"])
        first = turn.household.take_first_turn()
        speech: list[Segment] = []
        if asked is not None and breaths != asked:
            speech.append(narrate(turn.line("too_many" if asked > high else "too_few", count=breaths)))
        lead_in = introduced("lead_in", familiarity(turn, self.name)) or "lead_in_known"
        speech.append(narrate(turn.line(lead_in, count=breaths, name=turn.name(first))))
        speech.extend(breath_cues(turn, first, breaths))
        speech.extend(timed_hold(0, turn.content.sounds, settings["end_clip"]))
        speech.append(narrate(turn.line("closing")))
        return Reply(speech=tuple(speech), end_session=True, view=View("breathe"))  # a circle with the marked cues


RITUAL = Breathe()
