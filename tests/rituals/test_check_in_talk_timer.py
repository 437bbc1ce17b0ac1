"""A timer for the check-in's talk together: "Alexa, tell our rituals to give us fifteen minutes" while they talk sets
an Alexa timer (asked for by voice, a refusal remembered, as five magic minutes does), and when it ends Alexa offers
to bring them back, launching the skill's task: the check-in carries on at the numbers. Without a timer, "we're ready"
still brings them back, and they are told so kindly. Through the Lambda handler, against a local Alexa API stand-in."""

from __future__ import annotations

from typing import Any

import pytest

from skill.content import load_content
from tests.support.alexa_api_standin import AlexaApiStandIn, consent_answer
from tests.support.conversation import SKILL_ID, Couple, Said

CONTENT = load_content("en-US").section("check_in")
LINES, SETTINGS = CONTENT.lines, CONTENT.settings
NARRATOR = load_content("en-US").section("narrator").lines
TITLE = SETTINGS["title"]
TIMERS_SCOPE = "alexa::alerts:timers:skill:readwrite"
MAYA = "Joanna"


def variants(key: str, **values: Any) -> list[str]:
    return [text.format(**{"first": "Maya", "second": "Sam", **values}) for text in LINES.variants(key)]


def said_one_of(said: Said, key: str, **values: Any) -> bool:
    return any(text in said.text for text in variants(key, **values))


def asks_maya_for_her_number(said: Said) -> bool:
    last = said.lines[-1]
    return last.voice == MAYA and last.text in variants("rating_first", name="Maya", other="Sam")


def timers(api: AlexaApiStandIn) -> list[Any]:
    """What the skill asked of the Timers API (the stand-in also hears the Settings API's time-zone look-ups)."""
    return [request for request in api.received if request.path.startswith("/v1/alerts/timers")]


def timer_task_ends(couple: Couple, task: dict[str, Any]) -> Said:
    """The timer rang, the couple said yes to Alexa's question, and Alexa launched the task the timer carried."""
    couple.session_open = False
    return couple.request({"type": "LaunchRequest", "task": task})


@pytest.fixture
def talking(couple: Couple, alexa_api: AlexaApiStandIn, stored) -> Couple:
    """Maya and Sam have shared and said back, and are talking it over: the microphone is closed."""
    couple.api_endpoint = alexa_api.url
    couple.meet("Maya", "Sam")
    said = couple.intent("CheckInIntent", one_shot=True)
    assert said_one_of(said, "talk_over") and said.ends_session
    assert said_one_of(said, "talk_timer_offer"), "the first time, they hear that a timer is theirs for the asking"
    assert stored(couple)["in_progress"]["state"]["waiting"] == "talking"
    assert timers(alexa_api) == [], "no timer unless they ask for one"
    return couple.later(seconds=said.playing_seconds())


# -- a timer is set, and its end brings them to their numbers ------------------------------------------------------
def test_give_us_fifteen_minutes_sets_a_timer_that_launches_the_resuming_task(
    talking: Couple, alexa_api: AlexaApiStandIn, stored
) -> None:
    before = stored(talking)["in_progress"]["state"]
    said = talking.later(minutes=2).intent("TalkTimerIntent", one_shot=True, minutes="15")
    assert said_one_of(said, "talk_timer_set", time="15 minutes") and said.ends_session and not said.reprompt
    assert "directives" not in said.response
    assert [(r.method, r.path) for r in timers(alexa_api)] == [("POST", "/v1/alerts/timers")]
    body = timers(alexa_api)[0].body
    assert body["duration"] == "PT15M" and body["timerLabel"] == f"{SETTINGS['timer_label']} 1"
    operation = body["triggeringBehavior"]["operation"]
    assert operation["type"] == "LAUNCH_TASK"
    assert operation["task"] == {"name": f"{SKILL_ID}.ResumeRitual", "version": "1", "input": {"ritual": "check_in"}}
    assert operation["textToConfirm"][0]["text"] in LINES.variants("hand_back")
    assert "{continueWithSkillName}" in operation["textToConfirm"][0]["text"], "Alexa names the skill"
    state = stored(talking)
    assert state["in_progress"]["state"]["cursor"] == before["cursor"], "still the talk: the timer moves nothing"
    assert state["rituals"]["check_in"]["talk_timer"]["timer_for_run"] == 1
    assert state["rituals"]["check_in"]["talk_timer"]["timer_id"] == alexa_api.timers[0], "kept, to cancel it"

    said = timer_task_ends(talking.later(minutes=15), operation["task"])
    assert said_one_of(said, "talk_timer_up") and said_one_of(said, "after_talk")
    assert asks_maya_for_her_number(said) and not said.ends_session and said.reprompt
    talking.intent("RatingIntent", rating="7")
    said = talking.intent("RatingIntent", rating="8")
    assert said.ends_session and stored(talking)["rituals"]["check_in"]["weeks"] == {"2026-W47": [7, 8]}
    assert stored(talking)["rituals"]["check_in"]["talk_timer"]["runs"] == 1, "the timer's notes outlive the numbers"
    assert "timer_id" not in stored(talking)["rituals"]["check_in"]["talk_timer"], "it rang: nothing to cancel"
    assert [r.method for r in timers(alexa_api)] == ["POST"], "a timer that rang is never cancelled"


