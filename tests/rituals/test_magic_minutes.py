"""Five magic minutes: a light opening prompt and a real Alexa timer, asked for by voice, never nagging,
and always a kind answer, whatever the Alexa API says (tested against a local stand-in on 127.0.0.1)."""

from __future__ import annotations

import json

import pytest

from skill.content import load_content
from skill.engine.script import Reply, narrate
from tests.support.alexa_api_standin import AlexaApiStandIn, consent_answer
from tests.support.conversation import Couple, Said

LINES = load_content("en-US").section("magic_minutes").lines
PAIRS = [("Maya", "Sam"), ("Sam", "Maya"), ("Partner one", "Partner two"), ("Partner two", "Partner one")]
OPENINGS = {line.format(name=a, other=b) for line in LINES.variants("opening") for a, b in PAIRS}
ANNOUNCEMENTS = set(LINES.variants("announcement"))
TIMERS_SCOPE = "alexa::alerts:timers:skill:readwrite"


def variants(key: str, **names: str) -> list[str]:
    return [text.format(**names) for text in LINES.variants(key)]


def said_one_of(said: Said, key: str, **names: str) -> bool:
    return any(text in said.text for text in variants(key, **names))


def opened_by_a_partner(said: Said) -> bool:
    """The last line is a light opening prompt, spoken in a partner's voice."""
    last = said.lines[-1]
    return last.voice in ("Joanna", "Matthew") and last.text in OPENINGS


@pytest.fixture
def bedtime(couple: Couple, alexa_api: AlexaApiStandIn) -> Couple:
    """Maya and Sam at bedtime, their skill talking to the stand-in instead of Amazon."""
    couple.api_endpoint = alexa_api.url
    couple.meet("Maya", "Sam")
    return couple


# -- a timer is set -------------------------------------------------------------------------------
def test_a_light_opening_then_a_real_five_minute_timer_that_speaks_when_it_ends(
    bedtime: Couple, alexa_api: AlexaApiStandIn, stored
) -> None:
    said = bedtime.intent("MagicMinutesIntent", one_shot=True)
    assert said.ends_session and "directives" not in said.response
    assert said_one_of(said, "lead_in") and said_one_of(said, "timer_set")
    assert opened_by_a_partner(said)

    assert len(alexa_api.received) == 1
    sent = alexa_api.received[0]
    assert sent.method == "POST" and sent.path == "/v1/alerts/timers"
    assert sent.headers["authorization"] == "Bearer test-token"
    assert sent.headers["content-type"] == "application/json"
    confirm = sent.body["triggeringBehavior"]["operation"]["textToConfirm"][0]["text"]
    assert confirm in LINES.variants("hand_back") and "{continueWithSkillName}" in confirm, "Alexa names the skill"
    assert sent.body == {
        "duration": "PT5M",
        "timerLabel": "magic minutes 1",
        "creationBehavior": {"displayExperience": {"visibility": "VISIBLE"}},
        "triggeringBehavior": {
            # When it ends, Alexa offers to bring the couple back, and launches our closing task.
            "operation": {
                "type": "LAUNCH_TASK",
                "textToConfirm": [{"locale": "en-US", "text": confirm}],
                "task": {
                    "name": "amzn1.ask.skill.test-our-rituals.CloseRitual",
                    "version": "1",
                    "input": {"ritual": "magic_minutes"},
                },
            },
            "notificationConfig": {"playAudible": True},
        },
    }
    assert stored(bedtime)["in_progress"] is None


def test_every_timer_gets_a_label_of_its_own(bedtime: Couple, alexa_api: AlexaApiStandIn) -> None:
    bedtime.intent("MagicMinutesIntent", one_shot=True)
    bedtime.later(minutes=2).intent("MagicMinutesIntent", one_shot=True)
    labels = [request.body["timerLabel"] for request in alexa_api.received]
    assert len(labels) == 2 and labels[0] != labels[1]


def test_who_gets_the_opening_prompt_alternates(bedtime: Couple) -> None:
    # Three nights: on the fourth, the routine offer (tests/rituals/test_routine_offer.py) would come before the opening.
    voices = [bedtime.later(days=1).intent("MagicMinutesIntent", one_shot=True).lines[-1].voice for _ in range(3)]
    assert voices == ["Joanna", "Matthew", "Joanna"]


