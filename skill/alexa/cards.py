"""Home cards: what a ritual leaves in the Alexa app (a Simple card), or nothing.

A card goes out only when the ritual made one, the couple has not said "no cards", and the answer is no care
or safety answer: someone who said they do not feel safe must find nothing about it on a shared phone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from skill.engine import preferences
from skill.engine.script import Reply
from skill.household import Household

if TYPE_CHECKING:
    from ask_sdk_model.ui import SimpleCard

# Sections whose answers are care or safety answers: never a card, whatever the reply says.
NEVER_A_CARD = frozenset({"care", "counselling"})
# A Simple card's title and content together stay well inside Alexa's 8000 characters.
MAX_CARD_CHARACTERS = 2000


def card_for(reply: Reply, household: Household, ritual: str | None) -> SimpleCard | None:
    """The reply's card for the Alexa app; `ritual` is the one the reply speaks for."""
    card = reply.card
    if card is None or reply.gives_a_helpline or ritual in NEVER_A_CARD or not preferences.cards_on(household):
        return None
    from ask_sdk_model.ui import SimpleCard

    return SimpleCard(title=card.title[:100], content=card.text[:MAX_CARD_CHARACTERS])
