"""What a couple tells us about themselves so tonight's question fits them: "we don't live together", "we're new".

Each fact turns one assumption of the deck (skill/rituals/tonights_question.py ASSUMPTIONS) off or on again;
the household keeps only the sorted list of what to skip, never the words said.
"""

from __future__ import annotations

from typing import Any

from skill.engine.host import menu
from skill.engine.script import Reply, host
from skill.engine.turn import Turn

NAME = "our_situation"
SLOT = "fact"
SLOT_TYPE = "ABOUT_US"
# "We live apart", "we're new"...: one intent per fact, with plain samples. A bare carrier ("we {fact}") would
# take "we want to check in" or "we're done" (tests/test_matcher.py); the slot stays for anchored phrasings
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


def skipped(turn: Turn) -> set[str]:
    state = turn.household.rituals.get(NAME)
    skip = state.get("skip") if isinstance(state, dict) else None
    return {str(s) for s in skip} if isinstance(skip, list) else set()


class AboutUs:
    name = NAME
    intents = frozenset({"AboutUsIntent", *FACT_INTENTS})

    def start(self, turn: Turn) -> Reply:
        fact = _fact(turn)
        examples = menu(turn)
        if fact is None:
            return Reply(speech=(host(turn.line("not_caught")),), reprompt=(host(turn.line("next", examples=examples)),))
        setting: dict[str, Any] = turn.section.settings["facts"][fact]
        skip = skipped(turn)
        if setting["skip"]:
            skip.add(str(setting["assumption"]))
        else:
            skip.discard(str(setting["assumption"]))
        if skip:
            turn.household.rituals[NAME] = {"skip": sorted(skip)}
        else:
            turn.household.rituals.pop(NAME, None)
        return Reply(
            speech=(host(turn.line(f"noted_{fact}")), host(turn.line("next", examples=examples))),
            reprompt=(host(turn.host_line("offer_again", examples=examples)),),
        )


RITUAL = AboutUs()