def test_the_token_is_never_logged(bedtime: Couple, capsys: pytest.CaptureFixture[str]) -> None:
    bedtime.intent("MagicMinutesIntent", one_shot=True)
    err = capsys.readouterr().err
    logged = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    assert any(entry.get("status") == 200 and entry.get("api") == "/v1/alerts/timers" for entry in logged)
    assert "test-token" not in err and bedtime.user_id not in err


# -- no permission yet: Alexa asks by voice ------------------------------------------------------------
@pytest.mark.parametrize("status", [401, 403])
def test_without_permission_alexa_asks_for_it_by_voice(
    bedtime: Couple, alexa_api: AlexaApiStandIn, stored, status: int
) -> None:
    alexa_api.status = status
    said = bedtime.intent("MagicMinutesIntent", one_shot=True)
    assert said_one_of(said, "lead_in") and said_one_of(said, "ask_timer")
    assert said.response["directives"] == [
        {
            "type": "Connections.SendRequest",
            "name": "AskFor",
            "payload": {
                "@type": "AskForPermissionsConsentRequest",
                "@version": "2",
                "permissionScopes": [{"permissionScope": TIMERS_SCOPE, "consentLevel": "ACCOUNT"}],
            },
            "token": "",
        }
    ]
    assert "reprompt" not in said.response, "Alexa asks the consent question itself"
    assert said.ends_session
    assert stored(bedtime)["in_progress"]["ritual"] == "magic_minutes", "the ritual keeps its place for the answer"


def test_consent_accepted_sets_the_timer_and_the_minutes_begin(
    bedtime: Couple, alexa_api: AlexaApiStandIn, stored
) -> None:
    alexa_api.status = 403
    asked = bedtime.intent("MagicMinutesIntent", one_shot=True)
    alexa_api.status = 200
    said = bedtime.request(consent_answer("ACCEPTED"))
    assert said_one_of(said, "timer_set") and opened_by_a_partner(said)
    assert said.ends_session
    assert [r.path for r in alexa_api.received] == ["/v1/alerts/timers", "/v1/alerts/timers"]
    assert alexa_api.received[1].body["timerLabel"] != alexa_api.received[0].body["timerLabel"]
    state = stored(bedtime)
    assert state["in_progress"] is None and "refused_on" not in state["rituals"]["magic_minutes"]
    assert "timer_id" not in state["rituals"]["magic_minutes"], "nothing cancels it: its id is not kept"
    assert not any(opening in asked.text for opening in OPENINGS), "the opening waits for the answer"


@pytest.mark.parametrize(
    "answer",
    [consent_answer("DENIED"), consent_answer("NOT_ANSWERED"), consent_answer(None, code="500")],
    ids=["denied", "not-answered", "alexa-error"],
)
def test_consent_not_given_still_gives_the_five_minutes_honestly(
    bedtime: Couple, alexa_api: AlexaApiStandIn, stored, answer: dict
) -> None:
    alexa_api.status = 403
    bedtime.intent("MagicMinutesIntent", one_shot=True)
    said = bedtime.request(answer)
    assert said_one_of(said, "no_timer_denied") and said_one_of(said, "how_to_allow")
    assert "goodnight" in said.text and opened_by_a_partner(said) and said.ends_session
    assert len(alexa_api.received) == 1, "no timer is attempted after a no"
    assert stored(bedtime)["rituals"]["magic_minutes"]["refused_on"] == bedtime.now.date().isoformat()


def test_a_no_is_respected_for_two_weeks_and_the_app_hint_is_given_once(
    bedtime: Couple, alexa_api: AlexaApiStandIn
) -> None:
    alexa_api.status = 403
    bedtime.intent("MagicMinutesIntent", one_shot=True)
    bedtime.request(consent_answer("DENIED"))

    said = bedtime.later(days=1).intent("MagicMinutesIntent", one_shot=True)
    assert "directives" not in said.response, "the next night: no asking again"
    assert said_one_of(said, "no_timer_unallowed") and not said_one_of(said, "how_to_allow")
    assert opened_by_a_partner(said) and said.ends_session

    said = bedtime.later(days=12).intent("MagicMinutesIntent", one_shot=True)
    asks = [d for d in said.response.get("directives", []) if d.get("name") == "AskFor"]
    assert not asks, "still within two weeks (the third bedtime's routine offer may come instead)"

    said = bedtime.later(days=1).intent("MagicMinutesIntent", one_shot=True)
    assert said.response["directives"][0]["name"] == "AskFor", "two weeks later, one gentle ask"


