"""The midday nudge: "remind us at midday on Monday, Wednesday and Friday" sets one recurring Alexa reminder
(the Reminders API's recurrence rule) whose words prompt the couple to send each other a quick check-in.

One set per couple: its token is kept, so asking again ("move our midday nudge to Tuesday and Thursday",
"change our midday nudge to one o'clock") changes that reminder, and "cancel our midday nudge" deletes it.
A reminder deleted meanwhile in the Alexa app is simply made again (skill.alexa.api.create_reminder). Without permission for reminders, Alexa
asks for it by voice (not again for `ask_again_days` after a no).

Stored under household.rituals["midday_nudge"]: {"token": the reminder's alertToken, "days": [0, 2, 4], "time": "12:00"},
plus "refused_on" after a no to the permission question; nothing else.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any

from skill.engine.alerts import REMINDERS_SCOPE, AlertResult, AlertStatus, days_rule
from skill.engine.script import Reply, narrate
from skill.engine.turn import Turn

NAME = "midday_nudge"
SET, CANCEL = "MiddayNudgeIntent", "CancelMiddayNudgeIntent"
DAYS_SLOT, DAYS_TYPE = "days", "NUDGE_DAYS"  # a set of days said in one breath ("Monday, Wednesday and Friday")
DAY_SLOTS = ("day_one", "day_two")  # or two days by name
CLOCK_SLOT = "clock"
_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def _state(turn: Turn) -> dict[str, Any]:
    return turn.household.ritual_state(NAME)


def _weekdays(turn: Turn) -> list[str]:
    return [str(day).lower() for day in turn.section.settings["weekdays"]]


def _days(turn: Turn) -> list[int]:
    """The weekdays asked for (Monday 0), else those set already, else the content's default days."""
    names = _weekdays(turn)
    chosen = turn.slot_value_id(DAYS_SLOT, DAYS_TYPE)
    if chosen is not None:
        return sorted({int(day) for day in chosen.split()})
    # Word by word: Alexa may hear "Monday, Wednesday" as the first of two days.
    heard = [word.strip(",.").removesuffix("s") for slot in DAY_SLOTS for word in str(turn.slots.get(slot) or "").lower().split()]
    days = {names.index(word) for word in heard if word in names}
    if days:
        return sorted(days)
    stored = _state(turn).get("days")
    if isinstance(stored, list) and stored and all(isinstance(d, int) and 0 <= d < 7 for d in stored):
        return sorted(set(stored))
    return [names.index(str(day).lower()) for day in turn.section.settings["default_days"]]


def _clock(turn: Turn) -> str:
    """ "HH:MM" from the TIME slot ("13:00", or "AF" for the afternoon), else the one set already, else midday."""
    settings = turn.section.settings
    heard = str(turn.slots.get(CLOCK_SLOT) or "").strip().upper()
    heard = settings["parts_of_day"].get(heard, heard)
    match = _CLOCK.match(heard)
    if match:
        return f"{int(match.group(1)):02d}:{match.group(2)}"
    stored = _state(turn).get("time")
    return stored if isinstance(stored, str) and _CLOCK.match(stored) else str(settings["default_time"])


def _spoken(turn: Turn, asked: dict[str, Any]) -> dict[str, str]:
    """The days and time as the couple hears them back ("Monday, Wednesday and Friday", "12 PM")."""
    settings = turn.section.settings
    names = [str(settings["weekdays"][day]) for day in asked["days"]]
    days = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {settings['list_and']} {names[-1]}"
    hour, minute = (int(part) for part in asked["time"].split(":"))
    shown = hour % 12 or 12
    suffix = settings["clock"]["am" if hour < 12 else "pm"]
    return {"day": days, "time": f"{shown} {suffix}" if minute == 0 else f"{shown}:{minute:02d} {suffix}"}


def first_ring(now: datetime, days: list[int], at: time) -> datetime:
    """The next of `days` at `at` after `now`, on the couple's wall clock."""
    for ahead in range(8):
        day: date = now.date() + timedelta(days=ahead)
        ring = datetime.combine(day, at, tzinfo=now.tzinfo)
        if day.weekday() in days and ring > now:
            return ring
    raise ValueError("no weekday given")


def keep_one_reminder(turn: Turn, durable: dict[str, Any], ring: datetime, rule: str, text: str) -> AlertResult:
    """Change the couple's reminder whose token `durable` keeps (made again if it is gone), else create one.

    The monthly look ahead's reminder is kept the same way (skill/rituals/monthly.py)."""
    if turn.alerts is None:
        return AlertResult(AlertStatus.FAILED)
    token = durable.get("token")
    replacing = token if isinstance(token, str) else None
    return turn.alerts.create_reminder(ring, rule, text, turn.content.locale, turn.household.time_zone, replacing)


