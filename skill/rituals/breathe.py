"""Breathing together: slow breaths, the exhale longer than the inhale, cues alternating between the two voices."""

from __future__ import annotations

from skill.engine.script import BREATHE_IN, BREATHE_OUT, Pause, Reply, Segment, View, narrate, to_partner
from skill.engine.timing import clamp, timed_hold
from skill.engine.turn import Turn


def breath_cues(turn: Turn, first: int, breaths: int) -> list[Segment]:
    """`breaths` slow breaths, in-cues in `first`'s voice and out-cues in the other's (gentle start opens with them)."""
    section = turn.content.section("breathe")
    inhale, exhale = float(section.settings["inhale_seconds"]), float(section.settings["exhale_seconds"])
    in_cues, out_cues = section.lines.variants("in_cue"), section.lines.variants("out_cue")
    cues: list[Segment] = []
    for breath in range(breaths):
        cues.append(to_partner(first, in_cues[breath % len(in_cues)], BREATHE_IN))
        cues.append(Pause(inhale))
        cues.append(to_partner(1 - first, out_cues[breath % len(out_cues)], BREATHE_OUT))
        cues.append(Pause(exhale))
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
        speech.append(narrate(turn.line("lead_in", count=breaths, name=turn.name(first))))
        speech.extend(breath_cues(turn, first, breaths))
        speech.extend(timed_hold(0, turn.content.sounds, settings["end_clip"]))
        speech.append(narrate(turn.line("closing")))
        return Reply(speech=tuple(speech), end_session=True, view=View("breathe"))  # a circle with the marked cues


RITUAL = Breathe()