def test_a_timer_without_a_number_is_the_content_default_and_one_minute_is_said_as_one(
    talking: Couple, alexa_api: AlexaApiStandIn
) -> None:
    said = talking.intent("TalkTimerIntent", one_shot=True)  # "set a timer"
    default = SETTINGS["talk_timer_seconds"] // 60
    assert said_one_of(said, "talk_timer_set", time=f"{default} minutes")
    said = talking.later(minutes=1).intent("TalkTimerIntent", one_shot=True, minutes="one")
    assert said_one_of(said, "talk_timer_set", time="one minute")
    durations = [r.body["duration"] for r in timers(alexa_api)]
    assert durations == [f"PT{default}M", "PT1M"]
    labels = [r.body["timerLabel"] for r in timers(alexa_api)]
    assert labels[0] != labels[1], "every timer has a label of its own"


@pytest.mark.parametrize("heard", ["0", "500", "?"])
def test_a_length_out_of_range_or_misheard_is_told_kindly_and_no_timer_is_set(
    talking: Couple, alexa_api: AlexaApiStandIn, stored, heard: str
) -> None:
    before = stored(talking)["in_progress"]["state"]
    said = talking.intent("TalkTimerIntent", one_shot=True, minutes=heard)
    assert said_one_of(said, "talk_timer_range", count=SETTINGS["talk_timer_max_minutes"]) and said.ends_session
    assert timers(alexa_api) == []
    assert stored(talking)["in_progress"]["state"]["cursor"] == before["cursor"]


def test_we_are_ready_before_the_timer_ends_cancels_it_and_goes_on(
    talking: Couple, alexa_api: AlexaApiStandIn, stored
) -> None:
    """ "We're ready" after eight of twenty minutes: their numbers now, and the timer cancelled, so it does not ring
    into them twelve minutes later (Timers REST API: DELETE /v1/alerts/timers/{id})."""
    talking.intent("TalkTimerIntent", one_shot=True, minutes="20")
    timer_id = alexa_api.timers[0]
    said = talking.later(minutes=8).intent("AMAZON.NextIntent", one_shot=True)  # "we're ready"
    assert asks_maya_for_her_number(said)
    assert [(r.method, r.path) for r in timers(alexa_api)][1:] == [("DELETE", f"/v1/alerts/timers/{timer_id}")]
    assert alexa_api.timers == [] and "timer_id" not in stored(talking)["rituals"]["check_in"]["talk_timer"]
    talking.intent("RatingIntent", rating="7")
    said = talking.intent("RatingIntent", rating="8")
    assert said.ends_session and stored(talking)["rituals"]["check_in"]["weeks"] == {"2026-W47": [7, 8]}


def test_a_cancel_alexa_fails_costs_nothing_and_the_late_task_is_met_kindly(
    talking: Couple, alexa_api: AlexaApiStandIn
) -> None:
    talking.intent("TalkTimerIntent", one_shot=True, minutes="20")
    task = timers(alexa_api)[0].body["triggeringBehavior"]["operation"]["task"]
    alexa_api.by_method["DELETE"] = 500
    said = talking.later(minutes=8).intent("AMAZON.NextIntent", one_shot=True)  # "we're ready"
    assert asks_maya_for_her_number(said), "the numbers come whatever became of the cancel"
    assert alexa_api.timers != [], "the timer is still there"
    talking.intent("RatingIntent", rating="7")
    talking.intent("RatingIntent", rating="7")
    said = timer_task_ends(talking.later(minutes=12), task)
    assert said_one_of(said, "talk_timer_after") and said.ends_session
    assert not any(voice for voice in said.voices), "the narrator's, nothing begins"


