"""The thirty-six questions evening, through the Lambda handler: three sets of twelve, the partners alternating who
answers first, resumable between sets, and four quiet minutes at the end, eye to eye or side by side (on an Alexa
timer when allowed, else a silence and a chime), or a walk together.

Like every ritual with turns (issue 15), it is hands-free by default: each answer is timed, the next partner is
named in their own voice, and a chime closes each question, so nobody speaks to the Echo while answering.
"Let's take our time" (at the start or mid-way) closes the microphone for each answer instead, and a one-shot
"Alexa, tell our rituals next" hands over.

The whole evening takes about as long as the published protocol's (Aron and colleagues, 1997: about 45 minutes),
measured from the SSML of every reply (issue 31), and its format is credited where the evening begins.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from skill.content import SUPPORTED_LOCALES, load_content
from skill.screen.documents import screen_text
from skill.screen.timeline import spoken_ms
from tests.rituals.test_deck import FIRST_PERSON, SECOND_ASK, too_close
from tests.support.alexa_api_standin import AlexaApiStandIn, consent_answer
from tests.support.conversation import Couple, Said
from tests.support.turns_support import MAYA, SAM, says

EVENING = load_content("en-US").section("thirty_six")
LINES = EVENING.lines
QUESTIONS = [q["text"] for q in EVENING.data["questions"]]
SETS = {n: [q["text"] for q in EVENING.data["questions"] if q["set"] == n] for n in (1, 2, 3)}
ANSWER_SECONDS = dict(zip((1, 2, 3), EVENING.settings["answer_seconds"]))
GAZE_SECONDS = EVENING.settings["gaze_seconds"]
TIMERS_SCOPE = "alexa::alerts:timers:skill:readwrite"
TIMERS_PATH = "/v1/alerts/timers"
ONE_SHOT_PHRASE = "When you're done, say: Alexa, tell our rituals next."
PER_SET = 12
# Questions in one hands-free response, by set: Alexa's 240 s of silence and clips a response, one chime a question.
PER_RESPONSE = {1: 4, 2: 4, 3: 3}
CREDIT = "Aron and colleagues, 1997"


def said_one_of(said: Said, key: str, **values: object) -> bool:
    """One wording of the evening's line (or the shared turn-taking line it falls back to) is in what was said."""
    return says(said, "thirty_six", key, **values)


def spoken(text: str, other: str) -> str:
    return text.replace("{partner}", other)


def heard(said: Said, text: str) -> bool:
    """A question was said, its name slot holding either partner's name."""
    return any(spoken(text, name) in said.text for name in ("Maya", "Sam"))


def openers(said: Said, set_number: int) -> list[tuple[int, str | None]]:
    """(question number, voice of the partner who is asked it first) for each question this reply asks, in order."""
    found = []
    for index, text in enumerate(SETS[set_number]):
        for line in said.lines:
            if any(spoken(text, name) in line.text for name in ("Maya", "Sam")):
                found.append((index + 1, line.voice))
                break
    return found


def heard_seconds(said: Said) -> float:
    """How long a reply plays, from its SSML alone: every break and clip, and its words at the project's speaking
    rate (the screens' estimate, skill/screen/timeline.py: words a minute plus a pause a sentence)."""
    settings = screen_text(said.locale).settings
    rate, pause = float(settings["speech_words_per_minute"]), int(settings["sentence_pause_ms"])
    return said.timed_seconds() + sum(spoken_ms(line.text, rate, pause) for line in said.lines) / 1000


def timers(alexa_api: AlexaApiStandIn) -> list[Any]:
    return [request for request in alexa_api.received if request.path == TIMERS_PATH]


def through_the_set(couple: Couple, said: Said) -> Said:
    """Hands-free: the couple says only "next" between timed stretches, until the set's end (or the gaze)."""
    for _ in range(PER_SET + 2):
        if said.session_attributes.get("turns_waiting") != "next_part":
            return said
        said = couple.later(minutes=5).intent("AMAZON.NextIntent")
    raise AssertionError("the set never ended")


