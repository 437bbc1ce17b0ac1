"""Choices said by voice and remembered: "no cards" (nothing in the Alexa app), "cards again", "no music"
(no sound bed under breathing, the hug and open turns), "music again".

Not a ritual a menu offers (its content has no `example`): a couple can say it at any time, and mid-ritual
the answer goes straight back to where they were.
"""

from __future__ import annotations

from skill.engine import preferences
from skill.engine.place import keep_place
from skill.engine.script import Reply, narrate
from skill.engine.turn import Turn

NO_CARDS, CARDS_ON = "NoCardsIntent", "CardsOnIntent"
NO_MUSIC, MUSIC_ON = "NoMusicIntent", "MusicOnIntent"


class Preferences:
    name = preferences.SECTION
    intents = frozenset({NO_CARDS, CARDS_ON, NO_MUSIC, MUSIC_ON})

    def start(self, turn: Turn) -> Reply:
        household = turn.household
        if turn.intent in (NO_CARDS, CARDS_ON):
            on = turn.intent == CARDS_ON
            key = ("cards_on" if on else "cards_off") if preferences.cards_on(household) != on else "cards_already"
            preferences.set_cards(household, on)
        else:
            on = turn.intent == MUSIC_ON
            key = ("music_on" if on else "music_off") if preferences.music_on(household) != on else "music_already"
            preferences.set_music(household, on)
        said = (narrate(turn.line(key)),)
        return keep_place(turn, said) or Reply(
            speech=(*said, narrate(turn.line("anything_else"))), reprompt=(narrate(turn.line("anything_else_again")),)
        )


RITUAL = Preferences()
