"""The thirty-six questions evening: three sets of twelve, turns alternating, resumable between sets, and four
minutes of eye contact at the end, on an Alexa timer when allowed, else a silence and a chime."""

from __future__ import annotations

import itertools

import pytest

from skill.content import SUPPORTED_LOCALES, load_content
from tests.alexa_api_standin import AlexaApiStandIn, consent_answer
from tests.conversation import Couple, Said
from tests.test_deck import FIRST_PERSON, SECOND_ASK, too_close

EVENING = load_content("en-US").section("thirty_six")
LINES = EVENING.lines
QUESTIONS = [q["text"] for q in EVENING.data["questions"]]
SETS = {n: [q["text"] for q in EVENING.data["questions"] if q["set"] == n] for n in (1, 2, 3)}
TIMERS_SCOPE = "alexa::alerts:timers:skill:readwrite"


def said_one_of(said: Said, key: str, **values: object) -> bool:
    return any(wording.format(**values) in said.text for wording in LINES.variants(key))


def spoken(text: str, other: str) -> str:
    return text.replace("{partner}", other)


PER_SET = 12


def answer_set(couple: Couple, set_number: int) -> list[Said]:
    """Both partners answer each of set `set_number`'s twelve questions (its first reply already asked question one)."""
    replies = [couple.intent("DoneIntent") for _ in range(PER_SET * 2)]
    assert said_one_of(replies[-1], f"set_done_{set_number}") or set_number == 3
    return replies


# -- the questions themselves -------------------------------------------------------------------------
def test_three_sets_of_twelve_original_questions_that_keep_the_decks_rules() -> None:
    assert [len(SETS[n]) for n in (1, 2, 3)] == [12, 12, 12]
    for text in QUESTIONS:
        assert not FIRST_PERSON.search(text.replace("{partner}", "")), text
        assert text.count("?") <= 1 and not SECOND_ASK.search(text), text
        assert text.endswith(("?", ".")) and len(text) <= 110, text
    assert not [(a, b) for a, b in itertools.combinations(QUESTIONS, 2) if too_close(a, b)]
    deck = [q["text"] for q in load_content("en-US").section("questions").data["questions"]]
    assert not [(a, b) for a in QUESTIONS for b in deck if too_close(a, b)], "the evening does not repeat the deck"
    assert sum("{partner}" in text for text in SETS[3]) > sum("{partner}" in text for text in SETS[1]), "rising closeness"


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_locale_has_the_evening(locale: str) -> None:
    assert len(load_content(locale).section("thirty_six").data["questions"]) == 36


# -- the evening ------------------------------------------------------------------------------------
def test_the_evening_starts_at_set_one_and_partners_take_turns_answering_first(couple: Couple, stored) -> None:
    couple.meet("Maya", "Sam")
    said = couple.intent("ThirtySixQuestionsIntent", one_shot=True)
    assert said_one_of(said, "welcome") and said_one_of(said, "set_intro_1")
    assert SETS[1][0] in said.text and said.by_voice("Joanna") and not said.by_voice("Matthew")
    assert said.tags("audio") and not said.ends_session
    said = couple.intent("DoneIntent")
    assert said.by_voice("Matthew") and SETS[1][0] in said.text and not said.by_voice("Joanna")
    said = couple.intent("DoneIntent")
    assert SETS[1][1] in said.text and said.by_voice("Matthew")[0].startswith(("Sam", "You start, Sam"))
    assert said_one_of(said, "question_number", count=2)
    place = stored(couple)["in_progress"]
    assert place["ritual"] == "thirty_six" and place["state"]["q"] == 1


def test_the_name_slot_names_the_other_partner(couple: Couple) -> None:
    couple.meet("Maya", "Sam")
    couple.intent("ThirtySixQuestionsIntent", one_shot=True)
    for _ in range(14):  # to question eight of set one, "Tell {partner} about the best part of your week so far."
        said = couple.intent("DoneIntent")
    index = SETS[1].index("Tell {partner} about the best part of your week so far.")
    assert index == 7
    opener_is_sam = bool(said.by_voice("Matthew"))
    other = "Maya" if opener_is_sam else "Sam"
    assert spoken(SETS[1][7], other) in said.text
    said = couple.intent("DoneIntent")
    assert spoken(SETS[1][7], "Sam" if opener_is_sam else "Maya") in said.text


def test_a_couple_can_stop_between_sets_and_come_back_to_set_two(couple: Couple, stored) -> None:
    couple.meet("Maya", "Sam")
    couple.intent("ThirtySixQuestionsIntent", one_shot=True)
    replies = answer_set(couple, 1)
    assert said_one_of(replies[-1], "set_done_1") and not replies[-1].ends_session
    said = couple.intent("AMAZON.NoIntent")
    assert said_one_of(said, "pause_between", count=2) and said.ends_session
    assert stored(couple)["rituals"]["thirty_six"]["next_set"] == 2 and stored(couple)["in_progress"] is None

    said = couple.later(days=2).intent("ThirtySixQuestionsIntent", one_shot=True)
    assert said_one_of(said, "resume_set", count=2) and said_one_of(said, "set_intro_2") and SETS[2][0] in said.text

    said = couple.later(days=1).intent("ThirtySixQuestionsIntent", one_shot=True, set="2")
    assert said_one_of(said, "set_intro_2") and SETS[2][0] in said.text and not said_one_of(said, "welcome")


