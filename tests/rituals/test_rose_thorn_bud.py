"""Rose, thorn, bud: each partner names all three in their own voice while the other only listens."""

from __future__ import annotations

from tests.support.conversation import Couple
from tests.support.turns_support import MAYA, SAM, finished, meet, open_mode, says, script

SECTION = "rose_thorn_bud"
MAYA_ALL = [(MAYA, "rose"), (MAYA, "thorn"), (MAYA, "bud")]
SAM_ALL = [(SAM, "rose"), (SAM, "thorn"), (SAM, "bud")]


def test_paced_each_names_a_rose_a_thorn_and_a_bud_in_one_hands_free_response(couple: Couple, stored) -> None:
    meet(couple)
    said = couple.intent("RoseThornBudIntent", one_shot=True)
    assert says(said, SECTION, "intro", name="Maya", other="Sam"), "the intro says the listener only listens"
    assert script(said, SECTION) == MAYA_ALL + SAM_ALL
    assert len(said.tags("audio")) == 2, "a soft chime when the turn changes hands, and at the end"
    assert says(said, SECTION, "closing") and said.ends_session
    assert finished(stored(couple))


def test_the_next_round_starts_with_the_other_partner(couple: Couple) -> None:
    meet(couple)
    couple.intent("RoseThornBudIntent", one_shot=True)
    said = couple.later(days=1).intent("RoseThornBudIntent", one_shot=True)
    assert script(said, SECTION) == SAM_ALL + MAYA_ALL


def test_open_mode_one_prompt_at_a_time_and_thanks_when_the_turn_changes_hands(couple: Couple) -> None:
    meet(couple)
    said = open_mode(couple, "RoseThornBudIntent")
    assert script(said, SECTION) == [(MAYA, "rose"), (MAYA, "take_time")]
    said = couple.intent("DoneIntent")
    assert script(said, SECTION)[0] == (MAYA, "thorn") and not says(said, SECTION, "thanks", name="Maya")
    said = couple.intent("AMAZON.NextIntent")  # "next" works as well as "I'm done"
    assert script(said, SECTION)[0] == (MAYA, "bud")
    said = couple.intent("DoneIntent")
    assert says(said, SECTION, "thanks", name="Maya") and script(said, SECTION)[0] == (SAM, "rose")
    for expected in ("thorn", "bud"):
        said = couple.intent("DoneIntent")
        assert script(said, SECTION)[0] == (SAM, expected) and said.ends_session
    said = couple.intent("DoneIntent")
    # After the last turn the closing thanks them both; a thanks to Sam first would be heard as a second one.
    assert says(said, SECTION, "closing") and not says(said, SECTION, "thanks", name="Sam") and said.ends_session


def test_an_open_round_picks_up_at_the_same_step_after_the_microphone_closed(couple: Couple, stored) -> None:
    meet(couple)
    open_mode(couple, "RoseThornBudIntent")
    couple.intent("DoneIntent")  # Maya's rose is done; now her thorn
    couple.session_ended("EXCEEDED_MAX_REPROMPTS")  # they talked; Alexa stopped listening
    said = couple.later(hours=2).launch()
    assert "rose, thorn, bud" in said.text, "the launch offers to continue, by name"
    said = couple.intent("AMAZON.ResumeIntent")
    assert script(said, SECTION) == [(MAYA, "thorn"), (MAYA, "take_time")]
    assert stored(couple)["in_progress"]["state"]["pace"] == "open"
