"""The monthly look ahead: three questions about what the couple is building this month (what, why, one step),
each answered by both in turn, who starts alternating; and "remind us every month", one recurring reminder on the
first of each month, kept and changed like the midday nudge's (skill/rituals/midday_nudge.py).

Stored under household.rituals["monthly"]: {"runs": ["YYYY-MM-DD", ...] (the last `runs_kept`, for the
monthly review), "reminder": {"token": the reminder's alertToken, "time": "HH:MM"}, "refused_on": "YYYY-MM-DD"}; nothing said.
Read and written only here (`read`, `write`) as a typed `Kept`; the review reads the days through `read`.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from skill.engine.alerts import REMINDERS_SCOPE, AlertResult, AlertStatus
from skill.engine.script import Reply, Segment, narrate
from skill.engine.turn import Turn
from skill.engine.turn_place import Place
from skill.engine.turn_taking import Step, TurnTaking
from skill.household import Household
from skill.record import Record
from skill.rituals.midday_nudge import clock_of, heard_clock, keep_one_reminder, refused_recently

NAME = "monthly"
ASKED_AT = "reminder_at"  # the place while Alexa asks for permission: {"reminder_at": "HH:MM"}
LOOK_AHEAD, REMINDER = "MonthlyIntent", "MonthlyReminderIntent"


class Reminder(Record):
    """The couple's monthly reminder: Alexa's token for it and its time ("HH:MM", None if damaged)."""

    token: str
    time: str | None = None


class Kept(Record):
    """What the look ahead keeps: the days of the last runs, oldest first, its reminder, the day they said no to
    the permission question."""

    runs: tuple[str, ...] = ()
    reminder: Reminder | None = None
    refused_on: str | None = None


def read(household: Household) -> Kept:
    """What the look ahead keeps, looked at only; anything damaged is read as not there."""
    stored = household.peek_ritual(NAME)
    state = stored if isinstance(stored, dict) else {}
    runs, reminder, refused = state.get("runs"), state.get("reminder"), state.get("refused_on")
    reminder = reminder if isinstance(reminder, dict) else {}
    token = reminder.get("token")
    return Kept(
        tuple(day for day in runs if isinstance(day, str)) if isinstance(runs, list) else (),
        Reminder(token, clock_of(reminder.get("time"))) if isinstance(token, str) else None,
        refused if isinstance(refused, str) else None,
    )


def write(household: Household, kept: Kept) -> None:
    """Keep {"runs", "reminder": {"token", "time"}, "refused_on"}, each only when there is one."""
    state: dict[str, Any] = {"runs": list(kept.runs)} if kept.runs else {}
    if kept.reminder is not None:
        state["reminder"] = {"token": kept.reminder.token, "time": kept.reminder.time}
    if kept.refused_on is not None:
        state["refused_on"] = kept.refused_on
    if state:
        household.rituals[NAME] = state
    else:
        household.rituals.pop(NAME, None)


def monthly_rule(month_day: int, hour: int, minute: int) -> str:
    """An RFC 5545 rule for "every month on this day at this time"."""
    return f"FREQ=MONTHLY;BYMONTHDAY={month_day};BYHOUR={hour};BYMINUTE={minute};BYSECOND=0;INTERVAL=1"


def next_month_day(now: datetime, month_day: int, at: time) -> datetime:
    """The next `month_day` of a month at `at`, after `now`, on the couple's wall clock."""
    ring = datetime.combine(now.date().replace(day=month_day), at, tzinfo=now.tzinfo)
    if ring > now:
        return ring
    year, month = (now.year + 1, 1) if now.month == 12 else (now.year, now.month + 1)
    return ring.replace(year=year, month=month)


def reminder_asked(turn: Turn) -> str | None:
    """The reminder's "HH:MM" kept in the place while Alexa asks for permission ({"reminder_at": ...}), if sound."""
    stored = turn.progress()
    return clock_of(stored.get(ASKED_AT)) if stored is not None else None


