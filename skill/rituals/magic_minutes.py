"""Five magic minutes: a light opening prompt, then a five-minute Alexa timer that ends with a gentle announcement.

Without a timer (no permission, the API failed, or no API at all) the ritual still happens, and the
couple hears why honestly. A refusal is remembered with its date, so the skill asks again only
after `ask_again_days`, and explains once how to allow timers in the Alexa app.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from skill.engine.alerts import TIMERS_SCOPE, AlertResult, AlertStatus
from skill.engine.script import Reply, Segment, host, to_partner
from skill.engine.turn import Turn

NAME = "magic_minutes"


def _state(turn: Turn) -> dict[str, Any]:
    """Durable state: {"runs": n, "refused_on": "YYYY-MM-DD", "told_how": bool, "timer_for_run": n}.

    `timer_for_run` is the run (its count when the permission was asked) whose timer Alexa's answer created.
    """
    state = turn.household.rituals.get(NAME)
    if not isinstance(state, dict):
        state = turn.household.rituals[NAME] = {}
    return state


def _refused_recently(turn: Turn) -> bool:
    refused_on = _state(turn).get("refused_on")
    try:
        refused = date.fromisoformat(str(refused_on))
    except ValueError:
        return False
    return (turn.now.date() - refused).days < int(turn.section.settings["ask_again_days"])


class MagicMinutes:
    name = NAME
    intents = frozenset({"MagicMinutesIntent"})
    manifest_permissions = (TIMERS_SCOPE,)  # the skill manifest declares what a ritual may ask the couple for
    follow_ups: frozenset[str] = frozenset()

    def start(self, turn: Turn) -> Reply:
        first = turn.household.take_first_turn()
        lead = (host(turn.line("lead_in")),)
        result = self._start_timer(turn)
        if result.status is AlertStatus.PERMISSION_MISSING and not _refused_recently(turn):
            # Our place is kept in the household: Alexa's answer may come in a new session.
            run = _state(turn).get("runs", 0)
            turn.keep_progress({"first": first, "run": run}, hours=float(turn.section.settings["asking_hours"]))
            return Reply(speech=(*lead, host(turn.line("ask_timer"))), ask_permission=TIMERS_SCOPE)
        return self._begin(turn, first, result, lead=lead)

    def on_permission(self, turn: Turn, accepted: bool) -> Reply:
        state = turn.progress() or {}
        first = state["first"] if state.get("first") in (0, 1) else turn.household.take_first_turn()
        if accepted:
            _state(turn).pop("refused_on", None)
            run = state.get("run")
            if run is not None and _state(turn).get("timer_for_run") == run:
                # Alexa's answer came twice for one run (a retry): its timer exists, and one is enough.
                return self._begin(turn, first, AlertResult(AlertStatus.CREATED))
            result = self._start_timer(turn)
            if result.created and run is not None:
                _state(turn)["timer_for_run"] = run
            return self._begin(turn, first, result)
        _state(turn)["refused_on"] = turn.now.date().isoformat()
        return self._begin(turn, first, AlertResult(AlertStatus.PERMISSION_MISSING), denied=True)

    def proceed(self, turn: Turn, intent: str) -> Reply:
        return self.start(turn)

    def resume(self, turn: Turn) -> Reply:
        """After "continue" following a permission question that never got its answer: simply begin again."""
        return self.start(turn)

    def _start_timer(self, turn: Turn) -> AlertResult:
        if turn.alerts is None:
            return AlertResult(AlertStatus.FAILED)
        state = _state(turn)
        state["runs"] = int(state.get("runs", 0)) + 1 if isinstance(state.get("runs"), int) else 1
        settings = turn.section.settings
        # A label must be unique among the skill's timers; the run count makes it so for this household.
        label = f"{settings['timer_label']} {state['runs']}"
        return turn.alerts.start_timer(
            int(settings["timer_seconds"]), label, turn.line("announcement"), turn.content.locale
        )

    def _begin(
        self, turn: Turn, first: int, result: AlertResult, *, lead: tuple[Segment, ...] = (), denied: bool = False
    ) -> Reply:
        """The five minutes begin: with a timer if one was set, honestly without one if not."""
        if turn.active_ritual() == NAME:
            turn.end_progress()
        speech: list[Segment] = list(lead)
        if result.created:
            _state(turn).pop("refused_on", None)
            speech.append(host(turn.line("timer_set")))
        elif result.status is AlertStatus.PERMISSION_MISSING:
            speech.append(host(turn.line("no_timer_denied" if denied else "no_timer_unallowed")))
            if not _state(turn).get("told_how"):
                _state(turn)["told_how"] = True
                speech.append(host(turn.line("how_to_allow")))
        else:
            speech.append(host(turn.line("no_timer_failed")))
        names = {"name": turn.name(first), "other": turn.name(1 - first)}
        speech.append(to_partner(first, turn.line("opening", **names)))
        return Reply(speech=tuple(speech), end_session=True)


RITUAL = MagicMinutes()
