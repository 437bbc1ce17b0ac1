"""Small ways in: the one-minute high and low, the invitation for a partner who isn't sure, and three questions
for a walk. Each conversation runs through the Lambda handler and POST /alexa."""

from __future__ import annotations

from skill.content import load_content
from tests.support.conversation import Couple
from tests.support.surfaces import both  # noqa: F401  (the fixture)
from tests.support.turns_support import MAYA, SAM, finished, meet, open_mode, says, script

CONTENT = load_content("en-US")
WALK = CONTENT.section("walk_and_talk").lines


# -- high and low ------------------------------------------------------------------------------------------
def test_high_and_low_is_one_timed_minute_one_turn_each(both: Couple, stored) -> None:
    meet(both)
    said = both.intent("HighLowIntent", one_shot=True)
    assert says(said, "high_low", "intro", name="Maya", other="Sam")
    assert script(said, "high_low") == [(MAYA, "high_low"), (SAM, "high_low")]
    assert said.timed_seconds() >= 60 and len(said.tags("audio")) == 1, "thirty seconds each, one chime between"
    assert says(said, "high_low", "closing") and said.ends_session
    assert finished(stored(both))


def test_high_and_low_at_our_own_pace_hands_over_by_voice(both: Couple) -> None:
    meet(both)
    said = open_mode(both, "HighLowIntent")
    assert script(said, "high_low") == [(MAYA, "high_low"), (MAYA, "take_time")] and said.ends_session
    said = both.later(minutes=1).intent("DoneIntent", one_shot=True)
    assert says(said, "high_low", "thanks", name="Maya") and script(said, "high_low")[0] == (SAM, "high_low")
    said = both.later(minutes=1).intent("DoneIntent", one_shot=True)
    assert says(said, "high_low", "closing")


# -- an invitation for a partner who isn't sure -----------------------------------------------------------
def test_my_partner_isnt_sure_offers_the_two_smallest_and_a_line_to_invite_with_and_keeps_no_count(
    both: Couple, stored
) -> None:
    meet(both)
    said = both.intent("InvitationIntent", one_shot=True)  # "Alexa, tell our rituals my partner isn't sure"
    for key in ("welcome", "smallest", "invitation_intro", "invitation", "which"):
        assert says(said, "invitation", key), key
    assert said.voices == [None] * len(said.voices), "all of it in the narrator's voice"
    assert not said.ends_session and said.reprompt and said.reprompt != said.text
    for scolding in ("should", "must", "why not", "again?"):
        assert scolding not in said.text.lower()

    said = both.intent("HugIntent")  # "a hug"
    assert said.tags("audio") and said.ends_session, "the hug, straight away"

    before = stored(both)
    both.later(days=1).intent("InvitationIntent", one_shot=True)
    after = stored(both)
    assert "invitation" not in after["rituals"]
    unchanged = ("rituals", "in_progress", "names", "next_first", "speakers")
    assert {k: after.get(k) for k in unchanged} == {k: before.get(k) for k in unchanged}, "no count, no note"


def test_start_small_also_offers_high_and_low_which_starts_by_voice(both: Couple) -> None:
    meet(both)
    both.intent("InvitationIntent", one_shot=True)  # "start small"
    said = both.intent("HighLowIntent")
    assert script(said, "high_low")[0] == (MAYA, "high_low")


# -- walk and talk -------------------------------------------------------------------------------------------
def test_questions_for_a_walk_are_three_different_ones_in_both_voices_with_no_timer_and_the_microphone_closed(
    both: Couple,
) -> None:
    meet(both)
    said = both.intent("WalkAndTalkIntent", one_shot=True)
    assert says(said, "walk_and_talk", "intro") and says(said, "walk_and_talk", "closing")
    asked = [q for q in WALK.variants("question") if q in said.text]
    assert len(asked) == 3
    assert said.voices[1:3] == [MAYA, SAM], "the first question in Maya's voice, the second in Sam's"
    assert says(said, "walk_and_talk", "first", name="Maya") and says(said, "walk_and_talk", "second", name="Sam")
    assert not said.tags("audio") and not said.tags("break") and said.timed_seconds() == 0, "no timers"
    assert said.ends_session and not said.reprompt


def test_next_walk_sam_goes_first(both: Couple) -> None:
    meet(both)
    both.intent("WalkAndTalkIntent", one_shot=True)
    said = both.intent("WalkAndTalkIntent", one_shot=True)
    assert said.voices[1:3] == [SAM, MAYA]
