"""The port through which a ritual sets timers and reminders, without knowing whose API does it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import Enum
from typing import Protocol

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
    NOT_FOUND = "not_found"  # no such reminder (404): deleted meanwhile, for instance in the Alexa app


class AlertResult(Record):
    """The outcome, with the API's HTTP status when it answered."""

    status: AlertStatus
    http_status: int | None = None
    alert_id: str | None = None  # a created reminder's alertToken, to change or delete it later

    @property
    def created(self) -> bool:
        return self.status is AlertStatus.CREATED


class Alerts(Protocol):
    """Timers and reminders for this couple, for the current request only."""

    def start_timer(self, seconds: int, label: str, announcement: str, locale: str) -> AlertResult:
        """A timer of `seconds` that speaks `announcement` when it ends; `label` must be unique among our timers."""
        ...

    def create_weekly_reminder(self, first: datetime, text: str, locale: str, time_zone: str | None) -> AlertResult:
        """A reminder that speaks `text` every week at the weekday and wall-clock time of `first` (local time).

        `time_zone` is an IANA name ("Europe/London"); None lets Alexa use the device's own zone.
        """
        ...

    def create_reminder(self, first: datetime, rule: str, text: str, locale: str, time_zone: str | None) -> AlertResult:
        """A reminder from `first` (local time), repeating by the RFC 5545 `rule`; the result carries its id."""
        ...

    def update_reminder(
        self, alert_id: str, first: datetime, rule: str, text: str, locale: str, time_zone: str | None
    ) -> AlertResult:
        """The reminder `alert_id`, changed to ring from `first` by `rule`; NOT_FOUND when it is gone."""
        ...

    def delete_reminder(self, alert_id: str) -> AlertResult:
        """The reminder `alert_id`, deleted; NOT_FOUND when it was gone already."""
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