def open_start(couple: Couple, **slots: str) -> Said:
    """ "Alexa, ask our rituals for the thirty-six questions, and let's take our time"."""
    return couple.intent("ThirtySixQuestionsIntent", one_shot=True, pace="open", **slots)


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
    assert sum("{partner}" in text for text in SETS[3]) > sum("{partner}" in text for text in SETS[1]), (
        "rising closeness"
    )


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_locale_has_the_evening(locale: str) -> None:
    assert len(load_content(locale).section("thirty_six").data["questions"]) == 36


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_locale_speaks_the_evening_in_its_own_two_voices_in_both_paces(couple: Couple, locale: str) -> None:
    """The harness checks every reply against Alexa's limits; here each pace's first replies, in each locale."""
    couple.locale = locale
    voices = set(load_content(locale).voices)
    couple.meet("Maya", "Sam")
    paced = couple.intent("ThirtySixQuestionsIntent", one_shot=True)
    assert {v for v in paced.voices if v} == voices and not paced.ends_session
    opened = couple.later(hours=9).intent("ThirtySixQuestionsIntent", one_shot=True, set="3", pace="open")
    assert {v for v in opened.voices if v} < voices and opened.ends_session


# -- hands-free by default --------------------------------------------------------------------------------
def test_hands_free_each_answer_is_timed_with_a_chime_and_the_next_partner_named_in_their_own_voice(
    couple: Couple, stored
) -> None:
    couple.meet("Maya", "Sam")
    said = couple.intent("ThirtySixQuestionsIntent", one_shot=True)
    assert said_one_of(said, "welcome") and said_one_of(said, "set_intro_1") and said_one_of(said, "paced_intro")
    assert said.by_voice(None)[0].startswith(tuple(LINES.variants("welcome"))), "the narrator opens the evening"
    assert openers(said, 1) == [(1, MAYA), (2, SAM), (3, MAYA), (4, SAM)], (
        "four questions a response; who opens alternates"
    )
    assert said.by_voice(MAYA)[0].startswith(tuple(w.replace("{name}", "Maya") for w in LINES.variants("first_turn")))
    assert said.by_voice(MAYA)[0].endswith(SETS[1][0]), "Maya is named, in her own voice, before she hears the question"
    assert said.by_voice(SAM)[0].startswith(tuple(w.replace("{name}", "Sam") for w in LINES.variants("second_turn")))
    assert said.by_voice(SAM)[0].endswith(SETS[1][0]), "the second to answer hears the question in their own voice"
    assert said.timed_seconds() == 8 * ANSWER_SECONDS[1], "every answer timed"
    assert len(said.tags("audio")) == 4, "a chime closes each question (Alexa allows five clips a response)"
    assert (
        ONE_SHOT_PHRASE not in said.text
        and "say: your turn" not in said.text.lower()
        and "i'm done" not in said.text.lower()
    )
    assert said_one_of(said, "next_part") and not said.ends_session and said.reprompt and said.reprompt not in said.text
    place = stored(couple)["in_progress"]
    assert place["ritual"] == "thirty_six" and place["state"]["set"] == 1 and place["state"]["cursor"] == 8

    said = couple.later(minutes=5).intent("AMAZON.NextIntent")  # "next", once the timed answers have played
    assert openers(said, 1) == [(5, MAYA), (6, SAM), (7, MAYA), (8, SAM)] and said_one_of(
        said, "question_number", count=5
    )


def test_a_closer_set_gives_longer_answers_three_questions_a_response(couple: Couple) -> None:
    couple.meet("Maya", "Sam")
    said = couple.intent("ThirtySixQuestionsIntent", one_shot=True, set="3")
    assert said_one_of(said, "set_intro_3") and not said_one_of(said, "welcome")
    assert ANSWER_SECONDS[1] < ANSWER_SECONDS[2] < ANSWER_SECONDS[3], "answers get longer as the sets get closer"
    assert openers(said, 3) == [(1, MAYA), (2, SAM), (3, MAYA)], "a fourth would take more than Alexa's 240 s"
    assert said.timed_seconds() == 6 * ANSWER_SECONDS[3] and len(said.tags("audio")) == 3


def test_who_answers_first_alternates_by_question_and_each_set_opens_with_the_other_partner(couple: Couple) -> None:
    couple.meet("Maya", "Sam")
    said = couple.intent("ThirtySixQuestionsIntent", one_shot=True)
    asked = openers(said, 1)
    while said.session_attributes.get("turns_waiting") == "next_part":
        said = couple.later(minutes=5).intent("AMAZON.NextIntent")
        asked += openers(said, 1)
    assert asked == [(n, MAYA if n % 2 else SAM) for n in range(1, 13)]
    assert said_one_of(said, "set_done_1") and not said.ends_session
    said = couple.intent("AMAZON.YesIntent")
    assert said_one_of(said, "set_intro_2") and openers(said, 2)[0] == (1, SAM), "set two opens with Sam"


