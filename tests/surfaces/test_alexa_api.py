"""The Alexa REST API client: the exact requests it sends, how it reads each documented status, and what it refuses."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from skill.alexa import api
from skill.alexa.api import RequestAlerts, create_reminder, create_timer
from skill.engine.alerts import AlertStatus, weekly_rule
from tests.support.alexa_api_standin import AlexaApiStandIn

NOW = datetime(2026, 11, 22, 19, 30, tzinfo=timezone.utc)
SUNDAYS_AT_SEVEN = "FREQ=WEEKLY;BYDAY=SU;BYHOUR=19;BYMINUTE=0;BYSECOND=0;INTERVAL=1"


def _timer(endpoint: str) -> AlertStatus:
    result = create_timer(endpoint, "tok", seconds=300, label="magic minutes 3", announcement="Time.", locale="en-GB")
    return result.status


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        (200, AlertStatus.CREATED),
        (201, AlertStatus.CREATED),
        (400, AlertStatus.BAD_REQUEST),
        (401, AlertStatus.PERMISSION_MISSING),
        (403, AlertStatus.PERMISSION_MISSING),
        (404, AlertStatus.FAILED),
        (429, AlertStatus.FAILED),
        (500, AlertStatus.FAILED),
        (504, AlertStatus.FAILED),
    ],
)
def test_each_documented_status_has_a_meaning(alexa_api: AlexaApiStandIn, status: int, outcome: AlertStatus) -> None:
    alexa_api.status = status
    result = create_timer(alexa_api.url, "tok", seconds=300, label="x", announcement="Time.", locale="en-US")
    assert result.status is outcome and result.http_status == status
    assert result.created is (outcome is AlertStatus.CREATED)


@pytest.mark.parametrize(("seconds", "duration"), [(300, "PT5M"), (90, "PT1M30S"), (45, "PT45S"), (3660, "PT1H1M")])
def test_timer_durations_are_iso_8601(alexa_api: AlexaApiStandIn, seconds: int, duration: str) -> None:
    create_timer(alexa_api.url, "tok", seconds=seconds, label="x", announcement="Time.", locale="en-US")
    assert alexa_api.received[-1].body["duration"] == duration


def test_a_weekly_reminder_is_sent_as_the_reminders_api_documents_it(alexa_api: AlexaApiStandIn) -> None:
    first = datetime(2026, 11, 29, 19, 0)  # a Sunday, 7 pm local time
    result = create_reminder(
        alexa_api.url + "/",
        "reminder-token",
        request_time=datetime(2026, 11, 22, 19, 30, 5),
        start=first,
        recurrence_rule=weekly_rule(first),
        text="Time for your weekly check-in.",
        locale="en-GB",
        time_zone="Europe/London",
    )
    assert result.created
    sent = alexa_api.received[0]
    assert sent.path == "/v1/alerts/reminders"
    assert sent.headers["authorization"] == "Bearer reminder-token"
    assert sent.body == {
        "requestTime": "2026-11-22T19:30:05.000",
        "trigger": {
            "type": "SCHEDULED_ABSOLUTE",
            "timeZoneId": "Europe/London",
            "recurrence": {
                "startDateTime": "2026-11-29T19:00:00.000",
                "recurrenceRules": [SUNDAYS_AT_SEVEN],
            },
        },
        "alertInfo": {"spokenInfo": {"content": [{"locale": "en-GB", "text": "Time for your weekly check-in."}]}},
        "pushNotification": {"status": "ENABLED"},
    }


@pytest.mark.parametrize("status", [401, 403])
def test_a_reminder_without_permission_says_so(alexa_api: AlexaApiStandIn, status: int) -> None:
    alexa_api.status = status
    result = RequestAlerts(alexa_api.url, "tok", NOW).create_weekly_reminder(
        datetime(2026, 11, 29, 19, 0), "Check-in time.", "en-US", None
    )
    assert result.status is AlertStatus.PERMISSION_MISSING
    assert "timeZoneId" not in alexa_api.received[0].body["trigger"], "no zone: Alexa uses the device's"


def test_the_port_turns_an_aware_time_into_the_couples_wall_clock(alexa_api: AlexaApiStandIn) -> None:
    alerts = RequestAlerts(alexa_api.url, "tok", NOW)
    first = datetime(2026, 11, 30, 3, 0, tzinfo=timezone.utc)  # Sunday 7 pm in Los Angeles
    assert alerts.create_weekly_reminder(first, "Check-in time.", "en-US", "America/Los_Angeles").created
    trigger = alexa_api.received[0].body["trigger"]
    assert trigger["timeZoneId"] == "America/Los_Angeles"
    assert trigger["recurrence"]["startDateTime"] == "2026-11-29T19:00:00.000"
    assert trigger["recurrence"]["recurrenceRules"] == [SUNDAYS_AT_SEVEN]
    assert alexa_api.received[0].body["requestTime"] == "2026-11-22T11:30:00.000"


def test_the_same_call_twice_in_one_request_sets_one_timer(alexa_api: AlexaApiStandIn) -> None:
    alerts = RequestAlerts(alexa_api.url, "tok", NOW)
    first = alerts.start_timer(300, "magic minutes 1", "Time.", "en-US")
    again = alerts.start_timer(300, "magic minutes 1", "Time.", "en-US")
    assert first == again and len(alexa_api.received) == 1
    assert "tok" not in repr(alerts)


def test_only_https_or_a_local_stand_in_is_ever_called() -> None:
    for endpoint in ("http://api.amazonalexa.com", "file:///etc/passwd", "ftp://127.0.0.1", "not a url", ""):
        assert _timer(endpoint) is AlertStatus.FAILED, endpoint


def test_a_silent_api_times_out_quickly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(api, "TIMEOUT_SECONDS", 0.2)
    with AlexaApiStandIn(hang=True) as silent:
        assert _timer(silent.url) is AlertStatus.FAILED
        assert len(silent.received) == 1


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_one_requests_calls_share_one_time_budget() -> None:
    clock = FakeClock()
    budget = api.CallBudget(3.0, clock=clock)
    assert budget.timeout() == api.TIMEOUT_SECONDS, "each call waits at most its own timeout"
    clock.now += 2.0  # a first call used its whole timeout
    assert budget.timeout() == pytest.approx(1.0), "the next one gets only what is left"
    clock.now += 0.9
    assert budget.timeout() is None, "too little left to be worth a call"


def test_a_budget_counts_from_when_the_request_began() -> None:
    clock = FakeClock()
    started = clock.now
    clock.now += 2.5  # the request's own work, a write retried, before its first call
    assert api.CallBudget(3.0, clock=clock, started=started).timeout() == pytest.approx(0.5)


def test_a_spent_budget_makes_no_call_and_the_answer_is_a_plain_failure(alexa_api: AlexaApiStandIn) -> None:
    clock = FakeClock()
    budget = api.CallBudget(3.0, clock=clock)
    clock.now += 3.0
    alerts = RequestAlerts(alexa_api.url, "tok", NOW, budget)
    assert alerts.start_timer(300, "magic minutes 1", "Time.", "en-US").status is AlertStatus.FAILED
    assert api.device_time_zone(alexa_api.url, "tok", "amzn1.ask.device.KITCHEN", budget) is None
    assert alexa_api.received == [], "nothing was sent"


def test_a_silent_time_zone_lookup_leaves_the_timer_only_what_is_left(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = FakeClock()
    budget = api.CallBudget(3.0, clock=clock)
    waited: list[float] = []

    class Opener:
        def open(self, _request: object, timeout: float) -> None:
            waited.append(timeout)
            clock.now += timeout
            raise TimeoutError

    monkeypatch.setattr(api, "_opener", lambda: Opener())
    alerts = RequestAlerts("https://api.amazonalexa.com", "tok", NOW, budget)
    assert api.device_time_zone("https://api.amazonalexa.com", "tok", "device", budget) is None
    assert alerts.start_timer(300, "magic minutes 1", "Time.", "en-US").status is AlertStatus.FAILED
    assert waited == [2.0, pytest.approx(1.0)], "all of one request's calls wait three seconds at most"


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_is_not_followed_with_the_token(alexa_api: AlexaApiStandIn, status: int) -> None:
    alexa_api.status = status
    assert _timer(alexa_api.url) is AlertStatus.FAILED
    assert [r.method for r in alexa_api.received] == ["POST"]


# -- a reminder by any rule, kept by its alertToken: created, changed, deleted (the midday nudge) ------------------
MON_WED_FRI_NOON = "FREQ=WEEKLY;BYDAY=MO,WE,FR;BYHOUR=12;BYMINUTE=0;BYSECOND=0;INTERVAL=1"


def test_a_reminder_by_rule_is_created_changed_by_put_and_deleted_by_its_token(alexa_api: AlexaApiStandIn) -> None:
    from skill.engine.alerts import days_rule

    assert days_rule([4, 0, 2, 2], 12, 0) == MON_WED_FRI_NOON
    alerts = RequestAlerts(alexa_api.url, "tok", NOW)
    first = datetime(2026, 11, 23, 12, 0)
    created = alerts.create_reminder(first, MON_WED_FRI_NOON, "Send a hello.", "en-US", "Europe/London")
    assert created.created and created.token == "ab94a4ba-4b8c-4c5c-9b5d-6a2b7c1b4b1e"
    rule = days_rule([1, 3], 13, 30)
    changed = alerts.create_reminder(first, rule, "Send a hello.", "en-US", None, replacing=created.token)
    assert changed.created and changed.token == created.token, "the same reminder"
    gone = alerts.delete_reminder(created.token)
    assert gone.created and alexa_api.reminders == []
    post, put, delete = alexa_api.received
    assert (post.method, post.path) == ("POST", "/v1/alerts/reminders")
    assert post.body["trigger"]["recurrence"]["recurrenceRules"] == [MON_WED_FRI_NOON]
    assert post.body["trigger"]["timeZoneId"] == "Europe/London"
    assert (put.method, put.path) == ("PUT", f"/v1/alerts/reminders/{created.token}")
    assert put.body["trigger"]["recurrence"]["recurrenceRules"] == [
        "FREQ=WEEKLY;BYDAY=TU,TH;BYHOUR=13;BYMINUTE=30;BYSECOND=0;INTERVAL=1"
    ]
    assert (delete.method, delete.path, delete.body) == ("DELETE", f"/v1/alerts/reminders/{created.token}", None)
    assert "content-type" not in delete.headers and all(
        r.headers["authorization"] == "Bearer tok" for r in alexa_api.received
    )


@pytest.mark.parametrize(("status", "outcome"), [(403, AlertStatus.PERMISSION_MISSING), (500, AlertStatus.FAILED)])
def test_a_delete_alexa_refuses_says_why(alexa_api: AlexaApiStandIn, status: int, outcome: AlertStatus) -> None:
    alerts = RequestAlerts(alexa_api.url, "tok", NOW)
    token = alerts.create_reminder(datetime(2026, 11, 23, 12, 0), MON_WED_FRI_NOON, "Hi.", "en-US", None).token
    assert token is not None
    alexa_api.by_method["DELETE"] = status
    assert alerts.delete_reminder(token).status is outcome and alexa_api.reminders == [token]


def test_deleting_a_reminder_that_is_gone_answers_404(alexa_api: AlexaApiStandIn) -> None:
    result = RequestAlerts(alexa_api.url, "tok", NOW).delete_reminder("gone")
    assert not result.created and result.http_status == 404
