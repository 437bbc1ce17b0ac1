"""The thirty-six questions evening: three sets of twelve, rising in closeness, closing with four minutes of eye contact.

In the study's shape: each question is answered by both partners, and who answers first alternates from
one question to the next. A couple can stop between sets and come back another day ("let's do set two"):
the next set is kept in the household. The evening ends with four minutes of looking into each other's
eyes, kept by an Alexa timer when the couple allows timers (asked by voice, as five magic minutes does),
else by the skill itself: a silence and a chime, inside one response (240 s: Alexa's most).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from skill.engine.alerts import TIMERS_SCOPE, AlertResult, AlertStatus
from skill.engine.script import Reply, Segment, host, to_partner
from skill.engine.timing import timed_hold
from skill.engine.turn import Turn

NAME = "thirty_six"
SETS = (1, 2, 3)
PER_SET = 12
PARTNER_SLOT = "{partner}"

DONE = "DoneIntent"
NEXT = "AMAZON.NextIntent"
YES = "AMAZON.YesIntent"
NO = "AMAZON.NoIntent"
HEARD_SOMETHING = "AMAZON.FallbackIntent"


def _state(turn: Turn) -> dict[str, Any]:
    """Durable state: {"next_set": 1-3, "runs": timers set, "refused_on": "YYYY-MM-DD"}."""
    state = turn.household.rituals.get(NAME)
    if not isinstance(state, dict):
        state = turn.household.rituals[NAME] = {}
    return state


def questions_of(turn: Turn, set_number: int) -> list[str]:
    return [str(q["text"]) for q in turn.section.data["questions"] if q["set"] == set_number]


def _refused_recently(turn: Turn) -> bool:
    try:
        refused = date.fromisoformat(str(_state(turn).get("refused_on")))
    except ValueError:
        return False
    return (turn.now.date() - refused).days < int(turn.section.settings["ask_again_days"])


class ThirtySix:
    name = NAME
    intents = frozenset({"ThirtySixQuestionsIntent"})
    follow_ups = frozenset({DONE, NEXT, YES, NO, HEARD_SOMETHING})

    def start(self, turn: Turn) -> Reply:
        asked = turn.number_slot("set")
        if asked is None and turn.progress() is not None:
            return self.resume(turn)  # "the thirty-six questions" again, mid-set: carry on where they are
        if asked in SETS:
            return self._begin_set(turn, int(asked), lead=(host(turn.line("welcome")),) if asked == 1 else ())
        saved = _state(turn).get("next_set")
        if saved in (2, 3):
            return self._begin_set(turn, int(saved), lead=(host(turn.line("resume_set", count=saved)),))
        return self._begin_set(turn, 1, lead=(host(turn.line("welcome")),))

    def proceed(self, turn: Turn, intent: str) -> Reply:
        place = turn.progress()
        if place is None:
            return self.start(turn)
        step = place.get("step")
        if step == "between":
            if intent in (YES, NEXT):
                return self._begin_set(turn, int(place["set"]) + 1)
            if intent == HEARD_SOMETHING:
                return Reply(speech=(host(turn.line("set_done_again")),), reprompt=(host(turn.line("set_done_again")),))
            return self._pause_between(turn, int(place["set"]) + 1)
        if step == "asking":
            return self.resume(turn)
        if intent in (DONE, NEXT):
            if place.get("turn") == 0:
                return self._answer(turn, place, 1)
            return self._next_question(turn, place)
        return self._still_answering(turn, place)

    def resume(self, turn: Turn) -> Reply:
        place = turn.progress()
        if place is None:
            return self.start(turn)
        lead = (host(turn.line("resume")),)
        if place.get("step") == "between":
            set_done = int(place["set"])
            return Reply(speech=(*lead, host(turn.line(f"set_done_{set_done}"))), reprompt=(host(turn.line("set_done_again")),))
        if place.get("step") == "asking":  # the consent question never got its answer: keep the time ourselves
            return self._close(turn, lead=lead)
        return self._answer(turn, place, int(place.get("turn", 0)), lead=lead)

    def on_permission(self, turn: Turn, accepted: bool) -> Reply:
        if accepted:
            _state(turn).pop("refused_on", None)
            result = self._start_timer(turn)
            if result.created:
                turn.end_progress()
                return Reply(speech=(host(turn.line("timer_set")),), end_session=True)
        else:
            _state(turn)["refused_on"] = turn.now.date().isoformat()
        return self._silent_gaze(turn)

    # -- the questions ---------------------------------------------------------------------------
    def _begin_set(self, turn: Turn, set_number: int, *, lead: tuple[Segment, ...] = ()) -> Reply:
        _state(turn)["next_set"] = set_number
        first = turn.household.take_first_turn()
        place = {"step": "answer", "set": set_number, "q": 0, "turn": 0, "first": first}
        return self._answer(turn, place, 0, lead=(*lead, host(turn.line(f"set_intro_{set_number}"))))

    def _who(self, turn: Turn, place: Mapping[str, Any], which: int) -> tuple[int, dict[str, str]]:
        """Who answers at this turn: the set's first partner opens its odd questions, the other its even ones."""
        opener = (int(place.get("first", 0)) + int(place.get("q", 0))) % 2
        partner = opener if which == 0 else 1 - opener
        return partner, {"name": turn.name(partner), "other": turn.name(1 - partner)}

    def _answer(self, turn: Turn, place: dict[str, Any], which: int, *, lead: tuple[Segment, ...] = ()) -> Reply:
        set_number, index = int(place["set"]), int(place["q"])
        partner, names = self._who(turn, place, which)
        question = questions_of(turn, set_number)[index].replace(PARTNER_SLOT, names["other"])
        settings = turn.section.settings
        hold = timed_hold(float(settings["answer_seconds"][set_number - 1]), turn.content.sounds, settings["end_clip"])
        if which == 0:
            number = host(turn.line("question_number", count=index + 1))
            speech = [*lead, number, host(question), to_partner(partner, turn.line("first_turn", **names)), *hold]
            speech.append(to_partner(partner, turn.line("hand_over", **names)))
            again = "hand_over_again"
        else:
            speech = [*lead, to_partner(partner, turn.line("second_turn", **names)), to_partner(partner, question), *hold]
            speech.append(to_partner(partner, turn.line("done_hint", **names)))
            again = "done_hint_again"
        turn.keep_progress({**place, "step": "answer", "turn": which}, hours=float(settings["keep_hours"]))
        return Reply(speech=tuple(speech), reprompt=(host(question), to_partner(partner, turn.line(again, **names))))

    def _still_answering(self, turn: Turn, place: dict[str, Any]) -> Reply:
        which = int(place.get("turn", 0))
        partner, names = self._who(turn, place, which)
        again = "hand_over_again" if which == 0 else "done_hint_again"
        question = questions_of(turn, int(place["set"]))[int(place["q"])].replace(PARTNER_SLOT, names["other"])
        hint = to_partner(partner, turn.line(again, **names))
        # The speech re-reads the question, so the reprompt (the hint alone) never repeats it word for word.
        return Reply(speech=(host(question), hint), reprompt=(hint,))

    def _next_question(self, turn: Turn, place: dict[str, Any]) -> Reply:
        set_number, index = int(place["set"]), int(place["q"]) + 1
        if index < PER_SET:
            return self._answer(turn, {**place, "q": index}, 0)
        if set_number < len(SETS):
            _state(turn)["next_set"] = set_number + 1
            turn.keep_progress({"step": "between", "set": set_number}, hours=float(turn.section.settings["keep_hours"]))
            return Reply(speech=(host(turn.line(f"set_done_{set_number}")),), reprompt=(host(turn.line("set_done_again")),))
        _state(turn).pop("next_set", None)  # the evening is complete: next time starts again at set one
        return self._close(turn, lead=(host(turn.line("closing")),))

    def _pause_between(self, turn: Turn, next_set: int) -> Reply:
        turn.end_progress()
        return Reply(speech=(host(turn.line("pause_between", count=next_set)),), end_session=True)

    # -- four minutes of eye contact ----------------------------------------------------------------
    def _close(self, turn: Turn, *, lead: tuple[Segment, ...]) -> Reply:
        result = self._start_timer(turn)
        if result.created:
            turn.end_progress()
            return Reply(speech=(*lead, host(turn.line("timer_set"))), end_session=True)
        if result.status is AlertStatus.PERMISSION_MISSING and not _refused_recently(turn):
            turn.keep_progress({"step": "asking"}, hours=float(turn.section.settings["asking_hours"]))
            return Reply(speech=(*lead, host(turn.line("ask_timer"))), ask_permission=TIMERS_SCOPE)
        return self._silent_gaze(turn, lead=lead)

    def _silent_gaze(self, turn: Turn, *, lead: tuple[Segment, ...] = ()) -> Reply:
        """The four minutes kept by the skill: a quiet hold and a chime, all within one response."""
        turn.end_progress()
        settings = turn.section.settings
        hold = timed_hold(float(settings["gaze_seconds"]), turn.content.sounds, settings["end_clip"])
        speech = (*lead, host(turn.line("silent_gaze")), *hold, host(turn.line("gaze_end")))
        return Reply(speech=speech, end_session=True)

    def _start_timer(self, turn: Turn) -> AlertResult:
        if turn.alerts is None:
            return AlertResult(AlertStatus.FAILED)
        state = _state(turn)
        state["runs"] = int(state["runs"]) + 1 if isinstance(state.get("runs"), int) else 1
        settings = turn.section.settings
        # A label must be unique among the skill's timers; the run count makes it so for this household.
        label = f"{settings['timer_label']} {state['runs']}"
        return turn.alerts.start_timer(int(settings["gaze_seconds"]), label, turn.line("announcement"), turn.content.locale)


RITUAL = ThirtySix()
