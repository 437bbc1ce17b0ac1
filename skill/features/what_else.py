""" "What else can we do?": every ritual, in a few small groups the couple can take in by ear.

The groups live in the content (`what_else.json`); a ritual missing from them is still named, in a last
group, so a new ritual is never left out. Nothing is stored, and a ritual in progress keeps its place.
"""

from __future__ import annotations

from skill.engine.narrator import menu, spoken_list
from skill.engine.offers import examples as menu_examples
from skill.engine.script import Reply, narrate
from skill.engine.turn import Turn


class WhatElse:
    name = "what_else"
    intents = frozenset({"WhatElseIntent"})

    def start(self, turn: Turn) -> Reply:
        said = menu_examples(turn.content)
        listed = list(said)
        groups: list[tuple[str, list[str]]] = []
        for group in turn.section.settings["groups"]:
            names = [name for name in group["rituals"] if name in listed]
            if names:
                groups.append((str(group["line"]), names))
        grouped = {name for _, names in groups for name in names}
        rest = [name for name in listed if name not in grouped]
        if rest:
            groups.append(("group_more", rest))
        speech = [narrate(turn.line("intro"))]
        for key, names in groups:
            examples = [f"'{said[name]}'" for name in names]
            speech.append(narrate(turn.line(key, examples=spoken_and(turn, examples))))
        return Reply(
            speech=(*speech, narrate(turn.line("which"))),
            reprompt=(narrate(turn.narrator_line("offer_again", examples=menu(turn))),),
        )


def spoken_and(turn: Turn, items: list[str]) -> str:
    return spoken_list(items, str(turn.section.settings.get("list_and", "and")))


RITUAL = WhatElse()
