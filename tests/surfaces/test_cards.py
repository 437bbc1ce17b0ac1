"""Cards in the Alexa app: tonight's question, a jar question, the check-in's numbers and trend, to come back to.

Never on a care or safety answer, never after "no cards"; "cards again" brings them back.
"""

from __future__ import annotations

from typing import Any

import pytest

from skill.content import load_content
from tests.rituals.test_check_in import check_in
from tests.support.conversation import Couple, Said

QUESTIONS = {str(q["text"]) for q in load_content("en-US").section("questions").data["questions"]}


def card(said: Said) -> dict[str, Any] | None:
    return said.response.get("card")


def asked_question(said: Said) -> str:
    """The deck question the narrator read out (the first line that is one of the deck's questions, names filled)."""
    return next(
        line.text
        for line in said.lines
        if line.voice is None and line.text.endswith("?") and "question" not in line.text.lower()
    )


@pytest.mark.parametrize("surface", ["couple", "web_couple"])
def test_tonights_question_is_left_in_the_alexa_app(surface: str, request: Any) -> None:
    couple: Couple = request.getfixturevalue(surface)
    couple.meet("Maya", "Sam")
    said = couple.intent("TonightsQuestionIntent", one_shot=True)
    shown = card(said)
    assert shown is not None and shown["type"] == "Simple" and shown["title"] == "Tonight's question"
    assert shown["content"] in said.text, "the question as the couple heard it"
    assert "{partner}" not in shown["content"]
    # Another question, another card; the turns in between leave none.
    middle = couple.intent("DoneIntent")
    assert card(middle) is None


def test_a_question_from_their_jar_is_left_as_one(couple: Couple) -> None:
    couple.meet("Maya", "Sam")
    couple.intent("AddToJarIntent", one_shot=True, question="where would you like to wake up tomorrow")
    assert card(couple.intent("AMAZON.YesIntent")) is None, "keeping a question leaves no card"
    said = couple.intent("JarQuestionIntent", one_shot=True)
    assert card(said) == {
        "type": "Simple",
        "title": "A question from your jar",
        "content": "Where would you like to wake up tomorrow?",
    }


def test_the_check_in_leaves_its_numbers_and_trend(couple: Couple) -> None:
    couple.meet("Maya", "Sam")
    said = check_in(couple, 7, 8)
    shown = card(said)
    assert shown is not None and shown["title"] == "This week's check-in"
    assert shown["content"].splitlines()[:2] == ["Maya: 7 out of 10", "Sam: 8 out of 10"]
    said = check_in(couple.later(days=7), 9, 10)  # two points up each: news (one point would not be)
    lines = card(said)["content"].splitlines()  # type: ignore[index]
    assert lines[:2] == ["Maya: 9 out of 10", "Sam: 10 out of 10"]
    assert len(lines) > 2 and all(line in said.text for line in lines[2:]), "the trend, as it was said"


def test_a_check_in_met_with_care_leaves_no_card(couple: Couple) -> None:
    couple.meet("Maya", "Sam")
    said = check_in(couple, 2, 3)
    assert card(said) is None
    assert card(couple.intent("AMAZON.YesIntent")) is None


@pytest.mark.parametrize("surface", ["couple", "web_couple"])
def test_safety_and_care_answers_never_carry_a_card(surface: str, request: Any) -> None:
    couple: Couple = request.getfixturevalue(surface)
    couple.meet("Maya", "Sam")
    assert card(couple.intent("SafetyIntent", one_shot=True)) is None
    assert card(couple.intent("CounsellingIntent", one_shot=True)) is None
    assert card(couple.intent("TonightsQuestionIntent", one_shot=True)) is not None
    assert card(couple.intent("SafetyIntent")) is None, "mid-question too"


@pytest.mark.parametrize("surface", ["couple", "web_couple"])
def test_distress_mid_question_leaves_no_card_and_no_music(surface: str, request: Any) -> None:
    couple: Couple = request.getfixturevalue(surface)
    couple.meet("Maya", "Sam")
    assert card(couple.intent("TonightsQuestionIntent", one_shot=True)) is not None
    said = couple.intent("DistressIntent")
    assert 'interpret-as="telephone"' in said.ssml, "the crisis line, read as a number to call"
    assert card(said) is None and not said.response.get("directives"), "a plain spoken answer, nothing left behind"


def test_any_reply_that_reads_a_helpline_carries_no_card() -> None:
    from skill.alexa.cards import card_for
    from skill.engine.script import Card, Reply, narrate, phone_number
    from skill.household import Household

    reply = Reply(speech=(narrate("You can call"), phone_number("988")), end_session=True, card=Card("t", "x"))
    assert reply.gives_a_helpline
    assert card_for(reply, Household(), "tonights_question") is None, "whichever ritual it was said in"


def test_a_safety_reply_with_a_card_would_still_show_none() -> None:
    """Whatever a care ritual's reply carries, the adapter drops a card on it."""
    from skill.alexa.cards import card_for
    from skill.engine.script import Card, Reply, narrate
    from skill.household import Household

    reply = Reply(speech=(narrate("..."),), end_session=True, card=Card("t", "x"))
    assert card_for(reply, Household(), "care") is None and card_for(reply, Household(), "counselling") is None
    assert card_for(reply, Household(), "tonights_question") is not None


def test_no_cards_by_voice_is_remembered_until_cards_again(couple: Couple, stored) -> None:
    couple.meet("Maya", "Sam")
    said = couple.intent("NoCardsIntent", one_shot=True)
    assert "no more cards" in said.text.lower() or "out of the alexa app" in said.text.lower()
    assert stored(couple)["rituals"]["preferences"] == {"cards": False}
    assert card(couple.intent("TonightsQuestionIntent", one_shot=True)) is None
    assert card(check_in(couple.later(days=1), 7, 8)) is None
    said = couple.intent("CardsOnIntent", one_shot=True)
    assert "alexa app again" in said.text.lower()
    assert stored(couple)["rituals"]["preferences"] == {}
    assert card(couple.intent("TonightsQuestionIntent", one_shot=True)) is not None


def test_no_cards_mid_question_goes_back_to_the_question(couple: Couple) -> None:
    couple.meet("Maya", "Sam")
    couple.intent("TonightsQuestionIntent", one_shot=True, pace="open")
    said = couple.intent("NoCardsIntent")
    assert card(said) is None
    assert said.text.lower().count("alexa app") == 1 and len(said.lines) > 1, "then where they are"
    assert "tell our rituals next" in said.text.lower(), "whose turn it is, at their own pace"
