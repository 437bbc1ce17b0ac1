"""A real kitchen, round two: chatter near an open microphone, a voice naming itself whatever waits, and a
launch that offers to go on.

- Two misses in a row (nothing understood) close the session gently, keeping the place.
- "I'm Maya", from a voice Alexa recognises, links that voice whatever offer is waiting.
- After "open our rituals", both "next" and "continue" go on with the paused ritual from its place.
"""

from __future__ import annotations

from typing import Any

from skill.content import load_content
from tests.support.conversation import Couple
from tests.support.turns_support import MAYA, SAM, open_mode, says

NARRATOR = load_content("en-US").section("narrator").lines
MAYA_VOICE = "amzn1.ask.person.MAYA-VOICE-ID"


def narrator_said(text: str, key: str) -> bool:
    return any(w.split("{")[0] in text for w in NARRATOR.variants(key))


# -- the apology loop -------------------------------------------------------------------------------------
def test_two_misses_in_a_row_close_the_session_gently(couple: Couple, stored: Any) -> None:
    couple.kitchen_clock = True
    couple.meet("Maya", "Sam")
    said = couple.launch()
    said = couple.intent("AMAZON.FallbackIntent")  # "what do you want for dinner"
    assert not said.ends_session and said.reprompt
    said = couple.intent("AMAZON.FallbackIntent")  # "maybe pasta"
    assert said.ends_session and narrator_said(said.text, "misses_goodbye"), said.text


def test_an_understood_request_in_between_starts_the_count_again(couple: Couple) -> None:
    couple.kitchen_clock = True
    couple.meet("Maya", "Sam")
    couple.launch()
    couple.intent("AMAZON.FallbackIntent")
    said = couple.intent("AMAZON.HelpIntent")
    assert not said.ends_session
    said = couple.intent("AMAZON.FallbackIntent")
    assert not said.ends_session, "one miss since the last thing understood"


def test_two_misses_while_a_question_waits_keep_the_place_for_later(couple: Couple, stored: Any) -> None:
    couple.kitchen_clock = True
    couple.meet("Maya", "Sam")
    open_mode(couple, "RoseThornBudIntent")
    couple.later(hours=1).launch()  # would you like to continue?
    couple.intent("AMAZON.FallbackIntent")
    said = couple.intent("AMAZON.FallbackIntent")
    assert said.ends_session and narrator_said(said.text, "paused"), said.text
    assert stored(couple)["in_progress"]["ritual"] == "rose_thorn_bud"


# -- "I'm Maya" whatever waits -------------------------------------------------------------------------------
def test_im_maya_links_the_voice_while_another_question_waits(couple: Couple, stored: Any) -> None:
    couple.kitchen_clock = True
    couple.meet("Maya", "Sam")
    couple.intent("TonightsQuestionIntent", one_shot=True)  # ... "another question?" goes unanswered
    couple.person_id = MAYA_VOICE
    # "Alexa, tell our rituals I'm Maya"
    said = couple.later(minutes=10).intent("MyNameIntent", one_shot=True, own="Maya")
    assert says(said, "narrator", "speaker_recognised", name="Maya"), said.text
    assert list(stored(couple)["speakers"].values()) == [0]


def test_im_maya_links_the_voice_while_new_names_wait_and_the_question_survives(couple: Couple, stored: Any) -> None:
    couple.kitchen_clock = True
    couple.meet("Maya", "Sam")
    couple.intent("SetNamesIntent", one_shot=True, first="Ana", second="Leo")
    couple.person_id = MAYA_VOICE
    said = couple.intent("MyNameIntent", own="Maya")
    assert says(said, "narrator", "speaker_recognised", name="Maya") and not said.ends_session
    couple.intent("AMAZON.YesIntent")
    assert stored(couple)["names"] == ["Ana", "Leo"]


def test_without_a_recognised_voice_im_maya_mid_ritual_is_talk(couple: Couple, stored: Any) -> None:
    couple.kitchen_clock = True
    couple.meet("Maya", "Sam")
    couple.intent("TonightsQuestionIntent", one_shot=True)
    couple.intent("MyNameIntent", own="Maya")
    assert stored(couple)["speakers"] == {}


# -- "open our rituals", then next or continue --------------------------------------------------------------
def test_after_open_our_rituals_next_goes_on_from_the_place(couple: Couple) -> None:
    couple.kitchen_clock = True
    couple.meet("Maya", "Sam")
    said = open_mode(couple, "RoseThornBudIntent")
    first = said.voices[-1] if said.voices[-1] else next(v for v in said.voices if v)
    said = couple.later(hours=2).launch()
    assert "next" in said.text.lower() and "continue" in said.text.lower(), "both ways on are offered"
    said = couple.intent("AMAZON.NextIntent")
    assert first in said.voices and "Alexa, tell our rituals next" in said.text, "the paused turn, and how to hand over"


def test_after_open_our_rituals_continue_replays_the_paused_turn_with_the_one_shot(couple: Couple) -> None:
    couple.kitchen_clock = True
    couple.meet("Maya", "Sam")
    said = open_mode(couple, "RoseThornBudIntent")
    speaking = next(v for v in said.voices if v in (MAYA, SAM))
    couple.later(hours=2).launch()
    said = couple.intent("AMAZON.ResumeIntent")
    assert speaking in said.voices and "Alexa, tell our rituals next" in said.text


# -- words that go where they are meant ------------------------------------------------------------------------
def test_good_morning_starts_morning_coffee_only_in_the_morning(couple: Couple, stored: Any) -> None:
    from datetime import datetime, timezone

    couple.meet("Maya", "Sam")
    couple.now = datetime(2026, 11, 23, 20, 30, tzinfo=timezone.utc)  # 8:30 pm (UTC: no time zone known)
    said = couple.intent("MorningGreetingIntent", one_shot=True)
    assert not said.ends_session and said.timed_seconds() == 0 and not [v for v in said.voices if v], said.text
    assert stored(couple)["in_progress"] is None
    couple.now = datetime(2026, 11, 24, 7, 45, tzinfo=timezone.utc)
    said = couple.intent("MorningGreetingIntent", one_shot=True)
    assert said.timed_seconds() > 60 and MAYA in said.voices and SAM in said.voices, "morning coffee, in the morning"


def test_a_question_from_the_jar_is_one_of_theirs(couple: Couple) -> None:
    couple.meet("Maya", "Sam")
    couple.intent("AddToJarIntent", one_shot=True, question="what song makes you dance")
    couple.intent("AMAZON.YesIntent")
    # "a question from the jar" (tests/surfaces/test_matcher.py)
    said = couple.intent("JarQuestionIntent", one_shot=True)
    assert "What song makes you dance?" in said.text


def test_forget_me_says_it_is_both_of_you_and_what_that_erases(couple: Couple, stored: Any) -> None:
    couple.meet("Maya", "Sam")
    said = couple.intent("ForgetMeIntent", one_shot=True)
    assert "both" in said.text and "names" in said.text and "check-in" in said.text and said.text.endswith("Yes or no?")
    said = couple.intent("AMAZON.NoIntent")
    assert stored(couple)["names"] == ["Maya", "Sam"]
