"""The weekly check-in as a conversation: each shares, the other says back what they heard, then the two talk over
what felt off for as long as they need (the microphone closed, no clock), and only then the numbers. Whatever
interrupts the talk keeps its place; "Alexa, tell our rituals we're ready" brings them back; a couple who would
rather keep it short can, and that choice is remembered."""

from __future__ import annotations

from typing import Any

import pytest

from skill.content import load_content
from tests.support.check_in_support import to_the_numbers
from tests.support.conversation import Couple, Said

CONTENT = load_content("en-US").section("check_in")
LINES, SETTINGS = CONTENT.lines, CONTENT.settings
TURNS = load_content("en-US").section("turns").lines
NARRATOR = load_content("en-US").section("narrator").lines
MAYA, SAM = "Joanna", "Matthew"
TITLE = SETTINGS["title"]


def variants(key: str, **values: Any) -> list[str]:
    return [text.format(**{"first": "Maya", "second": "Sam", **values}) for text in LINES.variants(key)]


def said_one_of(said: Said, key: str, **values: Any) -> bool:
    return any(text in said.text for text in variants(key, **values))


@pytest.fixture
def talking(couple: Couple, stored) -> Couple:
    """Maya and Sam have shared and said back, hands-free, and are talking it over: the microphone is closed."""
    couple.meet("Maya", "Sam")
    said = couple.intent("CheckInIntent", one_shot=True)
    assert said_one_of(said, "talk_over") and said.ends_session and not said.reprompt
    assert said.lines[-1].voice is None, "the narrator hands the talk to them both"
    assert stored(couple)["in_progress"]["state"]["waiting"] == "talking"
    return couple.later(seconds=said.playing_seconds())  # the answer has played: they are talking


# -- saying back what was heard ----------------------------------------------------------------------------------
def test_each_share_is_said_back_by_the_listener_in_their_own_voice_before_anything_moves_on(couple: Couple) -> None:
    couple.meet("Maya", "Sam")
    said = couple.intent("CheckInIntent", one_shot=True)
    turns = [(line.voice, line.text) for line in said.lines if line.voice is not None]
    assert turns[0][0] == MAYA and turns[0][1] in variants("share_first", name="Maya", other="Sam")
    assert turns[1][0] == SAM and turns[1][1] in variants("listen_back_first", name="Sam", other="Maya"), (
        "Sam says back Maya's"
    )
    assert turns[2][0] == SAM and turns[2][1] in variants("share_second", name="Sam", other="Maya")
    assert turns[3][0] == MAYA and turns[3][1] in variants("listen_back_second", name="Maya", other="Sam"), (
        "Maya says back Sam's"
    )
    # Each turn is held, then a chime: the two shares and two shorter say-backs, all inside one answer.
    holds = [2 * SETTINGS["share_seconds"], 2 * SETTINGS["listen_back_seconds"]]
    assert said.timed_seconds() == sum(holds) and len(said.tags("audio")) == 4
    assert SETTINGS["listen_back_seconds"] < SETTINGS["share_seconds"] / 2, "a short held silence"


def test_the_talk_has_no_clock_and_we_are_ready_brings_the_numbers(talking: Couple, stored) -> None:
    couple = talking
    said = couple.later(minutes=25).intent("AMAZON.NextIntent", one_shot=True)  # "Alexa, tell our rituals we're ready"
    assert said_one_of(said, "after_talk"), "thanked for talking it over"
    assert said.lines[-1].voice == MAYA and said.lines[-1].text in variants("rating_first", name="Maya", other="Sam")
    assert not said.ends_session and said.reprompt
    couple.intent("RatingIntent", rating="7")
    said = couple.intent("RatingIntent", rating="8")
    assert said.ends_session and stored(couple)["rituals"]["check_in"]["weeks"] == {"2026-W47": [7, 8]}


def test_i_am_done_said_as_a_one_shot_also_ends_the_talk(talking: Couple) -> None:
    said = talking.later(minutes=10).intent("DoneIntent", one_shot=True)
    assert said.lines[-1].text in variants("rating_first", name="Maya", other="Sam")


