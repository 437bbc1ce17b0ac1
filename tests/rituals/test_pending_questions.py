"""Every question the skill asks survives whatever comes in between: help, "repeat", a stray word.

The couple is asked something (new names, forgetting them, continuing a ritual, keeping a jar question, the
check-in's hug after a hard week, their names at introductions); before they answer, they ask for help, ask
to hear it again, or Alexa catches a stray word. The question is asked again, and the later answer still
answers it (skill.engine.router, skill.engine.pending). A question only the narrator asks (names, new names,
forgetting) also survives a number, "next" or "I'm done", which are not answers to it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from skill.content import load_content
from tests.support.alexa_api_standin import AlexaApiStandIn
from tests.support.check_in_support import to_the_numbers
from tests.support.conversation import Couple, Said

Reach = Callable[[Couple], Said]
Answer = Callable[[Couple, Any], None]
CONTENT = load_content("en-US")


def lines(section: str, key: str, **values: str) -> list[str]:
    filled = {"first": "Maya", "second": "Sam", **values}
    return [" ".join(w.format(**filled).split()) for w in CONTENT.section(section).lines.variants(key)]


def heard(said: Said, section: str, key: str, **values: str) -> bool:
    return any(wording in said.text for wording in lines(section, key, **values))


# -- the questions: how a couple comes to be asked, and what a yes must do -----------------------------------
def rename(couple: Couple) -> Said:
    couple.meet("Maya", "Sam")
    return couple.intent("SetNamesIntent", one_shot=True, first="Ana", second="Leo")  # "call us Ana and Leo"


def renamed(couple: Couple, stored: Any) -> None:
    said = couple.intent("AMAZON.YesIntent")
    assert stored(couple)["names"] == ["Ana", "Leo"], said.text


def forget_us(couple: Couple) -> Said:
    couple.meet("Maya", "Sam")
    return couple.intent("ForgetUsIntent", one_shot=True)


def forgotten(couple: Couple, stored: Any) -> None:
    said = couple.intent("AMAZON.YesIntent")
    assert said.ends_session and heard(said, "forget", "forgotten"), said.text
    from skill.store import open_store

    assert open_store().load(couple.key).document == {}


def resume_offer(couple: Couple) -> Said:
    couple.meet("Maya", "Sam")
    to_the_numbers(couple)  # a number is asked, and not given
    couple.later(hours=1)
    return couple.launch()  # "open our rituals": would you like to continue the check-in?


def resumed(couple: Couple, stored: Any) -> None:
    said = couple.intent("AMAZON.YesIntent")
    assert stored(couple)["in_progress"]["ritual"] == "check_in"
    assert said.lines[-1].voice in ("Joanna", "Matthew"), f"the check-in goes on, in a partner's voice: {said.text}"


def jar_keep(couple: Couple) -> Said:
    couple.meet("Maya", "Sam")
    return couple.intent("AddToJarIntent", one_shot=True, question="what song makes you dance")


def jar_kept(couple: Couple, stored: Any) -> None:
    couple.intent("AMAZON.YesIntent")
    questions = stored(couple)["rituals"]["our_jar"]["questions"]
    assert [q["text"] for q in questions] == ["What song makes you dance?"]


def care_offer(couple: Couple) -> Said:
    couple.meet("Maya", "Sam")
    said = to_the_numbers(couple)
    for _ in range(2):
        maya_asked = said.lines[-1].voice == "Joanna"
        said = couple.intent("RatingIntent", rating="3" if maya_asked else "6")
    assert heard(said, "check_in", "care_offer"), said.text
    return said


def hugging(couple: Couple, stored: Any) -> None:
    said = couple.intent("AMAZON.YesIntent")
    assert said.timed_seconds() == CONTENT.section("check_in").settings["care_hug_seconds"], said.text


def introductions(couple: Couple) -> Said:
    return couple.launch()  # the first meeting: what are your two first names?


def introduced(couple: Couple, stored: Any) -> None:
    couple.intent("SetNamesIntent", first="Maya", second="Sam")
    assert stored(couple)["names"] == ["Maya", "Sam"]


@pytest.fixture(autouse=True)
def reminders_api(alexa_api: AlexaApiStandIn) -> AlexaApiStandIn:
    """Alexa's Reminders API, as a local stand-in, for the question that sets a reminder."""
    STAND_IN[:] = [alexa_api]
    return alexa_api


