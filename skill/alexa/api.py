"""A small client for the Alexa REST APIs we use (timers, reminders): urllib, a short timeout, no tokens in logs.

urllib.request (with http.client, email and ssl) is imported on the first API call, not at import: most
requests never call an API, and a Lambda cold start should not pay for it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from skill.engine.alerts import REMINDERS_SCOPE, TIMERS_SCOPE, AlertResult, AlertStatus, HandBack, weekly_rule
from skill.logs import get_logger
from skill.time_zones import zone_named

if TYPE_CHECKING:
    import urllib.request
    from zoneinfo import ZoneInfo

# The Timers and Reminders APIs answer 401/403 unless the manifest declares their scopes (and the couple allows
# them); the Settings API's System.timeZone needs no permission. Declared in the manifest from here.
MANIFEST_PERMISSIONS = (TIMERS_SCOPE, REMINDERS_SCOPE)

TIMERS_PATH = "/v1/alerts/timers"
REMINDERS_PATH = "/v1/alerts/reminders"
# The whole request has about 8 s; an API that does not answer in this long costs the couple a timer, not the turn.
TIMEOUT_SECONDS = 2.0
# All of one request's calls together (a time zone lookup and a timer, say): with the store's own worst
# case (two 1-second attempts to read, or to write), the couple still hears an answer well inside 8 s.
REQUEST_BUDGET_SECONDS = 3.0
MIN_CALL_SECONDS = 0.25


class CallBudget:
    """The time one request may still spend waiting on Alexa's APIs, shared by all of its calls."""

    def __init__(
        self,
        seconds: float = REQUEST_BUDGET_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        started: float | None = None,
    ) -> None:
        """`started`: when the request began, on `clock` (now when not given)."""
        self._clock = clock
        self._ends = (clock() if started is None else started) + seconds

    def timeout(self) -> float | None:
        """The timeout for the next call, or None when too little is left to be worth a call."""
        left = self._ends - self._clock()
        return min(TIMEOUT_SECONDS, left) if left >= MIN_CALL_SECONDS else None


