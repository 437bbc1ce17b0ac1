"""The two-minute appreciation: a trait and a recent action each, in timed turns or at the couple's own pace."""

from __future__ import annotations

from tests.support.conversation import Couple
from tests.support.turns_support import MAYA, SAM, meet, open_mode, says, script

SECTION = "appreciation"


def test_paced_a_trait_and_an_action_each_in_their_own_voice(couple: Couple) -> None:
    meet(couple)
    said = couple.intent("AppreciationIntent", one_shot=True)
    assert says(said, SECTION, "intro", name="Maya", other="Sam")
    assert script(said, SECTION) == [(MAYA, "trait"), (MAYA, "action"), (SAM, "trait"), (SAM, "action")]
    assert len(said.tags("audio")) == 2
    assert says(said, SECTION, "closing") and said.ends_session


def test_the_words_take_our_time_start_it_open_even_unresolved(couple: Couple) -> None:
    """Alexa may send the heard words without resolving them to the value id: they still mean open."""
    meet(couple)
    said = couple.intent("AppreciationIntent", one_shot=True, pace="take our time")
    assert script(said, SECTION) == [(MAYA, "trait"), (MAYA, "take_time")]
    assert said.ends_session, "open pace: the microphone closes while Maya talks"


def test_open_mode_to_the_end(couple: Couple, stored) -> None:
    meet(couple)
    open_mode(couple, "AppreciationIntent")
    firsts = [script(couple.intent("DoneIntent"), SECTION)[0] for _ in range(3)]
    assert firsts == [(MAYA, "action"), (SAM, "trait"), (SAM, "action")]
    said = couple.intent("DoneIntent")
    assert says(said, SECTION, "closing") and said.ends_session
    assert stored(couple)["in_progress"] is None