def test_a_task_that_comes_while_they_are_at_their_numbers_resumes_there(
    talking: Couple, alexa_api: AlexaApiStandIn
) -> None:
    talking.intent("TalkTimerIntent", one_shot=True, minutes="10")
    task = timers(alexa_api)[0].body["triggeringBehavior"]["operation"]["task"]
    talking.later(minutes=5).intent("AMAZON.NextIntent", one_shot=True)
    talking.intent("RatingIntent", rating="6")
    said = timer_task_ends(talking.later(minutes=5), task)
    last = said.lines[-1]
    assert last.voice == "Matthew" and last.text in variants("rating_second", name="Sam", other="Maya")


def test_a_timer_asked_for_at_another_step_moves_nothing(couple: Couple, alexa_api: AlexaApiStandIn, stored) -> None:
    couple.api_endpoint = alexa_api.url
    couple.meet("Maya", "Sam")
    couple.resolved("CheckInIntent", "pace", "let's take our time", "open", one_shot=True)  # Maya shares, open
    before = stored(couple)["in_progress"]["state"]
    said = couple.later(minutes=1).intent("TalkTimerIntent", one_shot=True, minutes="15")
    assert said.ends_session and timers(alexa_api) == []
    assert stored(couple)["in_progress"]["state"]["cursor"] == before["cursor"]


# -- no permission: Alexa asks; a no falls back to the one-shot ------------------------------------------------------
def test_without_permission_alexa_asks_and_a_yes_sets_the_timer(
    talking: Couple, alexa_api: AlexaApiStandIn, stored
) -> None:
    alexa_api.status = 403
    said = talking.intent("TalkTimerIntent", one_shot=True, minutes="15")
    assert said_one_of(said, "talk_timer_ask", time="15 minutes") and "reprompt" not in said.response
    directive = said.response["directives"][0]
    assert directive["type"] == "Connections.SendRequest" and directive["name"] == "AskFor"
    assert directive["payload"]["permissionScopes"] == [{"permissionScope": TIMERS_SCOPE, "consentLevel": "ACCOUNT"}]
    assert stored(talking)["in_progress"]["state"]["timer_asked"] == {"run": 1, "minutes": 15}
    alexa_api.status = 200
    said = talking.request(consent_answer("ACCEPTED"))
    assert said_one_of(said, "talk_timer_set", time="15 minutes") and said.ends_session
    assert [r.body["duration"] for r in timers(alexa_api)] == ["PT15M", "PT15M"]
    place = stored(talking)["in_progress"]["state"]
    assert "timer_asked" not in place and place["waiting"] == "talking"


@pytest.mark.parametrize(
    "answer",
    [consent_answer("DENIED"), consent_answer("NOT_ANSWERED"), consent_answer(None, code="500")],
    ids=["denied", "not-answered", "alexa-error"],
)
def test_a_refusal_falls_back_to_the_one_shot_and_is_remembered(
    talking: Couple, alexa_api: AlexaApiStandIn, stored, answer: dict
) -> None:
    alexa_api.status = 403
    talking.intent("TalkTimerIntent", one_shot=True, minutes="15")
    said = talking.request(answer)
    assert said_one_of(said, "talk_timer_denied") and said_one_of(said, "talk_timer_how_to_allow")
    assert "we're ready" in said.text and said.ends_session
    assert len(timers(alexa_api)) == 1, "no timer is tried after a no"
    notes = stored(talking)["rituals"]["check_in"]["talk_timer"]
    assert notes["refused_on"] == talking.now.date().isoformat()
    said = talking.later(minutes=10).intent("TalkTimerIntent", one_shot=True, minutes="10")
    assert "directives" not in said.response, "not asked again so soon"
    assert said_one_of(said, "talk_timer_unallowed") and not said_one_of(said, "talk_timer_how_to_allow"), "told once"
    said = talking.later(minutes=5).intent("AMAZON.NextIntent", one_shot=True)  # "we're ready" still works
    assert asks_maya_for_her_number(said)


def test_the_reminder_refusal_and_the_timer_refusal_are_kept_apart(
    talking: Couple, alexa_api: AlexaApiStandIn, stored
) -> None:
    alexa_api.status = 403
    talking.intent("TalkTimerIntent", one_shot=True, minutes="15")
    talking.request(consent_answer("DENIED"))
    kept = stored(talking)["rituals"]["check_in"]
    assert "refused_on" not in kept, "a no to timers is not a no to the weekly reminder"