def test_the_name_slot_names_the_other_partner(couple: Couple) -> None:
    couple.meet("Maya", "Sam")
    said = couple.intent("ThirtySixQuestionsIntent", one_shot=True)
    assert SETS[1][7] == "Tell {partner} about the best part of your week so far."
    said = couple.later(minutes=5).intent("AMAZON.NextIntent")  # questions five to eight are the second timed stretch
    assert openers(said, 1)[2:] == [(7, MAYA), (8, SAM)]
    to_sam = " ".join(said.by_voice(SAM))
    assert spoken(SETS[1][7], "Maya") in to_sam and spoken(SETS[1][7], "Sam") not in to_sam, (
        "asked of Sam, it names Maya"
    )
    assert spoken(SETS[1][7], "Sam") in " ".join(said.by_voice(MAYA)), "and Maya hears it naming Sam, in her voice"


# -- at their own pace: the microphone closes while someone answers ------------------------------------------------
def test_at_their_own_pace_each_answer_closes_the_microphone_and_a_one_shot_hands_over(couple: Couple, stored) -> None:
    couple.meet("Maya", "Sam")
    said = couple.resolved("ThirtySixQuestionsIntent", "pace", "let's take our time", "open", one_shot=True)
    assert said_one_of(said, "open_intro") and heard(said, SETS[1][0]) and said.ends_session and not said.reprompt
    assert said.by_voice(MAYA) and not said.by_voice(SAM) and said.timed_seconds() == 0
    assert ONE_SHOT_PHRASE in said.text and says(said, "turns", "then_next", other="Sam"), "who is next is named"
    kept = stored(couple)["in_progress"]
    assert kept["state"]["pace"] == "open" and kept["expires_at"] - couple.now.timestamp() >= 6 * 3600, "kept for hours"

    said = couple.later(hours=3).intent("AMAZON.NextIntent", one_shot=True)  # "Alexa, tell our rituals next"
    assert any(SETS[1][0] in line for line in said.by_voice(SAM)) and not said.by_voice(MAYA) and said.ends_session
    assert says(said, "turns", "then_again", name="Sam"), "Sam opens question two: the hand-over says so"
    said = couple.later(minutes=4).intent("DoneIntent", one_shot=True)  # "Alexa, tell our rituals I'm done"
    assert openers(said, 1) == [(2, SAM)] and said.ends_session and says(said, "turns", "then_next", other="Maya")


def test_take_our_time_mid_way_opens_the_answer_that_was_playing_and_keep_time_brings_the_clock_back(
    couple: Couple, stored
) -> None:
    couple.meet("Maya", "Sam")
    couple.intent("ThirtySixQuestionsIntent", one_shot=True)
    ends = stored(couple)["in_progress"]["state"]["stretch"]["ends"]
    # while Sam answers question one
    said = couple.into_answer(seconds=(ends[0] + ends[1]) / 2).intent("TakeOurTimeIntent")
    assert says(said, "turns", "now_open") and said.ends_session and ONE_SHOT_PHRASE in said.text
    assert any(SETS[1][0] in line for line in said.by_voice(SAM)) and not said.by_voice(MAYA)
    assert stored(couple)["in_progress"]["state"]["cursor"] == 1

    # "Alexa, tell our rituals to keep time for us"
    said = couple.later(minutes=5).intent("KeepTimeIntent", one_shot=True)
    assert says(said, "turns", "now_paced") and [v for v in said.voices if v][:1] == [SAM] and not said.ends_session
    assert said.timed_seconds() == 9 * ANSWER_SECONDS[1], "Sam's answer, then both answers of four more questions"


def test_take_our_time_between_sets_opens_the_next_one(couple: Couple) -> None:
    couple.meet("Maya", "Sam")
    said = through_the_set(couple, couple.intent("ThirtySixQuestionsIntent", one_shot=True))
    assert said_one_of(said, "set_done_1")
    said = couple.later(minutes=4).intent("TakeOurTimeIntent")  # once the last timed answers have played
    assert says(said, "turns", "now_open") and said_one_of(said, "set_intro_2") and heard(said, SETS[2][0])
    assert said.ends_session and ONE_SHOT_PHRASE in said.text and said.timed_seconds() == 0


