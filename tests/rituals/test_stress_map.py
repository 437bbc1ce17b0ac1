"""The stress map: stressors named aloud, the heaviest rated 1-10 (only the number is kept, with the date), then one point lighter."""

from __future__ import annotations

import pytest

from tests.support.conversation import Couple
from tests.support.turns_support import MAYA, SAM, finished, meet, open_mode, says, script

SECTION = "stress_map"
TODAY = "2026-11-22"  # the harness's Alexa clock


def test_paced_each_names_rates_and_finds_one_point_and_only_the_numbers_are_kept(couple: Couple, stored) -> None:
    meet(couple)
    said = couple.intent("StressMapIntent", one_shot=True)
    assert says(said, SECTION, "intro", name="Maya", other="Sam") and says(said, SECTION, "paced_intro")
    assert script(said, SECTION) == [(MAYA, "name"), (MAYA, "rate")], "Maya talks, then is asked for her number"
    assert said.tags("audio") and not said.ends_session
    assert MAYA in said.reprompt_ssml and said.reprompt != said.text, "the reprompt asks Maya again, in her voice"

    said = couple.intent("RatingIntent", rating="7")
    assert says(said, SECTION, "rating_thanks", name="Maya", count=7)
    assert script(said, SECTION) == [(SAM, "name"), (SAM, "rate")]

    said = couple.intent("RatingIntent", rating="4")
    assert says(said, SECTION, "rating_thanks", name="Sam", count=4)
    assert script(said, SECTION) == [(MAYA, "one_point"), (SAM, "one_point")]
    assert says(said, SECTION, "closing") and said.ends_session

    document = stored(couple)
    assert document["rituals"][SECTION] == {
        "ratings": [{"date": TODAY, "partner": 0, "rating": 7}, {"date": TODAY, "partner": 1, "rating": 4}]
    }
    assert finished(document)


@pytest.mark.parametrize(
    ("heard", "key"),
    [("?", "rating_missed"), (None, "rating_missed"), ("seven-ish", "rating_missed"), ("nan", "rating_missed"),
     ("0", "rating_out_of_range"), ("11", "rating_out_of_range"), ("-3", "rating_out_of_range"),
     ("100", "rating_out_of_range"), ("1e309", "rating_missed"), ("1e308", "rating_out_of_range")],
)  # fmt: skip
def test_a_misheard_or_out_of_range_rating_gets_a_kind_re_ask_in_the_partners_voice(
    couple: Couple, stored, heard: str | None, key: str
) -> None:
    meet(couple)
    couple.intent("StressMapIntent", one_shot=True)
    said = couple.intent("RatingIntent", rating=heard)
    assert script(said, SECTION) == [(MAYA, key)], "Maya is asked again, kindly, by name"
    assert not said.ends_session and said.reprompt
    assert SECTION not in stored(couple)["rituals"], "nothing is stored from a bad rating"

    said = couple.intent("RatingIntent", rating="5")
    assert script(said, SECTION)[0] == (SAM, "name")
    assert stored(couple)["rituals"][SECTION]["ratings"] == [{"date": TODAY, "partner": 0, "rating": 5}]


def test_talk_instead_of_a_number_gets_a_gentle_re_ask_and_skip_moves_on(couple: Couple, stored) -> None:
    meet(couple)
    couple.intent("StressMapIntent", one_shot=True)
    couple.later(minutes=3)  # Maya's timed turn has played; her number is asked
    assert script(couple.intent("AMAZON.FallbackIntent"), SECTION) == [(MAYA, "rating_again")]
    said = couple.intent("DoneIntent")  # "I'm done", like "skip" or "pass": no number this time
    assert says(said, SECTION, "skipped") and script(said, SECTION)[0] == (SAM, "name")
    couple.intent("RatingIntent", rating="6")
    assert stored(couple)["rituals"][SECTION]["ratings"] == [{"date": TODAY, "partner": 1, "rating": 6}]


def test_open_mode_talk_hands_over_by_voice_and_ratings_still_by_number(couple: Couple, stored) -> None:
    meet(couple)
    said = open_mode(couple, "StressMapIntent")
    assert script(said, SECTION) == [(MAYA, "name"), (MAYA, "take_time")]
    assert script(couple.intent("DoneIntent"), SECTION) == [(MAYA, "rate")]
    said = couple.intent("RatingIntent", rating="8")
    assert says(said, SECTION, "rating_thanks", name="Maya", count=8)
    assert script(said, SECTION) == [(SAM, "name"), (SAM, "take_time")]
    assert script(couple.intent("DoneIntent"), SECTION) == [(SAM, "rate")]
    said = couple.intent("RatingIntent", rating="2")
    assert script(said, SECTION) == [(MAYA, "one_point"), (MAYA, "take_time")]
    said = couple.intent("DoneIntent")
    assert script(said, SECTION) == [(SAM, "one_point"), (SAM, "take_time")]
    said = couple.intent("DoneIntent")
    assert says(said, SECTION, "closing") and said.ends_session
    assert [r["rating"] for r in stored(couple)["rituals"][SECTION]["ratings"]] == [8, 2]


def test_a_rating_asked_before_the_session_closed_is_asked_again_on_continue(couple: Couple, stored) -> None:
    meet(couple)
    couple.intent("StressMapIntent", one_shot=True)
    couple.session_ended("EXCEEDED_MAX_REPROMPTS")
    said = couple.later(hours=3).intent("AMAZON.ResumeIntent", one_shot=True)
    assert says(said, SECTION, "resume", ritual="the stress map")
    assert script(said, SECTION) == [(MAYA, "rate")], "still Maya's number, in her voice"
    said = couple.intent("RatingIntent", rating="6")
    assert script(said, SECTION)[0] == (SAM, "name")
    assert stored(couple)["rituals"][SECTION]["ratings"] == [{"date": "2026-11-22", "partner": 0, "rating": 6}]


def test_after_the_expiry_continue_has_nothing_to_pick_up(couple: Couple, stored) -> None:
    meet(couple)
    couple.intent("StressMapIntent", one_shot=True)
    couple.session_ended("EXCEEDED_MAX_REPROMPTS")
    said = couple.later(hours=9).intent("AMAZON.ResumeIntent", one_shot=True)
    assert not script(said, SECTION) and not said.ends_session, "a kind host answer with examples"
    said = couple.intent("RatingIntent", rating="6")
    assert not script(said, SECTION)
    assert SECTION not in stored(couple)["rituals"] and finished(stored(couple))


def test_ratings_are_dated_by_alexas_clock_and_a_second_map_the_same_day_replaces_that_partners_number(
    couple: Couple, stored
) -> None:
    meet(couple)
    couple.intent("StressMapIntent", one_shot=True)
    couple.intent("RatingIntent", rating="7")
    couple.intent("RatingIntent", rating="4")
    couple.later(hours=1).intent("StressMapIntent", one_shot=True)  # Sam goes first this time
    couple.intent("RatingIntent", rating="5")
    couple.intent("RatingIntent", rating="6")
    couple.later(days=7).intent("StressMapIntent", one_shot=True)
    couple.intent("RatingIntent", rating="3")
    ratings = stored(couple)["rituals"][SECTION]["ratings"]
    assert ratings == [
        {"date": TODAY, "partner": 1, "rating": 5},
        {"date": TODAY, "partner": 0, "rating": 6},
        {"date": "2026-11-29", "partner": 0, "rating": 3},
    ]
