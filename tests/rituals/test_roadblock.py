"""Our roadblock: named from a short list (or in their own words, never kept), one ritual offered that fits,
and "closer than last week?" asked at the next weekly check-in. Each test runs through the Lambda handler
and POST /alexa."""

from __future__ import annotations

from typing import Any

import pytest

from skill.content import load_content
from tests.support.check_in_support import to_the_numbers
from tests.support.conversation import Couple, Said
from tests.support.damaged import NOT_A_STATE, damage
from tests.support.surfaces import both  # noqa: F401  (the fixture)
from tests.support.turns_support import MAYA, meet, says, script

SECTION = "roadblock"


def check_in(couple: Couple, maya: int, sam: int) -> tuple[Said, Said]:
    """A whole check-in, hands-free; (the reply that asks for the first number, the last reply)."""
    said = asked = to_the_numbers(couple)
    for _ in range(2):
        number = maya if said.lines[-1].voice == MAYA else sam
        said = couple.intent("RatingIntent", rating=str(number))
    return asked, said


def test_the_list_is_read_a_listed_one_is_kept_by_name_only_and_a_fitting_ritual_starts_on_yes(
    both: Couple, stored
) -> None:
    meet(both)
    said = both.intent("RoadblockIntent", one_shot=True)  # "Alexa, ask our rituals about our roadblock"
    assert says(said, SECTION, "ask") and not said.ends_session and said.reprompt != said.text

    said = both.resolved("RoadblockIntent", "roadblock", "we're too busy", "no_time")  # "it's no time"
    assert says(said, SECTION, "chosen", roadblock="no time") and says(said, SECTION, "remembered")
    assert says(said, SECTION, "offer", ritual="a hug") and not said.ends_session
    assert stored(both)["rituals"][SECTION] == {"chosen": "no_time", "on": "2026-11-22"}

    said = both.intent("AMAZON.YesIntent")
    assert said.tags("audio") and said.ends_session, "the hug it offered, right away"
    assert stored(both)["in_progress"] is None


def test_in_their_own_words_nothing_is_kept_and_no_declines_kindly(both: Couple, stored) -> None:
    meet(both)
    both.intent("RoadblockIntent", one_shot=True)
    said = both.intent("AMAZON.FallbackIntent")  # their own words, which match nothing listed
    assert says(said, SECTION, "own_words")
    assert says(said, SECTION, "offer", ritual="feelings, needs and a request")
    said = both.intent("AMAZON.NoIntent")
    assert says(said, SECTION, "declined") and said.ends_session
    document = stored(both)
    assert SECTION not in document["rituals"] and document["in_progress"] is None


def test_old_hurts_offer_the_gentle_start_and_name_counselling_as_a_tune_up(both: Couple, stored) -> None:
    meet(both)
    said = both.resolved("RoadblockIntent", "roadblock", "old hurts", "old_hurts", one_shot=True)
    assert says(said, SECTION, "old_hurts_care") and says(said, SECTION, "offer", ritual="the gentle start")
    said = both.intent("AMAZON.YesIntent")
    assert [voice for voice, key in script(said, "gentle_start") if key == "soften"] == [MAYA]


def test_the_next_check_in_asks_closer_than_last_week_and_answers_from_the_numbers(both: Couple, stored) -> None:
    meet(both)
    check_in(both, 5, 6)  # a first check-in, before any roadblock
    both.later(days=6)
    both.resolved("RoadblockIntent", "roadblock", "stress", "stress", one_shot=True)
    both.intent("AMAZON.NoIntent")

    asked, said = check_in(both.later(days=1), 7, 7)  # the next week's check-in
    assert says(asked, SECTION, "check_in_question", roadblock="stress")
    assert says(said, SECTION, "closer", roadblock="stress")

    asked, said = check_in(both.later(days=7), 6, 7)
    assert says(said, SECTION, "further", roadblock="stress")
    assert stored(both)["rituals"][SECTION] == {"chosen": "stress", "on": "2026-11-28"}, "nothing else is kept"


def test_a_check_in_the_same_day_or_weeks_later_does_not_ask(both: Couple) -> None:
    meet(both)
    both.resolved("RoadblockIntent", "roadblock", "stress", "stress", one_shot=True)
    asked, _ = check_in(both, 5, 5)
    assert not says(asked, SECTION, "check_in_question", roadblock="stress"), "not the day it was named"
    asked, _ = check_in(both.later(days=7 * 7), 5, 5)
    assert not says(asked, SECTION, "check_in_question", roadblock="stress"), "it rests after six weeks"


def test_help_and_repeat_while_choosing_read_the_list_again(both: Couple) -> None:
    meet(both)
    both.intent("RoadblockIntent", one_shot=True)
    said = both.intent("AMAZON.HelpIntent")
    assert says(said, SECTION, "ask_again") and not said.ends_session
    said = both.intent("AMAZON.RepeatIntent")
    assert says(said, SECTION, "ask_again") or says(said, SECTION, "ask")


def test_help_and_repeat_at_the_offer_ask_again_never_saying_one_line_twice(both: Couple) -> None:
    """Found by test_fuzz: asked again, the offer and its reprompt were one wording, said twice."""
    meet(both)
    both.intent("RoadblockIntent", one_shot=True)
    both.resolved("RoadblockIntent", "roadblock", "we're too busy", "no_time")
    for intent in ("AMAZON.HelpIntent", "AMAZON.RepeatIntent", "AMAZON.HelpIntent", "AMAZON.RepeatIntent"):
        said = both.intent(intent)
        assert says(said, SECTION, "offer_again", ritual="a hug") and not said.ends_session
        assert said.reprompt and said.reprompt != said.text, intent


def asks_about_a_roadblock(said: Said) -> bool:
    """Whether any wording of the check-in's roadblock question was said, whatever roadblock it named."""
    wordings = load_content("en-US").section(SECTION).lines.variants("check_in_question")
    return any(wording.split("{")[0] in said.text for wording in wordings)


@pytest.mark.parametrize(
    "damaged",
    [
        {"chosen": 5, "on": "2026-11-15"},
        {"chosen": "stress", "on": "last week"},
        {"chosen": "no longer listed", "on": "2026-11-15"},
        *NOT_A_STATE,
    ],
)
def test_a_damaged_roadblock_is_read_as_none_the_check_in_goes_on_and_a_new_one_is_kept(
    both: Couple, stored, embedded_store, damaged: Any
) -> None:
    meet(both)
    damage(both, embedded_store, SECTION, damaged)
    asked, said = check_in(both, 6, 7)
    assert not asks_about_a_roadblock(asked) and not asks_about_a_roadblock(said)
    assert said.ends_session and stored(both)["rituals"]["check_in"]["weeks"], "the numbers kept as ever"
    said = both.resolved("RoadblockIntent", "roadblock", "stress", "stress", one_shot=True)
    assert says(said, SECTION, "chosen", roadblock="stress")
    assert stored(both)["rituals"][SECTION] == {"chosen": "stress", "on": "2026-11-22"}
