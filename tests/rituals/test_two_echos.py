"""Two Echos in one household: a yes or no belongs to the Echo that asked the question (issue 28).

The kitchen's session carries the question it asked; the ritual in progress is the household's. A ritual
started on the bedroom Echo never takes the kitchen's yes, and keeps its own place.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from skill.content import load_content
from tests.support.conversation import Couple, Said

JAR = load_content("en-US").section("our_jar").lines
KITCHEN = "amzn1.ask.device.KITCHEN"
BEDROOM = "amzn1.ask.device.BEDROOM"


@pytest.fixture(params=["lambda", "web"])
def send(request: pytest.FixtureRequest) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """One household's requests, through the Lambda handler or POST /alexa."""
    if request.param == "lambda":
        app = request.getfixturevalue("lambda_app")
        return lambda event: app.handler(event, None)
    client = request.getfixturevalue("web_client")

    def post(event: dict[str, Any]) -> dict[str, Any]:
        response = client.post("/alexa", json=event)
        assert response.status_code == 200, response.data
        return response.get_json()

    return post


def echos(send: Callable[[dict[str, Any]], dict[str, Any]]) -> tuple[Couple, Couple]:
    """The kitchen Echo (names already met) and the bedroom Echo, one household, a session each."""
    kitchen = Couple(send=send, device_id=KITCHEN)
    kitchen.meet("Maya", "Sam")
    return kitchen, Couple(send=send, device_id=BEDROOM)


def said_one_of(said: Said, key: str, **values: Any) -> bool:
    return any(wording.format(**values) in said.text for wording in JAR.variants(key))


def test_a_jar_yes_on_the_kitchen_echo_is_not_taken_by_tonights_question_on_the_bedroom_echo(send, stored) -> None:
    kitchen, bedroom = echos(send)
    said = kitchen.intent("AddToJarIntent", question="what made you laugh today")
    assert said_one_of(said, "heard", question="What made you laugh today?")

    asked = bedroom.intent("TonightsQuestionIntent")
    place = stored(bedroom)["in_progress"]
    assert place["ritual"] == "tonights_question", asked.text

    said = kitchen.intent("AMAZON.YesIntent")
    assert said_one_of(said, "kept_one"), said.text
    assert [q["text"] for q in stored(kitchen)["rituals"]["our_jar"]["questions"]] == ["What made you laugh today?"]
    assert stored(bedroom)["in_progress"] == place, "the bedroom's question keeps its place"
    assert not said_one_of(said, "back_to", ritual="tonight's question"), (
        "the kitchen is not sent into the bedroom's ritual"
    )

    # The bedroom's next turn is still tonight's question's: its "yes" to "another one?" is a new question.
    said = bedroom.intent("AMAZON.YesIntent")
    after = stored(bedroom)["in_progress"]
    assert after["ritual"] == "tonights_question" and after["state"]["question"] != place["state"]["question"], (
        said.text
    )
    assert len(stored(kitchen)["rituals"]["our_jar"]["questions"]) == 1


def test_a_jar_no_on_the_kitchen_echo_keeps_nothing_and_leaves_the_bedroom_where_it_was(send, stored) -> None:
    kitchen, bedroom = echos(send)
    kitchen.intent("AddToJarIntent", question="where shall we go in spring")
    bedroom.intent("TonightsQuestionIntent")
    place = stored(bedroom)["in_progress"]

    said = kitchen.intent("AMAZON.NoIntent")
    assert said_one_of(said, "let_go"), said.text
    assert "our_jar" not in stored(kitchen)["rituals"]
    assert stored(bedroom)["in_progress"] == place


def test_a_rename_yes_on_one_echo_is_its_own_while_the_other_is_in_a_ritual(send, stored) -> None:
    kitchen, bedroom = echos(send)
    kitchen.intent("SetNamesIntent", first="Ana", second="Leo")  # "call us Ana and Leo": asked back first
    assert stored(kitchen)["names"] == ["Maya", "Sam"]
    bedroom.intent("TonightsQuestionIntent")
    place = stored(bedroom)["in_progress"]

    said = kitchen.intent("AMAZON.YesIntent")
    assert stored(kitchen)["names"] == ["Ana", "Leo"], said.text
    assert stored(bedroom)["in_progress"] == place

    # ...and the bedroom's own yes still goes to its ritual, not to a question the kitchen asked.
    bedroom.intent("AMAZON.YesIntent")
    assert stored(bedroom)["in_progress"]["ritual"] == "tonights_question"
    assert stored(bedroom)["names"] == ["Ana", "Leo"]


def test_a_jar_yes_on_the_kitchen_echo_never_answers_the_bedrooms_empty_the_jar(send, stored) -> None:
    kitchen, bedroom = echos(send)
    kitchen.intent("AddToJarIntent", question="what made you laugh today")
    kitchen.intent("AMAZON.YesIntent")
    kitchen.intent("AddToJarIntent", question="where shall we go in spring")
    bedroom.intent("EmptyJarIntent")  # "empty our jar": asked back first, on the bedroom Echo
    place = stored(bedroom)["in_progress"]
    assert place["state"]["step"] == "empty"

    said = kitchen.intent("AMAZON.YesIntent")
    assert said_one_of(said, "kept", count=2), said.text
    assert len(stored(kitchen)["rituals"]["our_jar"]["questions"]) == 2, "kept, not emptied"
    assert stored(bedroom)["in_progress"] == place, "the bedroom's question still waits for its own answer"