class Monthly(TurnTaking[Place]):
    name = NAME
    intents = frozenset({LOOK_AHEAD, REMINDER})
    manifest_permissions = (REMINDERS_SCOPE,)

    def steps(self, turn: Turn, place: Place) -> list[Step]:
        seconds = float(turn.section.settings["turn_seconds"])
        questions = list(turn.section.settings["questions"])
        steps = []
        for number, key in enumerate(questions):
            opener, last = number % 2, number == len(questions) - 1
            steps.append(Step(key, opener, seconds, part=number, cue=True))
            steps.append(Step(key, 1 - opener, seconds, part=number, cue=not last))
        return steps

    def start(self, turn: Turn) -> Reply:
        if turn.intent == REMINDER:
            return self._remind(turn, self._clock(turn))
        return super().start(turn)

    def proceed(self, turn: Turn, intent: str) -> Reply:
        return self._reminder_pending(turn) or super().proceed(turn, intent)

    def resume(self, turn: Turn) -> Reply:
        return self._reminder_pending(turn) or super().resume(turn)

    def _reminder_pending(self, turn: Turn) -> Reply | None:
        """While Alexa's answer to the permission question is awaited, anything else asks for the reminder again."""
        clock = reminder_asked(turn)
        return self._remind(turn, clock) if clock is not None else None

    def prepare(self, turn: Turn, place: Place) -> Place:
        """Today noted among the runs (the monthly review counts them)."""
        kept = read(turn.household)
        today = turn.local_now.date().isoformat()
        runs = [*(day for day in kept.runs if day != today), today]
        write(turn.household, kept._replace(runs=tuple(runs[-int(turn.section.settings["runs_kept"]) :])))
        return place

    # -- "remind us every month" -----------------------------------------------------------------------
    def _clock(self, turn: Turn) -> str:
        heard = heard_clock(turn, "clock")
        if heard:
            return heard
        reminder = read(turn.household).reminder
        return (reminder.time if reminder else None) or str(turn.section.settings["reminder_default_time"])

    def _remind(self, turn: Turn, clock: str) -> Reply:
        result = self._send(turn, clock)
        if result.status is AlertStatus.PERMISSION_MISSING and not refused_recently(
            turn, read(turn.household).refused_on
        ):
            turn.keep_progress({ASKED_AT: clock}, hours=float(turn.section.settings["asking_hours"]))
            return Reply(
                speech=(narrate(turn.line("reminder_ask", time=self._spoken(turn, clock))),),
                ask_permission=REMINDERS_SCOPE,
            )
        return self._reminded(turn, clock, result)

    def on_permission(self, turn: Turn, accepted: bool) -> Reply:
        clock = reminder_asked(turn)
        turn.end_progress()
        kept = read(turn.household)
        if not accepted:
            write(turn.household, kept._replace(refused_on=turn.now.date().isoformat()))
            return Reply(speech=(narrate(turn.line("reminder_denied")),), end_session=True)
        write(turn.household, kept._replace(refused_on=None))
        if clock is None:
            return Reply(speech=(narrate(turn.line("reminder_lost")),), end_session=True)
        result = self._send(turn, clock)
        if result.status is AlertStatus.PERMISSION_MISSING:
            result = AlertResult(AlertStatus.FAILED, result.http_status)  # they said yes: no more talk of permissions
        return self._reminded(turn, clock, result)

    def _send(self, turn: Turn, clock: str) -> AlertResult:
        hour, minute = (int(part) for part in clock.split(":"))
        month_day = int(turn.section.settings["reminder_month_day"])
        ring = next_month_day(turn.local_now, month_day, time(hour, minute))
        rule = monthly_rule(month_day, hour, minute)
        reminder = read(turn.household).reminder
        return keep_one_reminder(turn, reminder.token if reminder else None, ring, rule, turn.line("reminder_text"))

    def _reminded(self, turn: Turn, clock: str, result: AlertResult) -> Reply:
        kept = read(turn.household)
        speech: list[Segment]
        if result.created and result.token:
            same = kept.reminder is not None and kept.reminder.token == result.token
            write(turn.household, kept._replace(reminder=Reminder(result.token, clock)))
            speech = [
                narrate(turn.line("reminder_changed" if same else "reminder_set", time=self._spoken(turn, clock)))
            ]
        elif result.status is AlertStatus.PERMISSION_MISSING:
            speech = [narrate(turn.line("reminder_unallowed"))]
        else:
            speech = [narrate(turn.line("reminder_failed"))]
        return Reply(speech=tuple(speech), end_session=True)

    def _spoken(self, turn: Turn, clock: str) -> str:
        hour, minute = (int(part) for part in clock.split(":"))
        suffix = turn.section.settings["clock"]["am" if hour < 12 else "pm"]
        shown = hour % 12 or 12
        return f"{shown} {suffix}" if minute == 0 else f"{shown}:{minute:02d} {suffix}"


RITUAL = Monthly()
