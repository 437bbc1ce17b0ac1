"""A routine, offered once: after the third morning coffee (or the third five magic minutes), Alexa asks whether a
phrase of their own should start it; the answer comes back and a no is remembered.

Shapes as Amazon's Pre-Built Routine API Reference documents them: the offer is a Connections.StartConnection
to AMAZON.OfferAutomation with onCompletion RESUME_SESSION, the answer a SessionResumedRequest whose cause is
ConnectionCompleted (status 200, or 204 with result.offerAutomationResponse.reason). Amazon documents no
Connections.Response for it: that is the answer to Connections.SendRequest (the timers permission's AskFor).

Bedtime: five magic minutes closes only when its timer hands the couple back, so the offer comes at that closing;
with no timer to hand back (or when that closing never came) it comes before the minutes, and the opening follows
Alexa's answer.
"""

from __future__ import annotations

from typing import Any

import pytest

from skill.content import load_content
from tests.support.alexa_api_standin import AlexaApiStandIn
from tests.support.conversation import SKILL_ID, Couple, Said

ROUTINES = load_content("en-US").section("routines")


def coffee(couple: Couple) -> Said:
    return couple.later(days=1).intent("MorningCoffeeIntent", one_shot=True)


def offers(said: Said) -> list[dict[str, Any]]:
    return [d for d in said.response.get("directives", []) if d["type"] == "Connections.StartConnection"]


def answer(couple: Couple, code: str, reason: str | None = None, ritual: str = "morning_coffee") -> Said:
    """Alexa resumes our session when the couple has answered its offer."""
    result = {"offerAutomationResponse": {"reason": reason}} if reason else {}
    return couple.request(
        {
            "type": "SessionResumedRequest",
            "cause": {
                "type": "ConnectionCompleted",
                "token": f"routine:{ritual}",
                "status": {"code": code, "message": "OK" if code == "200" else "No Content"},
                "result": result,
            },
        }
    )


@pytest.mark.parametrize("surface", ["couple", "web_couple"])
def test_the_third_morning_coffee_offers_a_routine_once(surface: str, request: Any, stored) -> None:
    couple: Couple = request.getfixturevalue(surface)
    couple.meet("Maya", "Sam")
    assert not offers(coffee(couple)) and not offers(coffee(couple))
    third = coffee(couple)
    assert ROUTINES.lines.variants("offer_morning_coffee")[0] in third.text
    [offer] = offers(third)
    assert offer == {
        "type": "Connections.StartConnection",
        "uri": "connection://AMAZON.OfferAutomation/1",
        "onCompletion": "RESUME_SESSION",
        "token": "routine:morning_coffee",
        "input": {
            "automation": {
                "trigger": {
                    "type": "Alexa.Automation.Trigger.Voice.CustomUtterance",
                    "version": "1.0",
                    "payload": {
                        "utterances": ROUTINES.settings["rituals"]["morning_coffee"]["utterances"],
                        "locale": "en-US",
                    },
                },
                "operations": {
                    "serial": [
                        {
                            "operation": {
                                "type": "Alexa.Automation.Operation.Skill.StartConnection",
                                "version": "1.0",
                                "operationId": "MorningCoffee_morning_coffee",
                                "payload": {
                                    "connectionRequest": {
                                        "uri": f"connection://{SKILL_ID}.MorningCoffee/1?provider={SKILL_ID}",
                                        "input": {},
                                    }
                                },
                            }
                        }
                    ]
                },
            },
            "renderingData": {
                "operations": {
                    "MorningCoffee_morning_coffee": {"descriptionPrompt": "Start your morning coffee with Our Rituals"}
                }
            },
        },
    }
    assert "shouldEndSession" not in third.response and "reprompt" not in third.response, "Alexa takes the turn"
    kept = stored(couple)["rituals"]["preferences"]["routines"]["morning_coffee"]
    assert kept["runs"] == 3 and kept["offer"] == "offered" and set(kept) == {"runs", "last", "offer"}
    said = answer(couple, "204", "REJECTED_BY_CUSTOMER")
    assert said.text in ROUTINES.lines.variants("declined") and said.ends_session
    assert stored(couple)["rituals"]["preferences"]["routines"]["morning_coffee"]["offer"] == "declined"
    for _ in range(3):
        assert not offers(coffee(couple)), "a no is remembered"


