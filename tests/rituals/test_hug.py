"""The hug timer: one hands-free response, the promised hold counted in breaks and clips, then goodbye."""

from __future__ import annotations

import itertools

import pytest

from tests.support.conversation import Couple


def test_a_twenty_second_hug_by_default(couple: Couple) -> None:
    couple.meet()
    said = couple.intent("HugIntent", one_shot=True)
    assert said.ends_session
    assert said.timed_seconds() == pytest.approx(20.0)
    assert "20 seconds" in said.text
    assert said.tags("audio"), "a soft chime ends the hold"
    assert all(float(b["time"].rstrip("ms")) <= 10000 for b in said.tags("break"))
    assert said.voices[-1] is None and said.lines[-1].text  # one closing line from the narrator


@pytest.mark.parametrize(("heard", "value_id", "seconds"), [("longer", "longer", 30), ("extra long", "longest", 60)])
def test_a_longer_hug(couple: Couple, heard: str, value_id: str, seconds: int) -> None:
    said = couple.resolved("HugIntent", "length", heard, value_id, one_shot=True)
    assert said.timed_seconds() == pytest.approx(seconds)
    assert f"{seconds} seconds" in said.text


def test_a_hug_of_a_chosen_length(couple: Couple) -> None:
    said = couple.intent("HugIntent", one_shot=True, seconds="45")
    assert said.timed_seconds() == pytest.approx(45.0)


@pytest.mark.parametrize(("asked", "given", "words"), [("600", 60, "up to 60"), ("2", 5, "at least 5"), ("-3", 5, "5")])
def test_out_of_range_seconds_get_a_kind_correction(couple: Couple, asked: str, given: int, words: str) -> None:
    said = couple.intent("HugIntent", one_shot=True, seconds=asked)
    assert words in said.text or f"{given} seconds" in said.text
    assert said.timed_seconds() == pytest.approx(given)
    assert said.ends_session


def test_a_misheard_number_gives_the_default_hug(couple: Couple) -> None:
    said = couple.intent("HugIntent", one_shot=True, seconds="?")
    assert said.timed_seconds() == pytest.approx(20.0)


def test_a_hug_works_before_the_couple_has_introduced_themselves(couple: Couple, stored) -> None:
    said = couple.intent("HugIntent", one_shot=True)
    assert said.ends_session and said.timed_seconds() == pytest.approx(20.0)
    assert stored(couple)["names"] == []


def test_the_closing_line_varies_from_one_hug_to_the_next(couple: Couple) -> None:
    closings = [couple.intent("HugIntent", one_shot=True).lines[-1].text for _ in range(6)]
    assert all(a != b for a, b in itertools.pairwise(closings))
