"""The port through which a ritual sets timers and reminders, without knowing whose API does it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import Enum
from typing import Any, Protocol

from skill.record import Record

# Permission scopes a ritual may ask the couple for (Reply.ask_permission); also declared in the skill manifest.
TIMERS_SCOPE = "alexa::alerts:timers:skill:readwrite"
REMINDERS_SCOPE = "alexa::alerts:reminders:skill:readwrite"


class AlertStatus(Enum):
    """What became of a request for a timer or reminder."""

    CREATED = "created"
    PERMISSION_MISSING = "permission_missing"  # the couple has not allowed it (401/403)
    BAD_REQUEST = "bad_request"  # we asked for something the API refused (400), e.g. a duplicate label
    FAILED = "failed"  # the service failed or did not answer in time


class AlertResult(Record):
    """The outcome, with the API's HTTP status when it answered."""

    status: AlertStatus
    http_status: int | None = None
    # The alert's id: a reminder's alertToken (to change that reminder later rather than add one), a timer's id
    # (to cancel it when the couple move on before it rings).
    token: str | None = None

    @property
    def created(self) -> bool:
        return self.status is AlertStatus.CREATED


class HandBack(Record):
    """What a timer does when it ends instead of only speaking: Alexa asks to bring the couple back to the skill,
    which is launched with one of its custom tasks (`task`, `version`, `input`), so the ritual closes itself.

    `confirm` is what Alexa asks when the timer rings; Alexa puts the skill's name where it says
    {continueWithSkillName}.
    """

    task: str
    version: str
    input: dict[str, Any]
    confirm: str


class Alerts(Protocol):
    """Timers and reminders for this couple, for the current request only."""

    def start_timer(
        self, seconds: int, label: str, announcement: str, locale: str, hand_back: HandBack | None = None
    ) -> AlertResult:
        """A timer of `seconds` that speaks `announcement` when it ends; `label` must be unique among our timers.

        With `hand_back`, the timer launches that task when it ends (Alexa asks first); where Alexa will not
        make such a timer, it is the announcing one.
        """
        ...

    def create_weekly_reminder(
        self, first: datetime, text: str, locale: str, time_zone: str | None, replacing: str | None = None
    ) -> AlertResult:
        """A reminder that speaks `text` every week at the weekday and wall-clock time of `first` (local time).

        `time_zone` is an IANA name ("Europe/London"); None lets Alexa use the device's own zone. `replacing` is
        the token of the reminder made before: that one is changed (a couple has one weekly reminder, not two),
        or, if it is gone (deleted in the Alexa app), a new one is made.
        """
        ...

    def create_reminder(
        self, first: datetime, rule: str, text: str, locale: str, time_zone: str | None, replacing: str | None = None
    ) -> AlertResult:
        """A reminder from `first` (local time), repeating by the RFC 5545 `rule`; `replacing` as above."""
        ...

    def delete_reminder(self, token: str) -> AlertResult:
        """The reminder `token`, deleted (an `http_status` of 404: it was gone already)."""
        ...

    def cancel_timer(self, timer_id: str) -> AlertResult:
        """The timer `timer_id` (its `token` when it was made), cancelled (404: it had rung or was gone already)."""
        ...


def weekly_rule(first: datetime) -> str:
    """An RFC 5545 rule for "every week at this weekday and time", as the Reminders API takes it."""
    day = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[first.weekday()]
    return f"FREQ=WEEKLY;BYDAY={day};BYHOUR={first.hour};BYMINUTE={first.minute};BYSECOND=0;INTERVAL=1"


WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def days_rule(days: Sequence[int], hour: int, minute: int) -> str:
    """An RFC 5545 rule for "every week on these weekdays (Monday 0) at this time": MO,WE,FR at 12:00."""
    codes = ",".join(WEEKDAY_CODES[day] for day in sorted(set(days)))
    return f"FREQ=WEEKLY;BYDAY={codes};BYHOUR={hour};BYMINUTE={minute};BYSECOND=0;INTERVAL=1"
