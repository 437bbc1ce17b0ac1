"""Feelings, needs and a request: "I feel..., I need..., would you...?", said back and answered yes, no or
"not that, but this", in timed turns; nothing said is kept. Each test runs through the Lambda handler and POST /alexa."""

from __future__ import annotations

from tests.support.conversation import Couple, Said
from tests.support.surfaces import both  # noqa: F401  (the fixture)
from tests.support.turns_support import MAYA, SAM, finished, meet, open_mode, says, script

SECTION = "feelings_needs"


def steps(said: Said) -> list[tuple[str, str | None]]:
    return [(voice, key) for voice, key in script(said, SECTION) if key is not None]


def test_paced_each_asks_and_the_other_says_it_back_and_answers_in_one_timed_stretch(both: Couple, stored) -> None:
    meet(both)
    said = both.intent("FeelingsNeedsIntent", one_shot=True)
    assert says(said, SECTION, "intro", name="Maya", other="Sam") and says(said, SECTION, "paced_intro")
    assert steps(said) == [(MAYA, "ask"), (SAM, "answer"), (SAM, "ask"), (MAYA, "answer")]
    assert len(said.tags("audio")) == 3, "a chime at each change of speaker, the closing words after the last"
    assert said.timed_seconds() >= 200
    assert says(said, SECTION, "closing") and said.ends_session
    document = stored(both)
    assert finished(document) and SECTION not in document["rituals"]


def test_open_each_turn_waits_for_next_and_the_answer_names_yes_no_or_not_that_but_this(both: Couple) -> None:
    meet(both)
    said = open_mode(both, "FeelingsNeedsIntent")
    assert steps(said) == [(MAYA, "ask"), (MAYA, "take_time")] and said.ends_session
    said = both.later(minutes=2).intent("DoneIntent", one_shot=True)
    assert steps(said)[0] == (SAM, "answer")
    assert "not that, but" in said.lines[0].text or "not that, but" in said.text
    said = both.later(minutes=1).intent("AMAZON.RepeatIntent", one_shot=True)
    assert steps(said)[0] == (SAM, "answer"), "repeat: the same prompt again"
    said = both.later(minutes=1).intent("DoneIntent", one_shot=True)
    assert steps(said)[0] == (SAM, "ask")
    said = both.later(minutes=1).intent("AMAZON.HelpIntent", one_shot=True)
    assert says(said, SECTION, "help_turn", ritual="feelings, needs and a request", name="Sam")
    said = both.later(minutes=1).intent("DoneIntent", one_shot=True)
    assert steps(said)[0] == (MAYA, "answer")
    said = both.later(minutes=1).intent("DoneIntent", one_shot=True)
    assert says(said, SECTION, "closing") and said.ends_session


def test_next_time_sam_asks_first(both: Couple) -> None:
    meet(both)
    both.intent("FeelingsNeedsIntent", one_shot=True)
    said = both.later(days=1).intent("FeelingsNeedsIntent", one_shot=True)
    assert steps(said)[0] == (SAM, "ask")