@pytest.mark.parametrize("surface", ["couple", "web_couple"])
def test_a_yes_makes_the_routine_and_it_is_not_offered_again(surface: str, request: Any, stored) -> None:
    couple: Couple = request.getfixturevalue(surface)
    couple.meet("Maya", "Sam")
    for _ in range(3):
        coffee(couple)
    said = answer(couple, "200")
    assert said.text in ROUTINES.lines.variants("accepted_morning_coffee")
    assert stored(couple)["rituals"]["preferences"]["routines"]["morning_coffee"]["offer"] == "accepted"
    assert not offers(coffee(couple))


@pytest.mark.parametrize(
    ("code", "reason", "key"),
    [("204", "AUTOMATION_ALREADY_ENABLED", "already"), ("500", None, "failed"), ("204", "SOMETHING_NEW", "failed")],
)
def test_every_other_answer_is_told_kindly(couple: Couple, code: str, reason: str | None, key: str) -> None:
    couple.meet("Maya", "Sam")
    for _ in range(3):
        coffee(couple)
    said = answer(couple, code, reason)
    assert said.text in ROUTINES.lines.variants(key) and said.ends_session


def test_an_answer_for_a_ritual_we_never_offered_is_told_kindly(couple: Couple) -> None:
    couple.meet("Maya", "Sam")
    said = answer(couple, "200", ritual="safety")
    assert said.text in ROUTINES.lines.variants("failed")


def test_a_resumed_session_that_is_not_ours_is_an_empty_answer(couple: Couple) -> None:
    couple.meet("Maya", "Sam")
    said = couple.request(
        {
            "type": "SessionResumedRequest",
            "cause": {"type": "ConnectionCompleted", "token": "other", "status": {"code": "200", "message": "OK"}},
        }
    )
    assert said.is_empty


def test_the_third_bedtime_offers_its_routine_when_the_timer_hands_back(
    couple: Couple, alexa_api: AlexaApiStandIn
) -> None:
    couple.meet("Maya", "Sam")
    couple.api_endpoint = alexa_api.url
    for night in range(3):
        couple.later(days=1).intent("MagicMinutesIntent", one_shot=True)
        couple.session_open = False
        closing = couple.later(minutes=5).request(
            {
                "type": "LaunchRequest",
                "task": {"name": f"{SKILL_ID}.CloseRitual", "version": "1", "input": {"ritual": "magic_minutes"}},
            }
        )
        assert bool(offers(closing)) == (night == 2)
    assert offers(closing)[0]["input"]["automation"]["operations"]["serial"][0]["operation"]["payload"][
        "connectionRequest"
    ]["uri"] == (f"connection://{SKILL_ID}.MagicMinutes/1?provider={SKILL_ID}")


def test_a_coffee_heard_again_the_same_morning_is_not_another_one(couple: Couple, stored) -> None:
    """A "repeat" while the coffee plays, or a second coffee that morning, is the same habit: days are counted."""
    couple.meet("Maya", "Sam")
    coffee(couple)
    couple.later(hours=1).intent("MorningCoffeeIntent", one_shot=True)
    assert stored(couple)["rituals"]["preferences"]["routines"]["morning_coffee"]["runs"] == 1
    coffee(couple)
    assert stored(couple)["rituals"]["preferences"]["routines"]["morning_coffee"]["runs"] == 2


def bedtime(couple: Couple) -> Said:
    """Five magic minutes, the next evening; without Alexa's APIs no timer is set, so no closing will come."""
    return couple.later(days=1).intent("MagicMinutesIntent", one_shot=True)


def openings(couple: Couple, first: str, other: str) -> list[str]:
    lines = load_content("en-US").section("magic_minutes").lines.variants("opening")
    return [line.format(name=first, other=other) for line in lines]


