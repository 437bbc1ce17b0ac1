"""Breathing together: slow breaths, the exhale longer than the inhale, cues alternating between the two voices."""

from __future__ import annotations

from skill.engine.script import Pause, Reply, Segment, host, to_partner
from skill.engine.timing import clamp, timed_hold
from skill.engine.turn import Turn


class Breathe:
    name = "breathe"
    intents = frozenset({"BreatheIntent"})

    def start(self, turn: Turn) -> Reply:
        settings = turn.section.settings
        low, high = int(settings["min_breaths"]), int(settings["max_breaths"])
        inhale, exhale = float(settings["inhale_seconds"]), float(settings["exhale_seconds"])
        asked = turn.number_slot("breaths")
        breaths = clamp(asked, low, high) if asked is not None else int(settings["default_breaths"])
        first = turn.household.take_first_turn()
        second = 1 - first
        speech: list[Segment] = []
        if asked is not None and breaths != asked:
            speech.append(host(turn.line("too_many" if asked > high else "too_few", count=breaths)))
        speech.append(host(turn.line("lead_in", count=breaths, name=turn.name(first))))
        in_cues, out_cues = turn.section.lines.variants("in_cue"), turn.section.lines.variants("out_cue")
        for breath in range(breaths):
            speech.append(to_partner(first, in_cues[breath % len(in_cues)]))
            speech.append(Pause(inhale))
            speech.append(to_partner(second, out_cues[breath % len(out_cues)]))
            speech.append(Pause(exhale))
        speech.extend(timed_hold(0, turn.content.sounds, settings["end_clip"]))
        speech.append(host(turn.line("closing")))
        return Reply(speech=tuple(speech), end_session=True)


RITUAL = Breathe()
