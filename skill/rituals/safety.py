"""Someone does not feel safe: a short, locale-appropriate pointer to help, then the session ends gently.

Started from anywhere (its own intent), never offered in a menu (its content has no `example`).
Nothing about it is stored: each line has a single wording, so not even the phrasing memory
keeps a trace. A ritual that was in progress keeps its place: care never erases it (skill.engine.router).
The helpline comes from the locale's content settings; where none is filled in, a generic pointer is said.
"""

from __future__ import annotations

from skill.engine.script import Reply, Segment, host
from skill.engine.turn import Turn


class Safety:
    name = "safety"
    intents = frozenset({"SafetyIntent"})

    def start(self, turn: Turn) -> Reply:
        settings = turn.section.settings
        helpline, phone = settings.get("helpline_name"), settings.get("helpline_phone")
        emergency = settings.get("emergency_number")
        speech: list[Segment] = [host(turn.line("heard"))]
        if emergency:
            speech.append(host(turn.line("emergency", emergency=emergency)))
        else:
            speech.append(host(turn.line("emergency_unknown")))
        if helpline and phone:
            speech.append(host(turn.line("helpline", helpline=helpline, phone=phone)))
        else:
            speech.append(host(turn.line("helpline_unknown")))
        speech.append(host(turn.line("closing")))
        return Reply(speech=tuple(speech), end_session=True)


RITUAL = Safety()
