"""The midday nudge: "remind us at midday on Monday, Wednesday and Friday" sets one recurring Alexa reminder
(the Reminders API's recurrence rule) whose words prompt the couple to send each other a quick check-in.

One set per couple: its token is kept, so asking again ("move our midday nudge to Tuesday and Thursday",
"change our midday nudge to one o'clock") changes that reminder, and "cancel our midday nudge" deletes it.
A reminder deleted meanwhile in the Alexa app is simply made again (skill.alexa.api.create_reminder). Without permission for reminders, Alexa
asks for it by voice (not again for `ask_again_days` after a no).

Stored under household.rituals["midday_nudge"]: {"token": the reminder's alertToken, "days": [0, 2, 4], "time": "12:00"},
plus "refused_on" after a no to the permission question; nothing else. Read and written only here (`read`, `write`)
as a typed `Nudge`.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any

from skill.engine.alerts import REMINDERS_SCOPE, AlertResult, AlertStatus, days_rule
from skill.engine.script import Reply, narrate
from skill.engine.turn import Turn
from skill.household import Household
from skill.record import Record

NAME = "midday_nudge"
SET, CANCEL = "MiddayNudgeIntent", "CancelMiddayNudgeIntent"
DAYS_SLOT, DAYS_TYPE = "days", "NUDGE_DAYS"  # a set of days said in one breath ("Monday, Wednesday and Friday")
DAY_SLOTS = ("day_one", "day_two")  # or two days by name
CLOCK_SLOT = "clock"
_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class Nudge(Record):
    """The couple's one reminder as kept: Alexa's token for it, its weekdays (Monday 0) and time ("HH:MM"), and the
    day they said no to the permission question."""

    token: str | None = None
    days: tuple[int, ...] = ()
    time: str | None = None
    refused_on: str | None = None


def weekdays_of(raw: Any) -> tuple[int, ...]:
    """Weekdays (Monday 0), sorted, from a stored or asked list; () unless every one is a weekday."""
    if isinstance(raw, list) and raw and all(isinstance(day, int) and 0 <= day < 7 for day in raw):
        return tuple(sorted(set(raw)))
    return ()


def clock_of(raw: Any) -> str | None:
    """A stored or asked "HH:MM", if it is one."""
    return raw if isinstance(raw, str) and _CLOCK.match(raw) else None


def read(household: Household) -> Nudge:
    """The nudge as stored, looked at only; anything damaged is read as not there."""
    stored = household.peek_ritual(NAME)
    state = stored if isinstance(stored, dict) else {}
    token, refused = state.get("token"), state.get("refused_on")
    return Nudge(
        token if isinstance(token, str) else None,
        weekdays_of(state.get("days")),
        clock_of(state.get("time")),
        refused if isinstance(refused, str) else None,
    )


def write(household: Household, nudge: Nudge) -> None:
    """Keep the nudge: {"token", "days", "time", "refused_on"}, each only when known; nothing at all when none is."""
    fields = {"token": nudge.token, "days": list(nudge.days), "time": nudge.time, "refused_on": nudge.refused_on}
    kept = {key: value for key, value in fields.items() if value}
    if kept:
        household.rituals[NAME] = kept
    else:
        household.rituals.pop(NAME, None)


def refused_recently(turn: Turn, refused_on: str | None) -> bool:
    """Whether the couple said no to the permission question less than `ask_again_days` ago.

    The monthly look ahead's reminder asks the same way (skill/rituals/monthly.py)."""
    try:
        since = (turn.now.date() - date.fromisoformat(str(refused_on))).days
    except ValueError:
        return False
    return since < int(turn.section.settings["ask_again_days"])


def _weekdays(turn: Turn) -> list[str]:
    return [str(day).lower() for day in turn.section.settings["weekdays"]]


def _days(turn: Turn, kept: Nudge) -> tuple[int, ...]:
    """The weekdays asked for (Monday 0), else those set already, else the content's default days."""
    names = _weekdays(turn)
    chosen = turn.slot_value_id(DAYS_SLOT, DAYS_TYPE)
    if chosen is not None:
        return tuple(sorted({int(day) for day in chosen.split()}))
    # Word by word: Alexa may hear "Monday, Wednesday" as the first of two days.
    heard = [
        word.strip(",.").removesuffix("s")
        for slot in DAY_SLOTS
        for word in str(turn.slots.get(slot) or "").lower().split()
    ]
    days = {names.index(word) for word in heard if word in names}
    if days:
        return tuple(sorted(days))
    return kept.days or tuple(names.index(str(day).lower()) for day in turn.section.settings["default_days"])


def heard_clock(turn: Turn, slot: str) -> str | None:
    """ "HH:MM" from a TIME slot ("13:00", or "AF" for the afternoon, by the ritual's `parts_of_day`), if one was heard."""
    heard = str(turn.slots.get(slot) or "").strip().upper()
    heard = turn.section.settings["parts_of_day"].get(heard, heard)
    match = _CLOCK.match(heard)
    return f"{int(match.group(1)):02d}:{match.group(2)}" if match else None


def _clock(turn: Turn, kept: Nudge) -> str:
    """The time heard, else the one set already, else midday."""
    return heard_clock(turn, CLOCK_SLOT) or kept.time or str(turn.section.settings["default_time"])


def _spoken(turn: Turn, asked: Asked) -> dict[str, str]:
    """The days and time as the couple hears them back ("Monday, Wednesday and Friday", "12 PM")."""
    settings = turn.section.settings
    names = [str(settings["weekdays"][day]) for day in asked.days]
    days = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {settings['list_and']} {names[-1]}"
    hour, minute = (int(part) for part in asked.time.split(":"))
    shown = hour % 12 or 12
    suffix = settings["clock"]["am" if hour < 12 else "pm"]
    return {"day": days, "time": f"{shown} {suffix}" if minute == 0 else f"{shown}:{minute:02d} {suffix}"}


