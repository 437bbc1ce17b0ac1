"""A couple tells the skill what does not fit them, and tonight's question never assumes it."""

from __future__ import annotations

from typing import Any

import pytest

from skill.content import load_content
from tests.support.conversation import Couple, Said

QUESTIONS: list[dict[str, Any]] = list(load_content("en-US").section("questions").data["questions"])
LINES = load_content("en-US").section("our_situation").lines


def asked(said: Said) -> dict[str, Any]:
    found = [q for q in QUESTIONS if any(q["text"].replace("{partner}", name) in said.text for name in ("Maya", "Sam"))]
    assert len(found) == 1, said.text
    return found[0]


@pytest.mark.slow
def test_we_dont_live_together_and_were_new_are_never_assumed_again(couple: Couple, stored) -> None:
    couple.meet("Maya", "Sam")
    said = couple.resolved("AboutUsIntent", "fact", "don't live together", "apart", one_shot=True)
    assert any(text in said.text for text in LINES.variants("noted_apart")) and not said.ends_session
    said = couple.resolved("AboutUsIntent", "fact", "new", "new")
    assert any(text in said.text for text in LINES.variants("noted_new"))
    assert stored(couple)["rituals"]["our_situation"] == {"skip": ["living_together", "long_history"]}

    at_deepest = [q for q in QUESTIONS if q["depth"] == "deepest"]
    heard = []
    for _ in range(len(at_deepest)):
        said = couple.later(hours=1).resolved("TonightsQuestionIntent", "depth", "deepest", "deepest", one_shot=True)
        heard.append(asked(said))
    assumed = {tag for q in heard for tag in q["assumes"]}
    assert not assumed & {"living_together", "long_history"}, "nothing that assumes a shared home or long history"
    fitting = [q["id"] for q in at_deepest if not set(q["assumes"]) & {"living_together", "long_history"}]
    assert sorted(q["id"] for q in heard[: len(fitting)]) == sorted(fitting), (
        "every fitting question once, before any repeat"
    )


def test_a_couple_can_take_it_back_and_a_light_question_can_assume_a_home_again(couple: Couple, stored) -> None:
    couple.meet("Maya", "Sam")
    couple.resolved("AboutUsIntent", "fact", "live apart", "apart", one_shot=True)
    couple.resolved("AboutUsIntent", "fact", "rather leave family out", "no_family")
    assert stored(couple)["rituals"]["our_situation"] == {"skip": ["family_of_origin", "living_together"]}
    said = couple.resolved("AboutUsIntent", "fact", "moved in together", "together")
    assert any(text in said.text for text in LINES.variants("noted_together"))
    assert stored(couple)["rituals"]["our_situation"] == {"skip": ["family_of_origin"]}
    couple.resolved("AboutUsIntent", "fact", "fine with family questions", "family_ok")
    assert "our_situation" not in stored(couple)["rituals"], "nothing kept when nothing is skipped"


def test_a_fact_alexa_could_not_resolve_is_understood_by_its_words_or_asked_again(couple: Couple, stored) -> None:
    couple.meet()
    couple.intent("AboutUsIntent", one_shot=True, fact="long distance")
    assert stored(couple)["rituals"]["our_situation"] == {"skip": ["living_together"]}
    said = couple.intent("AboutUsIntent", fact="married to our cat")
    assert any(text in said.text for text in LINES.variants("not_caught")) and not said.ends_session
    assert stored(couple)["rituals"]["our_situation"] == {"skip": ["living_together"]}


def test_were_new_said_at_another_question_is_noted_and_the_question_waits_still(couple: Couple, stored) -> None:
    """ "We're new" at "shall I ask you another one?": noted, and the offer again, not the menu; yes still means
    another question."""
    tonight = load_content("en-US").section("tonights_question").lines
    couple.meet("Maya", "Sam")
    said = couple.resolved("TonightsQuestionIntent", "depth", "light", "light", one_shot=True)
    assert not said.ends_session
    said = couple.intent("NewCoupleIntent")
    assert any(text in said.text for text in LINES.variants("noted_new"))
    assert any(text in said.text for text in tonight.variants("offer_again")), said.text
    assert not any(text.split("{")[0] in said.text for text in LINES.variants("next")), "not the menu"
    assert stored(couple)["rituals"]["our_situation"] == {"skip": ["long_history"]}
    said = couple.intent("AMAZON.YesIntent")
    assert asked(said)["id"] and not said.ends_session