def test_a_set_asked_for_with_take_our_time_starts_open(couple: Couple) -> None:
    couple.meet("Maya", "Sam")
    said = open_start(couple, set="2")
    assert said_one_of(said, "set_intro_2") and said_one_of(said, "open_intro") and heard(said, SETS[2][0])
    assert said.ends_session and ONE_SHOT_PHRASE in said.text


# -- context: help, repeat, a stray word, pause -----------------------------------------------------------------
def test_help_and_repeat_inside_the_evening(couple: Couple) -> None:
    couple.meet("Maya", "Sam")
    open_start(couple)
    said = couple.intent("AMAZON.HelpIntent", one_shot=True)
    assert says(said, "turns", "help_turn", ritual="the thirty-six questions", name="Maya")
    assert "tell our rituals next" in said.text and "keep time for us" in said.text
    assert said.ends_session, "Maya is still answering: the microphone stays closed"
    said = couple.intent("AMAZON.RepeatIntent", one_shot=True)
    assert heard(said, SETS[1][0]) and said.by_voice(MAYA) and said.ends_session and said.timed_seconds() == 0

    couple.intent("AMAZON.StopIntent", one_shot=True)
    # "... and keep time for us"
    said = couple.later(hours=1).intent("ThirtySixQuestionsIntent", one_shot=True, pace="paced")
    assert said_one_of(said, "resume") and openers(said, 1)[0] == (1, MAYA) and not said.ends_session
    said = couple.later(minutes=5).intent("AMAZON.HelpIntent")
    assert said_one_of(said, "help_next_part") and not said.ends_session and said.reprompt
    said = couple.intent("AMAZON.RepeatIntent")
    assert heard(said, SETS[1][3]) and said.timed_seconds() == 0, "the last question heard, not the whole timed stretch"
    assert said_one_of(said, "next_part_again") and not said.ends_session


def test_a_stray_word_while_someone_answers_is_a_nudge_and_the_place_stays(couple: Couple, stored) -> None:
    couple.meet("Maya", "Sam")
    open_start(couple)
    before = stored(couple)["in_progress"]["state"]
    said = couple.intent("AMAZON.FallbackIntent", one_shot=True)
    assert says(said, "turns", "still_talking", name="Maya") and ONE_SHOT_PHRASE.split(": ", 1)[1] in said.text
    assert said.ends_session and stored(couple)["in_progress"]["state"]["cursor"] == before["cursor"]
    said = couple.intent("SwapVoicesIntent", one_shot=True)
    assert stored(couple)["in_progress"]["ritual"] == "thirty_six" and said.ends_session


@pytest.mark.parametrize("intent", ["AMAZON.PauseIntent", "AMAZON.StopIntent"])
def test_pause_or_stop_keeps_the_place_and_continue_finds_the_question(couple: Couple, stored, intent: str) -> None:
    couple.meet("Maya", "Sam")
    couple.intent("ThirtySixQuestionsIntent", one_shot=True, set="2")
    said = couple.later(minutes=5).intent(intent)  # once the timed answers have played
    assert said.ends_session and says(said, "narrator", "paused", ritual="the thirty-six questions")
    assert stored(couple)["in_progress"]["ritual"] == "thirty_six"
    said = couple.later(hours=2).intent("AMAZON.ResumeIntent", one_shot=True)
    assert said_one_of(said, "resume") and openers(said, 2)[0] == (5, MAYA), "the next question, Maya first"


def test_pause_while_the_answers_play_keeps_the_question_that_was_playing(couple: Couple, stored) -> None:
    """Several questions share a response: "Alexa, pause" during the third comes back to the third."""
    couple.meet("Maya", "Sam")
    couple.intent("ThirtySixQuestionsIntent", one_shot=True, set="2")
    ends = stored(couple)["in_progress"]["state"]["stretch"]["ends"]
    said = couple.into_answer(seconds=ends[3] + 5).intent("AMAZON.PauseIntent")  # while Maya answers question three
    assert said.ends_session and says(said, "narrator", "paused", ritual="the thirty-six questions")
    said = couple.later(hours=1).intent("AMAZON.ResumeIntent", one_shot=True)
    assert said_one_of(said, "resume") and openers(said, 2)[0] == (3, MAYA), "question three again, from its start"