def test_a_yes_between_sets_goes_straight_on_and_continue_finds_the_question(couple: Couple) -> None:
    couple.meet("Maya", "Sam")
    couple.intent("ThirtySixQuestionsIntent", one_shot=True, set="2")
    answer_set(couple, 2)
    said = couple.intent("AMAZON.YesIntent")
    assert said_one_of(said, "set_intro_3") and any(spoken(SETS[3][0], n) in said.text for n in ("Maya", "Sam"))
    couple.session_ended("EXCEEDED_MAX_REPROMPTS")
    said = couple.later(minutes=20).intent("AMAZON.ResumeIntent", one_shot=True)
    assert said_one_of(said, "resume") and any(spoken(SETS[3][0], n) in said.text for n in ("Maya", "Sam"))


# -- the closing four minutes ----------------------------------------------------------------------------
@pytest.fixture
def last_question(couple: Couple, alexa_api: AlexaApiStandIn) -> Couple:
    """Maya and Sam at the last question of set three, their skill talking to the local Alexa API stand-in."""
    couple.api_endpoint = alexa_api.url
    couple.meet("Maya", "Sam")
    couple.intent("ThirtySixQuestionsIntent", one_shot=True, set="3")
    for _ in range(PER_SET * 2 - 1):
        couple.intent("DoneIntent")
    return couple


def test_the_evening_ends_with_a_four_minute_alexa_timer(last_question: Couple, alexa_api: AlexaApiStandIn, stored) -> None:
    said = last_question.intent("DoneIntent")
    assert said_one_of(said, "closing") and said_one_of(said, "timer_set") and said.ends_session
    timer = alexa_api.received[-1].body
    assert alexa_api.received[-1].path == "/v1/alerts/timers" and timer["duration"] == "PT4M"
    assert timer["triggeringBehavior"]["operation"]["textToAnnounce"][0]["text"] in LINES.variants("announcement")
    assert said.timed_seconds() < 5, "Alexa keeps the time, not a long silence"
    assert "next_set" not in stored(last_question)["rituals"]["thirty_six"], "the next evening starts afresh"


def test_without_permission_alexa_asks_and_a_yes_sets_the_timer(last_question: Couple, alexa_api: AlexaApiStandIn) -> None:
    alexa_api.status = 403
    said = last_question.intent("DoneIntent")
    assert said_one_of(said, "closing") and said_one_of(said, "ask_timer")
    assert said.response["directives"][0]["payload"]["permissionScopes"][0]["permissionScope"] == TIMERS_SCOPE
    assert "reprompt" not in said.response
    alexa_api.status = 200
    said = last_question.request(consent_answer("ACCEPTED"))
    assert said_one_of(said, "timer_set") and said.ends_session
    assert [r.body["duration"] for r in alexa_api.received] == ["PT4M", "PT4M"]
    assert len({r.body["timerLabel"] for r in alexa_api.received}) == 2


@pytest.mark.parametrize("answer", [consent_answer("DENIED"), consent_answer("NOT_ANSWERED")], ids=["denied", "not-answered"])
def test_without_consent_the_skill_keeps_four_minutes_of_silence_and_a_chime(
    last_question: Couple, alexa_api: AlexaApiStandIn, stored, answer: dict
) -> None:
    alexa_api.status = 403
    last_question.intent("DoneIntent")
    said = last_question.request(answer)
    assert said_one_of(said, "silent_gaze") and said_one_of(said, "gaze_end") and said.ends_session
    assert said.timed_seconds() == pytest.approx(240, abs=0.01), "four minutes, Alexa's most for one response"
    assert said.tags("audio"), "a chime ends them"
    assert stored(last_question)["rituals"]["thirty_six"]["refused_on"] == last_question.now.date().isoformat()

    # A no is respected: the next evening's close does not ask again.
    last_question.later(days=1).intent("ThirtySixQuestionsIntent", one_shot=True, set="3")
    for _ in range(PER_SET * 2 - 1):
        last_question.intent("DoneIntent")
    said = last_question.intent("DoneIntent")
    assert "directives" not in said.response and said_one_of(said, "silent_gaze")


def test_with_no_alexa_api_at_all_the_four_minutes_still_happen(couple: Couple) -> None:
    couple.meet()
    couple.intent("ThirtySixQuestionsIntent", one_shot=True, set="3")
    for _ in range(PER_SET * 2 - 1):
        couple.intent("DoneIntent")
    said = couple.intent("DoneIntent")
    assert said_one_of(said, "closing") and said_one_of(said, "silent_gaze")
    assert said.timed_seconds() == pytest.approx(240, abs=0.01)
