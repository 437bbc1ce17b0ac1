"""The midday nudge: one recurring Alexa reminder per couple (the Reminders API's recurrence), set, changed and
cancelled by voice, against a local stand-in for the Alexa API. Each conversation runs through the Lambda handler
and POST /alexa."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.alexa_api_standin import REMINDER_CREATED, AlexaApiStandIn, consent_answer
from tests.support.conversation import Couple
from tests.support.damaged import NOT_A_STATE, damage
from tests.support.surfaces import both  # noqa: F401  (the fixture)
from tests.support.turns_support import meet, says

SECTION = "midday_nudge"
TOKEN = REMINDER_CREATED["alertToken"]
REMINDERS_SCOPE = "alexa::alerts:reminders:skill:readwrite"
MON_WED_FRI_NOON = "FREQ=WEEKLY;BYDAY=MO,WE,FR;BYHOUR=12;BYMINUTE=0;BYSECOND=0;INTERVAL=1"


@pytest.fixture
def at_home(both: Couple, alexa_api: AlexaApiStandIn) -> Couple:
    meet(both)
    both.api_endpoint = alexa_api.url
    return both


def sent(api: AlexaApiStandIn) -> list[Any]:
    """What reached the Reminders API (the Settings API's time zone look-up aside)."""
    return [r for r in api.received if r.path.startswith("/v1/alerts/reminders")]


def nudge(stored: Any, couple: Couple) -> dict[str, Any] | None:
    return stored(couple)["rituals"].get(SECTION)


def test_set_changed_and_cancelled_by_voice_one_reminder_all_along(
    at_home: Couple, alexa_api: AlexaApiStandIn, stored
) -> None:
    # "Alexa, ask our rituals to remind us at midday on Monday, Wednesday and Friday" (a Sunday evening)
    said = at_home.resolved("MiddayNudgeIntent", "days", "monday wednesday and friday", "0 2 4", one_shot=True)
    assert says(said, SECTION, "set", day="Monday, Wednesday and Friday", time="12 PM") and said.ends_session
    (created,) = sent(alexa_api)
    assert (created.method, created.path) == ("POST", "/v1/alerts/reminders")
    trigger = created.body["trigger"]
    assert trigger["recurrence"]["recurrenceRules"] == [MON_WED_FRI_NOON]
    assert trigger["recurrence"]["startDateTime"] == "2026-11-23T12:00:00.000", "the coming Monday at noon"
    text = created.body["alertInfo"]["spokenInfo"]["content"][0]
    assert text["locale"] == "en-US" and "check-in" in text["text"]
    assert nudge(stored, at_home) == {"token": TOKEN, "days": [0, 2, 4], "time": "12:00"}

    # "move our midday nudge to Tuesday and Thursday": the same reminder, changed
    said = at_home.later(days=2).intent("MiddayNudgeIntent", one_shot=True, day_one="tuesday", day_two="thursday")
    assert says(said, SECTION, "changed", day="Tuesday and Thursday", time="12 PM")
    changed = sent(alexa_api)[-1]
    assert (changed.method, changed.path) == ("PUT", f"/v1/alerts/reminders/{TOKEN}")
    assert changed.body["trigger"]["recurrence"]["recurrenceRules"] == [
        "FREQ=WEEKLY;BYDAY=TU,TH;BYHOUR=12;BYMINUTE=0;BYSECOND=0;INTERVAL=1"
    ]

    # "change our midday nudge to one o'clock": the days stay
    said = at_home.intent("MiddayNudgeIntent", one_shot=True, clock="13:00")
    assert says(said, SECTION, "changed", day="Tuesday and Thursday", time="1 PM")
    assert sent(alexa_api)[-1].method == "PUT"
    assert nudge(stored, at_home) == {"token": TOKEN, "days": [1, 3], "time": "13:00"}

    # "cancel our midday nudge"
    said = at_home.intent("CancelMiddayNudgeIntent", one_shot=True)
    assert says(said, SECTION, "cancelled")
    deleted = sent(alexa_api)[-1]
    assert (deleted.method, deleted.path) == ("DELETE", f"/v1/alerts/reminders/{TOKEN}")
    assert nudge(stored, at_home) is None
    assert [r.method for r in sent(alexa_api)] == ["POST", "PUT", "PUT", "DELETE"], "one reminder, never a second"

    said = at_home.intent("CancelMiddayNudgeIntent", one_shot=True)
    assert says(said, SECTION, "none_to_cancel") and len(sent(alexa_api)) == 4


def test_without_days_it_is_monday_wednesday_and_friday_at_noon(at_home: Couple, alexa_api: AlexaApiStandIn) -> None:
    said = at_home.intent("MiddayNudgeIntent", one_shot=True)  # "remind us to check in at midday"
    assert says(said, SECTION, "set", day="Monday, Wednesday and Friday", time="12 PM")
    assert sent(alexa_api)[0].body["trigger"]["recurrence"]["recurrenceRules"] == [MON_WED_FRI_NOON]


def test_a_reminder_deleted_in_the_alexa_app_is_made_again_when_changed(
    at_home: Couple, alexa_api: AlexaApiStandIn, stored
) -> None:
    at_home.intent("MiddayNudgeIntent", one_shot=True)
    alexa_api.reminders.clear()  # the couple deleted it in the Alexa app meanwhile
    said = at_home.intent("MiddayNudgeIntent", one_shot=True, clock="12:30")
    assert [r.method for r in sent(alexa_api)] == ["POST", "PUT", "POST"]
    assert says(said, SECTION, "set", day="Monday, Wednesday and Friday", time="12:30 PM")
    assert nudge(stored, at_home) == {"token": f"{TOKEN}-1", "days": [0, 2, 4], "time": "12:30"}
    said = at_home.intent("CancelMiddayNudgeIntent", one_shot=True)
    assert says(said, SECTION, "cancelled") and alexa_api.reminders == []


def test_when_it_is_gone_and_cannot_be_made_again_nothing_new_is_claimed(
    at_home: Couple, alexa_api: AlexaApiStandIn, stored
) -> None:
    at_home.intent("MiddayNudgeIntent", one_shot=True)
    alexa_api.reminders.clear()
    alexa_api.by_method["POST"] = 500
    said = at_home.intent("MiddayNudgeIntent", one_shot=True, clock="12:30")
    assert says(said, SECTION, "failed") and nudge(stored, at_home)["time"] == "12:00", (
        "the old days and time, unchanged"
    )
    said = at_home.intent("CancelMiddayNudgeIntent", one_shot=True)  # the one it knew is gone: nothing left to cancel
    assert says(said, SECTION, "cancelled") and nudge(stored, at_home) is None


def test_a_cancel_alexa_cannot_carry_out_keeps_the_reminder_known(
    at_home: Couple, alexa_api: AlexaApiStandIn, stored
) -> None:
    at_home.intent("MiddayNudgeIntent", one_shot=True)
    alexa_api.by_method["DELETE"] = 500
    said = at_home.intent("CancelMiddayNudgeIntent", one_shot=True)
    assert says(said, SECTION, "cancel_failed") and nudge(stored, at_home)["token"] == TOKEN


def test_without_permission_alexa_asks_and_a_yes_sets_it(at_home: Couple, alexa_api: AlexaApiStandIn, stored) -> None:
    alexa_api.status = 403
    said = at_home.resolved("MiddayNudgeIntent", "days", "weekdays", "0 1 2 3 4", one_shot=True)
    assert says(said, SECTION, "ask", day="Monday, Tuesday, Wednesday, Thursday and Friday", time="12 PM")
    directive = said.response["directives"][0]
    assert directive["payload"]["permissionScopes"][0]["permissionScope"] == REMINDERS_SCOPE
    alexa_api.status = 200
    said = at_home.request(consent_answer("ACCEPTED", scope=REMINDERS_SCOPE))
    assert says(said, SECTION, "set", day="Monday, Tuesday, Wednesday, Thursday and Friday", time="12 PM")
    assert nudge(stored, at_home)["days"] == [0, 1, 2, 3, 4]


def test_a_no_to_the_permission_is_respected_and_not_asked_again_soon(
    at_home: Couple, alexa_api: AlexaApiStandIn
) -> None:
    alexa_api.status = 403
    at_home.intent("MiddayNudgeIntent", one_shot=True)
    said = at_home.request(consent_answer("DENIED", scope=REMINDERS_SCOPE))
    assert says(said, SECTION, "denied")
    said = at_home.later(days=1).intent("MiddayNudgeIntent", one_shot=True)
    assert says(said, SECTION, "unallowed") and not said.response.get("directives")


def test_when_alexas_reminders_fail_nothing_is_claimed(at_home: Couple, alexa_api: AlexaApiStandIn, stored) -> None:
    alexa_api.status = 500
    said = at_home.intent("MiddayNudgeIntent", one_shot=True)
    assert says(said, SECTION, "failed") and nudge(stored, at_home) in (None, {})


@pytest.mark.parametrize(
    "damaged", [{"token": 7, "days": ["monday", 9], "time": "25:99", "refused_on": [1]}, *NOT_A_STATE]
)
def test_a_damaged_nudge_is_read_as_none_and_a_new_one_is_set(
    at_home: Couple, alexa_api: AlexaApiStandIn, stored, embedded_store, damaged: Any
) -> None:
    damage(at_home, embedded_store, SECTION, damaged)
    said = at_home.intent("CancelMiddayNudgeIntent", one_shot=True)
    assert says(said, SECTION, "none_to_cancel") and sent(alexa_api) == []
    said = at_home.intent("MiddayNudgeIntent", one_shot=True)
    assert says(said, SECTION, "set", day="Monday, Wednesday and Friday", time="12 PM")
    assert [r.method for r in sent(alexa_api)] == ["POST"], "a new reminder: no token of theirs was kept"
    assert nudge(stored, at_home) == {"token": TOKEN, "days": [0, 2, 4], "time": "12:00"}, (
        "kept anew, nothing damaged left"
    )
