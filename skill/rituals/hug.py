"""The 20-second hug: a warm lead-in, a hands-free hold, a soft chime and one closing line."""

from __future__ import annotations

from skill.engine.script import Reply, Segment, View, narrate
from skill.engine.timing import clamp, timed_hold
from skill.engine.turn import Turn


class Hug:
    name = "hug"
    intents = frozenset({"HugIntent"})

    def start(self, turn: Turn) -> Reply:
        settings = turn.section.settings
        low, high = int(settings["min_seconds"]), int(settings["max_seconds"])
        asked = turn.number_slot("seconds")
        length = turn.slots.get("length")
        speech: list[Segment] = []
        if asked is not None:
            seconds = clamp(asked, low, high)
            if seconds != asked:
                key = "too_long" if asked > high else "too_short"
                speech.append(narrate(turn.line(key, seconds=seconds)))
        elif length in settings["lengths"]:
            seconds = int(settings["lengths"][length])
        else:
            seconds = int(settings["default_seconds"])
        speech.append(narrate(turn.line("lead_in", seconds=seconds)))
        speech.extend(timed_hold(seconds, turn.content.sounds, settings["end_clip"]))
        speech.append(narrate(turn.line("closing")))
        return Reply(speech=tuple(speech), end_session=True, view=View("hug"))  # a countdown over the hold


RITUAL = Hug()