# -- between sets --------------------------------------------------------------------------------------------
def test_a_couple_can_stop_between_sets_and_come_back_to_set_two(couple: Couple, stored) -> None:
    couple.meet("Maya", "Sam")
    said = through_the_set(couple, couple.intent("ThirtySixQuestionsIntent", one_shot=True))
    assert said_one_of(said, "set_done_1") and not said.ends_session and said.reprompt
    said = couple.intent("AMAZON.HelpIntent")
    assert said_one_of(said, "help_between", count=1) and not said.ends_session
    said = couple.intent("AMAZON.NoIntent")
    assert said_one_of(said, "pause_between", count=2) and said.ends_session
    assert stored(couple)["rituals"]["thirty_six"]["next_set"] == 2 and stored(couple)["in_progress"] is None

    said = couple.later(days=2).intent("ThirtySixQuestionsIntent", one_shot=True)
    assert said_one_of(said, "resume_set", count=2) and said_one_of(said, "set_intro_2") and heard(said, SETS[2][0])

    said = couple.later(days=1).intent("ThirtySixQuestionsIntent", one_shot=True, set="2")
    assert said_one_of(said, "set_intro_2") and heard(said, SETS[2][0]) and not said_one_of(said, "welcome")


def test_a_yes_between_sets_goes_straight_on_and_continue_finds_the_question(couple: Couple) -> None:
    couple.meet("Maya", "Sam")
    said = through_the_set(couple, couple.intent("ThirtySixQuestionsIntent", one_shot=True, set="2"))
    assert said_one_of(said, "set_done_2")
    said = couple.intent("AMAZON.FallbackIntent")  # a snatch of their talk: the question again, the microphone open
    assert said_one_of(said, "set_done_again") and not said.ends_session
    said = couple.intent("AMAZON.YesIntent")
    assert said_one_of(said, "set_intro_3") and heard(said, SETS[3][0])
    couple.session_ended("EXCEEDED_MAX_REPROMPTS")
    said = couple.later(minutes=20).intent("AMAZON.ResumeIntent", one_shot=True)
    assert said_one_of(said, "resume") and openers(said, 3)[0] == (4, MAYA), "the question after the ones already timed"


# -- the closing four minutes: eye to eye, side by side, or a walk -------------------------------------------
@pytest.fixture
def at_the_gaze(couple: Couple, alexa_api: AlexaApiStandIn) -> tuple[Couple, Said]:
    """Maya and Sam, hands-free, at the end of set three (their skill talking to the local Alexa API stand-in)."""
    couple.api_endpoint = alexa_api.url
    couple.meet("Maya", "Sam")
    said = through_the_set(couple, couple.intent("ThirtySixQuestionsIntent", one_shot=True, set="3"))
    couple.later(minutes=5)  # the last timed answers have played
    return couple, said


def test_after_the_last_timed_answers_the_four_minutes_wait_until_the_couple_is_ready(
    at_the_gaze: tuple[Couple, Said], alexa_api: AlexaApiStandIn, stored
) -> None:
    couple, said = at_the_gaze
    assert openers(said, 3) == [(10, SAM), (11, MAYA), (12, SAM)] and said.timed_seconds() == 6 * ANSWER_SECONDS[3]
    assert said_one_of(said, "closing") and said_one_of(said, "gaze_ready") and not said.ends_session
    assert not timers(alexa_api), "no timer while the last answers still play: it would end early"
    said = couple.intent("AMAZON.NextIntent")
    assert said_one_of(said, "timer_set") and said.ends_session and said.timed_seconds() < 5, "Alexa keeps the time"
    (timer,) = timers(alexa_api)
    assert timer.body["duration"] == "PT4M"
    operation = timer.body["triggeringBehavior"]["operation"]
    assert operation["type"] == "LAUNCH_TASK" and operation["textToConfirm"][0]["text"] in LINES.variants("hand_back")
    assert operation["task"] == {
        "name": "amzn1.ask.skill.test-our-rituals.CloseRitual",
        "version": "1",
        "input": {"ritual": "thirty_six"},
    }
    assert stored(couple)["in_progress"] is None
    assert "next_set" not in stored(couple)["rituals"]["thirty_six"], "the next evening starts afresh"


