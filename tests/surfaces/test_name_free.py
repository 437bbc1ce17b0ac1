"""Name-free requests: Alexa asks whether we can fulfil an intent before it picks a skill.

Our answer is honest (YES only for a ritual that starts by itself with every slot as said, NO for what needs a
session or should be asked of us by name), silent, and changes nothing: the tests hold the store unchanged.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from tests.support.conversation import Couple

FIXTURE = Path(__file__).resolve().parents[1] / "support" / "fixtures" / "can_fulfill_intent_request.json"


def can_fulfill(couple: Couple, intent: str, locale: str | None = None, **slots: Any) -> dict[str, Any]:
    """A CanFulfillIntentRequest as Alexa sends it (no session: Alexa has not chosen us yet)."""
    slot_objects = {}
    for name, value in slots.items():
        slot: dict[str, Any] = {"name": name, "confirmationStatus": "NONE"}
        if isinstance(value, dict):
            slot.update(value)
        elif value is not None:
            slot["value"] = value
        slot_objects[name] = slot
    envelope = couple.envelope(
        {
            "type": "CanFulfillIntentRequest",
            "intent": {"name": intent, "confirmationStatus": "NONE", "slots": slot_objects},
        },
        new=True,
    )
    envelope["session"]["attributes"] = {}  # a new session: Alexa has not chosen us yet
    if locale:
        envelope["request"]["locale"] = locale
    answer = couple.send(envelope)
    response = answer["response"]
    assert "outputSpeech" not in response and "reprompt" not in response and "card" not in response
    assert "directives" not in response and not answer.get("sessionAttributes")
    return response["canFulfillIntent"]


def test_the_documented_request_gets_a_yes_through_both_entry_points(lambda_app: Any, web_client: Any, stored) -> None:
    body = json.loads(FIXTURE.read_text())
    for answer in (lambda_app.handler(copy.deepcopy(body), None), web_client.post("/alexa", json=body).get_json()):
        assert answer["version"] == "1.0"
        assert answer["response"] == {
            "canFulfillIntent": {
                "canFulfill": "YES",
                "slots": {"seconds": {"canUnderstand": "YES", "canFulfill": "YES"}},
            }
        }


@pytest.mark.parametrize("surface", ["couple", "web_couple"])
def test_asking_changes_nothing_for_a_couple_we_know_or_one_we_do_not(
    surface: str, request: Any, stored, embedded_store: Path
) -> None:
    couple: Couple = request.getfixturevalue(surface)
    stranger = Couple(send=couple.send, user_id="amzn1.ask.account.NEVER-MET")
    can_fulfill(stranger, "TonightsQuestionIntent", depth="deeper")
    from skill.store.sqlite import SQLiteStore

    assert SQLiteStore(embedded_store).load(stranger.key).document == {}, "no household was made for them"
    couple.meet()
    couple.intent("TonightsQuestionIntent", one_shot=True)
    before = stored(couple)
    for intent, slots in (
        ("TonightsQuestionIntent", {"depth": "deeper"}),
        ("HugIntent", {"seconds": "90"}),
        ("DoneIntent", {}),
        ("ForgetUsIntent", {}),
        ("MagicMinutesIntent", {}),
    ):
        can_fulfill(couple, intent, **slots)
    assert stored(couple) == before


@pytest.mark.parametrize(
    ("intent", "slots", "verdict", "per_slot"),
    [
        # A ritual that starts by itself, with every slot as said: YES.
        ("MorningCoffeeIntent", {}, "YES", {}),
        ("TonightsQuestionIntent", {"depth": "deeper"}, "YES", {"depth": ("YES", "YES")}),
        ("TonightsQuestionIntent", {"depth": "Playful"}, "YES", {"depth": ("YES", "YES")}),
        ("HugIntent", {"seconds": "thirty"}, "YES", {"seconds": ("YES", "YES")}),
        ("BreatheIntent", {"breaths": "6"}, "YES", {"breaths": ("YES", "YES")}),
        ("HugIntent", {"seconds": None}, "YES", {"seconds": ("YES", "YES")}),
        # What we would do, adjusted or with our own default: MAYBE.
        ("HugIntent", {"seconds": "90"}, "MAYBE", {"seconds": ("YES", "NO")}),
        ("BreatheIntent", {"breaths": "?"}, "MAYBE", {"breaths": ("NO", "NO")}),
        ("TonightsQuestionIntent", {"depth": "purple"}, "MAYBE", {"depth": ("NO", "NO")}),
        ("ThirtySixQuestionsIntent", {"set": "9"}, "MAYBE", {"set": ("YES", "NO")}),
        # What needs a session, or should be asked of us by name, or is a care answer: NO.
        ("DoneIntent", {}, "NO", {}),
        ("RatingIntent", {"rating": "8"}, "NO", {"rating": ("YES", "YES")}),
        ("AMAZON.YesIntent", {}, "NO", {}),
        ("AMAZON.StopIntent", {}, "NO", {}),
        ("ForgetUsIntent", {}, "NO", {}),
        ("EmptyJarIntent", {}, "NO", {}),
        ("SafetyIntent", {}, "NO", {}),
        (
            "SetNamesIntent",
            {"first": "Maya", "second": "Sam"},
            "NO",
            {"first": ("MAYBE", "NO"), "second": ("MAYBE", "NO")},
        ),
        # Not ours at all.
        ("PlaySoundIntent", {"Sound": "crickets"}, "NO", {"Sound": ("NO", "NO")}),
        ("HugIntent", {"colour": "blue"}, "NO", {"colour": ("NO", "NO")}),
    ],
)
def test_each_intent_gets_an_honest_answer(
    couple: Couple, intent: str, slots: dict[str, Any], verdict: str, per_slot: dict[str, tuple[str, str]]
) -> None:
    answer = can_fulfill(couple, intent, **slots)
    assert answer["canFulfill"] == verdict
    assert {name: (s["canUnderstand"], s["canFulfill"]) for name, s in answer.get("slots", {}).items()} == per_slot


def test_a_slot_alexa_resolved_is_understood(couple: Couple) -> None:
    depth = {
        "value": "a deep one",
        "resolutions": {
            "resolutionsPerAuthority": [
                {
                    "authority": "amzn1.er-authority.echo-sdk.amzn1.ask.skill.test-our-rituals.QUESTION_DEPTH",
                    "status": {"code": "ER_SUCCESS_MATCH"},
                    "values": [{"value": {"name": "deeper", "id": "deeper"}}],
                }
            ]
        },
    }
    assert can_fulfill(couple, "TonightsQuestionIntent", depth=depth)["canFulfill"] == "YES"


def test_a_language_we_do_not_speak_gets_a_no(couple: Couple) -> None:
    assert can_fulfill(couple, "HugIntent", locale="fr-FR")["canFulfill"] == "NO"


def test_every_name_free_intent_is_a_ritual_that_starts_by_itself() -> None:
    from skill.alexa.can_fulfill import NAME_FREE_INTENTS
    from skill.engine.ritual import follow_up_intents, registry

    assert set(registry()) >= NAME_FREE_INTENTS
    assert not NAME_FREE_INTENTS & follow_up_intents()
    care = {intent for intent, ritual in registry().items() if ritual.name in ("safety", "counselling")}
    assert care and not NAME_FREE_INTENTS & care
