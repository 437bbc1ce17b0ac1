"""A ritual's Alexa timer: at most one per ritual run, asked for by voice, and a refusal remembered for days.

Five magic minutes and the thirty-six questions' closing four minutes both time the couple with an Alexa
timer. What they share lives here, in the ritual's durable state (household.rituals[<ritual>]):
    {"runs": attempts so far, "timer_for_run": the run whose timer exists, "timer_id"?: its id with the Timers API
     while it may still ring, "refused_on": "YYYY-MM-DD"}
- Every attempt gets a label of its own (`timer_label` and the attempt's number): Alexa refuses a label
  already used by one of the skill's timers, and an attempt whose answer was lost may have made one.
- A run is named by its first attempt. A ritual that asks for consent keeps the run in its place and passes
  it back with Alexa's answer; a `Connections.Response` that arrives twice, or without a session, then finds
  the run's timer already made and makes no second one.
- A refusal is remembered with its date: the ritual asks again only after `ask_again_days`.
- The timer hands back: when it ends, Alexa offers to bring the couple back to the skill, which is launched
  with the custom task `CLOSING_TASK` naming the ritual, and the ritual speaks its own closing (its `close`);
  or, for a timer set in the middle of a ritual (the check-in's talk together), with `RESUMING_TASK`, and the
  ritual carries on from its place. Where Alexa will not make such a timer, the announcing one rings instead.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from skill.engine.alerts import AlertResult, AlertStatus, HandBack
from skill.engine.script import Reply, narrate, to_partner
from skill.engine.turn import Turn
from skill.record import Record

RUNS, TIMER_FOR_RUN, TIMER_ID, REFUSED_ON = "runs", "timer_for_run", "timer_id", "refused_on"
# The custom task a ritual's timer launches when it ends (skill-package/tasks/CloseRitual.1.json).
CLOSING_TASK, CLOSING_TASK_VERSION = "CloseRitual", "1"
# The task a timer set mid-ritual launches: the ritual goes on from its place (skill-package/tasks/ResumeRitual.1.json).
RESUMING_TASK, RESUMING_TASK_VERSION = "ResumeRitual", "1"


class TimerTry(Record):
    """What became of a timer, and the run it was for (keep it while Alexa asks the couple for consent)."""

    result: AlertResult
    run: int


class RitualTimer(Record):
    """The timer of the ritual `ritual`, as its content file's settings describe it.

    `seconds` names the setting holding the timer's length; `timer_label` and `ask_again_days` are settings,
    `announcement` and `hand_back` lines, of the same content file. `task` is what the timer launches when it
    ends (`CLOSING_TASK` or `RESUMING_TASK`). `within` names a key of the ritual's durable state that holds the
    timer's notes, for a ritual that keeps its own state by a schema of its own (the check-in). A `cancellable`
    timer keeps its id while it may still ring, for a ritual the couple can move on from before it rings (the
    check-in's talk: "we're ready"); the others store none.
    """

    ritual: str
    seconds: str
    task: tuple[str, str] = (CLOSING_TASK, CLOSING_TASK_VERSION)
    within: str | None = None
    cancellable: bool = False

    def state(self, turn: Turn) -> dict[str, Any]:
        """The timer's notes: the ritual's durable state itself, or the part of it named `within`."""
        own = turn.household.ritual_state(self.ritual)
        if self.within is None:
            return own
        notes = own.get(self.within)
        if not isinstance(notes, dict):
            notes = own[self.within] = {}
        return notes

    def start(self, turn: Turn, run: int | None = None, seconds: int | None = None) -> TimerTry:
        """Set the timer for `run` (None: a new run), unless that run's timer already exists; `seconds` long when
        given (the couple chose it), else as the content's setting."""
        state = self.state(turn)
        if run is not None and state.get(TIMER_FOR_RUN) == run:
            return TimerTry(AlertResult(AlertStatus.CREATED), run)  # Alexa's answer came again: one timer is enough
        runs = state.get(RUNS)
        attempt = runs + 1 if isinstance(runs, int) and runs >= 0 else 1
        run = attempt if run is None else run
        if turn.alerts is None:
            return TimerTry(AlertResult(AlertStatus.FAILED), run)
        state[RUNS] = attempt
        own = turn.for_section(self.ritual)
        settings = own.section.settings
        label = f"{settings['timer_label']} {attempt}"
        hand_back = HandBack(
            self.task[0],
            self.task[1],
            {"ritual": self.ritual},
            own.line("hand_back", continueWithSkillName="{continueWithSkillName}"),
        )
        seconds = int(settings[self.seconds]) if seconds is None else seconds
        result = turn.alerts.start_timer(seconds, label, own.line("announcement"), turn.content.locale, hand_back)
        if result.created:
            state[TIMER_FOR_RUN] = run
            state.pop(REFUSED_ON, None)  # timers are allowed now (in the Alexa app, say)
            if self.cancellable and result.token is not None:
                state[TIMER_ID] = result.token
        return TimerTry(result, run)

    def cancel(self, turn: Turn) -> None:
        """The couple moved on before the timer rang ("we're ready"): cancelled, so it does not ring into whatever
        they do next. Best effort: a cancel that fails leaves a timer whose hand-back finds the ritual moved on."""
        timer_id = self.state(turn).pop(TIMER_ID, None)
        if isinstance(timer_id, str) and turn.alerts is not None:
            turn.alerts.cancel_timer(timer_id)

    def rang(self, turn: Turn) -> None:
        """The timer rang and brought the couple back: nothing is left to cancel."""
        self.state(turn).pop(TIMER_ID, None)

    def should_ask(self, turn: Turn, tried: TimerTry) -> bool:
        """Whether to ask the couple for timers now: not allowed yet, and not refused lately."""
        return tried.result.status is AlertStatus.PERMISSION_MISSING and not self.refused_recently(turn)

    def answered(self, turn: Turn, accepted: bool, run: int | None, seconds: int | None = None) -> TimerTry:
        """Alexa's answer to our consent question for `run`: the timer (`seconds` long, as `start`) once allowed,
        the refusal remembered if not."""
        state = self.state(turn)
        if not accepted:
            state[REFUSED_ON] = turn.now.date().isoformat()
            return TimerTry(AlertResult(AlertStatus.PERMISSION_MISSING), run if run is not None else 0)
        state.pop(REFUSED_ON, None)
        return self.start(turn, run, seconds)

    def close(self, turn: Turn) -> Reply:
        """The timer rang and the couple came back (the closing task): the ritual's own closing, a thank-you to each
        partner in their own voice (never one partner's voice speaking to the other), and goodnight. `turn` answers
        from the ritual's content."""
        if turn.active_ritual() == self.ritual:
            turn.end_progress()
        speech = [narrate(turn.line("closed"))]
        for partner in (0, 1):
            speech.append(to_partner(partner, turn.line("closing_partner", name=turn.name(partner))))
        speech.append(narrate(turn.line("closing_goodnight")))
        from skill.engine import routine_offer

        return routine_offer.after(turn, self.ritual, Reply(speech=tuple(speech), end_session=True))

    def refused_recently(self, turn: Turn) -> bool:
        try:
            refused = date.fromisoformat(str(self.state(turn).get(REFUSED_ON)))
        except ValueError:
            return False
        days = int(turn.content.section(self.ritual).settings["ask_again_days"])
        return (turn.now.date() - refused).days < days


def sound_run(run: object) -> int | None:
    """The run a ritual kept in its place while Alexa asked for consent, if it is a sound one (read as a place is)."""
    return run if isinstance(run, int) and not isinstance(run, bool) and run > 0 else None
