"""What a couple heard when the skill was played from outside, through Alexa's own kind of matcher
(tools/virtual_alexa/): each test is one thing that sounded wrong there, replayed through the Lambda handler."""

from __future__ import annotations

import re

import pytest

from skill.content import load_content
from tests.support.conversation import Couple, Said
from tests.support.turns_support import meet, open_mode, says

CONTENT = load_content("en-US")
OPEN_RITUALS = [
    "AppreciationIntent",
    "MorningCoffeeIntent",
    "RoseThornBudIntent",
    "SentenceStemsIntent",
    "TonightsQuestionIntent",
]


def thanks(said: Said) -> int:
    return len(re.findall(r"\bthank", said.text, flags=re.IGNORECASE))


def play_open_to_the_end(couple: Couple, intent: str) -> Said:
    """Open pace, every turn handed over with "Alexa, tell our rituals next": the reply after the last turn."""
    meet(couple)
    said = open_mode(couple, intent)
    for _ in range(12):
        said = couple.later(minutes=2).intent("AMAZON.NextIntent", one_shot=True)
        if not any(voice is not None for voice in said.voices):
            return said
    raise AssertionError(f"{intent} never closed: {said.text}")


@pytest.mark.parametrize("intent", OPEN_RITUALS)
def test_the_last_hand_over_and_the_close_thank_the_couple_once(couple: Couple, intent: str) -> None:
    """Heard: "Thanks, Sam. That was lovely to hear. Thank you both. Have a good day" (and "... Lovely. Shall I
    ask you another one?"): the last speaker's thanks, then the close thanking again. The close thanks them."""
    for seed in range(3):  # the wordings rotate: a few households hear different ones
        couple.user_id = f"amzn1.ask.account.OUTSIDE-{intent}-{seed}"
        close = play_open_to_the_end(couple, intent)
        assert thanks(close) <= 1, close.text
        assert len(re.findall(r"\blovely\b", close.text, flags=re.IGNORECASE)) <= 1, close.text


def test_the_check_in_thanks_once_after_the_last_number(couple: Couple) -> None:
    """Heard: "Got it, thank you. Thank you both for being honest with each other." """
    for seed in range(3):
        couple.user_id = f"amzn1.ask.account.OUTSIDE-CHECK-IN-{seed}"
        meet(couple)
        open_mode(couple, "CheckInIntent")
        couple.later(minutes=3).intent("AMAZON.NextIntent", one_shot=True)
        couple.later(minutes=3).intent("AMAZON.NextIntent", one_shot=True)
        couple.intent("RatingIntent", rating="8")
        close = couple.intent("RatingIntent", rating="7")
        assert thanks(close) <= 1, close.text


def test_a_stray_word_at_tonights_offer_asks_again_rather_than_saying_goodnight(couple: Couple, stored) -> None:
    """Heard: at "Would you like another question?", a "hmm" that Alexa routes to the bare {rating} sample (its value
    "?") ended the evening: "Thank you both. Keep talking, if you like; I'll leave you to it." """
    meet(couple)
    couple.intent("TonightsQuestionIntent", one_shot=True)  # hands-free: both answers, then the offer
    for rating in ("?", "8"):
        said = couple.intent("RatingIntent", rating=rating)
        assert not said.ends_session, said.text
        assert says(said, "tonights_question", "offer_again"), said.text
        assert not says(said, "tonights_question", "goodnight")
    assert stored(couple).get("in_progress", {}).get("ritual") == "tonights_question"


def test_a_stray_word_while_the_jar_waits_for_a_yes_asks_for_the_yes_again(couple: Couple, stored) -> None:
    """Heard: "add to our jar, what made you smile today", then "thank you" -> "You were in the middle of your jar.
    Say continue to pick up where you stopped" and the "yes" that followed -> "I don't keep unconfirmed words, so
    that one is gone." The stray word should only ask for the yes again, and the yes should keep the question."""
    jar = CONTENT.section("our_jar").lines
    meet(couple)
    couple.intent("AddToJarIntent", one_shot=True, question="what made you smile today")
    for stray in ("AMAZON.FallbackIntent", "RatingIntent"):
        said = couple.intent(stray)
        assert not said.ends_session and any(w in said.text for w in jar.variants("confirm_again")), said.text
        assert "in the middle of" not in said.text
    said = couple.intent("AMAZON.YesIntent")
    assert any(w.format(count=1) in said.text for w in jar.variants("kept_one")), said.text
    assert [q["text"] for q in stored(couple)["rituals"]["our_jar"]["questions"]] == ["What made you smile today?"]

    couple.intent("EmptyJarIntent")
    said = couple.intent("AMAZON.FallbackIntent")  # "hmm" while "empty your jar?" waits: asked again, nothing decided
    assert not said.ends_session and any(w in said.text for w in jar.variants("ask_empty_again")), said.text
    said = couple.intent("AMAZON.YesIntent")
    assert "our_jar" not in stored(couple)["rituals"]