# -- interruptions at the talk keep its place ------------------------------------------------------------------------
@pytest.mark.parametrize("leaving", ["AMAZON.StopIntent", "AMAZON.PauseIntent", "AMAZON.CancelIntent"])
def test_alexa_stop_while_they_talk_keeps_the_place_and_we_are_ready_still_works(
    talking: Couple, stored, leaving: str
) -> None:
    before = stored(talking)["in_progress"]["state"]
    said = talking.later(minutes=5).intent(leaving, one_shot=True)
    assert said.ends_session and any(w.format(ritual=TITLE) in said.text for w in NARRATOR.variants("paused"))
    assert stored(talking)["in_progress"]["state"]["cursor"] == before["cursor"], "the place is the talk"
    said = talking.later(hours=2).intent("AMAZON.NextIntent", one_shot=True)
    assert said.lines[-1].text in variants("rating_first", name="Maya", other="Sam")


def test_help_while_they_talk_says_how_to_come_back_and_keeps_the_microphone_closed(talking: Couple, stored) -> None:
    before = stored(talking)["in_progress"]
    said = talking.later(minutes=3).intent("AMAZON.HelpIntent", one_shot=True)
    assert said_one_of(said, "help_untimed") and "we're ready" in said.text
    assert any(w.format(ritual=TITLE) in said.text for w in TURNS.variants("help_both")), (
        "which ritual, a part for both"
    )
    assert said.ends_session, "they are talking: the microphone stays closed"
    assert stored(talking)["in_progress"]["state"] == before["state"]


def test_repeat_and_continue_while_they_talk_say_the_talk_again_without_moving(talking: Couple, stored) -> None:
    before = stored(talking)["in_progress"]["state"]["cursor"]
    said = talking.later(minutes=3).intent("AMAZON.RepeatIntent", one_shot=True)
    assert said_one_of(said, "talk_over") and said.ends_session and said.timed_seconds() == 0, "no holds replayed"
    said = talking.later(minutes=3).intent("AMAZON.ResumeIntent", one_shot=True)  # "Alexa, ask our rituals to continue"
    assert said_one_of(said, "resume") and said_one_of(said, "talk_over") and said.ends_session
    assert stored(talking)["in_progress"]["state"]["cursor"] == before


def test_a_snatch_of_their_talk_that_reaches_alexa_is_met_with_keep_talking(talking: Couple) -> None:
    said = talking.later(minutes=3).intent("AMAZON.FallbackIntent", one_shot=True)
    assert any(w in said.text for w in TURNS.variants("still_talking_both")) and said.ends_session


def test_distress_while_they_talk_is_heard_and_no_goes_on_with_the_talk(talking: Couple, stored) -> None:
    before = stored(talking)
    said = talking.later(minutes=3).intent("DistressIntent", one_shot=True)  # "I'm not okay"
    assert "988" in said.ssml and not said.ends_session
    assert stored(talking) == before, "care moves nothing"
    said = talking.intent("AMAZON.YesIntent")  # "pause it for now"
    assert said.ends_session and stored(talking)["in_progress"]["ritual"] == "check_in"
    said = talking.later(hours=1).intent("AMAZON.NextIntent", one_shot=True)  # later: "we're ready"
    assert said.lines[-1].text in variants("rating_first", name="Maya", other="Sam")


def test_a_safety_disclosure_while_they_talk_is_answered_quietly_and_the_place_stays(talking: Couple, stored) -> None:
    before = stored(talking)
    said = talking.later(minutes=3).intent("SafetyIntent", one_shot=True)
    assert "1-800-799-7233" in said.text and said.ends_session and set(said.voices) == {None}
    assert stored(talking) == before


def test_open_our_rituals_offers_the_talk_back_and_help_there_keeps_the_question(talking: Couple, stored) -> None:
    said = talking.later(hours=1).launch()
    assert any(w.format(ritual=TITLE) in said.text for w in NARRATOR.variants("offer_resume")) and not said.ends_session
    said = talking.intent("AMAZON.HelpIntent")
    assert said_one_of(said, "help_untimed") and not said.ends_session and said.reprompt, "the question still waits"
    said = talking.intent("AMAZON.YesIntent")
    assert said_one_of(said, "talk_over") and said.ends_session