def test_a_permission_given_in_the_alexa_app_is_used_without_asking(
    bedtime: Couple, alexa_api: AlexaApiStandIn
) -> None:
    alexa_api.status = 403
    bedtime.intent("MagicMinutesIntent", one_shot=True)
    bedtime.request(consent_answer("DENIED"))
    alexa_api.status = 200  # they switched timers on in the app
    said = bedtime.later(days=2).intent("MagicMinutesIntent", one_shot=True)
    assert said_one_of(said, "timer_set") and "directives" not in said.response


# -- the API fails: a kind answer, never a crash ------------------------------------------------------
@pytest.mark.parametrize("status", [400, 429, 500, 504])
def test_when_the_timer_cannot_be_set_the_couple_still_gets_their_minutes(
    bedtime: Couple, alexa_api: AlexaApiStandIn, stored, status: int
) -> None:
    alexa_api.status = status
    said = bedtime.intent("MagicMinutesIntent", one_shot=True)
    assert said_one_of(said, "no_timer_failed") and opened_by_a_partner(said)
    assert said.ends_session and "directives" not in said.response
    assert str(status) not in said.text and "error" not in said.text.lower()
    assert "refused_on" not in stored(bedtime)["rituals"]["magic_minutes"], "a failure is not a refusal"


def test_an_api_that_never_answers_costs_a_timer_not_the_evening(
    couple: Couple, monkeypatch: pytest.MonkeyPatch
) -> None:
    from skill.alexa import api

    monkeypatch.setattr(api, "TIMEOUT_SECONDS", 0.3)
    with AlexaApiStandIn(hang=True) as silent:
        couple.api_endpoint = silent.url
        couple.meet()
        said = couple.intent("MagicMinutesIntent", one_shot=True)
    assert len(silent.received) == 1
    assert said_one_of(said, "no_timer_failed") and opened_by_a_partner(said) and said.ends_session


def test_an_api_that_is_not_there_at_all(couple: Couple) -> None:
    with AlexaApiStandIn() as gone:
        address = gone.url
    couple.api_endpoint = address  # nothing listens there any more
    couple.meet()
    said = couple.intent("MagicMinutesIntent", one_shot=True)
    assert said_one_of(said, "no_timer_failed") and opened_by_a_partner(said)


def test_without_any_alexa_api_the_ritual_still_runs(couple: Couple) -> None:
    couple.api_endpoint = ""
    couple.meet()
    said = couple.intent("MagicMinutesIntent", one_shot=True)
    assert said_one_of(said, "no_timer_failed") and opened_by_a_partner(said) and said.ends_session


# -- a permission answer nobody waits for ---------------------------------------------------------------
def test_a_consent_answer_with_nothing_in_progress_gets_a_kind_host_answer(couple: Couple) -> None:
    couple.meet()
    said = couple.request(consent_answer("ACCEPTED"))
    assert said.text and not said.ends_session and said.reprompt


def test_continue_after_an_unanswered_permission_question_begins_again(
    bedtime: Couple, alexa_api: AlexaApiStandIn
) -> None:
    alexa_api.status = 403
    bedtime.intent("MagicMinutesIntent", one_shot=True)
    alexa_api.status = 200
    said = bedtime.later(minutes=2).intent("AMAZON.ResumeIntent", one_shot=True)
    assert said_one_of(said, "timer_set") and opened_by_a_partner(said)


# -- the reply shape the engine promises -------------------------------------------------------------
def test_a_reply_that_asks_for_a_permission_has_no_reprompt() -> None:
    assert Reply(speech=(narrate("May I?"),), ask_permission=TIMERS_SCOPE).ask_permission == TIMERS_SCOPE
    with pytest.raises(ValueError, match="no reprompt"):
        Reply(speech=(narrate("May I?"),), reprompt=(narrate("May I, please?"),), ask_permission=TIMERS_SCOPE)
    with pytest.raises(ValueError, match="needs a reprompt"):
        Reply(speech=(narrate("Still there?"),))


def test_no_lead_in_mentions_children_and_each_keeps_the_idea() -> None:
    """A childless or bereaved couple heard "no kids' logistics" every bedtime; the idea is no logistics or work."""
    import re

    from skill.content import SUPPORTED_LOCALES, load_content

    for locale in SUPPORTED_LOCALES:
        for line in load_content(locale).section("magic_minutes").lines.variants("lead_in"):
            assert not re.search(
                r"\b(kid|kids|child|children|children's|parent|parenting|baby|school)\b", line, re.I
            ), line
            assert re.search(r"\bwork\b", line) and re.search(
                r"plans|schedules|to-do|logistics|errands|chores", line
            ), line
