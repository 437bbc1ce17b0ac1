""" "My turn is over" and "we're finished" are different things to say, and speaking mid-turn never skips anyone.

"Your turn" or "I'm done" (DoneIntent) hands over to whoever is next; "we're done" or "we're finished"
(FinishedIntent) plays nothing more: it keeps the place and closes, or, with nothing to come back to, ends
the ritual and says so. Said while an answer plays, "your turn" hands over from the turn that was playing,
and nobody's turn or number is skipped or recorded as skipped.
"""

from __future__ import annotations

from typing import Any

from skill.content import load_content
from tests.support.conversation import Couple
from tests.support.turns_support import MAYA, SAM, says

NARRATOR = load_content("en-US").section("narrator").lines


def said_by_narrator(text: str, key: str) -> bool:
    return any(w.split("{")[0] in text for w in NARRATOR.variants(key))


def test_your_turn_twenty_seconds_into_mayas_answer_hands_over_to_sam(couple: Couple, stored: Any) -> None:
    couple.kitchen_clock = True
    couple.meet("Maya", "Sam")
    said = couple.intent("TonightsQuestionIntent", one_shot=True)
    maya_starts = next(start for start, line in said.timeline() if line.voice == MAYA)
    said = couple.into_answer(seconds=maya_starts + 20).intent("DoneIntent")  # "Alexa, your turn"
    assert said.lines[0].voice is None and SAM in said.voices, f"Sam is asked next: {said.text}"
    assert MAYA not in said.voices[:2], "Maya's turn is not played again"
    assert stored(couple)["in_progress"]["ritual"] == "tonights_question"


def test_im_done_forty_seconds_into_the_first_share_keeps_sams_share_and_both_numbers(
    couple: Couple, stored: Any
) -> None:
    couple.kitchen_clock = True
    couple.meet("Maya", "Sam")
    said = couple.intent("CheckInIntent", one_shot=True)
    first = next(line.voice for line in said.lines if line.voice)
    other = SAM if first == MAYA else MAYA
    first_starts = next(start for start, line in said.timeline() if line.voice == first)
    said = couple.into_answer(seconds=first_starts + 40).intent("DoneIntent")  # "Alexa, I'm done"
    assert other in said.voices, f"the other partner shares next: {said.text}"
    assert "no number" not in said.text.lower()
    state = stored(couple)["in_progress"]["state"]
    assert state["ratings"] == [None, None], "no number recorded, none skipped"


def test_we_are_done_at_the_stress_maps_number_keeps_the_place_and_plays_nothing(couple: Couple, stored: Any) -> None:
    couple.kitchen_clock = True
    couple.meet("Maya", "Sam")
    couple.intent("StressMapIntent", one_shot=True)  # both speak, then a number is asked
    before = stored(couple)["in_progress"]["state"]
    said = couple.intent("FinishedIntent")  # "we're done"
    assert said.ends_session and said.timed_seconds() == 0 and not [v for v in said.voices if v]
    assert said_by_narrator(said.text, "finished_kept")
    assert stored(couple)["in_progress"]["state"]["cursor"] == before["cursor"], "no number skipped, no turn played"
    assert "stress_map" not in stored(couple)["rituals"] or not stored(couple)["rituals"]["stress_map"].get("ratings")


def test_we_are_done_at_the_thirty_six_questions_next_point_plays_no_more_questions(
    couple: Couple, stored: Any
) -> None:
    couple.kitchen_clock = True
    couple.meet("Maya", "Sam")
    couple.intent("ThirtySixQuestionsIntent", one_shot=True)
    before = stored(couple)["in_progress"]["state"]["cursor"]
    said = couple.intent("FinishedIntent")
    assert said.ends_session and said.timed_seconds() == 0 and not [v for v in said.voices if v], said.text
    assert stored(couple)["in_progress"]["state"]["cursor"] == before


def test_we_are_done_at_the_gentle_starts_half_way_point_keeps_the_second_half(couple: Couple, stored: Any) -> None:
    couple.kitchen_clock = True
    couple.meet("Maya", "Sam")
    said = couple.intent("GentleStartIntent", one_shot=True)
    assert not said.ends_session, "half-way: it waits for next"
    said = couple.intent("FinishedIntent")
    assert said.ends_session and said.timed_seconds() == 0 and said_by_narrator(said.text, "finished_kept"), said.text
    said = couple.later(hours=1).intent("AMAZON.ResumeIntent", one_shot=True)
    assert says(said, "gentle_start", "soften_swap", name="Sam", other="Maya"), "the second half, from its start"


def test_we_are_done_after_both_answered_tonights_question_ends_it_and_says_so(couple: Couple, stored: Any) -> None:
    couple.kitchen_clock = True
    couple.meet("Maya", "Sam")
    couple.intent("TonightsQuestionIntent", one_shot=True)
    said = couple.intent("FinishedIntent")  # to "another question?"
    assert said.ends_session and said_by_narrator(said.text, "finished") and stored(couple)["in_progress"] is None


def test_your_turn_during_the_thirty_six_questions_timed_answers_hands_over_not_on(couple: Couple, stored: Any) -> None:
    couple.kitchen_clock = True
    couple.meet("Maya", "Sam")
    said = couple.intent("ThirtySixQuestionsIntent", one_shot=True)
    timeline = [(start, line.voice) for start, line in said.timeline() if line.voice]
    first_start, first_voice = timeline[0]
    said = couple.into_answer(seconds=first_start + 15).intent("DoneIntent")  # "Alexa, your turn"
    voices = [v for v in said.voices if v]
    assert voices and voices[0] != first_voice, f"the other partner answers next: {said.text}"
    assert stored(couple)["in_progress"]["ritual"] == "thirty_six"
