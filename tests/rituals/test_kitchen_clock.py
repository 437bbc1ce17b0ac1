"""A kitchen clock: rituals played as one answer, interrupted a quarter, a half and three quarters of the way in.

Life interrupts a three-minute answer: a phone call, a child waking, one partner finishing early. "Alexa, tell
our rituals ..." said while the answer plays reaches the skill with a timestamp; against the answer's start,
it says which turn was playing (the answer's timeline: words at Alexa's pace, breaks and clips). Where the
couple end up is read from what they hear next, never from the skill's own notes: the turn that was playing
is the one taken slowly, paused and continued an hour later, repeated or explained; "your turn" and "I'm done"
hand over to the turn after it; "we're done" plays nothing more and keeps the place.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import pytest

from skill.content import CONTENT_DIR, load_content
from tests.support.conversation import Couple, Line, Said
from tests.support.turns_support import MAYA, SAM, borrowed_lines, wordings

Step = tuple[str | None, str]  # (the partner voice speaking it, or None for both; its content key)

# Each ritual played as one answer: its start intent, and whether the answer is the second (the gentle start's
# second half, the roles swapped, which ends on a pause before the experiment).
ONE_ANSWER = {
    "morning_coffee": ("MorningCoffeeIntent", False),
    "rose_thorn_bud": ("RoseThornBudIntent", False),
    "appreciation": ("AppreciationIntent", False),
    "three_dates": ("ThreeDatesIntent", False),
    "gentle_start": ("GentleStartIntent", True),
}
FRACTIONS = (0.25, 0.5, 0.75)
NARRATOR = load_content("en-US").section("narrator").lines
ONE_SHOT = "Alexa, tell our rituals next"


def own_keys(section: str) -> list[str]:
    """The line keys of the ritual's own content file (not the shared turn-taking ones)."""
    own = list(json.loads((CONTENT_DIR / "en" / f"{section}.json").read_text(encoding="utf-8"))["lines"])
    return own + list(borrowed_lines(section))  # and the steps worded in another ritual's content


def step_of(section: str, line: Line, keys: Iterable[str]) -> Step | None:
    """Which of the ritual's turns a line opens (its prompt), or None when it is not one."""
    for key in keys:
        if line.voice in (MAYA, SAM):
            name, other = ("Maya", "Sam") if line.voice == MAYA else ("Sam", "Maya")
            if line.text in wordings(section, key, name=name, other=other):
                return (line.voice, key)
        elif any(wording in line.text for wording in wordings(section, key)):  # narrator lines run together
            return (None, key)
    return None


def timeline(section: str, said: Said) -> list[tuple[float, Step]]:
    """When each turn starts in the answer, from its SSML alone: the lines from the first in a partner's voice
    up to the closing line."""
    lines = said.timeline()
    first = next(index for index, (_, line) in enumerate(lines) if line.voice in (MAYA, SAM))
    keys = own_keys(section)
    return [(start, step) for start, line in lines[first:-1] if (step := step_of(section, line, keys))]


def prompts(section: str, said: Said, steps: list[Step]) -> list[Step]:
    """The turns a reply opens, in order."""
    keys = sorted({key for _, key in steps})
    return [step for line in said.lines if (step := step_of(section, line, keys)) and step in steps]


def playing_at(turns: list[tuple[float, Step]], seconds: float) -> int:
    """The index of the turn playing `seconds` into the answer (the introduction counts as the first turn's)."""
    return max([0, *[index for index, (start, _) in enumerate(turns) if start <= seconds]])


def heard(said: Said, key: str, **values: str) -> bool:
    filled = {"first": "Maya", "second": "Sam", **values}
    return any(" ".join(w.format(**filled).split()).split("{")[0] in said.text for w in NARRATOR.variants(key))


def one_answer(couple: Couple, ritual: str) -> Said:
    intent, second = ONE_ANSWER[ritual]
    couple.kitchen_clock = True
    couple.meet("Maya", "Sam")
    said = couple.intent(intent, one_shot=True)
    if second:
        said = couple.intent("AMAZON.NextIntent")  # the second half, as one answer
    assert said.ends_session or second, f"{ritual}: played as one answer"
    return said


