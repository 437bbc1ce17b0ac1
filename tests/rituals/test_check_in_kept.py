"""Check-ins are never lost: a week with a number passed by is kept and told, "your last check-in" is the
latest one, and a half-finished check-in waits 8 hours while another ritual runs."""

from __future__ import annotations

from typing import Any

from skill.content import load_content
from tests.support.check_in_support import to_the_numbers
from tests.support.conversation import Couple, Said
from tests.support.turns_support import MAYA

LINES = load_content("en-US").section("check_in").lines


def said_one_of(said: Said, key: str, **values: str) -> bool:
    filled = {"first": "Maya", "second": "Sam", **values}
    return any(" ".join(w.format(**filled).split()).split("{")[0] in said.text for w in LINES.variants(key))


def check_in(couple: Couple, maya: str | None, sam: str | None) -> Said:
    said = to_the_numbers(couple)
    for _ in range(2):
        mine = said.lines[-1].voice == MAYA
        number = maya if mine else sam
        said = couple.intent("RatingIntent", rating=number) if number else couple.intent("SkipIntent")
    return said


def test_a_hard_week_with_a_number_passed_is_the_last_check_in_and_told(couple: Couple, stored: Any) -> None:
    couple.meet("Maya", "Sam")
    check_in(couple, "7", "8")
    couple.later(days=7)
    check_in(couple, "3", None)  # a hard week: 3, and Sam passes
    assert stored(couple)["rituals"]["check_in"]["partial"], "the week is kept"
    said = couple.later(hours=2).intent("CheckInHistoryIntent", one_shot=True)  # "how have we been doing?"
    heard = [
        said_one_of(said, "history_last_one_passed", when=when, name="Maya", rating="three")
        for when in LINES.variants("when_this_week")
    ]
    assert any(heard), said.text
    assert "8" not in said.text and "eight" not in said.text, "the older check-in is not called the last one"


def test_both_passing_is_told_too(couple: Couple) -> None:
    couple.meet("Maya", "Sam")
    check_in(couple, None, None)
    said = couple.later(hours=1).intent("CheckInHistoryIntent", one_shot=True)
    assert any(said_one_of(said, "history_last_both_passed", when=when) for when in LINES.variants("when_this_week")), (
        said.text
    )


def test_a_half_finished_check_in_waits_while_another_ritual_runs(couple: Couple, stored: Any) -> None:
    couple.meet("Maya", "Sam")
    said = to_the_numbers(couple)  # both share, talk it over, then a number is asked
    asked = said.lines[-1].voice
    couple.intent("RatingIntent", rating="6")
    couple.later(minutes=5).intent("HugIntent", one_shot=True)  # the kettle, a hug, life
    said = couple.later(hours=2).intent("CheckInIntent", one_shot=True)
    assert said.lines[-1].voice not in (None, asked), f"the other number is asked, where they stopped: {said.text}"
    said = couple.intent("RatingIntent", rating="8")
    weeks = stored(couple)["rituals"]["check_in"]["weeks"]
    assert sorted(next(iter(weeks.values()))) == [6, 8], "both numbers of one check-in"


def test_after_eight_hours_a_set_aside_check_in_starts_afresh(couple: Couple, stored: Any) -> None:
    couple.meet("Maya", "Sam")
    to_the_numbers(couple)
    couple.intent("RatingIntent", rating="6")
    couple.later(minutes=5).intent("HugIntent", one_shot=True)
    said = couple.later(hours=9).intent("CheckInIntent", one_shot=True)
    assert said_one_of(said, "intro") or said.timed_seconds() > 30, said.text
