"""The monthly look ahead (three questions, both answering, in turns), its monthly reminder by voice against a
local stand-in for the Alexa API, and "is our ritual working?" (what was used this month, from what is already
stored, then three questions). Each conversation runs through the Lambda handler and POST /alexa."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.alexa_api_standin import REMINDER_CREATED, AlexaApiStandIn, consent_answer
from tests.support.check_in_support import to_the_numbers
from tests.support.conversation import Couple, Said
from tests.support.damaged import NOT_A_STATE, damage
from tests.support.surfaces import both  # noqa: F401  (the fixture)
from tests.support.turns_support import MAYA, SAM, meet, open_mode, says, script

SECTION, REVIEW = "monthly", "ritual_review"
REMINDERS_SCOPE = "alexa::alerts:reminders:skill:readwrite"


def steps(said: Said, section: str) -> list[tuple[str, str | None]]:
    return [(voice, key) for voice, key in script(said, section) if key is not None]


def check_in(couple: Couple, maya: int, sam: int) -> None:
    said = to_the_numbers(couple)
    for _ in range(2):
        said = couple.intent("RatingIntent", rating=str(maya if said.lines[-1].voice == MAYA else sam))


# -- the look ahead ------------------------------------------------------------------------------------------
def test_three_questions_each_answered_by_both_who_starts_alternating(both: Couple, stored) -> None:
    meet(both)
    said = both.intent("MonthlyIntent", one_shot=True)  # "it's our monthly date"
    assert says(said, SECTION, "intro", name="Maya", other="Sam")
    assert steps(said, SECTION) == [(MAYA, "building"), (SAM, "building"), (SAM, "why"), (MAYA, "why")]
    assert says(said, SECTION, "next_part") and not said.ends_session
    said = both.later(minutes=4).intent("AMAZON.NextIntent")
    assert steps(said, SECTION) == [(MAYA, "step"), (SAM, "step")]
    assert says(said, SECTION, "closing") and said.ends_session
    assert stored(both)["rituals"][SECTION] == {"runs": ["2026-11-22"]}, "only the day, for the monthly review"


def test_at_our_own_pace_and_help_names_whose_turn(both: Couple) -> None:
    meet(both)
    said = open_mode(both, "MonthlyIntent")
    assert steps(said, SECTION) == [(MAYA, "building"), (MAYA, "take_time")]
    said = both.later(minutes=2).intent("AMAZON.HelpIntent", one_shot=True)
    assert says(said, SECTION, "help_turn", ritual="your monthly look ahead", name="Maya")
    said = both.intent("DoneIntent", one_shot=True)
    assert steps(said, SECTION)[0] == (SAM, "building")


# -- its reminder ---------------------------------------------------------------------------------------------
def test_remind_us_every_month_sets_one_reminder_and_asking_again_changes_it(
    both: Couple, alexa_api: AlexaApiStandIn, stored
) -> None:
    meet(both)
    both.api_endpoint = alexa_api.url
    alexa_api.status = 403
    said = both.intent("MonthlyReminderIntent", one_shot=True)  # "remind us every month"
    assert says(said, SECTION, "reminder_ask", time="7 PM")
    alexa_api.status = 200
    said = both.request(consent_answer("ACCEPTED", scope=REMINDERS_SCOPE))
    assert says(said, SECTION, "reminder_set", time="7 PM")
    sent = [r for r in alexa_api.received if r.path.startswith("/v1/alerts/reminders")]
    assert sent[-1].method == "POST"
    recurrence = sent[-1].body["trigger"]["recurrence"]
    assert recurrence["recurrenceRules"] == ["FREQ=MONTHLY;BYMONTHDAY=1;BYHOUR=19;BYMINUTE=0;BYSECOND=0;INTERVAL=1"]
    assert recurrence["startDateTime"] == "2026-12-01T19:00:00.000", "the first of next month"
    said = both.intent("MonthlyReminderIntent", one_shot=True, clock="20:30")
    assert says(said, SECTION, "reminder_changed", time="8:30 PM")
    last = [r for r in alexa_api.received if r.path.startswith("/v1/alerts/reminders")][-1]
    assert (last.method, last.path) == ("PUT", f"/v1/alerts/reminders/{REMINDER_CREATED['alertToken']}")
    assert stored(both)["rituals"][SECTION]["reminder"] == {"token": REMINDER_CREATED["alertToken"], "time": "20:30"}


# -- is our ritual working? ------------------------------------------------------------------------------------
def test_the_review_names_what_was_used_this_month_then_asks_three_questions(both: Couple, stored) -> None:
    meet(both)
    both.later(days=-10)  # 12 November
    check_in(both, 6, 7)
    both.intent("MonthlyIntent", one_shot=True)
    both.later(days=10)  # 22 November
    check_in(both, 7, 7)
    both.intent("StressMapIntent", one_shot=True)
    both.intent("RatingIntent", rating="5")
    both.intent("RatingIntent", rating="4")
    said = both.later(days=1).intent("RitualReviewIntent", one_shot=True)  # "is our ritual working?"
    assert says(said, REVIEW, "intro", name="Sam", other="Maya") or says(
        said, REVIEW, "intro", name="Maya", other="Sam"
    )
    for used in ("our weekly check-in, twice", "a stress map, once", "our monthly look ahead, once"):
        assert used in said.text, used
    keys = [key for _, key in steps(said, REVIEW)]
    assert keys == ["doing", "doing", "fit", "fit"] and says(said, REVIEW, "change")
    assert says(said, REVIEW, "closing") and said.ends_session
    assert REVIEW not in stored(both)["rituals"], "the review keeps nothing of its own"


def test_a_quiet_month_is_named_without_judgement(both: Couple) -> None:
    meet(both)
    said = both.intent("RitualReviewIntent", one_shot=True)
    assert says(said, REVIEW, "used_none")


# -- damaged stored state -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "damaged", [{"runs": "2026-11-01", "reminder": {"token": None, "time": 5}, "refused_on": 3}, *NOT_A_STATE]
)
def test_a_damaged_look_ahead_is_read_as_none_its_reminder_set_anew(
    both: Couple, alexa_api: AlexaApiStandIn, stored, embedded_store, damaged: Any
) -> None:
    meet(both)
    both.api_endpoint = alexa_api.url
    damage(both, embedded_store, SECTION, damaged)
    said = both.intent("MonthlyReminderIntent", one_shot=True)
    assert says(said, SECTION, "reminder_set", time="7 PM")
    assert [r.method for r in alexa_api.received if r.path.startswith("/v1/alerts/reminders")] == ["POST"]
    said = both.intent("MonthlyIntent", one_shot=True)
    assert says(said, SECTION, "intro", name="Maya", other="Sam")
    reminder = {"token": REMINDER_CREATED["alertToken"], "time": "19:00"}
    assert stored(both)["rituals"][SECTION] == {"runs": ["2026-11-22"], "reminder": reminder}, "nothing damaged left"


def test_damaged_traces_are_a_quiet_month_to_the_review(both: Couple, stored, embedded_store) -> None:
    meet(both)
    damage(both, embedded_store, "check_in", {"weeks": {"2026-W47": "seven"}, "count": "many"})
    damage(both, embedded_store, "stress_map", {"ratings": [{"date": 20261122, "partner": 0, "rating": 5}, "five"]})
    damage(both, embedded_store, "morning_coffee", '{"recent": {"date": "2026-11-22"}}')
    damage(both, embedded_store, "sunday_share", {"kept": [{"giver": 0, "text": "Thanks.", "on": "2026-11-20"}]})
    damage(both, embedded_store, "monthly", "{not json")
    before = {name: state for name, state in stored(both)["rituals"].items() if name != "host"}  # the menu's note aside
    said = both.intent("RitualReviewIntent", one_shot=True)
    assert says(said, REVIEW, "used_none")
    assert [key for _, key in steps(said, REVIEW)] == ["doing", "doing", "fit", "fit"] and said.ends_session
    assert {name: stored(both)["rituals"].get(name) for name in before} == before, "looked at, never written"