@pytest.fixture(params=list(ONE_ANSWER))
def ritual(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(params=FRACTIONS, ids=["a quarter in", "half-way", "three quarters in"])
def fraction(request: pytest.FixtureRequest) -> float:
    return float(request.param)


def interrupted(couple: Couple, ritual: str, fraction: float) -> tuple[list[Step], int]:
    """The answer played, and the couple barging in `fraction` of the way in: its turns, and which was playing."""
    said = one_answer(couple, ritual)
    turns = timeline(ritual, said)
    assert len(turns) >= 2, turns
    couple.barge_in(fraction)
    seconds = (couple.now - couple.answer_started).total_seconds()
    return [step for _, step in turns], playing_at(turns, seconds)


def test_take_our_time_opens_the_turn_that_was_playing(couple: Couple, ritual: str, fraction: float) -> None:
    steps, playing = interrupted(couple, ritual, fraction)
    said = couple.intent("TakeOurTimeIntent", one_shot=True)
    assert prompts(ritual, said, steps)[:1] == [steps[playing]], said.text
    assert said.ends_session and ONE_SHOT in said.text, "open: the microphone closes, and the one-shot is said"


def test_pause_then_continue_an_hour_later_goes_on_from_the_turn_that_was_playing(
    couple: Couple, ritual: str, fraction: float
) -> None:
    steps, playing = interrupted(couple, ritual, fraction)
    said = couple.intent("AMAZON.PauseIntent", one_shot=True)
    assert said.ends_session and heard(said, "paused", ritual=load_content("en-US").section(ritual).settings["title"])
    said = couple.later(hours=1).intent("AMAZON.ResumeIntent", one_shot=True)
    assert prompts(ritual, said, steps)[:1] == [steps[playing]], said.text


@pytest.mark.parametrize("words", ["your turn", "I'm done"])
def test_your_turn_hands_over_to_the_turn_after_the_one_playing(
    couple: Couple, ritual: str, fraction: float, words: str
) -> None:
    steps, playing = interrupted(couple, ritual, fraction)
    said = couple.intent("DoneIntent", one_shot=True)  # both phrasings are samples of DoneIntent
    following = steps[playing + 1 :]
    if following:
        assert prompts(ritual, said, steps)[:1] == following[:1], said.text
        assert steps[playing] not in prompts(ritual, said, steps)[:1], "the turn that was playing is not played again"
    else:
        assert not prompts(ritual, said, steps), "the last turn was playing: only the close comes"


def test_we_are_done_plays_nothing_more_and_keeps_the_place(
    couple: Couple, stored: Any, ritual: str, fraction: float
) -> None:
    steps, playing = interrupted(couple, ritual, fraction)
    said = couple.intent("FinishedIntent", one_shot=True)
    assert said.ends_session and not prompts(ritual, said, steps) and said.timed_seconds() == 0, said.text
    assert heard(said, "finished_kept", ritual=load_content("en-US").section(ritual).settings["title"]), said.text
    said = couple.later(hours=2).intent("AMAZON.ResumeIntent", one_shot=True)
    assert prompts(ritual, said, steps)[:1] == [steps[playing]], said.text


def test_help_says_whose_turn_it_is_and_keeps_that_place(couple: Couple, ritual: str, fraction: float) -> None:
    steps, playing = interrupted(couple, ritual, fraction)
    said = couple.intent("AMAZON.HelpIntent", one_shot=True)
    voice, _ = steps[playing]
    name = {MAYA: "Maya", SAM: "Sam", None: None}[voice]
    if name is not None:
        assert name in said.text, said.text
    else:
        assert any(words in said.text for words in ("together", "both", "two of you")), said.text
    said = couple.later(minutes=10).intent("AMAZON.ResumeIntent", one_shot=True)
    assert prompts(ritual, said, steps)[:1] == [steps[playing]], said.text


def test_repeat_says_the_turn_that_was_playing_again(couple: Couple, ritual: str, fraction: float) -> None:
    steps, playing = interrupted(couple, ritual, fraction)
    said = couple.intent("AMAZON.RepeatIntent", one_shot=True)
    assert prompts(ritual, said, steps)[:1] == [steps[playing]], said.text


def test_the_place_lasts_eight_hours(couple: Couple) -> None:
    steps, playing = interrupted(couple, "rose_thorn_bud", 0.5)
    couple.intent("AMAZON.PauseIntent", one_shot=True)
    said = couple.later(hours=7, minutes=50).intent("AMAZON.ResumeIntent", one_shot=True)
    assert prompts("rose_thorn_bud", said, steps)[:1] == [steps[playing]]
    couple.intent("AMAZON.PauseIntent", one_shot=True)
    said = couple.later(hours=8, minutes=10).intent("AMAZON.ResumeIntent", one_shot=True)
    assert not prompts("rose_thorn_bud", said, steps), said.text
    assert any(said.text.startswith(w.split("{")[0]) for w in NARRATOR.variants("nothing_to_resume")), said.text


def test_after_the_answer_has_played_there_is_nothing_to_come_back_to(couple: Couple, stored: Any) -> None:
    said = one_answer(couple, "morning_coffee")
    steps = [step for _, step in timeline("morning_coffee", said)]
    said = couple.later(minutes=2).intent("AMAZON.PauseIntent", one_shot=True)
    assert heard(said, "goodbye"), said.text
    said = couple.later(minutes=30).intent("AMAZON.ResumeIntent", one_shot=True)
    assert not prompts("morning_coffee", said, steps), said.text
