"""Forgetting a couple: "forget us" asks first and a yes erases everything; disabling the skill erases it too.

Every conversation here runs against both stores: the embedded SQLite one and a real DynamoDB (Local).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest

from skill.alexa.skill import SkillIdMismatch
from skill.speech.limits import check_response
from skill.store import StoreUnavailable, open_store
from tests.conftest import load_lambda_app
from tests.support.conversation import SKILL_ID, Couple

Stored = Callable[[Couple], dict[str, Any]]
_ids = itertools.count(1)


@pytest.fixture(params=["embedded", "dynamodb"])
def store_kind(request: pytest.FixtureRequest) -> str:
    if request.param == "dynamodb":
        request.getfixturevalue("dynamodb_table")  # a real DynamoDB Local table; SKILL_TABLE points at it
    return str(request.param)


@pytest.fixture
def couple(store_kind: str) -> Couple:
    """A couple talking to a Lambda started once the store is chosen: on Lambda the environment comes before init."""
    app = load_lambda_app()
    return Couple(send=lambda event: app.handler(event, None))


@pytest.fixture
def kept(store_kind: str) -> Stored:
    """What the store the skill uses (per the environment) holds for a couple."""
    return lambda couple: open_store().load(couple.key).document


def a_couple_with_history(couple: Couple) -> dict[str, Any]:
    couple.meet("Priya", "Jordan")
    couple.intent("SwapVoicesIntent", one_shot=True)
    couple.intent("AMAZON.StopIntent")
    return {"names": ["Priya", "Jordan"], "voices": ["Joanna", "Matthew"]}  # Priya had Matthew, until the swap


def holds(document: dict[str, Any], expected: dict[str, Any]) -> bool:
    return all(document.get(key) == value for key, value in expected.items())


def skill_disabled(couple: Couple, skill_id: str = SKILL_ID) -> dict[str, Any]:
    """The AlexaSkillEvent.SkillDisabled event Alexa sends when a couple disables the skill (no session)."""
    when = couple.now.strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "version": "1.0",
        "context": {
            "System": {
                "application": {"applicationId": skill_id},
                "user": {"userId": couple.user_id},
                "apiEndpoint": "https://api.amazonalexa.com",
            }
        },
        "request": {
            "type": "AlexaSkillEvent.SkillDisabled",
            "requestId": f"amzn1.echo-api.request.disabled-{next(_ids)}",
            "timestamp": when,
            "eventCreationTime": when,
            "eventPublishingTime": when,
            "body": {"userInformationPersistenceStatus": "NOT_PERSISTED"},
        },
    }


# -- "forget us" -------------------------------------------------------------------------------------


def test_forget_us_says_what_would_be_erased_and_waits_for_a_yes(couple: Couple, kept: Stored) -> None:
    history = a_couple_with_history(couple)
    said = couple.intent("ForgetUsIntent", one_shot=True)
    for erased in ("names", "voices", "rating", "ritual"):
        assert erased in said.text
    assert any(final in said.text for final in ("can't be undone", "no way to bring it back", "for good"))
    assert said.text.endswith("Yes or no?") and "yes or no" in said.reprompt.lower()
    assert said.voices == [None], "the narrator asks, in Alexa's own voice"
    assert not said.ends_session
    assert holds(kept(couple), history), "nothing is erased before the yes"


def test_yes_erases_everything_and_a_later_visit_starts_afresh(couple: Couple, kept: Stored) -> None:
    a_couple_with_history(couple)
    couple.intent("BreatheIntent", one_shot=True)  # a ritual run: who went first is stored too
    couple.intent("ForgetUsIntent", one_shot=True)
    said = couple.intent("AMAZON.YesIntent")
    assert any(done in said.text for done in ("forgotten everything", "All erased", "is gone"))
    assert said.ends_session
    assert kept(couple) == {}

    said = couple.later(days=2).launch()
    assert "what are your first names" in said.text.lower()
    assert "Priya" not in said.text


def test_no_keeps_everything_and_offers_what_to_do(couple: Couple, kept: Stored) -> None:
    a_couple_with_history(couple)
    before = kept(couple)
    couple.intent("ForgetUsIntent", one_shot=True)
    said = couple.intent("AMAZON.NoIntent")
    assert any(keep in said.text for keep in ("keep everything", "Nothing's been erased", "everything stays"))
    assert "'a hug'" in said.text
    assert not said.ends_session and said.reprompt and said.reprompt != said.text
    assert kept(couple) == before
    assert "Priya and Jordan" in couple.later(days=1).launch().text


def test_a_yes_that_answers_nothing_about_forgetting_erases_nothing(couple: Couple, kept: Stored) -> None:
    history = a_couple_with_history(couple)
    couple.intent("AMAZON.YesIntent", one_shot=True)  # a yes out of the blue
    assert holds(kept(couple), history)

    couple.intent("ForgetUsIntent", one_shot=True)
    couple.intent("HugIntent")  # they changed the subject: the question lapses
    couple.intent("AMAZON.YesIntent", one_shot=True)
    assert holds(kept(couple), history)

    couple.intent("ForgetUsIntent", one_shot=True)
    couple.session_ended("EXCEEDED_MAX_REPROMPTS")  # no answer at all
    couple.intent("AMAZON.YesIntent", one_shot=True)
    assert holds(kept(couple), history)


def test_repeat_keeps_the_question_pending(couple: Couple, kept: Stored) -> None:
    a_couple_with_history(couple)
    asked = couple.intent("ForgetUsIntent", one_shot=True)
    assert couple.intent("AMAZON.RepeatIntent").text == asked.text
    couple.intent("AMAZON.YesIntent")
    assert kept(couple) == {}


def test_when_the_store_cannot_erase_the_couple_hears_so_and_nothing_is_claimed(
    couple: Couple, kept: Stored, monkeypatch: pytest.MonkeyPatch
) -> None:
    history = a_couple_with_history(couple)
    couple.intent("ForgetUsIntent", one_shot=True)
    store_class = type(open_store())
    delete = store_class.delete

    def unavailable(self: Any, household_key: str) -> None:
        raise StoreUnavailable("down for the test")

    monkeypatch.setattr(store_class, "delete", unavailable)
    said = couple.intent("AMAZON.YesIntent")
    monkeypatch.setattr(store_class, "delete", delete)
    assert "couldn't" in said.text or "wasn't able" in said.text
    assert "forgotten everything" not in said.text and "gone" not in said.text
    assert not any(word in said.text.lower() for word in ("store", "database", "dynamodb", "error"))
    assert said.ends_session
    assert holds(kept(couple), history)


# -- disabling the skill -------------------------------------------------------------------------------


def test_disabling_the_skill_erases_the_household(couple: Couple, kept: Stored) -> None:
    a_couple_with_history(couple)
    answer = couple.send(skill_disabled(couple))
    assert "outputSpeech" not in answer["response"]
    assert not check_response(answer, locale="en-US", clip_seconds={})
    assert kept(couple) == {}
    assert "what are your first names" in couple.later(days=30).launch().text.lower()


def test_disabling_erases_only_that_household(couple: Couple, kept: Stored) -> None:
    a_couple_with_history(couple)
    neighbours = Couple(send=couple.send, user_id="amzn1.ask.account.TEST-COUPLE-TWO")
    neighbours.meet("Ana", "Leo")
    couple.send(skill_disabled(couple))
    assert kept(couple) == {}
    assert kept(neighbours)["names"] == ["Ana", "Leo"]


def test_a_couple_that_never_stored_anything_can_disable_the_skill(couple: Couple, kept: Stored) -> None:
    answer = couple.send(skill_disabled(couple))
    assert "outputSpeech" not in answer["response"]
    assert kept(couple) == {}


def test_another_skills_disable_event_erases_nothing(
    couple: Couple, kept: Stored, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SKILL_ID", SKILL_ID)
    history = a_couple_with_history(couple)
    with pytest.raises(SkillIdMismatch):
        couple.send(skill_disabled(couple, skill_id="amzn1.ask.skill.someone-else"))
    assert holds(kept(couple), history)