@pytest.mark.parametrize("surface", ["couple", "web_couple"])
def test_the_third_bedtime_without_a_timer_offers_before_the_minutes_and_a_no_is_remembered(
    surface: str, request: Any, stored
) -> None:
    couple: Couple = request.getfixturevalue(surface)
    couple.meet("Maya", "Sam")
    couple.api_endpoint = ""  # no Alexa API: the minutes run without a timer, so no closing hands them back
    first, second = bedtime(couple), bedtime(couple)
    assert not offers(first) and not offers(second)
    assert any(line in first.text for line in openings(couple, "Maya", "Sam") + openings(couple, "Sam", "Maya"))
    third = bedtime(couple)
    [offer] = offers(third)
    assert offer["token"] == "routine:magic_minutes" and offer["onCompletion"] == "RESUME_SESSION"
    assert offer["input"]["automation"]["operations"]["serial"][0]["operation"]["payload"]["connectionRequest"][
        "uri"
    ] == (f"connection://{SKILL_ID}.MagicMinutes/1?provider={SKILL_ID}")
    assert third.text.endswith(ROUTINES.lines.variants("offer_magic_minutes_before")[0])
    assert not any(line in third.text for line in openings(couple, "Maya", "Sam") + openings(couple, "Sam", "Maya")), (
        "the opening waits for Alexa's question"
    )
    assert "shouldEndSession" not in third.response and "reprompt" not in third.response, "Alexa takes the turn"
    kept = stored(couple)["rituals"]["preferences"]["routines"]["magic_minutes"]
    assert kept["offer"] == "offered" and kept["then"]["line"] == "opening"
    who = ("Maya", "Sam") if kept["then"]["first"] == 0 else ("Sam", "Maya")
    said = answer(couple, "204", "REJECTED_BY_CUSTOMER", ritual="magic_minutes")
    assert said.text.startswith(ROUTINES.lines.variants("declined_then")[0]) and said.ends_session
    assert any(said.text.endswith(line) for line in openings(couple, *who)), "then the five minutes begin"
    kept = stored(couple)["rituals"]["preferences"]["routines"]["magic_minutes"]
    assert kept["offer"] == "declined" and "then" not in kept
    for _ in range(3):
        assert not offers(bedtime(couple)), "a no is remembered"


def test_a_yes_before_the_minutes_makes_the_routine_and_the_minutes_begin(couple: Couple, stored) -> None:
    couple.meet("Maya", "Sam")
    couple.api_endpoint = ""
    for _ in range(3):
        bedtime(couple)
    said = answer(couple, "200", ritual="magic_minutes")
    assert said.text.startswith(ROUTINES.lines.variants("accepted_magic_minutes")[0])
    assert any(said.text.endswith(line) for line in openings(couple, "Maya", "Sam") + openings(couple, "Sam", "Maya"))
    assert stored(couple)["rituals"]["preferences"]["routines"]["magic_minutes"]["offer"] == "accepted"
    assert not offers(bedtime(couple))


def test_when_the_closing_that_was_to_offer_never_comes_the_next_bedtime_offers(
    couple: Couple, alexa_api: AlexaApiStandIn
) -> None:
    """The third bedtime's timer would hand them back to offer it; they fell asleep. The fourth offers before."""
    couple.meet("Maya", "Sam")
    couple.api_endpoint = alexa_api.url
    for _ in range(3):
        assert not offers(bedtime(couple))
        couple.session_open = False
    fourth = bedtime(couple)
    assert offers(fourth) and fourth.text.endswith(ROUTINES.lines.variants("offer_magic_minutes_before")[0])
    couple.session_open = False
    closing = couple.later(minutes=5).request(
        {
            "type": "LaunchRequest",
            "task": {"name": f"{SKILL_ID}.CloseRitual", "version": "1", "input": {"ritual": "magic_minutes"}},
        }
    )
    assert not offers(closing), "offered once"
