"""Gentle start: a few slow breaths, then soften, reflect, impact and a request (said back and answered), swap roles,
one experiment, and an appreciation each."""

from __future__ import annotations

import pytest

from skill.content import load_content
from tests.support.conversation import Couple, Said
from tests.support.turns_support import MAYA, SAM, finished, meet, open_mode, says, script

SECTION = "gentle_start"
BREATHE = load_content("en-US").section("breathe").lines
REQUEST = "feelings_needs"  # the request and its answer are worded as in that ritual
FIRST_HALF = [(MAYA, "soften"), (SAM, "reflect"), (MAYA, "impact"), (MAYA, "ask"), (SAM, "answer")]
SECOND_HALF = [(SAM, "soften_swap"), (MAYA, "reflect"), (SAM, "impact"), (SAM, "ask"), (MAYA, "answer")]
APPRECIATIONS = [(MAYA, "appreciate"), (SAM, "appreciate")]


def breath_cues(said: Said) -> list[tuple[str | None, str]]:
    """(voice, in|out) for each breathing cue, borrowed from the breathing ritual's content."""
    kinds = dict.fromkeys(BREATHE.variants("in_cue"), "in") | dict.fromkeys(BREATHE.variants("out_cue"), "out")
    return [(line.voice, kinds[line.text]) for line in said.lines if line.text in kinds]


def steps(said: Said) -> list[tuple[str, str | None]]:
    own, request = script(said, SECTION), script(said, REQUEST)
    return [(voice, key or asked) for (voice, key), (_, asked) in zip(own, request, strict=True) if key or asked]


def test_paced_it_breathes_first_then_says_plainly_it_needs_three_parts_and_swaps_roles_in_the_second(
    couple: Couple, stored
) -> None:
    meet(couple)
    said = couple.intent("GentleStartIntent", one_shot=True)
    assert says(said, SECTION, "intro", name="Maya", other="Sam") and says(said, SECTION, "breathe_intro", count=3)
    assert breath_cues(said) == [(MAYA, "in"), (SAM, "out")] * 3, "Maya leads the breath in, Sam the breath out"
    assert steps(said) == FIRST_HALF
    assert says(said, SECTION, "next_part"), "the couple hears plainly that the rest comes next"
    assert not said.ends_session and said.reprompt != said.text
    assert stored(couple)["in_progress"]["state"]["cursor"] == 5

    said = couple.later(minutes=4).intent("AMAZON.NextIntent")  # "next", at the pause
    assert steps(said) == SECOND_HALF, "the roles swap: Sam speaks and asks, Maya listens, says back and answers"
    assert says(said, SECTION, "next_part") and not said.ends_session

    said = couple.later(minutes=4).intent("AMAZON.NextIntent")
    assert says(said, SECTION, "experiment"), "together, one small experiment for the week"
    assert steps(said) == APPRECIATIONS
    assert says(said, SECTION, "closing") and said.ends_session
    assert finished(stored(couple))


def test_when_alexa_stops_listening_at_the_pause_the_second_half_continues_hours_later(couple: Couple) -> None:
    meet(couple)
    couple.intent("GentleStartIntent", one_shot=True)
    couple.session_ended("EXCEEDED_MAX_REPROMPTS")
    said = couple.later(hours=2).intent("AMAZON.ResumeIntent", one_shot=True)
    assert says(said, SECTION, "resume", ritual="the gentle start")
    assert steps(said) == SECOND_HALF and not breath_cues(said)
    assert says(said, SECTION, "next_part")


def test_take_our_time_at_the_pause_carries_on_open_from_the_role_swap(couple: Couple) -> None:
    meet(couple)
    couple.intent("GentleStartIntent", one_shot=True)
    said = couple.later(minutes=5).intent("TakeOurTimeIntent")  # at the pause, once the first half has played
    assert says(said, SECTION, "now_open")
    assert steps(said) == [(SAM, "soften_swap"), (SAM, "take_time")]


def test_open_mode_every_step_waits_for_the_couple(couple: Couple, stored) -> None:
    meet(couple)
    said = open_mode(couple, "GentleStartIntent")
    assert breath_cues(said), "the breaths are hands-free in either pace"
    assert steps(said) == [(MAYA, "soften"), (MAYA, "take_time")]
    firsts = []
    for _ in range(9):
        said = couple.intent("DoneIntent")
        firsts.append(steps(said)[0])
    assert firsts == [*FIRST_HALF[1:], *SECOND_HALF]
    said = couple.intent("DoneIntent")
    assert says(said, SECTION, "experiment") and says(said, SECTION, "take_time_both"), "agree, then: next"
    assert not steps(said) and said.ends_session
    said = couple.intent("AMAZON.FallbackIntent")  # a snatch of their talk
    assert says(said, SECTION, "still_talking_both") and not steps(said)
    said = couple.intent("DoneIntent")
    assert steps(said)[0] == (MAYA, "appreciate")
    said = couple.intent("DoneIntent")
    assert steps(said)[0] == (SAM, "appreciate")
    said = couple.intent("DoneIntent")
    assert says(said, SECTION, "closing") and said.ends_session


def test_the_opening_breaths_can_be_turned_off_in_the_content(couple: Couple, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(load_content("en-US").section(SECTION).settings, "opening_breaths", 0)  # type: ignore[arg-type]
    meet(couple)
    said = couple.intent("GentleStartIntent", one_shot=True)
    assert not breath_cues(said) and not says(said, SECTION, "breathe_intro", count=3)
    assert steps(said) == FIRST_HALF


def test_the_request_step_can_be_turned_off_in_the_content(couple: Couple, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(load_content("en-US").section(SECTION).settings, "request_seconds", {})  # type: ignore[arg-type]
    meet(couple)
    said = couple.intent("GentleStartIntent", one_shot=True)
    assert steps(said) == FIRST_HALF[:3]


def test_next_time_sam_speaks_first_and_leads_the_breath(couple: Couple) -> None:
    meet(couple)
    couple.intent("GentleStartIntent", one_shot=True)
    couple.intent("AMAZON.NextIntent")
    said = couple.later(days=3).intent("GentleStartIntent", one_shot=True)
    assert breath_cues(said)[0] == (SAM, "in")
    assert steps(said) == [(SAM, "soften"), (MAYA, "reflect"), (SAM, "impact"), (SAM, "ask"), (MAYA, "answer")]
