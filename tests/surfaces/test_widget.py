"""The Echo Show widget: tonight's question (or how to ask for one), the jar's count and the next check-in day,
kept current in the couple's data store.

Requests in the shapes Amazon documents (Alexa.DataStore.PackageManager.UsagesInstalled / UsagesRemoved,
Alexa.DataStore.Error); the Login with Amazon token and the Data Store API's PUT_OBJECT reach a local stand-in.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from skill.content import load_content
from skill.engine.widget import view
from skill.household import Household
from tests.support.alexa_api_standin import AlexaApiStandIn
from tests.support.conversation import Couple, Said

PACKAGE = Path(__file__).resolve().parents[2] / "skill-package" / "dataStorePackages" / "OurRitualsWidget"
WIDGET = load_content("en-US").section("widget")
INSTANCE = "amzn1.ask.widget.instance.KITCHEN-SHOW"


@pytest.fixture
def datastore(monkeypatch: pytest.MonkeyPatch) -> Iterator[AlexaApiStandIn]:
    """The operator has set the skill's Alexa client credentials; Amazon's APIs are a local stand-in."""
    from skill.alexa import datastore as module

    module._token.clear()
    with AlexaApiStandIn() as api:
        monkeypatch.setenv("ALEXA_CLIENT_ID", "amzn1.application-oa2-client.OPERATOR")
        monkeypatch.setenv("ALEXA_CLIENT_SECRET", "operator-secret")
        monkeypatch.setenv("ALEXA_LWA_TOKEN_URL", f"{api.url}/auth/o2/token")
        yield api
    module._token.clear()


def presentation() -> dict[str, Any]:
    """The widget's APL presentation as Amazon's APL package lays it out: presentations/default.tpl names the
    document and its data sources, each a file of the package (APL_PRESENTATION, documentUrl, datasourceUrl)."""
    definition = json.loads((PACKAGE / "presentations" / "default.tpl").read_text())
    assert set(definition) == {"type", "documentUrl", "datasourceUrl"} and definition["type"] == "APL_PRESENTATION"
    return {
        "document": json.loads((PACKAGE / definition["documentUrl"]).read_text()),
        "datasources": json.loads((PACKAGE / definition["datasourceUrl"]).read_text()),
    }


def usages(couple: Couple, kind: str, instance: str = INSTANCE) -> Said:
    couple.session_open = False
    return couple.request(
        {
            "type": f"Alexa.DataStore.PackageManager.{kind}",
            "payload": {
                "packageId": "OurRitualsWidget",
                "packageVersion": "1.0.0",
                "usages": [{"instanceId": instance, "location": "FAVORITE"}],
            },
        }
    )


def pushes(api: AlexaApiStandIn) -> list[dict[str, Any]]:
    return [r.body for r in api.received if r.path == "/v1/datastore/commands"]


# -- the package ------------------------------------------------------------------------------------
@pytest.mark.slow  # apl-suggester, from npm, in Node
def test_the_widget_package_is_an_apl_package_whose_document_passes_amazons_validator() -> None:
    from tests.support.apl_suggester import validate

    manifest = json.loads((PACKAGE / "manifest.json").read_text())
    assert manifest["packageType"] == "APL_PACKAGE" and manifest["manifest"]["id"] == "OurRitualsWidget"
    assert set(manifest["publishingInformation"]["locales"]) == {"en-US", "en-GB", "en-CA", "en-AU", "en-IN"}
    # Alexa tells the skill when the widget is installed or removed (UsagesInstalled / UsagesRemoved) only if asked.
    assert manifest["manifest"]["installStateChanges"] == "INFORM"
    assert manifest["manifest"]["presentationDefinitions"] == [{"url": "presentations/default.tpl"}]
    shown = presentation()
    assert validate([shown["document"]]) == [[]]
    bindings = shown["document"]["settings"]["DataStore"]["dataBindings"]
    assert bindings == [
        {"namespace": "our_rituals", "key": "widget", "dataBindingName": "ourRituals", "dataType": "OBJECT"}
    ]


def test_the_widget_shows_only_what_the_skill_pushes_and_its_defaults_are_the_contents() -> None:
    shown = presentation()
    default = view(Household(), load_content("en-US"), date(2026, 1, 1))
    assert shown["datasources"] == {"widget": default}
    used = set(re.findall(r"shown\.(\w+)", json.dumps(shown["document"])))
    assert used <= set(default), used - set(default)


def test_the_screenshots_are_in_the_docs() -> None:
    screens = Path(__file__).resolve().parents[2] / "docs" / "screens"
    assert (screens / "widget-medium.png").stat().st_size > 5000
    assert (screens / "widget-new-medium.png").stat().st_size > 5000


# -- installing and keeping it current -----------------------------------------------------------------------
@pytest.mark.parametrize("surface", ["couple", "web_couple"])
def test_installing_the_widget_fills_it_at_once(surface: str, request: Any, datastore: AlexaApiStandIn, stored) -> None:
    couple: Couple = request.getfixturevalue(surface)
    couple.meet("Maya", "Sam")
    couple.api_endpoint = datastore.url
    said = usages(couple, "UsagesInstalled")
    assert said.is_empty
    assert stored(couple)["rituals"]["widget"]["instances"] == [INSTANCE], "the instance id and a digest, nothing else"
    assert set(stored(couple)["rituals"]["widget"]) == {"instances", "shown"}
    token, command = datastore.received
    assert token.path == "/auth/o2/token" and token.body == {
        "grant_type": "client_credentials",
        "client_id": "amzn1.application-oa2-client.OPERATOR",
        "client_secret": "operator-secret",
        "scope": "alexa::datastore",
    }
    assert command.headers["authorization"] == "Bearer Atc|skill-token"
    assert command.body == {
        "commands": [{"type": "PUT_OBJECT", "namespace": "our_rituals", "key": "widget",
                      "content": view(Household(names=["Maya", "Sam"]), load_content("en-US"), date(2026, 11, 22))}],
        "target": {"type": "USER", "id": couple.user_id},
    }  # fmt: skip
    assert command.body["commands"][0]["content"]["question"] == WIDGET.lines.variants("ask_for_one")[0]


def test_tonights_question_the_jar_and_the_check_in_day_reach_the_widget(
    couple: Couple, datastore: AlexaApiStandIn
) -> None:
    from tests.rituals.test_check_in import check_in

    couple.meet("Maya", "Sam")
    couple.api_endpoint = datastore.url
    usages(couple, "UsagesInstalled")
    said = couple.intent("TonightsQuestionIntent", one_shot=True)
    shown = pushes(datastore)[-1]["commands"][0]["content"]
    assert shown["hasQuestion"] and shown["question"] in said.text
    count = len(pushes(datastore))
    couple.intent("DoneIntent")  # the turn moves on: the widget shows the same, so nothing is pushed
    assert len(pushes(datastore)) == count
    couple.intent("AddToJarIntent", one_shot=True, question="what made you laugh today")
    couple.intent("AMAZON.YesIntent")
    assert pushes(datastore)[-1]["commands"][0]["content"]["jar"] == "One question waits in your jar."
    check_in(couple.later(minutes=30), 7, 8)  # Sunday 22 November: the next one a week on
    assert pushes(datastore)[-1]["commands"][0]["content"]["checkIn"] == "Next check-in: Sunday"
    assert len([r for r in datastore.received if r.path == "/auth/o2/token"]) == 1, (
        "one token, kept for the hour it lasts"
    )


def test_the_next_day_the_widget_asks_for_a_new_question(couple: Couple, datastore: AlexaApiStandIn) -> None:
    couple.meet("Maya", "Sam")
    couple.api_endpoint = datastore.url
    usages(couple, "UsagesInstalled")
    couple.intent("TonightsQuestionIntent", one_shot=True)
    couple.later(days=1).intent("HugIntent", one_shot=True)
    assert pushes(datastore)[-1]["commands"][0]["content"]["hasQuestion"] is False


def test_removing_the_widget_stops_the_pushes_and_forgets_it(
    couple: Couple, datastore: AlexaApiStandIn, stored
) -> None:
    couple.meet("Maya", "Sam")
    couple.api_endpoint = datastore.url
    usages(couple, "UsagesInstalled")
    assert usages(couple, "UsagesRemoved").is_empty
    assert "widget" not in stored(couple)["rituals"]
    before = len(pushes(datastore))
    couple.intent("TonightsQuestionIntent", one_shot=True)
    assert len(pushes(datastore)) == before


def test_without_the_operators_credentials_nothing_is_pushed_and_nothing_breaks(
    couple: Couple, alexa_api: AlexaApiStandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ALEXA_CLIENT_ID", raising=False)
    couple.meet("Maya", "Sam")
    couple.api_endpoint = alexa_api.url
    assert usages(couple, "UsagesInstalled").is_empty
    said = couple.intent("TonightsQuestionIntent", one_shot=True)
    assert not said.is_empty and alexa_api.received == []


def test_a_data_store_that_refuses_costs_the_couple_nothing(couple: Couple, monkeypatch: pytest.MonkeyPatch) -> None:
    from skill.alexa import datastore as module

    module._token.clear()
    with AlexaApiStandIn(status=500) as api:
        monkeypatch.setenv("ALEXA_CLIENT_ID", "id")
        monkeypatch.setenv("ALEXA_CLIENT_SECRET", "secret")
        monkeypatch.setenv("ALEXA_LWA_TOKEN_URL", f"{api.url}/auth/o2/token")
        couple.meet("Maya", "Sam")
        couple.api_endpoint = api.url
        usages(couple, "UsagesInstalled")
        said = couple.intent("TonightsQuestionIntent", one_shot=True)
    assert said.lines and not said.ends_session


@pytest.mark.parametrize(
    "request_body",
    [
        {
            "type": "Alexa.DataStore.PackageManager.UpdateRequest",
            "payload": {"packageId": "OurRitualsWidget", "fromVersion": "1.0.0", "toVersion": "1.1.0"},
        },
        {
            "type": "Alexa.DataStore.PackageManager.InstallationError",
            "payload": {
                "packageId": "OurRitualsWidget",
                "packageVersion": "1.0.0",
                "error": {"type": "INVALID_PACKAGE", "message": "bad"},
            },
        },
        {
            "type": "Alexa.DataStore.Error",
            "error": {"type": "DEVICE_UNAVAILABLE", "content": {"target": {"type": "USER", "id": "x"}, "commands": []}},
        },
    ],
)
def test_other_data_store_requests_get_an_empty_answer(
    couple: Couple, request_body: dict[str, Any], embedded_store: Path
) -> None:
    from skill.store.sqlite import SQLiteStore

    couple.session_open = False
    assert couple.request(request_body).is_empty
    assert SQLiteStore(embedded_store).load(couple.key).document == {}, "nothing stored"


def test_touching_the_widget_before_tonights_question_asks_for_one(lambda_app: Any) -> None:
    """A touch sends the same arguments as a menu tile, so it is the couple saying "tonight's question"."""
    [press] = presentation()["document"]["mainTemplate"]["items"][0]["onPress"]
    assert press["type"] == "SendEvent" and press["when"] == "${!shown.hasQuestion}"
    couple = Couple(send=lambda event: lambda_app.handler(event, None))
    couple.meet("Maya", "Sam")
    couple.session_open = False
    said = couple.request(
        {
            "type": "Alexa.Presentation.APL.UserEvent",
            "token": "",
            "arguments": press["arguments"],
            "source": {"type": "TouchWrapper", "handler": "Press", "id": ""},
        }
    )
    assert said.response.get("card", {}).get("title") == "Tonight's question"