def test_the_close_offers_side_by_side_or_a_walk_when_eye_contact_is_too_much(at_the_gaze: tuple[Couple, Said]) -> None:
    couple, said = at_the_gaze
    for wording in (said.text, couple.intent("AMAZON.HelpIntent").text, couple.intent("AMAZON.RepeatIntent").text):
        assert "eye" in wording and "side by side" in wording and "a walk" in wording, wording


def test_side_by_side_takes_the_four_minutes_on_the_same_timer_and_the_timer_hands_back(
    at_the_gaze: tuple[Couple, Said], alexa_api: AlexaApiStandIn, stored
) -> None:
    couple, _ = at_the_gaze
    said = couple.intent("SideBySideIntent")  # "side by side"
    assert said_one_of(said, "timer_set_side") and not said_one_of(said, "timer_set") and said.ends_session
    assert "eyes" not in said.text, "nothing more about eye contact"
    (timer,) = timers(alexa_api)
    assert timer.body["duration"] == "PT4M" and timer.body["triggeringBehavior"]["operation"]["type"] == "LAUNCH_TASK"
    assert stored(couple)["in_progress"] is None


def test_side_by_side_without_a_timer_is_four_quiet_minutes_and_a_chime_after_alexas_question(
    at_the_gaze: tuple[Couple, Said], alexa_api: AlexaApiStandIn, stored
) -> None:
    couple, _ = at_the_gaze
    alexa_api.status = 403
    said = couple.intent("SideBySideIntent")
    assert said_one_of(said, "ask_timer") and stored(couple)["in_progress"]["state"]["way"] == "side"
    said = couple.request(consent_answer("DENIED"))
    assert said_one_of(said, "silent_side") and not said_one_of(said, "silent_gaze") and said_one_of(said, "gaze_end")
    assert said.timed_seconds() == pytest.approx(GAZE_SECONDS, abs=0.01) and len(said.tags("audio")) == 1
    assert said.ends_session and stored(couple)["in_progress"] is None


def test_a_walk_ends_the_evening_with_no_clock(
    at_the_gaze: tuple[Couple, Said], alexa_api: AlexaApiStandIn, stored
) -> None:
    couple, _ = at_the_gaze
    said = couple.intent("WalkTogetherIntent")  # "a walk"
    assert said_one_of(said, "walk") and said.ends_session and said.timed_seconds() == 0
    assert not timers(alexa_api) and stored(couple)["in_progress"] is None
    assert "next_set" not in stored(couple)["rituals"]["thirty_six"], "the evening is complete"


def test_without_permission_alexa_asks_a_yes_sets_one_timer_and_a_repeated_answer_sets_no_other(
    at_the_gaze: tuple[Couple, Said], alexa_api: AlexaApiStandIn, lambda_app: Any, stored
) -> None:
    couple, _ = at_the_gaze
    alexa_api.status = 403
    said = couple.intent("AMAZON.NextIntent")
    assert said_one_of(said, "ask_timer") and "reprompt" not in said.response
    assert said.response["directives"][0]["payload"]["permissionScopes"][0]["permissionScope"] == TIMERS_SCOPE
    assert stored(couple)["in_progress"]["state"]["step"] == "asking", "the place is kept for Alexa's answer"
    alexa_api.status = 200
    said = couple.request(consent_answer("ACCEPTED"))
    assert said_one_of(said, "timer_set") and said.ends_session
    assert [r.body["duration"] for r in timers(alexa_api)] == ["PT4M", "PT4M"], "the refused try, then the timer"
    assert len({r.body["timerLabel"] for r in timers(alexa_api)}) == 2

    # Alexa delivers the same answer again, without a session: no second timer, and no apology.
    body = couple.later(seconds=5).envelope(consent_answer("ACCEPTED"), new=False)
    del body["session"]
    answer = lambda_app.handler(body, None)
    assert answer["response"]["outputSpeech"]["ssml"] and len(timers(alexa_api)) == 2
    assert not any(
        apology in answer["response"]["outputSpeech"]["ssml"]
        for apology in load_content("en-US").section("narrator").lines.variants("apology")
    )


def test_a_late_consent_answer_in_the_middle_of_a_set_sets_no_timer_and_keeps_the_place(
    couple: Couple, alexa_api: AlexaApiStandIn, stored
) -> None:
    couple.api_endpoint = alexa_api.url
    couple.meet("Maya", "Sam")
    open_start(couple)
    before = stored(couple)["in_progress"]["state"]
    said = couple.request(consent_answer("ACCEPTED"))
    assert not timers(alexa_api) and says(said, "turns", "still_talking", name="Maya") and said.ends_session
    assert stored(couple)["in_progress"]["state"]["cursor"] == before["cursor"]