@pytest.mark.parametrize("status", [400, 500])
def test_when_the_timer_cannot_be_set_they_hear_so_and_the_one_shot(
    talking: Couple, alexa_api: AlexaApiStandIn, status: int
) -> None:
    alexa_api.status = status
    said = talking.intent("TalkTimerIntent", one_shot=True, minutes="15")
    assert said_one_of(said, "talk_timer_failed") and said.ends_session and "directives" not in said.response
    assert str(status) not in said.text


def test_continue_after_an_unanswered_timer_question_is_the_talk_again(
    talking: Couple, alexa_api: AlexaApiStandIn, stored
) -> None:
    alexa_api.status = 403
    talking.intent("TalkTimerIntent", one_shot=True, minutes="15")
    said = talking.later(minutes=3).intent("AMAZON.ResumeIntent", one_shot=True)
    assert said_one_of(said, "talk_over") and said.ends_session
    assert "timer_asked" not in stored(talking)["in_progress"]["state"]
    said = talking.later(minutes=3).intent("AMAZON.NextIntent", one_shot=True)
    assert asks_maya_for_her_number(said)


# -- stop, help and repeat at the talk still keep the place ---------------------------------------------------------
@pytest.mark.parametrize("leaving", ["AMAZON.StopIntent", "AMAZON.CancelIntent"])
def test_stop_after_a_timer_is_set_keeps_the_place_for_the_timers_end(
    talking: Couple, alexa_api: AlexaApiStandIn, stored, leaving: str
) -> None:
    talking.intent("TalkTimerIntent", one_shot=True, minutes="15")
    task = timers(alexa_api)[0].body["triggeringBehavior"]["operation"]["task"]
    cursor = stored(talking)["in_progress"]["state"]["cursor"]
    said = talking.later(minutes=2).intent(leaving, one_shot=True)
    assert said.ends_session and any(w.format(ritual=TITLE) in said.text for w in NARRATOR.variants("paused"))
    assert stored(talking)["in_progress"]["state"]["cursor"] == cursor
    said = timer_task_ends(talking.later(minutes=13), task)
    assert asks_maya_for_her_number(said)


def test_help_at_the_talk_tells_how_to_ask_for_a_timer_and_keeps_the_microphone_closed(talking: Couple, stored) -> None:
    before = stored(talking)["in_progress"]["state"]
    said = talking.later(minutes=3).intent("AMAZON.HelpIntent", one_shot=True)
    assert said_one_of(said, "help_untimed") and said_one_of(said, "talk_timer_offer") and said.ends_session
    assert stored(talking)["in_progress"]["state"] == before


def test_repeat_after_a_timer_is_set_says_the_talk_again_and_keeps_the_place(
    talking: Couple, alexa_api: AlexaApiStandIn, stored
) -> None:
    talking.intent("TalkTimerIntent", one_shot=True, minutes="15")
    before = stored(talking)["in_progress"]["state"]
    said = talking.later(minutes=3).intent("AMAZON.RepeatIntent", one_shot=True)
    assert said_one_of(said, "talk_over") and said.ends_session and said.timed_seconds() == 0
    assert stored(talking)["in_progress"]["state"]["cursor"] == before["cursor"]
    assert len(timers(alexa_api)) == 1, "repeating sets no second timer"


def test_the_timer_is_offered_in_full_the_first_time_briefly_the_second_then_not_at_all(couple: Couple) -> None:
    couple.meet("Maya", "Sam")
    heard = []
    for _ in range(3):
        said = couple.intent("CheckInIntent", one_shot=True)
        heard.append((said_one_of(said, "talk_timer_offer"), said_one_of(said, "talk_timer_offer_brief")))
        couple.later(minutes=15).intent("AMAZON.NextIntent", one_shot=True)
        couple.intent("RatingIntent", rating="7")
        couple.intent("RatingIntent", rating="7")
        couple.later(days=7)
    assert heard == [(True, False), (False, True), (False, False)]


def test_give_us_fifteen_minutes_with_nothing_in_progress_is_a_kind_fallback(
    couple: Couple, alexa_api: AlexaApiStandIn
) -> None:
    couple.api_endpoint = alexa_api.url
    couple.meet("Maya", "Sam")
    said = couple.intent("TalkTimerIntent", one_shot=True, minutes="15")
    assert said.text and timers(alexa_api) == []