STAND_IN: list[AlexaApiStandIn] = []


def reminder_day(couple: Couple) -> Said:
    couple.meet("Maya", "Sam")
    couple.api_endpoint = STAND_IN[0].url
    return couple.intent("CheckInReminderIntent", one_shot=True, day="someday")  # which day and time, then?


def reminder_set(couple: Couple, stored: Any) -> None:
    couple.intent("CheckInReminderIntent", day="Sunday", time="19:00")  # "every Sunday at 7 PM"
    assert stored(couple)["rituals"]["check_in"]["reminder"]["day"] == 6


QUESTIONS: dict[str, tuple[Reach, Answer]] = {
    "rename": (rename, renamed),
    "forget": (forget_us, forgotten),
    "continue": (resume_offer, resumed),
    "jar keep": (jar_keep, jar_kept),
    "care offer": (care_offer, hugging),
    "names": (introductions, introduced),
    "set a reminder": (reminder_day, reminder_set),
}
NARRATOR_QUESTIONS = ("rename", "forget", "names", "set a reminder")

HELP = ("AMAZON.HelpIntent", {})
REPEAT = ("AMAZON.RepeatIntent", {})
STRAY = ("AMAZON.FallbackIntent", {})  # "what do you want for dinner"
NUMBER = ("RatingIntent", {"rating": "8"})
NEXT = ("AMAZON.NextIntent", {})
DONE = ("DoneIntent", {})


@pytest.mark.parametrize("interruption", [HELP, REPEAT, STRAY], ids=["help", "repeat", "stray word"])
@pytest.mark.parametrize("question", QUESTIONS)
def test_a_question_survives_what_comes_in_between(
    couple: Couple, stored: Any, question: str, interruption: Any
) -> None:
    reach, answer = QUESTIONS[question]
    asked = reach(couple)
    assert not asked.ends_session
    intent, slots = interruption
    said = couple.intent(intent, **slots)
    assert not said.ends_session, f"{question}: the microphone stays open for the answer: {said.text}"
    assert said.reprompt, said.text
    answer(couple, stored)


@pytest.mark.parametrize("interruption", [NUMBER, NEXT, DONE, HELP], ids=["a number", "next", "I'm done", "help"])
@pytest.mark.parametrize("question", NARRATOR_QUESTIONS)
def test_a_host_question_is_asked_again_after_what_does_not_answer_it(
    couple: Couple, stored: Any, question: str, interruption: Any
) -> None:
    reach, answer = QUESTIONS[question]
    reach(couple)
    intent, slots = interruption
    said = couple.intent(intent, **slots)
    assert not said.ends_session and said.reprompt
    answer(couple, stored)


def test_help_then_yes_renames_as_the_issue_heard_it(couple: Couple, stored: Any) -> None:
    """ "call us Ana and Leo" -> "help" -> "yes": the names change, and the couple hears so."""
    rename(couple)
    said = couple.intent("AMAZON.HelpIntent")
    assert heard(said, "names", "rename_confirm", name="Ana", other="Leo") or said.text.endswith("?"), said.text
    said = couple.intent("AMAZON.YesIntent")
    assert stored(couple)["names"] == ["Ana", "Leo"]
    assert heard(said, "names", "names_changed", first="Ana", second="Leo"), said.text


def test_a_new_ritual_on_purpose_lets_the_question_go(couple: Couple, stored: Any) -> None:
    rename(couple)
    said = couple.intent("HugIntent")
    assert said.timed_seconds() > 0
    assert stored(couple)["names"] == ["Maya", "Sam"]


def test_stop_lets_the_question_go(couple: Couple, stored: Any) -> None:
    forget_us(couple)
    said = couple.intent("AMAZON.StopIntent")
    assert said.ends_session
    said = couple.intent("AMAZON.YesIntent", one_shot=True)
    assert not heard(said, "forget", "forgotten")
    assert stored(couple)["names"] == ["Maya", "Sam"]