class MiddayNudge:
    name = NAME
    intents = frozenset({SET, CANCEL})
    manifest_permissions = (REMINDERS_SCOPE,)

    def start(self, turn: Turn) -> Reply:
        if turn.intent == CANCEL:
            return self._cancel(turn)
        return self._set(turn, {"days": _days(turn), "time": _clock(turn)})

    def place_kept(self, turn: Turn) -> bool:
        """Stopping while Alexa asks for the permission leaves nothing to come back to."""
        return False

    def on_permission(self, turn: Turn, accepted: bool) -> Reply:
        asked = (turn.progress() or {}).get("asked")
        turn.end_progress()
        if not accepted:
            _state(turn)["refused_on"] = turn.now.date().isoformat()
            return Reply(speech=(narrate(turn.line("denied")),), end_session=True)
        _state(turn).pop("refused_on", None)
        if not isinstance(asked, dict) or not _sound(asked):
            return Reply(speech=(narrate(turn.line("lost")),), end_session=True)
        result = self._send(turn, asked)
        if result.status is AlertStatus.PERMISSION_MISSING:
            result = AlertResult(AlertStatus.FAILED, result.http_status)  # they said yes: no more talk of permissions
        return self._said(turn, asked, result)

    # -- setting or changing the one reminder --------------------------------------------------------
    def _set(self, turn: Turn, asked: dict[str, Any]) -> Reply:
        result = self._send(turn, asked)
        if result.status is AlertStatus.PERMISSION_MISSING and not self._refused_recently(turn):
            # Alexa's answer may come in a new session: the asked days wait in the household meanwhile.
            turn.keep_progress({"asked": asked}, hours=float(turn.section.settings["asking_hours"]))
            return Reply(speech=(narrate(turn.line("ask", **_spoken(turn, asked))),), ask_permission=REMINDERS_SCOPE)
        return self._said(turn, asked, result)

    def _send(self, turn: Turn, asked: dict[str, Any]) -> AlertResult:
        hour, minute = (int(part) for part in asked["time"].split(":"))
        ring = first_ring(turn.local_now, asked["days"], time(hour, minute))
        return keep_one_reminder(turn, _state(turn), ring, days_rule(asked["days"], hour, minute), turn.line("reminder_text"))

    def _said(self, turn: Turn, asked: dict[str, Any], result: AlertResult) -> Reply:
        """What became of it, said plainly; only a reminder Alexa made is remembered."""
        durable = _state(turn)
        if result.created and result.token:
            changed = durable.get("token") == result.token  # the same reminder, changed
            durable.update(token=result.token, days=list(asked["days"]), time=asked["time"])
            key = "changed" if changed else "set"
            return Reply(
                speech=(narrate(turn.line(key, **_spoken(turn, asked))), narrate(turn.line("how_to_change"))),
                end_session=True,
            )
        if result.status is AlertStatus.PERMISSION_MISSING:
            return Reply(speech=(narrate(turn.line("unallowed")),), end_session=True)
        return Reply(speech=(narrate(turn.line("failed")),), end_session=True)

    def _cancel(self, turn: Turn) -> Reply:
        durable = _state(turn)
        token = durable.get("token")
        if not isinstance(token, str):
            return Reply(speech=(narrate(turn.line("none_to_cancel")),), end_session=True)
        result = turn.alerts.delete_reminder(token) if turn.alerts is not None else AlertResult(AlertStatus.FAILED)
        if result.created or result.http_status == 404:  # deleted now, or already (in the Alexa app)
            turn.household.rituals.pop(NAME, None)
            return Reply(speech=(narrate(turn.line("cancelled")),), end_session=True)
        return Reply(speech=(narrate(turn.line("cancel_failed")),), end_session=True)

    def _refused_recently(self, turn: Turn) -> bool:
        refused = _state(turn).get("refused_on")
        try:
            since = (turn.now.date() - date.fromisoformat(str(refused))).days
        except ValueError:
            return False
        return since < int(turn.section.settings["ask_again_days"])


def _sound(asked: Any) -> bool:
    return (
        isinstance(asked, dict)
        and isinstance(asked.get("days"), list)
        and bool(asked["days"])
        and all(isinstance(d, int) and 0 <= d < 7 for d in asked["days"])
        and isinstance(asked.get("time"), str)
        and _CLOCK.match(asked["time"]) is not None
    )


RITUAL = MiddayNudge()