@pytest.mark.parametrize(
    "answer", [consent_answer("DENIED"), consent_answer("NOT_ANSWERED")], ids=["denied", "not-answered"]
)
def test_without_consent_the_skill_keeps_four_minutes_of_silence_and_a_chime(
    at_the_gaze: tuple[Couple, Said], alexa_api: AlexaApiStandIn, stored, answer: dict
) -> None:
    couple, _ = at_the_gaze
    alexa_api.status = 403
    couple.intent("AMAZON.NextIntent")
    said = couple.request(answer)
    assert said_one_of(said, "silent_gaze") and said_one_of(said, "gaze_end") and said.ends_session
    assert said.timed_seconds() == pytest.approx(GAZE_SECONDS, abs=0.01), "four minutes, Alexa's most for one response"
    assert len(said.tags("audio")) == 1, "a chime ends them"
    assert stored(couple)["rituals"]["thirty_six"]["refused_on"] == couple.now.date().isoformat()

    # A no is respected: the next evening's close does not ask again.
    through_the_set(couple, couple.later(days=1).intent("ThirtySixQuestionsIntent", one_shot=True, set="3"))
    said = couple.later(minutes=5).intent("AMAZON.NextIntent")
    assert "directives" not in said.response and said_one_of(said, "silent_gaze") and said.ends_session


def test_continue_after_a_consent_question_nobody_answered_keeps_the_time_without_asking_again(
    at_the_gaze: tuple[Couple, Said], alexa_api: AlexaApiStandIn
) -> None:
    couple, _ = at_the_gaze
    alexa_api.status = 403
    couple.intent("SideBySideIntent")
    said = couple.later(minutes=10).intent("AMAZON.ResumeIntent", one_shot=True)
    assert said_one_of(said, "resume") and said_one_of(said, "silent_side") and "directives" not in said.response
    assert said.timed_seconds() == pytest.approx(GAZE_SECONDS, abs=0.01), (
        "side by side, as they chose before Alexa asked"
    )


def test_not_yet_at_the_four_minutes_keeps_the_place_and_a_one_shot_begins_them(
    at_the_gaze: tuple[Couple, Said], alexa_api: AlexaApiStandIn, stored
) -> None:
    couple, _ = at_the_gaze
    said = couple.intent("AMAZON.HelpIntent")
    assert said_one_of(said, "help_gaze") and not said.ends_session
    said = couple.intent("TakeOurTimeIntent")
    assert said_one_of(said, "gaze_later") and said.ends_session and not timers(alexa_api)
    assert stored(couple)["in_progress"]["state"]["step"] == "gaze"
    said = couple.later(minutes=15).intent("SideBySideIntent", one_shot=True)  # "Alexa, tell our rituals side by side"
    assert said_one_of(said, "timer_set_side") and len(timers(alexa_api)) == 1


def test_take_our_time_while_the_last_answers_play_opens_the_answer_that_was_playing(couple: Couple, stored) -> None:
    couple.meet("Maya", "Sam")
    through_the_set(couple, couple.intent("ThirtySixQuestionsIntent", one_shot=True, set="3"))
    ends = stored(couple)["in_progress"]["state"]["stretch"]["ends"]
    said = couple.into_answer(seconds=ends[-2] + 10).intent("TakeOurTimeIntent")  # while Maya answers the last question
    assert says(said, "turns", "now_open") and any(spoken(SETS[3][11], "Sam") in line for line in said.by_voice(MAYA))
    assert said.ends_session and says(said, "thirty_six", "then_end") and not said_one_of(said, "gaze_ready")


def test_we_would_rather_not_ends_the_evening_without_the_four_minutes(
    at_the_gaze: tuple[Couple, Said], alexa_api: AlexaApiStandIn, stored
) -> None:
    couple, _ = at_the_gaze
    said = couple.intent("SkipIntent")
    assert said_one_of(said, "goodnight") and said.ends_session and not timers(alexa_api)
    assert stored(couple)["in_progress"] is None


