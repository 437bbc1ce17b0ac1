"""Breathing together: in and out cues in alternating voices, the exhale longer, all in one response."""

from __future__ import annotations

import pytest

from skill.speech.limits import MAX_SPEECH_AUDIO_SECONDS
from tests.support.conversation import Couple


def cues(said) -> list[tuple[str | None, str]]:
    return [(line.voice, line.text) for line in said.lines if line.voice is not None]


def test_six_breaths_with_cues_alternating_between_the_two_voices(couple: Couple) -> None:
    couple.meet("Maya", "Sam")
    said = couple.intent("BreatheIntent", one_shot=True)
    spoken = cues(said)
    assert len(spoken) == 12
    voices = [voice for voice, _ in spoken]
    assert voices == ["Joanna", "Matthew"] * 6
    assert "in" in spoken[0][1].lower() and "out" in spoken[1][1].lower()
    breaks = [float(b["time"].rstrip("ms")) / 1000 for b in said.tags("break")]
    assert breaks[:2] == [4.0, 6.0], "the exhale is longer than the inhale"
    assert said.ends_session
    assert said.timed_seconds() <= MAX_SPEECH_AUDIO_SECONDS


def test_who_leads_alternates_across_rituals_and_is_remembered(couple: Couple, stored) -> None:
    couple.meet("Maya", "Sam")
    first = couple.intent("BreatheIntent", one_shot=True)
    assert "Maya" in first.lines[0].text
    assert stored(couple)["next_first"] == 1
    second = couple.later(hours=20).intent("BreatheIntent", one_shot=True)
    assert "Sam" in second.lines[0].text
    assert cues(second)[0][0] == "Matthew", "Sam leads the breath in, in Sam's voice"


def test_a_chosen_number_of_breaths(couple: Couple) -> None:
    couple.meet()
    said = couple.intent("BreatheIntent", one_shot=True, breaths="3")
    assert len(cues(said)) == 6


@pytest.mark.parametrize(("asked", "given"), [("40", 12), ("0", 1), ("1000000", 12)])
def test_too_many_or_too_few_breaths_get_a_kind_correction(couple: Couple, asked: str, given: int) -> None:
    couple.meet()
    said = couple.intent("BreatheIntent", one_shot=True, breaths=asked)
    assert len(cues(said)) == 2 * given
    assert str(given) in said.lines[0].text
    assert said.timed_seconds() <= MAX_SPEECH_AUDIO_SECONDS