def test_a_stray_word_after_the_launch_offer_asks_again_rather_than_nudging_an_unread_turn(couple: Couple) -> None:
    """Heard, two hours after an open turn: "Last time you paused rose, thorn, bud. Would you like to continue, or
    start something new?", then "thank you" -> "It's still your turn, Maya. Keep going." and the session closed,
    though Maya had not heard her prompt again. Our own question is asked again; a yes then picks the turn up."""
    meet(couple)
    open_mode(couple, "RoseThornBudIntent")
    couple.later(hours=2).launch()
    said = couple.intent("AMAZON.FallbackIntent")
    assert not said.ends_session, said.text
    assert any(
        w.format(ritual="rose, thorn, bud") in said.reprompt
        for w in CONTENT.section("narrator").lines.variants("offer_resume_again")
    ), said.text
    assert all(line.voice is None for line in said.lines), "no partner is nudged before hearing their prompt"
    said = couple.intent("AMAZON.YesIntent")
    assert [line.voice for line in said.lines if line.voice][:1] == ["Joanna"] and said.ends_session


def test_a_stray_word_while_a_rename_waits_for_a_yes_asks_again(couple: Couple, stored) -> None:
    """Heard: "Shall I call you Ana and Leo from now on, instead of Maya and Sam?", then "thank you" -> the menu, and
    the "no" that followed -> "Okay. Be gentle with each other tonight." and goodbye."""
    meet(couple)
    couple.intent("SetNamesIntent", one_shot=True, first="Ana", second="Leo")
    said = couple.intent("AMAZON.FallbackIntent")
    assert not said.ends_session and "Ana and Leo" in said.text and "Maya and Sam" in said.text, said.text
    said = couple.intent("AMAZON.NoIntent")
    kept = CONTENT.section("names").lines.variants("names_kept")
    assert not said.ends_session and any(w.format(first="Maya", second="Sam") in said.text for w in kept), said.text
    assert stored(couple)["names"] == ["Maya", "Sam"]


def test_a_stray_word_while_forget_us_waits_for_a_yes_asks_again(couple: Couple, stored) -> None:
    """Heard, mid thirty-six questions: "forget us" -> "Do you want me to forget you? Yes or no?", "thank you" ->
    "Just say: next, for the next question", and the "no" meant for us went to the questions instead."""
    meet(couple)
    couple.intent("ThirtySixQuestionsIntent", one_shot=True)
    couple.intent("ForgetUsIntent")
    said = couple.intent("AMAZON.FallbackIntent")
    forget = CONTENT.section("forget").lines
    assert not said.ends_session and any(w in said.text for w in forget.variants("ask_again")), said.text
    said = couple.intent("AMAZON.NoIntent")
    assert any(w.split("{")[0] in said.text for w in forget.variants("kept")), said.text
    assert stored(couple)["names"] == ["Maya", "Sam"]


def test_emptying_a_jar_of_one_question_says_one_question(couple: Couple) -> None:
    """Heard: "Shall I empty your jar? Its 1 questions can't be brought back. Yes or no?" """
    meet(couple)
    couple.intent("AddToJarIntent", one_shot=True, question="what made you smile today")
    couple.intent("AMAZON.YesIntent")
    for _seed in range(6):  # the wordings rotate
        said = couple.intent("EmptyJarIntent", one_shot=True)
        assert not re.search(r"\b1 (of your )?questions\b|\ball 1\b", said.text, flags=re.IGNORECASE), said.text
        assert not said.ends_session
        couple.intent("AMAZON.NoIntent")
