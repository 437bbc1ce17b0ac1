"""An invitation for a partner who isn't sure ("my partner isn't sure", "start small").

It offers the smallest two rituals (the hug and the one-minute high and low) and, in the narrator's voice, one
line the partner who asked can use to invite the other. It never scolds, never asks why, and keeps no count:
nothing is stored. Not on the menu: it answers someone who asked.
"""

from __future__ import annotations

from skill.engine.script import Reply, narrate
from skill.engine.turn import Turn


class Invitation:
    name = "invitation"
    intents = frozenset({"InvitationIntent"})

    def start(self, turn: Turn) -> Reply:
        speech = (
            narrate(turn.line("welcome")),
            narrate(turn.line("smallest")),
            narrate(turn.line("invitation_intro")),
            narrate(turn.line("invitation")),
            narrate(turn.line("which")),
        )
        return Reply(speech=speech, reprompt=(narrate(turn.line("reprompt")),))


RITUAL = Invitation()