def test_at_their_own_pace_the_last_hand_over_offers_the_three_ways_to_close(
    couple: Couple, alexa_api: AlexaApiStandIn
) -> None:
    couple.api_endpoint = alexa_api.url
    couple.meet("Maya", "Sam")
    said = open_start(couple, set="3")
    for answer in range(PER_SET * 2 - 1):
        assert said.ends_session
        assert (ONE_SHOT_PHRASE in said.text) == (answer == 0), "the one-shot phrase is said once, at the first answer"
        said = couple.later(minutes=3).intent("AMAZON.NextIntent", one_shot=True)
    assert says(said, "thirty_six", "then_end"), "the last answer of the set is announced as such"
    said = couple.later(minutes=3).intent("AMAZON.NextIntent", one_shot=True)
    assert said_one_of(said, "closing") and said_one_of(said, "gaze_ready") and not said.ends_session
    assert not timers(alexa_api), "they choose first"
    said = couple.intent("AMAZON.NextIntent")
    assert said_one_of(said, "timer_set") and [r.body["duration"] for r in timers(alexa_api)] == ["PT4M"]


def test_with_no_alexa_api_at_all_the_four_minutes_still_happen(couple: Couple) -> None:
    couple.meet()
    through_the_set(couple, couple.intent("ThirtySixQuestionsIntent", one_shot=True, set="3"))
    said = couple.later(minutes=5).intent("AMAZON.NextIntent")
    assert said_one_of(said, "silent_gaze") and said.ends_session
    assert said.timed_seconds() == pytest.approx(GAZE_SECONDS, abs=0.01)


# -- the format credited, and the whole evening in about the study's 45 minutes -----------------------------------
def test_the_first_welcome_credits_the_format_and_says_the_questions_are_our_own(couple: Couple) -> None:
    couple.meet("Maya", "Sam")
    said = couple.intent("ThirtySixQuestionsIntent", one_shot=True)
    welcome = said.by_voice(None)[0]
    assert CREDIT in welcome and "our own" in welcome, welcome
    assert all(CREDIT in wording and "our own" in wording for wording in LINES.variants("welcome")), "whichever is said"
    said = couple.later(days=1).intent("ThirtySixQuestionsIntent", one_shot=True, set="2")
    assert CREDIT not in said.text, "said where the evening begins, not at every set"


def test_the_whole_evening_takes_about_45_minutes_and_ten_words_from_the_couple(couple: Couple) -> None:
    """The published protocol took about 45 minutes (Aron and colleagues, 1997); 87 minutes and 30 "next"s was too long.

    Hands-free, from "the thirty-six questions" to the last chime, through the Lambda handler: the skill keeps the
    four minutes itself here (no timers), so they are in the SSML too. Each reply is measured from its SSML
    (`heard_seconds`); the couple speaks only when the skill waits for them, after each reply has played."""
    couple.meet("Maya", "Sam")
    said = couple.intent("ThirtySixQuestionsIntent", one_shot=True)
    replies, asked = [said], []
    while not said.ends_session:
        assert len(asked) < 40, "the evening never ended"
        word = "AMAZON.YesIntent" if said.session_attributes.get("turns_waiting") == "between" else "AMAZON.NextIntent"
        asked.append(word)
        said = couple.later(seconds=heard_seconds(said) + 1).intent(word)
        replies.append(said)
    assert said_one_of(said, "silent_gaze") and said_one_of(said, "gaze_end"), "the evening ended with its four minutes"

    responses = {n: -(-PER_SET // PER_RESPONSE[n]) for n in SETS}  # hands-free responses a set: 3, 3 and 4
    nexts = sum(responses.values()) - len(SETS) + 1  # "next" between a set's responses, and once for the four minutes
    assert asked.count("AMAZON.NextIntent") == nexts == 8, asked
    assert asked.count("AMAZON.YesIntent") == 2, "a yes to go on to set two, and to set three"

    minutes = sum(heard_seconds(reply) for reply in replies) / 60
    questions = minutes - heard_seconds(said) / 60
    assert minutes <= 50, f"the whole evening takes {minutes:.1f} minutes"
    assert 40 <= questions <= 46, f"the thirty-six questions take {questions:.1f} minutes, about the study's 45"
    answered = sum(reply.timed_seconds() for reply in replies[:-1]) / 60
    assert answered == pytest.approx(2 * sum(PER_SET * seconds for seconds in ANSWER_SECONDS.values()) / 60), (
        "every answer timed"
    )
