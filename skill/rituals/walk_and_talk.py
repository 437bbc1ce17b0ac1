"""Walk and talk: three questions to take on a walk side by side, then the microphone closes.

No timers and no holds: the couple is out of the kitchen (the phone's Alexa app goes on the walk), and the
walk sets the pace. The first question is read in one partner's voice, the second in the other's, the third
is for both; who goes first alternates like every ritual. Three different questions are drawn from the
content each time; nothing is stored but whose turn it is to go first.
"""

from __future__ import annotations

from skill.engine.script import PROMPT, Reply, Segment, View, narrate, to_partner
from skill.engine.turn import Turn


class WalkAndTalk:
    name = "walk_and_talk"
    intents = frozenset({"WalkAndTalkIntent"})

    def start(self, turn: Turn) -> Reply:
        count = int(turn.section.settings["questions_per_walk"])
        questions = turn.rng.sample(list(turn.section.lines.variants("question")), k=count)
        first = turn.household.take_first_turn()
        speech: list[Segment] = [narrate(turn.line("intro"))]
        for number, question in enumerate(questions):
            if number == 0:
                speech.append(to_partner(first, f"{turn.line('first', name=turn.name(first))} {question}", PROMPT))
            elif number == 1:
                speech.append(
                    to_partner(1 - first, f"{turn.line('second', name=turn.name(1 - first))} {question}", PROMPT)
                )
            else:
                speech.append(narrate(f"{turn.line('third')} {question}"))
        speech.append(narrate(turn.line("closing")))
        # On a screen, each partner's question in their colour (the shared "turns" view).
        return Reply(speech=tuple(speech), end_session=True, view=View("turns", {"ritual": self.name}))


RITUAL = WalkAndTalk()
