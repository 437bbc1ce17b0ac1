"""Five magic minutes: a light opening prompt, then a five-minute Alexa timer that ends with a gentle announcement.

Without a timer (no permission, the API failed, or no API at all) the ritual still happens, and the
couple hears why honestly. A refusal is remembered with its date, so the skill asks again only
after `ask_again_days`, and explains once how to allow timers in the Alexa app.
"""

from __future__ import annotations

from typing import Any

from skill.engine.alerts import TIMERS_SCOPE, AlertResult, AlertStatus
from skill.engine.ritual_timer import RitualTimer, sound_run
from skill.engine.script import Reply, Segment, narrate, to_partner
from skill.engine.turn import Turn
from skill.record import Record

NAME = "magic_minutes"
# The five-minute timer, one per run, and a refusal remembered (skill/engine/ritual_timer.py).
TIMER = RitualTimer(NAME, seconds="timer_seconds")


def _state(turn: Turn) -> dict[str, Any]:
    """Durable state: the timer's notes (see ritual_timer) and {"told_how": bool}."""
    return TIMER.state(turn)


class Asking(Record):
    """The place kept while Alexa asks for timers: who goes first, and the timer's run. Stored {"first", "run"}."""

    first: int
    run: int | None

    def stored(self) -> dict[str, Any]:
        return {"first": self.first, "run": self.run}


def read_asking(stored: object) -> Asking | None:
    """The place kept while Alexa asked, or None when there is none or it is damaged."""
    if not isinstance(stored, dict) or stored.get("first") not in (0, 1):
        return None
    return Asking(int(stored["first"]), sound_run(stored.get("run")))


class MagicMinutes:
    name = NAME
    intents = frozenset({"MagicMinutesIntent"})
    manifest_permissions = (TIMERS_SCOPE,)  # the skill manifest declares what a ritual may ask the couple for
    follow_ups: frozenset[str] = frozenset()

    def start(self, turn: Turn) -> Reply:
        first = turn.household.take_first_turn()
        lead = (narrate(turn.line("lead_in")),)
        tried = TIMER.start(turn)
        if TIMER.should_ask(turn, tried):
            # Our place is kept in the household: Alexa's answer may come in a new session.
            asking = Asking(first, tried.run)
            turn.keep_progress(asking.stored(), hours=float(turn.section.settings["asking_hours"]))
            return Reply(speech=(*lead, narrate(turn.line("ask_timer"))), ask_permission=TIMERS_SCOPE)
        return self._begin(turn, first, tried.result, lead=lead)

    def on_permission(self, turn: Turn, accepted: bool) -> Reply:
        asking = read_asking(turn.progress())
        first = asking.first if asking is not None else turn.household.take_first_turn()
        tried = TIMER.answered(turn, accepted, asking.run if asking is not None else None)
        if accepted:
            return self._begin(turn, first, tried.result)
        return self._begin(turn, first, tried.result, denied=True)

    def proceed(self, turn: Turn, intent: str) -> Reply:
        return self.start(turn)

    def resume(self, turn: Turn) -> Reply:
        """After "continue" following a permission question that never got its answer: simply begin again."""
        return self.start(turn)

    def _begin(
        self, turn: Turn, first: int, result: AlertResult, *, lead: tuple[Segment, ...] = (), denied: bool = False
    ) -> Reply:
        """The five minutes begin: with a timer if one was set, honestly without one if not."""
        if turn.active_ritual() == NAME:
            turn.end_progress()
        speech: list[Segment] = list(lead)
        if result.created:
            speech.append(narrate(turn.line("timer_set")))
        elif result.status is AlertStatus.PERMISSION_MISSING:
            speech.append(narrate(turn.line("no_timer_denied" if denied else "no_timer_unallowed")))
            if not _state(turn).get("told_how"):
                _state(turn)["told_how"] = True
                speech.append(narrate(turn.line("how_to_allow")))
        else:
            speech.append(narrate(turn.line("no_timer_failed")))
        from skill.engine import routine_offer

        routine_offer.count_run(turn, NAME)
        # The routine is offered at the closing, when the timer hands the couple back; with no timer to do that
        # (or if the closing that was due to offer never came), before the minutes, and the opening follows the answer.
        if routine_offer.due_before(turn, NAME, closing_to_come=result.created):
            return routine_offer.before(turn, NAME, Reply(speech=tuple(speech), end_session=True), "opening", first)
        names = {"name": turn.name(first), "other": turn.name(1 - first)}
        speech.append(to_partner(first, turn.line("opening", **names)))
        return Reply(speech=tuple(speech), end_session=True)


RITUAL = MagicMinutes()
