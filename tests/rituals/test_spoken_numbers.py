"""Numbers as Alexa's NLU may hand them over: the words it heard ("an eight", "forty-five") as well as digits.

A built-in AMAZON.NUMBER slot can carry the words Alexa heard where digits were expected. Each ritual that asks
for a number takes either, and a phrase that names no single number gets the ritual's own kind re-ask.
"""

from __future__ import annotations

import pytest

from skill.content import load_content
from skill.engine.numbers import spoken_number
from tests.support.check_in_support import to_the_numbers
from tests.support.conversation import Couple

WORDS = load_content("en-US").section("numbers").settings
FIRST_WEEK = "2026-W47"


@pytest.mark.parametrize(
    ("heard", "number"),
    [("8", 8), ("eight", 8), ("an eight", 8), ("Eight", 8), ("maybe a seven", 7), ("eight out of ten", 8),
     ("ten", 10), ("forty-five", 45), ("forty five", 45), ("three breaths", 3), ("about 8", 8), ("nineteen", 19)],
)  # fmt: skip
def test_a_number_heard_as_words_or_digits(heard: str, number: int) -> None:
    assert spoken_number(heard, WORDS) == number


@pytest.mark.parametrize(
    "heard", ["thank you", "okay", "six or seven", "twenty twenty", "", "I'm tired", "seven eight"]
)
def test_words_that_name_no_single_number(heard: str) -> None:
    assert spoken_number(heard, WORDS) is None


def test_a_check_in_rating_said_as_an_eight_is_kept_as_eight(couple: Couple, stored) -> None:
    couple.meet("Maya", "Sam")
    to_the_numbers(couple)
    couple.intent("RatingIntent", rating="an eight")
    said = couple.intent("RatingIntent", rating="seven")
    assert said.ends_session
    assert stored(couple)["rituals"]["check_in"]["weeks"] == {FIRST_WEEK: [8, 7]}


def test_a_rating_that_is_no_number_is_asked_again_and_nothing_is_stored(couple: Couple, stored) -> None:
    couple.meet("Maya", "Sam")
    asked = to_the_numbers(couple)
    said = couple.intent("RatingIntent", rating="thank you")
    assert not said.ends_session and said.lines[-1].voice == asked.lines[-1].voice, "the same partner is asked again"
    assert "check_in" not in stored(couple)["rituals"] or not stored(couple)["rituals"]["check_in"].get("weeks")


def test_a_hug_of_forty_five_seconds_in_words(couple: Couple) -> None:
    said = couple.intent("HugIntent", one_shot=True, seconds="forty five")
    assert said.timed_seconds() == pytest.approx(45.0)


def test_three_breaths_in_words(couple: Couple) -> None:
    words = couple.intent("BreatheIntent", one_shot=True, breaths="three")
    digits = couple.later(minutes=5).intent("BreatheIntent", one_shot=True, breaths="3")
    assert words.timed_seconds() == pytest.approx(digits.timed_seconds())