@cache
def _opener() -> urllib.request.OpenerDirector:
    """An opener that never follows a redirect: it would carry the bearer token to another address."""
    import urllib.request

    class NoRedirects(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    return urllib.request.build_opener(NoRedirects())


def _url(api_endpoint: str, path: str) -> str | None:
    """The API address for `path`: HTTPS always, plain HTTP only to this machine (a local stand-in)."""
    parts = urlsplit(api_endpoint)
    if not parts.hostname:
        return None
    if parts.scheme != "https":
        import ipaddress

        try:
            loopback = ipaddress.ip_address(parts.hostname).is_loopback
        except ValueError:
            loopback = parts.hostname == "localhost"
        if parts.scheme != "http" or not loopback:
            return None
    return api_endpoint.rstrip("/") + path


def _outcome(status: int) -> AlertStatus:
    if 200 <= status < 300:
        return AlertStatus.CREATED
    if status in (401, 403):
        return AlertStatus.PERMISSION_MISSING
    if status == 400:
        return AlertStatus.BAD_REQUEST
    return AlertStatus.FAILED


def _post(
    api_endpoint: str,
    api_access_token: str,
    path: str,
    body: dict[str, Any] | None,
    budget: CallBudget | None = None,
    *,
    method: str = "POST",
) -> AlertResult:
    """POST (or PUT) `body` as JSON with the request's bearer token; log the status code only. The alert's
    token, when the API gives one, comes back with the result."""
    import http.client
    import urllib.error
    import urllib.request

    log = get_logger()
    shown = path if method == "POST" else path.rsplit("/", 1)[0] + "/{id}"  # an alert's id is not logged
    url = _url(api_endpoint, path)
    if url is None:
        log.warning("alexa api endpoint refused", extra={"api": shown})
        return AlertResult(AlertStatus.FAILED)
    timeout = (budget or CallBudget()).timeout()
    if timeout is None:
        log.warning("alexa api not called: this request's time for outside calls is spent", extra={"api": shown})
        return AlertResult(AlertStatus.FAILED)
    headers = {"Authorization": f"Bearer {api_access_token}", "Accept": "application/json"}
    if body is not None:  # a DELETE has none
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(
        url, data=json.dumps(body).encode("utf-8") if body is not None else None, method=method, headers=headers
    )
    token: str | None = None
    try:
        with _opener().open(request, timeout=timeout) as response:
            status = response.status
            token = _alert_token(response.read(64 * 1024))
    except urllib.error.HTTPError as error:
        status = error.code
        error.close()
    except (urllib.error.URLError, http.client.HTTPException, OSError) as error:
        # TimeoutError is an OSError; the message may hold the address, so only the kind is logged.
        log.warning("alexa api unreachable", extra={"api": shown, "error_type": type(error).__name__})
        return AlertResult(AlertStatus.FAILED)
    outcome = _outcome(status)
    log.info("alexa api answered", extra={"api": shown, "status": status, "outcome": outcome.value})
    return AlertResult(outcome, status, token)


def _alert_token(raw: bytes) -> str | None:
    """The alert's id in an API answer (a reminder's alertToken, a timer's id), if it is one we can keep (a short
    plain string)."""
    try:
        answer = json.loads(raw or b"null")
    except ValueError:
        return None
    token = (answer.get("alertToken") or answer.get("id")) if isinstance(answer, dict) else None
    return token if isinstance(token, str) and 0 < len(token) <= 200 and token.replace("-", "").isalnum() else None


def _iso_duration(seconds: int) -> str:
    """ISO 8601 duration, as the Timers API takes it: 300 -> PT5M, 90 -> PT1M30S."""
    hours, rest = divmod(max(1, seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "") + (f"{secs}S" if secs else "")


def timer_body(
    seconds: int, label: str, announcement: str, locale: str, launch: tuple[str, HandBack] | None = None
) -> dict[str, Any]:
    """A visible timer that speaks `announcement` when it ends; with `launch` (the task's full name and the
    hand-back), one that launches the skill's task instead (Timers REST API: the launch-task operation)."""
    operation: dict[str, Any] = {"type": "ANNOUNCE", "textToAnnounce": [{"locale": locale, "text": announcement}]}
    if launch is not None:
        name, hand_back = launch
        operation = {
            "type": "LAUNCH_TASK",
            "textToConfirm": [{"locale": locale, "text": hand_back.confirm}],
            "task": {"name": name, "version": hand_back.version, "input": dict(hand_back.input)},
        }
    return {
        "duration": _iso_duration(seconds),
        "timerLabel": label,
        "creationBehavior": {"displayExperience": {"visibility": "VISIBLE"}},
        "triggeringBehavior": {"operation": operation, "notificationConfig": {"playAudible": True}},
    }


def task_name(skill_id: str, task: str) -> str:
    """A custom task as Alexa names it outside the skill package: the skill's id, a dot, the task's name."""
    return f"{skill_id}.{task}"


def create_timer(
    api_endpoint: str,
    api_access_token: str,
    *,
    seconds: int,
    label: str,
    announcement: str,
    locale: str,
    launch: tuple[str, HandBack] | None = None,
    budget: CallBudget | None = None,
) -> AlertResult:
    """POST /v1/alerts/timers (only from inside a skill session)."""
    body = timer_body(seconds, label, announcement, locale, launch)
    return _post(api_endpoint, api_access_token, TIMERS_PATH, body, budget)


def _local_time(moment: datetime) -> str:
    # The Reminders API takes wall-clock times without an offset; the zone is given separately.
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000")


def reminder_body(
    *,
    request_time: datetime,
    start: datetime,
    recurrence_rule: str,
    text: str,
    locale: str,
    time_zone: str | None,
) -> dict[str, Any]:
    """A recurring reminder from `start` (local wall-clock time) by an RFC 5545 rule, speaking `text`."""
    trigger: dict[str, Any] = {
        "type": "SCHEDULED_ABSOLUTE",
        "recurrence": {"startDateTime": _local_time(start), "recurrenceRules": [recurrence_rule]},
    }
    if time_zone:
        trigger["timeZoneId"] = time_zone
    return {
        "requestTime": _local_time(request_time),
        "trigger": trigger,
        "alertInfo": {"spokenInfo": {"content": [{"locale": locale, "text": text}]}},
        "pushNotification": {"status": "ENABLED"},
    }


def create_reminder(
    api_endpoint: str,
    api_access_token: str,
    *,
    request_time: datetime,
    start: datetime,
    recurrence_rule: str,
    text: str,
    locale: str,
    time_zone: str | None = None,
    budget: CallBudget | None = None,
    replacing: str | None = None,
) -> AlertResult:
    """POST /v1/alerts/reminders: a recurring spoken reminder (created from inside a skill session).

    With `replacing`, PUT /v1/alerts/reminders/{alertToken} changes that reminder instead; if the API no longer
    has it (404: deleted in the Alexa app), a new one is made.
    """
    body = reminder_body(
        request_time=request_time,
        start=start,
        recurrence_rule=recurrence_rule,
        text=text,
        locale=locale,
        time_zone=time_zone,
    )
    if replacing:
        changed = _post(api_endpoint, api_access_token, f"{REMINDERS_PATH}/{replacing}", body, budget, method="PUT")
        if changed.http_status != 404:
            return changed if changed.token or not changed.created else changed._replace(token=replacing)
    return _post(api_endpoint, api_access_token, REMINDERS_PATH, body, budget)


def delete_reminder(
    api_endpoint: str, api_access_token: str, token: str, *, budget: CallBudget | None = None
) -> AlertResult:
    """DELETE /v1/alerts/reminders/{alertToken} (404: it was gone already)."""
    return _post(api_endpoint, api_access_token, f"{REMINDERS_PATH}/{token}", None, budget, method="DELETE")


def cancel_timer(
    api_endpoint: str, api_access_token: str, timer_id: str, *, budget: CallBudget | None = None
) -> AlertResult:
    """DELETE /v1/alerts/timers/{id} (404: it had rung, or was cancelled already)."""
    return _post(api_endpoint, api_access_token, f"{TIMERS_PATH}/{timer_id}", None, budget, method="DELETE")


class RequestAlerts:
    """The engine's Alerts port for one Alexa request: its API endpoint, its token, its time."""

    def __init__(
        self,
        api_endpoint: str,
        api_access_token: str,
        now: datetime,
        budget: CallBudget | None = None,
        skill_id: str | None = None,
    ) -> None:
        self._endpoint = api_endpoint
        self._skill_id = skill_id  # names our tasks for a timer that hands back (None: announcing timers only)
        self._token = api_access_token
        self._now = now
        self._budget = budget or CallBudget()
        # The engine may run a change twice (a write conflict); the same call must not create a second alert.
        self._done: dict[tuple[Any, ...], AlertResult] = {}

    def __repr__(self) -> str:
        return "RequestAlerts(...)"  # never the token

    def start_timer(
        self, seconds: int, label: str, announcement: str, locale: str, hand_back: HandBack | None = None
    ) -> AlertResult:
        key = ("timer", seconds, label, announcement, locale, repr(hand_back))
        if key not in self._done:
            self._done[key] = self._start_timer(seconds, label, announcement, locale, hand_back)
        return self._done[key]

    def _start_timer(
        self, seconds: int, label: str, announcement: str, locale: str, hand_back: HandBack | None
    ) -> AlertResult:
        def create(launch: tuple[str, HandBack] | None) -> AlertResult:
            return create_timer(
                self._endpoint,
                self._token,
                seconds=seconds,
                label=label,
                announcement=announcement,
                locale=locale,
                launch=launch,
                budget=self._budget,
            )

        if hand_back is None or not self._skill_id:
            return create(None)
        result = create((task_name(self._skill_id, hand_back.task), hand_back))
        if result.status is AlertStatus.BAD_REQUEST:
            # Alexa would not make a timer that launches our task here (a device or locale without it, say):
            # the announcing timer still ends the ritual kindly. A refused request made no timer, so the label is free.
            get_logger().info("timer hand-back refused: announcing instead")
            result = create(None)
        return result

    def create_weekly_reminder(
        self, first: datetime, text: str, locale: str, time_zone: str | None, replacing: str | None = None
    ) -> AlertResult:
        return self.create_reminder(first, None, text, locale, time_zone, replacing)

    def create_reminder(
        self,
        first: datetime,
        rule: str | None,
        text: str,
        locale: str,
        time_zone: str | None,
        replacing: str | None = None,
    ) -> AlertResult:
        """A reminder by `rule` (None: every week at `first`'s weekday and time)."""
        key = ("reminder", first, rule, text, locale, time_zone, replacing)
        if key not in self._done:
            self._done[key] = self._create_reminder(first, rule, text, locale, time_zone, replacing)
        return self._done[key]

    def delete_reminder(self, token: str) -> AlertResult:
        key = ("delete reminder", token)
        if key not in self._done:
            self._done[key] = delete_reminder(self._endpoint, self._token, token, budget=self._budget)
        return self._done[key]

    def cancel_timer(self, timer_id: str) -> AlertResult:
        key = ("cancel timer", timer_id)
        if key not in self._done:
            self._done[key] = cancel_timer(self._endpoint, self._token, timer_id, budget=self._budget)
        return self._done[key]

    def _create_reminder(
        self, first: datetime, rule: str | None, text: str, locale: str, time_zone: str | None, replacing: str | None
    ) -> AlertResult:
        zone = _zone(time_zone)
        request_time = self._now.astimezone(zone) if zone else self._now
        start = first.astimezone(zone) if zone and first.tzinfo else first
        return create_reminder(
            self._endpoint,
            self._token,
            request_time=request_time,
            start=start,
            recurrence_rule=rule or weekly_rule(start),
            text=text,
            locale=locale,
            time_zone=time_zone if zone else None,
            budget=self._budget,
            replacing=replacing,
        )


def _zone(name: str | None) -> ZoneInfo | None:
    zone = zone_named(name)
    if name and zone is None:
        get_logger().warning("unknown time zone for a reminder")
    return zone


def device_time_zone(
    api_endpoint: str, api_access_token: str, device_id: str, budget: CallBudget | None = None
) -> str | None:
    """The device's IANA time zone from the Alexa Settings API (GET .../settings/System.timeZone), or None."""
    import http.client
    import urllib.error
    import urllib.request
    from urllib.parse import quote

    log = get_logger()
    url = _url(api_endpoint, f"/v2/devices/{quote(device_id, safe='')}/settings/System.timeZone")
    if url is None:
        return None
    timeout = (budget or CallBudget()).timeout()
    if timeout is None:
        log.warning("alexa settings api not called: this request's time for outside calls is spent")
        return None
    request = urllib.request.Request(
        url, headers={"Authorization": f"Bearer {api_access_token}", "Accept": "application/json"}
    )
    try:
        with _opener().open(request, timeout=timeout) as response:
            answer = json.loads(response.read(4096))
    except urllib.error.HTTPError as error:
        log.info("alexa settings api answered", extra={"api": "timeZone", "status": error.code})
        error.close()
        return None
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as error:
        log.warning("alexa settings api unreachable", extra={"api": "timeZone", "error_type": type(error).__name__})
        return None
    return answer if isinstance(answer, str) and _zone(answer) is not None else None
