"""Sentence stems: three beginnings, both partners finish each, and who starts alternates from stem to stem."""

from __future__ import annotations

from tests.support.conversation import Couple
from tests.support.turns_support import MAYA, SAM, meet, open_mode, says, script

SECTION = "sentence_stems"
STEMS = ("Lately I've been feeling...", "Something I'm afraid to say is...", "I feel most loved when you...")


def test_paced_three_stems_alternating_who_starts(couple: Couple) -> None:
    meet(couple)
    said = couple.intent("SentenceStemsIntent", one_shot=True)
    assert script(said, SECTION) == [
        (MAYA, "stem_feeling"), (SAM, "stem_feeling"),
        (SAM, "stem_afraid"), (MAYA, "stem_afraid"),
        (MAYA, "stem_loved"), (SAM, "stem_loved"),
    ]  # fmt: skip
    voiced = [line.text for line in said.lines if line.voice]
    for number, stem in enumerate(STEMS):
        assert voiced[2 * number].endswith(stem) and voiced[2 * number + 1].endswith(stem)
    assert len(said.tags("audio")) == 5, "a soft chime each time the turn moves on; the closing words follow the last"
    assert says(said, SECTION, "closing") and said.ends_session


def test_the_next_time_sam_opens_the_first_stem(couple: Couple) -> None:
    meet(couple)
    couple.intent("SentenceStemsIntent", one_shot=True)
    said = couple.later(days=2).intent("SentenceStemsIntent", one_shot=True)
    assert script(said, SECTION)[:2] == [(SAM, "stem_feeling"), (MAYA, "stem_feeling")]


def test_open_mode_each_stem_waits_for_the_hand_over(couple: Couple) -> None:
    meet(couple)
    said = open_mode(couple, "SentenceStemsIntent")
    assert script(said, SECTION) == [(MAYA, "stem_feeling"), (MAYA, "take_time")]
    firsts = [script(couple.intent("DoneIntent"), SECTION)[0] for _ in range(5)]
    assert firsts == [
        (SAM, "stem_feeling"), (SAM, "stem_afraid"), (MAYA, "stem_afraid"), (MAYA, "stem_loved"), (SAM, "stem_loved"),
    ]  # fmt: skip
    said = couple.intent("DoneIntent")
    assert says(said, SECTION, "closing") and said.ends_session
