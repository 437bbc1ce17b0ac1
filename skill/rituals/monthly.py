"""The monthly look ahead: three questions about what the couple is building this month (what, why, one step),
each answered by both in turn, who starts alternating; and "remind us every month", one recurring reminder on the
first of each month, kept and changed like the midday nudge's (skill/rituals/midday_nudge.py).

Stored under household.rituals["monthly"]: {"runs": ["YYYY-MM-DD", ...] (the last `runs_kept`, for the
monthly review), "reminder": {"token": the reminder's alertToken, "time": "HH:MM"}, "refused_on": "YYYY-MM-DD"}; nothing said.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any

from skill.engine.alerts import REMINDERS_SCOPE, AlertResult, AlertStatus
from skill.engine.script import Reply, Segment, narrate
from skill.engine.turn import Turn
from skill.engine.turn_taking import Step, TurnTaking
from skill.rituals.midday_nudge import keep_one_reminder

NAME = "monthly"
LOOK_AHEAD, REMINDER = "MonthlyIntent", "MonthlyReminderIntent"
_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def runs(household: Any) -> list[str]:
    """The days of the last look aheads, oldest first (for the monthly review)."""
    state = household.peek_ritual(NAME)
    stored = state.get("runs") if isinstance(state, dict) else None
    return [day for day in stored if isinstance(day, str)] if isinstance(stored, list) else []


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


class Monthly(TurnTaking):
    name = NAME
    intents = frozenset({LOOK_AHEAD, REMINDER})
    manifest_permissions = (REMINDERS_SCOPE,)

    def steps(self, turn: Turn, state: dict[str, Any]) -> list[Step]:
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
        clock = (turn.progress() or {}).get("reminder_at")
        return self._remind(turn, clock) if isinstance(clock, str) and _CLOCK.match(clock) else None

    def prepare(self, turn: Turn, state: dict[str, Any]) -> None:
        durable = turn.household.ritual_state(NAME)
        today = turn.local_now.date().isoformat()
        kept = [day for day in runs(turn.household) if day != today]
        durable["runs"] = [*kept, today][-int(turn.section.settings["runs_kept"]) :]

    # -- "remind us every month" -----------------------------------------------------------------------
    def _clock(self, turn: Turn) -> str:
        settings = turn.section.settings
        heard = str(turn.slots.get("clock") or "").strip().upper()
        heard = settings["parts_of_day"].get(heard, heard)
        match = _CLOCK.match(heard)
        if match:
            return f"{int(match.group(1)):02d}:{match.group(2)}"
        stored = turn.household.peek_ritual(NAME)
        reminder = stored.get("reminder") if isinstance(stored, dict) else None
        kept = reminder.get("time") if isinstance(reminder, dict) else None
        return kept if isinstance(kept, str) and _CLOCK.match(kept) else str(settings["reminder_default_time"])

    def _reminder(self, turn: Turn) -> dict[str, Any]:
        durable = turn.household.ritual_state(NAME)
        reminder = durable.get("reminder")
        if not isinstance(reminder, dict):
            reminder = durable["reminder"] = {}
        return reminder

    def _remind(self, turn: Turn, clock: str) -> Reply:
        result = self._send(turn, clock)
        if result.status is AlertStatus.PERMISSION_MISSING and not self._refused_recently(turn):
            turn.keep_progress({"reminder_at": clock}, hours=float(turn.section.settings["asking_hours"]))
            return Reply(speech=(narrate(turn.line("reminder_ask", time=self._spoken(turn, clock))),), ask_permission=REMINDERS_SCOPE)
        return self._reminded(turn, clock, result)

    def on_permission(self, turn: Turn, accepted: bool) -> Reply:
        clock = (turn.progress() or {}).get("reminder_at")
        turn.end_progress()
        durable = turn.household.ritual_state(NAME)
        if not accepted:
            durable["refused_on"] = turn.now.date().isoformat()
            return Reply(speech=(narrate(turn.line("reminder_denied")),), end_session=True)
        durable.pop("refused_on", None)
        if not isinstance(clock, str) or not _CLOCK.match(clock):
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
        return keep_one_reminder(turn, self._reminder(turn), ring, rule, turn.line("reminder_text"))

    def _reminded(self, turn: Turn, clock: str, result: AlertResult) -> Reply:
        reminder = self._reminder(turn)
        speech: list[Segment]
        if result.created and result.token:
            key = "reminder_changed" if reminder.get("token") == result.token else "reminder_set"
            reminder.update(token=result.token, time=clock)
            speech = [narrate(turn.line(key, time=self._spoken(turn, clock)))]
        elif result.status is AlertStatus.PERMISSION_MISSING:
            speech = [narrate(turn.line("reminder_unallowed"))]
        else:
            speech = [narrate(turn.line("reminder_failed"))]
        if not reminder:
            turn.household.ritual_state(NAME).pop("reminder", None)
        return Reply(speech=tuple(speech), end_session=True)

    def _spoken(self, turn: Turn, clock: str) -> str:
        hour, minute = (int(part) for part in clock.split(":"))
        suffix = turn.section.settings["clock"]["am" if hour < 12 else "pm"]
        shown = hour % 12 or 12
        return f"{shown} {suffix}" if minute == 0 else f"{shown}:{minute:02d} {suffix}"

    def _refused_recently(self, turn: Turn) -> bool:
        refused = turn.household.ritual_state(NAME).get("refused_on")
        try:
            since = (turn.now.date() - date.fromisoformat(str(refused))).days
        except ValueError:
            return False
        return since < int(turn.section.settings["ask_again_days"])


RITUAL = Monthly()