# -- their own pace --------------------------------------------------------------------------------------------
def test_at_their_own_pace_the_say_back_is_still_a_short_held_turn(couple: Couple) -> None:
    couple.meet("Maya", "Sam")
    couple.resolved("CheckInIntent", "pace", "let's take our time", "open", one_shot=True)
    said = couple.later(minutes=5).intent("AMAZON.NextIntent", one_shot=True)
    assert said.by_voice(SAM)[0] in variants("listen_back_first", name="Sam", other="Maya")
    assert said.timed_seconds() == SETTINGS["listen_back_seconds"] and said.ends_session, "held, then Sam's own share"
    said = couple.later(minutes=5).intent("AMAZON.NextIntent", one_shot=True)
    assert said.by_voice(MAYA)[0] in variants("listen_back_second", name="Maya", other="Sam") and said_one_of(
        said, "talk_over"
    )


# -- the short version --------------------------------------------------------------------------------------------
def test_the_short_check_in_goes_from_sharing_to_numbers_and_is_remembered(couple: Couple, stored) -> None:
    couple.meet("Maya", "Sam")
    said = couple.resolved("CheckInIntent", "length", "short", "short", one_shot=True)  # "our short check-in"
    assert said_one_of(said, "now_short")
    assert said.voices[-4:] == [MAYA, SAM, None, MAYA], "Maya shares, Sam shares, then Maya's number"
    assert not said_one_of(said, "talk_over") and not said.ends_session
    assert said.timed_seconds() == 2 * SETTINGS["share_seconds"]
    couple.intent("RatingIntent", rating="6")
    couple.intent("RatingIntent", rating="7")
    assert stored(couple)["rituals"]["check_in"]["length"] == "short"

    said = couple.later(days=7).intent("CheckInIntent", one_shot=True)  # a week later, plainly "our check-in"
    assert not said_one_of(said, "now_short") and not said_one_of(said, "talk_over") and not said.ends_session
    couple.intent("RatingIntent", rating="7")
    couple.intent("RatingIntent", rating="7")

    said = couple.later(days=7).resolved("CheckInIntent", "length", "the full version", "full", one_shot=True)
    assert said_one_of(said, "now_full") and said_one_of(said, "talk_over")
    assert stored(couple)["rituals"]["check_in"]["length"] == "full"


def test_a_couple_who_always_have_the_full_one_hear_once_that_a_short_one_exists(couple: Couple) -> None:
    couple.meet("Maya", "Sam")
    heard = []
    for _ in range(3):
        to_the_numbers(couple)
        couple.intent("RatingIntent", rating="7")
        heard.append(said_one_of(couple.intent("RatingIntent", rating="7"), "short_hint"))
        couple.later(days=7)
    assert heard == [False, True, False], "not on the first (the reminder is told then), once after, never again"


def test_a_check_in_set_aside_before_the_conversation_was_a_step_continues_as_it_was(
    couple: Couple, stored, embedded_store
) -> None:
    """A place kept from before (no length in it) is the short check-in it was: its cursor means what it meant."""
    from skill.store.sqlite import SQLiteStore

    couple.meet("Maya", "Sam")
    store = SQLiteStore(embedded_store)
    snapshot = store.load(couple.key)
    document = dict(snapshot.document)
    state = {"first": 0, "cursor": 2, "pace": "paced", "week": "2026-W47", "ratings": [None, None], "waiting": "rating"}
    document["in_progress"] = {"ritual": "check_in", "expires_at": int(couple.now.timestamp()) + 3600, "state": state}
    store.save(couple.key, document, snapshot.version, int(couple.now.timestamp()))
    said = couple.intent("AMAZON.ResumeIntent", one_shot=True)
    assert said.lines[-1].text in variants("rating_first", name="Maya", other="Sam"), "Maya's number, as it was"
