"""What a couple tells us about themselves so tonight's question fits them: "we don't live together", "we're new".

Each fact turns one assumption of the deck (skill/rituals/tonights_question.py ASSUMPTIONS) off or on again;
the household keeps only the sorted list of what to skip, never the words said. Said in the middle of a
ritual (at tonight's question's "another?", say), the fact is noted and the ritual goes on where it was.
"""

from __future__ import annotations

from typing import Any

from skill.engine.narrator import menu
from skill.engine.place import keep_place
from skill.engine.script import Reply, narrate
from skill.engine.turn import Turn
from skill.household import Household

NAME = "our_situation"
SLOT = "fact"
SLOT_TYPE = "ABOUT_US"
# "We live apart", "we're new"...: one intent per fact, with plain samples. A bare carrier ("we {fact}") would
# take "we want to check in" or "we're done" (tests/surfaces/test_matcher.py); the slot stays for anchored phrasings
# ("remember that we {fact}").
FACT_INTENTS = {
    "LivingApartIntent": "apart",
    "LivingTogetherIntent": "together",
    "NewCoupleIntent": "new",
    "LongTogetherIntent": "long",
    "NoFamilyQuestionsIntent": "no_family",
    "FamilyQuestionsIntent": "family_ok",
}


def _fact(turn: Turn) -> str | None:
    """The fact's value id: from the intent that names it, or the slot as Alexa resolved it (or a synonym heard)."""
    return FACT_INTENTS.get(turn.intent or "") or turn.slot_value_id(SLOT, SLOT_TYPE)


def skipped(household: Household) -> frozenset[str]:
    """The assumptions this couple asked us not to make, as stored: {"skip": [sorted assumptions]}.

    A look only (the state is not opened to change): tonight's question asks this on every draw.
    """
    state = household.peek_ritual(NAME)
    skip = state.get("skip") if isinstance(state, dict) else None
    return frozenset(str(s) for s in skip) if isinstance(skip, list) else frozenset()


def keep_skipped(household: Household, skip: frozenset[str]) -> None:
    """Store what to skip; nothing at all when nothing is skipped."""
    if skip:
        household.rituals[NAME] = {"skip": sorted(skip)}
    else:
        household.rituals.pop(NAME, None)


class AboutUs:
    name = NAME
    intents = frozenset({"AboutUsIntent", *FACT_INTENTS})

    def start(self, turn: Turn) -> Reply:
        fact = _fact(turn)
        examples = menu(turn)
        if fact is None:
            return Reply(
                speech=(narrate(turn.line("not_caught")),), reprompt=(narrate(turn.line("next", examples=examples)),)
            )
        setting: dict[str, Any] = turn.section.settings["facts"][fact]
        assumption = str(setting["assumption"])
        skip = skipped(turn.household)
        keep_skipped(turn.household, skip | {assumption} if setting["skip"] else skip - {assumption})
        noted = (narrate(turn.line(f"noted_{fact}")),)
        # Said at "another question?" or in the middle of a ritual: noted, then straight back to where they were.
        return keep_place(turn, noted) or Reply(
            speech=(*noted, narrate(turn.line("next", examples=examples))),
            reprompt=(narrate(turn.narrator_line("offer_again", examples=examples)),),
        )


RITUAL = AboutUs()