def first_ring(now: datetime, days: tuple[int, ...], at: time) -> datetime:
    """The next of `days` at `at` after `now`, on the couple's wall clock."""
    for ahead in range(8):
        day: date = now.date() + timedelta(days=ahead)
        ring = datetime.combine(day, at, tzinfo=now.tzinfo)
        if day.weekday() in days and ring > now:
            return ring
    raise ValueError("no weekday given")


def keep_one_reminder(turn: Turn, token: str | None, ring: datetime, rule: str, text: str) -> AlertResult:
    """Change the couple's reminder with this token (made again if it is gone), else (no token) create one.

    The monthly look ahead's reminder is kept the same way (skill/rituals/monthly.py)."""
    if turn.alerts is None:
        return AlertResult(AlertStatus.FAILED)
    return turn.alerts.create_reminder(ring, rule, text, turn.content.locale, turn.household.time_zone, token)


class Asked(Record):
    """The days and time asked for, waiting (in the place kept) while Alexa asks for the permission."""

    days: tuple[int, ...]
    time: str

    @classmethod
    def waiting(cls, progress: Any) -> Asked | None:
        """The days and time kept in the place as {"asked": {"days", "time"}}, if they are still sound."""
        raw = progress.get("asked") if isinstance(progress, dict) else None
        asked = raw if isinstance(raw, dict) else {}
        days, clock = weekdays_of(asked.get("days")), clock_of(asked.get("time"))
        return cls(days, clock) if days and clock else None

    def kept(self) -> dict[str, Any]:
        return {"days": list(self.days), "time": self.time}


class MiddayNudge:
    name = NAME
    intents = frozenset({SET, CANCEL})
    manifest_permissions = (REMINDERS_SCOPE,)

    def start(self, turn: Turn) -> Reply:
        if turn.intent == CANCEL:
            return self._cancel(turn)
        kept = read(turn.household)
        return self._set(turn, Asked(_days(turn, kept), _clock(turn, kept)))

    def place_kept(self, turn: Turn) -> bool:
        """Stopping while Alexa asks for the permission leaves nothing to come back to."""
        return False

    def on_permission(self, turn: Turn, accepted: bool) -> Reply:
        asked = Asked.waiting(turn.progress())
        turn.end_progress()
        kept = read(turn.household)
        if not accepted:
            write(turn.household, kept._replace(refused_on=turn.now.date().isoformat()))
            return Reply(speech=(narrate(turn.line("denied")),), end_session=True)
        write(turn.household, kept._replace(refused_on=None))
        if asked is None:
            return Reply(speech=(narrate(turn.line("lost")),), end_session=True)
        result = self._send(turn, asked)
        if result.status is AlertStatus.PERMISSION_MISSING:
            result = AlertResult(AlertStatus.FAILED, result.http_status)  # they said yes: no more talk of permissions
        return self._said(turn, asked, result)

    # -- setting or changing the one reminder --------------------------------------------------------
    def _set(self, turn: Turn, asked: Asked) -> Reply:
        result = self._send(turn, asked)
        if result.status is AlertStatus.PERMISSION_MISSING and not refused_recently(
            turn, read(turn.household).refused_on
        ):
            # Alexa's answer may come in a new session: the asked days wait in the household meanwhile.
            turn.keep_progress({"asked": asked.kept()}, hours=float(turn.section.settings["asking_hours"]))
            return Reply(speech=(narrate(turn.line("ask", **_spoken(turn, asked))),), ask_permission=REMINDERS_SCOPE)
        return self._said(turn, asked, result)

    def _send(self, turn: Turn, asked: Asked) -> AlertResult:
        hour, minute = (int(part) for part in asked.time.split(":"))
        ring = first_ring(turn.local_now, asked.days, time(hour, minute))
        rule = days_rule(asked.days, hour, minute)
        return keep_one_reminder(turn, read(turn.household).token, ring, rule, turn.line("reminder_text"))

    def _said(self, turn: Turn, asked: Asked, result: AlertResult) -> Reply:
        """What became of it, said plainly; only a reminder Alexa made is remembered."""
        kept = read(turn.household)
        if result.created and result.token:
            changed = kept.token == result.token  # the same reminder, changed
            write(turn.household, kept._replace(token=result.token, days=asked.days, time=asked.time))
            key = "changed" if changed else "set"
            return Reply(
                speech=(narrate(turn.line(key, **_spoken(turn, asked))), narrate(turn.line("how_to_change"))),
                end_session=True,
            )
        if result.status is AlertStatus.PERMISSION_MISSING:
            return Reply(speech=(narrate(turn.line("unallowed")),), end_session=True)
        return Reply(speech=(narrate(turn.line("failed")),), end_session=True)

    def _cancel(self, turn: Turn) -> Reply:
        token = read(turn.household).token
        if token is None:
            return Reply(speech=(narrate(turn.line("none_to_cancel")),), end_session=True)
        result = turn.alerts.delete_reminder(token) if turn.alerts is not None else AlertResult(AlertStatus.FAILED)
        if result.created or result.http_status == 404:  # deleted now, or already (in the Alexa app)
            write(turn.household, Nudge())
            return Reply(speech=(narrate(turn.line("cancelled")),), end_session=True)
        return Reply(speech=(narrate(turn.line("cancel_failed")),), end_session=True)


RITUAL = MiddayNudge()
